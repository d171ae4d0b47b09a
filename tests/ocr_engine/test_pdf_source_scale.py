"""A low-resolution page is read upsampled but archived at its own pixel count, text layer in place."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pikepdf
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "ocr_cleanup"))
from cleanup_pages import render_page  # noqa: E402

from ocr.model import PageImage  # noqa: E402
from ocr.pipeline import ocr_page, pdf_page, write_page_pdf  # noqa: E402

pytestmark = pytest.mark.slow


def test_a_96_dpi_page_keeps_its_pixels_and_page_size_in_the_pdf(tmp_path: Path):
    screen = render_page(dpi=96)
    result, cleaned = ocr_page(PageImage(screen, 96, 0))
    assert cleaned.dpi == 300 and not result.blank
    page = pdf_page(result, cleaned)
    assert abs(page.image.shape[0] - screen.shape[0]) <= 0.03 * screen.shape[0]
    out = tmp_path / "page.pdf"
    write_page_pdf(result, cleaned, out)
    with pikepdf.open(out) as pdf:
        box = [float(v) for v in pdf.pages[0].mediabox]
    assert abs(box[3] - 297 / 25.4 * 72) < 0.03 * 842  # still an A4 page
    text = subprocess.run(["pdftotext", "-layout", str(out), "-"], capture_output=True, text=True, check=True).stdout
    assert "QUYẾT ĐỊNH" in text or "Quyết định" in text
