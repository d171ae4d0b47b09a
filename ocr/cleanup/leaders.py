"""Whiten dotted form leaders ("Họ và tên: ..........."): layout, not text, and poison for Tesseract.

A leader is a run of at least five dot-sized components on one baseline with an even pitch. Text never makes
such a run: the dots of "i", the dấu nặng under letters, periods, colons and decimal commas come alone or in
pairs, sit at different heights, or have letters between them.
"""

from __future__ import annotations

import cv2
import numpy as np

# Dot size in mm: a 9-16 pt period is 0.35-0.6 mm; blur and upsampling from 200 dpi widen or shrink it.
DOT_MM = (0.2, 0.95)
DOT_MAX_ASPECT = 1.7
DOT_MIN_FILL = 0.45  # a round dot fills pi/4 of its box; thin strokes (commas, accents) fill less of a wider box
MIN_RUN = 5
# Centre to centre, dots of a leader are at least this many dot widths apart and at most this far (mm).
MIN_PITCH_DOTS = 1.3
MAX_PITCH_MM = 3.0
PITCH_TOLERANCE = 0.3  # each gap within +-30% of the run's median pitch
# Centres on one baseline differ by at most this share of the dot height (plus a pixel for rounding).
BASELINE_TOLERANCE = 0.5
# A leader dot has paper above and below it for this many dot heights; the dot of an "i" has its stem below,
# the dấu nặng its letter above.
CLEAR_DOTS = 2.0


def dot_candidates(stats: np.ndarray, dpi: float) -> np.ndarray:
    """Boolean mask over components (row 0 = background) of dot-sized, roughly round, solid blobs."""
    mm = dpi / 25.4
    w = stats[:, cv2.CC_STAT_WIDTH].astype(np.float64)
    h = stats[:, cv2.CC_STAT_HEIGHT].astype(np.float64)
    area = stats[:, cv2.CC_STAT_AREA].astype(np.float64)
    lo, hi = max(2.0, DOT_MM[0] * mm), DOT_MM[1] * mm
    sized = (w >= lo) & (h >= lo) & (w <= hi) & (h <= hi)
    round_ = np.maximum(w, h) <= DOT_MAX_ASPECT * np.minimum(w, h)
    solid = area >= DOT_MIN_FILL * w * h
    found = sized & round_ & solid
    found[0] = False
    return found


def _vertically_alone(binary: np.ndarray, stats: np.ndarray, ids: np.ndarray) -> np.ndarray:
    """For each dot, whether the columns it spans hold no ink within CLEAR_DOTS dot heights above and below."""
    height = binary.shape[0]
    alone = np.ones(ids.size, dtype=bool)
    for k, i in enumerate(ids):
        x, y, w, h = (int(v) for v in stats[i, :4])
        reach = int(np.ceil(CLEAR_DOTS * h))
        above = binary[max(0, y - reach):y, x:x + w]
        below = binary[y + h:min(height, y + h + reach), x:x + w]
        alone[k] = bool(above.all()) and bool(below.all())  # paper is 255, so all() means no ink
    return alone


def _right_neighbours(cx: np.ndarray, cy: np.ndarray, size: np.ndarray, max_pitch: float) -> np.ndarray:
    """For each dot (sorted by cy), the index of the nearest dot to its right on the same baseline, or -1."""
    n = cx.size
    right = np.full(n, -1, dtype=np.int64)
    tol = BASELINE_TOLERANCE * size + 1.0
    max_tol = float(tol.max()) if n else 0.0
    lo_idx = np.searchsorted(cy, cy - max_tol, side="left")
    hi_idx = np.searchsorted(cy, cy + max_tol, side="right")
    for i in range(n):
        j = np.arange(lo_idx[i], hi_idx[i])
        dx = cx[j] - cx[i]
        ok = (np.abs(cy[j] - cy[i]) <= tol[i]) & (dx >= MIN_PITCH_DOTS * size[i]) & (dx <= max_pitch)
        if ok.any():
            j, dx = j[ok], dx[ok]
            right[i] = j[int(np.argmin(dx))]
    return right


def _even_runs(chain: list[int], cx: np.ndarray) -> list[list[int]]:
    """Split a chain of dots (left to right) where the pitch breaks; keep runs of MIN_RUN or more."""
    gaps = np.diff(cx[chain])
    pitch = float(np.median(gaps))
    runs: list[list[int]] = []
    current = [chain[0]]
    for k, gap in enumerate(gaps):
        if abs(gap - pitch) <= PITCH_TOLERANCE * pitch:
            current.append(chain[k + 1])
        else:
            runs.append(current)
            current = [chain[k + 1]]
    runs.append(current)
    return [run for run in runs if len(run) >= MIN_RUN]


def find_leaders(binary: np.ndarray, stats: np.ndarray, centroids: np.ndarray, dpi: float) -> np.ndarray:
    """Boolean mask over components: the dots that belong to an evenly spaced horizontal run of five or more."""
    leader = np.zeros(len(stats), dtype=bool)
    ids = np.flatnonzero(dot_candidates(stats, dpi))
    if ids.size < MIN_RUN:
        return leader
    ids = ids[_vertically_alone(binary, stats, ids)]
    if ids.size < MIN_RUN:
        return leader
    order = np.argsort(centroids[ids, 1], kind="stable")
    ids = ids[order]
    cx, cy = centroids[ids, 0], centroids[ids, 1]
    size = np.maximum(stats[ids, cv2.CC_STAT_WIDTH], stats[ids, cv2.CC_STAT_HEIGHT]).astype(np.float64)
    right = _right_neighbours(cx, cy, size, MAX_PITCH_MM * dpi / 25.4)
    # Keep only mutual links, so each dot has at most one left and one right neighbour and chains are paths.
    left = np.full(ids.size, -1, dtype=np.int64)
    linked = right >= 0
    nearest_left: dict[int, int] = {}
    for i in np.flatnonzero(linked):
        j = int(right[i])
        if j not in nearest_left or cx[i] > cx[nearest_left[j]]:
            nearest_left[j] = int(i)
    for j, i in nearest_left.items():
        left[j] = i
    for i in np.flatnonzero(linked):
        if left[right[i]] != i:
            right[i] = -1
    for start in np.flatnonzero(left < 0):
        chain = [int(start)]
        while right[chain[-1]] >= 0:
            chain.append(int(right[chain[-1]]))
        if len(chain) >= MIN_RUN:
            for run in _even_runs(chain, cx):
                leader[ids[run]] = True
    return leader


def remove_leaders(binary: np.ndarray, dpi: float, components: tuple | None = None) -> tuple[np.ndarray, int]:
    """Whiten the dots of form leaders; returns (binary, dots removed). Text dots and punctuation stay."""
    _, labels, stats, centroids = components or cv2.connectedComponentsWithStats(
        cv2.bitwise_not(binary), connectivity=8)
    leader = find_leaders(binary, stats, centroids, dpi)
    if not leader.any():
        return binary, 0
    out = binary.copy()
    out[leader[labels]] = 255
    return out, int(leader.sum())
