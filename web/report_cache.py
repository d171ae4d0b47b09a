"""Dashboard reports cached until the catalogue changes: a cheap signature query decides, so the numbers stay
identical to `sohoa report` while repeated views skip the full report queries."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from sqlalchemy import func, select

from storage.catalog import Catalog
from storage.catalog.schema import DocumentRow, DossierRow, PageRow, ReviewItemRow, SourceFileRow, TargetRow

MAX_ENTRIES = 256


def catalogue_signature(catalog: Catalog) -> tuple[Any, ...]:
    """Changes whenever a figure of the report can change: dossiers, documents, pages, review items, files,
    targets (counts plus the newest change times)."""
    query = select(
        select(func.count(DossierRow.id)).scalar_subquery(),
        select(func.max(DossierRow.updated_at)).scalar_subquery(),
        select(func.count(DocumentRow.id)).scalar_subquery(),
        select(func.max(DocumentRow.updated_at)).scalar_subquery(),
        select(func.max(PageRow.id)).scalar_subquery(),
        select(func.count(ReviewItemRow.id)).where(ReviewItemRow.status == "open").scalar_subquery(),
        select(func.max(ReviewItemRow.id)).scalar_subquery(),
        select(func.max(ReviewItemRow.resolved_at)).scalar_subquery(),
        select(func.count(SourceFileRow.id)).where(SourceFileRow.state == "quarantined").scalar_subquery(),
        select(func.count(TargetRow.id)).scalar_subquery(),
        select(func.sum(TargetRow.rate)).scalar_subquery(),
    )
    with catalog.transaction() as session:
        return tuple(session.execute(query).one())


class ReportCache:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._signature: tuple[Any, ...] | None = None
        self._entries: dict[Any, Any] = {}

    def get(
        self, catalog: Catalog, key: Any, compute: Callable[[], Any], signature: tuple[Any, ...] | None = None
    ) -> Any:
        """The cached value for `key` while the catalogue is unchanged (pass `signature` to reuse one check)."""
        signature = signature if signature is not None else catalogue_signature(catalog)
        with self._lock:
            if signature != self._signature:
                self._signature, self._entries = signature, {}
            if key in self._entries:
                return self._entries[key]
        value = compute()
        with self._lock:
            if signature == self._signature and len(self._entries) < MAX_ENTRIES:
                self._entries[key] = value
        return value
