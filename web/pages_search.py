"""The search page and its results fragment, which the page's script fetches as the user types."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from flows.index_health import IndexOutOfSyncError
from indexing import SearchUnavailableError
from web.access import require
from web.deps import PageUser, ServicesDep
from web.search_service import PAGE_SIZE, SearchParams, run_search
from web.templating import render

router = APIRouter(include_in_schema=False)


def _params(
    q: str, unit: str | None, field: str | None, year: str | None, status: str | None, page: int
) -> SearchParams:
    year_value = int(year) if year and year.isdigit() else None
    return SearchParams(
        q=q,
        unit=unit or None,
        field=field or None,
        year=year_value,
        status=status or None,
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
    return render(request, template, user, params=params, result=result, error=error, pages=pages)


@router.get("/search")
def search_page(
    request: Request,
    services: ServicesDep,
    user: PageUser,
    q: str = "",
    unit: str | None = None,
    field: str | None = None,
    year: str | None = None,
    status: str | None = None,
    page: int = 1,
) -> Response:
    require(user, "search")
    return _results(request, services, user, _params(q, unit, field, year, status, page), "search.html")


@router.get("/search/results")
def search_results(
    request: Request,
    services: ServicesDep,
    user: PageUser,
    q: str = "",
    unit: str | None = None,
    field: str | None = None,
    year: str | None = None,
    status: str | None = None,
    page: int = 1,
) -> Response:
    require(user, "search")
    return _results(request, services, user, _params(q, unit, field, year, status, page), "_results.html")
