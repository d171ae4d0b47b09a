"""Request-body limits, enforced before anything is read or spooled to disk: an ASGI middleware that checks
Content-Length and counts streamed bytes (chunked bodies too), with a small limit everywhere and the upload
limit only on the upload routes, only for a logged-in user allowed to upload whose CSRF token is checked first."""

from __future__ import annotations

import hmac
import json
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from typing import Any

from fastapi import HTTPException
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

# (method, path) of the routes that take files; every other request gets the small limit.
UPLOAD_ROUTES = frozenset({("POST", "/upload"), ("POST", "/api/uploads")})


def human_size(limit: int) -> str:
    for unit, size in (("GB", 1024**3), ("MB", 1024**2), ("KB", 1024)):
        if limit >= size:
            return f"{limit / size:.3g} {unit}"
    return f"{limit} B"


def too_large_message(limit: int) -> str:
    size = human_size(limit)
    return f"yêu cầu quá lớn, tối đa {size} / request too large, the limit is {size}"


class BodyTooLarge(HTTPException):
    """Raised from `receive` when a streamed body passes its limit. An HTTPException, so FastAPI's body
    parsing passes it on (other errors become a 400) and the app's handler answers with it."""

    def __init__(self, status_code: int, detail: str) -> None:
        super().__init__(status_code=status_code, detail=detail)


@dataclass(frozen=True)
class Denial:
    """Why a request may not send an upload-sized body: answered instead of 413 once it is too big."""

    status: int
    detail: str


# Decides, before the body is read, whether an upload request may use the upload limit: None = yes.
Authorize = Callable[[Request], Denial | None]


def upload_permission(catalog_of: Callable[[Request], Any]) -> Authorize:
    """A session of a user with the 'upload' permission, and that session's CSRF token in the X-CSRF-Token
    header or the `csrf_token` query parameter (the form's action carries it: its field is inside the body)."""
    from web.auth import CSRF_FIELD, CSRF_HEADER, current_user

    def authorize(request: Request) -> Denial | None:
        user = current_user(request, catalog_of(request))
        if user is None:
            return Denial(401, "login required")
        if not user.can("upload"):
            return Denial(403, "forbidden")
        supplied = request.headers.get(CSRF_HEADER) or request.query_params.get(CSRF_FIELD) or ""
        if not supplied or not hmac.compare_digest(supplied, user.csrf_token):
            return Denial(403, "csrf")
        return None

    return authorize


class BodyLimitMiddleware:
    def __init__(self, app: Callable[..., Awaitable[None]], *, form_limit: int, upload_limit: int,
                 authorize: Authorize) -> None:
        self.app = app
        self.form_limit = form_limit
        self.upload_limit = upload_limit
        self.authorize = authorize

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit, denial = self.form_limit, None
        if (scope["method"], scope["path"]) in UPLOAD_ROUTES:
            denial = await run_in_threadpool(self.authorize, Request(scope))
            if denial is None:
                limit = self.upload_limit
        refusal = (denial.status, denial.detail) if denial else (413, too_large_message(limit))
        declared = _content_length(scope)
        if declared is not None and declared > limit:
            await _answer(send, *refusal)
            return
        chunked = any(n == b"transfer-encoding" and b"chunked" in v.lower() for n, v in scope.get("headers", ()))
        counted = _Counting(receive, limit, refusal, has_body=bool(declared) or chunked)
        await self.app(scope, counted, counted.closing(send))


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


class _Counting:
    """`receive` that stops the request once more than `limit` body bytes arrived, whatever the headers say."""

    def __init__(self, receive: Receive, limit: int, refusal: tuple[int, str], has_body: bool) -> None:
        self.receive, self.limit, self.refusal = receive, limit, refusal
        self.seen = 0
        self.body_done = not has_body

    async def __call__(self) -> Message:
        message = await self.receive()
        if message["type"] == "http.request":
            self.seen += len(message.get("body", b""))
            self.body_done = not message.get("more_body", False)
            if self.seen > self.limit:
                raise BodyTooLarge(*self.refusal)
        elif message["type"] == "http.disconnect":
            self.body_done = True
        return message

    def closing(self, send: Send) -> Send:
        """`send` that closes the connection after a response given before the body was read (a redirect to
        the login page, a 413): otherwise the server would go on reading, and discarding, all of it."""

        async def wrapped(message: Message) -> None:
            if message["type"] == "http.response.start" and not self.body_done:
                message = {**message, "headers": [*message.get("headers", []), (b"connection", b"close")]}
            await send(message)

        return wrapped


async def _answer(send: Send, status: int, detail: str) -> None:
    body = json.dumps({"detail": detail}, ensure_ascii=False).encode()
    await send({
        "type": "http.response.start",
        "status": status,
        "headers": [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
            # The rest of the body is never read: the connection cannot carry another request.
            (b"connection", b"close"),
        ],
    })
    await send({"type": "http.response.body", "body": body})
