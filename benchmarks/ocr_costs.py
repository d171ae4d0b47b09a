"""What the OCR engine costs: clean-up CPU as a share of Tesseract's CPU, and peak memory on a 600-dpi A3 page.

    .venv/bin/python -m benchmarks.ocr_costs [--pages 12]

Targets (issue "Start here"): clean-up adds <= 25% to Tesseract's own CPU time; peak memory <= 1.5 GB while
reading a 600-dpi A3 page. CPU times are process times (this process for clean-up, its children for Tesseract),
so other load on the machine barely moves them.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("OMP_THREAD_LIMIT", "1")

import cv2  # noqa: E402

from benchmarks.proctree import run_measured  # noqa: E402
from benchmarks.synth import generate_page, save_page  # noqa: E402
from ocr import cleanup  # noqa: E402
from ocr.model import PageImage  # noqa: E402
from ocr.recognize import recognize  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def cpu_split(pages: int) -> None:
    cv2.setNumThreads(1)
    kinds = ("decision", "form", "receipt")
    clean_cpu = tess_cpu = 0.0
    for n in range(pages):
        page = generate_page(kinds[n % 3], seed=500 + n, level=n % 4)
        image = PageImage(image=page.image, dpi=page.dpi, index=0)
        start = time.process_time()
        cleaned = cleanup.clean_page(image)
        clean_cpu += time.process_time() - start
        before = children_cpu()
        recognize(cleaned.binary, dpi=cleaned.dpi)
        tess_cpu += children_cpu() - before
    print(f"{pages} pages (kinds x levels 0-3), single thread")
    print(f"  clean-up CPU   {clean_cpu / pages:6.3f} s/page")
    print(f"  Tesseract CPU  {tess_cpu / pages:6.3f} s/page")
    print(f"  clean-up adds  {clean_cpu / tess_cpu * 100:5.1f}% to Tesseract's CPU time (target <= 25%)")


def a3_memory() -> None:
    page = generate_page("decision", seed=77, level=1)
    scale = 600 / page.dpi * 1.414  # A4 at its dpi -> A3 at 600 dpi
    big = cv2.resize(page.image, None, fx=scale, fy=scale, interpolation=cv2.INTER_CUBIC)
    page.image, page.dpi = big, 600
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "a3-600dpi.png"
        save_page(page, path)
        measured = run_measured(
            [sys.executable, "-m", "sohoa", "ocr", str(path), "--out", str(Path(tmp) / "out"), "--jobs", "1"],
            cwd=ROOT,
        )
    height, width = big.shape[:2]
    print(f"600-dpi A3 page {width}x{height} px: exit {measured.returncode}, {measured.seconds:.1f} s, "
          f"peak RSS of sohoa ocr and its workers {measured.peak_rss_bytes / 2**20:.0f} MB (target <= 1536 MB)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=12)
    args = parser.parse_args()
    print(f"command: {' '.join(sys.argv)}")
    cpu_split(args.pages)
    a3_memory()


if __name__ == "__main__":
    main()
