"""Say whether a page looks blank by its ink alone: blank back sides, bleed-through of the other side only.

This is only the first opinion: faint print looks like bleed-through to ink statistics, so the pipeline
declares a page blank only when a recognition pass finds no text on it either (`ocr.pipeline`).
"""

from __future__ import annotations

from dataclasses import dataclass

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


@dataclass(frozen=True)
class InkEvidence:
    """What the ink says about a page: how many glyph-sized marks, how dark they are, and the verdict."""

    glyphs: int
    median_ink: float | None  # normalised gray of the ink (paper = 255); None when not measured
    looks_blank: bool
    reason: str  # "no-glyphs", "few-glyphs", "faint-ink" or "" when the page does not look blank


def ink_evidence(binary: np.ndarray, dpi: float, gray: np.ndarray | None = None, stats: np.ndarray | None = None
                 ) -> InkEvidence:
    """The ink's case for a blank page.

    With the normalised `gray`, ink whose median darkness is fainter than FAINT_INK_LEVEL looks like
    bleed-through: Otsu always finds a threshold, even between paper and show-through.
    """
    glyphs = glyph_count(binary, dpi, stats)
    median = None
    if gray is not None:
        # Every other row and column: the median of millions of ink pixels does not need all of them.
        ink = gray[::2, ::2][binary[::2, ::2] == 0]
        median = float(np.median(ink)) if ink.size else None
    if glyphs == 0:
        return InkEvidence(0, median, True, "no-glyphs")
    if glyphs < MIN_GLYPHS:
        return InkEvidence(glyphs, median, True, "few-glyphs")
    if median is not None and median > FAINT_INK_LEVEL:
        return InkEvidence(glyphs, median, True, "faint-ink")
    return InkEvidence(glyphs, median, False, "")


def is_blank(binary: np.ndarray, dpi: float, gray: np.ndarray | None = None, stats: np.ndarray | None = None
             ) -> bool:
    """True when the ink alone says the page has no content (see `ink_evidence`)."""
    return ink_evidence(binary, dpi, gray, stats).looks_blank
