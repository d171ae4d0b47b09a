"""Find the sheet of paper in a phone photo (its four corners) and flatten it to an upright rectangle.

`find_sheet` returns None for an image that already is a page (flatbed scan, screenshot) and whenever no
convincing quadrilateral is found: the caller then keeps the image as it is, because cropping text away is far
worse than leaving a table top around the page. Lighting is left to `illumination.flatten_illumination`,
which the clean-up stage runs after this step anyway.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import cv2
import numpy as np

__all__ = ["Sheet", "find_sheet", "flatten_sheet", "sheet_dpi"]

# The search runs on a copy whose longest side is at most this long: a page edge is a long line, not detail.
WORK_SIDE = 640
MIN_AREA = 0.25  # of the frame; a smaller "sheet" is more likely a label, a card or a bright patch of table
MIN_ANGLE, MAX_ANGLE = 45.0, 135.0  # interior corner angles a photographed rectangle can plausibly show
MIN_SUPPORT = 0.35  # share of a side's profiles that find the edge on its fitted line (a hand hides some)
MIN_MEAN_SUPPORT = 0.6
MIN_CONTRAST = 25.0  # paperness inside the sheet minus outside, 0..255
FRAME_SLACK = 0.03  # corners this close (of the diagonal) to the frame's corners: the page fills the frame
A_RATIO = float(np.sqrt(2.0))
A4_LONG_INCHES = 297 / 25.4
CUBIC_BELOW_DPI = 150  # a sheet smaller than A4 at this resolution is warped bicubic (see flatten_sheet)
WELL_SUPPORTED = 0.65  # an outline whose weakest side has this support ends the search
# A sheet on another sheet: its sides are looked for up to this share of the way across the joint region,
# among steps that this share of a side's profiles agree on, the nearest few per side.
INSET_DEPTH = 0.4
INSET_SUPPORT = 0.6
INSET_STEPS = 1
# A side whose region stops short of the sheet (a shadow darkens the paper below the threshold) is looked for
# further out, up to this share of the way across the sheet again.
OUTSET_DEPTH = 0.3
# ... and so is a weakly supported side whose points stop this share of its length short of both its corners: a
# text line, inside the page, where the region's side ran through the shadow.
SHORT_OF_CORNERS = 0.15
# Administrative papers are A4 (NĐ 30/2020), and every A size is sqrt(2) long. An outline this far off that
# shape whose one side, moved out to the next well-supported step, brings it within A_COMPLETED of it is the
# sheet's outline with a shadowed end left out (the step the region's side stopped at is the shadow's edge).
A_INCOMPLETE = 0.08
A_COMPLETED = 0.06
# The next step is looked for this share of the way across again: further than OUTSET_DEPTH, since the A shape
# guards it (a shadowed half of the page, decision 71 L3, lies 0.67 of the way across beyond the side found).
COMPLETION_DEPTH = 0.8
HIDDEN_EDGE_SUPPORT = 0.2  # share of a side's profiles that must find the weaker edge beside a stronger one
EDGE_PROFILES = 48  # profiles across each side
CORNER_SHARE = 0.08  # the triangle inside each corner that must be paper, as a share of the two sides' lengths


@dataclass(frozen=True)
class Sheet:
    """A sheet found in a photo: corners TL, TR, BR, BL (float32, 4x2, input pixels), score 0..1, method."""

    corners: np.ndarray
    score: float  # the weakest side's share of edge profiles that agree with its fitted line
    method: str  # "contour" (4-point approximation of the paper's outline) or "rect" (its min-area rectangle)


def paperness(bgr: np.ndarray) -> np.ndarray:
    """How paper-like each pixel is, uint8: bright in all channels, unsaturated (skin and wood score low)."""
    b, g, r = cv2.split(np.ascontiguousarray(bgr))
    lo, hi = cv2.min(cv2.min(b, g), r), cv2.max(cv2.max(b, g), r)
    # (3 lo - hi) / 2 = lo - (hi - lo) / 2: the darkest channel, less half the chroma.
    return cv2.addWeighted(lo, 1.5, hi, -0.5, 0)


def fills_frame(bgr: np.ndarray) -> bool:
    """True when paper-like pixels line at least three sides of the image: a scan, a screenshot, a close-up.

    Against a paper-coloured background no sheet edge could be seen anyway, so this is a safe early exit, and
    it reads only a strided sample (~1-3 ms on a 300-dpi A4 page). One side may differ: a scanner's dark
    border strip or a binding shadow along the spine.
    """
    step = max(1, round(max(bgr.shape[:2]) / 400))
    p = paperness(bgr[::step, ::step])
    hist = np.bincount(p.ravel(), minlength=256)
    ref = int(np.searchsorted(np.cumsum(hist), 0.95 * p.size))
    if ref < 60:
        return False
    k = max(2, round(0.02 * min(p.shape)))
    paper_sides = 0
    # Three depths (0-2, 2-4, 4-6% of the short side): a scanner's dark border is a thin strip at the frame.
    for depth in range(0, 3 * k, k):
        strips = (p[depth:depth + k], p[p.shape[0] - depth - k:p.shape[0] - depth],
                  p[:, depth:depth + k], p[:, p.shape[1] - depth - k:p.shape[1] - depth])
        paper_sides = max(paper_sides, sum(float(np.mean(s >= ref - 40)) >= 0.85 for s in strips))
    return paper_sides >= 3


def find_sheet(bgr: np.ndarray) -> Sheet | None:
    """The document page in a photo, or None if the image is already a page or no sheet is convincing."""
    image = _as_bgr(bgr)
    if fills_frame(image):
        return None
    h, w = image.shape[:2]
    factor = max(1, -(-max(h, w) // WORK_SIDE))
    # An integer factor takes OpenCV's fast block-averaging path (3x faster than an arbitrary scale).
    small = image[:h // factor * factor, :w // factor * factor]
    if factor > 1:
        small = cv2.resize(small, (w // factor, h // factor), interpolation=cv2.INTER_AREA)
    p = cv2.GaussianBlur(paperness(small), (0, 0), 1.2)
    found = _search(p)
    if found is None:
        return None
    quad, score, method = found
    corners = ((quad + 0.5) * factor - 0.5).astype(np.float32)
    return Sheet(corners=corners, score=round(score, 3), method=method)


def flatten_sheet(bgr: np.ndarray, sheet: Sheet, dpi_hint: int | None = None) -> np.ndarray:
    """The sheet warped to an upright rectangle, background cropped away.

    The size keeps the longer of each pair of opposite edges, so the text is never sampled coarser than the
    camera saw it; an aspect within 3% of the A-series ratio (sqrt 2) is snapped to it. With `dpi_hint` the
    result is enlarged (never shrunk) until an A4 page would be at that resolution.
    """
    tl, tr, br, bl = sheet.corners.astype(np.float64)
    width = max(np.linalg.norm(tr - tl), np.linalg.norm(br - bl))
    height = max(np.linalg.norm(bl - tl), np.linalg.norm(br - tr))
    long_side, short_side = max(width, height), min(width, height)
    if abs(long_side / short_side / A_RATIO - 1) <= 0.03:
        long_side = max(long_side, short_side * A_RATIO)
        short_side = long_side / A_RATIO
    small = long_side / A4_LONG_INCHES < CUBIC_BELOW_DPI
    if dpi_hint:
        grow = max(1.0, A4_LONG_INCHES * dpi_hint / long_side)
        long_side, short_side = long_side * grow, short_side * grow
    out_w, out_h = (long_side, short_side) if width >= height else (short_side, long_side)
    out_w, out_h = int(round(out_w)), int(round(out_h))
    target = np.float32([[0, 0], [out_w - 1, 0], [out_w - 1, out_h - 1], [0, out_h - 1]])
    matrix = cv2.getPerspectiveTransform(sheet.corners.astype(np.float32), target)
    # A small sheet is warped bicubic although the output is near 1:1 and is resampled again: bilinear at
    # fractional offsets blurs every stroke, and letters ~8 px high lose their tone marks to it (six synthetic
    # L3 photos, ~105 dpi: 13.8% bilinear, 5.7% bicubic). A larger sheet keeps bilinear: on the ~200-dpi L2
    # photos bicubic's ringing read worse (0.7% -> 1.2%).
    interpolation = cv2.INTER_CUBIC if small else cv2.INTER_LINEAR
    return cv2.warpPerspective(_as_bgr(bgr), matrix, (out_w, out_h), flags=interpolation,
                               borderMode=cv2.BORDER_REPLICATE)


def sheet_dpi(flat: np.ndarray, long_mm: float = 297.0) -> int:
    """The resolution of a flattened sheet if its longer side is `long_mm` long (A4 by default)."""
    return int(round(max(flat.shape[:2]) / (long_mm / 25.4)))


def _as_bgr(image: np.ndarray) -> np.ndarray:
    if image.ndim == 2:
        return cv2.cvtColor(image, cv2.COLOR_GRAY2BGR)
    if image.shape[2] == 4:
        return cv2.cvtColor(image, cv2.COLOR_BGRA2BGR)
    return image


def _search(p: np.ndarray) -> tuple[np.ndarray, float, str] | None:
    """Best quadrilateral (work-image pixels) among the largest bright regions, with its score and method."""
    h, w = p.shape
    otsu, _ = cv2.threshold(p, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    hist = np.bincount(p.ravel(), minlength=256).astype(np.float64)
    levels = np.arange(256)
    bright, dark = hist[levels > otsu], hist[levels <= otsu]
    if bright.sum() < MIN_AREA * 0.5 * p.size or dark.sum() == 0:
        return None
    paper = float((levels[levels > otsu] * bright).sum() / bright.sum())
    ground = float((levels[levels <= otsu] * dark).sum() / dark.sum())
    min_step = max(4.0, 0.05 * (paper - ground))
    min_contrast = max(8.0, 0.08 * (paper - ground))
    white = int(np.searchsorted(np.cumsum(bright), 0.9 * bright.sum())) + int(otsu) + 1
    # A second sheet under this one is nearly as bright: at Otsu's level the two are one region; closer to the
    # paper's white the top sheet stands alone (and shadows or older paper make the other the darker one).
    thresholds = [otsu] + [otsu + share * (white - otsu) for share in (0.5, 0.8, 0.9)]
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (7, 7))
    best: tuple[np.ndarray, float, str] | None = None
    rough: list[tuple[np.ndarray, str]] = []
    for threshold in thresholds:
        mask = cv2.threshold(p, threshold, 255, cv2.THRESH_BINARY)[1]
        # The opening cuts thin bright bridges (a glint along a table edge, a touching corner of a sheet).
        mask = cv2.morphologyEx(mask, cv2.MORPH_OPEN, kernel)
        contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
        for contour in sorted(contours, key=cv2.contourArea, reverse=True)[:2]:
            if cv2.contourArea(contour) < 0.6 * MIN_AREA * h * w:
                break
            for quad, method in _candidates(contour):
                rough.append((quad, method))
                best = _better(p, quad, method, min_step, min_contrast, best, short_out=True)
        if best is not None and best[1] >= WELL_SUPPORTED:
            return _completed(p, best, min_step, min_contrast)  # the region at this level is well supported
    if best is not None:
        return _completed(p, best, min_step, min_contrast)
    # A sheet lying on another sheet of paper: at every threshold the two are one region, and the top sheet's
    # edges are inside the region's outline or hidden behind the other sheet's stronger edge. Only when no
    # outline was plausible, since moving a side in to a wrong step would cut text away.
    pf = p.astype(np.float32)
    for quad, method in rough:
        for inset, moved in _inset_quads(pf, quad, min_step):
            # Narrow refits of the moved sides: they are fitted lines already, and the wide band would go back
            # to the stronger edge of the sheet underneath. A side left as it was is still the rough one.
            best = _better(p, inset, method + "-inset", min_step, min_contrast, best,
                           wide=tuple(not m for m in moved))
    # A shadow across one end: the region stops short of the sheet there, and a side with no edge near it is
    # looked for further out. Last, because a side moved out to the wrong step takes in the table or another
    # sheet (whose text would be read with the page).
    for quad, method in rough:
        best = _better(p, quad, method + "-outset", min_step, min_contrast, best, outset=True)
    return None if best is None else _completed(p, best, min_step, min_contrast)


def _completed(p: np.ndarray, found: tuple[np.ndarray, float, str], min_step: float, min_contrast: float
               ) -> tuple[np.ndarray, float, str]:
    """`found`, or, when it is off the A shape by more than A_INCOMPLETE, the outline with the one side moved out
    to its next step (`_outer_step`) that brings it nearest that shape, within A_COMPLETED.

    A shadow across one end can be sharp-edged (a phone or a hand over the page): the region's side then stops
    at a straight step, well supported, inside the page, and every later check passes; the text beyond it was
    cut away (synthetic photo form 54 L3: 13% of the page). Only a plausible outline with its corners on paper
    is taken; a thermal receipt or a card, far from the A shape, finds no such step within reach.
    """
    quad, score, method = found
    if _off_a_shape(quad) <= A_INCOMPLETE:
        return found
    pf = p.astype(np.float32)
    sides = [(quad[i], (quad[(i + 1) % 4] - quad[i]) / max(float(np.linalg.norm(quad[(i + 1) % 4] - quad[i])), 1e-9))
             for i in range(4)]
    best = found
    for i in range(4):
        step = _outer_step(pf, quad, i, min_step, COMPLETION_DEPTH)
        if step is None:
            continue
        lines = sides[:i] + [(step[0], step[1])] + sides[i + 1:]
        corners = [_intersect(lines[j - 1], lines[j]) for j in range(4)]
        if any(c is None for c in corners):
            continue
        moved = np.array(corners)
        if _off_a_shape(moved) > min(A_COMPLETED, _off_a_shape(best[0]) - 1e-6) or not _plausible(moved, p) \
                or not _corners_on_paper(moved, p, min_contrast):
            continue
        best = (moved, min(score, step[2]), method + "-completed")
    return best


def _off_a_shape(quad: np.ndarray) -> float:
    """How far the quad's mean long-to-short side ratio is from sqrt(2), as a share of it."""
    sides = [float(np.linalg.norm(quad[(i + 1) % 4] - quad[i])) for i in range(4)]
    first, second = (sides[0] + sides[2]) / 2, (sides[1] + sides[3]) / 2
    return abs(max(first, second) / max(min(first, second), 1e-9) / A_RATIO - 1)


def _better(p: np.ndarray, quad: np.ndarray, method: str, min_step: float, min_contrast: float,
            best: tuple[np.ndarray, float, str] | None, wide: bool | tuple[bool, ...] = True,
            outset: bool = False, short_out: bool = False) -> tuple[np.ndarray, float, str] | None:
    """`best`, or the refined `quad` when it is plausible and either has its corners on paper where `best` has
    not, or is clearly better supported."""
    found = _refine(p, quad, min_step, min_contrast, wide, outset)
    if found is None or not _plausible(found[0], p):
        return best
    if short_out and found[1] < INSET_SUPPORT:
        # Only an outline plausible as it is: looking further out must not turn a rejected one into a winner.
        # (With every side at INSET_SUPPORT or more no side is looked for further out: the same outline.)
        further = _refine(p, quad, min_step, min_contrast, wide, outset, short_out=True)
        if further is not None and further[1] >= found[1] and _plausible(further[0], p):
            found = further
    refined, score = found
    if best is None:
        return refined, score, method
    # A side fitted to the edge of a sheet underneath runs on past that sheet's corner, and the quad's corner
    # there lies on the table: such a quad loses to one whose corners are all paper, however well supported.
    papered, best_papered = (_corners_on_paper(q, p, min_contrast) for q in (refined, best[0]))
    if papered != best_papered:
        return (refined, score, method) if papered else best
    return (refined, score, method) if score > best[1] + 0.02 else best


def _corners_on_paper(quad: np.ndarray, p: np.ndarray, min_contrast: float) -> bool:
    """Whether the quad just inside each corner (a triangle CORNER_SHARE of its sides long) is paper: brighter
    than just outside one of the two sides there, or as bright as the quad's middle (a corner lying on another
    sheet). A corner on the table has table inside it and outside both its sides."""
    core, ring = _core_and_ring(quad, p)
    if not core.any() or not ring.any():
        return False
    middle = (float(np.median(p[core])) + float(np.median(p[ring]))) / 2
    pf = p.astype(np.float32)
    centre = quad.mean(axis=0)
    for i in range(4):
        c, prev, nxt = quad[i], quad[i - 1], quad[(i + 1) % 4]
        mask = np.zeros(p.shape, np.uint8)
        triangle = np.array([c, c + CORNER_SHARE * (prev - c), c + CORNER_SHARE * (nxt - c)])
        cv2.fillConvexPoly(mask, np.round(triangle).astype(np.int32), 255)
        if not mask.any():
            continue
        inside = float(np.median(p[mask > 0]))
        if inside >= middle:
            continue
        arms = [_outside_near(pf, c, other, centre) for other in (prev, nxt)]
        arms = [arm for arm in arms if arm is not None]
        if arms and inside - min(arms) < min_contrast:
            return False
    return True


def _outside_near(pf: np.ndarray, c: np.ndarray, other: np.ndarray, centre: np.ndarray) -> float | None:
    """Median paperness in a strip 3-7 px outside side c-other, along its first CORNER_SHARE from corner c;
    None when the strip lies beyond the frame."""
    normal = _outward(c, other, centre)
    ts = np.linspace(0.02, CORNER_SHARE, 8)
    offsets = np.arange(3.0, 8.0)
    pts = (c + ts[:, None] * (other - c))[:, None, :] + offsets[None, :, None] * normal
    vals = cv2.remap(pf, pts[..., 0].astype(np.float32), pts[..., 1].astype(np.float32), cv2.INTER_LINEAR,
                     borderMode=cv2.BORDER_CONSTANT, borderValue=-1)
    vals = vals[vals >= 0]
    return float(np.median(vals)) if vals.size >= 8 else None


def _core_and_ring(quad: np.ndarray, p: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Boolean masks: the quad eroded by 7 px, and a 7-px ring around it."""
    inner = np.zeros(p.shape, np.uint8)
    cv2.fillConvexPoly(inner, quad.astype(np.int32), 255)
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (15, 15))
    ring = cv2.dilate(inner, kernel) & ~inner
    core = cv2.erode(inner, kernel)
    return core > 0, ring > 0


def _inset_quads(pf: np.ndarray, quad: np.ndarray, min_step: float) -> list[tuple[np.ndarray, tuple[bool, ...]]]:
    """The rough quad with one or more sides moved in to a straight step found inside it, and which sides moved."""
    options: list[list[tuple[np.ndarray, np.ndarray]]] = []
    for i in range(4):
        a, b = quad[i], quad[(i + 1) % 4]
        options.append([(a, (b - a) / max(np.linalg.norm(b - a), 1e-9))] + _hidden_edge(pf, quad, i, min_step)
                       + _inner_steps(pf, quad, i, min_step))
    if all(len(o) == 1 for o in options):
        return []
    quads = []
    for lines in itertools.product(*options):
        if all(line is o[0] for line, o in zip(lines, options)):
            continue  # the rough quad itself was tried already
        corners = [_intersect(lines[i - 1], lines[i]) for i in range(4)]
        if all(c is not None for c in corners):
            quads.append((np.array(corners), tuple(line is not o[0] for line, o in zip(lines, options))))
    return quads


def _hidden_edge(pf: np.ndarray, quad: np.ndarray, i: int, min_step: float) -> list[tuple[np.ndarray, np.ndarray]]:
    """The second straight edge near side i: where a sheet's edge runs beside a stronger one, the profiles that
    do not see the stronger edge find the weaker one (the top sheet's side where the sheet under it ends)."""
    edge = _edge_points(pf, quad[i], quad[(i + 1) % 4], quad.mean(axis=0), _wide_band(pf.shape), min_step)
    first = _consensus_line(edge)
    if first is None:
        return []
    point, direction, _ = first
    normal = np.array([-direction[1], direction[0]])
    rest = edge[np.abs((edge - point) @ normal) > 3.0]
    second = _consensus_line(rest)
    if second is None or second[2] < HIDDEN_EDGE_SUPPORT * EDGE_PROFILES:
        return []
    side = (quad[(i + 1) % 4] - quad[i]) / max(np.linalg.norm(quad[(i + 1) % 4] - quad[i]), 1e-9)
    if abs(float(np.dot(second[1], side))) < np.cos(np.radians(15)):
        return []
    return [(second[0], second[1])]


def _inner_steps(pf: np.ndarray, quad: np.ndarray, i: int, min_step: float) -> list[tuple[np.ndarray, np.ndarray]]:
    """Well-supported straight steps inside the quad near side i (up to INSET_DEPTH of the way across).

    Windows a wide band apart are searched for the step: one tilted a few degrees from the rough side still
    falls mostly in one window. Text lines pass this test too; `_side_contrast` rejects them later.
    """
    band = _wide_band(pf.shape)
    a, b = quad[i], quad[(i + 1) % 4]
    centre = quad.mean(axis=0)
    normal = _outward(a, b, centre)
    across = _across(quad, i, normal)
    steps: list[tuple[np.ndarray, np.ndarray, float]] = []
    shift = float(band)
    while shift <= INSET_DEPTH * across:
        fit = _fit_side(pf, a - shift * normal, b - shift * normal, centre, band, min_step)
        if fit is not None and fit[2] >= INSET_SUPPORT:
            depth = float(np.dot((a + b) / 2 - fit[0], normal))
            if all(abs(depth - other) > band / 2 for *_, other in steps):
                steps.append((fit[0], fit[1], depth))
        shift += band
    return [(point, direction) for point, direction, _ in steps[:INSET_STEPS]]


def _outer_step(pf: np.ndarray, quad: np.ndarray, i: int, min_step: float, depth: float = OUTSET_DEPTH
                ) -> tuple[np.ndarray, np.ndarray, float] | None:
    """The nearest well-supported straight step outside side i (up to `depth` of the way across).

    A shadow across one end of the sheet takes its paper below every threshold, so the region's side runs
    through the shadow, farther from the sheet's real edge than the wide band looks. The shadow itself is a
    gentle slope; the edge past it is still a sharp step. `_side_contrast` later rejects a step that is
    not an edge of paper.
    """
    band = _wide_band(pf.shape)
    a, b = quad[i], quad[(i + 1) % 4]
    centre = quad.mean(axis=0)
    normal = _outward(a, b, centre)
    across = _across(quad, i, normal)
    shift = float(band)
    while shift <= depth * across:
        fit = _fit_side(pf, a + shift * normal, b + shift * normal, centre, band, min_step)
        if fit is not None and fit[2] >= INSET_SUPPORT:
            return fit
        shift += band
    return None


def _stops_short(points: np.ndarray, a: np.ndarray, b: np.ndarray, fit: tuple[np.ndarray, np.ndarray, float]
                 ) -> bool:
    """Whether the points on the fitted line stop SHORT_OF_CORNERS short of both ends of side a-b.

    A sheet's edge runs from corner to corner (a hand or a shadow hides one stretch of it); a line of text,
    a centred title, is a straight step only along its own length, inside the page."""
    point, direction, _ = fit
    normal = np.array([-direction[1], direction[0]])
    on_line = points[np.abs((points - point) @ normal) <= 1.5]
    if not len(on_line):
        return False
    ts = (on_line - a) @ (b - a) / max(float(np.dot(b - a, b - a)), 1e-9)
    return float(ts.min()) > SHORT_OF_CORNERS and float(ts.max()) < 1 - SHORT_OF_CORNERS


def _across(quad: np.ndarray, i: int, normal: np.ndarray) -> float:
    """The quad's depth from side i to the middle of the opposite side, along side i's normal."""
    a, b = quad[i], quad[(i + 1) % 4]
    return abs(float(np.dot((quad[(i + 2) % 4] + quad[(i + 3) % 4]) / 2 - (a + b) / 2, normal)))


def _outward(a: np.ndarray, b: np.ndarray, centre: np.ndarray) -> np.ndarray:
    """The unit normal of side a-b pointing away from `centre`."""
    d = b - a
    normal = np.array([d[1], -d[0]]) / max(float(np.linalg.norm(d)), 1e-9)
    return -normal if np.dot(normal, (a + b) / 2 - centre) < 0 else normal


def _wide_band(shape: tuple[int, ...]) -> int:
    """How far either side of a rough side its edge is looked for when the narrow look fails."""
    return max(6, int(round(0.03 * float(np.hypot(*shape[:2])))))


def _candidates(contour: np.ndarray) -> list[tuple[np.ndarray, str]]:
    """Rough quadrilaterals for one region: a 4-point approximation of its hull, its min-area rectangle."""
    hull = cv2.convexHull(contour)
    perimeter = cv2.arcLength(hull, True)
    found = []
    for share in (0.01, 0.02, 0.03, 0.05, 0.08, 0.12):
        approx = cv2.approxPolyDP(hull, share * perimeter, True)
        if len(approx) == 4:
            found.append((_order(approx.reshape(4, 2).astype(np.float64)), "contour"))
            break
        if len(approx) < 4:
            break
    found.append((_order(cv2.boxPoints(cv2.minAreaRect(hull)).astype(np.float64)), "rect"))
    return found


def _order(points: np.ndarray) -> np.ndarray:
    """Corners clockwise on screen (y down) starting top-left: TL, TR, BR, BL."""
    centre = points.mean(axis=0)
    angles = np.arctan2(points[:, 1] - centre[1], points[:, 0] - centre[0])
    points = points[np.argsort(angles)]
    return np.roll(points, -int(np.argmin(points.sum(axis=1))), axis=0)


def _refine(p: np.ndarray, quad: np.ndarray, min_step: float, min_contrast: float,
            wide: bool | tuple[bool, ...] = True, outset: bool = False, short_out: bool = False
            ) -> tuple[np.ndarray, float] | None:
    """Each side re-fitted to the strongest bright-to-dark step across it; corners where the lines meet.

    The threshold only roughs out the sheet (uneven light moves it, a hand bites into it); the step in the
    paperness profile is where the edge really is; a consensus fit ignores profiles a hand or shadow spoils.
    """
    h, w = p.shape
    diagonal = float(np.hypot(h, w))
    # Narrow first: just beyond an edge against another sheet lies that sheet's text, whose left-justified
    # margin is a straighter and stronger step than the edge itself. Wide only when the rough side is off
    # (a corner the hand cut, a shadow the threshold followed).
    bands = (max(4, int(round(0.008 * diagonal))), _wide_band(p.shape))
    wide_sides = (wide,) * 4 if isinstance(wide, bool) else wide
    centre = quad.mean(axis=0)
    pf = p.astype(np.float32)
    lines, supports = [], []
    for i in range(4):
        a, b = quad[i], quad[(i + 1) % 4]
        if np.linalg.norm(b - a) < 10:
            return None
        best, best_band = None, bands[0]
        for band in bands if wide_sides[i] else bands[:1]:
            fit = _fit_side(pf, a, b, centre, band, min_step)
            if fit is not None and (best is None or fit[2] > best[2]):
                best, best_band = fit, band
            if best is not None and best[2] >= 0.7:
                break
        if outset and (best is None or best[2] < MIN_SUPPORT):
            best = _outer_step(pf, quad, i, min_step) or best
        elif short_out and best is not None and best[2] < INSET_SUPPORT and \
                _stops_short(_edge_points(pf, a, b, centre, best_band, min_step), a, b, best):
            best = _outer_step(pf, quad, i, min_step) or best
        if best is None:
            return None
        lines.append((best[0], best[1]))
        supports.append(best[2])
    corners = []
    for i in range(4):
        corner = _intersect(lines[i - 1], lines[i])
        if corner is None:
            return None
        corners.append(corner)
    if min(supports) < MIN_SUPPORT or float(np.mean(supports)) < MIN_MEAN_SUPPORT:
        return None
    corners_array = np.array(corners)
    centre = corners_array.mean(axis=0)
    for i in range(4):
        if _side_contrast(pf, corners_array[i], corners_array[(i + 1) % 4], centre, bands[1]) < min_contrast:
            return None
    return corners_array, float(min(supports))


def _side_contrast(pf: np.ndarray, a: np.ndarray, b: np.ndarray, centre: np.ndarray, band: int) -> float:
    """Median paperness just inside side a-b minus just outside it (3 px to `band` px), over in-frame samples.

    A text line looks like a sheet edge to the step finder (a straight bright-to-dark step), but a band-wide
    look past it finds paper again; past a true edge lies table, hand, or a sheet of other paper.
    """
    h, w = pf.shape
    d = b - a
    normal = _outward(a, b, centre)
    ts = np.linspace(0.1, 0.9, 24)
    offsets = np.concatenate([np.arange(-band, -2), np.arange(3, band + 1)]).astype(np.float64)
    pts = (a + ts[:, None] * d)[:, None, :] + offsets[None, :, None] * normal
    x, y = pts[..., 0], pts[..., 1]
    vals = cv2.remap(pf, x.astype(np.float32), y.astype(np.float32), cv2.INTER_LINEAR,
                     borderMode=cv2.BORDER_CONSTANT, borderValue=-1)
    inside, outside = vals[:, offsets < 0], vals[:, offsets > 0]
    inside, outside = inside[inside >= 0], outside[outside >= 0]
    if inside.size < 20 or outside.size < 20:
        return 0.0  # the side runs along or past the frame: nothing outside it to compare with
    return float(np.median(inside) - np.median(outside))


def _fit_side(pf: np.ndarray, a: np.ndarray, b: np.ndarray, centre: np.ndarray, band: int, min_step: float
              ) -> tuple[np.ndarray, np.ndarray, float] | None:
    """The edge line near side a-b from 48 outward profiles +-band long: point, direction, support share."""
    fit = _consensus_line(_edge_points(pf, a, b, centre, band, min_step))
    if fit is None:
        return None
    point, direction, inliers = fit
    return point, direction, inliers / EDGE_PROFILES


def _edge_points(pf: np.ndarray, a: np.ndarray, b: np.ndarray, centre: np.ndarray, band: int, min_step: float
                 ) -> np.ndarray:
    """Where each of the outward profiles across side a-b finds its strongest bright-to-dark step, in frame."""
    h, w = pf.shape
    d = b - a
    normal = _outward(a, b, centre)
    ts = np.linspace(0.06, 0.94, EDGE_PROFILES)
    offsets = np.arange(-band, band + 1, dtype=np.float64)
    base = a + ts[:, None] * d
    pts = base[:, None, :] + offsets[None, :, None] * normal
    vals = cv2.remap(pf, pts[..., 0].astype(np.float32), pts[..., 1].astype(np.float32), cv2.INTER_LINEAR,
                     borderMode=cv2.BORDER_REPLICATE)
    grad = vals[:, 2:] - vals[:, :-2]  # outward: paper inside, so the edge is the most negative step
    k = np.clip(np.argmin(grad, axis=1), 1, grad.shape[1] - 2)
    rows = np.arange(len(ts))
    g0, g1, g2 = grad[rows, k - 1], grad[rows, k], grad[rows, k + 1]
    denom = g0 - 2 * g1 + g2
    shift = np.where(np.abs(denom) > 1e-6, 0.5 * (g0 - g2) / np.where(denom == 0, 1, denom), 0.0)
    s = offsets[1:-1][k] + np.clip(shift, -0.5, 0.5)
    edge = base + s[:, None] * normal
    # The frame's own edge is no sheet edge: a step found at the border means the sheet runs off the photo.
    in_frame = (edge[:, 0] > 2) & (edge[:, 0] < w - 3) & (edge[:, 1] > 2) & (edge[:, 1] < h - 3)
    # Against another sheet the step is a fraction of the one against the table: judge each side by its own
    # typical step, with a small share of the table contrast as the floor.
    strength = -g1
    typical = float(np.median(strength[in_frame])) if in_frame.any() else 0.0
    ok = (strength >= max(min_step, 0.4 * typical)) & in_frame
    return edge[ok]


def _consensus_line(points: np.ndarray, tolerance: float = 1.5) -> tuple[np.ndarray, np.ndarray, int] | None:
    """The line through most points, refitted to its inliers.

    Hypotheses are pairs a quarter, a third and half the side apart: far pairs give well-defined lines, and 3n
    of them are a tenth of all pairs.
    """
    n = len(points)
    if n < 6:
        return None
    gaps = sorted({n // 4, n // 3, n // 2})
    i = np.concatenate([np.arange(n - gap) for gap in gaps])
    j = np.concatenate([np.arange(gap, n) for gap in gaps])
    d = points[j] - points[i]
    norms = np.linalg.norm(d, axis=1)
    keep = norms > 5
    i, j, d, norms = i[keep], j[keep], d[keep], norms[keep]
    if not len(i):
        return None
    normals = np.stack([-d[:, 1], d[:, 0]], axis=1) / norms[:, None]
    dist = np.abs(np.einsum("pk,pnk->pn", normals, points[None, :, :] - points[i][:, None, :]))
    counts = (dist <= tolerance).sum(axis=1)
    best = int(np.argmax(counts))
    inliers = points[dist[best] <= tolerance]
    vx, vy, x0, y0 = cv2.fitLine(inliers.astype(np.float32), cv2.DIST_L2, 0, 0.01, 0.01).ravel()
    return np.array([x0, y0], dtype=np.float64), np.array([vx, vy], dtype=np.float64), len(inliers)


def _intersect(first: tuple[np.ndarray, np.ndarray], second: tuple[np.ndarray, np.ndarray]
               ) -> np.ndarray | None:
    (p1, d1), (p2, d2) = first, second
    cross = d1[0] * d2[1] - d1[1] * d2[0]
    if abs(cross) < 0.2:  # nearly parallel neighbours: no corner a photo of a rectangle could have
        return None
    t = ((p2[0] - p1[0]) * d2[1] - (p2[1] - p1[1]) * d2[0]) / cross
    return p1 + t * d1


def _plausible(quad: np.ndarray, p: np.ndarray) -> bool:
    """A convex quadrilateral of believable shape and size, brighter than its surroundings, in frame."""
    h, w = p.shape
    diagonal = np.hypot(h, w)
    slack = 0.01 * diagonal
    if (quad[:, 0].min() < -slack or quad[:, 1].min() < -slack or quad[:, 0].max() > w - 1 + slack
            or quad[:, 1].max() > h - 1 + slack):
        return False
    if not cv2.isContourConvex(quad.astype(np.float32).reshape(-1, 1, 2)):
        return False
    area = cv2.contourArea(quad.astype(np.float32))
    if area < MIN_AREA * h * w:
        return False
    frame = np.array([[0, 0], [w - 1, 0], [w - 1, h - 1], [0, h - 1]], dtype=np.float64)
    if np.all(np.linalg.norm(quad - frame, axis=1) <= FRAME_SLACK * diagonal):
        return False
    for i in range(4):
        u, v = quad[i - 1] - quad[i], quad[(i + 1) % 4] - quad[i]
        cos = np.dot(u, v) / (np.linalg.norm(u) * np.linalg.norm(v))
        if not MIN_ANGLE <= np.degrees(np.arccos(np.clip(cos, -1, 1))) <= MAX_ANGLE:
            return False
    sides = [np.linalg.norm(quad[(i + 1) % 4] - quad[i]) for i in range(4)]
    if min(sides[0], sides[2]) < 0.5 * max(sides[0], sides[2]) or min(sides[1], sides[3]) < 0.5 * max(
            sides[1], sides[3]):
        return False
    core, ring = _core_and_ring(quad, p)
    if not ring.any() or not core.any():
        return False
    return float(np.median(p[core])) - float(np.median(p[ring])) >= MIN_CONTRAST
