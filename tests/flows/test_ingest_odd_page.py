"""One odd page does not cost a file in the ingest flow: the others are read, the odd one goes to review."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from benchmarks.synth import generate_page
from storage.catalog import open_catalog
from tests.flows.helpers import sohoa_json

pytestmark = pytest.mark.slow


def test_a_stack_with_an_unreadable_strip_keeps_its_other_pages(tmp_path: Path) -> None:
    scans = tmp_path / "scans"
    scans.mkdir()
    first, last = (Image.fromarray(generate_page("decision", seed=s, level=0).image[:, :, ::-1]) for s in (31, 32))
    strip = Image.fromarray(np.full((8, 400, 3), 255, np.uint8))  # 8 px high: no text line fits
    first.save(scans / "H21.65-220914-0011.1.tif", save_all=True, append_images=[strip, last], dpi=(300, 300))
    home = tmp_path / "home"
    summary = sohoa_json(home, "ingest", scans, "--settle", "0")
    assert summary["quarantined"] == 0 and summary["new"] == 1
    catalog = open_catalog(f"sqlite:///{home / 'catalog.sqlite3'}")
    try:
        [item] = catalog.review_items(kind="unreadable")
        assert "trang 2" in item.reason and "page 2" in item.reason
        [document] = catalog.documents_of_source_file(item.source_file_id)
        pages = catalog.pages_of_document(document.id)
        assert [p.source_page_index for p in pages] == [0, 2]
        assert all(p.text for p in pages)
    finally:
        catalog.close()
