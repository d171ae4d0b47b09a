"""ocr.searchable_pdf: the text layer round-trips through Poppler in place; the file is PDF/A-2b."""

from __future__ import annotations

import re
import subprocess
import unicodedata
from pathlib import Path

import numpy as np
import pikepdf
import pytest
from PIL import Image

from ocr.model import Word
from ocr.searchable_pdf import PdfPage, build_searchable_pdf
from tests.ocr_io.conftest import draw_page

LINE = "Cộng hòa xã hội chủ nghĩa Việt Nam Độc lập Tự do Hạnh phúc đường Nguyễn Huệ"


def words_on_line(text: str, top: int, left: int = 150, height: int = 42) -> list[Word]:
    words, x = [], left
    for index, token in enumerate(text.split()):
        width = 24 * len(token)
        words.append(Word(token, x, top, width, height, 91.0, 1, 1, 1 + index // 100))
        x += width + 20
    return words


def run(*args: str) -> str:
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout


@pytest.fixture()
def built(tmp_path: Path) -> tuple[Path, list[PdfPage]]:
    first = np.ascontiguousarray(np.asarray(draw_page(2480, 3508))[:, :, ::-1])
    second = np.full((1654, 1169, 3), 250, dtype=np.uint8)  # A5-ish landscape receipt at 200 dpi
    pages = [
        PdfPage(first, 300, words_on_line(LINE, 600) + words_on_line("Số: 123/QĐ-UBND", 700)),
        PdfPage(second, 200, words_on_line("Giấy tiếp nhận hồ sơ", 300, left=100, height=30)),
    ]
    out = tmp_path / "dossier.pdf"
    build_searchable_pdf(pages, out, title="Hồ sơ H21.65-220914-0011")
    return out, pages


def test_vietnamese_text_is_extractable(built: tuple[Path, list[PdfPage]]) -> None:
    out, _ = built
    pages = run("pdftotext", "-layout", str(out), "-").split("\f")
    first = unicodedata.normalize("NFC", " ".join(pages[0].split()))
    assert LINE in first
    assert "Số: 123/QĐ-UBND" in first
    assert "Giấy tiếp nhận hồ sơ" in " ".join(pages[1].split())


def test_word_is_placed_on_its_box(built: tuple[Path, list[PdfPage]]) -> None:
    out, pages = built
    xml = run("pdftotext", "-bbox", str(out), "-")
    target = next(w for w in pages[0].words if w.text == "Nguyễn")
    scale = 72 / 300
    match = re.search(
        r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">Nguyễn</word>',
        unicodedata.normalize("NFC", xml),
    )
    assert match, "the word is in the text layer"
    x_min, y_min, x_max, y_max = (float(v) for v in match.groups())
    expected = (
        target.left * scale,
        target.top * scale,
        (target.left + target.width) * scale,
        (target.top + target.height) * scale,
    )
    for got, want in zip((x_min, y_min, x_max, y_max), expected, strict=True):
        assert abs(got - want) < 2.0, (got, want)


def test_page_size_is_image_size_over_dpi(built: tuple[Path, list[PdfPage]]) -> None:
    out, _ = built
    with pikepdf.open(out) as pdf:
        sizes = [[float(v) for v in page.mediabox] for page in pdf.pages]
    assert sizes[0][2:] == pytest.approx([2480 * 72 / 300, 3508 * 72 / 300], abs=0.01)
    assert sizes[1][2:] == pytest.approx([1169 * 72 / 200, 1654 * 72 / 200], abs=0.01)


def test_visible_layer_is_the_colour_image(built: tuple[Path, list[PdfPage]], tmp_path: Path) -> None:
    out, _ = built
    listing = run("pdfimages", "-list", str(out)).splitlines()[2:]
    first = listing[0].split()
    assert first[3:6] == ["2480", "3508", "rgb"] and first[8] == "jpeg"
    assert int(float(first[12])) == 300  # x-ppi reported by Poppler
    run("pdftoppm", "-r", "30", "-f", "1", "-l", "1", "-png", str(out), str(tmp_path / "look"))
    with Image.open(next(tmp_path.glob("look*.png"))) as look:
        r, g, b = look.convert("RGB").getpixel((int(look.width * 0.95), int(look.height * 0.03)))
    assert r > 150 and g < 100 and b < 100, "the red block is visible: the text layer hides nothing"


def test_pdfa_identification_and_structure(built: tuple[Path, list[PdfPage]]) -> None:
    out, _ = built
    check = subprocess.run(["qpdf", "--check", str(out)], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    with pikepdf.open(out) as pdf:
        assert not pdf.is_encrypted
        meta = pdf.open_metadata()
        assert meta["pdfaid:part"] == "2" and meta["pdfaid:conformance"] == "B"
        assert meta["dc:title"] == "Hồ sơ H21.65-220914-0011"
        assert "/Filter" not in pdf.Root.Metadata  # PDF/A: metadata stream stays plain XML
        intent = pdf.Root.OutputIntents[0]
        assert intent.S == pikepdf.Name.GTS_PDFA1 and int(intent.DestOutputProfile.N) == 3
    fonts = run("pdffonts", str(out)).splitlines()[2:]
    assert fonts and all(line.split()[-5:-2] == ["yes", "yes", "yes"] for line in fonts), fonts


def test_plain_pdf_without_pdfa(tmp_path: Path) -> None:
    out = tmp_path / "plain.pdf"
    build_searchable_pdf([PdfPage(np.full((600, 500, 3), 255, np.uint8), 100, [])], out, pdfa=False)
    with pikepdf.open(out) as pdf:
        assert "/OutputIntents" not in pdf.Root
        assert len(pdf.pages) == 1


def test_no_pages_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        build_searchable_pdf([], tmp_path / "none.pdf")
