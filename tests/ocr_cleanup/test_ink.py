"""Seal and signature ink: red and blue vanish, the black text printed under them stays readable."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from cleanup_pages import add_seal, add_signature, cer, jpeg, read_text, render_lines, render_page, yellow_and_shadow

from ocr.cleanup.binarize import otsu
from ocr.cleanup.illumination import flatten_illumination
from ocr.cleanup.ink import colour_free_gray, colour_ink_mask, colour_ink_masks, every_other_pixel, find_colour_ink

LINES = ["Ông Nguyễn Văn Hùng, thửa đất số 123, tờ bản đồ số 45", "Độc lập - Tự do - Hạnh phúc"]


@pytest.fixture(scope="module")
def text_strip() -> np.ndarray:
    return render_lines(LINES, dpi=300)


@pytest.fixture(scope="module")
def sealed(text_strip) -> np.ndarray:
    h, w = text_strip.shape[:2]
    return add_seal(text_strip, (w // 2, h // 2), int(h * 0.55))


def test_red_disk_vanishes_and_black_strokes_survive(text_strip, sealed):
    text_ink = cv2.cvtColor(text_strip, cv2.COLOR_BGR2GRAY) < 100
    seal_only = (cv2.cvtColor(sealed, cv2.COLOR_BGR2GRAY) < 200) & ~cv2.dilate(
        text_ink.astype(np.uint8), np.ones((5, 5), np.uint8)).astype(bool)
    binary = otsu(colour_free_gray(sealed))
    assert np.count_nonzero(seal_only) > 2000  # the seal really covers a lot of the strip
    assert np.count_nonzero(binary[seal_only] == 0) <= 0.01 * np.count_nonzero(seal_only)
    assert np.count_nonzero(binary[text_ink] == 0) >= 0.97 * np.count_nonzero(text_ink)


def test_blue_signature_vanishes(text_strip):
    h, w = text_strip.shape[:2]
    signed = add_signature(text_strip, (w // 3, h // 2), h)
    signature = (cv2.cvtColor(signed, cv2.COLOR_BGR2GRAY) < 200) & (
        cv2.cvtColor(text_strip, cv2.COLOR_BGR2GRAY) > 250)
    binary = otsu(colour_free_gray(signed))
    assert np.count_nonzero(binary[signature] == 0) <= 0.02 * np.count_nonzero(signature)


def test_ink_is_found_and_measured(text_strip, sealed):
    assert not find_colour_ink(text_strip, 300).red_found
    found = find_colour_ink(sealed, 300)
    assert found.red_found and not found.blue_found and found.red_fraction > 0.02


@pytest.mark.slow
def test_tesseract_reads_the_words_under_the_seal(sealed):
    plain = cv2.cvtColor(sealed, cv2.COLOR_BGR2GRAY)
    cleaned = otsu(colour_free_gray(sealed))
    reference = " ".join(LINES)
    assert cer(reference, read_text(cleaned)) <= 0.03
    # Without the clean-up the seal costs characters: the test would catch a no-op.
    assert cer(reference, read_text(plain)) > cer(reference, read_text(cleaned))


def _scanned_at_200_dpi(image: np.ndarray) -> np.ndarray:
    """Yellowed, blurred, 200 dpi JPEG q45 and back to 300 dpi: colour survives only at half resolution."""
    h, w = image.shape[:2]
    aged = cv2.GaussianBlur(yellow_and_shadow(image, "right"), (0, 0), 1.0)
    small = jpeg(cv2.resize(aged, (w * 2 // 3, h * 2 // 3), interpolation=cv2.INTER_AREA), 45)
    return cv2.resize(small, (w, h), interpolation=cv2.INTER_CUBIC)


def test_navy_signature_rim_goes_on_a_yellowed_jpeg_scan(text_strip):
    h, w = text_strip.shape[:2]
    signed = _scanned_at_200_dpi(add_signature(text_strip, (w // 3, h // 2), h, bgr=(168, 52, 28)))
    plain = _scanned_at_200_dpi(text_strip)
    strokes = _scanned_at_200_dpi(add_signature(np.full_like(text_strip, 255), (w // 3, h // 2), h, bgr=(168, 52, 28)))
    text_ink = cv2.dilate((cv2.cvtColor(text_strip, cv2.COLOR_BGR2GRAY) < 200).astype(np.uint8), np.ones((7, 7), np.uint8))
    signature = (cv2.cvtColor(strokes, cv2.COLOR_BGR2GRAY) < 200) & ~text_ink.astype(bool)
    gray = flatten_illumination(colour_free_gray(signed), 300)
    lifted_only = otsu(gray)
    gray[colour_ink_mask(signed, 300)] = 255
    binary = otsu(gray)
    assert np.count_nonzero(signature) > 1000
    # The lift alone leaves the strokes' rims black; the mask takes them out.
    assert np.count_nonzero(lifted_only[signature] == 0) > 0.05 * np.count_nonzero(signature)
    assert np.count_nonzero(binary[signature] == 0) <= 0.02 * np.count_nonzero(signature)
    # The text away from the strokes is untouched, and the mask spares most of the text they cross.
    text = otsu(flatten_illumination(colour_free_gray(plain), 300)) == 0
    near = cv2.dilate((cv2.cvtColor(strokes, cv2.COLOR_BGR2GRAY) < 240).astype(np.uint8),
                      np.ones((25, 25), np.uint8)).astype(bool)
    assert np.count_nonzero((binary == 0) & text & ~near) >= 0.995 * np.count_nonzero(text & ~near)
    assert np.count_nonzero((binary == 0) & text & near) >= 0.6 * np.count_nonzero(text & near)


def test_black_toner_under_a_seal_is_not_masked(text_strip, sealed):
    mask = colour_ink_mask(sealed, 300)
    text_core = cv2.erode((cv2.cvtColor(text_strip, cv2.COLOR_BGR2GRAY) < 60).astype(np.uint8),
                          np.ones((3, 3), np.uint8)).astype(bool)
    seal = (cv2.cvtColor(sealed, cv2.COLOR_BGR2GRAY) < 200) & ~text_core
    assert np.count_nonzero(mask & seal) >= 0.9 * np.count_nonzero(seal & ~cv2.dilate(
        text_core.astype(np.uint8), np.ones((9, 9), np.uint8)).astype(bool))
    assert np.count_nonzero(mask & text_core) <= 0.01 * np.count_nonzero(text_core)


@pytest.mark.parametrize("shape", [(351, 248, 3), (350, 249, 3), (9, 7), (1, 5, 3)])
def test_every_other_pixel_is_the_strided_sample(shape):
    image = np.random.default_rng(5).integers(0, 256, shape, dtype=np.uint8)
    h, w = shape[:2]
    expected = image[::2, ::2] if min(h, w) < 2 else image[: h - h % 2: 2, : w - w % 2: 2]
    assert np.array_equal(every_other_pixel(image), expected)


def test_mask_finds_thin_strokes_far_apart_on_a_page():
    page = np.full((1200, 900, 3), 235, np.uint8)
    cv2.line(page, (60, 80), (260, 110), (40, 40, 200), 2)  # thin red stroke near the top left
    cv2.line(page, (600, 1100), (850, 1050), (170, 60, 30), 2)  # thin blue stroke near the bottom right
    cv2.putText(page, "Ho va ten", (300, 600), cv2.FONT_HERSHEY_SIMPLEX, 1.5, (20, 20, 20), 3)
    mask = colour_ink_mask(page, 300)
    red = np.zeros(page.shape[:2], np.uint8)
    cv2.line(red, (60, 80), (260, 110), 1, 2)
    blue = np.zeros(page.shape[:2], np.uint8)
    cv2.line(blue, (600, 1100), (850, 1050), 1, 2)
    assert mask[red.astype(bool)].all() and mask[blue.astype(bool)].all()
    assert not mask[560:620, 300:700].any()  # black text keeps its pixels


def test_a_page_printed_in_colour_keeps_its_text():
    # Navy toner or red print is the text itself: masking it as a seal or a signature emptied such pages.
    from ocr.cleanup import CleanupOptions, clean_page
    from ocr.model import PageImage

    page = render_page(dpi=300)
    black = clean_page(PageImage(page, 300, 0), CleanupOptions(osd="never"))
    text = page[:, :, 0] < 128
    for bgr in [(110, 40, 20), (30, 30, 170)]:
        coloured = page.copy()
        coloured[text] = bgr
        cleaned = clean_page(PageImage(coloured, 300, 0), CleanupOptions(osd="never"))
        assert "colour-print-kept" in cleaned.flags and not cleaned.blank
        ink, black_ink = np.count_nonzero(cleaned.binary == 0), np.count_nonzero(black.binary == 0)
        assert 0.8 * black_ink <= ink <= 1.25 * black_ink


def test_a_seal_beside_black_print_is_still_removed():
    page = add_seal(render_page(dpi=300), (1700, 3000), 250)
    assert not find_colour_ink(page, 300).is_print


def _red_letters(page: np.ndarray, centre: tuple[int, int]) -> np.ndarray:
    """Short red strokes (2.5 mm letters at 300 dpi) around `centre`; returns where they were drawn."""
    drawn = np.zeros(page.shape[:2], np.uint8)
    for target, colour in ((page, (60, 60, 215)), (drawn, 1)):
        cv2.putText(target, "BENH VIEN", (centre[0] - 95, centre[1] - 10), cv2.FONT_HERSHEY_SIMPLEX, 0.8, colour, 3)
        cv2.putText(target, "DA KHOA", (centre[0] - 75, centre[1] + 35), cv2.FONT_HERSHEY_SIMPLEX, 0.8, colour, 3)
    return drawn.astype(bool)


def test_a_seals_own_letters_far_from_its_ring_are_seal_ink_but_letters_inside_a_box_are_not():
    # A 96-dpi hospital công văn (benchmarks/real/pages/cv_hospital_seal_96dpi.png): the seal's name in its centre
    # lies more than 2 mm from the ring, each letter shorter than a stroke worth masking; it stayed on the page
    # and was read as "IHV ĐA KHÓA TNH" beside the signer.
    page = np.full((900, 1400, 3), 250, np.uint8)
    cv2.circle(page, (350, 450), 240, (60, 60, 215), 8)  # a 41 mm ring at 300 dpi
    in_seal = _red_letters(page, (350, 450))
    cv2.rectangle(page, (800, 210), (1280, 690), (60, 60, 215), 8)  # a drawn box of the same size
    in_box = _red_letters(page, (1040, 450))
    mask = colour_ink_mask(page, 300)
    assert mask[in_seal].mean() >= 0.95
    # Inside a box, short red marks are what a screenshot's black letters carry as fringes: not seal ink.
    assert mask[in_box].mean() <= 0.05


def _screen_letters_over_squiggle(ring_piece: bool = False) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """A 144-dpi screen capture brought to 300 dpi: black stems with subpixel fringes (red left, blue right), a
    red spell-check squiggle under them, and optionally a thick red seal ring's stroke cut by two text lines into
    long pieces and a short one between them. Returns the page and the stems', the squiggle's and the short ring
    piece's pixels (at 300 dpi)."""
    page = np.full((90, 800, 3), 255, np.uint8)
    stems = np.zeros(page.shape[:2], np.uint8)
    for x in range(20, 740, 12):  # 60 letters: subpixel rendering fringes every letter of a text
        page[30:52, x:x + 3] = 0
        page[30:52, x - 1] = (40, 40, 190)
        page[30:52, x + 3] = (190, 60, 40)
        stems[30:52, x:x + 3] = 1
    squiggle = np.zeros_like(stems)
    points = np.array([[x, 55 + (x // 3) % 2 * 2] for x in range(18, 745, 3)], np.int32)
    cv2.polylines(squiggle, [points], False, 1, 1)
    page[squiggle.astype(bool)] = (30, 30, 220)
    ring = np.zeros_like(stems)
    if ring_piece:
        page[5:85, 760:766] = (40, 40, 210)
        page[36:40, 752:790] = 0  # two lines of text crossing the ring
        page[48:52, 752:790] = 0
        ring[40:48, 760:766] = 1
    size = (round(page.shape[1] * 300 / 144), round(page.shape[0] * 300 / 144))
    up = lambda a, how: cv2.resize(a, size, interpolation=how)  # noqa: E731
    return (up(page, cv2.INTER_CUBIC), up(stems, cv2.INTER_NEAREST).astype(bool),
            up(squiggle, cv2.INTER_NEAREST).astype(bool), up(ring, cv2.INTER_NEAREST).astype(bool))


def test_letter_fringes_beside_a_squiggle_are_not_masked_on_a_screen_capture():
    # The two-table Word screenshot (benchmarks/real): the mask took the letters' fringes near the squiggles
    # with their rim, and the lift around them the rest, leaving thin cores (46% of its words read).
    page, stems, squiggle, _ = _screen_letters_over_squiggle()
    letters = cv2.dilate(stems.view(np.uint8), np.ones((9, 9), np.uint8)).view(bool) & ~squiggle
    as_scan, _ = colour_ink_masks(page, 300)
    mask, fringes = colour_ink_masks(page, 300, source_px=300 / 144)
    assert (as_scan & letters).sum() > 0.3 * stems.sum()  # what the scan rule does to these letters
    assert (mask & letters).sum() < 0.05 * stems.sum()
    assert fringes.any() and not (fringes & squiggle).sum() > 0.1 * squiggle.sum()
    assert (mask & squiggle).sum() >= 0.9 * squiggle.sum()


def test_a_few_fringe_like_pieces_are_not_a_screen_rendering():
    # Where a signature crosses a seal, a few thin red and blue pieces touch their dark crossing: seal ink.
    page, _, _, _ = _screen_letters_over_squiggle()
    few = page[:, :200]  # 8 letters, 16 fringes
    mask, fringes = colour_ink_masks(few, 300, source_px=300 / 144)
    assert not fringes.any()
    assert np.array_equal(mask, colour_ink_masks(few, 300)[0])


def test_a_thick_seal_piece_touching_text_is_still_masked_on_a_screen_capture():
    page, _, squiggle, ring = _screen_letters_over_squiggle(ring_piece=True)
    mask, _ = colour_ink_masks(page, 300, source_px=300 / 144)
    assert (mask & ring).sum() >= 0.9 * ring.sum()
    assert (mask & squiggle).sum() >= 0.9 * squiggle.sum()
