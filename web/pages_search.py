"""The search page and its results fragment, which the page's script fetches as the user types."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from flows.index_health import IndexOutOfSyncError
from indexing import SearchUnavailableError
from sohoa.domain.codes import normalize_id_number
from storage.catalog.schema import DOCUMENT_ROLES
from web.access import require
from web.deps import PageUser, ServicesDep
from web.pages_indicators import ROLE_LABELS
from web.search_service import PAGE_SIZE, SearchParams, run_search
from web.templating import render

router = APIRouter(include_in_schema=False)


def _date(value: str | None) -> date | None:
    """An <input type=date> value (ISO); anything else is no filter rather than an error page."""
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _params(
    q: str = "", unit: str | None = None, field: str | None = None, year: str | None = None,
    status: str | None = None, page: int = 1, role: str | None = None, doc_type: str | None = None,
    owner_id: str | None = None, issuer: str | None = None, issued_from: str | None = None,
    issued_to: str | None = None,
) -> SearchParams:
    """The page's and the fragment's query string (a FastAPI dependency), forgiving: a bad value is no filter."""
    year_value = int(year) if year and year.isdigit() else None
    return SearchParams(
        q=q,
        unit=unit or None,
        field=field or None,
        year=year_value,
        status=status or None,
        role=role if role in DOCUMENT_ROLES else None,
        doc_type=(doc_type or "").strip()[:64] or None,
        owner_id=normalize_id_number(owner_id[:64]) if owner_id else None,
        issuer=(issuer or "").strip()[:256] or None,
        issued_from=_date(issued_from),
        issued_to=_date(issued_to),
        page=max(1, min(page, 10_000)),
    )


def _results(request: Request, services, user, params: SearchParams, template: str) -> Response:  # noqa: ANN001
    result, error = None, None
    if params.q.strip() or params.filters():
        try:
            result = run_search(services, user, params)
            request.app.state.index_guard.check(force=result.total == 0)
        except IndexOutOfSyncError:
            result, error = None, "error.index_lost"
        except SearchUnavailableError:
            error = "error.search_down"
    pages = 0 if result is None else (result.total + PAGE_SIZE - 1) // PAGE_SIZE
    return render(request, template, user, params=params, result=result, error=error, pages=pages,
                  roles=DOCUMENT_ROLES, role_labels=ROLE_LABELS)


QueryParams = Annotated[SearchParams, Depends(_params)]


@router.get("/search")
def search_page(request: Request, services: ServicesDep, user: PageUser, params: QueryParams) -> Response:
    require(user, "search")
    return _results(request, services, user, params, "search.html")


@router.get("/search/results")
def search_results(request: Request, services: ServicesDep, user: PageUser, params: QueryParams) -> Response:
    require(user, "search")
    return _results(request, services, user, params, "_results.html")
