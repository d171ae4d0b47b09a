"""Turn a normalised gray page into black text on white: Otsu, Sauvola, strokes, or a per-page choice."""

from __future__ import annotations

from typing import Literal

import cv2
import numpy as np

Method = Literal["otsu", "sauvola", "strokes", "auto"]
METHODS = ("otsu", "sauvola", "strokes")

SAUVOLA_K = 0.2
SAUVOLA_R = 128.0
SAUVOLA_WINDOW_MM = 3.0  # about two x-heights of 13 pt text: local, yet wider than a stroke
# "auto" takes Sauvola only when this share of the inked tiles holds ink that Otsu's global threshold misses
# entirely (faint text beside heavy print). On noisy 150-200 dpi JPEG scans, after illumination flattening,
# Sauvola read worse than Otsu in our trials (see docs/cleanup.md), so noise alone does not select it.
FAINT_TILE_SHARE = 0.10
TILE_MM = 8.0
# "strokes": marks narrower than this are measured against the paper right around them (a black-hat), so the
# soft, wide show-through of a mirrored back page and the JPEG's blotches count for little against a stroke.
# 0.8 mm is 9 px at 300 dpi: about two body-text strokes; 0.6 mm or 1.0 mm read the faint L3 pages worse.
STROKE_KERNEL_MM = 0.8
# ... and whatever is darker than this share of the strokes' own pixels is ink too: it fills the middle of a bold
# heading's strokes, wider than the kernel, which the black-hat leaves hollow. On three faint L3 pages (decision,
# form, receipt) 30 read at 8.1/9.8/10.6% CER, 40 at 7.3/7.0/9.5%; 50 broke the form (19%).
STROKE_CORE_QUANTILE = 40.0
# A black-hat response weaker than this (gray levels) is never ink, whatever Otsu says: on bare paper Otsu
# would split the noise itself.
STROKE_MIN_CONTRAST = 12.0
# A mark is kept only when some of it responds this many times Otsu's threshold (a hysteresis): a q55 JPEG's
# ringing below a faint line and the back page's specks reach the threshold only just, and Tesseract read them as
# commas, dots and quotes between words; a letter, a dấu or a full stop of the same print responds as its letters (and so is the dark middle of a bold
# stroke wider than the kernel, which does not respond at all).
# On 7 faint L3 pages (capture seeds 0-2 and 10-13) the mean CER went 10.5% -> 6.8%; 1.25 read 7.9%, 1.5 a
# receipt worse (9.7 -> 12.3%), 2.0 broke every page (docs/benchmarks.md, session 14).
STROKE_KEEP_RATIO = 1.4
# On a page brought up from screen resolution (a 96-dpi screenshot, a web image), a dấu or a comma's tail
# thinner than a source pixel is blended into it and survives the bicubic upsampling only as light gray, well
# above Otsu's threshold. Such a page is thresholded this share of the way from Otsu's threshold towards the
# paper. On the 6 transcribed real pages at 100-144 dpi Otsu read 5.2% CER, a lift of 0.15-0.5 3.5-3.8% (0.25:
# 3.5%), mostly by keeping dấu hỏi ("đổi", not "đôi") and commas (docs/benchmarks.md).
UPSAMPLED_LIFT = 0.25


def otsu(gray: np.ndarray, lift: float = 0.0, unlifted: np.ndarray | None = None) -> np.ndarray:
    """Global Otsu threshold, raised `lift` of the way towards the paper's gray except where `unlifted` (a
    boolean mask) is set; uint8, text 0 and paper 255."""
    threshold, binary = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY | cv2.THRESH_OTSU)
    return _lifted(gray, threshold, binary, lift, unlifted)


def _lifted(gray: np.ndarray, threshold: float, binary: np.ndarray, lift: float, unlifted: np.ndarray | None
            ) -> np.ndarray:
    """`binary` (Otsu's, at `threshold`) with the lifted threshold applied outside `unlifted` (as is: no lift)."""
    if lift <= 0:
        return binary
    counts = cv2.calcHist([gray[::4, ::4]], [0], None, [256], [0, 256])[:, 0]
    paper = float(np.searchsorted(np.cumsum(counts), counts.sum() * 0.9))  # the 90th percentile: bare paper
    _, lifted = cv2.threshold(gray, threshold + lift * max(0.0, paper - threshold), 255, cv2.THRESH_BINARY)
    if unlifted is not None:
        lifted[unlifted] = binary[unlifted]
    return lifted


def sauvola(gray: np.ndarray, dpi: float, k: float = SAUVOLA_K, window_mm: float = SAUVOLA_WINDOW_MM
            ) -> np.ndarray:
    """Sauvola's local threshold T = m (1 + k (s / R - 1)) over a window of `window_mm`; uint8 0/255."""
    window = max(3, int(round(window_mm / 25.4 * dpi)) | 1)
    g = gray.astype(np.float32)
    mean = cv2.boxFilter(g, cv2.CV_32F, (window, window), borderType=cv2.BORDER_REFLECT)
    sq_mean = cv2.sqrBoxFilter(g, cv2.CV_32F, (window, window), borderType=cv2.BORDER_REFLECT)
    # In place, with OpenCV: numpy temporaries of a full page cost more than the filters themselves.
    variance = cv2.subtract(sq_mean, cv2.multiply(mean, mean), dst=sq_mean)
    std = cv2.sqrt(cv2.max(variance, 0, dst=variance), dst=variance)
    threshold = cv2.multiply(mean, cv2.addWeighted(std, k / SAUVOLA_R, std, 0, 1 - k, dst=std), dst=mean)
    return cv2.compare(g, threshold, cv2.CMP_GT)


def strokes(gray: np.ndarray, dpi: float) -> np.ndarray:
    """Faint print on noisy paper: thin dark marks against their own surroundings, then the dark cores; uint8 0/255.

    For pages no global threshold reads (toner at a quarter of its strength, a mirrored back page showing
    through, q55 JPEG blocks): Otsu's threshold on the black-hat response (closing minus the page) keeps the
    strokes' full width where a threshold on the gray keeps only their darkest middle, while the back page,
    blurred by the paper, rises too slowly to respond.
    """
    size = max(3, int(round(STROKE_KERNEL_MM / 25.4 * dpi)) | 1)
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (size, size))
    response = cv2.morphologyEx(gray, cv2.MORPH_BLACKHAT, kernel)
    threshold, _ = cv2.threshold(response, 0, 255, cv2.THRESH_BINARY | cv2.THRESH_OTSU)
    low = max(threshold, STROKE_MIN_CONTRAST)
    ink = cv2.compare(response, low, cv2.CMP_GT)
    if cv2.countNonZero(ink) == 0:
        return np.full_like(gray, 255)
    counts = cv2.calcHist([gray], [0], ink, [256], [0, 256])[:, 0]
    cumulative = np.cumsum(counts)
    core = int(np.searchsorted(cumulative, cumulative[-1] * STROKE_CORE_QUANTILE / 100))
    dark = cv2.compare(cv2.GaussianBlur(gray, (0, 0), dpi / 300), core, cv2.CMP_LE)
    marks = cv2.bitwise_or(ink, dark)
    count, labels = cv2.connectedComponents(marks, connectivity=8)
    kept = np.zeros(count, bool)
    hollow = cv2.bitwise_and(dark, cv2.bitwise_not(ink))
    seeds = cv2.bitwise_or(cv2.compare(response, low * STROKE_KEEP_RATIO, cv2.CMP_GT), hollow)
    kept[np.unique(labels[seeds > 0])] = True
    kept[0] = False  # the paper
    return np.where(kept[labels], 0, 255).astype(np.uint8)


def ink_gray(gray: np.ndarray, binary: np.ndarray) -> float:
    """Median gray level of the pixels `binary` calls ink (255 when it has none): how dark the print is.

    After illumination flattening, print measures 25-125 on scans and screenshots, 50-195 on real photos and
    web images; a faint scan with its toner at a third (or less) of its strength above 200.
    """
    counts = cv2.calcHist([gray], [0], cv2.bitwise_not(binary), [256], [0, 256])[:, 0].astype(np.int64)
    return float(_histogram_median(counts)) if counts.sum() else 255.0


def paper_noise(gray: np.ndarray) -> float:
    """Noise sigma of the paper (robust: median absolute deviation of pixels lighter than Otsu's threshold)."""
    sample = gray[::2, ::2]
    threshold, _ = cv2.threshold(sample, 0, 255, cv2.THRESH_BINARY | cv2.THRESH_OTSU)
    paper = cv2.erode(cv2.compare(sample, threshold, cv2.CMP_GT), np.ones((5, 5), np.uint8))
    if cv2.countNonZero(paper) < 1000:
        return 0.0
    # Medians of 8-bit values from histograms: exact, and a sort of a million pixels is not needed.
    counts = cv2.calcHist([sample], [0], paper, [256], [0, 256])[:, 0].astype(np.int64)
    centre = _histogram_median(counts)
    deviations = np.bincount(np.abs(np.arange(256) - centre), weights=counts, minlength=256)
    return float(1.4826 * _histogram_median(deviations))


def _histogram_median(counts: np.ndarray) -> int:
    """The lower median of values 0..len(counts)-1 given their counts."""
    cumulative = np.cumsum(counts)
    return int(np.searchsorted(cumulative, (cumulative[-1] + 1) / 2))


def faint_ink_share(gray: np.ndarray, dpi: float = 300, threshold: float | None = None) -> float:
    """Share of inked tiles whose darkest mark is lighter than Otsu's threshold: ink Otsu would drop.

    `threshold`: Otsu's threshold of `gray` when the caller has it already.
    """
    if threshold is None:
        threshold, _ = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY | cv2.THRESH_OTSU)
    tile = max(8, int(round(TILE_MM / 25.4 * dpi)))
    h, w = (gray.shape[0] // tile) * tile, (gray.shape[1] // tile) * tile
    if h == 0 or w == 0:
        return 0.0
    # The 3x3 blur keeps a lone noise pixel from posing as ink.
    smooth = cv2.blur(gray[:h, :w], (3, 3))
    # Rows of tiles first, then columns: the same minimum, but numpy reduces contiguous rows 15x faster.
    darkest = smooth.reshape(h // tile, tile, w // tile, tile).min(axis=1).min(axis=2).astype(np.float32)
    paper = float(np.percentile(gray[::4, ::4], 90))
    margin = max(30.0, 12 * paper_noise(gray))
    inked = darkest < paper - margin
    if not inked.any():
        return 0.0
    return float(np.count_nonzero(inked & (darkest > threshold)) / np.count_nonzero(inked))


def choose_method(gray: np.ndarray, dpi: float = 300) -> str:
    """'sauvola' when part of the ink is too faint for one global threshold, else 'otsu'."""
    return "sauvola" if faint_ink_share(gray, dpi) > FAINT_TILE_SHARE else "otsu"


def binarize(gray: np.ndarray, method: Method = "auto", dpi: float = 300, lift: float = 0.0,
             unlifted: np.ndarray | None = None) -> tuple[np.ndarray, str]:
    """Binary page (uint8, text 0 on 255) and the method actually used. `lift`: Otsu's threshold is raised
    that share of the way towards the paper (`UPSAMPLED_LIFT` for a page upsampled from screen resolution),
    except where `unlifted` is set (around seal and signature ink, whose lifted remains are light gray)."""
    if method == "auto":
        # Otsu's binary comes with its threshold: the choice reuses it rather than thresholding the page twice.
        threshold, binary = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY | cv2.THRESH_OTSU)
        if faint_ink_share(gray, dpi, threshold) <= FAINT_TILE_SHARE:
            return _lifted(gray, threshold, binary, lift, unlifted), "otsu"
        method = "sauvola"
    if method == "otsu":
        return otsu(gray, lift, unlifted), "otsu"
    if method == "sauvola":
        return sauvola(gray, dpi), "sauvola"
    if method == "strokes":
        return strokes(gray, dpi), "strokes"
    raise ValueError(f"unknown binarization method {method!r}; use 'otsu', 'sauvola', 'strokes' or 'auto'")
