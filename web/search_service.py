"""Search on behalf of a user: their units enforced by the index, results audited, thumbnails located."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from indexing import SearchQuery, SearchResult
from web.access import User
from web.services import Services

PAGE_SIZE = 10
MAX_QUERY_LENGTH = 500


@dataclass(frozen=True)
class SearchParams:
    q: str = ""
    unit: str | None = None
    field: str | None = None
    year: int | None = None
    status: str | None = None
    page: int = 1

    def filters(self) -> dict[str, str]:
        values = {"unit": self.unit, "field": self.field, "year": self.year, "status": self.status}
        return {k: str(v) for k, v in values.items() if v not in (None, "")}

    def url(self, **changes: object) -> str:
        """The search page's URL with some parameters changed (None removes one)."""
        values: dict[str, object] = {"q": self.q, **self.filters(), "page": self.page}
        values.update(changes)
        clean = {k: v for k, v in values.items() if v not in (None, "") and not (k == "page" and v == 1)}
        return "/search?" + urlencode(clean)


def run_search(services: Services, user: User, params: SearchParams, limit: int = PAGE_SIZE) -> SearchResult:
    text = params.q.strip()[:MAX_QUERY_LENGTH]
    query = SearchQuery(
        text=text,
        allowed_units=user.allowed_units,
        unit=params.unit or None,
        field=params.field or None,
        year=params.year,
        status=params.status or None,
        limit=limit,
        offset=max(0, params.page - 1) * limit,
    )
    result = services.index.search(query)
    if text or params.filters():
        services.catalog.record_event(
            user.name,
            "search",
            "search",
            text[:256] or "-",
            {
                "filters": params.filters(),
                "total": result.total,
                "dossiers": [g.dossier_code for g in result.groups if g.dossier_code],
            },
        )
    return result
