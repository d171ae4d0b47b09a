"""Bring the search index up to the catalogue: index pending pages, or rebuild everything (`sohoa reindex`)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from itertools import islice

import re
from datetime import date

from indexing import PageDocument, SearchIndex, SearchUnavailableError, page_id
from sohoa.domain.codes import find_document_numbers
from storage.catalog import Catalog
from storage.catalog.records import PageForIndex
from storage.catalog.roles import AGENCY, ISSUED_ON, NUMBER, OWNER_ID, SIGNER

CHUNK = 500
# A search indexes at most about this many pending pages first (see catch_up); more wait for ingest or
# `sohoa reindex --pending`.
CATCH_UP_PAGES = CHUNK
_DMY = re.compile(r"^\s*(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})\s*$")


def issue_date(value: str | None) -> date | None:
    """An issue date field as a date: ISO (what extraction stores) or dd/mm/yyyy (as staff may type it);
    anything else is no date (the document is then outside every issue-date range)."""
    if not value:
        return None
    try:
        match = _DMY.match(value)
        if match:
            day, month, year = (int(g) for g in match.groups())
            return date(year, month, day)
        return date.fromisoformat(value.strip())
    except ValueError:
        return None


def page_document(row: PageForIndex) -> PageDocument:
    dossier = row.dossier
    numbers = set(find_document_numbers(row.page.text))
    if dossier and dossier.document_number:
        numbers.add(dossier.document_number)
    fields = row.fields
    if fields.get(NUMBER):
        numbers.add(fields[NUMBER])
    return PageDocument(
        id=page_id(row.document.id, row.page.page_number),
        document_id=str(row.document.id),
        page_number=row.page.page_number,
        text=row.page.text,
        dossier_code=dossier.dossier_code if dossier else None,
        unit=dossier.unit if dossier else None,
        field=dossier.field if dossier else None,
        procedure_code=dossier.procedure_code if dossier else None,
        status=dossier.status if dossier else None,
        received_date=dossier.received_at.date() if dossier and dossier.received_at else None,
        applicant=dossier.applicant if dossier else None,
        document_numbers=tuple(sorted(numbers)),
        file_name=row.original_name,
        role=row.role,
        doc_type=row.doc_type,
        issuer=fields.get(AGENCY) or None,
        owner_id=fields.get(OWNER_ID) or None,
        issued_on=issue_date(fields.get(ISSUED_ON)),
        signer=fields.get(SIGNER) or None,
    )


def _chunks(rows: Iterable[PageForIndex], size: int) -> Iterator[list[PageForIndex]]:
    iterator = iter(rows)
    while chunk := list(islice(iterator, size)):
        yield chunk


@dataclass
class SyncResult:
    indexed: int = 0
    pending: int = 0
    error: str | None = None


def index_pending(catalog: Catalog, index: SearchIndex, on_chunk: Callable[[int], None] | None = None,
                  limit: int | None = None) -> SyncResult:
    """Index every page still pending (at most about `limit`, whole chunks, when given); when the index is
    unreachable, leave them pending and say so (`pending` is then counted only without a limit)."""
    result = SyncResult()
    try:
        index.ensure()
        for chunk in _chunks(catalog.pages_pending_index(chunk_size=CHUNK), CHUNK):
            index.index_pages(page_document(row) for row in chunk)
            catalog.mark_pages_indexed(row.page.id for row in chunk)
            result.indexed += len(chunk)
            if on_chunk:
                on_chunk(len(chunk))
            if limit is not None and result.indexed >= limit:
                break
    except SearchUnavailableError as exc:
        result.error = str(exc)
        if limit is None:
            result.pending = sum(1 for _ in catalog.pages_pending_index(chunk_size=CHUNK))
    return result


def catch_up(catalog: Catalog, index: SearchIndex, limit: int = CATCH_UP_PAGES) -> SyncResult | None:
    """Before a search: index the few pages a correction made pending (role, type or fields changed after
    indexing: `storage.catalog.pages.mark_documents_pending`), at most about `limit`. One cheap query when
    nothing is pending (None then); an unreachable index is left to the search itself to report."""
    if not catalog.has_pages_pending_index():
        return None
    return index_pending(catalog, index, limit=limit)


def rebuild_index(catalog: Catalog, index: SearchIndex, on_chunk: Callable[[int], None] | None = None) -> int:
    """Rebuild the whole index from the catalogue into a fresh index swapped in atomically."""
    def documents() -> Iterator[PageDocument]:
        for chunk in _chunks(catalog.iter_pages_for_index(chunk_size=CHUNK), CHUNK):
            yield from (page_document(row) for row in chunk)
            if on_chunk:
                on_chunk(len(chunk))

    count = index.rebuild(documents())
    catalog.mark_pages_indexed(row.page.id for row in catalog.iter_pages_for_index(pending_only=True))
    return count
