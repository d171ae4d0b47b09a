"""The ground truth says what is really printed: Tesseract reads a clean page's lines close to it."""

from __future__ import annotations

import shutil

import pytest

from benchmarks.metrics import score
from benchmarks.synth import generate_page
from ocr.tesseract import image_to_data

pytestmark = pytest.mark.slow


@pytest.mark.skipif(shutil.which("tesseract") is None, reason="Tesseract is not installed")
def test_clean_receipt_lines_read_back_nearly_exactly():
    page = generate_page("receipt", 2, 0)
    total = None
    # Read line by line from the recorded boxes, so reading order and the QR code do not enter the figure.
    for line in page.lines:
        x0, y0, x1, y1 = line.box
        crop = page.image[max(0, y0 - 12):y1 + 12, max(0, x0 - 12):x1 + 12]
        data = image_to_data(crop, lang="vie", psm=7, dpi=page.dpi)
        read = " ".join(w for w in data["text"] if w.strip())
        s = score(line.text, read)
        total = s if total is None else total + s
    assert total is not None
    assert total.cer < 0.03, f"CER {total.cer:.1%}: boxes or truth do not match the printed lines"
    assert total.accented_accuracy > 0.9
