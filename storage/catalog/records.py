"""Plain, detached values the catalogue returns and accepts; safe to keep after the session has closed."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from storage.catalog.schema import (
    BatchRow,
    DocumentRow,
    DossierRow,
    EventRow,
    PageRow,
    ReviewItemRow,
    SourceFileRow,
)


@dataclass(frozen=True)
class BatchCounts:
    files_seen: int = 0
    files_new: int = 0
    files_duplicate: int = 0
    files_failed: int = 0
    documents: int = 0
    pages: int = 0


@dataclass(frozen=True)
class Batch:
    id: int
    key: str
    source: str
    unit: str | None
    status: str
    started_at: datetime
    finished_at: datetime | None
    counts: BatchCounts
    resumed: bool = False


@dataclass(frozen=True)
class SourceFile:
    id: int
    sha256: str
    object_key: str | None
    original_name: str
    size: int
    format: str
    page_count: int | None
    batch_id: int | None
    state: str
    created: bool = False


@dataclass(frozen=True)
class Dossier:
    id: int
    dossier_code: str
    unit: str | None
    field: str | None
    procedure_code: str | None
    procedure: str | None
    applicant: str | None
    received_at: datetime | None
    status: str | None
    due_at: datetime | None
    resolved_at: datetime | None
    document_number: str | None
    in_registry: bool


@dataclass(frozen=True)
class Document:
    id: int
    source_file_id: int
    first_page: int
    last_page: int
    dossier_code: str | None
    ordinal: int | None
    version: int
    link_method: str | None
    pdf_key: str | None
    state: str
    mean_confidence: float | None
    error: str | None
    created: bool = False


@dataclass(frozen=True)
class PageInput:
    """What the OCR step hands over for one page of a document."""

    page_number: int
    source_page_index: int
    text: str
    mean_confidence: float | None = None
    flags: dict[str, Any] = field(default_factory=dict)
    blank: bool = False
    words_key: str | None = None
    image_key: str | None = None


@dataclass(frozen=True)
class Page:
    id: int
    document_id: int
    page_number: int
    source_page_index: int
    text: str
    mean_confidence: float | None
    flags: dict[str, Any]
    blank: bool
    words_key: str | None
    image_key: str | None
    index_state: str


@dataclass(frozen=True)
class PageForIndex:
    """One page with everything the search index stores about it."""

    page: Page
    document: Document
    original_name: str
    dossier: Dossier | None
    role: str | None = None
    doc_type: str | None = None
    fields: dict[str, str] = field(default_factory=dict)  # extracted metadata, name -> value


@dataclass(frozen=True)
class ReviewItem:
    id: int
    kind: str
    status: str
    reason: str
    path: str | None
    source_file_id: int | None
    document_id: int | None
    page_id: int | None
    created_at: datetime
    resolved_at: datetime | None
    resolved_by: str | None
    resolution: str | None


@dataclass(frozen=True)
class Event:
    id: int
    at: datetime
    actor: str
    action: str
    object_type: str
    object_id: str
    detail: dict[str, Any]


def batch_record(row: BatchRow, unit: str | None, resumed: bool = False) -> Batch:
    counts = BatchCounts(
        row.files_seen, row.files_new, row.files_duplicate, row.files_failed, row.documents, row.pages
    )
    return Batch(
        row.id, row.key, row.source, unit, row.status, row.started_at, row.finished_at, counts, resumed
    )


def source_file_record(row: SourceFileRow, created: bool = False) -> SourceFile:
    return SourceFile(
        row.id,
        row.sha256,
        row.object_key,
        row.original_name,
        row.size,
        row.format,
        row.page_count,
        row.batch_id,
        row.state,
        created,
    )


def dossier_record(row: DossierRow, unit: str | None) -> Dossier:
    return Dossier(
        row.id,
        row.dossier_code,
        unit,
        row.field,
        row.procedure_code,
        row.procedure,
        row.applicant,
        row.received_at,
        row.status,
        row.due_at,
        row.resolved_at,
        row.document_number,
        row.in_registry,
    )


def document_record(row: DocumentRow, dossier_code: str | None, created: bool = False) -> Document:
    return Document(
        row.id,
        row.source_file_id,
        row.first_page,
        row.last_page,
        dossier_code,
        row.ordinal,
        row.version,
        row.link_method,
        row.pdf_key,
        row.state,
        row.mean_confidence,
        row.error,
        created,
    )


def page_record(row: PageRow) -> Page:
    return Page(
        row.id,
        row.document_id,
        row.page_number,
        row.source_page_index,
        row.text,
        row.mean_confidence,
        dict(row.flags or {}),
        row.blank,
        row.words_key,
        row.image_key,
        row.index_state,
    )


def review_item_record(row: ReviewItemRow) -> ReviewItem:
    return ReviewItem(
        row.id,
        row.kind,
        row.status,
        row.reason,
        row.path,
        row.source_file_id,
        row.document_id,
        row.page_id,
        row.created_at,
        row.resolved_at,
        row.resolved_by,
        row.resolution,
    )


def event_record(row: EventRow) -> Event:
    return Event(
        row.id, row.at, row.actor, row.action, row.object_type, row.object_id, dict(row.detail or {})
    )
