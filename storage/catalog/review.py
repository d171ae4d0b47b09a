"""Review queue: items a person must look at (unlinked documents, quarantined files, low-confidence pages)."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from storage.catalog.core import CatalogCore, add_event, get_or_insert
from storage.catalog.errors import NotFoundError
from storage.catalog.records import ReviewItem, review_item_record
from storage.catalog.schema import REVIEW_KINDS, ReviewItemRow, utcnow


def review_key(
    kind: str, source_file_id: int | None, document_id: int | None, page_id: int | None, path: str | None
) -> str:
    """The identity of a problem: the same kind about the same thing is one item, however often reported."""
    return f"{kind}|f={source_file_id or ''}|d={document_id or ''}|p={page_id or ''}|{path or ''}"


def open_item(
    session: Session,
    kind: str,
    reason: str,
    *,
    source_file_id: int | None = None,
    document_id: int | None = None,
    page_id: int | None = None,
    path: str | None = None,
    actor: str = "sohoa",
) -> ReviewItemRow:
    if kind not in REVIEW_KINDS:
        raise ValueError(f"review kind must be one of {REVIEW_KINDS}, not {kind!r}")
    if source_file_id is None and document_id is None and page_id is None and not path:
        raise ValueError("a review item must refer to a file, document, page or path")
    key = review_key(kind, source_file_id, document_id, page_id, path)
    row, created = get_or_insert(
        session,
        ReviewItemRow,
        {"key": key},
        kind=kind,
        reason=reason,
        source_file_id=source_file_id,
        document_id=document_id,
        page_id=page_id,
        path=path,
        status="open",
    )
    if not created and row.status == "resolved":
        # The problem came back after someone resolved it: it needs a look again.
        row.status, row.reason, row.resolved_at, row.resolved_by, row.resolution = (
            "open",
            reason,
            None,
            None,
            None,
        )
        created = True
    if created:
        session.flush()
        add_event(session, actor, "review.opened", "review_item", row.id, {"kind": kind, "reason": reason})
    return row


class ReviewMixin(CatalogCore):
    def open_review_item(
        self,
        kind: str,
        reason: str,
        *,
        source_file_id: int | None = None,
        document_id: int | None = None,
        page_id: int | None = None,
        path: str | None = None,
        actor: str = "sohoa",
    ) -> ReviewItem:
        """Open (or return the already open) item of `kind` about a file, document, page or path."""
        with self.transaction() as session:
            row = open_item(
                session,
                kind,
                reason,
                source_file_id=source_file_id,
                document_id=document_id,
                page_id=page_id,
                path=path,
                actor=actor,
            )
            return review_item_record(row)

    def resolve_review_item(self, item_id: int, who: str, resolution: str | None = None) -> ReviewItem:
        """Close an item; resolving an already resolved item changes nothing."""
        with self.transaction() as session:
            row = session.get(ReviewItemRow, item_id)
            if row is None:
                raise NotFoundError("review item", item_id)
            if row.status == "open":
                row.status, row.resolved_at, row.resolved_by, row.resolution = (
                    "resolved",
                    utcnow(),
                    who,
                    resolution,
                )
                add_event(session, who, "review.resolved", "review_item", row.id, {"resolution": resolution})
            return review_item_record(row)

    def review_items(self, status: str | None = "open", kind: str | None = None) -> list[ReviewItem]:
        query = select(ReviewItemRow).order_by(ReviewItemRow.id)
        if status is not None:
            query = query.where(ReviewItemRow.status == status)
        if kind is not None:
            query = query.where(ReviewItemRow.kind == kind)
        with self.transaction() as session:
            return [review_item_record(row) for row in session.scalars(query)]

    def review_backlog(self) -> dict[str, int]:
        """Open items by kind; every kind is present, zero when none are open."""
        query = (
            select(ReviewItemRow.kind, func.count())
            .where(ReviewItemRow.status == "open")
            .group_by(ReviewItemRow.kind)
        )
        with self.transaction() as session:
            counts = {kind: count for kind, count in session.execute(query)}
        return {kind: counts.get(kind, 0) for kind in REVIEW_KINDS}
