"""Signing a searchable PDF/A with PKCS#12 and PKCS#11 (SoftHSM2) and verifying it: the text layer and PDF/A
survive, tampering is detected, untrusted/expired/revoked certificates are reported, wrong secrets fail cleanly."""

from __future__ import annotations

import re
import subprocess
import unicodedata
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pikepdf
import pytest

from sohoa.signing.appearance import Seal
from sohoa.signing.errors import AlreadySignedError, KeyAccessError, WrongPinError
from sohoa.signing.keys import Pkcs11Key, Pkcs12Key, open_signer
from sohoa.signing.sign import SignatureRequest, sign_pdf
from sohoa.signing.verify import load_certificates, load_crls, verify_pdf
from tests.signing import tamper
from tests.signing.conftest import AGENCY, BODY, LINE, OFFICER, PASSPHRASE, Token
from tests.signing.pdfa import assert_pdfa
from tests.signing.pki import Authority, issue, make_authority, revocation_list


def officer_request() -> SignatureRequest:
    return SignatureRequest("officer", OFFICER, AGENCY)


def sign_with_p12(pdf: bytes, key: Pkcs12Key, request: SignatureRequest | None = None) -> bytes:
    with open_signer(key, PASSPHRASE) as signer:
        return sign_pdf(pdf, signer, request or officer_request())


def pdftotext(path: Path, *args: str) -> str:
    out = subprocess.run(
        ["pdftotext", *args, str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    return unicodedata.normalize("NFC", out)


def test_pkcs12_signature_verifies(unsigned_pdf: Path, officer_p12: Pkcs12Key, trust_root: Path) -> None:
    signed = sign_with_p12(unsigned_pdf.read_bytes(), officer_p12)
    assert signed.startswith(unsigned_pdf.read_bytes()), "an incremental update keeps every original byte"
    [report] = verify_pdf(signed, load_certificates([trust_root]))
    assert report.signer == OFFICER
    assert report.intact and report.valid and report.trusted and not report.revoked and not report.expired
    assert (report.role, report.page, report.position) == ("officer", 1, "top-left")
    assert report.signed_at is not None and abs(report.signed_at - datetime.now(UTC)) < timedelta(minutes=2)
    assert not report.problems


def test_pkcs11_signature_verifies(unsigned_pdf: Path, softhsm: Token, trust_root: Path) -> None:
    with open_signer(softhsm.key, softhsm.pin) as signer:
        signed = sign_pdf(unsigned_pdf.read_bytes(), signer, officer_request())
    [report] = verify_pdf(signed, load_certificates([trust_root]))
    assert report.signer == OFFICER and report.intact and report.trusted
    assert report.position == "top-left"


def test_text_layer_still_extracts_in_place(
    unsigned_pdf: Path, officer_p12: Pkcs12Key, tmp_path: Path
) -> None:
    signed = tmp_path / "signed.pdf"
    signed.write_bytes(sign_with_p12(unsigned_pdf.read_bytes(), officer_p12))
    text = " ".join(pdftotext(signed).split())
    assert LINE in text and BODY in text and "Trang 2 phụ lục" in text
    before, after = pdftotext(unsigned_pdf, "-bbox"), pdftotext(signed, "-bbox")
    box = r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">Hùng</word>'
    assert re.search(box, before) and re.search(box, after).groups() == re.search(box, before).groups()


def test_signed_file_is_still_pdfa(
    unsigned_pdf: Path, officer_p12: Pkcs12Key, agency_p12: Pkcs12Key, tmp_path: Path, seal: Seal
) -> None:
    once = sign_with_p12(unsigned_pdf.read_bytes(), officer_p12)
    twice = sign_with_p12(once, agency_p12, SignatureRequest("agency", "Lê Văn Tám", AGENCY, seal=seal))
    signed = tmp_path / "signed.pdf"
    signed.write_bytes(twice)
    assert_pdfa(signed)


def test_agency_box_top_right_with_seal_at_actual_size(
    unsigned_pdf: Path, officer_p12: Pkcs12Key, agency_p12: Pkcs12Key, trust_root: Path, seal: Seal
) -> None:
    once = sign_with_p12(unsigned_pdf.read_bytes(), officer_p12)
    twice = sign_with_p12(once, agency_p12, SignatureRequest("agency", "Lê Văn Tám", AGENCY, seal=seal))
    officer, agency = verify_pdf(twice, load_certificates([trust_root]))
    assert officer.intact and officer.trusted, "a second signature does not break the first"
    assert (agency.role, agency.page, agency.position, agency.signer) == ("agency", 1, "top-right", AGENCY)
    with pikepdf.open(io_bytes(twice)) as pdf:
        widget = next(a for a in pdf.pages[0].Annots if str(a.get("/T")) == "Sohoa-agency")
        images = list(widget.AP.N.Resources.XObject.values())
        image = next(x for x in images if x.get("/Subtype") == "/Image")
        assert (int(image.Width), int(image.Height)) == (472, 472)
        # 472 px at 300 dpi = 113.28 pt (40 mm); drawn at that size (pyHanko rounds boxes to whole points)
        assert re.search(r"q\s+113 0 0 113 0 0 cm /Img", widget.AP.N.read_bytes().decode("latin-1"))


def io_bytes(data: bytes):
    import io

    return io.BytesIO(data)


def test_signing_twice_in_one_role_is_refused(unsigned_pdf: Path, officer_p12: Pkcs12Key) -> None:
    once = sign_with_p12(unsigned_pdf.read_bytes(), officer_p12)
    with pytest.raises(AlreadySignedError, match="officer"):
        sign_with_p12(once, officer_p12)


@pytest.mark.parametrize("kind", ["one_byte", "page_added", "update_after"])
def test_tampering_is_detected(
    kind: str, unsigned_pdf: Path, officer_p12: Pkcs12Key, trust_root: Path
) -> None:
    original = unsigned_pdf.read_bytes()
    signed = sign_with_p12(original, officer_p12)
    changed = {
        "one_byte": lambda: tamper.change_one_byte(signed, len(original) // 2),
        "page_added": lambda: tamper.add_page(signed),
        "update_after": lambda: tamper.draw_over_page_one(signed),
    }[kind]()
    [report] = verify_pdf(changed, load_certificates([trust_root]))
    assert not report.intact and report.problems
    if kind != "one_byte":
        assert report.modified_after and report.valid, "the signature itself holds; what follows it does not"


def test_untrusted_certificate(unsigned_pdf: Path, tmp_path: Path, trust_root: Path) -> None:
    stranger = make_authority("Unknown CA")
    key = Pkcs12Key(issue(stranger, OFFICER).pkcs12(tmp_path / "x.p12", PASSPHRASE, stranger))
    [report] = verify_pdf(sign_with_p12(unsigned_pdf.read_bytes(), key), load_certificates([trust_root]))
    assert report.intact and not report.trusted
    assert any("trust root" in p for p in report.problems)


def test_expired_certificate(unsigned_pdf: Path, ca: Authority, tmp_path: Path, trust_root: Path) -> None:
    now = datetime.now(UTC)
    old = issue(ca, OFFICER, not_before=now - timedelta(days=800), not_after=now - timedelta(days=1))
    key = Pkcs12Key(old.pkcs12(tmp_path / "old.p12", PASSPHRASE, ca))
    [report] = verify_pdf(sign_with_p12(unsigned_pdf.read_bytes(), key), load_certificates([trust_root]))
    assert report.expired and not report.trusted and report.intact
    assert "certificate expired" in report.problems


def test_revoked_certificate(unsigned_pdf: Path, ca: Authority, tmp_path: Path, trust_root: Path) -> None:
    bad = issue(ca, OFFICER)
    key = Pkcs12Key(bad.pkcs12(tmp_path / "bad.p12", PASSPHRASE, ca))
    signed = sign_with_p12(unsigned_pdf.read_bytes(), key)
    roots = load_certificates([trust_root])
    crl = load_crls([revocation_list(ca, [bad], tmp_path / "ca.crl")])
    [report] = verify_pdf(signed, roots, crl)
    assert report.revoked and not report.trusted and "certificate revoked" in report.problems
    [clean] = verify_pdf(signed, roots, load_crls([revocation_list(ca, [], tmp_path / "empty.crl")]))
    assert clean.trusted and not clean.revoked


def test_wrong_passphrase_fails_cleanly(officer_p12: Pkcs12Key) -> None:
    with pytest.raises(WrongPinError, match=str(officer_p12.path)), open_signer(officer_p12, "sai"):
        pass


def test_wrong_pin_fails_cleanly(softhsm: Token) -> None:
    with pytest.raises(WrongPinError, match="PIN"), open_signer(softhsm.key, "000000"):
        pass
    with open_signer(softhsm.key, softhsm.pin) as signer:  # one wrong try does not lock the token
        assert signer.signing_cert is not None


def test_missing_key_label_on_token(softhsm: Token) -> None:
    key = Pkcs11Key(softhsm.key.library, softhsm.key.token_label, "nobody")
    with pytest.raises(KeyAccessError, match="nobody"), open_signer(key, softhsm.pin):
        pass


def test_baseline_t_with_a_timestamp_server(
    unsigned_pdf: Path, officer_p12: Pkcs12Key, ca: Authority, trust_root: Path
) -> None:
    from tests.signing.tsa import timestamp_server

    with timestamp_server(ca) as (url, served):
        request = SignatureRequest("officer", OFFICER, AGENCY, timestamp_url=url)
        signed = sign_with_p12(unsigned_pdf.read_bytes(), officer_p12, request)
    assert len(served) == 1, "one timestamp request per signature (no trial signature)"
    [report] = verify_pdf(signed, load_certificates([trust_root]))
    assert report.timestamped and report.intact and report.trusted
    assert abs(report.signed_at - datetime.now(UTC)) < timedelta(minutes=2)
    [untimed] = verify_pdf(
        sign_with_p12(unsigned_pdf.read_bytes(), officer_p12), load_certificates([trust_root])
    )
    assert not untimed.timestamped, "B-B without a configured server"


def test_unreachable_timestamp_server_fails_cleanly(unsigned_pdf: Path, officer_p12: Pkcs12Key) -> None:
    from sohoa.signing.errors import SigningError

    request = SignatureRequest("officer", OFFICER, AGENCY, timestamp_url="http://127.0.0.1:9/tsa")
    with pytest.raises(SigningError, match="signing failed"):
        sign_with_p12(unsigned_pdf.read_bytes(), officer_p12, request)
