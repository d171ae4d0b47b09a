"""Web uploads in the catalogue, so an upload answered 202 is never forgotten: saved when queued, updated as it
runs, listed at start-up to be resumed (or failed with a reason)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select

from storage.catalog.core import CatalogCore
from storage.catalog.schema import UPLOAD_STATUSES, UploadRow

UNFINISHED = ("queued", "running")


@dataclass(frozen=True)
class UploadRecord:
    id: str
    username: str
    unit: str | None
    folder: str
    files: list[str] = field(default_factory=list)
    manifest: str | None = None
    status: str = "queued"
    pages_planned: int = 0
    pages_done: int = 0
    files_done: int = 0
    errors: list[dict[str, str]] = field(default_factory=list)
    summary: dict[str, Any] | None = None
    message: str | None = None
    attempts: int = 0
    cancel_requested: bool = False
    created_at: datetime | None = None
    finished_at: datetime | None = None


_COLUMNS = tuple(UploadRecord.__dataclass_fields__)


def _record(row: UploadRow) -> UploadRecord:
    return UploadRecord(**{name: getattr(row, name) for name in _COLUMNS})


class UploadLedger:
    """The uploads table of one catalogue. Every call is its own transaction."""

    def __init__(self, catalog: CatalogCore) -> None:
        self.catalog = catalog

    def save(self, record: UploadRecord) -> None:
        """Insert or replace the upload's row (the web app holds the live state and writes it through)."""
        if record.status not in UPLOAD_STATUSES:
            raise ValueError(f"upload status {record.status!r}: not one of {UPLOAD_STATUSES}")
        values = {name: getattr(record, name) for name in _COLUMNS}
        values["files"] = list(record.files)
        values["errors"] = [dict(e) for e in record.errors]
        if values["created_at"] is None:
            values.pop("created_at")
        with self.catalog.transaction() as session:
            row = session.get(UploadRow, record.id)
            if row is None:
                session.add(UploadRow(**values))
            else:
                for name, value in values.items():
                    if name != "id":
                        setattr(row, name, value)

    def get(self, upload_id: str) -> UploadRecord | None:
        with self.catalog.transaction() as session:
            row = session.get(UploadRow, upload_id)
            return _record(row) if row else None

    def recent(self, username: str | None = None, limit: int = 20) -> list[UploadRecord]:
        """Newest first; one user's or everyone's."""
        query = select(UploadRow).order_by(UploadRow.created_at.desc(), UploadRow.id.desc()).limit(limit)
        if username is not None:
            query = query.where(UploadRow.username == username)
        with self.catalog.transaction() as session:
            return [_record(row) for row in session.scalars(query)]

    def unfinished(self) -> list[UploadRecord]:
        """Queued and running uploads, oldest first: what a restarted web app must resume."""
        query = select(UploadRow).where(UploadRow.status.in_(UNFINISHED)).order_by(UploadRow.created_at, UploadRow.id)
        with self.catalog.transaction() as session:
            return [_record(row) for row in session.scalars(query)]

    def request_cancel(self, upload_id: str) -> bool:
        """Ask a queued or running upload to stop; False when it has already ended."""
        with self.catalog.transaction() as session:
            row = session.get(UploadRow, upload_id)
            if row is None or row.status not in UNFINISHED:
                return False
            row.cancel_requested = True
            return True

    def cancel_requested(self, upload_id: str) -> bool:
        with self.catalog.transaction() as session:
            row = session.get(UploadRow, upload_id)
            return bool(row and row.cancel_requested)
