"""Page clean-up: make a raw scan upright, straight, evenly lit, free of seal ink and dust, then binary.

`clean_page` is the whole stage, in this order (each step a pure function in its own module):
find and flatten the sheet in a photo -> measure the text's scale -> resample to 300 dpi (as measured) -> colour ink out -> flatten illumination -> orientation -> deskew -> binarize ->
border, punch-hole, form-leader and speckle removal -> blank check (the ink's opinion only: the pipeline
confirms a blank page, and any quarter turn of a weak page, by recognition; `turn` applies its verdict).
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass

import cv2
import numpy as np

from ocr.cleanup.binarize import UPSAMPLED_LIFT, Method, binarize, ink_gray
from ocr.cleanup.blank import ink_evidence
from ocr.cleanup.borders import tidy
from ocr.cleanup.deskew import estimate_skew, rotate_image, uncovered
from ocr.cleanup.illumination import flatten_illumination
from ocr.cleanup.ink import colour_free_gray, colour_ink_masks, colour_region, find_colour_ink, letters_near
from ocr.cleanup.orientation import OsdUse, detect_orientation, rotate_quadrant
from ocr.cleanup.resample import to_working_resolution
from ocr.cleanup.rules import remove_rules
from ocr.cleanup.scale import page_scale
from ocr.cleanup.sheet import find_sheet, flatten_sheet, sheet_dpi
from ocr.model import CleanedPage, PageImage

__all__ = ["CleanupOptions", "clean_page", "rebinarize", "turn"]

MIN_DPI, MAX_DPI = 70, 2400
# A page is never brought to more pixels than this (a photo measured at low resolution would otherwise grow
# several-fold): 40 Mpx is A3 at 360 dpi, about 120 MB as BGR.
MAX_WORKING_PIXELS = 40_000_000
# Below this source resolution colour is lifted only near seal and signature ink (see clean_page).
FRINGE_DPI = 200
# A page brought up to the working resolution by at least this factor is thresholded for its blended marks
# (ocr.cleanup.binarize.UPSAMPLED_LIFT): a 200-dpi scan (1.5x) keeps Otsu, a 144-dpi screenshot (2.1x) is lifted.
LIFT_FROM_FACTOR = 1.6


@dataclass(frozen=True)
class CleanupOptions:
    """What the clean-up does to a page; the defaults suit commune-scanner output."""

    working_dpi: int = 300
    # A page below the working resolution is brought up only until its measured x-height reaches this many
    # pixels (0: always to `working_dpi`). Upsampling further gives Tesseract nothing new to read: it cost
    # a 96-dpi page 9x the pixels plain Tesseract reads.
    working_x_height_px: float = 0.0
    find_sheet: bool = True  # a photographed sheet is found, its perspective corrected, the background cut
    measure_scale: bool = True  # the resolution from the text's x-height when the stated dpi disagrees
    remove_colour_ink: bool = True
    flatten_illumination: bool = True
    detect_orientation: bool = True
    osd: OsdUse = "unsure"
    deskew: bool = True
    min_skew: float = 0.1  # degrees; smaller corrections only blur the page
    binarization: Method = "auto"
    remove_border: bool = True
    remove_punch_holes: bool = True
    remove_speckle: bool = True
    remove_leaders: bool = True  # dotted form leaders are layout, and Tesseract reads them as garbage
    remove_stamps: bool = True  # signatures and seals still ink after the colour mask (borders.stamp_components)
    remove_rules: bool = True  # underlines and form lines, keeping the dots and descenders they touch (rules.py)


def clean_page(page: PageImage, options: CleanupOptions | None = None) -> CleanedPage:
    """Clean one rasterized page for recognition and display. Raises ValueError on an unusable image."""
    opts = options or CleanupOptions()
    image = _check(page)
    timings: dict[str, float] = {}
    flags: list[str] = []
    clock = time.perf_counter()

    def lap(step: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        timings[step] = round(now - clock, 4)
        clock = now

    details: dict = {}
    source_dpi: float = page.dpi
    if opts.find_sheet:
        sheet = find_sheet(image)
        if sheet is not None:
            image = flatten_sheet(image, sheet)
            # A photo's dpi tag says nothing about the sheet; A4 is the start, the text's x-height decides.
            source_dpi = sheet_dpi(image)
            flags.append("sheet-flattened")
            details["sheet"] = {"corners": sheet.corners.round(1).tolist(), "score": round(sheet.score, 3),
                                "method": sheet.method}
    lap("sheet")
    if opts.measure_scale:
        scale = page_scale(image, source_dpi, stated_is_a_guess="sheet" in details)
        details["scale"] = asdict(scale)
        if scale.source == "text":
            source_dpi = scale.dpi
            flags.append("rescaled")
    target = min(float(opts.working_dpi), source_dpi * (MAX_WORKING_PIXELS / (image.shape[0] * image.shape[1])) ** 0.5)
    measured = details.get("scale", {}).get("x_height_px")
    if opts.working_x_height_px and measured and target > source_dpi:
        # x_height_px is in the input's pixels, which are at source_dpi.
        target = max(source_dpi, min(target, source_dpi * opts.working_x_height_px / measured))
    bgr, dpi = to_working_resolution(image, source_dpi, target)
    details["source_dpi"] = round(source_dpi, 1)
    lap("resample")

    ink_mask = region = None
    if opts.remove_colour_ink:
        ink = find_colour_ink(bgr, dpi)
        if ink.is_print:
            gray = cv2.cvtColor(bgr, cv2.COLOR_BGR2GRAY)
            flags.append("colour-print-kept")
        elif ink.red_found or ink.blue_found:
            ink_mask, fringes = colour_ink_masks(bgr, dpi, dpi / source_dpi if source_dpi < FRINGE_DPI else 0.0)
            if source_dpi < FRINGE_DPI:
                # At screen resolution the red/blue fringes of black letters (subpixel rendering, chroma
                # subsampling) are a third of a stroke: lift colour only around the seal and signature ink, and
                # not on the letters whose fringes were kept out of the mask.
                gray = cv2.cvtColor(bgr, cv2.COLOR_BGR2GRAY)
                region = colour_region(ink_mask, dpi) & ~letters_near(fringes, dpi)
                gray[region] = colour_free_gray(bgr)[region]
            else:
                gray = colour_free_gray(bgr)
            flags += ["seal-removed"] * ink.red_found + ["signature-removed"] * ink.blue_found
        else:
            gray = cv2.cvtColor(bgr, cv2.COLOR_BGR2GRAY)
        details["colour_ink"] = asdict(ink)
    else:
        gray = cv2.cvtColor(bgr, cv2.COLOR_BGR2GRAY)
    lap("ink")

    if opts.flatten_illumination:
        gray = flatten_illumination(gray, dpi)
    if ink_mask is not None:
        # Paper white, not the light gray the lift leaves: gray rims survive Otsu, and Sauvola finds them all.
        gray[ink_mask] = 255 if opts.flatten_illumination else int(np.percentile(gray[::8, ::8], 95))
    # A photo's softness is the camera's blur, not a screen rendering's blending: lifting it fattens its strokes
    # (the synthetic photo L3 form read 3.8% -> 5.3%).
    lift = UPSAMPLED_LIFT if dpi >= LIFT_FROM_FACTOR * source_dpi and "sheet" not in details else 0.0
    # Around seal and signature ink the threshold is not lifted: the lifted ink's light remains would pass it as
    # strokes. The mask (0/255) is turned and deskewed with the page.
    unlifted = None
    if lift and ink_mask is not None:
        unlifted = (colour_region(ink_mask, dpi) if region is None else region).view(np.uint8) * np.uint8(255)
    lap("illumination")

    rotation, skew, outside = 0, None, None
    if opts.detect_orientation:
        found = detect_orientation(gray, dpi, osd=opts.osd)
        details["orientation"] = {"confidence": found.confidence, "method": found.method,
                                  "suggested": found.suggested, "across": found.across}
        rotation = found.rotate
        if "profile" in found.method:
            skew = found.skew  # the orientation vote already measured the line angle on the same ink
        if rotation:
            bgr, gray = rotate_quadrant(bgr, rotation), rotate_quadrant(gray, rotation)
            unlifted = None if unlifted is None else rotate_quadrant(unlifted, rotation)
            flags.append("rotated")
    lap("orientation")

    if opts.deskew:
        if skew is None:
            skew = estimate_skew(gray, dpi)
        if abs(skew) >= opts.min_skew:
            outside = uncovered(gray.shape, -skew)
            gray = rotate_image(gray, -skew, fill=255)
            bgr = rotate_image(bgr, -skew)
            unlifted = None if unlifted is None else rotate_image(unlifted, -skew, fill=0)
            flags.append("deskewed")
        else:
            skew = 0.0
    lap("deskew")

    unlifted_mask = None if unlifted is None else unlifted > 127
    binary, method = binarize(gray, opts.binarization, dpi, lift, unlifted_mask)
    lap("binarize")
    binary, tidy_flags, kept = _tidy(binary, dpi, opts, outside)
    flags += tidy_flags
    lap("borders")

    evidence = ink_evidence(binary, dpi, gray, kept)
    blank = evidence.looks_blank
    if blank:
        flags.append("blank")
    lap("blank")

    details.update(ink=asdict(evidence), gray=gray, binarization=method, lift=lift, timings=timings, options=opts,
                   outside=outside, unlifted=unlifted_mask,
                   ink_gray=ink_gray(gray, binary))
    return CleanedPage(display=bgr, binary=binary, dpi=dpi, rotation=rotation, skew=float(skew or 0.0),
                       blank=blank, flags=flags, details=details)


def rebinarize(cleaned: CleanedPage, method: Method) -> np.ndarray:
    """Binarize a cleaned page again with another method (e.g. Sauvola after a low-confidence Otsu read)."""
    gray = cleaned.details.get("gray")
    if gray is None:
        raise ValueError("this page was not produced by clean_page: its normalised gray image is missing")
    opts = cleaned.details.get("options") or CleanupOptions()
    binary, _ = binarize(gray, method, cleaned.dpi, float(cleaned.details.get("lift") or 0.0),
                         cleaned.details.get("unlifted"))
    binary, _, _ = _tidy(binary, cleaned.dpi, opts, cleaned.details.get("outside"))
    return binary


def turn(cleaned: CleanedPage, degrees: int) -> CleanedPage:
    """The cleaned page turned a further `degrees` clockwise (a quarter-turn multiple), every image with it."""
    degrees %= 360
    if degrees == 0:
        return cleaned
    details = dict(cleaned.details)
    for key in ("gray", "outside", "unlifted"):
        if details.get(key) is not None:
            details[key] = rotate_quadrant(details[key].view(np.uint8), degrees).view(details[key].dtype)
    if degrees in (90, 270) and details.get("orientation"):
        # Lines that ran across the page run down it after a quarter turn.
        details["orientation"] = dict(details["orientation"], across=-details["orientation"].get("across", 0.0))
    flags = [f for f in cleaned.flags if f != "rotated"]
    rotation = (cleaned.rotation + degrees) % 360
    if rotation:
        flags.append("rotated")
    binary = cleaned.binary
    if degrees in (90, 270) and (details.get("options") or CleanupOptions()).remove_rules:
        binary, found = cross_rules_removed(binary, cleaned.dpi)
        if found and "rules-removed" not in flags:
            flags.append("rules-removed")
    return CleanedPage(display=rotate_quadrant(cleaned.display, degrees),
                       binary=rotate_quadrant(binary, degrees), dpi=cleaned.dpi, rotation=rotation,
                       skew=cleaned.skew, blank=cleaned.blank, flags=flags, details=details)


def cross_rules_removed(binary: np.ndarray, dpi: int) -> tuple[np.ndarray, int]:
    """`binary` with its vertical rules whitened, and how many: the rules a quarter turn makes horizontal, which
    the clean-up's own step saw on end (a page only recognition found lying on its side)."""
    turned, found = remove_rules(np.ascontiguousarray(binary.T), dpi)
    return (np.ascontiguousarray(turned.T), found) if found else (binary, 0)


def _tidy(binary: np.ndarray, dpi: int, opts: CleanupOptions, outside: np.ndarray | None = None
          ) -> tuple[np.ndarray, list[str], np.ndarray]:
    """The tidied binary, its flags, and the stats of the ink components left (for the blank check)."""
    binary, found, kept = tidy(binary, dpi, opts.remove_border, opts.remove_punch_holes, opts.remove_speckle,
                               opts.remove_leaders, outside, opts.remove_stamps, opts.remove_rules)
    names = {"border": "border-cropped", "punch-holes": "punch-holes-removed", "speckle": "despeckled",
             "leaders": "leaders-removed", "stamps": "stamps-removed", "rules": "rules-removed"}
    return binary, [names[kind] for kind, count in found.items() if count], kept


def _check(page: PageImage) -> np.ndarray:
    """The page's pixels as BGR uint8, or a ValueError that says what is wrong with them."""
    where = f"page {page.index + 1}"
    image = page.image
    if not isinstance(image, np.ndarray) or image.size == 0:
        raise ValueError(f"{where}: the image is empty")
    if not MIN_DPI <= page.dpi <= MAX_DPI:
        raise ValueError(f"{where}: resolution {page.dpi} dpi is outside {MIN_DPI}-{MAX_DPI} dpi")
    if image.dtype != np.uint8:
        raise ValueError(f"{where}: expected 8-bit pixels, got {image.dtype}")
    if image.ndim == 2:
        return cv2.cvtColor(image, cv2.COLOR_GRAY2BGR)
    if image.ndim == 3 and image.shape[2] == 3:
        return image
    if image.ndim == 3 and image.shape[2] == 4:
        return cv2.cvtColor(image, cv2.COLOR_BGRA2BGR)
    raise ValueError(f"{where}: expected a gray or BGR image, got shape {image.shape}")
