"""Blank detection: empty and bleed-through-only sheets are blank; a page with one short line is not."""

from __future__ import annotations

import cv2
import numpy as np
from cleanup_pages import add_noise, add_speckle, bleed_through, jpeg, render_page

from ocr.cleanup.binarize import otsu
from ocr.cleanup.blank import is_blank
from ocr.cleanup.borders import remove_speckle
from ocr.cleanup.illumination import flatten_illumination


def prepared(bgr: np.ndarray, dpi: int) -> tuple[np.ndarray, np.ndarray]:
    gray = flatten_illumination(cv2.cvtColor(bgr, cv2.COLOR_BGR2GRAY), dpi)
    binary, _ = remove_speckle(otsu(gray), dpi)
    return binary, gray


def test_empty_noisy_sheet_is_blank():
    sheet = jpeg(add_speckle(add_noise(np.full((1754, 1240, 3), 238, np.uint8), 6), 200), 50)
    assert is_blank(*prepared(sheet, 150)[:1], 150)
    binary, gray = prepared(sheet, 150)
    assert is_blank(binary, 150, gray)


def test_bleed_through_alone_is_blank():
    back = jpeg(add_noise(bleed_through(render_page(dpi=150)), 4), 60)
    binary, gray = prepared(back, 150)
    assert is_blank(binary, 150, gray)


def test_text_page_is_not_blank():
    binary, gray = prepared(render_page(dpi=150), 150)
    assert not is_blank(binary, 150, gray)


def test_one_short_line_is_not_blank():
    page = render_page(dpi=150, lines=["Trang này để trống."])
    page[:400] = 255  # keep only the body line (from y = 405 px), not the letterhead
    binary, gray = prepared(page, 150)
    assert not is_blank(binary, 150, gray)
