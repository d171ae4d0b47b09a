"""Pages for the search index: iterate them with their dossier metadata, and record what was indexed."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from sohoa.domain.states import PROCESSED_STATES
from storage.catalog.core import CatalogCore
from storage.catalog.records import PageForIndex, document_record, dossier_record, page_record
from storage.catalog.schema import DocumentFieldRow, DocumentRow, DossierRow, PageRow, SourceFileRow, UnitRow

INDEXABLE_STATES = PROCESSED_STATES  # the name flows/index_health.py imports


def mark_documents_pending(session: Session, document_ids: Iterable[int]) -> int:
    """THE one place that says "what the search index holds about these documents changed" (role, type,
    extracted fields): their indexed pages go back to pending, so the next `index_pending` (ingest, web
    search, `sohoa reindex --pending`) replaces them. The documents' own state stays (still digitized).
    Runs inside the caller's transaction; returns how many pages changed."""
    ids = sorted(set(document_ids))
    if not ids:
        return 0
    result = session.execute(
        update(PageRow)
        .where(PageRow.document_id.in_(ids), PageRow.index_state == "indexed")
        .values(index_state="pending")
    )
    return int(result.rowcount or 0)


def _fields_of(session: Session, document_ids: set[int]) -> dict[int, dict[str, str]]:
    """Extracted fields (name -> value) of many documents in one query."""
    fields: dict[int, dict[str, str]] = {}
    if document_ids:
        rows = session.execute(
            select(DocumentFieldRow.document_id, DocumentFieldRow.name, DocumentFieldRow.value).where(
                DocumentFieldRow.document_id.in_(sorted(document_ids))
            )
        )
        for document_id, name, value in rows:
            fields.setdefault(document_id, {})[name] = value
    return fields


class PagesMixin(CatalogCore):
    def iter_pages_for_index(
        self, *, pending_only: bool = False, dossier_code: str | None = None, chunk_size: int = 500
    ) -> Iterator[PageForIndex]:
        """Pages of recognised documents, by page id, each with its document, file name and dossier.

        Reads in chunks, each in its own short transaction, so the caller may mark pages indexed while
        iterating (as `reindex --pending` does) without holding a lock on the catalogue.
        """
        last_id = 0
        while True:
            query = (
                select(PageRow, DocumentRow, SourceFileRow.original_name, DossierRow, UnitRow.code)
                .join(DocumentRow, PageRow.document_id == DocumentRow.id)
                .join(SourceFileRow, DocumentRow.source_file_id == SourceFileRow.id)
                .outerjoin(DossierRow, DocumentRow.dossier_id == DossierRow.id)
                .outerjoin(UnitRow, DossierRow.unit_id == UnitRow.id)
                .where(DocumentRow.state.in_(INDEXABLE_STATES), PageRow.id > last_id)
                .order_by(PageRow.id)
                .limit(chunk_size)
            )
            if pending_only:
                query = query.where(PageRow.index_state == "pending")
            if dossier_code is not None:
                query = query.where(DossierRow.dossier_code == dossier_code)
            with self.transaction() as session:
                rows = session.execute(query).all()
                fields = _fields_of(session, {document.id for _, document, _, _, _ in rows})
                chunk = [
                    PageForIndex(
                        page=page_record(page),
                        document=document_record(document, dossier.dossier_code if dossier else None),
                        original_name=original_name,
                        dossier=dossier_record(dossier, unit) if dossier else None,
                        role=document.role,
                        doc_type=document.doc_type,
                        fields=fields.get(document.id, {}),
                    )
                    for page, document, original_name, dossier, unit in rows
                ]
            yield from chunk
            if len(chunk) < chunk_size:
                return
            last_id = chunk[-1].page.id

    def pages_pending_index(self, chunk_size: int = 500) -> Iterator[PageForIndex]:
        """Pages of recognised documents not yet in the search index (for `sohoa reindex --pending`)."""
        return self.iter_pages_for_index(pending_only=True, chunk_size=chunk_size)

    def mark_pages_indexed(self, page_ids: Iterable[int]) -> int:
        """Mark pages indexed; a recognised document whose pages are all indexed becomes 'indexed'.

        Returns how many pages changed state (0 when repeated).
        """
        ids = sorted(set(page_ids))
        if not ids:
            return 0
        changed = 0
        with self.transaction() as session:
            for start in range(0, len(ids), 500):
                part = ids[start : start + 500]
                result = session.execute(
                    update(PageRow)
                    .where(PageRow.id.in_(part), PageRow.index_state == "pending")
                    .values(index_state="indexed")
                )
                changed += result.rowcount
            document_ids = set(session.scalars(select(PageRow.document_id).where(PageRow.id.in_(ids))))
            still_pending = (
                select(PageRow.id)
                .where(PageRow.document_id == DocumentRow.id, PageRow.index_state == "pending")
                .exists()
            )
            session.execute(
                update(DocumentRow)
                .where(DocumentRow.id.in_(document_ids), DocumentRow.state == "recognized", ~still_pending)
                .values(state="indexed")
            )
        return changed

    def mark_documents_pending_index(self, document_ids: Iterable[int]) -> int:
        """Index these documents' pages again (their role, type or fields changed); see mark_documents_pending."""
        with self.transaction() as session:
            return mark_documents_pending(session, document_ids)

    def has_pages_pending_index(self) -> bool:
        """True when some page of a recognised document waits for the search index (one cheap query)."""
        with self.transaction() as session:
            query = (
                select(PageRow.id)
                .join(DocumentRow, PageRow.document_id == DocumentRow.id)
                .where(PageRow.index_state == "pending", DocumentRow.state.in_(INDEXABLE_STATES))
                .limit(1)
            )
            return session.scalar(query) is not None

    def mark_all_pages_pending(self) -> int:
        """Before rebuilding the search index from scratch: every page must be indexed again."""
        with self.transaction() as session:
            result = session.execute(
                update(PageRow).where(PageRow.index_state == "indexed").values(index_state="pending")
            )
            return result.rowcount
