"""Search over OCR'd pages: the SearchIndex protocol, an embedded SQLite backend and Elasticsearch 8."""

from indexing.base import (
    DossierHit,
    PageDocument,
    PageHit,
    SearchIndex,
    SearchQuery,
    SearchResult,
    SearchUnavailableError,
    page_id,
    result_rows,
)

__all__ = [
    "DossierHit",
    "PageDocument",
    "PageHit",
    "SearchIndex",
    "SearchQuery",
    "SearchResult",
    "SearchUnavailableError",
    "page_id",
    "result_rows",
]
