"""The SearchIndex protocol (with its contract), page documents, queries and grouped results.

The opener that picks a backend from a URL is `sohoa.compose.open_search_index`."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Protocol, runtime_checkable

from ocr.errors import SohoaError
from sohoa.domain.codes import normalize_id_number
from sohoa.domain.folding import fold

FACET_NAMES = ("unit", "field", "year", "status", "role", "doc_type")


_WORD = re.compile(r"\w+")


class SearchUnavailableError(SohoaError):
    """The search backend cannot be reached; callers keep the pages pending and retry later."""


@dataclass(frozen=True)
class PageDocument:
    """One OCR'd page as the search index sees it. `id` is stable: indexing the same id replaces the page."""

    id: str
    document_id: str
    page_number: int
    text: str
    dossier_code: str | None = None
    unit: str | None = None
    field: str | None = None
    procedure_code: str | None = None
    status: str | None = None
    received_date: date | None = None
    applicant: str | None = None
    document_numbers: tuple[str, ...] = ()
    file_name: str | None = None
    # The document's role in its dossier (receipt | component | result), type and extracted metadata
    # (storage.catalog.roles: issuing agency, owner's ID number, issue date, signer).
    role: str | None = None
    doc_type: str | None = None
    issuer: str | None = None
    owner_id: str | None = None
    issued_on: date | None = None
    signer: str | None = None

    def __post_init__(self) -> None:
        # Catalogue ids are integers; the index stores strings so both backends agree.
        object.__setattr__(self, "id", str(self.id))
        object.__setattr__(self, "document_id", str(self.document_id))
        object.__setattr__(self, "document_numbers", tuple(self.document_numbers))
        object.__setattr__(self, "owner_id", normalize_id_number(self.owner_id) if self.owner_id else None)

    @property
    def year(self) -> int | None:
        return self.received_date.year if self.received_date else None

    @property
    def group_key(self) -> str:
        """Pages group by dossier; unlinked pages group by their document."""
        return f"dossier:{self.dossier_code}" if self.dossier_code else f"document:{self.document_id}"


def page_id(document_id: str | int, page_number: int) -> str:
    return f"{document_id}:{page_number}"


@dataclass(frozen=True)
class SearchQuery:
    text: str = ""
    allowed_units: list[str] | None = None
    unit: str | None = None
    field: str | None = None
    year: int | None = None
    status: str | None = None
    role: str | None = None
    doc_type: str | None = None
    # Digits only, exact: "0870 9000 1234" finds 087090001234. A value without a digit is refused.
    owner_id: str | None = None
    # Every word of it must be a word of the issuing agency, marks optional ("uy ban xa loc an").
    issuer: str | None = None
    issued_from: date | None = None  # issue date range, both ends included
    issued_to: date | None = None
    limit: int = 20
    offset: int = 0
    pages_per_dossier: int = 5

    def __post_init__(self) -> None:
        if self.owner_id is not None:
            digits = normalize_id_number(self.owner_id)
            if digits is None:
                raise ValueError(f"owner_id {self.owner_id!r}: số định danh phải có chữ số / an ID number has digits")
            object.__setattr__(self, "owner_id", digits)
        if self.issuer is not None and not issuer_words(self.issuer):
            object.__setattr__(self, "issuer", None)


def issuer_words(text: str | None) -> list[str]:
    """The folded words of an issuing agency: what the issuer filter compares (both backends)."""
    return _WORD.findall(fold(text)) if text else []


@dataclass(frozen=True)
class PageHit:
    page_id: str
    document_id: str
    page_number: int
    score: float
    snippet: str


@dataclass(frozen=True)
class DossierHit:
    dossier_code: str | None
    best: PageHit
    other_pages: list[PageHit] = field(default_factory=list)


@dataclass(frozen=True)
class SearchResult:
    total: int
    groups: list[DossierHit]
    facets: dict[str, dict[str, int]]
    # True when so many pages match that `total` and the facet counts are scaled up from a ranked sample.
    total_is_estimate: bool = False


@runtime_checkable
class SearchIndex(Protocol):
    """CONTRACT every backend honours (tests/indexing/test_contract.py runs it against each one).

    - `ensure()` creates the index if missing; idempotent. Other methods may assume it was called.
    - `index_pages(pages)` consumes any iterable in bounded chunks (memory does not grow with its length),
      returns how many pages it indexed; a page with an id already indexed replaces it. Pages are
      searchable when it returns.
    - `delete_document(document_id)` removes every page of that document; returns how many it removed.
    - `search(query)`:
      * words match with or without Vietnamese marks ("nguyen van hung" finds "Nguyễn Văn Hùng"); a page
        whose words carry the query's exact marks ranks above one that only matches folded;
      * every free word must match (AND); "..." is a phrase, "..."~N a phrase with N words of slack;
        pages where the words stand close rank higher;
      * words of >= 5 letters also match one edit away (OCR errors), always ranked below pages that match
        without an edit;
      * dossier codes and document numbers in the query, however typed, match exactly (a number without
        its issuer, "123/QĐ", matches "123/QĐ-UBND"); the rest of the query must match too;
      * `allowed_units` is ENFORCED when not None: a page of another unit (or of no unit) is never returned
        and never counted in a facet or in `total`;
      * filters unit/field/year/status/role/doc_type restrict pages to that exact value; `owner_id` to
        pages whose document's owner ID has exactly those digits (spaces and dots typed in it are ignored);
        `issuer` to pages whose document's issuing agency contains every word of it, compared folded
        (marks and case optional, whole words); `issued_from`/`issued_to` to pages whose document's issue
        date lies in that range (ends included; a page without an issue date is left out). Filters combine
        with each other, with the words and codes of the query and with `allowed_units` (AND), and are
        applied before ranking (inside the rank window);
      * results are grouped by dossier (unlinked pages by document), best group first, best page first in a
        group, at most `pages_per_dossier` pages each; `total` counts groups; `limit`/`offset` page through
        groups;
      * facets count groups per unit/field/year/status/role/doc_type (FACET_NAMES) over the matched,
        filtered, allowed pages; values are strings; a group whose pages have two roles counts under both;
      * snippets are HTML-escaped ORIGINAL (accented) text with matches inside <mark>…</mark>.
      An empty query with filters lists pages by filter alone.
    - `count()` is the number of indexed pages; `ping()` says if the backend answers (never raises).
    - `rebuild(pages)` indexes into a new generation and swaps it in atomically: searches keep working
      during and after, and see the old pages until the swap. Returns how many pages it indexed.
    - `close()` releases connections. Any method except `ping()` raises SearchUnavailableError when the
      backend cannot be reached.
    """

    def ensure(self) -> None: ...

    def index_pages(self, pages: Iterable[PageDocument]) -> int: ...

    def delete_document(self, document_id: str) -> int: ...

    def search(self, query: SearchQuery) -> SearchResult: ...

    def count(self) -> int: ...

    def ping(self) -> bool: ...

    def rebuild(self, pages: Iterable[PageDocument]) -> int: ...

    def close(self) -> None: ...


def result_rows(result: SearchResult) -> list[dict[str, object]]:
    """The CLI's --json rows, best first: {"dossier_code", "document", "page", "score", "snippet"}."""
    rows: list[dict[str, object]] = []
    for group in result.groups:
        for hit in [group.best, *group.other_pages]:
            rows.append(
                {
                    "dossier_code": group.dossier_code,
                    "document": hit.document_id,
                    "page": hit.page_number,
                    "score": round(hit.score, 4),
                    "snippet": hit.snippet,
                }
            )
    return rows
