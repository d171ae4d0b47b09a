"""The image Tesseract reads: the binary's ink and the paper just around it in the page's own grey levels.

Tesseract finds lines and words on its own thresholding of the image it is given, then its LSTM reads each
line's grey levels. A binary throws away what the LSTM reads small print by: the anti-aliased edge of an 8-px
letter, the light half of a tone mark that fell below the threshold ("tháng" read "thúng", "Luật" "Luột"). This
image keeps the binary's verdict and the grey levels on both sides of it: ink pixels stay darker than 128, all
others lighter, so Tesseract's Otsu threshold falls in the empty gap and its lines and words are the binary's.
Whatever the clean-up removed (seal, signature, stamps, speckle, borders) stays white: only paper within
`HALO_PX` of kept ink shows its grey, and only when it is lighter than halfway to the ink (a removed stroke
beside a letter is dark).
"""

from __future__ import annotations

import cv2
import numpy as np

HALO_PX = 2  # at the working resolution
INK_PERCENTILE = 5  # of the ink pixels' grey: the darkest ink, shown black
HALO_LIGHTER_THAN = 0.5  # of the way from the darkest ink to the paper
SAMPLE_STEP = 4  # every 4th row and column is enough for the paper's median


def shaded(binary: np.ndarray, gray: np.ndarray) -> np.ndarray:
    """`binary` (0 ink, 255 paper) with `gray`'s levels: ink 0-127, paper near ink 191-255, the rest 255.

    Returns `binary` itself when the two differ in shape or there is no ink or no paper to scale by.
    """
    ink = binary == 0
    if gray.shape != binary.shape or not ink.any():
        return binary
    size = 2 * HALO_PX + 1
    near = cv2.dilate(ink.view(np.uint8), np.ones((size, size), np.uint8)).view(bool)
    paper = gray[::SAMPLE_STEP, ::SAMPLE_STEP][~near[::SAMPLE_STEP, ::SAMPLE_STEP]]
    if paper.size == 0:
        return binary
    darkest = float(np.percentile(gray[ink], INK_PERCENTILE))
    white = float(np.median(paper))
    # Only the pixels near ink change; the arithmetic is done on them alone.
    share = np.clip((gray[near].astype(np.float32) - darkest) / max(white - darkest, 1.0), 0.0, 1.0)
    levels = np.where(ink[near], share * 127, np.where(share >= HALO_LIGHTER_THAN, 128 + share * 127, 255))
    out = np.full(binary.shape, 255, np.uint8)
    out[near] = levels.astype(np.uint8)
    return out
