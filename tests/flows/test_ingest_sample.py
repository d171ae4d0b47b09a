"""The sample commune batch ingested on the embedded defaults: linked, catalogued, searchable, reported, once."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.synth import make_sample_batch
from storage.catalog import open_catalog
from sohoa.compose import open_object_store
from tests.flows.helpers import sohoa, sohoa_json

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def ingested(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("sample")
    batch = make_sample_batch(root, seed=3)
    home = root / "home"
    first = sohoa(home, "ingest", batch.scan_dir, "--manifest", batch.registry_path, "--settle", "0", "--json")
    assert first.returncode == 0, first.stderr
    return batch, home, first


def catalog_of(home: Path):
    return open_catalog(f"sqlite:///{home / 'catalog.sqlite3'}")


def test_every_document_is_linked_to_the_dossier_the_scan_belongs_to(ingested) -> None:
    batch, home, _ = ingested
    catalog = catalog_of(home)
    try:
        for sample_file in batch.files:
            source = catalog.find_source_file(_sha(sample_file.path))
            assert source is not None, sample_file.path.name
            documents = catalog.documents_of_source_file(source.id)
            linked_pages: list[str | None] = []
            for document in documents:
                linked_pages += [document.dossier_code] * (document.last_page - document.first_page + 1)
            assert linked_pages == sample_file.dossier_codes, sample_file.path.name
            assert all(d.state == "indexed" for d in documents)
        unlinked = catalog.review_items(kind="unlinked")
        expected_unlinked = sum(1 for f in batch.files if f.link == "none")
        assert len(unlinked) == expected_unlinked
    finally:
        catalog.close()


def test_originals_and_derived_artifacts_are_stored_under_content_keys(ingested) -> None:
    batch, home, _ = ingested
    store = open_object_store(f"file://{home / 'objects'}")
    originals = list(store.list("originals/"))
    assert len(originals) == len(batch.files)
    assert all(Path(key).stem == Path(key).stem.lower() and len(Path(key).stem) == 64 for key in originals)
    derived = list(store.list("derived/"))
    pages = sum(len(f.dossier_codes) for f in batch.files)
    assert sum(key.endswith(".jpg") for key in derived) == pages
    assert sum(key.endswith(".words.json") for key in derived) == pages
    assert sum(key.endswith(".pdf") for key in derived) >= len(batch.files)


def test_report_counts_registered_and_digitized_dossiers(ingested) -> None:
    batch, home, _ = ingested
    report = sohoa_json(home, "report", "--by", "unit")
    overall = report["overall"]
    assert overall["registered"] == len(batch.registered)
    assert overall["digitized"] == len(batch.scanned)
    assert overall["rate"] == pytest.approx(len(batch.scanned) / len(batch.registered))
    assert sum(row["registered"] for row in report["rows"]) == len(batch.registered)
    for row in report["rows"]:
        assert row["gap"] == pytest.approx(row["target"] - row["rate"])


def test_unaccented_search_finds_a_scanned_applicant(ingested) -> None:
    batch, home, _ = ingested
    page = next(p for f in batch.files if f.link == "file name" for p in f.pages if p.dossier_code)
    name_line = next(line for line in page.text.splitlines() if "Nguyễn" in line or "Trần" in line or "ông " in line)
    import unicodedata

    words = name_line.split()[:4]
    typed = "".join(
        c for c in unicodedata.normalize("NFD", " ".join(words).replace("đ", "d").replace("Đ", "D"))
        if not unicodedata.combining(c)
    ).lower()
    rows = sohoa_json(home, "search", typed, "--limit", "10")
    assert page.dossier_code in [row["dossier_code"] for row in rows]


def test_running_the_same_batch_again_stores_and_counts_nothing_twice(ingested) -> None:
    batch, home, _ = ingested
    catalog = catalog_of(home)
    try:
        documents_before = _documents(catalog, batch)
    finally:
        catalog.close()
    again = sohoa_json(home, "ingest", batch.scan_dir, "--settle", "0")
    assert again["duplicates"] == len(batch.files)
    assert again["new"] == 0 and again["pages"] == 0
    catalog = catalog_of(home)
    try:
        assert _documents(catalog, batch) == documents_before
    finally:
        catalog.close()


def _documents(catalog, batch) -> list[tuple[int, int, str | None, int]]:
    rows = []
    for sample_file in batch.files:
        source = catalog.find_source_file(_sha(sample_file.path))
        rows += [(d.id, d.first_page, d.dossier_code, d.version) for d in catalog.documents_of_source_file(source.id)]
    return rows


def _sha(path: Path) -> str:
    from storage.objects import file_sha256

    return file_sha256(path)
