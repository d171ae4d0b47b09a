"""The QĐ 766 indicators as files managers hand upwards: the monthly table "THEO DÕI MỨC ĐỘ SỐ HÓA CÁC ĐƠN VỊ –
THEO QĐ 766" (CSV and XLSX, that column layout) followed by the 4.1/4.2/4.3 figures of the same dossiers."""

from __future__ import annotations

import io
from datetime import datetime

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from storage.catalog.indicators import (
    INDICATORS,
    MONTHLY_COLUMNS,
    MONTHLY_TITLE,
    IndicatorReport,
    MonthlyRow,
)
from web.exports import neutralise, to_csv

INDICATOR_TITLES = {
    "e_result": "4.1 Tỷ lệ kết quả điện tử",
    "digitization": "4.2 Tỷ lệ số hóa hồ sơ",
    "reuse": "4.3 Tỷ lệ tái sử dụng",
}
INDICATOR_COLUMNS = ("Tử số", "Mẫu số", "Tỷ lệ (%)", "Điểm", "Điểm tối đa")


def _pct(rate: float | None) -> float | None:
    return None if rate is None else round(rate * 100, 2)


def monthly_header() -> list[str]:
    return ["STT", "Đơn vị", *MONTHLY_COLUMNS]


def monthly_rows(rows: list[MonthlyRow], total: MonthlyRow) -> list[list[object]]:
    lines: list[list[object]] = [
        [number, row.unit if row.unit is not None else "(không rõ)", *row.cells()]
        for number, row in enumerate(rows, start=1)
    ]
    lines.append(["", "Tổng cộng", *total.cells()])
    return lines


def indicator_header() -> list[str]:
    return [
        "STT",
        "Nhóm",
        *[f"{INDICATOR_TITLES[name]} – {column}" for name in INDICATORS for column in INDICATOR_COLUMNS],
        "Tổng điểm",
    ]


def indicator_rows(report: IndicatorReport) -> list[list[object]]:
    def cells(row) -> list[object]:
        values: list[object] = []
        for name in INDICATORS:
            item = getattr(row, name)
            values += [item.numerator, item.denominator, _pct(item.rate), item.points, item.max_points]
        return [*values, row.points]

    lines: list[list[object]] = [
        [number, row.key if row.key is not None else "(không rõ)", *cells(row)]
        for number, row in enumerate(report.rows, start=1)
    ]
    lines.append(["", "Tổng cộng", *cells(report.overall)])
    return lines


def monthly_csv(rows: list[MonthlyRow], total: MonthlyRow) -> bytes:
    return to_csv(monthly_header(), monthly_rows(rows, total))


def indicators_csv(report: IndicatorReport) -> bytes:
    return to_csv(indicator_header(), indicator_rows(report))


def _table(sheet, header: list[str], rows: list[list[object]]) -> None:
    sheet.append([neutralise(value) for value in header])
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, horizontal="center", vertical="center")
    for row in rows:
        sheet.append([neutralise(value) for value in row])
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)


def indicators_xlsx(
    report: IndicatorReport, monthly: tuple[list[MonthlyRow], MonthlyRow], scope: str | None = None
) -> bytes:
    """Sheet 1: the monthly table in the provincial layout; sheet 2: 4.1/4.2/4.3 per group and in total."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Theo doi so hoa"
    sheet.append([neutralise(MONTHLY_TITLE)])
    sheet["A1"].font = Font(bold=True, size=13)
    made = datetime.now().strftime("%d/%m/%Y %H:%M")
    period = report.period or "tất cả"
    sheet.append([neutralise(f"Kỳ báo cáo: {period} — Phạm vi: {scope or 'tất cả đơn vị'} — Lập lúc {made}")])
    sheet.append([])
    _table(sheet, monthly_header(), monthly_rows(*monthly))
    for letter, width in zip("ABCDEFGHIJ", (6, 30, 12, 14, 14, 16, 16, 14, 14, 14), strict=True):
        sheet.column_dimensions[letter].width = width

    scores = book.create_sheet("Chi so QD 766")
    scores.append([neutralise("CHỈ SỐ SỐ HÓA HỒ SƠ (QĐ 766/QĐ-TTg) – 4.1, 4.2, 4.3")])
    scores["A1"].font = Font(bold=True, size=13)
    grouping = "hiện tại" if report.grouping == "current" else "trước sáp nhập"
    scores.append([neutralise(f"Nhóm theo: {report.by or 'tổng'} — đơn vị {grouping} — Kỳ: {period}")])
    scores.append([])
    _table(scores, indicator_header(), indicator_rows(report))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
