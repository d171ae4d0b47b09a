"""The dashboard's table and the audit trail as CSV and XLSX files, in the shape managers hand upwards."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from datetime import datetime

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from storage.catalog import Event
from storage.catalog.report import Report
from web.i18n import translate

KEY_TITLES = {"unit": "dashboard.by_unit", "field": "dashboard.by_field", "month": "dashboard.by_month"}


def report_table(report: Report, lang: str) -> tuple[list[str], list[list[object]]]:
    """Header and rows: No., key, registered, digitized, rate %, target %, gap %, then the total row."""

    def pct(value: float | None) -> float | None:
        return None if value is None else round(value * 100, 2)

    header = [
        "STT" if lang == "vi" else "No.",
        translate(KEY_TITLES.get(report.by or "", "dashboard.overall"), lang),
        translate("dashboard.registered", lang),
        translate("dashboard.digitized", lang),
        translate("dashboard.rate", lang) + " (%)",
        translate("dashboard.target", lang) + " (%)",
        translate("dashboard.gap", lang) + " (%)",
    ]
    rows: list[list[object]] = []
    for number, row in enumerate(report.rows, start=1):
        rows.append(
            [
                number,
                row.key if row.key is not None else translate("dashboard.none", lang),
                row.registered,
                row.digitized,
                pct(row.rate),
                pct(row.target),
                pct(row.gap),
            ]
        )
    o = report.overall
    gap = None if o.rate is None else o.target - o.rate
    rows.append(
        [
            "",
            "Tổng cộng" if lang == "vi" else "Total",
            o.registered,
            o.digitized,
            pct(o.rate),
            pct(o.target),
            pct(gap),
        ]
    )
    return header, rows


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> object:
    """A cell value a spreadsheet shows as text: the one rule for every CSV and XLSX export.

    Registry values, names and search text reach the exports; a leading '=', '+', '-', '@', tab or carriage
    return would make Excel or LibreOffice run them as a formula (OWASP "CSV injection"), so such text gets a
    leading apostrophe. Numbers stay numbers (a negative gap is not text); None stays an empty cell.
    """
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def to_csv(header: list[str], rows: Iterable[list[object]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([neutralise(v) for v in header])
    for row in rows:
        writer.writerow([neutralise(v) for v in row])
    # A byte-order mark so Excel, which managers open CSV files with, reads the Vietnamese correctly.
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def report_xlsx(report: Report, lang: str, units: list[str] | None) -> bytes:
    header, rows = report_table(report, lang)
    book = Workbook()
    sheet = book.active
    sheet.title = "Bao cao" if lang == "vi" else "Report"
    title = (
        "BÁO CÁO TIẾN ĐỘ SỐ HÓA HỒ SƠ THỦ TỤC HÀNH CHÍNH" if lang == "vi" else "DOSSIER DIGITIZATION PROGRESS"
    )
    sheet.append([title])  # openpyxl stores any str starting with "=" as a formula: append through neutralise
    sheet["A1"].font = Font(bold=True, size=13)
    scope = ", ".join(units) if units else ("Tất cả đơn vị" if lang == "vi" else "All units")
    made = datetime.now().strftime("%d/%m/%Y %H:%M")
    sheet.append([neutralise(("Phạm vi: " if lang == "vi" else "Scope: ") + scope + " — " + made)])
    sheet.append([])
    sheet.append([neutralise(v) for v in header])
    for cell in sheet[4]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, horizontal="center")
    for row in rows:
        sheet.append([neutralise(v) for v in row])
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    for letter, width in zip("ABCDEFG", (6, 36, 16, 16, 12, 12, 12), strict=True):
        sheet.column_dimensions[letter].width = width
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


AUDIT_HEADER = ["id", "at_utc", "actor", "action", "object_type", "object_id", "detail"]


def audit_rows(events: Iterable[Event]) -> Iterable[list[object]]:
    import json

    for e in events:
        yield [
            e.id,
            e.at.isoformat(sep=" ", timespec="seconds"),
            e.actor,
            e.action,
            e.object_type,
            e.object_id,
            json.dumps(e.detail, ensure_ascii=False),
        ]
