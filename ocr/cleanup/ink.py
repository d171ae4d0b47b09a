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
# On white-balanced pixels: a pixel is red or blue ink when that channel exceeds both others by this much.
INK_DOMINANCE = 30
# The mask grows by this much: JPEG chroma subsampling leaves a stroke's rim dark but nearly colourless.
INK_HALO_MM = 0.25
# Under the mask, black toner (seal over text) stays: it is still this dark after the colour lift. Blue over
# red (a signature across a seal) is as dark but keeps some chroma, so the lift sends it above.
BLACK_MAX = 100


@dataclass(frozen=True)
class ColourInk:
    red_fraction: float  # share of the page covered by red ink
    blue_fraction: float
    red_found: bool
    blue_found: bool


def find_colour_ink(bgr: np.ndarray, dpi: float) -> ColourInk:
    """Measure red (seal) and blue (signature, ballpoint) ink on a BGR page, sampled every other pixel."""
    b, g, r = cv2.split(every_other_pixel(bgr))
    red = (cv2.subtract(r, cv2.max(g, b)) > 60) & (r > 90)
    blue = (cv2.subtract(b, cv2.max(g, r)) > 40) & (b > 60)
    pixel_mm2 = (25.4 / dpi * 2) ** 2
    n_red, n_blue = int(np.count_nonzero(red)), int(np.count_nonzero(blue))
    return ColourInk(n_red / red.size, n_blue / blue.size,
                     n_red * pixel_mm2 >= MIN_INK_AREA_MM2, n_blue * pixel_mm2 >= MIN_INK_AREA_MM2)


def every_other_pixel(image: np.ndarray) -> np.ndarray:
    """image[::2, ::2] (the last odd row or column dropped), copied by OpenCV: a quarter of numpy's CPU."""
    h, w = image.shape[:2]
    if h < 2 or w < 2:
        return np.ascontiguousarray(image[::2, ::2])
    even = image[: h - h % 2, : w - w % 2]
    return cv2.resize(even, (even.shape[1] // 2, even.shape[0] // 2), interpolation=cv2.INTER_NEAREST)


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


def colour_ink_mask(bgr: np.ndarray, dpi: float) -> np.ndarray:
    """Pixels of red or blue ink and their rim, without the black toner under them (bool mask).

    Yellowed paper is itself warm, so the pixels are white-balanced on the paper first; otherwise blue strokes
    on it read nearly neutral and the paper's own tint passes for red.
    """
    paper = np.percentile(bgr[::8, ::8].reshape(-1, 3), 90, axis=0)
    gains = tuple(float(v) for v in 255.0 / np.maximum(paper, 1)) + (0.0,)
    balanced = cv2.multiply(bgr, gains, dtype=cv2.CV_8U)
    b, g, r = cv2.split(balanced)
    ink = (cv2.subtract(b, cv2.max(g, r)) > INK_DOMINANCE) | (cv2.subtract(r, cv2.max(g, b)) > INK_DOMINANCE)
    reach = max(1, int(round(INK_HALO_MM / 25.4 * dpi)))
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * reach + 1, 2 * reach + 1))
    grown = cv2.dilate(ink.view(np.uint8), kernel).view(bool)
    return grown & (colour_free_gray(balanced) >= BLACK_MAX)
