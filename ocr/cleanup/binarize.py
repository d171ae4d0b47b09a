"""Turn a normalised gray page into black text on white: Otsu, Sauvola, or a per-page choice."""

from __future__ import annotations

from typing import Literal

import cv2
import numpy as np

Method = Literal["otsu", "sauvola", "auto"]
METHODS = ("otsu", "sauvola")

SAUVOLA_K = 0.2
SAUVOLA_R = 128.0
SAUVOLA_WINDOW_MM = 3.0  # about two x-heights of 13 pt text: local, yet wider than a stroke
# Paper noise (sigma, gray levels) above which Sauvola reads better than Otsu; see docs/cleanup.md.
NOISY_PAPER_SIGMA = 6.0


def otsu(gray: np.ndarray) -> np.ndarray:
    """Global Otsu threshold; uint8, text 0 and paper 255."""
    _, binary = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY | cv2.THRESH_OTSU)
    return binary


def sauvola(gray: np.ndarray, dpi: float, k: float = SAUVOLA_K, window_mm: float = SAUVOLA_WINDOW_MM
            ) -> np.ndarray:
    """Sauvola's local threshold T = m (1 + k (s / R - 1)) over a window of `window_mm`; uint8 0/255."""
    window = max(3, int(round(window_mm / 25.4 * dpi)) | 1)
    g = gray.astype(np.float32)
    mean = cv2.boxFilter(g, cv2.CV_32F, (window, window), borderType=cv2.BORDER_REFLECT)
    sq_mean = cv2.boxFilter(g * g, cv2.CV_32F, (window, window), borderType=cv2.BORDER_REFLECT)
    std = cv2.sqrt(cv2.max(sq_mean - mean * mean, 0))
    threshold = mean * (1 + k * (std / SAUVOLA_R - 1))
    return np.where(g > threshold, 255, 0).astype(np.uint8)


def paper_noise(gray: np.ndarray) -> float:
    """Noise sigma of the paper (Immerkaer's Laplacian estimate over pixels away from ink)."""
    sample = gray[::2, ::2] if gray.size > 4_000_000 else gray
    kernel = np.array([[1, -2, 1], [-2, 4, -2], [1, -2, 1]], np.float32)
    response = np.abs(cv2.filter2D(sample.astype(np.float32), -1, kernel))
    threshold, _ = cv2.threshold(sample, 0, 255, cv2.THRESH_BINARY | cv2.THRESH_OTSU)
    paper = cv2.erode((sample > threshold).astype(np.uint8), np.ones((5, 5), np.uint8)).astype(bool)
    if np.count_nonzero(paper) < 1000:
        return 0.0
    return float(np.sqrt(np.pi / 2) / 6 * response[paper].mean())


def choose_method(gray: np.ndarray) -> str:
    """'sauvola' for noisy pages (low-resolution JPEG, grainy paper), 'otsu' for clean ones."""
    return "sauvola" if paper_noise(gray) > NOISY_PAPER_SIGMA else "otsu"


def binarize(gray: np.ndarray, method: Method = "auto", dpi: float = 300) -> tuple[np.ndarray, str]:
    """Binary page (uint8, text 0 on 255) and the method actually used."""
    if method == "auto":
        method = choose_method(gray)  # type: ignore[assignment]
    if method == "otsu":
        return otsu(gray), "otsu"
    if method == "sauvola":
        return sauvola(gray, dpi), "sauvola"
    raise ValueError(f"unknown binarization method {method!r}; use 'otsu', 'sauvola' or 'auto'")
