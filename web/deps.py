"""FastAPI dependencies: the open backends, the logged-in user for pages (redirect) and for the API (401)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, HTTPException, Request

from web.access import User
from web.auth import CSRF_HEADER, AuthConfig, LoginRequired, check_csrf, current_user
from web.services import Services


def get_services(request: Request) -> Services:
    return request.app.state.services


def get_auth_config(request: Request) -> AuthConfig:
    return request.app.state.auth_config


def page_user(request: Request) -> User:
    user = current_user(request, get_services(request).catalog)
    if user is None:
        raise LoginRequired()
    return user


def optional_user(request: Request) -> User | None:
    return current_user(request, get_services(request).catalog)


def api_user(request: Request) -> User:
    """Session cookie required; state-changing calls must also echo the session's CSRF token in a header."""
    user = current_user(request, get_services(request).catalog)
    if user is None:
        raise HTTPException(status_code=401, detail="login required")
    if request.method not in ("GET", "HEAD", "OPTIONS"):
        check_csrf(user, request.headers.get(CSRF_HEADER))
    return user


ServicesDep = Annotated[Services, Depends(get_services)]
PageUser = Annotated[User, Depends(page_user)]
ApiUser = Annotated[User, Depends(api_user)]
