"""Jinja2 templates with what every page needs: translation, language, the user and the CSRF token."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from web.access import User
from web.i18n import language_of, translate

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def _date(value: Any) -> str:
    if value is None:
        return "—"
    return (
        value.strftime("%d/%m/%Y %H:%M")
        if getattr(value, "hour", 0) or getattr(value, "minute", 0)
        else (value.strftime("%d/%m/%Y"))
    )


TEMPLATES.env.filters["percent"] = _percent
TEMPLATES.env.filters["vndate"] = _date


def render(
    request: Request, template: str, user: User | None, status_code: int = 200, **context: Any
) -> HTMLResponse:
    lang = language_of(request, request.app.state.services.language)

    def _(key: str, **values: object) -> str:
        return translate(key, lang, **values)

    return TEMPLATES.TemplateResponse(
        request,
        template,
        {"_": _, "lang": lang, "user": user, "csrf_token": user.csrf_token if user else "", **context},
        status_code=status_code,
    )
