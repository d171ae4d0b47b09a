"""What a page costs sohoa against plain Tesseract: CPU per page, and how many pages needed extra readings.

    .venv/bin/python -m benchmarks.ocr_cpu [--synth 12] [FILE ...]

Target (issue 8): sohoa's CPU per page at most 1.6x plain single-threaded Tesseract's (`tesseract IMG - -l vie`
on the raw file) on the same pages; extra orientation or binarization readings only on weak pages. Both are
process CPU times (this process, its in-process Tesseract engine and its Tesseract children), single-threaded,
so other load barely moves them. sohoa reads with the engine the settings choose (SOHOA_TESSERACT_ENGINE=api|cli);
plain Tesseract is always the program, as a user would run it.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

os.environ["OMP_THREAD_LIMIT"] = "1"

import cv2  # noqa: E402

from benchmarks.synth import generate_page, save_page  # noqa: E402
from benchmarks.synth.page import KINDS  # noqa: E402
from ocr.load import count_pages  # noqa: E402
from ocr.pipeline import OcrOptions, read_file_page  # noqa: E402
from ocr.tesseract import engine_in_use  # noqa: E402
from sohoa.config import load_settings  # noqa: E402


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def measure(files: list[Path], verbose: bool = False) -> None:
    cv2.setNumThreads(1)
    options = OcrOptions(tesseract_engine=load_settings().tesseract_engine)
    sohoa_cpu = tess_cpu = 0.0
    readings: Counter[tuple[int, int]] = Counter()  # (whole-page readings, band readings) per page
    pages = 0
    for path in files:
        try:
            count = count_pages(path)
        except Exception as exc:  # noqa: BLE001 - a benchmark reports and goes on
            print(f"  {path.name}: skipped ({exc})")
            continue
        for index in range(count):
            start, before = time.process_time(), children_cpu()
            result, _ = read_file_page(path, index, options)
            cost = time.process_time() - start + children_cpu() - before
            sohoa_cpu += cost
            tries = result.evidence.get("readings") or []
            whole = sum(1 for r in tries if r.get("region", "page") == "page")
            readings[(whole, len(tries) - whole)] += 1
            pages += 1
            if verbose:
                print(f"  {path.name}[{index}]: sohoa {cost:.2f} s, {whole} page + {len(tries) - whole} band "
                      f"readings", flush=True)
        before = children_cpu()
        subprocess.run(["tesseract", str(path), "-", "-l", "vie"], capture_output=True, check=False)
        tess_cpu += children_cpu() - before
        if verbose:
            print(f"  {path.name}: tesseract {children_cpu() - before:.2f} s (running ratio "
                  f"{sohoa_cpu / tess_cpu:.2f}x over {pages} pages)", flush=True)
    if not pages:
        print("no pages")
        return
    print(f"{pages} pages from {len(files)} files, single thread, sohoa engine: {engine_in_use(options.lang)}")
    print(f"  sohoa CPU      {sohoa_cpu / pages:6.3f} s/page (load, clean-up, every reading, QR)")
    print(f"  Tesseract CPU  {tess_cpu / pages:6.3f} s/page (plain, raw file)")
    print(f"  ratio          {sohoa_cpu / tess_cpu:6.2f}x (target <= 1.6x)")
    spread = ", ".join(f"{n} page + {b} band: {readings[n, b]}" for n, b in sorted(readings))
    extra = sum(count for (n, b), count in readings.items() if n + b > 1)
    print(f"  readings per page: {spread}; pages with an extra reading: {extra}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--synth", type=int, default=0, help="also generate this many synthetic pages")
    parser.add_argument("--verbose", action="store_true", help="one line per page as it is read")
    args = parser.parse_args()
    print(f"command: {' '.join(sys.argv)}", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        files = list(args.files)
        for n in range(args.synth):
            page = generate_page(KINDS[n % len(KINDS)], seed=500 + n, level=n % 4)
            files.append(save_page(page, Path(tmp) / f"synth-{n:03d}.png"))
        measure(files, args.verbose)


if __name__ == "__main__":
    main()
