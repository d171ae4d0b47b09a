"""The densest band of text lines on a binary page: where a weak page's other orientations and binarizations are
tried before the whole page is read again.

Reading three more orientations of a whole page costs three more full recognitions; a band of about a third of
the page, across its lines, tells the right orientation as surely (it holds several whole lines) at a third of
the cost. Only the winner is then read in full.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ocr.model import PageText, Word

# Share of the page's height (of its width when its lines run down the page) the band covers.
BAND_SHARE = 0.3
# A band is cut only from a page at least this tall (across the band) and this big: below them a third of the
# page holds too few lines, and the whole page is cheap to read anyway (each Tesseract run costs ~0.5 s of
# start-up whatever its size, so on a 1.3 Mpx page a band saved 20% of a reading, and its verdict was less sure).
MIN_PAGE_PX = 900
MIN_PAGE_PIXELS = 2_000_000


@dataclass(frozen=True)
class Band:
    """Rows `top:bottom` and columns `left:right` of the page."""

    top: int
    bottom: int
    left: int
    right: int

    def crop(self, image: np.ndarray) -> np.ndarray:
        return image[self.top:self.bottom, self.left:self.right]

    def holds(self, word: Word) -> bool:
        cy, cx = word.top + word.height / 2, word.left + word.width / 2
        return self.top <= cy < self.bottom and self.left <= cx < self.right

    def share(self, shape: tuple[int, ...]) -> float:
        return (self.bottom - self.top) * (self.right - self.left) / float(shape[0] * shape[1])


def text_band(binary: np.ndarray, lines_run_down: bool = False, share: float = BAND_SHARE) -> Band | None:
    """The window of `share` of the page's rows (columns when `lines_run_down`) holding the most ink, or None
    when the page is too small for a band to be worth cutting. `binary` is text 0 on 255."""
    h, w = binary.shape[:2]
    length = w if lines_run_down else h
    if length < MIN_PAGE_PX or h * w < MIN_PAGE_PIXELS:
        return None
    ink = np.count_nonzero(binary == 0, axis=0 if lines_run_down else 1).astype(np.int64)
    size = max(1, int(round(length * share)))
    sums = np.convolve(ink, np.ones(size, np.int64), mode="valid")
    start = int(np.argmax(sums))
    if lines_run_down:
        return Band(0, h, start, start + size)
    return Band(start, start + size, 0, w)


def words_in(text: PageText, band: Band) -> PageText:
    """The part of a whole-page reading that lies in the band (to compare with a reading of the band alone)."""
    words = [w for w in text.words if band.holds(w)]
    total = sum(len(w.text) for w in words)
    mean = sum(w.confidence * len(w.text) for w in words) / total if total else 0.0
    return PageText(words=words, text=" ".join(w.text for w in words), mean_confidence=mean)

