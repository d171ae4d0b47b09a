"""Binarization: Otsu and Sauvola give black text on white; 'auto' tells noisy from clean pages."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from cleanup_pages import add_noise, jpeg, render_page

from ocr.cleanup.binarize import binarize, choose_method, faint_ink_share, paper_noise


@pytest.fixture(scope="module")
def clean_gray() -> np.ndarray:
    return cv2.cvtColor(render_page(dpi=300)[:1200], cv2.COLOR_BGR2GRAY)


def noisy_200_dpi_scan() -> np.ndarray:
    """A 200-dpi JPEG scan brought up to 300 dpi, as the pipeline sees it."""
    page = jpeg(add_noise(render_page(dpi=200)[:800], 20, seed=2), 40)
    return cv2.resize(cv2.cvtColor(page, cv2.COLOR_BGR2GRAY), None, fx=1.5, fy=1.5, interpolation=cv2.INTER_CUBIC)


@pytest.mark.parametrize("method", ["otsu", "sauvola"])
def test_methods_give_black_text_on_white(clean_gray, method):
    binary, used = binarize(clean_gray, method, 300)
    assert used == method
    assert set(np.unique(binary)) == {0, 255}
    assert 0.01 < np.count_nonzero(binary == 0) / binary.size < 0.2
    truth = clean_gray < 128
    assert np.count_nonzero((binary == 0) ^ truth) <= 0.2 * np.count_nonzero(truth)


def faint_beside_bold() -> np.ndarray:
    """Top half printed heavy and black, bottom half with a nearly dry ribbon."""
    page = cv2.cvtColor(render_page(dpi=300)[:2000], cv2.COLOR_BGR2GRAY)
    half = page.shape[0] // 2
    page[:half] = cv2.erode(np.where(page[:half] < 128, 0, 255).astype(np.uint8), np.ones((3, 3), np.uint8))
    page[half:] = 255 - (255 - page[half:]) // 4
    return page


def test_auto_keeps_otsu_for_clean_and_noisy_scans(clean_gray):
    assert choose_method(clean_gray) == "otsu"
    # Noise alone does not call for Sauvola: it read worse than Otsu on such scans in our trials.
    assert paper_noise(noisy_200_dpi_scan()) > 3
    assert binarize(noisy_200_dpi_scan(), "auto")[1] == "otsu"


def test_auto_takes_sauvola_when_part_of_the_ink_is_too_faint_for_otsu():
    page = faint_beside_bold()
    assert faint_ink_share(page) > 0.3
    binary, used = binarize(page, "auto")
    assert used == "sauvola"


def test_unknown_method_is_named_in_the_error(clean_gray):
    with pytest.raises(ValueError, match="'niblack'"):
        binarize(clean_gray, "niblack")  # type: ignore[arg-type]


def test_sauvola_keeps_faint_text_that_otsu_loses_next_to_bold_black():
    page = faint_beside_bold()
    half = page.shape[0] // 2
    kept = {m: np.count_nonzero(binarize(page, m)[0][half:] == 0) for m in ("otsu", "sauvola")}
    assert kept["sauvola"] > 2 * kept["otsu"]
