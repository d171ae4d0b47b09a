"""Logging in and out: server-side sessions in the catalogue, CSRF tokens, login rate limits, cookie flags."""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta

from fastapi import HTTPException, Request, Response

from storage.catalog import Catalog
from storage.catalog.accounts import normalize_username
from storage.catalog.schema import utcnow
from web.access import User, user_for
from web.passwords import new_token, token_hash, verify_password

SESSION_COOKIE = "sohoa_session"
LOGIN_CSRF_COOKIE = "sohoa_login_csrf"
CSRF_HEADER = "x-csrf-token"
CSRF_FIELD = "csrf_token"


@dataclass(frozen=True)
class AuthConfig:
    session_hours: float = 8.0
    # None: Secure when the request came over HTTPS (directly or X-Forwarded-Proto from the proxy).
    secure_cookies: bool | None = None
    max_failures_per_user: int = 5
    max_failures_per_ip: int = 20
    failure_window_minutes: int = 15


class LoginRequired(Exception):
    """Raised by page routes without a session; the app answers with a redirect to the login page."""


class LoginRateLimited(Exception):
    def __init__(self, minutes: int) -> None:
        super().__init__(f"rate limited for {minutes} min")
        self.minutes = minutes


def client_ip(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def is_https(request: Request) -> bool:
    forwarded = request.headers.get("x-forwarded-proto", "").split(",")[0].strip().lower()
    return request.url.scheme == "https" or forwarded == "https"


def cookie_secure(request: Request, config: AuthConfig) -> bool:
    return is_https(request) if config.secure_cookies is None else config.secure_cookies


def set_cookie(
    response: Response, request: Request, config: AuthConfig, name: str, value: str, max_age: int
) -> None:
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        httponly=True,
        samesite="lax",
        secure=cookie_secure(request, config),
        path="/",
    )


def current_user(request: Request, catalog: Catalog) -> User | None:
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        return None
    info = catalog.session_info(token_hash(token))
    return user_for(catalog, info.account, info.csrf_token) if info else None


def check_rate_limit(catalog: Catalog, config: AuthConfig, username: str, ip: str) -> None:
    since = utcnow() - timedelta(minutes=config.failure_window_minutes)
    if (
        catalog.failed_logins_since(since, username=username) >= config.max_failures_per_user
        or catalog.failed_logins_since(since, ip=ip) >= config.max_failures_per_ip
    ):
        raise LoginRateLimited(config.failure_window_minutes)


def log_in(
    catalog: Catalog, config: AuthConfig, request: Request, username: str, password: str
) -> str | None:
    """Check the password (rate-limited); on success create a session and return its cookie token."""
    ip = client_ip(request)
    username = normalize_username(username)
    check_rate_limit(catalog, config, username, ip)
    account = catalog.get_user(username) if username else None
    ok = verify_password(account.password_hash if account else None, password)
    if not ok or account is None or account.disabled:
        catalog.record_login_attempt(username, ip, success=False)
        catalog.record_event(username or "?", "login.failed", "user", username or "?", {"ip": ip})
        return None
    catalog.record_login_attempt(username, ip, success=True)
    catalog.delete_expired_sessions()  # every login sweeps: expired sessions never pile up in the catalogue
    token = new_token()
    expires = utcnow() + timedelta(hours=config.session_hours)
    catalog.create_session(account.id, token_hash(token), new_token(), expires, ip)
    catalog.record_event(username, "login", "user", username, {"ip": ip})
    return token


def log_out(catalog: Catalog, request: Request, user: User | None) -> None:
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        catalog.delete_session(token_hash(token))
    if user:
        catalog.record_event(user.name, "logout", "user", user.name)


def session_max_age(config: AuthConfig) -> int:
    return int(config.session_hours * 3600)


def check_csrf(user: User, supplied: str | None) -> None:
    if not supplied or not hmac.compare_digest(supplied, user.csrf_token):
        raise HTTPException(status_code=403, detail="csrf")


def check_login_csrf(request: Request, supplied: str | None) -> None:
    cookie = request.cookies.get(LOGIN_CSRF_COOKIE)
    if not cookie or not supplied or not hmac.compare_digest(cookie, supplied):
        raise HTTPException(status_code=403, detail="csrf")


def now() -> datetime:
    return utcnow()
