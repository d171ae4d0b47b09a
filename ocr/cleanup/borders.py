"""Whiten what is not the document's ink: dark scanner borders, punch holes, form leaders, speckle, and the
signatures and seals that colour did not tell apart."""

from __future__ import annotations

from typing import NamedTuple

import cv2
import numpy as np

from ocr.cleanup.components import label
from ocr.cleanup.leaders import find_leaders
from ocr.cleanup.rules import remove_rules

# A dark region touching the image edge is a scanner border when it runs this far along the edge...
BORDER_MIN_RUN = 0.25  # fraction of the edge
# ...or covers this much area (a corner wedge from deskewing a bordered scan).
BORDER_MIN_AREA_MM2 = 400.0
PUNCH_DIAMETER_MM = (4.0, 9.0)
PUNCH_MARGIN_MM = 30.0
# Specks up to this area (at 300 dpi) always go; a little larger only when isolated from any text, which
# spares the dot of an "i", the dot below "ạ", the marks above "ế" and the upper dot of a colon (each sits
# within SPECK_ISOLATION_MM of a letter's box).
SPECK_ALWAYS_PX = 4
SPECK_ISOLATED_PX = 30
SPECK_ISOLATION_MM = 1.0
# A signature, or a seal with the signature across it, that stayed ink (a grayscale scan; black ballpoint) is
# one component this large both ways, mostly paper inside its box, and curved: Tesseract took the faint
# page's seal-and-signature blob (57 x 38 mm, 30% filled) for a picture and dropped the signer's title and
# name beside it. A table's frame and a QR code are as large and as empty, but their edges run along the axes:
# signatures and seals measure 4-36% of edge pixels within 11 degrees of an axis, a QR code's piece 64%.
STAMP_SIZE_MM = (8.0, 80.0)
STAMP_MAX_FILL = 0.4
STAMP_MAX_ALIGNED = 0.5
# ...and stands alone: three or more such components side by side, as tall as each other, are a title's letters
# (OCRmyPDF's enormous.pdf), while a receipt's two signatures side by side are still stamps.
STAMP_ROW_OF_LETTERS = 3
# Below this many components to whiten, whitening box by box beats one lookup over the whole label image.
BOXWISE_LIMIT = 4000


class Components(NamedTuple):
    """cv2.connectedComponentsWithStats of the ink (row 0 is the paper)."""

    count: int
    labels: np.ndarray
    stats: np.ndarray
    centroids: np.ndarray


class Tidied(NamedTuple):
    binary: np.ndarray
    found: dict[str, int]  # components removed per kind
    kept: np.ndarray  # stats rows of the ink components left (paper row excluded), for the blank check


def components_of(binary: np.ndarray) -> Components:
    return Components(*label(cv2.bitwise_not(binary)))


def whiten(binary: np.ndarray, components: Components, mask: np.ndarray, grow: int = 0) -> np.ndarray:
    """A copy of `binary` with the components in `mask` turned to paper, optionally grown by `grow` pixels."""
    out = binary.copy()
    ids = np.flatnonzero(mask)
    labels, stats = components.labels, components.stats
    if ids.size > BOXWISE_LIMIT and not grow:
        out[mask[labels]] = 255
        return out
    h, w = binary.shape
    kernel = np.ones((2 * grow + 1, 2 * grow + 1), np.uint8) if grow else None
    for i in ids:
        x, y, cw, ch = (int(v) for v in stats[i, :4])
        x0, y0, x1, y1 = max(0, x - grow), max(0, y - grow), min(w, x + cw + grow), min(h, y + ch + grow)
        own = labels[y0:y1, x0:x1] == i
        if kernel is not None:
            own = cv2.dilate(own.astype(np.uint8), kernel).astype(bool)
        out[y0:y1, x0:x1][own] = 255
    return out


def border_components(components: Components, shape: tuple[int, int], dpi: float,
                      outside: np.ndarray | None = None) -> np.ndarray:
    """Ink regions touching the scan's edge that are long or large (mask over components).

    `outside` marks canvas the scan does not cover (the corners a deskew rotation added); the scan's edge is
    then that area's rim, not only the image edge.
    """
    h, w = shape
    x, y, cw, ch, area = (components.stats[:, i] for i in range(5))
    touches = (x == 0) | (y == 0) | (x + cw == w) | (y + ch == h)
    if outside is not None and outside.any():
        # Grown a little: interpolation leaves a light one- or two-pixel seam between a border and the fill.
        rim = cv2.dilate(outside.astype(np.uint8), np.ones((5, 5), np.uint8)).astype(bool)
        touches |= np.bincount(components.labels[rim], minlength=components.count) > 0
    long_run = (cw >= BORDER_MIN_RUN * w) | (ch >= BORDER_MIN_RUN * h)
    big = area * (25.4 / dpi) ** 2 >= BORDER_MIN_AREA_MM2
    border = touches & (long_run | big)
    border[0] = False
    return border


def punch_hole_components(components: Components, shape: tuple[int, int], dpi: float) -> np.ndarray:
    """Round solid blobs 4-9 mm wide within 30 mm of an edge (mask over components)."""
    h, w = shape
    mm = dpi / 25.4
    cw, ch, area = (components.stats[:, i].astype(np.float64) for i in range(2, 5))
    lo, hi = (d * mm for d in PUNCH_DIAMETER_MM)
    round_size = (cw >= lo) & (cw <= hi) & (ch >= lo) & (ch <= hi) & (np.abs(cw - ch) <= 0.2 * np.maximum(cw, ch))
    fill = area / np.maximum(cw * ch, 1)
    solid_disk = (fill > 0.68) & (fill < 0.86)  # a disk fills pi/4 = 0.785 of its box
    cx, cy = components.centroids[:, 0], components.centroids[:, 1]
    margin = PUNCH_MARGIN_MM * mm
    near_edge = (cx < margin) | (cy < margin) | (cx > w - margin) | (cy > h - margin)
    holes = round_size & solid_disk & near_edge
    holes[0] = False
    return holes


def stamp_components(components: Components, dpi: float) -> np.ndarray:
    """Signatures and seals left as ink: components STAMP_SIZE_MM both ways, at most STAMP_MAX_FILL of their box,
    with at most STAMP_MAX_ALIGNED of their edge pixels running along an axis, not in a row of
    STAMP_ROW_OF_LETTERS alike (mask over components)."""
    mm = dpi / 25.4
    cw, ch, area = (components.stats[:, i].astype(np.float64) for i in range(2, 5))
    lo, hi = (d * mm for d in STAMP_SIZE_MM)
    sized = (cw >= lo) & (cw <= hi) & (ch >= lo) & (ch <= hi) & (area <= STAMP_MAX_FILL * cw * ch)
    sized[0] = False
    stamps = np.zeros_like(sized)
    candidates = np.flatnonzero(sized)
    top, height = components.stats[:, 1].astype(np.float64), ch
    for i in candidates:
        # Letters of a large title (a poster, a cover: 12 x 18 mm each) stand in a row of their like.
        others = candidates[candidates != i]
        overlap = np.minimum(top[others] + height[others], top[i] + height[i]) - np.maximum(top[others], top[i])
        alike = (overlap >= 0.5 * np.minimum(height[others], height[i])) & \
            (np.abs(height[others] - height[i]) <= 0.25 * height[i])
        if np.count_nonzero(alike) >= STAMP_ROW_OF_LETTERS - 1:
            continue
        x, y, w, h = (int(v) for v in components.stats[i, :4])
        stamps[i] = aligned_edge_share((components.labels[y:y + h, x:x + w] == i).view(np.uint8)) <= STAMP_MAX_ALIGNED
    return stamps


def aligned_edge_share(piece: np.ndarray) -> float:
    """Share of a 0/1 piece's edge pixels whose gradient lies within about 11 degrees of an axis."""
    ink = piece.astype(np.float32)
    gx, gy = np.abs(cv2.Sobel(ink, cv2.CV_32F, 1, 0, ksize=3)), np.abs(cv2.Sobel(ink, cv2.CV_32F, 0, 1, ksize=3))
    edge = (gx + gy) > 0
    aligned = edge & ((gx <= 0.2 * gy) | (gy <= 0.2 * gx))
    return float(np.count_nonzero(aligned)) / max(1, int(np.count_nonzero(edge)))


def speck_components(components: Components, shape: tuple[int, int], dpi: float,
                     gone: np.ndarray | None = None) -> np.ndarray:
    """Dust: tiny components, and small ones with no text box within reach (mask over components).

    `gone` marks components already removed (leader dots, borders): they neither count as text nor go twice.
    """
    stats = components.stats
    scale = (dpi / 300) ** 2
    area = stats[:, cv2.CC_STAT_AREA]
    gone = np.zeros(len(stats), bool) if gone is None else gone
    tiny = (area <= SPECK_ALWAYS_PX * scale) & ~gone
    small = (area <= SPECK_ISOLATED_PX * scale) & ~tiny & ~gone
    tiny[0] = small[0] = False
    if small.any():
        substantial = (area > SPECK_ISOLATED_PX * scale) & ~gone
        substantial[0] = False
        small &= ~_near_boxes(stats, substantial, small, shape, SPECK_ISOLATION_MM / 25.4 * dpi)
    return tiny | small


def _near_boxes(stats: np.ndarray, anchors: np.ndarray, queries: np.ndarray, shape: tuple[int, int],
                reach: float, cell: int = 4) -> np.ndarray:
    """Mask of `queries` components whose box lies within `reach` px of an `anchors` component's box.

    Boxes, not pixels, on a grid of `cell` px: painting the anchors' grown boxes with a summed difference
    array costs a few milliseconds, where dilating a full-page pixel mask cost tens.
    """
    h, w = shape
    gh, gw = h // cell + 2, w // cell + 2
    r = int(np.ceil(reach))
    a = np.flatnonzero(anchors)
    x, y, cw, ch = (stats[a, i].astype(np.int64) for i in range(4))
    x0, y0 = np.maximum(0, x - r) // cell, np.maximum(0, y - r) // cell
    x1, y1 = np.minimum(w - 1, x + cw - 1 + r) // cell + 1, np.minimum(h - 1, y + ch - 1 + r) // cell + 1
    diff = np.zeros((gh, gw), np.int32)
    np.add.at(diff, (y0, x0), 1)
    np.add.at(diff, (y0, x1), -1)
    np.add.at(diff, (y1, x0), -1)
    np.add.at(diff, (y1, x1), 1)
    covered = diff.cumsum(0).cumsum(1) > 0
    # Sum over each query's own box on the grid: any covered cell means an anchor is within reach.
    integral = np.zeros((gh + 1, gw + 1), np.int64)
    integral[1:, 1:] = covered.cumsum(0).cumsum(1)
    q = np.flatnonzero(queries)
    qx, qy, qw, qh = (stats[q, i].astype(np.int64) for i in range(4))
    qx0, qy0, qx1, qy1 = qx // cell, qy // cell, (qx + qw - 1) // cell + 1, (qy + qh - 1) // cell + 1
    hits = integral[qy1, qx1] - integral[qy0, qx1] - integral[qy1, qx0] + integral[qy0, qx0]
    near = np.zeros(len(stats), bool)
    near[q[hits > 0]] = True
    return near


def tidy(binary: np.ndarray, dpi: float, border: bool = True, holes: bool = True, speckle: bool = True,
         leaders: bool = True, outside: np.ndarray | None = None, stamps: bool = True, rules: bool = True
         ) -> Tidied:
    """All removals from one labelling of the ink (labelling is the costly part), whitened in one pass.

    `outside`: canvas the scan does not cover (see `border_components`). Rules go last: a scanner border's
    thin edge is a rule too, and without it the border's remains were no longer found (a real scan read 1.5% ->
    5.3%).
    """
    comps = components_of(binary)
    shape = binary.shape[:2]
    gone = np.zeros(comps.count, bool)
    found: dict[str, int] = {}
    if border:
        mask = border_components(comps, shape, dpi, outside)
        found["border"], gone = int(mask.sum()), gone | mask
    hole_mask = punch_hole_components(comps, shape, dpi) & ~gone if holes else np.zeros_like(gone)
    if holes:
        found["punch-holes"] = int(hole_mask.sum())
    if leaders:
        mask = find_leaders(binary, comps.stats, comps.centroids, dpi) & ~gone & ~hole_mask
        found["leaders"], gone = int(mask.sum()), gone | mask
    if stamps:
        mask = stamp_components(comps, dpi) & ~gone & ~hole_mask
        found["stamps"], gone = int(mask.sum()), gone | mask
    if speckle:
        mask = speck_components(comps, shape, dpi, gone | hole_mask)
        found["speckle"], gone = int(mask.sum()), gone | mask
    out = whiten(binary, comps, gone) if gone.any() else binary
    if hole_mask.any():
        # Grown by two pixels: the hole's anti-aliased rim binarizes as a thin ring around the blob.
        out = whiten(out, comps, hole_mask, grow=2)
    if rules:
        out, found["rules"] = remove_rules(out, dpi)
    kept = ~(gone | hole_mask)
    kept[0] = False
    return Tidied(out, found, comps.stats[kept])


def remove_dark_border(binary: np.ndarray, dpi: float, components: Components | None = None
                       ) -> tuple[np.ndarray, bool]:
    """Whiten ink regions touching the image edge that are long or large; returns (binary, found)."""
    comps = Components(*(components or components_of(binary)))
    mask = border_components(comps, binary.shape[:2], dpi)
    return (whiten(binary, comps, mask), True) if mask.any() else (binary, False)


def remove_punch_holes(binary: np.ndarray, dpi: float, components: Components | None = None
                       ) -> tuple[np.ndarray, int]:
    """Whiten round solid blobs 4-9 mm wide within 30 mm of an edge; returns (binary, holes removed)."""
    comps = Components(*(components or components_of(binary)))
    mask = punch_hole_components(comps, binary.shape[:2], dpi)
    return (whiten(binary, comps, mask, grow=2), int(mask.sum())) if mask.any() else (binary, 0)


def remove_speckle(binary: np.ndarray, dpi: float, components: Components | None = None
                   ) -> tuple[np.ndarray, int]:
    """Whiten dust: tiny components, and small ones far from any text; returns (binary, specks removed)."""
    comps = Components(*(components or components_of(binary)))
    mask = speck_components(comps, binary.shape[:2], dpi)
    return (whiten(binary, comps, mask), int(mask.sum())) if mask.any() else (binary, 0)
