"""Repository calls: each one repeated gives one row; versions for rescans; states need verified objects."""

from __future__ import annotations

import pytest

from storage.catalog import BatchCounts, Catalog, CatalogError, MissingObjectsError, PageInput
from tests.storage_catalog.helpers import digitize, recognize, sha, stored_document


def test_start_batch_twice_resumes_the_same_batch(catalog: Catalog) -> None:
    first = catalog.start_batch("run-1", "/scans/2024-05", unit="H21.65")
    again = catalog.start_batch("run-1", "/scans/2024-05", unit="H21.65")
    assert again.id == first.id and again.resumed and not first.resumed
    assert again.unit == "H21.65"


def test_finish_batch_twice_keeps_the_counts(catalog: Catalog) -> None:
    batch = catalog.start_batch("run-2", "/scans")
    counts = BatchCounts(files_seen=3, files_new=2, files_duplicate=1, documents=2, pages=7)
    done = catalog.finish_batch(batch.id, counts)
    again = catalog.finish_batch(batch.id, counts)
    assert again.counts == counts and again.status == "finished"
    assert again.finished_at == done.finished_at
    resumed = catalog.start_batch("run-2", "/scans")
    assert resumed.status == "running" and resumed.finished_at is None


def test_record_source_file_twice_gives_one_row(catalog: Catalog) -> None:
    first = catalog.record_source_file(
        sha("a"), object_key="originals/a", original_name="Hồ sơ.pdf", size=10, format="PDF"
    )
    again = catalog.record_source_file(
        sha("a"), object_key="originals/a", original_name="Hồ sơ.pdf", size=10, format="PDF"
    )
    assert first.created and not again.created and first.id == again.id
    found = catalog.find_source_file(sha("a"))
    assert found is not None and found.id == first.id and found.format == "pdf"
    assert catalog.find_source_file(sha("b")) is None


def test_source_file_name_is_stored_in_nfc(catalog: Catalog) -> None:
    decomposed = "Ho\u0302\u0300 so\u031b.pdf"  # "Hồ sơ.pdf" as macOS file systems spell it
    source = catalog.record_source_file(
        sha("n"), object_key="k", original_name=decomposed, size=1, format="pdf"
    )
    assert source.original_name == "Hồ sơ.pdf"


def test_record_document_twice_gives_one_row_and_refuses_a_different_range(catalog: Catalog) -> None:
    first = stored_document(catalog, "stack.pdf", pages=4)
    again = catalog.record_document(first.source_file_id, 1, 4)
    assert first.created and not again.created and again.id == first.id
    assert catalog.record_document(first.source_file_id, 5, 6).id != first.id
    with pytest.raises(CatalogError, match="already ends at page 4"):
        catalog.record_document(first.source_file_id, 1, 3)
    assert len(catalog.documents_of_source_file(first.source_file_id)) == 2


def test_link_creates_a_dossier_missing_from_the_registry(catalog: Catalog) -> None:
    document = stored_document(catalog, "a.pdf")
    linked = catalog.link_document(document.id, "H21.65-220914-0011", "filename", unit="H21.65")
    again = catalog.link_document(document.id, "H21.65-220914-0011", "filename", unit="H21.65")
    assert linked == again
    assert (linked.dossier_code, linked.ordinal, linked.version) == ("H21.65-220914-0011", 1, 1)
    dossier = catalog.get_dossier("H21.65-220914-0011")
    assert dossier is not None and not dossier.in_registry and dossier.unit == "H21.65"
    assert len([e for e in catalog.events("document", document.id) if e.action == "document.linked"]) == 1


def test_a_rescan_is_a_new_version_and_the_old_one_stays(catalog: Catalog) -> None:
    original = stored_document(catalog, "scan-monday.pdf")
    rescan = stored_document(catalog, "scan-tuesday.pdf")
    other = stored_document(catalog, "decision.pdf")
    catalog.link_document(original.id, "D-1", "qr")
    catalog.link_document(rescan.id, "D-1", "qr")
    catalog.link_document(rescan.id, "D-1", "qr")  # repeated after a crash: still version 2
    catalog.link_document(other.id, "D-1", "filename", ordinal=2)
    found = [(d.id, d.ordinal, d.version) for d in catalog.documents_of_dossier("D-1")]
    assert found == [(original.id, 1, 1), (rescan.id, 1, 2), (other.id, 2, 1)]


def test_relinking_to_another_dossier_takes_the_next_free_ordinal_there(catalog: Catalog) -> None:
    # A document moved by hand is another paper of that dossier, not a rescan of its document 1 (issue 9 item 9).
    first = stored_document(catalog, "one.pdf")
    second = stored_document(catalog, "two.pdf")
    catalog.link_document(first.id, "D-2", "qr")
    catalog.link_document(second.id, "D-WRONG", "text")
    moved = catalog.link_document(second.id, "D-2", "manual", actor="officer")
    assert (moved.dossier_code, moved.ordinal, moved.version, moved.link_method) == ("D-2", 2, 1, "manual")
    assert catalog.documents_of_dossier("D-WRONG") == []


def test_record_pages_twice_gives_one_row_per_page_and_keeps_index_state(catalog: Catalog) -> None:
    document = stored_document(catalog, "p.pdf", pages=2)
    pages = [PageInput(1, 0, "Trang một", 91.0), PageInput(2, 1, "", None, blank=True)]
    first = catalog.record_pages(document.id, pages)
    catalog.mark_pages_indexed([first[0].id])
    again = catalog.record_pages(document.id, pages)
    assert [p.id for p in again] == [p.id for p in first]
    assert [p.index_state for p in again] == ["indexed", "pending"]
    changed = catalog.record_pages(document.id, [PageInput(1, 0, "Trang một, sửa", 93.0)])
    assert changed[0].index_state == "pending"
    with pytest.raises(ValueError, match="pages 1..2, not page 3"):
        catalog.record_pages(document.id, [PageInput(3, 2, "x")])


def test_recognized_only_when_every_object_was_verified(catalog: Catalog) -> None:
    document = stored_document(catalog, "r.pdf", pages=1)
    with pytest.raises(CatalogError, match="0 of 1 pages recorded"):
        catalog.mark_document_recognized(document.id, pdf_key="derived/r.pdf", verified_keys=set())
    catalog.record_pages(document.id, [PageInput(1, 0, "Văn bản", 88.0, image_key="img/1", words_key="w/1")])
    with pytest.raises(MissingObjectsError) as missing:
        catalog.mark_document_recognized(
            document.id, pdf_key="derived/r.pdf", verified_keys={"derived/r.pdf", "img/1"}
        )
    assert set(missing.value.missing) == {f"originals/{sha('r.pdf')}", "w/1"}
    assert catalog.get_document(document.id).state == "stored"
    verified = {f"originals/{sha('r.pdf')}", "derived/r.pdf", "img/1", "w/1"}
    done = catalog.mark_document_recognized(document.id, pdf_key="derived/r.pdf", verified_keys=verified)
    again = catalog.mark_document_recognized(document.id, pdf_key="derived/r.pdf", verified_keys=verified)
    assert done.state == again.state == "recognized" and done.mean_confidence == 88.0


def test_indexed_only_when_all_pages_are_indexed(catalog: Catalog) -> None:
    document = stored_document(catalog, "i.pdf", pages=2)
    with pytest.raises(CatalogError, match="not recognized"):
        catalog.mark_document_indexed(document.id)
    recognize(catalog, document, [80.0, 70.0])
    with pytest.raises(CatalogError, match="2 page"):
        catalog.mark_document_indexed(document.id)
    pages = catalog.pages_of_document(document.id)
    assert catalog.mark_pages_indexed([pages[0].id]) == 1
    assert catalog.get_document(document.id).state == "recognized"
    assert catalog.mark_pages_indexed([p.id for p in pages]) == 1
    assert catalog.mark_pages_indexed([p.id for p in pages]) == 0
    assert catalog.get_document(document.id).state == "indexed"
    assert catalog.mark_document_indexed(document.id).state == "indexed"


def test_pending_pages_come_with_their_dossier_and_leave_once_indexed(catalog: Catalog) -> None:
    linked = digitize(catalog, "linked.pdf", "D-9", (90.0, 80.0), index=False)
    digitize(catalog, "loose.pdf", None, (70.0,), index=False)
    stored_document(catalog, "not-yet-recognized.pdf")
    pending = list(catalog.pages_pending_index(chunk_size=2))
    assert len(pending) == 3
    first = pending[0]
    assert (
        first.document.id == linked.id and first.dossier is not None and first.dossier.dossier_code == "D-9"
    )
    assert first.original_name == "linked.pdf" and first.page.text == "Nội dung 1"
    assert pending[2].dossier is None
    catalog.mark_pages_indexed([pending[0].page.id])
    assert len(list(catalog.pages_pending_index())) == 2
    assert len(list(catalog.iter_pages_for_index())) == 3
    assert [p.page.page_number for p in catalog.iter_pages_for_index(dossier_code="D-9")] == [1, 2]
    assert catalog.mark_all_pages_pending() == 1
    assert len(list(catalog.pages_pending_index())) == 3


def test_review_items_open_once_and_resolve_once(catalog: Catalog) -> None:
    document = stored_document(catalog, "u.pdf")
    item = catalog.open_review_item("unlinked", "no QR, no code in text", document_id=document.id)
    again = catalog.open_review_item("unlinked", "no QR, no code in text", document_id=document.id)
    assert item.id == again.id and len(catalog.review_items()) == 1
    resolved = catalog.resolve_review_item(item.id, "officer.lan", "linked by hand")
    twice = catalog.resolve_review_item(item.id, "someone.else")
    assert resolved.status == twice.status == "resolved" and twice.resolved_by == "officer.lan"
    assert catalog.review_items() == []
    assert len(catalog.review_items(status=None)) == 1
    reopened = catalog.open_review_item("unlinked", "still unlinked after rescan", document_id=document.id)
    assert reopened.id == item.id and reopened.status == "open"
    with pytest.raises(ValueError, match="review kind"):
        catalog.open_review_item("lost", "?", document_id=document.id)


def test_quarantine_twice_gives_one_item_and_names_the_reason(catalog: Catalog) -> None:
    source = catalog.record_source_file(
        sha("bad"), object_key="originals/bad", original_name="bad.pdf", size=5, format="pdf"
    )
    first = catalog.quarantine_file("/scans/bad.pdf", "corrupt: no %%EOF", source_file_id=source.id)
    again = catalog.quarantine_file("/scans/bad.pdf", "corrupt: no %%EOF", source_file_id=source.id)
    unhashed = catalog.quarantine_file("/scans/empty.pdf", "empty file")
    assert first.id == again.id != unhashed.id
    assert catalog.find_source_file(sha("bad")).state == "quarantined"
    assert catalog.review_backlog() == {"unlinked": 0, "quarantined": 2, "low_confidence": 0, "blank": 0, "unreadable": 0,
                                       "classification": 0}
    assert len([e for e in catalog.events("source_file") if e.action == "file.quarantined"]) == 1


def test_events_with_a_key_are_recorded_once(catalog: Catalog) -> None:
    catalog.record_event("ingest", "batch.started", "batch", 1, {"files": 3}, key="batch-1-started")
    catalog.record_event("ingest", "batch.started", "batch", 1, {"files": 3}, key="batch-1-started")
    catalog.record_event("web", "dossier.viewed", "dossier", "D-1")
    catalog.record_event("web", "dossier.viewed", "dossier", "D-1")
    assert len(catalog.events("batch", 1)) == 1
    assert len(catalog.events("dossier", "D-1")) == 2  # views without a key are each an event
    assert catalog.events("batch")[0].detail == {"files": 3}


def test_set_target_twice_gives_one_row(catalog: Catalog) -> None:
    catalog.set_target(0.9, unit="H21.65")
    catalog.set_target(0.9, unit="H21.65")
    catalog.set_target(0.8)
    assert catalog.targets() == {("H21.65", "", ""): 0.9, ("", "", ""): 0.8}
    assert catalog.target_for("H21.65") == 0.9 and catalog.target_for("OTHER") == 0.8
    with pytest.raises(ValueError, match="between 0 and 1"):
        catalog.set_target(86.9, unit="H21.65")
    with pytest.raises(ValueError, match="YYYY"):
        catalog.set_target(0.5, period="05/2024")
