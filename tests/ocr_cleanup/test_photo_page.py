"""A phone photo of a page is flattened and cut from its table inside the clean-up; a scan is left whole."""

from __future__ import annotations

import cv2

from benchmarks.synth import generate_page
from ocr.cleanup import CleanupOptions, clean_page
from ocr.model import PageImage


def bgr(image):  # noqa: ANN001, ANN201
    if image.ndim == 2:
        return cv2.cvtColor(image, cv2.COLOR_GRAY2BGR)
    return cv2.cvtColor(image, cv2.COLOR_BGRA2BGR) if image.shape[2] == 4 else image


def test_a_photographed_page_is_flattened_and_its_scale_read_from_the_text():
    photo = generate_page("form", 0, 2, capture="photo")
    cleaned = clean_page(PageImage(bgr(photo.image), photo.dpi or 72, 0), CleanupOptions(osd="never"))
    assert "sheet-flattened" in cleaned.flags
    assert cleaned.details["scale"]["source"] == "text"
    h, w = cleaned.binary.shape
    assert 1.3 <= h / w <= 1.5  # an A4 page, not the 3:4 photo around it
    # The table is gone: the rim of the flattened page is paper, not wood.
    rim = cleaned.details["gray"][: h // 50]
    assert rim.mean() > 200


def test_a_scan_is_not_cut():
    scan = generate_page("decision", 0, 3)
    cleaned = clean_page(PageImage(bgr(scan.image), scan.dpi, 0), CleanupOptions(osd="never"))
    assert "sheet-flattened" not in cleaned.flags
