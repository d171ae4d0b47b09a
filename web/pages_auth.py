"""Login, logout and the language switch."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from web.auth import (
    LOGIN_CSRF_COOKIE,
    SESSION_COOKIE,
    LoginRateLimited,
    check_csrf,
    check_login_csrf,
    log_in,
    log_out,
    session_max_age,
    set_cookie,
)
from web.deps import PageUser, ServicesDep, get_auth_config, optional_user
from web.i18n import LANGUAGES
from web.passwords import new_token
from web.templating import render

router = APIRouter(include_in_schema=False)


def _safe_next(target: str | None) -> str:
    # Only local paths: an attacker's link must not bounce a fresh login to another site.
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/search"


@router.get("/login")
def login_page(request: Request, next: str | None = None) -> Response:
    token = new_token()
    response = render(request, "login.html", None, login_csrf=token, next=_safe_next(next), error=None)
    set_cookie(response, request, get_auth_config(request), LOGIN_CSRF_COOKIE, token, 3600)
    return response


@router.post("/login")
def login_submit(
    request: Request,
    services: ServicesDep,
    username: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    csrf_token: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/search",
) -> Response:
    check_login_csrf(request, csrf_token)
    config = get_auth_config(request)
    try:
        token = log_in(services.catalog, config, request, username, password)
    except LoginRateLimited as exc:
        return render(
            request,
            "login.html",
            None,
            429,
            login_csrf=csrf_token,
            next=_safe_next(next),
            error=("login.limited", {"minutes": exc.minutes}),
        )
    if token is None:
        return render(
            request,
            "login.html",
            None,
            401,
            login_csrf=csrf_token,
            next=_safe_next(next),
            error=("login.failed", {}),
        )
    response = RedirectResponse(_safe_next(next), status_code=303)
    set_cookie(response, request, config, SESSION_COOKIE, token, session_max_age(config))
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/")
    return response


@router.post("/logout")
def logout(
    request: Request, services: ServicesDep, user: PageUser, csrf_token: Annotated[str, Form()] = ""
) -> Response:
    check_csrf(user, csrf_token)
    log_out(services.catalog, request, user)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/lang/{lang}")
def switch_language(request: Request, lang: str, back: str | None = None) -> Response:
    response = RedirectResponse(_safe_next(back) if optional_user(request) else "/login", status_code=303)
    if lang in LANGUAGES:
        response.set_cookie("lang", lang, max_age=365 * 86400, samesite="lax", path="/")
    return response


@router.get("/")
def home(request: Request) -> Response:
    return RedirectResponse("/search" if optional_user(request) else "/login", status_code=303)
