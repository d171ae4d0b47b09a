"""Detect whether a page lies upright, on its side or upside down, and turn it by quarter turns.

The fallback needs no OCR: the sharper projection profile (rows vs columns) says whether the text lines
run across or along the image, and the ink above vs below the x-height band of each line says which way
is up — Latin script has more ascenders than descenders, and Vietnamese adds tone and vowel marks above.
Tesseract's OSD is asked only when that vote is close.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import cv2
import numpy as np

from ocr.cleanup.deskew import skew_of_points
from ocr.cleanup.profile import InkPoints, ink_points, projection

# Below this up/down asymmetry the profile vote is unsure and OSD is consulted (validated on rendered pages:
# upright Vietnamese text scores 0.3-0.6, noise-only pages near 0).
UNSURE_ASYMMETRY = 0.12
# OSD answers below this confidence are ignored (Tesseract's own scale; it prints ~1-20 on real pages).
OSD_MIN_CONFIDENCE = 2.0
# With osd="unsure", Tesseract is asked when the profile vote's confidence is below this (see docs/cleanup.md).
CONSULT_OSD_BELOW = 0.9
# The line direction is sure when one axis's profiles are sharper than the other's by this margin: the vote's
# confidence then depends on which way up only, and its skew holds whichever way up the page turns out to be.
AXIS_MARGIN_SURE = 0.25


@dataclass(frozen=True)
class OrientationResult:
    rotate: int  # degrees clockwise to apply to make the page upright: 0, 90, 180, 270
    confidence: float  # 0..1; 0 when there is no text to judge
    method: str  # "profile", "osd", "profile+osd" (both agreed) or "none"
    skew: float = 0.0  # line angle found on the way, counter-clockwise degrees, in the upright frame
    suggested: int = 0  # with osd="defer": the unsure vote's turn, left for recognition to try first
    # How surely the lines run across the page once turned by `rotate`: the relative margin of the row
    # profile's sharpness over the column profile's (negative: they run down it; 0 when unknown).
    across: float = 0.0


def rotate_quadrant(image: np.ndarray, degrees: int) -> np.ndarray:
    """Rotate clockwise by 0, 90, 180 or 270 degrees (exact, no resampling)."""
    degrees %= 360
    codes = {90: cv2.ROTATE_90_CLOCKWISE, 180: cv2.ROTATE_180, 270: cv2.ROTATE_90_COUNTERCLOCKWISE}
    if degrees == 0:
        return image.copy()
    if degrees not in codes:
        raise ValueError(f"rotation must be a multiple of 90 degrees, got {degrees}")
    return cv2.rotate(image, codes[degrees])


def line_asymmetry(profile: np.ndarray) -> float:
    """(ink above - ink below the x-height band) / both, summed over the text lines of a row profile.

    Positive when the lines stand upright in this frame, negative when they hang upside down.
    """
    if profile.size == 0 or profile.max() == 0:
        return 0.0
    present = profile > max(1.0, 0.02 * float(np.percentile(profile, 99)))
    # Close 1-2 px gaps so a diacritic floating above its letter stays part of the line.
    present = cv2.morphologyEx(present.astype(np.uint8)[:, None], cv2.MORPH_CLOSE,
                               np.ones((5, 1), np.uint8))[:, 0].astype(bool)
    edges = np.flatnonzero(np.diff(np.concatenate([[0], present.astype(np.int8), [0]])))
    above = below = 0.0
    for start, end in zip(edges[::2], edges[1::2]):
        line = profile[start:end].astype(np.float64)
        if line.size < 4:
            continue
        peak = int(np.argmax(line))
        core = line >= 0.5 * line[peak]
        top = peak
        while top > 0 and core[top - 1]:
            top -= 1
        bottom = peak
        while bottom < line.size - 1 and core[bottom + 1]:
            bottom += 1
        above += line[:top].sum()
        below += line[bottom + 1:].sum()
    total = above + below
    return 0.0 if total == 0 else (above - below) / total


def orientation_of_points(points: InkPoints) -> OrientationResult:
    """The no-OCR vote: line direction from profile sharpness, up/down from line asymmetry."""
    if len(points) < 200:
        return OrientationResult(0, 0.0, "none")
    h_angle, h_score = skew_of_points(points)
    turned = points.swapped()
    v_angle, v_score = skew_of_points(turned)
    if h_score >= v_score:
        asym = line_asymmetry(projection(points, h_angle))
        rotate = 0 if asym >= 0 else 180
        # A skew measured before a half turn keeps its sign after it.
        skew = h_angle
    else:
        asym = line_asymmetry(projection(turned, v_angle))
        # Transposing shows a page turned clockwise with its letter tops facing down, see the tests.
        rotate = 90 if asym >= 0 else 270
        skew = -v_angle
    axis_margin = abs(h_score - v_score) / max(h_score, v_score, 1e-12)
    confidence = float(min(1.0, abs(asym) / (2 * UNSURE_ASYMMETRY)) * min(1.0, axis_margin / AXIS_MARGIN_SURE))
    return OrientationResult(rotate, round(confidence, 3), "profile", round(skew, 2), across=round(axis_margin, 3))


OsdUse = Literal["never", "unsure", "always", "defer"]


def detect_orientation(gray: np.ndarray, dpi: float, osd: OsdUse = "unsure") -> OrientationResult:
    """Quarter turn (clockwise) that makes the page upright.

    `osd="unsure"` asks Tesseract only when the profile vote is below its confidence bar; "always" asks it
    to confirm every page; "never" stays OCR-free. "defer" asks nobody: an unsure vote leaves the page as
    stored, its turn only `suggested`, since the pipeline reads the page anyway and tries the other
    orientations of a weak reading (an OSD run costs as much as a reading; most pages are stored upright).
    """
    points = ink_points(gray, dpi)
    vote = orientation_of_points(points)
    if osd == "defer" and vote.confidence < CONSULT_OSD_BELOW:
        # The skew was measured along the lines of the vote's frame. A half turn keeps them across the page; a
        # quarter turn keeps the angle too (a rotation and a quarter turn commute), but only when the lines
        # surely run down the page as stored: the clean-up cannot measure the skew across such lines itself,
        # and recognition would read the quarter-turned page still skewed (a phone photo 5.5 deg off, in
        # fragments).
        across = vote.across if vote.rotate in (0, 180) else -vote.across
        if vote.rotate in (0, 180) or vote.across >= AXIS_MARGIN_SURE:
            return OrientationResult(0, vote.confidence, "profile-deferred", vote.skew, suggested=vote.rotate,
                                     across=across)
        return OrientationResult(0, vote.confidence, "deferred", suggested=vote.rotate, across=across)
    if osd in ("never", "defer") or vote.method == "none" and len(points) < 50:
        return vote
    if osd == "unsure" and vote.confidence >= CONSULT_OSD_BELOW:
        return vote
    from ocr.tesseract import detect_osd  # imported late: the OCR-free path must not need Tesseract

    answer = detect_osd(_for_osd(gray, dpi))
    if answer is None or answer.orientation_confidence < OSD_MIN_CONFIDENCE:
        return vote
    if answer.rotate == vote.rotate:
        return OrientationResult(vote.rotate, max(vote.confidence, 0.9), "profile+osd", vote.skew,
                                 across=vote.across)
    same_axis = (answer.rotate - vote.rotate) % 180 == 0
    return OrientationResult(answer.rotate, min(1.0, answer.orientation_confidence / 10), "osd",
                             vote.skew if same_axis else 0.0, across=vote.across if same_axis else -vote.across)


def _for_osd(gray: np.ndarray, dpi: float) -> np.ndarray:
    """OSD works on 300 dpi and gains nothing from more; bigger scans only cost time."""
    if dpi > 310:
        scale = 300 / dpi
        return cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    return gray
