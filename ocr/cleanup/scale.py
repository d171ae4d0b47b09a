"""Measure the page's real scale from its text (x-height), since screenshots and photos carry no usable dpi.

A 96-dpi tag on a screenshot, 72 dpi on a 4000-px phone photo or no tag at all say nothing about how big the
letters are in pixels, yet that is what Tesseract and every millimetre rule of the clean-up depend on. Body text
of administrative papers (Times New Roman 12-14 pt, NĐ 30/2020) has an x-height of about 2 mm, so the median
height of the small letters gives the resolution the page would have if it were a scan of such a paper.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from ocr.cleanup.components import label

# x-height of 13 pt Times New Roman (0.448 em): 2.05 mm. Tesseract reads best near 20-30 px, i.e. 300 dpi here.
BODY_X_HEIGHT_MM = 2.05
# A stated resolution is believed when it puts the measured x-height within this range (10-24 pt text).
PLAUSIBLE_X_HEIGHT_MM = (1.3, 3.6)
# Fewer letter-like components than this and the measurement is not trusted (the stated dpi stays).
MIN_LETTERS = 40
# Below this (in the measured copy) the "letters" are dots and noise.
MIN_X_HEIGHT_PX = 4.5
# The measurement runs on a copy whose longer side is at most this (a 300-dpi page keeps x-heights of ~11 px).
MEASURE_LONG_SIDE = 1800
# Text-derived resolutions are kept inside this range: beyond it no page of text is readable anyway.
DPI_RANGE = (40.0, 1200.0)


@dataclass(frozen=True)
class Scale:
    dpi: float  # the resolution the page is treated as having
    source: str  # "stated" (the file's dpi agreed with its text), "text" (measured), "stated-unmeasured"
    x_height_px: float | None  # median small-letter height in the input's pixels, None when not measurable
    letters: int  # letter-like components the measurement used


def x_height(image: np.ndarray) -> tuple[float | None, int]:
    """Median height in pixels of lowercase-sized letters on a gray or BGR page, and how many letters were seen."""
    h, w = image.shape[:2]
    factor = min(1.0, MEASURE_LONG_SIDE / max(h, w))
    small = cv2.resize(image, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA) if factor < 1 else image
    if small.ndim == 3:
        small = cv2.cvtColor(small, cv2.COLOR_BGR2GRAY)
    # Local threshold: photos and shadows have no single paper level. Block ~ 1/40 of the page, odd.
    block = max(15, (min(small.shape[:2]) // 40) | 1)
    ink = cv2.adaptiveThreshold(small, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, block, 12)
    _, _, stats, _ = label(ink)
    stats = stats[1:]
    if stats.size == 0:
        return None, 0
    hh = stats[:, cv2.CC_STAT_HEIGHT].astype(np.float64)
    ww = stats[:, cv2.CC_STAT_WIDTH].astype(np.float64)
    area = stats[:, cv2.CC_STAT_AREA].astype(np.float64)
    fill = area / np.maximum(hh * ww, 1)
    letter = (hh >= 3) & (hh <= small.shape[0] / 8) & (ww >= 0.25 * hh) & (ww <= 1.8 * hh) & (fill >= 0.12) \
        & (fill <= 0.72)
    heights = hh[letter]
    if heights.size < MIN_LETTERS:
        return None, int(heights.size)
    height = _small_letter_height(heights)
    if height < MIN_X_HEIGHT_PX:
        return None, int(heights.size)  # dots, marks and noise: no letters this small can be read anyway
    return height / factor, int(heights.size)


def _small_letter_height(heights: np.ndarray) -> float:
    """The x-height among the height modes: the lower of the two modes that stand 1.25-1.8x apart.

    Vietnamese text has three common heights: separate marks and dots (a third of the x-height), the small
    letters, and letters with an ascender, a capital or an attached mark (about 1.5x). Which of the last two
    is more frequent depends on the text, so the pair is looked for rather than the tallest histogram bar.
    """
    logs = np.log(heights)
    step = 0.07
    counts, edges = np.histogram(logs, bins=np.arange(np.log(2.5), logs.max() + 2 * step, step))
    smooth = np.convolve(counts, [1, 2, 1], mode="same").astype(np.float64)
    centres = np.exp((edges[:-1] + edges[1:]) / 2)
    peaks = [i for i in range(smooth.size)
             if smooth[i] > 0 and smooth[i] >= smooth[max(0, i - 1)] and smooth[i] >= smooth[min(smooth.size - 1, i + 1)]
             and smooth[i] >= 0.2 * smooth.max()]
    best, best_mass = None, 0.0
    for i in peaks:
        for j in peaks:
            ratio = centres[j] / centres[i]
            if 1.25 <= ratio <= 1.8 and min(smooth[i], smooth[j]) >= 0.25 * max(smooth[i], smooth[j]):
                mass = smooth[i] + smooth[j]
                if mass > best_mass:
                    best, best_mass = i, mass
    if best is None:
        best = int(np.argmax(smooth))
    centre = centres[best]
    near = heights[(heights >= centre / 1.15) & (heights <= centre * 1.15)]
    return float(np.median(near)) if near.size else float(centre)


def page_scale(image: np.ndarray, stated_dpi: float, stated_is_a_guess: bool = False) -> Scale:
    """The resolution to treat the page as having: the stated one when its text agrees, else the text's.

    With `stated_is_a_guess` (a flattened photo, whose dpi only assumes an A4 sheet) the text decides whenever
    it can be measured.
    """
    measured, letters = x_height(image)
    if measured is None:
        return Scale(float(stated_dpi), "stated-unmeasured", None, letters)
    implied_mm = measured / stated_dpi * 25.4
    if not stated_is_a_guess and PLAUSIBLE_X_HEIGHT_MM[0] <= implied_mm <= PLAUSIBLE_X_HEIGHT_MM[1]:
        return Scale(float(stated_dpi), "stated", measured, letters)
    dpi = float(np.clip(measured / BODY_X_HEIGHT_MM * 25.4, *DPI_RANGE))
    return Scale(dpi, "text", measured, letters)
