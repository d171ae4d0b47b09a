"""Catalogue tables as SQLAlchemy 2 ORM classes: units, dossiers, batches, source files, documents, pages,
review items, audit events and targets."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from sohoa.domain.states import DOCUMENT_STATES, INDEX_STATES

# Stable constraint names so Alembic migrations can refer to them on every backend.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

LINK_METHODS = ("qr", "filename", "text", "manual")
SOURCE_FILE_STATES = ("stored", "processed", "quarantined", "failed")
REVIEW_KINDS = ("unlinked", "quarantined", "low_confidence", "blank", "unreadable", "classification")
REVIEW_STATUSES = ("open", "resolved")
BATCH_STATUSES = ("running", "finished", "failed")
# Issue 10: units since 01/7/2025 are province or commune; districts are kept for old dossiers.
UNIT_TIERS = ("province", "commune", "district")
DOCUMENT_ROLES = ("receipt", "component", "result")
# Who set a document's role/type or a field: a later automatic run never overwrites 'registry' or 'staff'.
ROLE_SOURCES = ("auto", "registry", "staff")
REUSE_ORIGINS = ("catalogue", "portal")


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _one_of(column: str, values: tuple[str, ...]) -> str:
    quoted = ", ".join(f"'{value}'" for value in values)
    return f"{column} IN ({quoted})"


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    # Naive datetimes on every backend: registry dates are Vietnam local time as exported, audit times are UTC.
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: DateTime(), dict[str, Any]: JSON}


class UnitRow(Base):
    __tablename__ = "units"
    __table_args__ = (CheckConstraint(f"tier IS NULL OR {_one_of('tier', UNIT_TIERS)}", name="tier"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(128), unique=True)
    name: Mapped[str] = mapped_column(String(256))
    tier: Mapped[str | None] = mapped_column(String(16))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    # A merged unit points at the unit that absorbed it; its dossiers keep unit_id and follow the successor.
    successor_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    merged_on: Mapped[date | None] = mapped_column(Date)


class DossierRow(Base):
    __tablename__ = "dossiers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dossier_code: Mapped[str] = mapped_column(String(128), unique=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    field: Mapped[str | None] = mapped_column(String(256))
    procedure_code: Mapped[str | None] = mapped_column(String(64))
    procedure: Mapped[str | None] = mapped_column(Text)
    applicant: Mapped[str | None] = mapped_column(String(256))
    received_at: Mapped[datetime | None]
    status: Mapped[str | None] = mapped_column(String(128))
    due_at: Mapped[datetime | None]
    resolved_at: Mapped[datetime | None]
    document_number: Mapped[str | None] = mapped_column(String(128))
    # False for a dossier first seen on a scan and not (yet) in the one-stop registry export.
    in_registry: Mapped[bool] = mapped_column(Boolean, default=False)
    # The registry says the dossier reused data from the national portal (Cổng DVCQG); None: not stated.
    portal_reuse: Mapped[bool | None] = mapped_column(Boolean)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class BatchRow(Base):
    __tablename__ = "batches"
    __table_args__ = (CheckConstraint(_one_of("status", BATCH_STATUSES), name="status"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # Chosen by the caller (e.g. the flow run) so a crashed batch is resumed instead of started twice.
    key: Mapped[str] = mapped_column(String(256), unique=True)
    source: Mapped[str] = mapped_column(Text)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
    status: Mapped[str] = mapped_column(String(16), default="running")
    files_seen: Mapped[int] = mapped_column(Integer, default=0)
    files_new: Mapped[int] = mapped_column(Integer, default=0)
    files_duplicate: Mapped[int] = mapped_column(Integer, default=0)
    files_failed: Mapped[int] = mapped_column(Integer, default=0)
    documents: Mapped[int] = mapped_column(Integer, default=0)
    pages: Mapped[int] = mapped_column(Integer, default=0)


class SourceFileRow(Base):
    __tablename__ = "source_files"
    __table_args__ = (CheckConstraint(_one_of("state", SOURCE_FILE_STATES), name="state"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    object_key: Mapped[str | None] = mapped_column(String(512))
    original_name: Mapped[str] = mapped_column(Text)
    size: Mapped[int] = mapped_column(BigInteger)
    format: Mapped[str] = mapped_column(String(16))
    page_count: Mapped[int | None] = mapped_column(Integer)
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("batches.id"), index=True)
    state: Mapped[str] = mapped_column(String(16), default="stored")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class DocumentRow(Base):
    __tablename__ = "documents"
    __table_args__ = (
        UniqueConstraint("source_file_id", "first_page", name="uq_documents_source_file_first_page"),
        UniqueConstraint("dossier_id", "ordinal", "version", name="uq_documents_dossier_ordinal_version"),
        CheckConstraint(_one_of("state", DOCUMENT_STATES), name="state"),
        CheckConstraint(f"link_method IS NULL OR {_one_of('link_method', LINK_METHODS)}", name="link_method"),
        CheckConstraint("first_page >= 1 AND last_page >= first_page", name="page_range"),
        CheckConstraint(f"role IS NULL OR {_one_of('role', DOCUMENT_ROLES)}", name="role"),
        CheckConstraint(f"role_source IS NULL OR {_one_of('role_source', ROLE_SOURCES)}", name="role_source"),
        CheckConstraint(f"reuse_origin IS NULL OR {_one_of('reuse_origin', REUSE_ORIGINS)}", name="reuse_origin"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source_file_id: Mapped[int] = mapped_column(ForeignKey("source_files.id"), index=True)
    first_page: Mapped[int] = mapped_column(Integer)
    last_page: Mapped[int] = mapped_column(Integer)
    dossier_id: Mapped[int | None] = mapped_column(ForeignKey("dossiers.id"), index=True)
    ordinal: Mapped[int | None] = mapped_column(Integer)
    version: Mapped[int] = mapped_column(Integer, default=1)
    link_method: Mapped[str | None] = mapped_column(String(16))
    pdf_key: Mapped[str | None] = mapped_column(String(512))
    state: Mapped[str] = mapped_column(String(16), default="stored", index=True)
    mean_confidence: Mapped[float | None] = mapped_column(Float)
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    # Issue 10: role in the dossier, type, and the digitization-result code (kept when re-linked).
    role: Mapped[str | None] = mapped_column(String(16), index=True)
    doc_type: Mapped[str | None] = mapped_column(String(64))
    type_confidence: Mapped[float | None] = mapped_column(Float)
    role_source: Mapped[str | None] = mapped_column(String(16))
    digitization_code: Mapped[str | None] = mapped_column(String(256), index=True)
    # sha256 of the recognised text, folded: "the same content" for reuse detection.
    content_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    reused_from_document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id"))
    reuse_origin: Mapped[str | None] = mapped_column(String(16))
    # Who set (or cleared) the reuse: an automatic re-run never replaces what staff set (auto < registry < staff);
    # one of ROLE_SOURCES, checked by roles.mark_reused (no CHECK: see migration 0008).
    reuse_source: Mapped[str | None] = mapped_column(String(16))


class RegistryRoleRow(Base):
    """A document role stated by the one-stop system (`sohoa roles import`): the paper named `file_key`
    (original file name, case-folded) of dossier `dossier_code` is a receipt, component or result. Kept so a
    document ingested later gets the stated role too."""

    __tablename__ = "registry_roles"
    __table_args__ = (
        UniqueConstraint("dossier_code", "file_key", name="uq_registry_roles_dossier_file"),
        CheckConstraint(_one_of("role", DOCUMENT_ROLES), name="role"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dossier_code: Mapped[str] = mapped_column(String(128))
    file_key: Mapped[str] = mapped_column(String(512))
    file_name: Mapped[str] = mapped_column(Text)  # as the registry wrote it
    role: Mapped[str] = mapped_column(String(16))
    doc_type: Mapped[str | None] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class DocumentFieldRow(Base):
    """One extracted metadata field of a document (bóc tách dữ liệu) with its confidence and page region."""

    __tablename__ = "document_fields"
    __table_args__ = (
        UniqueConstraint("document_id", "name", name="uq_document_fields_document_name"),
        CheckConstraint(_one_of("source", ROLE_SOURCES), name="source"),
        Index("ix_document_fields_name_value", "name", "value"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(32))
    value: Mapped[str] = mapped_column(String(1024))
    confidence: Mapped[float | None] = mapped_column(Float)
    page_number: Mapped[int | None] = mapped_column(Integer)
    # The box [x0, y0, x1, y1] in pixels of the page image, when the extractor knows it.
    region: Mapped[list[int] | None] = mapped_column(JSON)
    source: Mapped[str] = mapped_column(String(16), default="auto")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class ProcedureRow(Base):
    """The procedure catalogue (danh mục TTHC): which procedures return a written result."""

    __tablename__ = "procedures"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    procedure_code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(Text)
    field: Mapped[str | None] = mapped_column(String(256))
    written_result: Mapped[bool] = mapped_column(Boolean, default=False)
    result_types: Mapped[list[str]] = mapped_column(JSON, default=list)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class PageRow(Base):
    __tablename__ = "pages"
    __table_args__ = (
        UniqueConstraint("document_id", "page_number", name="uq_pages_document_page_number"),
        CheckConstraint(_one_of("index_state", INDEX_STATES), name="index_state"),
        Index("ix_pages_index_state_id", "index_state", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), index=True)
    page_number: Mapped[int] = mapped_column(Integer)
    source_page_index: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text, default="")
    mean_confidence: Mapped[float | None] = mapped_column(Float)
    flags: Mapped[dict[str, Any]] = mapped_column(default=dict)
    blank: Mapped[bool] = mapped_column(Boolean, default=False)
    words_key: Mapped[str | None] = mapped_column(String(512))
    image_key: Mapped[str | None] = mapped_column(String(512))
    index_state: Mapped[str] = mapped_column(String(16), default="pending")


class ReviewItemRow(Base):
    __tablename__ = "review_items"
    __table_args__ = (
        CheckConstraint(_one_of("kind", REVIEW_KINDS), name="kind"),
        CheckConstraint(_one_of("status", REVIEW_STATUSES), name="status"),
        Index("ix_review_items_status_kind", "status", "kind"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # kind + what it refers to; the same problem reported twice is one item.
    key: Mapped[str] = mapped_column(String(1024), unique=True)
    kind: Mapped[str] = mapped_column(String(32))
    source_file_id: Mapped[int | None] = mapped_column(ForeignKey("source_files.id"))
    document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id"))
    page_id: Mapped[int | None] = mapped_column(ForeignKey("pages.id"))
    path: Mapped[str | None] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="open")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    resolved_at: Mapped[datetime | None]
    resolved_by: Mapped[str | None] = mapped_column(String(128))
    resolution: Mapped[str | None] = mapped_column(Text)


class EventRow(Base):
    __tablename__ = "events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(128))
    action: Mapped[str] = mapped_column(String(64))
    object_type: Mapped[str] = mapped_column(String(32))
    object_id: Mapped[str] = mapped_column(String(256))
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # Optional: an event recorded with a key is recorded once however often the step is repeated.
    key: Mapped[str | None] = mapped_column(String(512), unique=True)


class TargetRow(Base):
    __tablename__ = "targets"
    __table_args__ = (
        UniqueConstraint("unit_code", "field", "period", name="uq_targets_scope"),
        CheckConstraint("rate >= 0 AND rate <= 1", name="rate"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # '' means "any": ('', '', '') is the catalogue-wide default. Not NULL, so the unique scope holds.
    unit_code: Mapped[str] = mapped_column(String(128), default="")
    field: Mapped[str] = mapped_column(String(256), default="")
    period: Mapped[str] = mapped_column(String(7), default="")  # '', 'YYYY' or 'YYYY-MM'
    rate: Mapped[float] = mapped_column(Float)


# -- accounts of the web application (issue 5) --------------------------------------------------------

ROLES = ("archive_staff", "officer", "manager", "admin")


class UserRow(Base):
    __tablename__ = "users"
    __table_args__ = (CheckConstraint(_one_of("role", ROLES), name="role"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(256))
    role: Mapped[str] = mapped_column(String(32))
    # Unit codes the user may see; a list, since managers may oversee several units.
    units: Mapped[list[str]] = mapped_column(JSON, default=list)
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]


class SessionRow(Base):
    __tablename__ = "sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # Only a hash of the cookie's token is stored, so a copy of the database cannot be used to log in.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    ip: Mapped[str | None] = mapped_column(String(64))


class LoginAttemptRow(Base):
    __tablename__ = "login_attempts"
    __table_args__ = (
        Index("ix_login_attempts_username_at", "username", "at"),
        Index("ix_login_attempts_ip_at", "ip", "at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64))
    ip: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    success: Mapped[bool] = mapped_column(Boolean, default=False)


# -- web uploads (issue 9): queued and running uploads survive a restart of the web app ---------------------

UPLOAD_STATUSES = ("queued", "running", "finished", "failed", "cancelled")


class UploadRow(Base):
    __tablename__ = "uploads"
    __table_args__ = (
        CheckConstraint(_one_of("status", UPLOAD_STATUSES), name="status"),
        Index("ix_uploads_status_created_at", "status", "created_at"),
    )

    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # the batch id shown to the user
    username: Mapped[str] = mapped_column(String(64), index=True)
    unit: Mapped[str | None] = mapped_column(String(128))
    folder: Mapped[str] = mapped_column(Text)  # the uploaded copies, under SOHOA_HOME/uploads/<id>
    files: Mapped[list[str]] = mapped_column(JSON, default=list)
    manifest: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="queued")
    pages_planned: Mapped[int] = mapped_column(Integer, default=0)
    pages_done: Mapped[int] = mapped_column(Integer, default=0)
    files_done: Mapped[int] = mapped_column(Integer, default=0)
    errors: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list)
    summary: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    message: Mapped[str | None] = mapped_column(Text)
    # How often a run of this upload was started: a restart resumes it, a crash loop ends it as failed.
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    cancel_requested: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]


# -- digital signatures of documents (issue 11) -------------------------------------------------------

SIGNATURE_ROLES = ("officer", "agency")


class SignatureRow(Base):
    """One PAdES signature made by sohoa: who signed which document in which role, with which certificate,
    and the immutable signed PDF it produced (beside the unsigned one, which stays)."""

    __tablename__ = "signatures"
    __table_args__ = (
        # One signature per role and document: re-signing is refused, never a second row.
        UniqueConstraint("document_id", "role", name="uq_signatures_document_role"),
        CheckConstraint(_one_of("role", SIGNATURE_ROLES), name="role"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), index=True)
    role: Mapped[str] = mapped_column(String(16))
    signer_username: Mapped[str] = mapped_column(String(64))
    signer_name: Mapped[str] = mapped_column(String(256))  # the certificate's common name
    cert_subject: Mapped[str] = mapped_column(Text)
    cert_issuer: Mapped[str] = mapped_column(Text)
    cert_serial: Mapped[str] = mapped_column(String(128))
    cert_fingerprint: Mapped[str] = mapped_column(String(64))  # sha256 of the DER certificate
    signed_at: Mapped[datetime]
    timestamped: Mapped[bool] = mapped_column(Boolean, default=False)
    signed_key: Mapped[str] = mapped_column(String(512))  # the signed PDF object
    signed_sha256: Mapped[str] = mapped_column(String(64))
    input_key: Mapped[str] = mapped_column(String(512))  # what was signed: the searchable PDF or a signed one
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
