"""Estimate the skew of a page's text lines and rotate an image without cropping its content."""

from __future__ import annotations

import cv2
import numpy as np

from ocr.cleanup.profile import InkPoints, best_angle, ink_points

MAX_SKEW = 15.0
COARSE_THINNING = 4
COARSE_MIN_POINTS = 20_000


def skew_of_points(points: InkPoints, max_skew: float = MAX_SKEW) -> tuple[float, float]:
    """Coarse-to-fine search of the line angle (counter-clockwise degrees) and the profile sharpness there."""
    if len(points) < 50:
        return 0.0, 0.0
    # The 1-degree sweep (half the angles tried) on a quarter of the points: it only picks the degree the
    # fine steps then refine on all of them.
    coarse = points.thinned(COARSE_THINNING) if len(points) >= COARSE_MIN_POINTS else points
    angle, _ = best_angle(coarse, 0.0, max_skew, 1.0, bin_px=3.0)
    angle, _ = best_angle(points, angle, 1.0, 0.1)
    angle, score = best_angle(points, angle, 0.1, 0.02)
    return float(np.clip(angle, -max_skew, max_skew)), score


def estimate_skew(image: np.ndarray, dpi: float, max_skew: float = MAX_SKEW) -> float:
    """Counter-clockwise angle (degrees, within +-max_skew) of the text lines; 0 when there is no text.

    Undo it with `rotate_image(image, -angle)`. Works on gray, binary or BGR pages.
    """
    angle, _ = skew_of_points(ink_points(image, dpi), max_skew)
    return round(angle, 2)


def rotate_image(image: np.ndarray, angle: float, fill: int | tuple[int, ...] | None = None) -> np.ndarray:
    """Rotate counter-clockwise by `angle` degrees, growing the canvas so no content is cut off.

    `fill` paints the uncovered corners; by default the paper colour (the image's bright 95th percentile),
    so the corners neither read as ink nor stand out in the displayed page.
    """
    if abs(angle) < 1e-3:
        return image.copy()
    matrix, (new_w, new_h) = _rotation(image.shape[:2], angle)
    if fill is None:
        fill = paper_colour(image)
    return cv2.warpAffine(image, matrix, (new_w, new_h), flags=cv2.INTER_LINEAR,
                          borderMode=cv2.BORDER_CONSTANT, borderValue=fill)


def _rotation(shape: tuple[int, int], angle: float) -> tuple[np.ndarray, tuple[int, int]]:
    """The affine matrix of `rotate_image` and the grown canvas's (width, height)."""
    h, w = shape
    a = np.deg2rad(angle)
    new_w = int(np.ceil(abs(w * np.cos(a)) + abs(h * np.sin(a))))
    new_h = int(np.ceil(abs(w * np.sin(a)) + abs(h * np.cos(a))))
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    matrix[0, 2] += (new_w - w) / 2
    matrix[1, 2] += (new_h - h) / 2
    return matrix, (new_w, new_h)


def uncovered(shape: tuple[int, int], angle: float) -> np.ndarray:
    """Where `rotate_image` of an image of `shape` by `angle` paints fill rather than the image (bool mask).

    The scan's own edge runs along this area's rim, so a scanner border that touched the edge before the
    rotation touches it afterwards. The scan's outline is drawn as a polygon instead of rotating a full page
    (a tenth of the CPU); its edge pixels count as uncovered, so the mask holds every pixel the interpolation
    mixes with fill, and at most a one-pixel seam more.
    """
    h, w = shape[:2]
    if abs(angle) < 1e-3:
        return np.zeros((h, w), bool)
    matrix, (new_w, new_h) = _rotation((h, w), angle)
    # Pixel centres whose four bilinear neighbours all lie in the scan; one pixel in from its outline.
    corners = np.array([[1, 1, 1], [w - 2, 1, 1], [w - 2, h - 2, 1], [1, h - 2, 1]], np.float64) @ matrix.T
    covered = np.zeros((new_h, new_w), np.uint8)
    cv2.fillConvexPoly(covered, np.round(corners * 16).astype(np.int32), 1, lineType=cv2.LINE_8, shift=4)
    return covered == 0


def paper_colour(image: np.ndarray) -> int | tuple[int, ...]:
    """The bright 95th percentile per channel, sampled sparsely: the colour of the paper."""
    sample = image[::16, ::16]
    if image.ndim == 2:
        return int(np.percentile(sample, 95))
    return tuple(int(v) for v in np.percentile(sample.reshape(-1, image.shape[2]), 95, axis=0))
