"""The whole clean-up on a realistic bad scan: upright, straight, seal-free, readable; bad input refused."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from cleanup_pages import (
    BODY,
    add_dark_border,
    add_noise,
    add_punch_holes,
    add_seal,
    add_signature,
    cer,
    jpeg,
    read_text,
    render_page,
    rotate_by,
    yellow_and_shadow,
)

from ocr.cleanup import CleanupOptions, clean_page, rebinarize
from ocr.cleanup.orientation import rotate_quadrant
from ocr.model import PageImage


@pytest.fixture(scope="module")
def bad_scan() -> np.ndarray:
    """200 dpi, sealed and signed, yellowed with a binding shadow, skewed 4.5 deg, holed, bordered, upside down."""
    page = render_page(dpi=200)
    page = add_seal(page, (1100, 1950), 170)
    page = add_signature(page, (950, 1950), 200)
    page = yellow_and_shadow(page)
    page = rotate_by(page, 4.5)
    page, _ = add_punch_holes(page, 200)
    page = add_dark_border(page, (0, 0, 30, 0))
    return jpeg(add_noise(rotate_quadrant(page, 180), 6, seed=5), 60)


@pytest.fixture(scope="module")
def cleaned(bad_scan):
    return clean_page(PageImage(bad_scan, 200, 0), CleanupOptions(osd="never"))


def test_bad_scan_comes_out_upright_straight_and_flagged(cleaned):
    assert cleaned.dpi == 300
    assert cleaned.rotation == 180
    assert cleaned.skew == pytest.approx(4.5, abs=0.3)
    assert not cleaned.blank
    for flag in ("rotated", "deskewed", "seal-removed", "signature-removed", "border-cropped"):
        assert flag in cleaned.flags
    assert cleaned.display.shape[:2] == cleaned.binary.shape == cleaned.details["gray"].shape
    assert cleaned.binary.dtype == np.uint8 and set(np.unique(cleaned.binary)) <= {0, 255}
    assert cleaned.details["binarization"] in {"otsu", "sauvola"}


def test_scanner_border_of_a_skewed_scan_goes_although_deskewing_moves_it_off_the_edge():
    # A lid strip lies along the scan's edge; once the deskew rotation grows the canvas, a strip along part
    # of an edge no longer meets the canvas edge at all.
    page = rotate_by(render_page(dpi=200), 4.0)
    page[page.shape[0] // 4: page.shape[0] * 3 // 4, :30] = 20
    cleaned = clean_page(PageImage(page, 200, 0), CleanupOptions(osd="never"))
    assert "deskewed" in cleaned.flags
    areas = cv2.connectedComponentsWithStats(255 - cleaned.binary)[2][1:, cv2.CC_STAT_AREA]
    assert areas.max() < 5000  # the largest glyph; a strip left over would cover tens of thousands of pixels
    again = rebinarize(cleaned, "otsu")  # the retry binarization knows where the scan's edge went too
    assert cv2.connectedComponentsWithStats(255 - again)[2][1:, cv2.CC_STAT_AREA].max() < 5000


def test_only_a_page_upsampled_from_screen_resolution_gets_the_lifted_threshold():
    from ocr.cleanup.binarize import UPSAMPLED_LIFT

    for dpi, lift in ((96, UPSAMPLED_LIFT), (200, 0.0), (300, 0.0)):
        cleaned = clean_page(PageImage(render_page(dpi=dpi)[: dpi * 3], dpi, 0), CleanupOptions(osd="never"))
        assert cleaned.details["lift"] == lift, dpi
        if cleaned.details["binarization"] == "otsu":  # the retry's binarization keeps the page's threshold
            assert np.array_equal(rebinarize(cleaned, "otsu"), cleaned.binary), dpi


def test_rebinarize_gives_the_other_method_with_the_same_geometry(cleaned):
    other = "sauvola" if cleaned.details["binarization"] == "otsu" else "otsu"
    again = rebinarize(cleaned, other)
    assert again.shape == cleaned.binary.shape
    assert not np.array_equal(again, cleaned.binary)


@pytest.mark.slow
def test_cleaned_bad_scan_reads_well(cleaned):
    # The body lines the seal and signature do not cover, read from the upper half of the cleaned page.
    top = cleaned.binary[: cleaned.binary.shape[0] // 2]
    text = read_text(top, psm=4)
    for line in BODY[:3]:
        assert line in text or cer(line, _best_window(text, line)) <= 0.035


def _best_window(text: str, line: str) -> str:
    """The stretch of `text` most like `line` (same length, sliding by one character)."""
    n = len(line)
    windows = [text[i:i + n] for i in range(max(1, len(text) - n + 1))]
    return min(windows, key=lambda w: cer(line, w))


def test_600_dpi_page_is_brought_down_to_300():
    page = render_page(dpi=600, width_mm=105, height_mm=148)  # A6, to keep the test quick
    cleaned = clean_page(PageImage(page, 600, 0), CleanupOptions(osd="never"))
    assert cleaned.dpi == 300
    assert cleaned.binary.shape == (round(148 / 25.4 * 300), round(105 / 25.4 * 300))


def test_blank_sheet_is_flagged():
    sheet = np.full((1169, 827, 3), 240, np.uint8)
    cleaned = clean_page(PageImage(sheet, 100, 3), CleanupOptions(osd="never"))
    assert cleaned.blank and "blank" in cleaned.flags and cleaned.rotation == 0


@pytest.mark.parametrize("image, dpi, message", [
    (np.zeros((0, 0, 3), np.uint8), 300, "page 4: the image is empty"),
    (np.zeros((100, 100, 3), np.float32), 300, "page 4: expected 8-bit pixels"),
    (np.zeros((100, 100, 3), np.uint8), 10, "page 4: resolution 10 dpi"),
    (np.zeros((100, 100, 2), np.uint8), 300, "page 4: expected a gray or BGR image"),
])
def test_unusable_images_are_refused_with_the_page_and_reason(image, dpi, message):
    with pytest.raises(ValueError, match=message):
        clean_page(PageImage(image, dpi, 3))
