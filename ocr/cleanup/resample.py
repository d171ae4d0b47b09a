"""Bring a scan to the working resolution the clean-up and Tesseract are tuned for (300 dpi)."""

from __future__ import annotations

import cv2
import numpy as np

# Within this relative distance of the target the page is left as scanned: resampling costs detail.
TOLERANCE = 0.05


def to_working_resolution(image: np.ndarray, dpi: float, target_dpi: float = 300) -> tuple[np.ndarray, int]:
    """Resample to `target_dpi` (area averaging down, bicubic up); returns the image and its dpi."""
    if dpi <= 0:
        raise ValueError(f"resolution must be positive, got {dpi} dpi")
    scale = target_dpi / dpi
    if abs(scale - 1) <= TOLERANCE:
        return image, int(round(dpi))
    interpolation = cv2.INTER_AREA if scale < 1 else cv2.INTER_CUBIC
    size = (max(1, int(round(image.shape[1] * scale))), max(1, int(round(image.shape[0] * scale))))
    return cv2.resize(image, size, interpolation=interpolation), int(round(target_dpi))
