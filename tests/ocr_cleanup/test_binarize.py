"""Binarization: Otsu, Sauvola and strokes give black text on white; 'auto' tells noisy from clean pages."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from cleanup_pages import add_noise, jpeg, render_page

from ocr.cleanup.binarize import UPSAMPLED_LIFT, binarize, choose_method, faint_ink_share, paper_noise, strokes


@pytest.fixture(scope="module")
def clean_gray() -> np.ndarray:
    return cv2.cvtColor(render_page(dpi=300)[:1200], cv2.COLOR_BGR2GRAY)


def noisy_200_dpi_scan() -> np.ndarray:
    """A 200-dpi JPEG scan brought up to 300 dpi, as the pipeline sees it."""
    page = jpeg(add_noise(render_page(dpi=200)[:800], 20, seed=2), 40)
    return cv2.resize(cv2.cvtColor(page, cv2.COLOR_BGR2GRAY), None, fx=1.5, fy=1.5, interpolation=cv2.INTER_CUBIC)


@pytest.mark.parametrize("method", ["otsu", "sauvola", "strokes"])
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


def faint_over_show_through() -> tuple[np.ndarray, np.ndarray]:
    """Print at a quarter of its toner over the blurred, mirrored text of the back page (at 19%), JPEG'd as a
    200-dpi q55 scan brought to 300 dpi (benchmarks.synth.capture.faint, level 3); and the print's own mask."""
    page = cv2.cvtColor(render_page(dpi=300)[:1200], cv2.COLOR_BGR2GRAY)
    back = cv2.GaussianBlur(cv2.flip(cv2.cvtColor(render_page(dpi=300)[600:1800], cv2.COLOR_BGR2GRAY), 1), (0, 0), 2.5)
    darkness = (255 - page.astype(np.float32)) * 0.26
    paper = 255 - darkness
    shown = paper * (1 - 0.19 * (255 - back.astype(np.float32)) / 255)
    shown = cv2.GaussianBlur(shown, (0, 0), 1.0)
    small = cv2.resize(np.clip(shown, 0, 255).astype(np.uint8), None, fx=2 / 3, fy=2 / 3, interpolation=cv2.INTER_AREA)
    scan = cv2.cvtColor(jpeg(add_noise(cv2.cvtColor(small, cv2.COLOR_GRAY2BGR), 6, seed=3), 55), cv2.COLOR_BGR2GRAY)
    gray = cv2.resize(scan, (page.shape[1], page.shape[0]), interpolation=cv2.INTER_CUBIC)
    return gray, page < 128


def test_strokes_keeps_faint_print_and_drops_the_back_page_better_than_a_global_threshold():
    gray, truth = faint_over_show_through()
    wrong = {m: np.count_nonzero((binarize(gray, m)[0] == 0) ^ truth) for m in ("otsu", "sauvola", "strokes")}
    assert wrong["strokes"] < 0.7 * min(wrong["otsu"], wrong["sauvola"])
    assert wrong["strokes"] < 0.6 * np.count_nonzero(truth)


def test_strokes_drops_the_specks_that_only_just_reach_its_threshold_and_keeps_the_print():
    """A q55 JPEG's ringing and the back page's specks read as commas and quotes between words (faint L3 pages
    at 6-19% CER); before the hysteresis 963 marks lay away from the print here, now under 50, and the print keeps
    the same share of its pixels."""
    gray, truth = faint_over_show_through()
    ink = (strokes(gray, 300) == 0).astype(np.uint8)
    near_print = cv2.dilate(truth.astype(np.uint8), np.ones((7, 7), np.uint8)) > 0
    count, labels = cv2.connectedComponents(ink, connectivity=8)
    touching = np.unique(labels[near_print])
    away = (count - 1) - np.count_nonzero(touching)
    assert away < 50
    assert np.count_nonzero(ink.astype(bool) & truth) > 0.9 * np.count_nonzero(truth)


def test_strokes_finds_no_ink_on_noisy_bare_paper():
    paper = cv2.cvtColor(jpeg(add_noise(np.full((600, 600, 3), 250, np.uint8), 6, seed=4), 55), cv2.COLOR_BGR2GRAY)
    assert np.count_nonzero(strokes(paper, 300) == 0) < 0.001 * paper.size


def test_strokes_fills_a_bold_stroke_wider_than_its_kernel():
    gray = np.full((200, 400), 250, np.uint8)
    cv2.putText(gray, "H", (20, 170), cv2.FONT_HERSHEY_SIMPLEX, 6, 120, 30)  # strokes ~30 px, kernel 9 px
    cv2.putText(gray, "i i", (220, 170), cv2.FONT_HERSHEY_SIMPLEX, 4, 120, 3)
    ink = strokes(gray, 300) == 0
    # The bold letter's middle (its rim may go to the blur) and the thin letters both stay ink.
    middle = cv2.erode((gray[:, :200] < 185).astype(np.uint8), np.ones((7, 7), np.uint8)) > 0
    assert np.count_nonzero(middle & ~ink[:, :200]) < 0.02 * np.count_nonzero(middle)
    thin = gray[:, 200:] < 185
    assert np.count_nonzero(thin & ink[:, 200:]) > 0.9 * np.count_nonzero(thin)


def blended_mark_page() -> tuple[np.ndarray, tuple[slice, slice]]:
    """Black strokes on white and, above them, a mark blended to mid gray (a dấu thinner than a source pixel,
    upsampled from screen resolution): the page and where the mark is."""
    page = np.full((400, 600), 255, np.uint8)
    for x in range(40, 560, 40):
        page[100:300, x:x + 12] = 0
    page = cv2.GaussianBlur(page, (0, 0), 1.5)  # anti-aliased edges, as a bicubic upsampling leaves them
    mark = (slice(60, 70), slice(300, 330))
    page[mark] = 145
    threshold, _ = cv2.threshold(page, 0, 255, cv2.THRESH_BINARY | cv2.THRESH_OTSU)
    # Lighter than Otsu's threshold, darker than the lifted one.
    assert threshold < 145 < threshold + UPSAMPLED_LIFT * (255 - threshold)
    return page, mark


def test_the_lifted_threshold_keeps_a_blended_mark_that_otsu_drops():
    page, mark = blended_mark_page()
    plain, _ = binarize(page, "otsu", 300)
    lifted, used = binarize(page, "auto", 300, UPSAMPLED_LIFT)
    assert used == "otsu"
    assert np.all(plain[mark] == 255)  # Otsu parts black from everything lighter: the mark is lost
    assert np.all(lifted[mark] == 0)
    assert np.array_equal(lifted[page == 255], plain[page == 255])  # the paper stays paper
    assert np.array_equal(binarize(page, "otsu", 300, UPSAMPLED_LIFT)[0], lifted)


def test_the_threshold_is_not_lifted_where_colour_ink_was_lifted_out():
    page, mark = blended_mark_page()
    unlifted = np.zeros(page.shape, bool)
    unlifted[mark] = True  # the light gray left where a seal's red was lifted
    binary, _ = binarize(page, "auto", 300, UPSAMPLED_LIFT, unlifted)
    assert np.all(binary[mark] == 255)
    assert np.array_equal(binary, binarize(page, "otsu", 300)[0])
