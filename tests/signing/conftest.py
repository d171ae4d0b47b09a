"""Fixtures for signing tests: a test CA, PKCS#12 files, a SoftHSM2 token created in a temp folder by
deploy/softhsm.sh (no shared service), and a small searchable PDF/A built by ocr.searchable_pdf."""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw

from ocr.model import Word
from ocr.searchable_pdf import PdfPage, build_searchable_pdf
from sohoa.signing.appearance import Seal
from sohoa.signing.keys import Pkcs11Key, Pkcs12Key
from tests.signing.pki import Authority, Identity, issue, make_authority

REPO = Path(__file__).resolve().parents[2]
SOFTHSM = REPO / "deploy" / "softhsm.sh"
PASSPHRASE = "mật-khẩu-p12"
PIN = "246810"
SO_PIN = "13579135"
TOKEN = "sohoa-test"
OFFICER = "Nguyễn Thị Lân"
AGENCY = "UBND xã Mỹ Hiệp"
LINE = "Cộng hòa xã hội chủ nghĩa Việt Nam"
BODY = "Khai sinh Trần Văn Hùng số 123/QĐ-UBND"


@dataclass
class Token:
    key: Pkcs11Key
    pin: str
    conf: Path


def words_on_line(text: str, top: int, left: int = 300, height: int = 42) -> list[Word]:
    words, x = [], left
    for index, token in enumerate(text.split()):
        width = 24 * len(token)
        words.append(Word(token, x, top, width, height, 91.0, 1, 1, 1 + index))
        x += width + 20
    return words


def build_pdf(path: Path, pages: int = 2) -> Path:
    """An A4 page at 150 dpi with a heading and a body line, plus plain further pages; PDF/A-2b."""
    content = []
    for number in range(pages):
        image = np.full((1754, 1240, 3), 245, dtype=np.uint8)
        image[300:310, 150:1100] = (40, 40, 40)
        words = (
            words_on_line(LINE, 400, left=150) + words_on_line(BODY, 900, left=150)
            if number == 0
            else (words_on_line(f"Trang {number + 1} phụ lục", 400, left=150))
        )
        content.append(PdfPage(image, 150, words))
    build_searchable_pdf(content, path, title="Hồ sơ H21.65-220914-0011")
    return path


@pytest.fixture(scope="session")
def ca() -> Authority:
    return make_authority()


@pytest.fixture(scope="session")
def officer(ca: Authority) -> Identity:
    return issue(ca, OFFICER)


@pytest.fixture(scope="session")
def agency(ca: Authority) -> Identity:
    return issue(ca, AGENCY, organization=AGENCY)


@pytest.fixture(scope="session")
def pki_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("pki")


@pytest.fixture(scope="session")
def trust_root(ca: Authority, pki_dir: Path) -> Path:
    return ca.pem(pki_dir / "root.pem")


@pytest.fixture(scope="session")
def officer_p12(officer: Identity, ca: Authority, pki_dir: Path) -> Pkcs12Key:
    return Pkcs12Key(officer.pkcs12(pki_dir / "officer.p12", PASSPHRASE, ca))


@pytest.fixture(scope="session")
def agency_p12(agency: Identity, ca: Authority, pki_dir: Path) -> Pkcs12Key:
    return Pkcs12Key(agency.pkcs12(pki_dir / "agency.p12", PASSPHRASE, ca))


@pytest.fixture(scope="session")
def softhsm(officer: Identity, tmp_path_factory: pytest.TempPathFactory) -> Token:
    """One SoftHSM2 token per test session (the PKCS#11 library reads its configuration once per process)."""
    folder = tmp_path_factory.mktemp("softhsm")
    subprocess.run([str(SOFTHSM), "init", str(folder), TOKEN, PIN, SO_PIN], check=True, capture_output=True)
    subprocess.run(
        [
            str(SOFTHSM),
            "import",
            str(folder),
            TOKEN,
            PIN,
            "officer",
            str(officer.key_pem(folder / "k.pem")),
            str(officer.cert_pem(folder / "c.pem")),
        ],
        check=True,
        capture_output=True,
    )
    (folder / "k.pem").unlink()  # the key now lives only on the token
    conf = folder / "softhsm2.conf"
    os.environ["SOFTHSM2_CONF"] = str(conf)
    library = subprocess.run(
        [str(SOFTHSM), "module"], check=True, capture_output=True, text=True
    ).stdout.strip()
    return Token(Pkcs11Key(Path(library), TOKEN, "officer"), PIN, conf)


@pytest.fixture(scope="session")
def seal(pki_dir: Path) -> Seal:
    """A red round seal, 40 mm across at 300 dpi, on a transparent background."""
    image = Image.new("RGBA", (472, 472), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse((4, 4, 468, 468), outline=(200, 0, 0, 255), width=14)
    draw.ellipse((90, 90, 382, 382), outline=(200, 0, 0, 255), width=6)
    image.save(pki_dir / "seal.png", dpi=(300, 300))
    return Seal(pki_dir / "seal.png", 300)


@pytest.fixture()
def unsigned_pdf(tmp_path: Path) -> Path:
    return build_pdf(tmp_path / "unsigned.pdf")
