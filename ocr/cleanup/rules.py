"""Whiten horizontal rules (underlines, form lines, a receipt's section lines) but not the glyph ink they touch.

Every state document underlines its motto "Độc lập - Tự do - Hạnh phúc", and on many real pages the underline
touches the dots under "ự" and "ạ". Joined to the line, a dot is no longer a mark for Tesseract: the held-out
form template read "Tư do - Hanh phúc". A rule is a run of ink at least RULE_MIN_MM long in one row and at most
RULE_MAX_MM thick, with the shorter runs joined to it where a photographed rule waves. Its pixels and its ragged
edge are whitened except in the columns where ink goes on beyond that edge (a dot below, a descender, a letter
standing on a form line), so the glyphs keep their strokes. Rules of tables and frames stay.
"""

from __future__ import annotations

import cv2
import numpy as np

RULE_MIN_MM = 12.0  # longer than any glyph or dash: an em dash at 14 pt is 5 mm
RULE_MAX_MM = 0.8  # thicker runs are bars, boxes or merged bold letters, not rules
RULE_MAX_BOX_MM = 3.0  # height of the rule's box, with the residual skew of a deskewed page
# A rule that meets a vertical run this long is part of a table or a frame: whitening it joined the cells of
# a real form's table into lines Tesseract read across (31.7% CER instead of 8%), so it stays.
FRAME_MIN_MM = 6.0
WAVE_MM = 1.0  # how far a photographed rule drifts up or down from its long runs
WAVE_RUN_MM = 1.0  # the pieces of such a rule between its long runs
TICK_MM = 0.3  # what is left of a waving rule where it steps: marks this narrow within its rows (a dot is 0.6 mm)
# Ink that goes on this far past the rule's long runs is a glyph crossing or touching it; less is the rule's
# ragged edge.
CROSSING_MM = 0.2


def remove_rules(binary: np.ndarray, dpi: float) -> tuple[np.ndarray, int]:
    """Whiten the rules; returns (binary, rules whitened). Glyphs touching a rule keep their ink."""
    mm = dpi / 25.4
    ink = cv2.compare(binary, 128, cv2.CMP_LT)
    length = max(3, int(round(RULE_MIN_MM * mm))) | 1  # odd: an even kernel's anchor drops a rule's end column
    along = cv2.getStructuringElement(cv2.MORPH_RECT, (length, 1))
    # Eroded, each run of `length` or more leaves its middle; dilating that back, box by box, is the opening
    # at a fifth of the cost of opening the whole page.
    cores = cv2.erode(ink, along)
    if not cv2.countNonZero(cores):
        return binary, 0
    # Contours, not a labelling: on a sparse image they cost 2 ms against 55 ms for an A4 page at 300 dpi.
    outlines, _ = cv2.findContours(cores, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    frame = max(3, int(round(FRAME_MIN_MM * mm))) | 1
    upright = cv2.getStructuringElement(cv2.MORPH_RECT, (1, frame))
    reach = max(1, int(round(CROSSING_MM * mm)))
    short = cv2.getStructuringElement(cv2.MORPH_RECT, (max(3, int(round(WAVE_RUN_MM * mm))) | 1, 1))
    height, width = binary.shape[:2]
    half = length // 2
    out = binary
    found = 0
    for outline in outlines:
        x, y, w, h = cv2.boundingRect(outline)
        if h > RULE_MAX_BOX_MM * mm:
            continue
        x0, x1 = max(0, x - half), min(width, x + w + half)
        core = np.zeros((h, x1 - x0), np.uint8)
        core[:, x - x0:x - x0 + w] = cores[y:y + h, x:x + w]
        rule = (cv2.dilate(core, along) & ink[y:y + h, x0:x1]) > 0
        present = rule.any(axis=0)
        if float(np.median(rule.sum(axis=0)[present])) > RULE_MAX_MM * mm:
            continue
        if out is not binary and (out[y:y + h, x0:x1][rule] >= 128).all():
            continue  # a piece of a waving rule already whitened
        # A photographed rule waves: its long runs are pieces, and the rest of it is runs of WAVE_RUN_MM or more
        # joined to them within WAVE_MM above or below, as far along the page as they go. In a column with a
        # long run, only while no thicker than the rule: a letter's foot standing on it is a glyph.
        ya, yb = max(0, y - int(round(WAVE_MM * mm))), min(height, y + h + int(round(WAVE_MM * mm)))
        _, labels = cv2.connectedComponents(cv2.morphologyEx(ink[ya:yb], cv2.MORPH_OPEN, short), connectivity=8)
        seeded = np.zeros(labels.shape, bool)
        seeded[y - ya:y - ya + h, x0:x1] = rule
        joined = np.unique(labels[seeded & (labels > 0)])
        pieces = np.isin(labels, joined)
        across = pieces.sum(axis=0)
        thick = float(np.median(across[across > 0]))  # the rule's own thickness: feet stand on few columns
        long_runs = (cv2.dilate(cores[ya:yb], along) & ink[ya:yb]) > 0
        thin = ~long_runs.any(axis=0) | (across <= thick + 1)
        rule = (pieces & thin[None, :]) | (long_runs & pieces) | seeded
        spanned = np.flatnonzero(rule.any(axis=0))
        x0, x1 = int(spanned[0]), int(spanned[-1]) + 1
        rule = rule[:, x0:x1]
        y, h = ya, yb - ya
        # An eroded pixel stands for ink `frame` high around it: those within frame // 2 of the rule meet it.
        fa, fb = max(0, y - 2 * frame - reach), min(height, y + h + 2 * frame + reach)
        xa, xb = max(0, x0 - reach), min(width, x1 + reach)
        near = slice(max(0, y - reach - frame // 2 - fa), y + h + reach + frame // 2 - fa)
        if cv2.erode(ink[fa:fb, xa:xb], upright)[near].any():
            continue
        present = rule.any(axis=0)
        top = y + rule.argmax(axis=0)
        bottom = y + h - 1 - rule[::-1].argmax(axis=0)
        columns = np.arange(x0, x1)
        above = np.ones(columns.size, dtype=bool)
        below = np.ones(columns.size, dtype=bool)
        ragged = []
        for step in range(1, reach + 1):
            rows_above, rows_below = top - step, bottom + step
            above &= (rows_above >= 0) & (ink[np.clip(rows_above, 0, height - 1), columns] > 0)
            below &= (rows_below < height) & (ink[np.clip(rows_below, 0, height - 1), columns] > 0)
            ragged.append((rows_above, above.copy(), rows_below, below.copy()))
        whitened = present & ~(above | below)
        if out is binary:
            out = binary.copy()
        out[y:y + h, x0:x1][rule & whitened[None, :]] = 255
        # A blurred rule's ragged edge, ink running on from its long runs for less than `reach`, goes with it:
        # left, it is a dashed line Tesseract reads as marks (the faint L3 form lost its motto line).
        for rows_above, run_above, rows_below, run_below in ragged:
            for rows, run in ((rows_above, run_above), (rows_below, run_below)):
                edge = whitened & run
                out[rows[edge], columns[edge]] = 255
        _clear_ticks(out, ink, top[present].min() - reach, bottom[present].max() + reach, x0, x1,
                     max(2, int(round(TICK_MM * mm))))
        found += 1
    return out, found


def _clear_ticks(out: np.ndarray, ink: np.ndarray, top: int, bottom: int, x0: int, x1: int, widest: int) -> None:
    """Whiten, in place, the narrow marks left of a rule: ink that touched it and stays within its rows (one
    row beyond them is checked, so a dot or a letter that goes on past the rule is kept)."""
    ra, rb = max(0, int(top) - 1), min(out.shape[0], int(bottom) + 2)
    crop = out[ra:rb, x0:x1]
    left = cv2.compare(crop, 128, cv2.CMP_LT)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(left, connectivity=8)
    if count < 2:
        return
    cleared = cv2.dilate(((ink[ra:rb, x0:x1] > 0) & (crop >= 128)).view(np.uint8), np.ones((3, 3), np.uint8))
    touched = np.zeros(count, bool)
    touched[np.unique(labels[(cleared > 0) & (labels > 0)])] = True
    ys, hs, ws = stats[:, cv2.CC_STAT_TOP], stats[:, cv2.CC_STAT_HEIGHT], stats[:, cv2.CC_STAT_WIDTH]
    tick = touched & (ys >= 1) & (ys + hs <= rb - ra - 1) & (ws <= widest)
    tick[0] = False
    if tick.any():
        crop[tick[labels]] = 255
