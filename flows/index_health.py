"""Is the search index the one the catalogue filled? Pages the catalogue marks indexed must be in the index;
an emptied, replaced or lost index (a bad CURRENT file, an Elasticsearch index gone after a restart) would
otherwise answer "0 dossiers" as if nothing matched. Used by `sohoa doctor`, search and the web app's start-up."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from sqlalchemy import func, select

from indexing import SearchIndex, SearchUnavailableError
from storage.catalog import Catalog
from storage.catalog.pages import INDEXABLE_STATES
from storage.catalog.schema import DocumentRow, PageRow


class IndexOutOfSyncError(SearchUnavailableError):
    """The index lacks pages the catalogue says it holds: results would be silently incomplete."""


@dataclass(frozen=True)
class IndexHealth:
    catalog_indexed: int  # pages of recognised documents the catalogue marks indexed
    catalog_pending: int  # ... and still waiting for the index
    index_pages: int | None  # pages the index holds; None when it cannot be read
    error: str | None = None  # why the index could not be read

    @property
    def missing(self) -> int:
        return self.catalog_indexed - (self.index_pages or 0) if self.index_pages is not None else self.catalog_indexed

    @property
    def ok(self) -> bool:
        return self.error is None and self.missing <= 0

    def message(self) -> str:
        if self.error is not None:
            return (f"không đọc được chỉ mục tìm kiếm ({self.error}); chạy `sohoa reindex` / the search index "
                    f"cannot be read ({self.error}); run `sohoa reindex`")
        if self.missing > 0:
            return (f"chỉ mục tìm kiếm bị mất dữ liệu: danh mục có {self.catalog_indexed} trang đã lập chỉ mục, "
                    f"chỉ mục chỉ có {self.index_pages}; chạy `sohoa reindex` / the search index lost pages: the "
                    f"catalogue has {self.catalog_indexed} pages indexed, the index holds {self.index_pages}; "
                    f"run `sohoa reindex`")
        return (f"{self.index_pages} trang trong chỉ mục, {self.catalog_pending} trang chờ / {self.index_pages} "
                f"pages in the index, {self.catalog_pending} pending")


def catalog_index_counts(catalog: Catalog) -> dict[str, int]:
    """Pages of recognised documents per index state ('indexed', 'pending')."""
    query = (
        select(PageRow.index_state, func.count())
        .join(DocumentRow, PageRow.document_id == DocumentRow.id)
        .where(DocumentRow.state.in_(INDEXABLE_STATES))
        .group_by(PageRow.index_state)
    )
    with catalog.transaction() as session:
        counts = {state: int(n) for state, n in session.execute(query)}
    return {"indexed": counts.get("indexed", 0), "pending": counts.get("pending", 0)}


def check_index(catalog: Catalog, index: SearchIndex) -> IndexHealth:
    # The index is counted after the catalogue: pages are indexed before they are marked, so an ingest
    # running meanwhile can only make the index look larger, never falsely short.
    counts = catalog_index_counts(catalog)
    try:
        pages = index.count()
    except SearchUnavailableError as exc:
        return IndexHealth(counts["indexed"], counts["pending"], None, str(exc))
    return IndexHealth(counts["indexed"], counts["pending"], pages)


class IndexGuard:
    """`check_index` for every search without its cost: a good result is trusted for `ttl` seconds, and a
    search that found nothing always checks again (that is how a lost index looks)."""

    def __init__(self, catalog: Catalog, index: SearchIndex, ttl: float = 30.0) -> None:
        self.catalog, self.index, self.ttl = catalog, index, ttl
        self._checked_at = float("-inf")
        self._lock = threading.Lock()

    def check(self, force: bool = False) -> IndexHealth | None:
        """Raises IndexOutOfSyncError when the index lost pages; returns the health when it checked."""
        with self._lock:
            if not force and time.monotonic() - self._checked_at < self.ttl:
                return None
        health = check_index(self.catalog, self.index)
        if not health.ok:
            with self._lock:
                self._checked_at = float("-inf")
            raise IndexOutOfSyncError(health.message())
        with self._lock:
            self._checked_at = time.monotonic()
        return health
