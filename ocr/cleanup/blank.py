"""Decide whether a page carries no content: blank back sides, bleed-through of the other side only."""

from __future__ import annotations

import cv2
import numpy as np

from ocr.cleanup.components import label

# Fewer glyph-sized marks than this is blank: one short handwritten or typed line already has more.
MIN_GLYPHS = 12
# Ink lighter than this (normalised gray, paper = 255) is show-through from the other side, not print.
FAINT_INK_LEVEL = 150


def glyph_count(binary: np.ndarray, dpi: float, stats: np.ndarray | None = None) -> int:
    """Connected ink components of a size a printed or written character could have (0.5-15 mm tall).

    `stats` are the ink components' rows of cv2.connectedComponentsWithStats (paper row excluded) when the
    caller has already labelled `binary`; labelling a page again is most of this check's cost.
    """
    if stats is None:
        stats = label(cv2.bitwise_not(binary))[2][1:]
    mm = dpi / 25.4
    h = stats[:, cv2.CC_STAT_HEIGHT]
    w = stats[:, cv2.CC_STAT_WIDTH]
    glyph = (h >= 0.5 * mm) & (h <= 15 * mm) & (w <= 40 * mm)
    return int(glyph.sum())


def is_blank(binary: np.ndarray, dpi: float, gray: np.ndarray | None = None, stats: np.ndarray | None = None
             ) -> bool:
    """True when the page has no content worth reading.

    With the normalised `gray`, ink whose median darkness is fainter than FAINT_INK_LEVEL counts as
    bleed-through: Otsu always finds a threshold, even between paper and show-through.
    """
    if glyph_count(binary, dpi, stats) < MIN_GLYPHS:
        return True
    if gray is not None:
        # Every other row and column: the median of millions of ink pixels does not need all of them.
        ink = gray[::2, ::2][binary[::2, ::2] == 0]
        if ink.size and float(np.median(ink)) > FAINT_INK_LEVEL:
            return True
    return False
