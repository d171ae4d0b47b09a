"""The documents export as files (CSV streamed, XLSX written row by row): one line per document with its dossier,
role, type, digitization code, reuse and extracted fields with their source. Vietnamese headers and labels by
default, English with lang='en'; every cell goes through `web.exports.neutralise`."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from storage.catalog.document_export import EXPORT_FIELDS, DocumentExportRow
from web.exports import neutralise

ROLE_LABELS = {
    "receipt": ("Giấy tiếp nhận (không phải thành phần)", "Receipt (not a component)"),
    "component": ("Thành phần hồ sơ", "Dossier component"),
    "result": ("Kết quả giải quyết", "Settlement result"),
}
SOURCE_LABELS = {
    "auto": ("tự động", "automatic"),
    "registry": ("sổ đăng ký", "registry"),
    "staff": ("cán bộ", "staff"),
}
REUSE_LABELS = {
    "catalogue": ("Kho dữ liệu số hóa", "Digitized catalogue"),
    "portal": ("Cổng DVCQG", "National portal"),
}
FIELD_TITLES = {
    "number_symbol": ("Số, ký hiệu", "Number and symbol"),
    "issued_on": ("Ngày ban hành", "Date of issue"),
    "agency": ("Cơ quan ban hành", "Issuing agency"),
    "signer": ("Người ký", "Signer"),
    "signer_title": ("Chức vụ người ký", "Signer's title"),
    "subject": ("Trích yếu", "Subject"),
    "owner_name": ("Chủ giấy tờ", "Owner name"),
    "owner_id": ("Số định danh chủ giấy tờ", "Owner ID"),
    "valid_until": ("Hiệu lực đến", "Valid until"),
}
COLUMN_TITLES = (
    ("Mã hồ sơ", "Dossier code"),
    ("Đơn vị", "Unit"),
    ("Mã TTHC", "Procedure code"),
    ("Thủ tục", "Procedure"),
    ("Mã tài liệu", "Document ID"),
    ("Tên tệp", "File name"),
    ("Trang", "Pages"),
    ("Trạng thái", "State"),
    ("Vai trò", "Role"),
    ("Nguồn vai trò", "Role set by"),
    ("Loại giấy tờ", "Document type"),
    ("Độ tin cậy phân loại", "Classification confidence"),
    ("Mã kết quả số hóa", "Digitization code"),
    ("Tái sử dụng từ", "Reused from"),
    ("Mã số hóa tài liệu được tái sử dụng", "Code of the reused document"),
)


def _pick(labels: tuple[str, str], lang: str) -> str:
    return labels[1] if lang == "en" else labels[0]


def document_header(lang: str = "vi") -> list[str]:
    header = [_pick(title, lang) for title in COLUMN_TITLES]
    source = " – nguồn" if lang != "en" else " – source"
    for name in EXPORT_FIELDS:
        title = _pick(FIELD_TITLES[name], lang)
        header += [title, title + source]
    return header


def _label(table: dict[str, tuple[str, str]], value: str | None, lang: str) -> str | None:
    if value is None:
        return None
    return _pick(table[value], lang) if value in table else value


def document_cells(row: DocumentExportRow, lang: str = "vi") -> list[object]:
    pages = str(row.first_page) if row.first_page == row.last_page else f"{row.first_page}-{row.last_page}"
    reused_code = row.reused_from_code
    if reused_code is None and row.reused_from_document_id is not None:
        reused_code = f"#{row.reused_from_document_id}"  # the earlier document has no code yet: its id
    cells: list[object] = [
        row.dossier_code,
        row.unit,
        row.procedure_code,
        row.procedure,
        row.document_id,
        row.file_name,
        pages,
        row.state,
        _label(ROLE_LABELS, row.role, lang),
        _label(SOURCE_LABELS, row.role_source, lang),
        row.doc_type,
        None if row.type_confidence is None else round(row.type_confidence, 3),
        row.digitization_code,
        _label(REUSE_LABELS, row.reuse_origin, lang),
        reused_code,
    ]
    for name in EXPORT_FIELDS:
        value, source = row.fields.get(name, (None, None))
        cells += [value, _label(SOURCE_LABELS, source, lang)]
    return [neutralise(cell) for cell in cells]


def documents_csv(rows: Iterable[DocumentExportRow], lang: str = "vi") -> Iterator[bytes]:
    """The CSV in pieces (UTF-8 with a byte-order mark for Excel), a chunk of lines at a time."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")
    writer.writerow([neutralise(title) for title in document_header(lang)])
    for number, row in enumerate(rows, start=1):
        writer.writerow(document_cells(row, lang))
        if number % 500 == 0:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode("utf-8")


def documents_xlsx(rows: Iterable[DocumentExportRow], lang: str = "vi") -> bytes:
    """One sheet, header row in bold; written row by row (openpyxl write-only mode)."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Tai lieu" if lang != "en" else "Documents")
    header = []
    for title in document_header(lang):
        cell = WriteOnlyCell(sheet, value=neutralise(title))
        cell.font = Font(bold=True)
        header.append(cell)
    sheet.append(header)
    for row in rows:
        sheet.append(document_cells(row, lang))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
