"""Upload page: files or a folder posted to a new batch, ingested in the background, progress polled as JSON."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response

from web.access import User, require
from web.auth import CSRF_FIELD, CSRF_HEADER, check_csrf
from web.deps import PageUser, ServicesDep
from web.limits import too_large_message
from web.services import Services
from web.templating import render
from web.uploads import UploadBatch, UploadQueue

router = APIRouter(include_in_schema=False)


def uploads_of(request: Request) -> UploadQueue:
    return request.app.state.uploads


def upload_unit(user: User, wanted: str | None) -> str | None:
    units = list(user.account.units)
    if wanted and (user.is_admin or wanted in units):
        return wanted
    return units[0] if units else None


async def receive_upload(request: Request, services: Services, user: User) -> UploadBatch:
    """Save every posted file of field 'files' (names may carry folder paths) into a new batch and queue it."""
    require(user, "upload")
    form = await request.form(max_files=5000, max_fields=50)
    check_csrf(user, request.headers.get(CSRF_HEADER) or str(form.get(CSRF_FIELD) or ""))
    queue = uploads_of(request)
    unit = upload_unit(user, str(form.get("unit") or "") or None)
    batch = queue.new_batch(user.name, unit)
    for upload in form.getlist("files") + form.getlist("manifest"):
        if hasattr(upload, "read") and upload.filename:
            queue.save_file(batch, upload.filename, upload.file)
    if not batch.files:
        queue.discard(batch)
        if any(e.status == "rejected" for e in batch.errors):
            raise HTTPException(status_code=413, detail=too_large_message(queue.max_file_bytes))
        raise HTTPException(status_code=400, detail="no files")
    services.catalog.record_event(
        user.name, "upload.submitted", "upload", batch.id, {"files": len(batch.files), "unit": unit}
    )
    queue.submit(batch)
    return batch


@router.get("/upload")
def upload_page(request: Request, user: PageUser) -> Response:
    require(user, "upload")
    batches = uploads_of(request).recent(None if user.is_admin else user.name)
    units = list(user.account.units)
    if user.is_admin:
        units = [code for code, _name in request.app.state.services.catalog.units()] or units
    return render(request, "upload.html", user, batches=batches, units=units)


@router.post("/upload")
async def upload_submit(request: Request, services: ServicesDep, user: PageUser) -> Response:
    try:
        batch = await receive_upload(request, services, user)
    except HTTPException as exc:
        if exc.status_code == 400:
            return JSONResponse({"detail": "no files"}, status_code=400)
        raise
    if "application/json" in request.headers.get("accept", ""):
        return JSONResponse(
            {"batch_id": batch.id, "progress": f"/upload/{batch.id}/progress"}, status_code=202
        )
    return RedirectResponse("/upload", status_code=303)


def cancel_upload(request: Request, services: Services, user: User, batch_id: str) -> UploadBatch:
    """Cancel one of the user's uploads (any, for admins): 404 when not theirs, 409 when it has ended."""
    require(user, "upload")
    queue = uploads_of(request)
    batch = queue.get(batch_id)
    if batch is None or not (user.is_admin or batch.user == user.name):
        raise HTTPException(status_code=404, detail="not found")
    if not queue.cancel(batch):
        raise HTTPException(status_code=409, detail="upload.already_ended")
    services.catalog.record_event(user.name, "upload.cancelled", "upload", batch.id, {"owner": batch.user})
    return batch


@router.post("/upload/{batch_id}/cancel")
def upload_cancel(
    request: Request, services: ServicesDep, user: PageUser, batch_id: str,
    csrf_token: Annotated[str, Form()] = "",
) -> Response:
    check_csrf(user, request.headers.get(CSRF_HEADER) or csrf_token)
    batch = cancel_upload(request, services, user, batch_id)
    if "application/json" in request.headers.get("accept", ""):
        return JSONResponse(uploads_of(request).snapshot(batch))
    return RedirectResponse("/upload", status_code=303)


@router.get("/upload/{batch_id}/progress")
def upload_progress(request: Request, user: PageUser, batch_id: str) -> Response:
    require(user, "upload")
    queue = uploads_of(request)
    batch = queue.get(batch_id)
    if batch is None or not (user.is_admin or batch.user == user.name):
        raise HTTPException(status_code=404, detail="not found")
    return JSONResponse(queue.snapshot(batch))
