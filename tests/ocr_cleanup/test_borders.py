"""Borders, punch holes and speckle go; text, diacritics and the dots of "i" stay."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from cleanup_pages import add_dark_border, add_punch_holes, add_speckle, render_lines, render_page

from ocr.cleanup.borders import (
    STAMP_MAX_ALIGNED, aligned_edge_share, components_of, remove_dark_border, remove_punch_holes, remove_speckle,
    stamp_components,
)


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


def _stamp_candidates(draw) -> list[tuple[int, int]]:
    """(width, height) in mm of the components stamp_components flags on a white 300-dpi canvas `draw` marks."""
    canvas = np.full((900, 1400), 255, np.uint8)
    draw(canvas)
    comps = components_of(canvas)
    mm = 300 / 25.4
    return [(round(comps.stats[i, 2] / mm), round(comps.stats[i, 3] / mm))
            for i in np.flatnonzero(stamp_components(comps, 300))]


def test_a_signature_across_a_seal_left_as_ink_is_a_stamp():
    # The faint synthetic decision (grayscale): its seal and signature are one 57 x 38 mm blob.
    def draw(canvas):
        cv2.circle(canvas, (500, 450), 200, 0, 12)
        t = np.linspace(0, 6 * np.pi, 400)
        points = np.stack([380 + 90 * t / np.pi + 40 * np.sin(3 * t), 430 + 110 * np.sin(t)], 1).astype(np.int32)
        cv2.polylines(canvas, [points], False, 0, 4)

    assert len(_stamp_candidates(draw)) == 1


def test_a_table_frame_a_qr_code_and_text_are_not_stamps(page):
    import segno

    def frame(canvas):  # 51 x 59 mm, 5% ink: as large and as empty as a stamp
        for x in (100, 300, 700):
            cv2.line(canvas, (x, 100), (x, 800), 0, 3)
        for y in range(100, 801, 70):
            cv2.line(canvas, (100, y), (700, y), 0, 3)

    assert _stamp_candidates(frame) == []
    # A QR code is fuller than a stamp; a piece of one (a faint receipt's, 35% ink) still has its edges on axes.
    code = np.array(segno.make("H40.23-230524-0268|1.004859|040069789772", error="m").matrix, np.uint8)
    modules = cv2.resize(code, None, fx=7, fy=7, interpolation=cv2.INTER_NEAREST)
    assert aligned_edge_share(modules) > STAMP_MAX_ALIGNED
    comps = components_of(binary_of(page))
    assert not stamp_components(comps, 150).any()


def test_the_letters_of_a_large_title_are_not_stamps():
    # OCRmyPDF's enormous.pdf: a title whose letters are 12 x 18 mm each, curved and mostly paper, like stamps.
    def title(canvas):
        cv2.putText(canvas, "BOCOSQ", (60, 500), cv2.FONT_HERSHEY_SIMPLEX, 7.0, 0, 18)

    assert _stamp_candidates(title) == []


def test_two_signatures_side_by_side_are_still_stamps():
    def signatures(canvas):
        t = np.linspace(0, 6 * np.pi, 300)
        for left in (80, 760):
            points = np.stack([left + 30 * t + 30 * np.sin(3 * t), 450 + 120 * np.sin(t)], 1).astype(np.int32)
            cv2.polylines(canvas, [points], False, 0, 4)

    assert len(_stamp_candidates(signatures)) == 2
