"""Time find_sheet / flatten_sheet on a 300-dpi A4 scan (must be cheap) and a 12-megapixel phone photo.

    PYTHONPATH=.:tests/ocr_cleanup .venv/bin/python -m benchmarks.sheet_speed
"""

from __future__ import annotations

import sys
import time

import cv2
import numpy as np

from ocr.cleanup.sheet import find_sheet, flatten_sheet


def _best_ms(call, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return 1000 * min(times)


def main() -> int:
    from test_sheet import _page, photo  # the test module's page and photo generators

    scan = _page(300)  # 2480 x 3508
    shot, _ = photo("wood", 11, hand=True, h=4000, w=3000)
    sheet = find_sheet(shot)
    if sheet is None:
        print("no sheet found on the photo", file=sys.stderr)
        return 1
    small = cv2.resize(shot, (1200, 1600), interpolation=cv2.INTER_AREA)
    load = open("/proc/loadavg").read().split()[0]
    print(f"command: {' '.join(sys.argv)}   (best of 5, ms; load average {load})")
    print(f"find_sheet   scan 2480x3508 -> None        {_best_ms(lambda: find_sheet(scan), 5):7.1f}")
    print(f"find_sheet   photo 3000x4000               {_best_ms(lambda: find_sheet(shot), 5):7.1f}")
    print(f"find_sheet   photo 1200x1600               {_best_ms(lambda: find_sheet(small), 5):7.1f}")
    flat_ms = _best_ms(lambda: flatten_sheet(shot, sheet), 3)
    flat = flatten_sheet(shot, sheet)
    print(f"flatten_sheet photo 3000x4000 -> {flat.shape[1]}x{flat.shape[0]}  {flat_ms:7.1f}")
    return 0 if np.isfinite(flat_ms) else 1


if __name__ == "__main__":
    raise SystemExit(main())
