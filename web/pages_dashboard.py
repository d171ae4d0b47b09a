"""Dashboard page (rate vs target per unit and field, monthly trend, throughput, backlog) and its exports."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response

from web.access import require
from web.charts import bars_svg, trend_svg
from web.dashboard_service import dashboard, report_for
from web.deps import PageUser, ServicesDep
from web.exports import report_table, report_xlsx, to_csv
from web.files import content_disposition
from web.i18n import language_of
from web.pages_indicators import indicators_for
from web.templating import render

router = APIRouter(include_in_schema=False)


@router.get("/dashboard")
def dashboard_page(request: Request, services: ServicesDep, user: PageUser) -> Response:
    require(user, "dashboard")
    data = dashboard(services, user)
    trend = trend_svg([(row.key or "?", row.rate, row.target) for row in data.by_month.rows if row.key])
    throughput = bars_svg([(d.strftime("%d/%m"), n) for d, n in data.throughput.days])
    indicators = indicators_for(services, user, "unit", request.query_params.get("period") or None).to_json()
    return render(
        request, "dashboard.html", user, data=data, trend=trend, throughput_svg=throughput, indicators=indicators
    )


@router.get("/dashboard/export.{fmt}")
def dashboard_export(
    request: Request, services: ServicesDep, user: PageUser, fmt: str, by: str = "unit"
) -> Response:
    require(user, "dashboard")
    if fmt not in ("csv", "xlsx") or by not in ("unit", "field", "month"):
        raise HTTPException(status_code=404, detail="not found")
    lang = language_of(request, services.language)
    report = report_for(services, user, by)
    services.catalog.record_event(user.name, "report.export", "report", by, {"format": fmt})
    name = f"bao-cao-so-hoa-{by}.{fmt}"
    if fmt == "csv":
        header, rows = report_table(report, lang)
        body, media = to_csv(header, rows), "text/csv; charset=utf-8"
    else:
        body = report_xlsx(report, lang, user.allowed_units)
        media = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return Response(body, media_type=media, headers={"Content-Disposition": content_disposition(name)})
