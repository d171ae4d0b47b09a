"""Flatten uneven lighting: binding shadow, yellowed or stained paper, scanner vignetting."""

from __future__ import annotations

import cv2
import numpy as np

# The background is estimated at this coarse resolution: shadows vary over centimetres, text over millimetres.
BACKGROUND_DPI = 30
# Close over anything darker than the paper up to this size (a text line with its marks is under 6 mm).
TEXT_SIZE_MM = 8.0


def estimate_background(gray: np.ndarray, dpi: float) -> np.ndarray:
    """The paper's brightness at every pixel (uint8, same shape): text erased by a grey-level closing."""
    scale = min(1.0, BACKGROUND_DPI / dpi)
    small = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    size = max(3, int(round(TEXT_SIZE_MM / 25.4 * dpi * scale)) | 1)
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (size, size))
    paper = cv2.dilate(small, kernel)  # dark text is smaller than the kernel, so the max is the paper
    paper = cv2.erode(paper, kernel)  # a closing keeps the shadow's edges where they are
    paper = cv2.GaussianBlur(paper, (0, 0), size / 2)
    return cv2.resize(paper, (gray.shape[1], gray.shape[0]), interpolation=cv2.INTER_LINEAR)


def flatten_illumination(gray: np.ndarray, dpi: float) -> np.ndarray:
    """Divide by the estimated background so the paper becomes white (255) and ink keeps its contrast."""
    background = estimate_background(gray, dpi)
    flat = cv2.divide(gray, np.maximum(background, 1), scale=255)
    return flat
