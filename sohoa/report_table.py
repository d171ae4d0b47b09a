"""The managers' report as a Rich table (the CLI's human-readable form of `digitization_report`)."""

from __future__ import annotations

from rich.table import Table

from storage.catalog.report import Report


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def render_report(report: Report) -> Table:
    title = "Tỷ lệ số hóa hồ sơ / Digitization rate"
    table = Table(title=title, show_footer=True)
    key_name = {"unit": "Đơn vị / Unit", "field": "Lĩnh vực / Field", "month": "Tháng / Month"}.get(
        report.by or "", "Tổng / Total"
    )
    overall = report.overall
    table.add_column(key_name, footer="Tổng / Total")
    table.add_column("Đã đăng ký / Registered", justify="right", footer=str(overall.registered))
    table.add_column("Đã số hóa / Digitized", justify="right", footer=str(overall.digitized))
    table.add_column("Tỷ lệ / Rate", justify="right", footer=_pct(overall.rate))
    table.add_column("Chỉ tiêu / Target", justify="right", footer=_pct(overall.target))
    table.add_column("Còn thiếu / Gap", justify="right")
    if report.by:
        for row in report.rows:
            table.add_row(
                row.key or "—", str(row.registered), str(row.digitized), _pct(row.rate), _pct(row.target), _pct(row.gap)
            )
    backlog = ", ".join(f"{kind}: {count}" for kind, count in report.review_backlog.items())
    confidence = "—" if report.mean_confidence is None else f"{report.mean_confidence:.1f}"
    table.caption = (
        f"Trang đã xử lý / pages processed: {report.pages_processed} · độ tin cậy OCR / mean confidence: "
        f"{confidence} · chờ duyệt / review backlog: {backlog or 0} · cách ly / quarantined: {report.quarantined_files}"
    )
    return table
