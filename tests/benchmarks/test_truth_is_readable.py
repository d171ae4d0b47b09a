"""The ground truth says what is really printed: Tesseract reads a clean page's lines close to it.

Tesseract with `vie` is a requirement of sohoa (deploy/install-system.sh), not an option: without it this test
fails with the missing-dependency error instead of skipping, so a machine without the tool cannot pass as green.
"""

from __future__ import annotations

import pytest

from benchmarks.metrics import score
from benchmarks.synth import generate_page
from ocr.tesseract import image_to_data

pytestmark = pytest.mark.slow


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
    assert total is not None and total.truth_chars > 500  # the whole receipt was compared, not one line
    assert total.cer < 0.03, f"CER {total.cer:.1%}: boxes or truth do not match the printed lines"
    assert total.accented_accuracy > 0.9
