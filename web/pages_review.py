"""Review queue page: assign a dossier code to unlinked documents, retry quarantined files, mark pages checked."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from web.access import require
from web.auth import check_csrf
from web.deps import PageUser, ServicesDep
from web.review_service import (
    PAGE_KINDS,
    ReviewError,
    assign_dossier,
    mark_checked,
    open_entries,
    retry_quarantined,
    visible_entry,
)
from web.templating import render

router = APIRouter(include_in_schema=False)


@router.get("/review")
def review_page(
    request: Request, services: ServicesDep, user: PageUser, done: str | None = None, error: str | None = None
) -> Response:
    require(user, "review")
    entries = open_entries(services, user)
    return render(request, "review.html", user, entries=entries, done=done, error=error)


@router.post("/review/{item_id}/assign")
def review_assign(
    services: ServicesDep,
    user: PageUser,
    item_id: int,
    dossier_code: Annotated[str, Form()] = "",
    csrf_token: Annotated[str, Form()] = "",
) -> Response:
    require(user, "review")
    check_csrf(user, csrf_token)
    entry = visible_entry(services, user, item_id, "unlinked")
    try:
        assign_dossier(services, user, entry, dossier_code)
    except ReviewError as exc:
        return RedirectResponse(f"/review?error={exc}", status_code=303)
    return RedirectResponse("/review?done=1", status_code=303)


@router.post("/review/{item_id}/retry")
def review_retry(
    request: Request,
    services: ServicesDep,
    user: PageUser,
    item_id: int,
    csrf_token: Annotated[str, Form()] = "",
) -> Response:
    require(user, "review")
    check_csrf(user, csrf_token)
    entry = visible_entry(services, user, item_id, "quarantined")
    try:
        retry_quarantined(services, user, entry, request.app.state.uploads)
    except ReviewError as exc:
        return RedirectResponse(f"/review?error={exc}", status_code=303)
    return RedirectResponse("/upload", status_code=303)


@router.post("/review/{item_id}/checked")
def review_checked(
    services: ServicesDep, user: PageUser, item_id: int, csrf_token: Annotated[str, Form()] = ""
) -> Response:
    require(user, "review")
    check_csrf(user, csrf_token)
    try:
        mark_checked(services, user, visible_entry(services, user, item_id, PAGE_KINDS))
    except ReviewError as exc:
        return RedirectResponse(f"/review?error={exc}", status_code=303)
    return RedirectResponse("/review?done=1", status_code=303)
