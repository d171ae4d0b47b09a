"""Decide whether a page carries no content: blank back sides, bleed-through of the other side only."""

from __future__ import annotations

import cv2
import numpy as np

# Fewer glyph-sized marks than this is blank: one short handwritten or typed line already has more.
MIN_GLYPHS = 12
# Ink lighter than this (normalised gray, paper = 255) is show-through from the other side, not print.
FAINT_INK_LEVEL = 150


def glyph_count(binary: np.ndarray, dpi: float) -> int:
    """Connected ink components of a size a printed or written character could have (0.5-15 mm tall)."""
    n, _, stats, _ = cv2.connectedComponentsWithStats(cv2.bitwise_not(binary), connectivity=8)
    mm = dpi / 25.4
    h = stats[1:, cv2.CC_STAT_HEIGHT]
    w = stats[1:, cv2.CC_STAT_WIDTH]
    glyph = (h >= 0.5 * mm) & (h <= 15 * mm) & (w <= 40 * mm)
    return int(glyph.sum())


def is_blank(binary: np.ndarray, dpi: float, gray: np.ndarray | None = None) -> bool:
    """True when the page has no content worth reading.

    With the normalised `gray`, ink whose median darkness is fainter than FAINT_INK_LEVEL counts as
    bleed-through: Otsu always finds a threshold, even between paper and show-through.
    """
    if glyph_count(binary, dpi) < MIN_GLYPHS:
        return True
    if gray is not None:
        ink = gray[binary == 0]
        if ink.size and float(np.median(ink)) > FAINT_INK_LEVEL:
            return True
    return False
