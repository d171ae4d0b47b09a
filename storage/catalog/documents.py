"""Documents cut from source files: recording them, linking them to dossiers (with versions for rescans)
and moving them through stored -> recognized -> indexed."""

from __future__ import annotations

from collections.abc import Collection, Sequence

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ocr.text import nfc
from sohoa.domain.states import PROCESSED_STATES
from storage.catalog.core import CatalogCore, add_event, get_or_insert, unit_code, unit_id
from storage.catalog.errors import CatalogError, MissingObjectsError, NotFoundError
from storage.catalog.records import (
    Document,
    Dossier,
    Page,
    PageInput,
    document_record,
    dossier_record,
    page_record,
)
from storage.catalog.schema import LINK_METHODS, DocumentRow, DossierRow, PageRow, SourceFileRow

LINK_ATTEMPTS = 5


class LinkRefused(CatalogError):
    """A user limited to some units may not link into this dossier; `reason` says why (Vietnamese first)."""

    def __init__(self, document_id: int, dossier_code: str, reason: str) -> None:
        self.reason = reason
        super().__init__(f"document {document_id} -> {dossier_code}: {reason}")


def link_refusal(existing_unit: str | None, exists: bool, new_unit: str | None, units: Collection[str]) -> str | None:
    """Why a user of `units` may not link into a dossier (None: allowed). A new dossier gets `new_unit`."""
    if exists and existing_unit is None:
        return "hồ sơ chưa thuộc đơn vị nào / the dossier has no unit: an admin must link it"
    if exists and existing_unit not in units:
        return "mã hồ sơ thuộc đơn vị khác / the dossier code belongs to another unit"
    if not exists and (new_unit is None or new_unit not in units):
        return "không có đơn vị để tạo hồ sơ mới / no unit of yours to create the dossier in"
    return None


def _document(session: Session, document_id: int) -> DocumentRow:
    row = session.get(DocumentRow, document_id)
    if row is None:
        raise NotFoundError("document", document_id)
    return row


def _dossier_code(session: Session, dossier_id: int | None) -> str | None:
    return None if dossier_id is None else session.get_one(DossierRow, dossier_id).dossier_code


def _to_record(session: Session, row: DocumentRow, created: bool = False) -> Document:
    return document_record(row, _dossier_code(session, row.dossier_id), created)


def next_version(session: Session, dossier_id: int, ordinal: int, document_id: int) -> int:
    """Versions count rescans of one dossier document: the next is one above the highest other version."""
    highest = session.scalar(
        select(func.max(DocumentRow.version)).where(
            DocumentRow.dossier_id == dossier_id,
            DocumentRow.ordinal == ordinal,
            DocumentRow.id != document_id,
        )
    )
    return (highest or 0) + 1


class DocumentsMixin(CatalogCore):
    def record_document(self, source_file_id: int, first_page: int, last_page: int) -> Document:
        """Record pages first..last (1-based) of a source file as one document; repeating returns the same row."""
        if first_page < 1 or last_page < first_page:
            raise ValueError(f"bad page range {first_page}..{last_page} for source file {source_file_id}")
        with self.transaction() as session:
            if session.get(SourceFileRow, source_file_id) is None:
                raise NotFoundError("source file", source_file_id)
            row, created = get_or_insert(
                session,
                DocumentRow,
                {"source_file_id": source_file_id, "first_page": first_page},
                last_page=last_page,
                state="stored",
                version=1,
            )
            if not created and row.last_page != last_page:
                raise CatalogError(
                    f"source file {source_file_id}: document from page {first_page} already ends at page "
                    f"{row.last_page}, not {last_page}"
                )
            session.flush()
            return _to_record(session, row, created)

    def get_document(self, document_id: int) -> Document:
        with self.transaction() as session:
            return _to_record(session, _document(session, document_id))

    def documents_of_source_file(self, source_file_id: int) -> list[Document]:
        query = (
            select(DocumentRow)
            .where(DocumentRow.source_file_id == source_file_id)
            .order_by(DocumentRow.first_page)
        )
        with self.transaction() as session:
            return [_to_record(session, row) for row in session.scalars(query)]

    def documents_of_dossier(self, dossier_code: str) -> list[Document]:
        """Every document of a dossier, all versions, by ordinal then version."""
        query = (
            select(DocumentRow)
            .join(DossierRow, DocumentRow.dossier_id == DossierRow.id)
            .where(DossierRow.dossier_code == nfc(dossier_code).strip())
            .order_by(DocumentRow.ordinal, DocumentRow.version)
        )
        with self.transaction() as session:
            return [_to_record(session, row) for row in session.scalars(query)]

    def get_dossier(self, dossier_code: str) -> Dossier | None:
        query = select(DossierRow).where(DossierRow.dossier_code == nfc(dossier_code).strip())
        with self.transaction() as session:
            row = session.scalars(query).one_or_none()
            return dossier_record(row, unit_code(session, row.unit_id)) if row else None

    def link_document(
        self,
        document_id: int,
        dossier_code: str,
        method: str,
        *,
        ordinal: int | None = None,
        unit: str | None = None,
        actor: str = "ingest",
        units: Collection[str] | None = None,
    ) -> Document:
        """Link a document to a dossier, creating the dossier (in_registry=False) when the registry lacks it.

        `ordinal` is the document's place in the dossier (1 when not known; a manual link without one takes
        the next free place). If another document already holds that place, this one is a rescan and gets the
        next version; the older versions stay. Linking again to the same dossier and ordinal changes nothing.
        `units` limits the link to dossiers of those units (a web user's; None: any): a dossier of another
        unit or of none raises LinkRefused, checked in the same transaction as the link.
        """
        if method not in LINK_METHODS:
            raise ValueError(f"link method must be one of {LINK_METHODS}, not {method!r}")
        code = nfc(dossier_code).strip()
        if not code:
            raise ValueError(f"document {document_id}: empty dossier code")
        for attempt in range(LINK_ATTEMPTS):
            try:
                with self.transaction() as session:
                    return self._link(session, document_id, code, method, ordinal, unit, actor, units)
            except IntegrityError:
                # A concurrent link took the same version number: recompute and try again.
                if attempt == LINK_ATTEMPTS - 1:
                    raise
        raise AssertionError("unreachable")

    def _link(
        self,
        session: Session,
        document_id: int,
        code: str,
        method: str,
        ordinal: int | None,
        unit: str | None,
        actor: str,
        units: Collection[str] | None = None,
    ) -> Document:
        row = _document(session, document_id)
        if units is not None:
            found = session.scalars(select(DossierRow).where(DossierRow.dossier_code == code)).one_or_none()
            existing_unit = unit_code(session, found.unit_id) if found else None
            reason = link_refusal(existing_unit, found is not None, unit, units)
            if reason:
                raise LinkRefused(document_id, code, reason)
        unit_ref = unit_id(session, unit) if unit else None
        dossier, _created = get_or_insert(
            session, DossierRow, {"dossier_code": code}, in_registry=False, unit_id=unit_ref
        )
        if dossier.unit_id is None and unit_ref is not None:
            dossier.unit_id = unit_ref
        session.flush()
        same_dossier = row.dossier_id == dossier.id
        if ordinal is not None:
            wanted = ordinal
        elif same_dossier and row.ordinal:
            wanted = row.ordinal
        elif method == "manual":
            # A document placed by hand is a new document of the dossier, not a rescan of its first one.
            highest = session.scalar(select(func.max(DocumentRow.ordinal)).where(DocumentRow.dossier_id == dossier.id))
            wanted = (highest or 0) + 1
        else:
            wanted = 1
        if same_dossier and row.ordinal == wanted:
            row.link_method = method
            return _to_record(session, row)
        version = next_version(session, dossier.id, wanted, row.id)
        row.dossier_id, row.ordinal, row.version, row.link_method = dossier.id, wanted, version, method
        session.flush()
        add_event(
            session,
            actor,
            "document.linked",
            "document",
            row.id,
            {"dossier_code": code, "ordinal": wanted, "version": row.version, "method": method},
        )
        return _to_record(session, row)

    # -- pages and states ----------------------------------------------------------------------------

    def record_pages(self, document_id: int, pages: Sequence[PageInput]) -> list[Page]:
        """Insert or update pages by page number; a page whose content changed goes back to index 'pending'."""
        with self.transaction() as session:
            document = _document(session, document_id)
            page_total = document.last_page - document.first_page + 1
            result = []
            for page in pages:
                if not 1 <= page.page_number <= page_total:
                    raise ValueError(
                        f"document {document_id} has pages 1..{page_total}, not page {page.page_number}"
                    )
                values = {
                    "source_page_index": page.source_page_index,
                    "text": nfc(page.text),
                    "mean_confidence": page.mean_confidence,
                    "flags": dict(page.flags),
                    "blank": page.blank,
                    "words_key": page.words_key,
                    "image_key": page.image_key,
                }
                row, created = get_or_insert(
                    session,
                    PageRow,
                    {"document_id": document_id, "page_number": page.page_number},
                    index_state="pending",
                    **values,
                )
                if not created and any(getattr(row, name) != value for name, value in values.items()):
                    for name, value in values.items():
                        setattr(row, name, value)
                    row.index_state = "pending"
                session.flush()
                result.append(page_record(row))
            return result

    def pages_of_document(self, document_id: int) -> list[Page]:
        query = select(PageRow).where(PageRow.document_id == document_id).order_by(PageRow.page_number)
        with self.transaction() as session:
            return [page_record(row) for row in session.scalars(query)]

    def mark_document_recognized(
        self,
        document_id: int,
        *,
        pdf_key: str,
        verified_keys: Collection[str],
        mean_confidence: float | None = None,
        unreadable_pages: int = 0,
    ) -> Document:
        """Mark a document's text recognised once the caller has verified its objects are stored.

        Every page must be recorded but the `unreadable_pages` the caller reported for review, and the original, the searchable PDF and each page's image and words
        objects must be among `verified_keys`; otherwise MissingObjectsError names what is missing.
        """
        with self.transaction() as session:
            row = _document(session, document_id)
            source = session.get_one(SourceFileRow, row.source_file_id)
            pages = list(session.scalars(select(PageRow).where(PageRow.document_id == document_id)))
            expected = row.last_page - row.first_page + 1 - unreadable_pages
            if len(pages) != expected:
                raise CatalogError(f"document {document_id}: {len(pages)} of {expected} pages recorded")
            required = [source.object_key or f"<original of {source.original_name}>", pdf_key]
            required += [key for page in pages for key in (page.image_key, page.words_key) if key]
            verified = set(verified_keys)
            missing = [key for key in required if key not in verified]
            if missing:
                raise MissingObjectsError(document_id, missing)
            if mean_confidence is None:
                confidences = [
                    p.mean_confidence for p in pages if not p.blank and p.mean_confidence is not None
                ]
                mean_confidence = sum(confidences) / len(confidences) if confidences else None
            if not (row.state == "indexed" and row.pdf_key == pdf_key):
                row.state = "recognized"
            row.pdf_key, row.mean_confidence, row.error = pdf_key, mean_confidence, None
            return _to_record(session, row)

    def mark_document_indexed(self, document_id: int) -> Document:
        """Mark a recognised document indexed; refused while any of its pages is still pending."""
        with self.transaction() as session:
            row = _document(session, document_id)
            if row.state not in PROCESSED_STATES:
                raise CatalogError(
                    f"document {document_id} is {row.state}, not recognized: cannot be indexed"
                )
            pending = session.scalar(
                select(func.count()).where(
                    PageRow.document_id == document_id, PageRow.index_state == "pending"
                )
            )
            if pending:
                raise CatalogError(f"document {document_id}: {pending} page(s) not yet indexed")
            row.state = "indexed"
            return _to_record(session, row)

    def mark_document_failed(self, document_id: int, reason: str, actor: str = "ingest") -> Document:
        with self.transaction() as session:
            row = _document(session, document_id)
            if row.state != "failed" or row.error != reason:
                row.state, row.error = "failed", reason
                add_event(session, actor, "document.failed", "document", row.id, {"reason": reason})
            return _to_record(session, row)
