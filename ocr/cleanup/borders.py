"""Whiten what is not the document's ink: dark scanner borders, punch holes and speckle."""

from __future__ import annotations

import cv2
import numpy as np

# A dark region touching the image edge is a scanner border when it runs this far along the edge...
BORDER_MIN_RUN = 0.25  # fraction of the edge
# ...or covers this much area (a corner wedge from deskewing a bordered scan).
BORDER_MIN_AREA_MM2 = 400.0
PUNCH_DIAMETER_MM = (4.0, 9.0)
PUNCH_MARGIN_MM = 30.0
# Specks up to this area (at 300 dpi) always go; a little larger only when isolated from any text, which
# spares the dot of an "i", the dot below "ạ" and the marks above "ế" (each sits within a letter height).
SPECK_ALWAYS_PX = 4
SPECK_ISOLATED_PX = 30
SPECK_ISOLATION_MM = 1.5


Components = tuple  # (count, labels, stats, centroids) from cv2.connectedComponentsWithStats


def _components(binary: np.ndarray) -> Components:
    return cv2.connectedComponentsWithStats(cv2.bitwise_not(binary), connectivity=8)


def tidy(binary: np.ndarray, dpi: float, border: bool = True, holes: bool = True, speckle: bool = True
         ) -> tuple[np.ndarray, dict[str, int]]:
    """All three removals from one labelling of the ink (labelling is the costly part); counts per kind."""
    components = _components(binary)
    out, found = binary, {}
    for name, enabled, step in (("border", border, remove_dark_border), ("punch-holes", holes, remove_punch_holes),
                                ("speckle", speckle, remove_speckle)):
        if enabled:
            # Removals only whiten whole components, so the one labelling stays valid for the next step.
            out, count = step(out, dpi, components)
            found[name] = int(count)
    return out, found


def remove_dark_border(binary: np.ndarray, dpi: float, components: Components | None = None
                       ) -> tuple[np.ndarray, bool]:
    """Whiten ink regions touching the image edge that are long or large; returns (binary, found)."""
    n, labels, stats, _ = components or _components(binary)
    h, w = binary.shape
    x, y, cw, ch, area = (stats[:, i] for i in range(5))
    touches = (x == 0) | (y == 0) | (x + cw == w) | (y + ch == h)
    long_run = (cw >= BORDER_MIN_RUN * w) | (ch >= BORDER_MIN_RUN * h)
    big = area * (25.4 / dpi) ** 2 >= BORDER_MIN_AREA_MM2
    border = touches & (long_run | big)
    border[0] = False
    if not border.any():
        return binary, False
    out = binary.copy()
    out[border[labels]] = 255
    return out, True


def remove_punch_holes(binary: np.ndarray, dpi: float, components: Components | None = None
                       ) -> tuple[np.ndarray, int]:
    """Whiten round solid blobs 4-9 mm wide within 30 mm of an edge; returns (binary, holes removed)."""
    n, labels, stats, centroids = components or _components(binary)
    h, w = binary.shape
    mm = dpi / 25.4
    x, y, cw, ch, area = (stats[:, i].astype(np.float64) for i in range(5))
    lo, hi = (d * mm for d in PUNCH_DIAMETER_MM)
    round_size = (cw >= lo) & (cw <= hi) & (ch >= lo) & (ch <= hi) & (np.abs(cw - ch) <= 0.2 * np.maximum(cw, ch))
    fill = area / np.maximum(cw * ch, 1)
    solid_disk = (fill > 0.68) & (fill < 0.86)  # a disk fills pi/4 = 0.785 of its box
    cx, cy = centroids[:, 0], centroids[:, 1]
    margin = PUNCH_MARGIN_MM * mm
    near_edge = (cx < margin) | (cy < margin) | (cx > w - margin) | (cy > h - margin)
    holes = round_size & solid_disk & near_edge
    holes[0] = False
    if not holes.any():
        return binary, 0
    out = binary.copy()
    # Grow by a few pixels: the hole's anti-aliased rim binarizes as a thin ring around the blob.
    mask = cv2.dilate(holes[labels].astype(np.uint8), np.ones((5, 5), np.uint8)).astype(bool)
    out[mask] = 255
    return out, int(holes.sum())


def remove_speckle(binary: np.ndarray, dpi: float, components: Components | None = None
                   ) -> tuple[np.ndarray, int]:
    """Whiten dust: tiny components, and small ones far from any text; returns (binary, specks removed)."""
    n, labels, stats, _ = components or _components(binary)
    scale = (dpi / 300) ** 2
    area = stats[:, cv2.CC_STAT_AREA]
    tiny = area <= SPECK_ALWAYS_PX * scale
    small = (area <= SPECK_ISOLATED_PX * scale) & ~tiny
    tiny[0] = small[0] = False
    if small.any():
        substantial = area > SPECK_ISOLATED_PX * scale
        substantial[0] = False
        reach = max(3, int(round(SPECK_ISOLATION_MM / 25.4 * dpi)) | 1)
        near_text = cv2.dilate(substantial[labels].astype(np.uint8), np.ones((reach, reach), np.uint8))
        # A small component is kept when any of its pixels lies within reach of a substantial one.
        touched = np.zeros(n, dtype=bool)
        touched[np.unique(labels[(near_text > 0) & small[labels]])] = True
        small &= ~touched
    speck = tiny | small
    if not speck.any():
        return binary, 0
    out = binary.copy()
    out[speck[labels]] = 255
    return out, int(speck.sum())
