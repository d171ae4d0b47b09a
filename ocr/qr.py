"""Read QR codes from page images and parse the one-stop system's receipt payload into a dossier reference."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlsplit

import cv2
import numpy as np
import zxingcpp

from sohoa.domain.codes import find_dossier_codes, normalize_dossier_code
from sohoa.domain.folding import fold

# The one-stop system prints the receipt's QR code in the top-left corner: look there first, at full size.
_TOP_LEFT_FRACTION = 0.4
_PROCEDURE_CODE = re.compile(r"(?<![\d.])(\d\.\d{6})(?![\d.])")  # e.g. 1.001193
_ID_NUMBER = re.compile(r"(?<!\d)(\d{12}|\d{9})(?!\d)")  # CCCD (12 digits) or old CMND (9)
_PROCEDURE_KEYS = ("procedure", "procedure_code", "matthc", "ma_tthc", "mathutuc", "thutuc", "tthc")
_ID_KEYS = ("id_number", "cccd", "cmnd", "socccd", "so_cccd", "sogiayto", "giayto", "cmt", "idno")
_DOSSIER_KEYS = ("dossier_code", "mahoso", "ma_ho_so", "hoso", "code", "ma", "mhs")


@dataclass(frozen=True)
class QrCode:
    text: str
    box: tuple[int, int, int, int]  # left, top, width, height in the page image's pixels


@dataclass(frozen=True)
class ReceiptQr:
    """What a one-stop receipt's QR code says: the dossier it starts; procedure and applicant when present."""

    dossier_code: str
    procedure_code: str | None
    id_number: str | None
    raw: str


def read_qr_codes(image: np.ndarray) -> list[QrCode]:
    """QR codes on a page (BGR or gray): the top-left corner, then the whole page, then a cleaned-up retry."""
    gray = image if image.ndim == 2 else cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    height, width = gray.shape
    corner = gray[: int(height * _TOP_LEFT_FRACTION), : int(width * _TOP_LEFT_FRACTION)]
    found = _decode(corner, scale=1.0)
    if found:
        return found
    found = _decode(gray, scale=1.0)
    if found:
        return found
    # Blurred or noisy scans: smooth speckle, binarize, and give small modules more pixels.
    for region in (corner, gray):
        cleaned = cv2.medianBlur(region, 3)
        cleaned = cv2.threshold(cleaned, 0, 255, cv2.THRESH_BINARY | cv2.THRESH_OTSU)[1]
        factor = 2.0 if region.size * 4 <= 60_000_000 else 1.0
        if factor != 1.0:
            cleaned = cv2.resize(cleaned, None, fx=factor, fy=factor, interpolation=cv2.INTER_NEAREST)
        found = _decode(cleaned, scale=factor)
        if found:
            return found
    return []


def find_receipt(image: np.ndarray) -> ReceiptQr | None:
    """The receipt reference on a page, if one of its QR codes carries a dossier code."""
    for code in read_qr_codes(image):
        receipt = parse_receipt_payload(code.text)
        if receipt:
            return receipt
    return None


def parse_receipt_payload(text: str) -> ReceiptQr | None:
    """Parse a receipt QR payload in any of the systems' formats (JSON, key=value, URL, `|`/`;` separated)."""
    fields = _fields(text)
    dossier = next((normalize_dossier_code(fields[k]) for k in _DOSSIER_KEYS if k in fields), None)
    if dossier is None:
        codes = find_dossier_codes(" ".join([text, *fields.values()]))
        if not codes:
            return None
        dossier = codes[0]
    rest = " | ".join(v for v in [*fields.values(), text] if normalize_dossier_code(v) is None)
    procedure = next(
        (fields[k] for k in _PROCEDURE_KEYS if k in fields and _PROCEDURE_CODE.fullmatch(fields[k])), None
    )
    if procedure is None:
        match = _PROCEDURE_CODE.search(rest.replace(dossier, " "))
        procedure = match.group(1) if match else None
    id_number = next((fields[k] for k in _ID_KEYS if k in fields and _ID_NUMBER.fullmatch(fields[k])), None)
    if id_number is None:
        match = _ID_NUMBER.search(rest.replace(dossier, " "))
        id_number = match.group(1) if match else None
    return ReceiptQr(dossier, procedure, id_number, text)


def _decode(gray: np.ndarray, scale: float) -> list[QrCode]:
    results = zxingcpp.read_barcodes(np.ascontiguousarray(gray), formats=zxingcpp.BarcodeFormat.QRCode)
    codes = []
    for result in results:
        if not result.valid or not result.text:
            continue
        p = result.position
        xs = [p.top_left.x, p.top_right.x, p.bottom_right.x, p.bottom_left.x]
        ys = [p.top_left.y, p.top_right.y, p.bottom_right.y, p.bottom_left.y]
        left, top = round(min(xs) / scale), round(min(ys) / scale)
        box = (left, top, round(max(xs) / scale) - left, round(max(ys) / scale) - top)
        codes.append(QrCode(result.text, box))
    return codes


def _fields(text: str) -> dict[str, str]:
    """Key -> value pairs from JSON, a URL query or `key=value` / `key: value` parts; keys folded."""
    pairs: list[tuple[str, str]] = []
    stripped = text.strip()
    try:
        data = json.loads(stripped)
    except ValueError:
        data = None
    if isinstance(data, dict):
        pairs += _flatten(data)
    if "://" in stripped:
        pairs += parse_qsl(urlsplit(stripped).query)
    for part in re.split(r"[|;\n&]", stripped):
        key, sep, value = part.partition("=") if "=" in part else part.partition(":")
        if sep and key.strip() and "//" not in value[:2]:
            pairs.append((key, value))
    return {_key(k): str(v).strip() for k, v in pairs if str(v).strip()}


def _flatten(data: dict, prefix: str = "") -> list[tuple[str, str]]:
    pairs: list[tuple[str, str]] = []
    for key, value in data.items():
        if isinstance(value, dict):
            pairs += _flatten(value)
        elif value is not None and not isinstance(value, list):
            pairs.append((str(key), str(value)))
    return pairs


def _key(key: str) -> str:
    return re.sub(r"[\s\-]+", "_", fold(key).strip().lower()).replace("__", "_")
