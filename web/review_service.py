"""Review queue on behalf of a user: the open items in their units, and the three actions, each audited."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from flows.index_sync import page_document
from sohoa.domain.codes import normalize_dossier_code
from storage.catalog import NotFoundError, ReviewItem
from storage.catalog.documents import LinkRefused
from web.access import NotVisible, User, document_unit, visible_dossier
from web.services import Services
from web.uploads import UploadBatch, UploadQueue


@dataclass(frozen=True)
class ReviewEntry:
    item: ReviewItem
    unit: str | None
    document_id: int | None
    page_number: int | None
    dossier_code: str | None


class ReviewError(ValueError):
    """A review action that cannot be done; the message key says why."""


class AlreadyResolved(ReviewError):
    """The item was resolved already (by someone else, or in another tab): acting on it again would re-link a
    document, re-ingest a file or audit a check that did not happen, so every action refuses it."""

    def __init__(self) -> None:
        super().__init__("review.already_resolved")


def _require_open(entry: ReviewEntry) -> None:
    if entry.item.status != "open":
        raise AlreadyResolved()


def _entry(services: Services, item: ReviewItem) -> ReviewEntry:
    catalog = services.catalog
    document_id, page_number, unit, code = item.document_id, None, None, None
    if item.page_id is not None and document_id is not None:
        page = next((p for p in catalog.pages_of_document(document_id) if p.id == item.page_id), None)
        page_number = page.page_number if page else None
    if document_id is not None:
        try:
            document = catalog.get_document(document_id)
            unit, code = document_unit(catalog, document), document.dossier_code
        except NotFoundError:
            pass
    elif item.source_file_id is not None:
        source = catalog.get_source_file(item.source_file_id)
        unit = catalog.get_batch(source.batch_id).unit if source.batch_id else None
    return ReviewEntry(item, unit, document_id, page_number, code)


def open_entries(services: Services, user: User) -> dict[str, list[ReviewEntry]]:
    """Open items by kind, only those in the user's units (admins: all, including items with no unit)."""
    grouped: dict[str, list[ReviewEntry]] = {"unlinked": [], "quarantined": [], "low_confidence": [], "blank": [], "unreadable": []}
    for item in services.catalog.review_items(status="open"):
        entry = _entry(services, item)
        if user.sees_unit(entry.unit):
            grouped.setdefault(item.kind, []).append(entry)
    return grouped


def visible_entry(services: Services, user: User, item_id: int, kind: str | tuple[str, ...]) -> ReviewEntry:
    kinds = (kind,) if isinstance(kind, str) else kind
    item = next((i for i in services.catalog.review_items(status=None) if i.id == item_id), None)
    if item is None or item.kind not in kinds:
        raise NotVisible()
    entry = _entry(services, item)
    if not user.sees_unit(entry.unit):
        raise NotVisible()
    return entry


def assign_dossier(services: Services, user: User, entry: ReviewEntry, raw_code: str) -> str:
    """Link an unlinked document to a dossier of the user's units, re-index its pages, close the item."""
    _require_open(entry)
    code = normalize_dossier_code(raw_code.strip()) or raw_code.strip()
    if not code or normalize_dossier_code(code) is None or entry.document_id is None:
        raise ReviewError("review.bad_code")
    catalog = services.catalog
    if catalog.get_dossier(code) is not None:
        visible_dossier(catalog, user, code)  # another unit's dossier is a 404, as everywhere
    try:
        # The scope is checked again inside the link's transaction: a dossier created or moved meanwhile.
        catalog.link_document(
            entry.document_id, code, "manual", unit=entry.unit, actor=user.name, units=user.allowed_units
        )
    except LinkRefused:
        raise NotVisible("other_unit") from None
    catalog.apply_stated_role(entry.document_id, actor=user.name)  # the role the registry stated, if any
    services.index.index_pages(page_document(row) for row in catalog.iter_pages_for_index(dossier_code=code))
    catalog.resolve_review_item(entry.item.id, user.name, f"linked to {code}")
    catalog.record_event(
        user.name,
        "review.assign",
        "dossier",
        code,
        {"document_id": entry.document_id, "review_item": entry.item.id},
    )
    return code


def retry_quarantined(
    services: Services, user: User, entry: ReviewEntry, uploads: UploadQueue
) -> UploadBatch:
    """Fetch the stored original (or the file at its path) into a new upload batch and ingest it again."""
    _require_open(entry)
    catalog = services.catalog
    batch = uploads.new_batch(user.name, entry.unit)
    scans = Path(batch.folder) / "scans"
    item = entry.item
    if item.source_file_id is not None:
        source = catalog.get_source_file(item.source_file_id)
        if not source.object_key:
            raise ReviewError("error.not_found")
        target = scans / (Path(source.original_name).name or "original")
        services.store.download(source.object_key, target)
        # A quarantined file counts as done for the ingest's dedup check; mark it stored to read it again.
        catalog.set_source_file_state(source.id, "stored")
    elif item.path and Path(item.path).is_file():
        target = scans / Path(item.path).name
        shutil.copyfile(item.path, target)
    else:
        raise ReviewError("error.not_found")
    batch.files.append(target.name)
    catalog.resolve_review_item(item.id, user.name, f"retried in upload {batch.id}")
    catalog.record_event(user.name, "review.retry", "review_item", item.id, {"upload": batch.id})
    uploads.submit(batch)
    return batch


# Review items about one page that a person closes by looking at the page.
PAGE_KINDS = ("low_confidence", "blank", "unreadable")


def mark_checked(services: Services, user: User, entry: ReviewEntry) -> None:
    _require_open(entry)
    services.catalog.resolve_review_item(entry.item.id, user.name, "checked")
    subject = ("dossier", entry.dossier_code) if entry.dossier_code else ("review_item", str(entry.item.id))
    services.catalog.record_event(
        user.name,
        "review.checked",
        subject[0],
        subject[1],
        {"review_item": entry.item.id, "page": entry.page_number},
    )
