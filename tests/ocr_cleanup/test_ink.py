"""Seal and signature ink: red and blue vanish, the black text printed under them stays readable."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from cleanup_pages import add_seal, add_signature, cer, read_text, render_lines

from ocr.cleanup.binarize import otsu
from ocr.cleanup.ink import colour_free_gray, find_colour_ink

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
