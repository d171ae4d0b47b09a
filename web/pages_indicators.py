"""QĐ 766 indicators on the web (issue 10): the figures the dashboard shows (same numbers as
`sohoa report --indicators --json`), their JSON and XLSX/CSV downloads, and staff corrections of a document's
role, type, extracted fields and portal reuse by API and from the dossier view, and the documents export
(role, type, code, reuse and extracted fields of every document in the user's units)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response, StreamingResponse
from pydantic import BaseModel, Field
from sqlalchemy import func, select

from storage.catalog import Catalog
from storage.catalog.document_export import iter_document_rows
from storage.catalog.indicators import (
    GROUPS,
    IndicatorReport,
    dossier_facts,
    indicator_report,
    monthly_table,
    period_bounds,
)
from storage.catalog.roles import FieldValue
from storage.catalog.schema import DOCUMENT_ROLES, REUSE_ORIGINS, ProcedureRow, UnitRow
from web.access import NotVisible, User, require, visible_document
from web.auth import check_csrf
from web.deps import ApiUser, PageUser, ServicesDep
from web.document_exports import ROLE_LABELS, documents_csv, documents_xlsx
from web.files import content_disposition
from web.i18n import language_of
from web.indicator_exports import indicators_xlsx, monthly_csv
from web.report_cache import ReportCache, catalogue_signature
from web.services import Services
from web.templating import TEMPLATES

router = APIRouter()


def indicators_for(
    services: Services,
    user: User,
    by: str | None = "unit",
    period: str | None = None,
    units_as: str = "current",
) -> IndicatorReport:
    """The user's indicators: an officer's or manager's units (with the units merged into them), admins all."""
    if by is not None and by not in GROUPS:
        raise HTTPException(status_code=400, detail=f"by must be one of {', '.join(GROUPS)}")
    units = user.allowed_units
    key = (
        "indicators",
        str(services.catalog.engine.url),
        by,
        period,
        units_as,
        tuple(units or ()),
        units is None,
    )
    try:
        return _cache.get(
            services.catalog,
            key,
            lambda: indicator_report(
                services.catalog,
                by=by,  # type: ignore[arg-type]
                period=period or None,
                units=units,
                grouping=units_as,
            ),
            _signature(services.catalog),
        )
    except ValueError as exc:
        raise HTTPException(status_code=400, detail=str(exc)) from None


_cache = ReportCache()


def _signature(catalog: Catalog) -> tuple[object, ...]:
    """The dashboard's catalogue signature plus what only the indicators read: procedures and mergers."""
    query = select(
        select(func.count(ProcedureRow.id)).scalar_subquery(),
        select(func.max(ProcedureRow.updated_at)).scalar_subquery(),
        select(func.count(UnitRow.id)).scalar_subquery(),
        select(func.sum(func.coalesce(UnitRow.successor_id, 0))).scalar_subquery(),
    )
    with catalog.transaction() as session:
        return catalogue_signature(catalog) + tuple(session.execute(query).one())


@router.get("/api/indicators", tags=["reports"])
def api_indicators(
    services: ServicesDep,
    user: ApiUser,
    by: str | None = None,
    period: str | None = None,
    units_as: str = "current",
) -> dict[str, Any]:
    """4.1/4.2/4.3 as `sohoa report --indicators --json`: `overall` and `rows`, each with e_result, digitization
    and reuse ({numerator, denominator, rate, points, max_points, gap}), plus the drill-down."""
    require(user, "dashboard")
    return indicators_for(services, user, by, period, units_as).to_json()


@router.get("/dashboard/indicators.{fmt}", include_in_schema=False)
def indicators_download(
    services: ServicesDep,
    user: PageUser,
    fmt: str,
    by: str = "unit",
    period: str | None = None,
    units_as: str = "current",
) -> Response:
    """The monthly table "THEO DÕI MỨC ĐỘ SỐ HÓA CÁC ĐƠN VỊ – THEO QĐ 766" (XLSX: plus the indicators sheet)."""
    require(user, "dashboard")
    if fmt not in ("xlsx", "csv"):
        raise HTTPException(status_code=404, detail="not found")
    report = indicators_for(services, user, by, period, units_as)
    monthly = monthly_table(dossier_facts(services.catalog, user.allowed_units, period or None), units_as)
    services.catalog.record_event(
        user.name, "indicators.export", "report", by, {"format": fmt, "period": period}
    )
    name = f"theo-doi-so-hoa-qd766-{period or 'tat-ca'}.{fmt}"
    if fmt == "csv":
        body, media = monthly_csv(*monthly), "text/csv; charset=utf-8"
    else:
        scope = ", ".join(user.allowed_units) if user.allowed_units is not None else None
        body = indicators_xlsx(report, monthly, scope)
        media = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return Response(body, media_type=media, headers={"Content-Disposition": content_disposition(name)})


@router.get("/dashboard/documents.{fmt}", include_in_schema=False)
def documents_download(
    request: Request,
    services: ServicesDep,
    user: PageUser,
    fmt: str,
    period: str | None = None,
    unit: str | None = None,
) -> Response:
    """Every document of the user's units (or of `unit`, one of them) with its role, type, digitization code,
    reuse and extracted fields; CSV streamed, XLSX built row by row. `period` filters by dossier reception."""
    require(user, "dashboard")
    if fmt not in ("xlsx", "csv"):
        raise HTTPException(status_code=404, detail="not found")
    if period:
        try:
            period_bounds(period)
        except ValueError as exc:
            raise HTTPException(status_code=400, detail=str(exc)) from None
    if unit and not user.sees_unit(unit):
        raise NotVisible("other_unit")
    units = [unit] if unit else user.allowed_units
    lang = language_of(request, services.language)
    services.catalog.record_event(
        user.name, "documents.export", "report", "documents", {"format": fmt, "period": period, "unit": unit}
    )
    rows = iter_document_rows(services.catalog, units, period or None)
    name = f"tai-lieu-so-hoa-{period or 'tat-ca'}.{fmt}"
    headers = {"Content-Disposition": content_disposition(name)}
    if fmt == "csv":
        return StreamingResponse(documents_csv(rows, lang), media_type="text/csv; charset=utf-8", headers=headers)
    media = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return Response(documents_xlsx(rows, lang), media_type=media, headers=headers)


# -- corrections by staff ------------------------------------------------------------------------------


class FieldIn(BaseModel):
    name: str = Field(min_length=1, max_length=32)
    value: str = Field(max_length=1024)


class RoleIn(BaseModel):
    role: str | None = Field(default=None, description="receipt | component | result")
    doc_type: str | None = Field(default=None, max_length=64)
    fields: list[FieldIn] = Field(default_factory=list)


def _correct(services: Services, user: User, document_id: int, body: RoleIn) -> dict[str, Any]:
    require(user, "review")
    visible_document(services.catalog, user, document_id)
    if body.role is not None and body.role not in DOCUMENT_ROLES:
        raise HTTPException(status_code=422, detail=f"role must be one of {', '.join(DOCUMENT_ROLES)}")
    catalog = services.catalog
    current = catalog.document_role(document_id)
    if body.role is not None or body.doc_type is not None:
        catalog.set_document_role(
            document_id,
            body.role if body.role is not None else current.role,
            body.doc_type if body.doc_type is not None else current.doc_type,
            None,
            source="staff",
            actor=user.name,
        )
    if body.fields:
        values = [FieldValue(f.name, f.value, None, source="staff") for f in body.fields]
        catalog.set_document_fields(document_id, values, actor=user.name)
    catalog.detect_reuse(document_id, actor=user.name)
    return _read(services, document_id)


@router.get("/api/documents/{document_id}/role", tags=["documents"])
def api_document_role(services: ServicesDep, user: ApiUser, document_id: int) -> dict[str, Any]:
    """A document's role, type, digitization code, reuse link and extracted fields."""
    visible_document(services.catalog, user, document_id)
    return _read(services, document_id)


def _read(services: Services, document_id: int) -> dict[str, Any]:
    role = services.catalog.document_role(document_id)
    return {
        "document_id": role.document_id,
        "dossier_code": role.dossier_code,
        "role": role.role,
        "doc_type": role.doc_type,
        "role_source": role.role_source,
        "digitization_code": role.digitization_code,
        "reused_from_document_id": role.reused_from_document_id,
        "reuse_origin": role.reuse_origin,
        "fields": [
            {
                "name": f.name,
                "value": f.value,
                "confidence": f.confidence,
                "page": f.page_number,
                "box": list(f.region) if f.region else None,
                "source": f.source,
            }
            for f in role.fields
        ],
    }


@router.put("/api/documents/{document_id}/role", tags=["documents"])
def api_correct_role(services: ServicesDep, user: ApiUser, document_id: int, body: RoleIn) -> dict[str, Any]:
    """Staff correction (archive staff, admin): role, type and/or fields; kept over any automatic re-run."""
    return _correct(services, user, document_id, body)


class ReuseIn(BaseModel):
    origin: str | None = Field(default=None, description="portal | catalogue | null (not reused)")
    from_document_id: int | None = Field(default=None, description="the earlier document, for 'catalogue'")


def _set_reuse(services: Services, user: User, document_id: int, body: ReuseIn) -> dict[str, Any]:
    require(user, "review")
    visible_document(services.catalog, user, document_id)
    if body.origin is not None and body.origin not in REUSE_ORIGINS:
        raise HTTPException(status_code=422, detail=f"origin must be one of {', '.join(REUSE_ORIGINS)} or null")
    if body.origin == "catalogue":
        if body.from_document_id is None:
            raise HTTPException(status_code=422, detail="origin 'catalogue' needs from_document_id")
        visible_document(services.catalog, user, body.from_document_id)
    try:
        services.catalog.mark_reused(
            document_id, body.origin, body.from_document_id, actor=user.name, source="staff"
        )
    except ValueError as exc:
        raise HTTPException(status_code=422, detail=str(exc)) from None
    return _read(services, document_id)


@router.put("/api/documents/{document_id}/reuse", tags=["documents"])
def api_set_reuse(services: ServicesDep, user: ApiUser, document_id: int, body: ReuseIn) -> dict[str, Any]:
    """Staff (archive staff, admin) mark a component as taken from the national portal (`{"origin": "portal"}`)
    or from an earlier document (`{"origin": "catalogue", "from_document_id": N}`), or clear it
    (`{"origin": null}`); audited, and kept over the automatic reuse check."""
    return _set_reuse(services, user, document_id, body)


@router.post("/documents/{document_id}/reuse", include_in_schema=False)
def form_set_reuse(
    services: ServicesDep,
    user: PageUser,
    document_id: int,
    origin: Annotated[str, Form()] = "",
    csrf_token: Annotated[str, Form()] = "",
) -> Response:
    """The dossier view's "reused from the national portal" switch; back to the dossier afterwards."""
    check_csrf(user, csrf_token)
    result = _set_reuse(services, user, document_id, ReuseIn(origin=origin or None))
    target = f"/dossiers/{result['dossier_code']}" if result["dossier_code"] else "/review"
    return RedirectResponse(target, status_code=303)


@router.post("/documents/{document_id}/role", include_in_schema=False)
def form_correct_role(
    request: Request,
    services: ServicesDep,
    user: PageUser,
    document_id: int,
    role: Annotated[str, Form()] = "",
    doc_type: Annotated[str, Form()] = "",
    csrf_token: Annotated[str, Form()] = "",
) -> Response:
    """The dossier view's correction form; back to the dossier afterwards."""
    check_csrf(user, csrf_token)
    form = RoleIn(role=role or None, doc_type=doc_type or None)
    result = _correct(services, user, document_id, form)
    target = f"/dossiers/{result['dossier_code']}" if result["dossier_code"] else "/review"
    return RedirectResponse(target, status_code=303)


def document_role_panel(request: Request, user: User | None, document_id: int) -> dict[str, Any]:
    """What the dossier view shows of a document's role (template global, like `signing_panel`)."""
    services: Services = request.app.state.services
    return {
        "role": _read(services, document_id),
        "can_correct": bool(user and user.can("review")),
        "roles": DOCUMENT_ROLES,
        "labels": ROLE_LABELS,
    }


TEMPLATES.env.globals["document_role_panel"] = document_role_panel
