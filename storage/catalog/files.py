"""Batches and source files: what came in, when, from where, and whether it was stored or quarantined."""

from __future__ import annotations

from sqlalchemy import select

from ocr.text import nfc
from storage.catalog.core import CatalogCore, add_event, get_or_insert, unit_code, unit_id
from storage.catalog.errors import NotFoundError
from storage.catalog.records import (
    Batch,
    BatchCounts,
    ReviewItem,
    SourceFile,
    batch_record,
    review_item_record,
    source_file_record,
)
from storage.catalog.review import open_item
from storage.catalog.schema import BATCH_STATUSES, SOURCE_FILE_STATES, BatchRow, SourceFileRow, utcnow


class FilesMixin(CatalogCore):
    # -- batches -------------------------------------------------------------------------------------

    def start_batch(self, key: str, source: str, unit: str | None = None) -> Batch:
        """Start the batch `key`, or resume it (`resumed=True`) when a crashed or repeated run used the key."""
        with self.transaction() as session:
            unit_ref = unit_id(session, unit) if unit else None
            row, created = get_or_insert(session, BatchRow, {"key": key}, source=source, unit_id=unit_ref)
            if not created and row.status != "running":
                row.status, row.finished_at = "running", None
            session.flush()
            return batch_record(row, unit_code(session, row.unit_id), resumed=not created)

    def finish_batch(self, batch_id: int, counts: BatchCounts, status: str = "finished") -> Batch:
        """Record the final counts (absolute, not added), so finishing twice gives the same row."""
        if status not in BATCH_STATUSES or status == "running":
            raise ValueError(f"a batch finishes as 'finished' or 'failed', not {status!r}")
        with self.transaction() as session:
            row = session.get(BatchRow, batch_id)
            if row is None:
                raise NotFoundError("batch", batch_id)
            row.status, row.finished_at = status, row.finished_at or utcnow()
            for name, value in vars(counts).items():
                setattr(row, name, value)
            return batch_record(row, unit_code(session, row.unit_id))

    def get_batch(self, batch_id: int) -> Batch:
        with self.transaction() as session:
            row = session.get(BatchRow, batch_id)
            if row is None:
                raise NotFoundError("batch", batch_id)
            return batch_record(row, unit_code(session, row.unit_id))

    # -- source files --------------------------------------------------------------------------------

    def find_source_file(self, sha256: str) -> SourceFile | None:
        with self.transaction() as session:
            row = session.scalars(
                select(SourceFileRow).where(SourceFileRow.sha256 == sha256.lower())
            ).one_or_none()
            return source_file_record(row) if row else None

    def get_source_file(self, source_file_id: int) -> SourceFile:
        with self.transaction() as session:
            row = session.get(SourceFileRow, source_file_id)
            if row is None:
                raise NotFoundError("source file", source_file_id)
            return source_file_record(row)

    def record_source_file(
        self,
        sha256: str,
        *,
        object_key: str | None,
        original_name: str,
        size: int,
        format: str,
        page_count: int | None = None,
        batch_id: int | None = None,
    ) -> SourceFile:
        """Record an incoming file by content hash; the same content again returns the first row (`created=False`).

        `object_key` may be None for a file that could not be stored; it is filled in by a later call.
        """
        if len(sha256) != 64:
            raise ValueError(f"{original_name}: sha256 must be 64 hex digits, got {sha256!r}")
        with self.transaction() as session:
            row, created = get_or_insert(
                session,
                SourceFileRow,
                {"sha256": sha256.lower()},
                object_key=object_key,
                original_name=nfc(original_name),
                size=size,
                format=format.lower(),
                page_count=page_count,
                batch_id=batch_id,
                state="stored",
            )
            if not created:
                row.object_key = row.object_key or object_key
                row.page_count = row.page_count if row.page_count is not None else page_count
            session.flush()
            return source_file_record(row, created)

    def set_source_file_state(self, source_file_id: int, state: str) -> SourceFile:
        if state not in SOURCE_FILE_STATES:
            raise ValueError(f"source file state must be one of {SOURCE_FILE_STATES}, not {state!r}")
        with self.transaction() as session:
            row = session.get(SourceFileRow, source_file_id)
            if row is None:
                raise NotFoundError("source file", source_file_id)
            row.state = state
            return source_file_record(row)

    def quarantine_file(
        self, path: str, reason: str, *, source_file_id: int | None = None, actor: str = "ingest"
    ) -> ReviewItem:
        """Put a file aside for a person with the reason; its source file row (if any) becomes 'quarantined'."""
        with self.transaction() as session:
            if source_file_id is not None:
                row = session.get(SourceFileRow, source_file_id)
                if row is None:
                    raise NotFoundError("source file", source_file_id)
                if row.state != "quarantined":
                    row.state = "quarantined"
                    add_event(session, actor, "file.quarantined", "source_file", row.id, {"reason": reason})
            item = open_item(
                session, "quarantined", reason, source_file_id=source_file_id, path=nfc(path), actor=actor
            )
            return review_item_record(item)
