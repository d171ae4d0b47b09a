"""Borders, punch holes and speckle go; text, diacritics and the dots of "i" stay."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from cleanup_pages import add_dark_border, add_punch_holes, add_speckle, render_lines, render_page

from ocr.cleanup.borders import remove_dark_border, remove_punch_holes, remove_speckle


def binary_of(bgr: np.ndarray) -> np.ndarray:
    """A fixed threshold, so the border's own pixels cannot shift it and change the text."""
    return np.where(cv2.cvtColor(bgr, cv2.COLOR_BGR2GRAY) < 128, 0, 255).astype(np.uint8)


@pytest.fixture(scope="module")
def page() -> np.ndarray:
    return render_page(dpi=150)


def test_dark_border_is_whitened_and_text_kept(page):
    truth = binary_of(page)
    bordered = binary_of(add_dark_border(page, (30, 0, 45, 25)))
    cleaned, found = remove_dark_border(bordered, 150)
    assert found
    assert np.array_equal(cleaned, truth)


def test_page_without_border_is_untouched(page):
    binary = binary_of(page)
    cleaned, found = remove_dark_border(binary, 150)
    assert not found and cleaned is binary


def test_punch_holes_are_removed_and_text_kept(page):
    truth = binary_of(page)
    holed, centres = add_punch_holes(page, 150)
    cleaned, count = remove_punch_holes(binary_of(holed), 150)
    assert count == 2
    assert np.array_equal(cleaned, truth)


def test_a_round_blob_in_the_body_is_not_a_punch_hole(page):
    marked = page.copy()
    cv2.circle(marked, (page.shape[1] // 2, page.shape[0] // 2), 18, (0, 0, 0), -1)  # a filled mark, mid-page
    _, count = remove_punch_holes(binary_of(marked), 150)
    assert count == 0


DIACRITICS = ["ỉ ị í ì ĩ ạ ặ ậ ệ ộ ợ ụ ự ỵ", "Việt Nam: tiếng, nghĩa, quyết, định, hiện, thửa, kỹ"]


@pytest.mark.parametrize("points", [9, 13])
def test_speckle_goes_but_diacritics_and_i_dots_stay(points):
    text = binary_of(render_lines(DIACRITICS, dpi=300, points=points))
    untouched, removed = remove_speckle(text, 300)
    assert removed == 0 and np.array_equal(untouched, text)
    dusty = binary_of(add_speckle(render_lines(DIACRITICS, dpi=300, points=points), 300, seed=4))
    cleaned, removed = remove_speckle(dusty, 300)
    assert removed >= 250
    # Dust that happened to land on a stroke merges with it; everything else must be gone.
    assert np.count_nonzero(cleaned != text) <= 0.01 * np.count_nonzero(text == 0)
