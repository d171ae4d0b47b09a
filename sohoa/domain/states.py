"""Document states in the catalogue and the one answer to "is this document done?"."""

from __future__ import annotations

from enum import StrEnum


class DocumentState(StrEnum):
    STORED = "stored"  # original and page artifacts stored, text not yet recorded
    RECOGNIZED = "recognized"  # text recognised and catalogued, not yet in the search index
    INDEXED = "indexed"  # every page in the search index
    FAILED = "failed"


DOCUMENT_STATES: tuple[str, ...] = tuple(state.value for state in DocumentState)

# Recognised (and maybe indexed): ingest need not read it again, the indexer may index it, reports count it
# as processed. Only INDEXED counts as digitized (see storage/catalog/report.py).
PROCESSED_STATES: tuple[str, ...] = (DocumentState.RECOGNIZED.value, DocumentState.INDEXED.value)


class IndexState(StrEnum):
    PENDING = "pending"
    INDEXED = "indexed"


INDEX_STATES: tuple[str, ...] = tuple(state.value for state in IndexState)
