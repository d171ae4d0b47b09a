"""Score find_sheet against the true page corners of the benchmark's synthetic phone photos.

    .venv/bin/python -m benchmarks.sheet_accuracy --seeds 0-23 [--levels 1,2,3] [--jobs 2] [--verbose]

Each capture seed gives one photo per level, of a form, a receipt or a decision by seed (seed % 3), as
`benchmarks.synth.generate_page(kind, seed, level, capture="photo")` makes it for the OCR benchmark. Per photo:
corner error = the worst corner's distance from the truth as a share of the photo's diagonal; lost = share of
the page's area outside the outline found (text cut away); extra = outline area beyond the page (table or
another sheet read with it). Figures are recorded in docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import sys
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

import cv2
import numpy as np

from benchmarks.synth import generate_page
from ocr.cleanup.sheet import find_sheet

KINDS = ("form", "receipt", "decision")


@dataclass(frozen=True)
class Outcome:
    name: str
    method: str | None  # None: no sheet found
    error: float = 0.0
    lost: float = 0.0
    extra: float = 0.0


def true_corners(page_corners: list[list[float]]) -> np.ndarray:
    """The generator's page corners (TL of the printed text first) in the finder's on-screen order."""
    corners = np.array(page_corners, dtype=np.float32)
    centre = corners.mean(axis=0)
    corners = corners[np.argsort(np.arctan2(corners[:, 1] - centre[1], corners[:, 0] - centre[0]))]
    return np.roll(corners, -int(np.argmin(corners.sum(axis=1))), axis=0)


def score(seed_level: tuple[int, int]) -> Outcome:
    seed, level = seed_level
    kind = KINDS[seed % 3]
    page = generate_page(kind, seed, level, capture="photo")
    truth = true_corners(page.metadata["page_corners"])
    name = f"{kind}_{seed}_L{level}"
    sheet = find_sheet(page.image)
    if sheet is None:
        return Outcome(name, None)
    error = float(np.linalg.norm(sheet.corners - truth, axis=1).max() / np.hypot(*page.image.shape[:2]))
    inside, _ = cv2.intersectConvexConvex(sheet.corners, truth)
    area = cv2.contourArea(truth)
    return Outcome(name, sheet.method, error, 1 - inside / area, cv2.contourArea(sheet.corners) / area - 1)


def _range(text: str) -> list[int]:
    first, _, last = text.partition("-")
    return list(range(int(first), int(last or first) + 1))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.sheet_accuracy", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seeds", default="0-23", help="capture seeds, FIRST-LAST (default 0-23)")
    parser.add_argument("--levels", default="1,2,3", help="damage levels (default 1,2,3)")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--verbose", action="store_true", help="one line per photo")
    args = parser.parse_args(argv)
    work = [(seed, int(level)) for seed in _range(args.seeds) for level in args.levels.split(",")]
    with ProcessPoolExecutor(max_workers=args.jobs) as pool:
        outcomes = list(pool.map(score, work))
    print(f"command: python -m benchmarks.sheet_accuracy {' '.join(argv if argv is not None else sys.argv[1:])}")
    found = [o for o in outcomes if o.method is not None]
    for o in outcomes if args.verbose else []:
        print(f"{o.name:20} none" if o.method is None else
              f"{o.name:20} {o.method:16} err {o.error:.3f} lost {o.lost:.3f} extra {o.extra:.3f}")
    mean = float(np.mean([o.error for o in found])) if found else float("nan")
    print(f"photos {len(outcomes)}  not found {len(outcomes) - len(found)}  mean corner error {mean:.4f}  "
          f"error > 3% {sum(o.error > 0.03 for o in found)}  lost > 2% {sum(o.lost > 0.02 for o in found)}  "
          f"extra > 3% {sum(o.extra > 0.03 for o in found)}")
    for o in found:
        if o.lost > 0.02:
            print(f"  page cut: {o.name} ({o.method}) loses {100 * o.lost:.0f}% of its area")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
