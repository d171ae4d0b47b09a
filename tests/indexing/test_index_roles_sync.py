"""The search index follows a document's role, type and extracted metadata (issue 10): filled from the catalogue
at indexing, and re-indexed when they change after the pages were indexed (staff, registry, a re-run)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import event

from flows.document_roles import describe_document
from flows.index_sync import index_pending, issue_date, page_document
from indexing import SearchIndex, SearchQuery
from ocr.model import PageResult
from sohoa.compose import open_search_index
from storage.catalog import Catalog, open_catalog
from storage.catalog.roles import FieldValue
from tests.storage_catalog.helpers import digitize

CODE = "H21.65-250701-0001"
EXTRACT = (
    "UBND XÃ MỸ HIỆP\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\nSố: 12/TLKS\n"
    "TRÍCH LỤC KHAI SINH\nHọ, chữ đệm, tên: Nguyễn Văn An\nNgày sinh: 01/02/2020\nSố định danh cá nhân: 087123456789\n"
)


@pytest.fixture
def catalog(tmp_path: Path):  # noqa: ANN201
    with open_catalog(f"sqlite:///{tmp_path / 'c.db'}") as opened:
        yield opened


@pytest.fixture
def index(tmp_path: Path):  # noqa: ANN201
    opened = open_search_index("embedded", tmp_path)
    opened.ensure()
    yield opened
    opened.close()


def found(index: SearchIndex, **filters: object) -> list[str]:
    result = index.search(SearchQuery(text="", **filters))  # type: ignore[arg-type]
    return sorted(h.document_id for g in result.groups for h in [g.best, *g.other_pages])


def states(catalog: Catalog, document_id: int) -> list[str]:
    return [p.index_state for p in catalog.pages_of_document(document_id)]


def test_a_type_corrected_after_indexing_is_found_by_its_new_type(catalog: Catalog, index: SearchIndex) -> None:
    document = digitize(catalog, "a.pdf", CODE, (90.0, 88.0), index=False)
    catalog.set_document_role(document.id, "component", "don", 0.7)
    assert index_pending(catalog, index).indexed == 2
    assert found(index, doc_type="don") == [str(document.id)] * 2
    assert states(catalog, document.id) == ["indexed", "indexed"]

    catalog.set_document_role(document.id, "result", "giay_chung_nhan", None, source="staff", actor="can_bo")
    assert states(catalog, document.id) == ["pending", "pending"]  # the index is stale until re-indexed
    assert catalog.get_document(document.id).state == "indexed"  # still a digitized document
    assert catalog.has_pages_pending_index()
    assert index_pending(catalog, index).indexed == 2
    assert found(index, doc_type="don") == []
    assert found(index, doc_type="giay_chung_nhan", role="result") == [str(document.id)] * 2
    assert not catalog.has_pages_pending_index()


def test_only_changes_the_index_holds_make_pages_pending(catalog: Catalog, index: SearchIndex) -> None:
    document = digitize(catalog, "b.pdf", CODE)
    catalog.set_document_role(document.id, "result", "quyet_dinh", None, source="staff")
    catalog.mark_pages_indexed(p.id for p in catalog.pages_of_document(document.id))
    catalog.set_document_role(document.id, "component", "don", 0.9)  # an automatic guess: outranked
    catalog.set_document_role(document.id, "result", "quyet_dinh", None, source="staff")  # the same again
    catalog.set_document_fields(document.id, [FieldValue("subject", "Về việc cấp phép")])  # not indexed
    assert states(catalog, document.id) == ["indexed"]
    catalog.set_document_fields(document.id, [FieldValue("owner_id", "087123456789")])
    assert states(catalog, document.id) == ["pending"]
    index_pending(catalog, index)
    assert found(index, owner_id="0871 2345 6789") == [str(document.id)]
    catalog.set_document_fields(document.id, [FieldValue("owner_id", "087123456789")])  # unchanged
    assert states(catalog, document.id) == ["indexed"]
    assert catalog.mark_documents_pending_index([document.id]) == 1


def test_the_catalogue_fills_role_type_and_metadata_in_few_queries(catalog: Catalog) -> None:
    ids = []
    for n in range(5):
        document = digitize(catalog, f"c{n}.pdf", CODE, index=False)
        catalog.set_document_role(document.id, "result", "quyet_dinh", 0.9)
        catalog.set_document_fields(document.id, [
            FieldValue("agency", "ỦY BAN NHÂN DÂN XÃ MỸ HIỆP"), FieldValue("owner_id", "087.123.456.789"),
            FieldValue("issued_on", "2024-03-12"), FieldValue("signer", "Lê Văn Bình"),
            FieldValue("number_symbol", f"{n + 1}/QĐ-UBND"),
        ])
        ids.append(document.id)
    statements: list[str] = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731 - (conn, cursor, statement, ...)
    event.listen(catalog.engine, "before_cursor_execute", listener)
    try:
        rows = list(catalog.pages_pending_index(chunk_size=2))
    finally:
        event.remove(catalog.engine, "before_cursor_execute", listener)
    selects = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    assert len(rows) == 5 and len(selects) <= 2 * 3  # pages + fields per chunk of 2, not one per page
    doc = page_document(rows[0])
    assert (doc.role, doc.doc_type, doc.signer) == ("result", "quyet_dinh", "Lê Văn Bình")
    assert doc.issuer == "ỦY BAN NHÂN DÂN XÃ MỸ HIỆP" and doc.owner_id == "087123456789"
    assert doc.issued_on == date(2024, 3, 12) and "1/QĐ-UBND" in doc.document_numbers


def test_issue_dates_typed_by_staff_are_read_and_nonsense_is_no_date() -> None:
    assert issue_date("2024-03-12") == issue_date("12/03/2024") == issue_date("12.3.2024") == date(2024, 3, 12)
    assert issue_date("31/02/2024") is None and issue_date("hôm qua") is None and issue_date(None) is None


def test_a_fresh_ingest_indexes_with_the_role_the_classifier_gave(catalog: Catalog, index: SearchIndex) -> None:
    # ingest's order: recognised -> describe_document (role, fields) -> index_pending at the end of the run.
    document = digitize(catalog, "d.pdf", CODE, index=False)
    page = PageResult(index=0, dpi=300, rotation=0, skew=0.0, blank=False, mean_confidence=90.0, text=EXTRACT,
                      words=[], flags=[], width=2480, height=3508)  # fmt: skip
    role = describe_document(catalog, document.id, [page], CODE)
    assert role.role and role.doc_type
    index_pending(catalog, index)
    assert found(index, role=role.role, doc_type=role.doc_type, owner_id="087123456789") == [str(document.id)]
