"""ocr.qr: receipt QR codes are read from degraded scans and their payloads parsed whatever the format."""

from __future__ import annotations

import io

import cv2
import numpy as np
import pytest
import segno

from ocr.qr import ReceiptQr, find_receipt, parse_receipt_payload, read_qr_codes

CODE = "H21.65-220914-0011"
PAYLOAD = f"{CODE}|1.001193|001089012345"


def qr_gray(payload: str, scale: int) -> np.ndarray:
    buffer = io.BytesIO()
    segno.make_qr(payload, error="m").save(buffer, kind="png", scale=scale, border=4)
    return cv2.imdecode(np.frombuffer(buffer.getvalue(), np.uint8), cv2.IMREAD_GRAYSCALE)


def receipt_page(payload: str, *, where: tuple[int, int] = (120, 100), scale: int = 6) -> np.ndarray:
    """An A4 page at 200 dpi with the QR code pasted top-left and some text lines."""
    page = np.full((2339, 1654, 3), 255, np.uint8)
    code = qr_gray(payload, scale)
    top, left = where
    page[top : top + code.shape[0], left : left + code.shape[1]] = code[:, :, None]
    for row in range(700, 2000, 60):
        cv2.putText(page, "GIAY TIEP NHAN HO SO", (150, row), cv2.FONT_HERSHEY_SIMPLEX, 1.2, (0, 0, 0), 2)
    return page


def degrade(page: np.ndarray, *, angle: float, blur: int, noise: float, seed: int = 0) -> np.ndarray:
    if angle % 90 == 0:  # a sheet fed sideways or upside down: the code is in another corner
        out = np.ascontiguousarray(np.rot90(page, int(angle // 90)))
    else:
        height, width = page.shape[:2]
        matrix = cv2.getRotationMatrix2D((width / 2, height / 2), angle, 1.0)
        out = cv2.warpAffine(page, matrix, (width, height), borderValue=(255, 255, 255))
    if blur:
        out = cv2.GaussianBlur(out, (blur, blur), 0)
    rng = np.random.default_rng(seed)
    out = np.clip(out.astype(np.float32) + rng.normal(0, noise, out.shape), 0, 255).astype(np.uint8)
    return out


def test_clean_receipt_top_left() -> None:
    codes = read_qr_codes(receipt_page(PAYLOAD))
    assert [c.text for c in codes] == [PAYLOAD]
    left, top, width, height = codes[0].box
    assert abs(left - (100 + 24)) <= 6 and abs(top - (120 + 24)) <= 6  # quiet zone is 4 modules of 6 px
    assert width > 100 and height > 100


@pytest.mark.parametrize(
    ("angle", "blur", "noise"),
    [(2.5, 3, 8.0), (-4.0, 5, 12.0), (90.0, 0, 5.0), (180.0, 3, 10.0), (1.0, 7, 20.0)],
)
def test_degraded_scans(angle: float, blur: int, noise: float) -> None:
    page = degrade(receipt_page(PAYLOAD), angle=angle, blur=blur, noise=noise)
    receipt = find_receipt(page)
    assert receipt == ReceiptQr(CODE, "1.001193", "001089012345", PAYLOAD)


def test_code_elsewhere_on_the_page_and_gray_input() -> None:
    page = receipt_page(PAYLOAD, where=(1900, 1200), scale=5)
    gray = cv2.cvtColor(page, cv2.COLOR_BGR2GRAY)
    assert find_receipt(gray) is not None
    assert find_receipt(page).dossier_code == CODE


def test_small_blurred_modules() -> None:
    page = degrade(receipt_page(PAYLOAD, scale=2), angle=0.0, blur=3, noise=6.0)
    assert find_receipt(page) is not None


def test_page_without_qr() -> None:
    page = degrade(receipt_page(PAYLOAD), angle=0, blur=0, noise=0)
    page[:700] = 255
    assert read_qr_codes(page) == []
    assert find_receipt(page) is None


def test_qr_without_dossier_code_is_not_a_receipt() -> None:
    assert read_qr_codes(receipt_page("https://dichvucong.gov.vn"))
    assert find_receipt(receipt_page("https://dichvucong.gov.vn")) is None


@pytest.mark.parametrize(
    ("payload", "procedure", "id_number"),
    [
        (f"{CODE}|1.001193|001089012345", "1.001193", "001089012345"),
        (f"{CODE};1.001193;001089012345", "1.001193", "001089012345"),
        (
            f'{{"maHoSo": "{CODE}", "maTTHC": "1.001193", "soCCCD": "001089012345"}}',
            "1.001193",
            "001089012345",
        ),
        (f'{{"data": {{"dossier_code": "{CODE.lower()}", "procedure_code": "1.001193"}}}}', "1.001193", None),
        (f"https://dichvucong.gov.vn/p/tra-cuu?mahoso={CODE}&matthc=1.001193", "1.001193", None),
        (f"MaHoSo={CODE};CCCD=001089012345", None, "001089012345"),
        (f"Mã hồ sơ: {CODE}\nMã TTHC: 1.001193\nCMND: 123456789", "1.001193", "123456789"),
        (CODE, None, None),
    ],
)
def test_parse_receipt_payload_formats(payload: str, procedure: str | None, id_number: str | None) -> None:
    assert parse_receipt_payload(payload) == ReceiptQr(CODE, procedure, id_number, payload)


@pytest.mark.parametrize(
    "payload", ["", "hello", "https://dichvucong.gov.vn/", '{"a": 1}', "1.001193|001089012345"]
)
def test_payload_without_dossier_code(payload: str) -> None:
    assert parse_receipt_payload(payload) is None
