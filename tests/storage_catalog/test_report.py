"""Managers' report on a small hand-built catalogue; every expected figure is worked out by hand below.

Registry (6 dossiers):      unit  field     received    digitized (a document indexed)?
    A-1                     A     Hộ tịch   2024-01-10  yes (and a rescan, still one dossier)
    A-2                     A     Hộ tịch   2024-02-20  yes
    A-3                     A     Đất đai   2024-02-05  yes
    A-4                     A     Đất đai   2024-02-15  no: recognised but not yet indexed
    B-1                     B     Hộ tịch   2024-01-12  yes
    B-2                     B     Đất đai   2024-02-01  no: nothing scanned
X-9 is scanned and indexed but not in the registry: it counts nowhere in the rates.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from storage.catalog import Catalog
from storage.catalog.registry import import_registry
from storage.catalog.report import digitization_report
from tests.storage_catalog.helpers import digitize

REGISTRY = """dossier_code,unit,field,procedure_code,procedure,applicant,received_at,status
A-1,A,Hộ tịch,1.001193,Khai sinh,An,10/01/2024,Đã trả
A-2,A,Hộ tịch,1.001193,Khai sinh,Bình,20/02/2024,Đã trả
A-3,A,Đất đai,1.004227,Cấp GCN,Chi,05/02/2024,Đang xử lý
A-4,A,Đất đai,1.004227,Cấp GCN,Dũng,15/02/2024,Đang xử lý
B-1,B,Hộ tịch,1.001193,Khai sinh,Em,12/01/2024,Đã trả
B-2,B,Đất đai,1.004227,Cấp GCN,Giang,01/02/2024,Mới
"""


@pytest.fixture
def built(catalog: Catalog, tmp_path: Path) -> Catalog:
    path = tmp_path / "registry.csv"
    path.write_text(REGISTRY, encoding="utf-8")
    assert import_registry(catalog, path).errors == []
    batch_b = catalog.start_batch("b-run", "/scans/b", unit="B")
    digitize(catalog, "a1.pdf", "A-1", (90.0, 80.0))
    digitize(catalog, "a1-rescan.pdf", "A-1", (70.0,))
    digitize(catalog, "a2.pdf", "A-2", (60.0,))
    digitize(catalog, "a3.pdf", "A-3", (100.0,))
    a4 = digitize(catalog, "a4.pdf", "A-4", (50.0,), index=False)
    digitize(catalog, "b1.pdf", "B-1", (85.0,), batch_id=batch_b.id)
    digitize(catalog, "x9.pdf", "X-9", (75.0,))
    catalog.open_review_item("unlinked", "no code found", document_id=a4.id)
    catalog.open_review_item("low_confidence", "mean 50", page_id=catalog.pages_of_document(a4.id)[0].id)
    bad = catalog.record_source_file(
        "f" * 64, object_key="o/f", original_name="bad.tif", size=3, format="tif", batch_id=batch_b.id
    )
    catalog.quarantine_file("/scans/b/bad.tif", "corrupt TIFF", source_file_id=bad.id)
    catalog.set_target(0.9, unit="A")
    return catalog


def rows(report) -> dict:
    return {row.key: (row.registered, row.digitized, row.rate, row.target) for row in report.rows}


def test_overall_counts_only_registry_dossiers(built: Catalog) -> None:
    report = digitization_report(built)
    assert (report.overall.registered, report.overall.digitized) == (6, 4)
    assert report.overall.rate == pytest.approx(4 / 6)
    assert report.overall.target == 0.869  # built-in default
    assert report.rows == []


def test_by_unit(built: Catalog) -> None:
    report = digitization_report(built, by="unit")
    assert rows(report) == {"A": (4, 3, 0.75, 0.9), "B": (2, 1, 0.5, 0.869)}
    assert [row.gap for row in report.rows] == [pytest.approx(0.15), pytest.approx(0.369)]


def test_by_field_with_a_field_target(built: Catalog) -> None:
    built.set_target(0.95, field="Hộ tịch")
    assert rows(digitization_report(built, by="field")) == {
        "Hộ tịch": (3, 3, 1.0, 0.95),
        "Đất đai": (3, 1, pytest.approx(1 / 3), 0.869),
    }


def test_by_month_with_a_yearly_target(built: Catalog) -> None:
    built.set_target(0.5, period="2024")
    report = digitization_report(built, by="month")
    assert rows(report) == {"2024-01": (2, 2, 1.0, 0.5), "2024-02": (4, 2, 0.5, 0.5)}
    assert [row.gap for row in report.rows] == [-0.5, 0.0]


def test_scoped_to_one_unit(built: Catalog) -> None:
    report = digitization_report(built, by="field", units=["A"])
    assert (report.overall.registered, report.overall.digitized, report.overall.rate) == (4, 3, 0.75)
    assert report.overall.target == 0.9
    assert rows(report) == {"Hộ tịch": (2, 2, 1.0, 0.9), "Đất đai": (2, 1, 0.5, 0.9)}
    assert report.pages_processed == 6  # A's documents: 2 + 1 + 1 + 1 + 1 pages
    assert report.mean_confidence == pytest.approx((90 + 80 + 70 + 60 + 100 + 50) / 6)
    assert report.review_backlog == {"unlinked": 1, "quarantined": 0, "low_confidence": 1, "blank": 0, "unreadable": 0, "classification": 0}
    assert report.quarantined_files == 0

    other = digitization_report(built, by="unit", units=["B"])
    assert rows(other) == {"B": (2, 1, 0.5, 0.869)}
    assert other.review_backlog == {"unlinked": 0, "quarantined": 1, "low_confidence": 0, "blank": 0, "unreadable": 0, "classification": 0}
    assert other.quarantined_files == 1


def test_unscoped_page_and_review_figures(built: Catalog) -> None:
    report = digitization_report(built)
    assert report.pages_processed == 8
    assert report.mean_confidence == pytest.approx(610 / 8)
    assert report.review_backlog == {"unlinked": 1, "quarantined": 1, "low_confidence": 1, "blank": 0, "unreadable": 0, "classification": 0}
    assert report.quarantined_files == 1


def test_to_json_shape(built: Catalog) -> None:
    data = json.loads(json.dumps(digitization_report(built, by="unit").to_json()))
    assert set(data["overall"]) == {"registered", "digitized", "rate", "target"}
    assert all(
        set(row) == {"key", "registered", "digitized", "rate", "target", "gap"} for row in data["rows"]
    )
    assert data["rows"][0] == {
        "key": "A",
        "registered": 4,
        "digitized": 3,
        "rate": 0.75,
        "target": 0.9,
        "gap": pytest.approx(0.15),
    }


def test_empty_catalogue_has_no_rate(catalog: Catalog) -> None:
    report = digitization_report(catalog, by="unit")
    assert (report.overall.registered, report.overall.rate, report.rows) == (0, None, [])
    with pytest.raises(ValueError, match="report by"):
        digitization_report(catalog, by="year")  # type: ignore[arg-type]
