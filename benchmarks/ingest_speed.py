"""Ingest benchmark: end-to-end pages/minute of the flow vs `sohoa ocr` alone on the same files, and peak memory.

    .venv/bin/python -m benchmarks.ingest_speed                    # 100 pages: flow vs ocr
    .venv/bin/python -m benchmarks.ingest_speed --memory 50,500    # peak memory of the flow by batch size

Pages come from a pool of distinct generated pages combined into 5-page archival-named PDFs, each file unique,
so the flow stores, reads, links, catalogues and indexes every one (no duplicates).
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import sys
import tempfile
from pathlib import Path

from benchmarks.proctree import run_measured
from benchmarks.synth import generate_page, save_pages

ROOT = Path(__file__).resolve().parent.parent
PAGES_PER_FILE = 5


def page_pool(size: int) -> list:
    kinds = ("decision", "form", "receipt")
    return [generate_page(kinds[i % 3], seed=900 + i, level=i % 3) for i in range(size)]


def make_batch(folder: Path, pages: int, pool: list, seed: int = 0) -> list[Path]:
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    files = []
    for n in range(pages // PAGES_PER_FILE):
        chosen = rng.sample(pool, PAGES_PER_FILE)
        path = folder / f"H21.65-2209{(n % 28) + 1:02d}-{n:04d}.1.pdf"
        save_pages(chosen, path)
        files.append(path)
    return files


def env_for(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SOHOA_")}
    (home / "prefect").mkdir(parents=True, exist_ok=True)
    env.update(SOHOA_HOME=str(home), PREFECT_HOME=str(home / "prefect"), PREFECT_LOGGING_LEVEL="WARNING",
               PREFECT_SERVER_ANALYTICS_ENABLED="false", DO_NOT_TRACK="1", SOHOA_LANG="en")
    return env


def sohoa(*args: str) -> list[str]:
    return [sys.executable, "-m", "sohoa", *args]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=100)
    parser.add_argument("--pool", type=int, default=24, help="distinct generated pages to combine")
    parser.add_argument("--memory", default="", help="comma-separated batch sizes for the peak-memory run")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--work", type=Path, default=None)
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="sohoa-ingest-bench-"))
    print(f"command: {' '.join(sys.argv)}\nmachine: {os.cpu_count()} cores; work dir {work}")
    pool = page_pool(args.pool)

    if args.pages:
        files = make_batch(work / "batch", args.pages, pool)
        ocr = run_measured(sohoa("ocr", *map(str, files), "--out", str(work / "ocr-out"), "--jobs", str(args.jobs)),
                           env=env_for(work / "ocr-home"), cwd=ROOT)
        shutil.rmtree(work / "flow-home", ignore_errors=True)
        flow = run_measured(sohoa("ingest", str(work / "batch"), "--settle", "0", "--jobs", str(args.jobs)),
                            env=env_for(work / "flow-home"), cwd=ROOT)
        pages = len(files) * PAGES_PER_FILE
        print(f"\n{pages} pages in {len(files)} files, {args.jobs} jobs")
        print(f"{'run':<22}{'exit':>5}{'wall s':>9}{'pages/min':>11}{'peak RSS MB':>13}")
        for name, m in (("sohoa ocr", ocr), ("sohoa ingest (flow)", flow)):
            print(f"{name:<22}{m.returncode:>5}{m.seconds:>9.1f}{pages / m.seconds * 60:>11.1f}"
                  f"{m.peak_rss_bytes / 2**20:>13.0f}")
        print(f"flow overhead: {(flow.seconds / ocr.seconds - 1) * 100:+.1f}% wall time vs sohoa ocr")

    sizes = [int(s) for s in args.memory.split(",") if s.strip()]
    if sizes:
        print(f"\n{'batch pages':<14}{'wall s':>9}{'pages/min':>11}{'peak RSS MB':>13}")
        for size in sizes:
            folder = work / f"mem-{size}"
            files = make_batch(folder, size, pool, seed=size)
            home = work / f"mem-home-{size}"
            shutil.rmtree(home, ignore_errors=True)
            m = run_measured(sohoa("ingest", str(folder), "--settle", "0", "--jobs", str(args.jobs)),
                             env=env_for(home), cwd=ROOT)
            pages = len(files) * PAGES_PER_FILE
            print(f"{pages:<14}{m.seconds:>9.1f}{pages / m.seconds * 60:>11.1f}{m.peak_rss_bytes / 2**20:>13.0f}"
                  + ("" if m.returncode == 0 else f"  exit {m.returncode}: {m.stderr[-300:]}"))


if __name__ == "__main__":
    main()
