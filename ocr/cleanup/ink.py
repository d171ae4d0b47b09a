"""Suppress red seal and blue signature ink while keeping the black text printed under it."""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from ocr.cleanup.components import label

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
# The mask is computed in full only near ink seen on every SEARCH_STEP-th pixel with this laxer dominance,
# within SEARCH_MARGIN_MM (more than the halo, so the dilation inside a box is what it is on the page).
SEARCH_STEP = 4
SEARCH_DOMINANCE = 20
SEARCH_MARGIN_MM = 3.0
# Seal rings, signatures, drawn boxes and arrows are coloured strokes several millimetres long; the red and blue
# fringes that subpixel rendering and chroma subsampling leave along black letters are shorter than a letter.
MIN_INK_EXTENT_MM = 4.0
# A seal's ring is this wide (mm); inside it, every piece of its colour is the seal's own lettering.
SEAL_MIN_MM, SEAL_MAX_MM = 12.0, 80.0
SEAL_ROUNDNESS = 0.85
# Around the colour ink kept, the gray comes from `colour_free_gray` (so ink the mask misses is lifted too);
# elsewhere it is the plain gray, whose black letters keep their fringed edges.
COLOUR_REGION_MM = 2.0
# On a page brought up from screen resolution, subpixel rendering (ClearType) tints the two edges of every black
# letter in opposite hues. A short colour piece at most FRINGE_SOURCE_PX source pixels wide that touches black
# print, within FRINGE_PAIR_SOURCE_PX of such a piece of the other colour, is such a fringe, when a box holds at
# least FRINGE_MIN_PIECES of them: near long strokes (a spell-check squiggle under every word) masking the fringes
# stripped the letters to thin cores. Measured: the table screenshot's two boxes hold 512 and 571 such pieces up to
# 3 source pixels across; the 100-dpi synthetic JPEGs at most 6, where a signature crosses a seal.
FRINGE_SOURCE_PX = 3.0
FRINGE_PAIR_SOURCE_PX = 8.0
FRINGE_MIN_PIECES = 50


# Red and blue ink making up more than this share of all the page's ink is the print itself (a page printed
# in colour, navy toner, a screenshot's coloured text), not a seal or a signature beside black print.
PRINT_COLOUR_SHARE = 0.6


@dataclass(frozen=True)
class ColourInk:
    red_fraction: float  # share of the page covered by red ink
    blue_fraction: float
    red_found: bool
    blue_found: bool
    dark_fraction: float = 0.0  # share of the page covered by dark ink that is neither red nor blue

    @property
    def is_print(self) -> bool:
        """The colour is most of the ink: removing it would remove the text."""
        colour = self.red_fraction + self.blue_fraction
        return colour > PRINT_COLOUR_SHARE * (colour + self.dark_fraction)


def find_colour_ink(bgr: np.ndarray, dpi: float) -> ColourInk:
    """Measure red (seal) and blue (signature, ballpoint) ink on a BGR page, sampled every other pixel."""
    b, g, r = cv2.split(every_other_pixel(bgr))
    red = (cv2.subtract(r, cv2.max(g, b)) > 60) & (r > 90)
    blue = (cv2.subtract(b, cv2.max(g, r)) > 40) & (b > 60)
    pixel_mm2 = (25.4 / dpi * 2) ** 2
    n_red, n_blue = int(np.count_nonzero(red)), int(np.count_nonzero(blue))
    # Dark is judged against the page's own paper, so a gray or shadowed photo is not all "ink".
    paper = float(np.percentile(g[::4, ::4], 90))
    dark = (cv2.max(cv2.max(b, g), r) < 0.55 * paper) & ~red & ~blue
    return ColourInk(n_red / red.size, n_blue / blue.size,
                     n_red * pixel_mm2 >= MIN_INK_AREA_MM2, n_blue * pixel_mm2 >= MIN_INK_AREA_MM2,
                     int(np.count_nonzero(dark)) / dark.size)


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
    """Pixels of red or blue ink and their rim, without the black toner under them (bool mask); see
    `colour_ink_masks`."""
    return colour_ink_masks(bgr, dpi)[0]


def colour_ink_masks(bgr: np.ndarray, dpi: float, source_px: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
    """The colour-ink mask (red or blue ink and their rim, without the black toner under them) and the letter
    fringes left out of it (bool masks); `letters_near(fringes)` is where the mask spares the letters.

    Yellowed paper is itself warm, so the pixels are white-balanced on the paper first; otherwise blue strokes
    on it read nearly neutral and the paper's own tint passes for red. Seals and signatures cover a small part
    of the page, so ink is first looked for on every 4th pixel with a laxer dominance, and the full-resolution
    mask is computed only in boxes around what that finds (half the CPU; the few pixels it misses are isolated
    colour noise on the paper). `source_px`: the working pixels one source pixel became, on a page brought up
    from screen resolution (0: letter fringes are not told apart, see FRINGE_SOURCE_PX).
    """
    paper = np.percentile(bgr[::8, ::8].reshape(-1, 3), 90, axis=0)
    gains = tuple(float(v) for v in 255.0 / np.maximum(paper, 1)) + (0.0,)
    h, w = bgr.shape[:2]
    out, fringes = np.zeros((h, w), bool), np.zeros((h, w), bool)
    if h < SEARCH_STEP or w < SEARCH_STEP:
        return _ink_mask_balanced(bgr, gains, dpi, source_px)
    even = bgr[: h - h % SEARCH_STEP, : w - w % SEARCH_STEP]
    sample = cv2.resize(even, (w // SEARCH_STEP, h // SEARCH_STEP), interpolation=cv2.INTER_NEAREST)
    seen = _dominant(cv2.multiply(sample, gains, dtype=cv2.CV_8U), SEARCH_DOMINANCE)
    if not seen.any():
        return out, fringes
    pad = int(np.ceil(SEARCH_MARGIN_MM / 25.4 * dpi / SEARCH_STEP))
    near = cv2.dilate(seen.view(np.uint8), np.ones((2 * pad + 1, 2 * pad + 1), np.uint8))
    _, _, boxes, _ = cv2.connectedComponentsWithStats(near, connectivity=8)
    for x, y, bw, bh, _ in boxes[1:]:
        x0, y0 = x * SEARCH_STEP, y * SEARCH_STEP
        x1, y1 = min(w, (x + bw) * SEARCH_STEP), min(h, (y + bh) * SEARCH_STEP)
        ink, fringe = _ink_mask_balanced(bgr[y0:y1, x0:x1], gains, dpi, source_px)
        out[y0:y1, x0:x1] |= ink
        fringes[y0:y1, x0:x1] |= fringe
    return out, fringes


def _long_strokes(ink: np.ndarray, dpi: float) -> np.ndarray:
    """The colour ink components at least MIN_INK_EXTENT_MM long (boolean mask)."""
    if not ink.any():
        return ink
    n, labels, stats, _ = label(ink.view(np.uint8))
    extent = np.maximum(stats[:, cv2.CC_STAT_WIDTH], stats[:, cv2.CC_STAT_HEIGHT])
    keep = extent >= MIN_INK_EXTENT_MM / 25.4 * dpi
    keep[0] = False
    return keep[labels]


def colour_region(mask: np.ndarray, dpi: float) -> np.ndarray:
    """The colour-ink mask grown by COLOUR_REGION_MM, computed on a quarter-size copy (boolean, full size)."""
    h, w = mask.shape
    small = cv2.resize(mask.view(np.uint8), (max(1, w // 4), max(1, h // 4)), interpolation=cv2.INTER_AREA)
    reach = max(1, round(COLOUR_REGION_MM / 25.4 * dpi / 4))
    grown = cv2.dilate((small > 0).view(np.uint8), np.ones((2 * reach + 1, 2 * reach + 1), np.uint8))
    return cv2.resize(grown, (w, h), interpolation=cv2.INTER_NEAREST).view(bool)


def letters_near(fringes: np.ndarray, dpi: float) -> np.ndarray:
    """Where the letters lie whose fringes are `fringes`: the fringes grown by INK_HALO_MM (boolean)."""
    if not fringes.any():
        return fringes
    reach = max(1, round(INK_HALO_MM / 25.4 * dpi))
    return cv2.dilate(fringes.view(np.uint8), np.ones((2 * reach + 1, 2 * reach + 1), np.uint8)).view(bool)


def seal_rings(strokes: np.ndarray, dpi: float) -> list[tuple[tuple[int, int], int]]:
    """Centre and radius (pixels) of each round colour stroke SEAL_MIN_MM to SEAL_MAX_MM across: a seal's ring.

    Round means its convex hull fills most of its enclosing circle (a square fills 64%, a ring nearly all).
    """
    n, labels, stats, _ = label(strokes.view(np.uint8))
    mm = dpi / 25.4
    rings = []
    for i in range(1, n):
        x, y, w, h = (int(v) for v in stats[i, :4])
        if not (SEAL_MIN_MM * mm <= min(w, h) and max(w, h) <= SEAL_MAX_MM * mm and max(w, h) <= 1.3 * min(w, h)):
            continue
        ys, xs = np.nonzero(labels[y:y + h, x:x + w] == i)
        points = np.column_stack([xs + x, ys + y]).astype(np.float32)
        (cx, cy), radius = cv2.minEnclosingCircle(points)
        if cv2.contourArea(cv2.convexHull(points)) >= SEAL_ROUNDNESS * np.pi * radius ** 2:
            rings.append(((int(round(cx)), int(round(cy))), int(round(radius))))
    return rings


def _dominant(balanced: np.ndarray, margin: int) -> np.ndarray:
    """Pixels whose blue or red channel beats both others by more than `margin`."""
    b, g, r = cv2.split(balanced)
    return (cv2.subtract(b, cv2.max(g, r)) > margin) | (cv2.subtract(r, cv2.max(g, b)) > margin)


def _letter_fringes(short: np.ndarray, balanced: np.ndarray, source_px: float) -> np.ndarray:
    """The pieces of `short` at most FRINGE_SOURCE_PX source pixels wide that touch black print and lie within
    FRINGE_PAIR_SOURCE_PX of such a piece of the other colour (bool mask): subpixel rendering tints a letter's two
    edges in opposite hues, while a seal or a signature touching the text is one colour. Subpixel-rendered text
    fringes every letter: fewer than FRINGE_MIN_PIECES such pieces are none (where a signature crosses a seal,
    a few thin red and blue pieces touch their dark crossing)."""
    n, labels, _, _ = label(short.view(np.uint8))
    if n <= 1:
        return np.zeros_like(short)
    half_width = cv2.distanceTransform(short.view(np.uint8), cv2.DIST_L2, 3)
    widest = np.zeros(n, np.float32)
    np.maximum.at(widest, labels.ravel(), half_width.ravel())
    black = cv2.dilate((colour_free_gray(balanced) < BLACK_MAX).view(np.uint8), np.ones((3, 3), np.uint8))
    touching = np.zeros(n, bool)
    touching[np.unique(labels[black.view(bool) & short])] = True
    candidate = touching & (2 * widest <= FRINGE_SOURCE_PX * source_px)
    candidate[0] = False
    b, g, r = cv2.split(balanced)
    reddish = np.bincount(labels[short & (r > cv2.max(g, b))], minlength=n)
    red = 2 * reddish > np.bincount(labels[short], minlength=n)
    reach = max(1, round(FRINGE_PAIR_SOURCE_PX * source_px))
    kernel = np.ones((2 * reach + 1, 2 * reach + 1), np.uint8)
    near_red = cv2.dilate((candidate & red)[labels].view(np.uint8), kernel).view(bool)
    near_blue = cv2.dilate((candidate & ~red)[labels].view(np.uint8), kernel).view(bool)
    paired = np.zeros(n, bool)
    paired[np.unique(labels[short & np.where(red[labels], near_blue, near_red)])] = True
    fringe = candidate & paired
    if np.count_nonzero(fringe) < FRINGE_MIN_PIECES:
        return np.zeros_like(short)
    return fringe[labels]


def _ink_mask_balanced(bgr: np.ndarray, gains: tuple[float, ...], dpi: float,
                       source_px: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
    """The colour-ink mask of `bgr` (or a box of it) white-balanced by `gains`, and the letter fringes kept out."""
    balanced = cv2.multiply(bgr, gains, dtype=cv2.CV_8U)
    dominant = _dominant(balanced, INK_DOMINANCE)
    long = _long_strokes(dominant, dpi)
    fringes = np.zeros_like(long)
    if not long.any():
        return long, fringes
    # Short pieces count when they lie near long strokes (a seal ring cut by text lines) or inside a seal's ring
    # (its own letters, farther from the ring than that on a large seal).
    near = max(1, round(COLOUR_REGION_MM / 25.4 * dpi))
    around = cv2.dilate(long.view(np.uint8), np.ones((2 * near + 1, 2 * near + 1), np.uint8))
    for centre, radius in seal_rings(long, dpi):
        cv2.circle(around, centre, radius, 1, thickness=-1)
    ink = dominant & around.view(bool)
    if source_px:
        fringes = _letter_fringes(ink & ~long, balanced, source_px)
        ink &= ~fringes
    reach = max(1, round(INK_HALO_MM / 25.4 * dpi))
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * reach + 1, 2 * reach + 1))
    grown = cv2.dilate(ink.view(np.uint8), kernel).view(bool)
    # The rim grown around a squiggle must not reach into the letters the fringes lie along.
    return grown & (colour_free_gray(balanced) >= BLACK_MAX) & ~letters_near(fringes, dpi), fringes
