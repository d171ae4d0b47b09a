"""What a digitized document is in its dossier: role (receipt, component, result), type, extracted metadata
fields with confidence and page region, digitization-result code, and reuse of already digitized papers.

Precedence: what staff set beats what the registry stated beats what the classifier guessed, so re-running
ingest never undoes a correction. A digitization code, once given, is kept (also when the document is re-linked).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from sohoa.domain.codes import normalize_document_number
from storage.catalog.core import CatalogCore, add_event
from storage.catalog.errors import NotFoundError
from storage.catalog.pages import mark_documents_pending
from storage.catalog.schema import (
    DOCUMENT_ROLES,
    REUSE_ORIGINS,
    ROLE_SOURCES,
    DocumentFieldRow,
    DocumentRow,
    DossierRow,
)

RANK = {source: rank for rank, source in enumerate(ROLE_SOURCES)}  # auto < registry < staff
# Fields that identify a paper across dossiers (reuse): the owner's ID number and the document's number.
OWNER_ID, NUMBER = "owner_id", "number_symbol"
# The other field names ocr.extract.extract_metadata gives that the search index uses (facets and filters).
AGENCY, ISSUED_ON, SIGNER = "agency", "issued_on", "signer"
INDEXED_FIELDS = (NUMBER, OWNER_ID, AGENCY, ISSUED_ON, SIGNER)
MAX_FIELD_VALUE = 1024


@dataclass(frozen=True)
class FieldValue:
    """One extracted metadata field: name (number, date, agency, signer, subject, owner_name, owner_id, ...)."""

    name: str
    value: str
    confidence: float | None = None
    page_number: int | None = None
    region: tuple[int, int, int, int] | None = None  # box x0, y0, x1, y1 in page-image pixels
    source: str = "auto"


@dataclass(frozen=True)
class DocumentRole:
    document_id: int
    dossier_code: str | None
    role: str | None
    doc_type: str | None
    type_confidence: float | None
    role_source: str | None
    digitization_code: str | None
    reused_from_document_id: int | None
    reuse_origin: str | None
    fields: tuple[FieldValue, ...] = ()


def _document(session: Session, document_id: int) -> DocumentRow:
    row = session.get(DocumentRow, document_id)
    if row is None:
        raise NotFoundError("document", document_id)
    return row


def _fields(session: Session, document_id: int) -> tuple[FieldValue, ...]:
    query = select(DocumentFieldRow).where(DocumentFieldRow.document_id == document_id)
    return tuple(
        FieldValue(
            row.name,
            row.value,
            row.confidence,
            row.page_number,
            tuple(row.region) if row.region else None,  # type: ignore[arg-type]
            row.source,
        )
        for row in session.scalars(query.order_by(DocumentFieldRow.name))
    )


def _record(session: Session, row: DocumentRow) -> DocumentRole:
    code = None if row.dossier_id is None else session.get_one(DossierRow, row.dossier_id).dossier_code
    return DocumentRole(
        row.id,
        code,
        row.role,
        row.doc_type,
        row.type_confidence,
        row.role_source,
        row.digitization_code,
        row.reused_from_document_id,
        row.reuse_origin,
        _fields(session, row.id),
    )


def number_key(value: str) -> str:
    """The one document-number key (sohoa.domain.codes): "Số: 012/QĐ-UBND" and "12/QD-UBND" are the same paper."""
    return normalize_document_number(value) or " ".join(value.split()).upper()


def _outranked(current: str | None, new: str) -> bool:
    """True when a value set by `current` must not be replaced by one from `new`."""
    return current is not None and RANK[current] > RANK[new]


class RolesMixin(CatalogCore):
    def document_role(self, document_id: int) -> DocumentRole:
        with self.transaction() as session:
            return _record(session, _document(session, document_id))

    def set_document_role(
        self,
        document_id: int,
        role: str | None,
        doc_type: str | None = None,
        confidence: float | None = None,
        *,
        source: str = "auto",
        actor: str = "ingest",
    ) -> DocumentRole:
        """Record role and type. An automatic guess never replaces what the registry or staff set."""
        if role is not None and role not in DOCUMENT_ROLES:
            raise ValueError(f"document role must be one of {DOCUMENT_ROLES}, not {role!r}")
        if source not in ROLE_SOURCES:
            raise ValueError(f"role source must be one of {ROLE_SOURCES}, not {source!r}")
        with self.transaction() as session:
            row = _document(session, document_id)
            if _outranked(row.role_source, source):
                return _record(session, row)
            old = {"role": row.role, "doc_type": row.doc_type}
            row.role, row.doc_type, row.type_confidence, row.role_source = role, doc_type, confidence, source
            if old != {"role": role, "doc_type": doc_type}:
                add_event(
                    session,
                    actor,
                    "document.role",
                    "document",
                    row.id,
                    {"old": old, "role": role, "doc_type": doc_type, "source": source},
                )
                mark_documents_pending(session, [row.id])  # the search index holds role and type
            session.flush()
            return _record(session, row)

    def set_document_fields(
        self, document_id: int, fields: Iterable[FieldValue], *, actor: str = "ingest"
    ) -> DocumentRole:
        """Insert or update fields by name; a field set by staff is not replaced by an automatic value."""
        with self.transaction() as session:
            row = _document(session, document_id)
            existing = {
                f.name: f
                for f in session.scalars(
                    select(DocumentFieldRow).where(DocumentFieldRow.document_id == document_id)
                )
            }
            changed = []
            for value in fields:
                if value.source not in ROLE_SOURCES:
                    raise ValueError(f"field source must be one of {ROLE_SOURCES}, not {value.source!r}")
                if not value.name or len(value.name) > 32:
                    raise ValueError(f"document {document_id}: bad field name {value.name!r}")
                text = value.value.strip()[:MAX_FIELD_VALUE]
                current = existing.get(value.name)
                if current is not None and _outranked(current.source, value.source):
                    continue
                region = list(value.region) if value.region else None
                if current is None:
                    session.add(
                        DocumentFieldRow(
                            document_id=document_id,
                            name=value.name,
                            value=text,
                            confidence=value.confidence,
                            page_number=value.page_number,
                            region=region,
                            source=value.source,
                        )
                    )
                    changed.append(value.name)
                elif (
                    current.value,
                    current.confidence,
                    current.page_number,
                    current.region,
                    current.source,
                ) != (text, value.confidence, value.page_number, region, value.source):
                    if value.source == "staff" and current.value != text:
                        add_event(
                            session,
                            actor,
                            "document.field",
                            "document",
                            row.id,
                            {"field": value.name, "old": current.value, "new": text},
                        )
                    current.value, current.confidence, current.page_number = (
                        text,
                        value.confidence,
                        value.page_number,
                    )
                    current.region, current.source = region, value.source
                    changed.append(value.name)
            if set(changed) & set(INDEXED_FIELDS):
                mark_documents_pending(session, [row.id])  # the search index holds these fields
            session.flush()
            return _record(session, row)

    def assign_digitization_code(self, document_id: int, code: str) -> DocumentRole:
        """Give the document its digitization-result code unless it already has one (codes are stable)."""
        with self.transaction() as session:
            row = _document(session, document_id)
            if row.digitization_code is None and code.strip():
                row.digitization_code = code.strip()
                session.flush()
            return _record(session, row)

    def next_code_number(self, document_id: int, role: str = "result") -> int:
        """n of the code this document would get (`<Mã hồ sơ>-KQ<n>` for a result, NN for a component): one
        above the documents of that role in its dossier that already have a code (so re-running gives no new
        numbers: a coded document keeps its code)."""
        with self.transaction() as session:
            row = _document(session, document_id)
            if row.dossier_id is None:
                return 1
            coded = session.scalars(
                select(DocumentRow.id).where(
                    DocumentRow.dossier_id == row.dossier_id,
                    DocumentRow.role == role,
                    DocumentRow.digitization_code.is_not(None),
                    DocumentRow.id != row.id,
                )
            ).all()
            return len(coded) + 1

    def set_content_hash(self, document_id: int, content_hash: str) -> None:
        with self.transaction() as session:
            _document(session, document_id).content_hash = content_hash

    def mark_reused(
        self,
        document_id: int,
        origin: str | None,
        from_document_id: int | None = None,
        *,
        actor: str = "ingest",
        source: str = "auto",
    ) -> DocumentRole:
        """Record that a component was taken from already digitized data: an earlier document of the
        catalogue (`from_document_id`) or the national portal (origin 'portal'); origin None clears it.
        What staff set (or cleared) is not replaced by the automatic check (`source`: auto < registry < staff)."""
        if origin is not None and origin not in REUSE_ORIGINS:
            raise ValueError(f"reuse origin must be one of {REUSE_ORIGINS}, not {origin!r}")
        if source not in ROLE_SOURCES:
            raise ValueError(f"reuse source must be one of {ROLE_SOURCES}, not {source!r}")
        if origin == "catalogue" and from_document_id is None:
            raise ValueError("reuse from the catalogue needs the earlier document")
        if origin != "catalogue":
            from_document_id = None  # only a catalogue reuse points at an earlier document
        with self.transaction() as session:
            row = _document(session, document_id)
            if from_document_id is not None:
                if from_document_id == document_id:
                    raise ValueError(f"document {document_id} cannot reuse itself")
                _document(session, from_document_id)
            if _outranked(row.reuse_source, source):
                return _record(session, row)
            if (row.reuse_origin, row.reused_from_document_id) != (origin, from_document_id):
                old = {"origin": row.reuse_origin, "from_document_id": row.reused_from_document_id}
                row.reuse_origin, row.reused_from_document_id = origin, from_document_id
                add_event(
                    session,
                    actor,
                    "document.reused",
                    "document",
                    row.id,
                    {"origin": origin, "from_document_id": from_document_id, "source": source, "old": old},
                )
            row.reuse_source = source
            session.flush()
            return _record(session, row)

    def find_reuse_source(self, document_id: int) -> int | None:
        """The earliest digitized result or component of ANOTHER dossier that is the same paper as this
        document: same owner ID and same document number (and type, when both are typed), or the same
        content hash. None when there is none."""
        with self.transaction() as session:
            row = _document(session, document_id)
            fields = {f.name: f.value for f in _fields(session, document_id)}
            earlier = (
                select(DocumentRow.id)
                .where(
                    DocumentRow.id != row.id,
                    DocumentRow.state == "indexed",
                    DocumentRow.role.in_(("result", "component")),
                    DocumentRow.reused_from_document_id.is_(None),
                    DocumentRow.dossier_id.is_not(None),
                )
                .order_by(DocumentRow.id)
            )
            if row.dossier_id is not None:
                earlier = earlier.where(DocumentRow.dossier_id != row.dossier_id)
            candidates: list[int] = []
            if row.content_hash:
                candidates += session.scalars(
                    earlier.where(DocumentRow.content_hash == row.content_hash).limit(1)
                )
            if fields.get(OWNER_ID) and fields.get(NUMBER):
                owner = select(DocumentFieldRow.document_id).where(
                    DocumentFieldRow.name == OWNER_ID, DocumentFieldRow.value == fields[OWNER_ID]
                )
                query = earlier.where(DocumentRow.id.in_(owner))
                if row.doc_type:
                    query = query.where(
                        (DocumentRow.doc_type.is_(None)) | (DocumentRow.doc_type == row.doc_type)
                    )
                key = number_key(fields[NUMBER])
                for other in session.scalars(query):
                    value = session.scalar(
                        select(DocumentFieldRow.value).where(
                            DocumentFieldRow.document_id == other, DocumentFieldRow.name == NUMBER
                        )
                    )
                    if value is not None and number_key(value) == key:
                        candidates.append(other)
                        break
            return min(candidates) if candidates else None

    def detect_reuse(self, document_id: int, *, actor: str = "ingest") -> DocumentRole:
        """For a component: record reuse of the earlier paper `find_reuse_source` finds, if any."""
        role = self.document_role(document_id)
        if role.role != "component" or role.reuse_origin is not None:
            return role
        source = self.find_reuse_source(document_id)
        if source is None:
            return role
        return self.mark_reused(document_id, "catalogue", source, actor=actor)

    def document_roles(self, document_ids: Sequence[int]) -> dict[int, DocumentRole]:
        with self.transaction() as session:
            rows = session.scalars(select(DocumentRow).where(DocumentRow.id.in_(list(document_ids))))
            return {row.id: _record(session, row) for row in rows}
