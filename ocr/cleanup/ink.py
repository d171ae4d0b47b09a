"""Suppress red seal and blue signature ink while keeping the black text printed under it."""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

# How strongly colourfulness lifts a pixel towards white. Black toner under red ink stays dark: its
# channels are all low, so both its brightest channel and its chroma are small.
CHROMA_LIFT = 0.9
# A coloured area at least this large (mm^2) counts as a seal or signature worth flagging.
MIN_INK_AREA_MM2 = 20.0


@dataclass(frozen=True)
class ColourInk:
    red_fraction: float  # share of the page covered by red ink
    blue_fraction: float
    red_found: bool
    blue_found: bool


def find_colour_ink(bgr: np.ndarray, dpi: float) -> ColourInk:
    """Measure red (seal) and blue (signature, ballpoint) ink on a BGR page, sampled every other pixel."""
    b, g, r = cv2.split(np.ascontiguousarray(bgr[::2, ::2]))
    red = (cv2.subtract(r, cv2.max(g, b)) > 60) & (r > 90)
    blue = (cv2.subtract(b, cv2.max(g, r)) > 40) & (b > 60)
    pixel_mm2 = (25.4 / dpi * 2) ** 2
    n_red, n_blue = int(np.count_nonzero(red)), int(np.count_nonzero(blue))
    return ColourInk(n_red / red.size, n_blue / blue.size,
                     n_red * pixel_mm2 >= MIN_INK_AREA_MM2, n_blue * pixel_mm2 >= MIN_INK_AREA_MM2)


def colour_free_gray(bgr: np.ndarray) -> np.ndarray:
    """Gray page where saturated colour ink turns near-white and black/gray ink keeps its darkness.

    The brightest channel already makes red and blue ink light (a red seal is bright in R, a blue
    signature in B); adding the chroma lifts dark, saturated ink (deep red, navy ballpoint) the rest of the way.
    """
    b, g, r = cv2.split(bgr)
    hi = cv2.max(cv2.max(b, g), r)
    lo = cv2.min(cv2.min(b, g), r)
    chroma = cv2.subtract(hi, lo)
    return cv2.addWeighted(hi, 1.0, chroma, CHROMA_LIFT, 0)  # saturating uint8 add
