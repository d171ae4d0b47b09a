"""The JSON API under /api: the same operations as the pages, same scoping and audit, described by OpenAPI."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from typing import Annotated, Any, Literal

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field

from flows.index_health import IndexOutOfSyncError
from indexing import SearchUnavailableError
from sohoa.domain.codes import normalize_id_number
from storage.catalog import CatalogError, NotFoundError
from web.access import NotVisible, require, visible_dossier
from web.auth import SESSION_COOKIE, LoginRateLimited, log_in, log_out, session_max_age, set_cookie
from web.dashboard_service import report_for
from web.deps import ApiUser, ServicesDep, get_auth_config
from web.dossier_service import dossier_view, load_words, page_words
from web.pages_dossier import download, visible_page
from web.pages_upload import cancel_upload, receive_upload, uploads_of
from web.passwords import hash_password
from web.review_service import (
    PAGE_KINDS,
    AlreadyResolved,
    ReviewError,
    assign_dossier,
    mark_checked,
    open_entries,
    retry_quarantined,
    visible_entry,
)
from web.search_service import SearchParams, run_search

router = APIRouter(prefix="/api", tags=["api"])

VIETNAM = timezone(timedelta(hours=7), "ICT")


def utc(value: datetime | None) -> datetime | None:
    """Audit and account times are stored as naive UTC; the API says so (RFC 3339 needs an offset)."""
    return None if value is None else value.replace(tzinfo=UTC)


def local(value: datetime | None) -> datetime | None:
    """Registry dates are stored as exported, in Vietnam local time."""
    return None if value is None else value.replace(tzinfo=VIETNAM)


NOT_FOUND = {404: {"description": "Not found, or outside the user's units"}}


class Credentials(BaseModel):
    username: str = Field(max_length=64)
    password: str = Field(max_length=1024)


class Me(BaseModel):
    username: str
    role: str
    units: list[str]
    csrf_token: str = Field(description="Send as X-CSRF-Token on POST/DELETE calls")


class PageHitOut(BaseModel):
    document_id: str
    page_number: int
    score: float
    snippet: str


class DossierHitOut(BaseModel):
    dossier_code: str | None
    best: PageHitOut
    other_pages: list[PageHitOut]


class SearchOut(BaseModel):
    total: int
    page: int
    groups: list[DossierHitOut]
    facets: dict[str, dict[str, int]]


class PageOut(BaseModel):
    page_number: int
    blank: bool
    mean_confidence: float | None


class DocumentOut(BaseModel):
    id: int
    ordinal: int | None
    version: int
    state: str
    original_name: str
    mean_confidence: float | None
    pages: list[PageOut]
    original_url: str
    pdf_url: str | None


class DossierOut(BaseModel):
    dossier_code: str
    unit: str | None
    field: str | None
    procedure_code: str | None
    procedure: str | None
    applicant: str | None
    received_at: datetime | None
    status: str | None
    due_at: datetime | None
    resolved_at: datetime | None
    document_number: str | None
    in_registry: bool
    documents: list[DocumentOut]


class WordOut(BaseModel):
    text: str
    confidence: float


class PageTextOut(BaseModel):
    document_id: int
    page_number: int
    text: str
    mean_confidence: float | None
    low_confidence_words: list[WordOut]


class UploadOut(BaseModel):
    id: str
    user: str
    unit: str | None
    status: str
    file_count: int
    pages_planned: int
    pages_done: int
    files_done: int
    errors: list[dict[str, str]]
    summary: dict[str, Any] | None
    message: str | None


class ReviewItemOut(BaseModel):
    id: int
    kind: str
    reason: str
    path: str | None
    unit: str | None
    document_id: int | None
    page_number: int | None
    dossier_code: str | None
    created_at: datetime


class AssignIn(BaseModel):
    dossier_code: str = Field(max_length=128)


class UserIn(BaseModel):
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=10, max_length=1024)
    role: Literal["archive_staff", "officer", "manager", "admin"]
    units: list[str] = Field(default_factory=list, max_length=100)


class UserOut(BaseModel):
    username: str
    role: str
    units: list[str]
    disabled: bool
    last_login_at: datetime | None


class EventOut(BaseModel):
    id: int
    at: datetime
    actor: str
    action: str
    object_type: str
    object_id: str
    detail: dict[str, Any]


class AuditOut(BaseModel):
    total: int
    events: list[EventOut]


# -- session -------------------------------------------------------------------------------------------


@router.post(
    "/session",
    response_model=Me,
    responses={401: {"description": "Wrong credentials"}, 429: {"description": "Too many failed logins"}},
)
def api_login(request: Request, services: ServicesDep, credentials: Credentials) -> Response:
    """Log in; the session cookie is set on the response. JSON only, so a cross-site form cannot post it."""
    config = get_auth_config(request)
    try:
        token = log_in(services.catalog, config, request, credentials.username, credentials.password)
    except LoginRateLimited as exc:
        return JSONResponse(
            {"detail": "too many failed logins"},
            status_code=429,
            headers={"Retry-After": str(exc.minutes * 60)},
        )
    if token is None:
        return JSONResponse({"detail": "wrong username or password"}, status_code=401)
    from web.passwords import token_hash

    info = services.catalog.session_info(token_hash(token))
    assert info is not None
    body = Me(
        username=info.account.username,
        role=info.account.role,
        units=list(info.account.units),
        csrf_token=info.csrf_token,
    )
    response = JSONResponse(body.model_dump())
    set_cookie(response, request, config, SESSION_COOKIE, token, session_max_age(config))
    return response


@router.delete("/session", status_code=204)
def api_logout(request: Request, services: ServicesDep, user: ApiUser) -> Response:
    log_out(services.catalog, request, user)
    response = Response(status_code=204)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/me", response_model=Me)
def api_me(user: ApiUser) -> Me:
    return Me(username=user.name, role=user.role, units=list(user.account.units), csrf_token=user.csrf_token)


# -- search and dossiers -------------------------------------------------------------------------------


@router.get("/search", response_model=SearchOut, responses={503: {"description": "Search unavailable"}})
def api_search(
    request: Request,
    services: ServicesDep,
    user: ApiUser,
    q: Annotated[str, Query(max_length=500)] = "",
    unit: Annotated[str | None, Query(max_length=128)] = None,
    field: Annotated[str | None, Query(max_length=256)] = None,
    year: Annotated[int | None, Query(ge=1900, le=2200)] = None,
    status: Annotated[str | None, Query(max_length=128)] = None,
    role: Annotated[Literal["receipt", "component", "result"] | None, Query(
        description="the document's role in its dossier")] = None,
    doc_type: Annotated[str | None, Query(max_length=64, description="document type, e.g. quyet_dinh")] = None,
    owner_id: Annotated[str | None, Query(max_length=64, pattern=r"^[0-9 .]*[0-9][0-9 .]*$", description=(
        "owner's ID number (CCCD/CMND), exact; spaces and dots are ignored"))] = None,
    issuer: Annotated[str | None, Query(max_length=256, description=(
        "issuing agency: every word must match, marks optional"))] = None,
    issued_from: Annotated[date | None, Query(description="issue date from (YYYY-MM-DD, included)")] = None,
    issued_to: Annotated[date | None, Query(description="issue date to (YYYY-MM-DD, included)")] = None,
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
    limit: Annotated[int, Query(ge=1, le=100)] = 10,
) -> SearchOut:
    """Dossiers matching the words (accents optional), only in the caller's units, best first. Filters on the
    documents' role, type and extracted data (owner ID, issuing agency, issue date) combine with the words."""
    require(user, "search")
    params = SearchParams(q=q, unit=unit, field=field, year=year, status=status, role=role, doc_type=doc_type,
                          owner_id=normalize_id_number(owner_id) if owner_id else None, issuer=issuer,
                          issued_from=issued_from, issued_to=issued_to, page=page)
    try:
        result = run_search(services, user, params, limit=limit)
        request.app.state.index_guard.check(force=result.total == 0)
    except IndexOutOfSyncError as exc:
        raise HTTPException(status_code=503, detail=str(exc)) from None
    except SearchUnavailableError:
        raise HTTPException(status_code=503, detail="search unavailable") from None

    def hit(h) -> PageHitOut:  # noqa: ANN001
        return PageHitOut(
            document_id=h.document_id, page_number=h.page_number, score=h.score, snippet=h.snippet
        )

    return SearchOut(
        total=result.total,
        page=page,
        facets=result.facets,
        groups=[
            DossierHitOut(
                dossier_code=g.dossier_code, best=hit(g.best), other_pages=[hit(p) for p in g.other_pages]
            )
            for g in result.groups
        ],
    )


@router.get("/dossiers/{dossier_code}", response_model=DossierOut, responses=NOT_FOUND)
def api_dossier(services: ServicesDep, user: ApiUser, dossier_code: str) -> DossierOut:
    require(user, "view")
    dossier = visible_dossier(services.catalog, user, dossier_code)
    view = dossier_view(services, dossier)
    services.catalog.record_event(user.name, "dossier.view", "dossier", dossier.dossier_code, {"via": "api"})
    documents = [
        DocumentOut(
            id=d.document.id,
            ordinal=d.document.ordinal,
            version=d.document.version,
            state=d.document.state,
            original_name=d.original_name,
            mean_confidence=d.document.mean_confidence,
            pages=[
                PageOut(page_number=p.page_number, blank=p.blank, mean_confidence=p.mean_confidence)
                for p in d.pages
            ],
            original_url=f"/api/documents/{d.document.id}/original",
            pdf_url=f"/api/documents/{d.document.id}/pdf" if d.document.pdf_key else None,
        )
        for d in view.documents
    ]
    fields = {k: getattr(dossier, k) for k in DossierOut.model_fields if k != "documents"}
    fields.update({k: local(fields[k]) for k in ("received_at", "due_at", "resolved_at")})
    return DossierOut(**fields, documents=documents)


@router.get("/documents/{document_id}/pages/{page_number}", response_model=PageTextOut, responses=NOT_FOUND)
def api_page(services: ServicesDep, user: ApiUser, document_id: int, page_number: int) -> PageTextOut:
    require(user, "view")
    document, page = visible_page(services, user, document_id, page_number)
    words = page_words(page.text, load_words(services, page))
    subject = ("dossier", document.dossier_code) if document.dossier_code else ("document", str(document.id))
    services.catalog.record_event(
        user.name, "page.view", *subject, {"document_id": document.id, "page": page_number, "via": "api"}
    )
    return PageTextOut(
        document_id=document.id,
        page_number=page.page_number,
        text=page.text,
        mean_confidence=page.mean_confidence,
        low_confidence_words=[WordOut(text=b.text, confidence=b.confidence) for b in words.boxes],
    )


@router.get(
    "/documents/{document_id}/original", responses={**NOT_FOUND, 200: {"content": {"application/pdf": {}}}}
)
def api_original(services: ServicesDep, user: ApiUser, document_id: int) -> Response:
    """The original scan, streamed (or a redirect to a short-lived presigned S3 link)."""
    return download(services, user, document_id, "original")


@router.get(
    "/documents/{document_id}/pdf", responses={**NOT_FOUND, 200: {"content": {"application/pdf": {}}}}
)
def api_pdf(services: ServicesDep, user: ApiUser, document_id: int) -> Response:
    """The searchable PDF, named <dossier code>.<ordinal>.pdf."""
    return download(services, user, document_id, "pdf")


# -- report ---------------------------------------------------------------------------------------------


@router.get("/report")
def api_report(
    services: ServicesDep, user: ApiUser, by: Literal["unit", "field", "month"] | None = None
) -> dict[str, Any]:
    """Exactly `sohoa report [--by ...] --json`, limited to the caller's units (all for admins)."""
    require(user, "dashboard")
    return report_for(services, user, by).to_json()


# -- uploads --------------------------------------------------------------------------------------------


@router.post(
    "/uploads",
    response_model=UploadOut,
    status_code=202,
    openapi_extra={
        "requestBody": {
            "content": {
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "required": ["files"],
                        "properties": {
                            "files": {"type": "array", "items": {"type": "string", "format": "binary"}},
                            "manifest": {"type": "string", "format": "binary"},
                            "unit": {"type": "string"},
                        },
                    }
                }
            }
        }
    },
)
async def api_upload(request: Request, services: ServicesDep, user: ApiUser) -> UploadOut:
    """Files (names may include folders) into a new batch, ingested in the background; poll GET /api/uploads/{id}."""
    batch = await receive_upload(request, services, user)
    return UploadOut(**uploads_of(request).snapshot(batch))


@router.get("/uploads/{batch_id}", response_model=UploadOut, responses=NOT_FOUND)
def api_upload_progress(request: Request, user: ApiUser, batch_id: str) -> UploadOut:
    require(user, "upload")
    queue = uploads_of(request)
    batch = queue.get(batch_id)
    if batch is None or not (user.is_admin or batch.user == user.name):
        raise NotVisible()
    return UploadOut(**queue.snapshot(batch))


@router.post("/uploads/{batch_id}/cancel", response_model=UploadOut,
             responses={**NOT_FOUND, 409: {"description": "Already ended (detail: upload.already_ended)"}})
def api_upload_cancel(request: Request, services: ServicesDep, user: ApiUser, batch_id: str) -> UploadOut:
    """Cancel a queued upload at once or a running one at its next page; files already ingested stay."""
    try:
        batch = cancel_upload(request, services, user, batch_id)
    except HTTPException as exc:
        if exc.status_code == 404:
            raise NotVisible() from None
        raise
    return UploadOut(**uploads_of(request).snapshot(batch))


# -- review ---------------------------------------------------------------------------------------------


@router.get("/review", response_model=list[ReviewItemOut])
def api_review(services: ServicesDep, user: ApiUser) -> list[ReviewItemOut]:
    require(user, "review")
    return [
        ReviewItemOut(
            id=e.item.id,
            kind=e.item.kind,
            reason=e.item.reason,
            path=e.item.path,
            unit=e.unit,
            document_id=e.document_id,
            page_number=e.page_number,
            dossier_code=e.dossier_code,
            created_at=utc(e.item.created_at),
        )
        for entries in open_entries(services, user).values()
        for e in entries
    ]


RESOLVED = {409: {"description": "Already resolved (detail: review.already_resolved)"}}


@router.post(
    "/review/{item_id}/assign", responses={**NOT_FOUND, **RESOLVED, 422: {"description": "Bad dossier code"}}
)
def api_review_assign(services: ServicesDep, user: ApiUser, item_id: int, body: AssignIn) -> dict[str, str]:
    require(user, "review")
    entry = visible_entry(services, user, item_id, "unlinked")
    try:
        return {"dossier_code": assign_dossier(services, user, entry, body.dossier_code)}
    except AlreadyResolved as exc:
        raise HTTPException(status_code=409, detail=str(exc)) from None
    except ReviewError as exc:
        raise HTTPException(status_code=422, detail=str(exc)) from None


@router.post("/review/{item_id}/retry", response_model=UploadOut, responses={**NOT_FOUND, **RESOLVED})
def api_review_retry(request: Request, services: ServicesDep, user: ApiUser, item_id: int) -> UploadOut:
    require(user, "review")
    entry = visible_entry(services, user, item_id, "quarantined")
    try:
        batch = retry_quarantined(services, user, entry, uploads_of(request))
    except AlreadyResolved as exc:
        raise HTTPException(status_code=409, detail=str(exc)) from None
    except ReviewError:
        raise NotVisible() from None
    return UploadOut(**uploads_of(request).snapshot(batch))


@router.post("/review/{item_id}/checked", status_code=204, responses={**NOT_FOUND, **RESOLVED})
def api_review_checked(services: ServicesDep, user: ApiUser, item_id: int) -> Response:
    require(user, "review")
    try:
        mark_checked(services, user, visible_entry(services, user, item_id, PAGE_KINDS))
    except AlreadyResolved as exc:
        raise HTTPException(status_code=409, detail=str(exc)) from None
    return Response(status_code=204)


# -- admin ----------------------------------------------------------------------------------------------


def _user_out(account) -> UserOut:  # noqa: ANN001
    return UserOut(
        username=account.username,
        role=account.role,
        units=list(account.units),
        disabled=account.disabled,
        last_login_at=utc(account.last_login_at),
    )


@router.get("/users", response_model=list[UserOut])
def api_users(services: ServicesDep, user: ApiUser) -> list[UserOut]:
    require(user, "admin")
    return [_user_out(a) for a in services.catalog.users()]


@router.post("/users", response_model=UserOut, status_code=201, responses={409: {"description": "Exists"}})
def api_create_user(services: ServicesDep, user: ApiUser, body: UserIn) -> UserOut:
    require(user, "admin")
    try:
        account = services.catalog.create_user(
            body.username, hash_password(body.password), body.role, body.units, actor=user.name
        )
    except CatalogError:
        raise HTTPException(status_code=409, detail="user exists") from None
    except ValueError as exc:
        raise HTTPException(status_code=422, detail=str(exc)) from None
    return _user_out(account)


@router.get("/audit", response_model=AuditOut)
def api_audit(
    services: ServicesDep,
    user: ApiUser,
    actor: Annotated[str | None, Query(max_length=128)] = None,
    action: Annotated[str | None, Query(max_length=64)] = None,
    object_id: Annotated[str | None, Query(max_length=256)] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> AuditOut:
    require(user, "admin")
    events, total = services.catalog.audit_events(
        limit=limit, offset=offset, actor=actor, action=action, object_id=object_id
    )
    return AuditOut(total=total, events=[EventOut(**{**e.__dict__, "at": utc(e.at)}) for e in events])


__all__ = ["router", "NotFoundError"]
