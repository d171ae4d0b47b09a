"""A page whose full reading finds far less than its own densest band is Tesseract's page layout failing, not
the page: it is read again as one block of text (`ocr.pipeline.LAYOUT_FAILED_BELOW`).

The synthetic level-3 phone photo of form seed 3 (a sheet lying on its side across a second sheet, a finger
over its edge, the sheet not found) read 154 confident letters in its band turned upright, but 15 in full:
before the block reading, 2% of its words were found (CER 96%).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.metrics import word_recall
from benchmarks.synth import generate_page, save_page
from ocr.load import load_page
from ocr.pipeline import OcrOptions, ocr_page


@pytest.mark.slow
def test_a_page_the_layout_analysis_loses_is_read_as_one_block(tmp_path: Path) -> None:
    page = generate_page("form", 3, 3, capture="photo")
    path = save_page(page, tmp_path / f"photo{page.suffix}")
    result, _ = ocr_page(load_page(path, 0), OcrOptions(read_qr=False))
    regions = [r["region"] for r in result.evidence["readings"]]
    assert "block" in regions
    assert not result.blank
    assert word_recall(page.text, result.text) > 0.15
