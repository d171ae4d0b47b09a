"""The FastAPI application: pages, the JSON API under /api, static files, error pages, security headers."""

from __future__ import annotations

import logging
from contextlib import asynccontextmanager
from pathlib import Path
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from sohoa.compose import ingest_runner, open_backends
from sohoa.config import Settings, apply_prefect_defaults, load_settings
from sohoa.signing.appearance import set_font_cache
from web.access import NotVisible, audit_denied
from web.auth import AuthConfig, LoginRequired
from web.deps import optional_user
from web.templating import render

STATIC = Path(__file__).parent / "static"

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    # Everything is served from here; inline styles only for progress bars and word boxes.
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; "
        "script-src 'self'; frame-ancestors 'none'; form-action 'self'"
    ),
}


NO_STORE = "private, no-store"


def create_app(
    settings: Settings | None = None,
    *,
    auth: AuthConfig | None = None,
    start_upload_worker: bool = True,
) -> FastAPI:
    # The app factory is an edge: it composes the backends from settings; every router gets them passed in.
    settings = settings or load_settings()
    apply_prefect_defaults()
    services = open_backends(settings)
    set_font_cache(settings.cache / "fonts")
    try:
        services.index.ensure()
        services.catalog.delete_expired_sessions()  # and at every login (web.auth.log_in)
    except Exception:
        services.close()
        raise

    @asynccontextmanager
    async def lifespan(app: FastAPI):  # noqa: ANN202
        yield
        app.state.uploads.stop()
        services.close()

    app = FastAPI(
        title="sohoa",
        version="0.1.0",
        description="Kho hồ sơ số hóa / digitized dossier archive — JSON API. Log in at /login (or POST "
        "/api/session); state-changing calls need the X-CSRF-Token header from /api/me.",
        lifespan=lifespan,
        docs_url=None,  # web.api_docs serves it from local assets, so it works under our CSP
        redoc_url=None,
        openapi_url="/openapi.json",
    )
    app.state.services = services
    app.state.auth_config = auth or AuthConfig()
    from web.uploads import UploadQueue

    app.state.uploads = UploadQueue(settings, start=start_upload_worker, ingest=ingest_runner(settings, services),
                                    catalog=services.catalog)
    from flows.index_health import IndexGuard, check_index
    from web.limits import BodyLimitMiddleware, upload_permission

    app.state.index_guard = IndexGuard(services.catalog, services.index)
    health = check_index(services.catalog, services.index)
    if not health.ok:  # searches say so too; the start-up log tells the administrator first
        logging.getLogger("sohoa.web").error(health.message())

    # Added before the handlers' middleware, so its answers get the security headers too.
    app.add_middleware(BodyLimitMiddleware, form_limit=settings.max_form_bytes,
                       upload_limit=settings.max_upload_bytes,
                       authorize=upload_permission(lambda request: request.app.state.services.catalog))
    _add_handlers(app)
    from web import (
        api,
        pages_admin,
        pages_auth,
        pages_dashboard,
        pages_indicators,
        pages_dossier,
        pages_review,
        pages_search,
        pages_signing,
        pages_upload,
    )

    for module in (
        pages_auth,
        pages_search,
        pages_dossier,
        pages_upload,
        pages_review,
        pages_dashboard,
        pages_indicators,
        pages_admin,
        pages_signing,
        api,
    ):
        app.include_router(module.router)
    from web import api_docs

    api_docs.install(app, app.title, app.openapi_url or "/openapi.json")
    app.mount("/static", StaticFiles(directory=str(STATIC)), name="static")
    return app


def _wants_html(request: Request) -> bool:
    return not request.url.path.startswith("/api") and "text/html" in request.headers.get(
        "accept", "text/html"
    )


def _add_handlers(app: FastAPI) -> None:
    @app.middleware("http")
    async def security_headers(request: Request, call_next):  # noqa: ANN001, ANN202
        response = await call_next(request)
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        # Every page, API answer, page image and export may carry personal data (names, ID numbers,
        # addresses): no browser or proxy cache may keep a copy, e.g. on a shared office computer. Only the
        # static assets (no dossier data) may be cached.
        if not request.url.path.startswith("/static/"):
            response.headers["Cache-Control"] = NO_STORE
        return response

    @app.exception_handler(LoginRequired)
    async def login_required(request: Request, _exc: LoginRequired) -> Response:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        if request.url.path.startswith("/search/results"):
            return JSONResponse({"detail": "login required"}, status_code=401)
        return RedirectResponse(f"/login?next={quote(target)}", status_code=303)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if exc.status_code == 403 or isinstance(exc, NotVisible):
            audit_denied(request, optional_user(request), exc)  # one event per request, never per retry
        if not _wants_html(request) or exc.status_code not in (403, 404):
            return JSONResponse(
                {"detail": exc.detail}, status_code=exc.status_code, headers=getattr(exc, "headers", None)
            )
        key = (
            "csrf.failed"
            if exc.detail == "csrf"
            else ("error.not_found" if exc.status_code == 404 else "error.forbidden")
        )
        return render(request, "error.html", optional_user(request), exc.status_code, message=key)
