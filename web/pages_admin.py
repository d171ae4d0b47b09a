"""Admin pages: users (create, change role/units/password, disable) and the audit trail with CSV export."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from storage.catalog import CatalogError
from storage.catalog.schema import ROLES
from web.access import require
from web.auth import check_csrf
from web.deps import PageUser, ServicesDep
from web.exports import AUDIT_HEADER, audit_rows, to_csv
from web.files import content_disposition
from web.passwords import hash_password
from web.templating import render

router = APIRouter(include_in_schema=False)
AUDIT_PAGE = 100
AUDIT_EXPORT_MAX = 100_000


def _units(text: str) -> list[str]:
    return [line.strip() for line in text.replace(",", "\n").splitlines() if line.strip()]


@router.get("/admin/users")
def users_page(request: Request, services: ServicesDep, user: PageUser, error: str | None = None) -> Response:
    require(user, "admin")
    return render(
        request,
        "admin_users.html",
        user,
        users=services.catalog.users(),
        roles=ROLES,
        known_units=[code for code, _ in services.catalog.units()],
        error=error,
    )


@router.post("/admin/users")
def create_user(
    services: ServicesDep,
    user: PageUser,
    username: Annotated[str, Form()],
    role: Annotated[str, Form()],
    password: Annotated[str, Form()],
    units: Annotated[str, Form()] = "",
    csrf_token: Annotated[str, Form()] = "",
) -> Response:
    require(user, "admin")
    check_csrf(user, csrf_token)
    try:
        services.catalog.create_user(username, hash_password(password), role, _units(units), actor=user.name)
    except (ValueError, CatalogError) as exc:
        return RedirectResponse(f"/admin/users?error={str(exc)[:200]}", status_code=303)
    return RedirectResponse("/admin/users", status_code=303)


@router.post("/admin/users/{username}")
def update_user(
    services: ServicesDep,
    user: PageUser,
    username: str,
    role: Annotated[str, Form()] = "",
    units: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    disabled: Annotated[str, Form()] = "",
    csrf_token: Annotated[str, Form()] = "",
) -> Response:
    require(user, "admin")
    check_csrf(user, csrf_token)
    try:
        services.catalog.update_user(
            username,
            role=role or None,
            units=_units(units),
            actor=user.name,
            password_hash=hash_password(password) if password else None,
            disabled={"1": True, "0": False}.get(disabled),
        )
    except (ValueError, CatalogError) as exc:  # bad role/units, unknown user, the last admin
        return RedirectResponse(f"/admin/users?error={quote(str(exc)[:200])}", status_code=303)
    return RedirectResponse("/admin/users", status_code=303)


@router.get("/admin/audit")
def audit_page(
    request: Request,
    services: ServicesDep,
    user: PageUser,
    actor: str = "",
    action: str = "",
    object_id: str = "",
    page: int = 1,
) -> Response:
    require(user, "admin")
    page = max(1, page)
    events, total = services.catalog.audit_events(
        limit=AUDIT_PAGE, offset=(page - 1) * AUDIT_PAGE, actor=actor, action=action, object_id=object_id
    )
    return render(
        request,
        "admin_audit.html",
        user,
        events=events,
        total=total,
        page=page,
        pages=(total + AUDIT_PAGE - 1) // AUDIT_PAGE,
        filters={"actor": actor, "action": action, "object_id": object_id},
    )


@router.get("/admin/audit.csv")
def audit_export(
    services: ServicesDep, user: PageUser, actor: str = "", action: str = "", object_id: str = ""
) -> Response:
    require(user, "admin")
    events, _total = services.catalog.audit_events(
        limit=AUDIT_EXPORT_MAX, actor=actor, action=action, object_id=object_id
    )
    services.catalog.record_event(
        user.name, "audit.export", "audit", "-", {"actor": actor, "action": action, "object_id": object_id}
    )
    return Response(
        to_csv(AUDIT_HEADER, audit_rows(events)),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": content_disposition("nhat-ky.csv")},
    )
