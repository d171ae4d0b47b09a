"""Print per-step clean-up time on a 300-dpi A4 page, orientation accuracy, and peak memory on 600-dpi A3.

Run: .venv/bin/python tests/ocr_cleanup/measure.py   (not a test: figures only, no assertions)
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import cv2
import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
from cleanup_pages import (
    BODY,
    add_noise,
    add_seal,
    add_signature,
    jpeg,
    render_page,
    rotate_by,
    yellow_and_shadow,
)

from ocr.cleanup import CleanupOptions, clean_page
from ocr.cleanup.orientation import detect_orientation, rotate_quadrant
from ocr.model import PageImage


def step_times() -> None:
    page = render_page(300)
    page = add_seal(page, (1700, 3000), 250)
    page = add_signature(page, (1500, 3000), 300)
    page = jpeg(add_noise(rotate_quadrant(rotate_by(yellow_and_shadow(page), 3.0), 90), 8), 60)
    runs = [clean_page(PageImage(page, 300, 0), CleanupOptions(osd="never")) for _ in range(5)]
    steps = runs[0].details["timings"].keys()
    print("per-step seconds on a 300-dpi A4 page (2480x3508), median of 5, single process:")
    for step in steps:
        print(f"  {step:13s} {np.median([r.details['timings'][step] for r in runs]):.3f}")
    print(f"  {'total':13s} {np.median([sum(r.details['timings'].values()) for r in runs]):.3f}")


def orientation_accuracy(pages: int = 12) -> None:
    rng = np.random.default_rng(7)
    results: dict[str, list[bool]] = {"never": [], "unsure": [], "always": []}
    seconds: dict[str, float] = dict.fromkeys(results, 0.0)
    for i in range(pages):
        n_lines = int(rng.integers(2, 13))
        page = render_page(200, lines=list(rng.choice(BODY, n_lines)))
        if i % 2:
            page = add_seal(page, (1000, 800), 170)
        page = jpeg(add_noise(rotate_by(page, float(rng.uniform(-15, 15))), float(rng.uniform(0, 25)), seed=i),
                    int(rng.integers(30, 90)))
        for turn in (0, 90, 180, 270):
            gray = cv2.cvtColor(rotate_quadrant(page, turn), cv2.COLOR_BGR2GRAY)
            for mode in results:
                t = time.perf_counter()
                found = detect_orientation(gray, 200, osd=mode)  # type: ignore[arg-type]
                seconds[mode] += time.perf_counter() - t
                results[mode].append(found.rotate == (360 - turn) % 360)
    print(f"orientation on {pages * 4} pages (200 dpi, 2-12 lines, skew +-15, noise, JPEG, half sealed):")
    for mode, ok in results.items():
        print(f"  osd={mode:7s} accuracy {np.mean(ok):.3f}  {seconds[mode] / len(ok):.3f} s/page")


def peak_memory_a3_600() -> None:
    code = ("import numpy as np, resource; from ocr.cleanup import clean_page, CleanupOptions;"
            "from ocr.model import PageImage; import sys; sys.path.insert(0, 'tests/ocr_cleanup');"
            "from cleanup_pages import render_page;"
            "import cv2; p = np.full((9921, 7016, 3), 245, np.uint8);"
            "[cv2.putText(p, 'Cong hoa xa hoi chu nghia Viet Nam', (400, 400 + 150 * i), cv2.FONT_HERSHEY_SIMPLEX,"
            " 4, (0, 0, 0), 8) for i in range(60)];"
            "before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss;"
            "c = clean_page(PageImage(p, 600, 0), CleanupOptions(osd='never'));"
            "print(before // 1024, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024, c.binary.shape)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    print(f"600-dpi A3: peak RSS {out[1]} MB (input page rendered: {out[0]} MB), working shape {' '.join(out[2:])}")


if __name__ == "__main__":
    step_times()
    peak_memory_a3_600()
    orientation_accuracy()
