"""Projection profiles of ink points: the shared measure behind skew and orientation detection."""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from ocr.cleanup.components import label

# Points beyond this are subsampled: the profile shape is already stable and each angle costs one bincount.
MAX_POINTS = 250_000


@dataclass(frozen=True)
class InkPoints:
    """Coordinates (pixels at `dpi`) of text-like ink, with non-text shapes (rules, borders, photos) removed."""

    ys: np.ndarray  # float32
    xs: np.ndarray  # float32
    dpi: float
    shape: tuple[int, int]

    def __len__(self) -> int:
        return int(self.ys.size)

    def thinned(self, step: int) -> InkPoints:
        """Every `step`-th point: enough for a coarse angle search, at a fraction of the cost per angle."""
        return InkPoints(self.ys[::step], self.xs[::step], self.dpi, self.shape)

    def swapped(self) -> InkPoints:
        """The same ink seen after a quarter turn (lines that ran vertically now run horizontally)."""
        return InkPoints(self.xs, self.ys, self.dpi, (self.shape[1], self.shape[0]))


def to_gray(image: np.ndarray) -> np.ndarray:
    return cv2.cvtColor(image, cv2.COLOR_BGR2GRAY) if image.ndim == 3 else image


def ink_mask(image: np.ndarray, dpi: float, analysis_dpi: float) -> tuple[np.ndarray, float]:
    """Dark-on-light ink as a boolean mask at `analysis_dpi` (Otsu on the downscaled image)."""
    gray = to_gray(image)
    scale = min(1.0, analysis_dpi / dpi)
    if scale < 1.0:
        gray = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    _, ink = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    # A page that is nearly all ink (or all paper) has no usable threshold; Otsu would split noise.
    if gray.size and np.count_nonzero(ink) > 0.5 * gray.size:
        ink[:] = 0
    return ink, dpi * scale


def ink_points(image: np.ndarray, dpi: float, analysis_dpi: float = 150) -> InkPoints:
    """Text-like ink pixels: drops components too big to be glyphs (rules, scanner borders, photos, seals)."""
    ink, res = ink_mask(image, dpi, analysis_dpi)
    mm = res / 25.4
    n, labels, stats, _ = label(ink)
    w, h = stats[:, cv2.CC_STAT_WIDTH], stats[:, cv2.CC_STAT_HEIGHT]
    keep = (np.minimum(w, h) <= 12 * mm) & (np.maximum(w, h) <= 60 * mm)
    keep[0] = False
    mask = keep[labels]
    ys, xs = np.nonzero(mask)
    if ys.size > MAX_POINTS:
        step = int(np.ceil(ys.size / MAX_POINTS))
        ys, xs = ys[::step], xs[::step]
    return InkPoints(ys.astype(np.float32), xs.astype(np.float32), res, mask.shape)


def projection(points: InkPoints, angle: float, bin_px: float = 1.0) -> np.ndarray:
    """Ink per row after rotating the page clockwise by `angle` degrees (undoing a counter-clockwise skew)."""
    a = np.deg2rad(angle)
    p = points.ys * np.float32(np.cos(a)) + points.xs * np.float32(np.sin(a))
    p -= p.min() if p.size else 0
    return np.bincount((p / bin_px).astype(np.int64))


def sharpness(profile: np.ndarray) -> float:
    """How strongly the profile separates into lines and gaps: sum of squares, normalised by ink."""
    total = float(profile.sum())
    if total == 0:
        return 0.0
    return float(np.dot(profile.astype(np.float64), profile)) / (total * total)


def best_angle(points: InkPoints, center: float, half_range: float, step: float, bin_px: float = 1.0
               ) -> tuple[float, float]:
    """The angle in [center - half_range, center + half_range] with the sharpest profile, and its score."""
    angles = np.arange(center - half_range, center + half_range + step / 2, step)
    scores = [sharpness(projection(points, a, bin_px)) for a in angles]
    i = int(np.argmax(scores))
    return float(angles[i]), float(scores[i])
