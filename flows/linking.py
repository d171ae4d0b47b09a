"""Split a scanned file into documents and link each to its dossier: QR receipt, file name, then OCR text.

Pure functions: pages in, documents out. A receipt sheet (QR code with a dossier code) starts a new dossier, so a
scanner stack of several dossiers splits there; pages before the first receipt stay one document.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ocr.qr import parse_receipt_payload
from sohoa.domain.codes import dossier_code_from_filename, find_labelled_dossier_code


@dataclass(frozen=True)
class PageClues:
    """What linking needs of a page: QR payloads found on it and its recognised text."""

    qr_payloads: tuple[str, ...]
    text: str


@dataclass(frozen=True)
class DocumentPart:
    first_page: int  # 1-based, inclusive
    last_page: int
    dossier_code: str | None
    method: str | None  # qr | filename | text | None (unlinked)
    ordinal: int | None = None


def receipt_code(page: PageClues) -> str | None:
    for payload in page.qr_payloads:
        receipt = parse_receipt_payload(payload)
        if receipt:
            return receipt.dossier_code
    return None


def split_and_link(file_name: str, pages: list[PageClues]) -> list[DocumentPart]:
    starts = [(i, code) for i, page in enumerate(pages) if (code := receipt_code(page))]
    parts: list[DocumentPart] = []
    if not starts or starts[0][0] > 0:
        end = starts[0][0] if starts else len(pages)
        parts.append(link_without_qr(file_name, pages[:end], first_page=1))
    for n, (start, code) in enumerate(starts):
        end = starts[n + 1][0] if n + 1 < len(starts) else len(pages)
        parts.append(DocumentPart(start + 1, end, code, "qr"))
    return parts


def link_without_qr(file_name: str, pages: list[PageClues], first_page: int) -> DocumentPart:
    last_page = first_page + len(pages) - 1
    by_name = dossier_code_from_filename(Path(file_name).name)
    if by_name:
        return DocumentPart(first_page, last_page, by_name.dossier_code, "filename", by_name.ordinal)
    for page in pages[:2]:
        code = find_labelled_dossier_code(page.text)
        if code:
            return DocumentPart(first_page, last_page, code, "text")
    return DocumentPart(first_page, last_page, None, None)
