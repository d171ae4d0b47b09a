"""Search on behalf of a user: their units enforced by the index, results audited, thumbnails located."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date
from urllib.parse import urlencode

from flows.index_sync import catch_up
from indexing import SearchQuery, SearchResult
from web.access import User
from web.services import Services

PAGE_SIZE = 10
MAX_QUERY_LENGTH = 500
# Filters on the document (issue 10) the search form shows as inputs; the others travel as facet links.
DOCUMENT_FILTERS = ("role", "doc_type", "owner_id", "issuer", "issued_from", "issued_to")


@dataclass(frozen=True)
class SearchParams:
    q: str = ""
    unit: str | None = None
    field: str | None = None
    year: int | None = None
    status: str | None = None
    role: str | None = None
    doc_type: str | None = None
    owner_id: str | None = None  # digits; spaces and dots typed in it are ignored by the index
    issuer: str | None = None
    issued_from: date | None = None
    issued_to: date | None = None
    page: int = 1

    def filters(self) -> dict[str, str]:
        values = {f.name: getattr(self, f.name) for f in fields(self) if f.name not in ("q", "page")}
        return {k: v.isoformat() if isinstance(v, date) else str(v) for k, v in values.items() if v not in (None, "")}

    def facet_filters(self) -> dict[str, str]:
        """The filters set by facet links (kept as hidden inputs of the form, which shows the others)."""
        return {k: v for k, v in self.filters().items() if k not in DOCUMENT_FILTERS}

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
        role=params.role or None,
        doc_type=params.doc_type or None,
        owner_id=params.owner_id or None,
        issuer=params.issuer or None,
        issued_from=params.issued_from,
        issued_to=params.issued_to,
        limit=limit,
        offset=max(0, params.page - 1) * limit,
    )
    # A role, type or field corrected since the pages were indexed (dossier view, API, registry) put them
    # back to pending: index them now, so the officer's search sees the correction.
    catch_up(services.catalog, services.index)
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
