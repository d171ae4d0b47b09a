"""OCR quality benchmark: CER by damage level and capture, accented-word accuracy and speed of sohoa, Tesseract, OCRmyPDF.

    .venv/bin/python -m benchmarks.ocr_quality                 # 36 scans + 4 captures x 4 levels x 1 seed = 52 pages
    .venv/bin/python -m benchmarks.ocr_quality --quick --systems tesseract,ocrmypdf    # 16 pages
    .venv/bin/python -m benchmarks.ocr_quality --captures photo,faint --capture-seeds 3 --seeds 1

Every system reads the same synthetic pages in one run; the metric is benchmarks.metrics for all of them.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.metrics import EMPTY, Score, score
from benchmarks.synth.degrade import LEVELS
from benchmarks.synth.files import save_page, save_pages
from benchmarks.synth.capture import CAPTURES
from benchmarks.synth.page import KINDS, SyntheticPage, generate_page

ROOT = Path(__file__).resolve().parent.parent
SYSTEMS = ("sohoa", "tesseract", "ocrmypdf")
CACHE = Path(os.environ.get("SOHOA_CACHE", Path.home() / ".cache" / "sohoa"))


@dataclass
class Run:
    """One system's reading of the corpus: text per page (None = no output), wall time, the command used."""

    system: str
    texts: list[str | None]
    seconds: float
    command: str
    version: str
    errors: list[str] = field(default_factory=list)


NEW_CAPTURES = tuple(c for c in CAPTURES if c != "scan")
# Which document each capture shows first: low-resolution scans of sealed decisions, screenshots of the one-stop
# system's receipts, phone photos of filled-in forms. More seeds take the other kinds in turn.
CAPTURE_KINDS = {
    "faint": ("decision", "form", "receipt"),
    "screenshot": ("receipt", "decision", "form"),
    "photo": ("form", "receipt", "decision"),
    "lowres": ("decision", "receipt", "form"),
}


def corpus(seeds: int, quick: bool, first_seed: int, capture_seeds: int = 1,
           captures: tuple[str, ...] = CAPTURES) -> list[tuple[str, int, int, str]]:
    """(kind, seed, level, capture) per page; the same (kind, seed) appears at every level so levels compare fairly.

    Scans: every kind x level x `seeds`. Every other capture: `capture_seeds` pages at every level.
    `quick`: 8 scans (two per level, kinds taking turns) and each other capture at two levels (0 and 2, or 1 and 3).
    """
    plan: list[tuple[str, int, int, str]] = []
    if "scan" in captures:
        if quick:
            plan += [(KINDS[(2 * level + i) % len(KINDS)], first_seed + i, level, "scan")
                     for level in LEVELS for i in range(2)]
        else:
            plan += [(kind, first_seed + s, level, "scan") for level in LEVELS for kind in KINDS for s in range(seeds)]
    for n, capture in enumerate(c for c in NEW_CAPTURES if c in captures):
        if quick:
            plan += [(CAPTURE_KINDS[capture][0], first_seed, level, capture) for level in (n % 2, n % 2 + 2)]
        else:
            plan += [(CAPTURE_KINDS[capture][s % len(KINDS)], first_seed + s, level, capture)
                     for s in range(capture_seeds) for level in LEVELS]
    return plan


def _run(cmd: list[str], env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)


def _first_line(cmd: list[str]) -> str:
    try:
        out = _run(cmd)
    except FileNotFoundError:
        return "missing"
    return (out.stdout + out.stderr).strip().splitlines()[0] if (out.stdout + out.stderr).strip() else "unknown"


def run_tesseract(files: list[Path], work: Path) -> Run:
    """Plain Tesseract on the raw page, one page after another, with its default threading."""
    env = {k: v for k, v in os.environ.items() if k != "OMP_THREAD_LIMIT"}
    texts: list[str | None] = []
    errors: list[str] = []
    start = time.perf_counter()
    for path in files:
        out = _run(["tesseract", str(path), "-", "-l", "vie"], env)
        if out.returncode != 0:
            errors.append(f"{path.name}: {out.stderr.strip()[:200]}")
            texts.append(None)
        else:
            texts.append(out.stdout)
    return Run("tesseract", texts, time.perf_counter() - start, "tesseract IMG - -l vie   (per page)",
               _first_line(["tesseract", "--version"]), errors)


def sohoa_command() -> list[str] | None:
    exe = ROOT / ".venv" / "bin" / "sohoa"
    if exe.exists():
        return [str(exe)]
    found = shutil.which("sohoa")
    return [found] if found else None


def run_sohoa(files: list[Path], work: Path, jobs: int) -> Run:
    """`sohoa ocr FILES... --out DIR --jobs N`: DIR/<input file name>.txt, pages separated by form feeds."""
    exe = sohoa_command()
    if exe is None:
        return Run("sohoa", [None] * len(files), 0.0, "sohoa (not installed)", "missing", ["sohoa is not installed"])
    out_dir = work / "sohoa-out"
    shutil.rmtree(out_dir, ignore_errors=True)
    cmd = [*exe, "ocr", *map(str, files), "--out", str(out_dir), "--jobs", str(jobs)]
    start = time.perf_counter()
    proc = _run(cmd)
    seconds = time.perf_counter() - start
    errors = [] if proc.returncode == 0 else [f"exit {proc.returncode}: {(proc.stderr or proc.stdout).strip()[-400:]}"]
    texts: list[str | None] = []
    for path in files:
        candidates = [out_dir / f"{path.name}.txt", out_dir / f"{path.stem}.txt"]
        found = next((c for c in candidates if c.exists()), None)
        texts.append(found.read_text(encoding="utf-8").split("\f")[0] if found else None)
        if found is None:
            errors.append(f"{path.name}: no text written")
    shown = f"{exe[0]} ocr FILES... --out DIR --jobs {jobs}"
    return Run("sohoa", texts, seconds, shown, _sohoa_version(), errors)


def _sohoa_version() -> str:
    commit = _run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"]).stdout.strip()
    return f"sohoa 0.1.0 @ {commit or 'unknown commit'}"


def ocrmypdf_executable() -> Path | None:
    exe = CACHE / "ocrmypdf-venv" / "bin" / "ocrmypdf"
    return exe if exe.exists() else None


def run_ocrmypdf(pages: list[SyntheticPage], files: list[Path], work: Path, jobs: int) -> Run:
    """OCRmyPDF on one image-only PDF of all pages (so it can spread pages over its jobs); text from --sidecar."""
    exe = ocrmypdf_executable()
    if exe is None:
        return Run("ocrmypdf", [None] * len(pages), 0.0, "ocrmypdf (run benchmarks/setup_ocrmypdf.sh)", "missing",
                   ["ocrmypdf is not installed: run benchmarks/setup_ocrmypdf.sh"])
    source = work / "ocrmypdf-in.pdf"
    img2pdf = exe.parent / "img2pdf"
    if img2pdf.exists():
        # Lossless: the PNG data goes into the PDF as is, so OCRmyPDF reads exactly the pixels the others read.
        # img2pdf refuses an alpha channel (a PDF page image has none): those pages go in flattened on white.
        inputs = [_flattened(page, path, work) for page, path in zip(pages, files)]
        made = _run([str(img2pdf), *map(str, inputs), "-o", str(source)])
        if made.returncode != 0:
            save_pages(pages, source)
    else:
        save_pages(pages, source)
    sidecar, output = work / "ocrmypdf-out.txt", work / "ocrmypdf-out.pdf"
    cmd = [str(exe), "-l", "vie", "--deskew", "--clean", "--rotate-pages", "--jobs", str(jobs),
           "--sidecar", str(sidecar), str(source), str(output)]
    start = time.perf_counter()
    proc = _run(cmd)
    seconds = time.perf_counter() - start
    errors = [] if proc.returncode == 0 else [f"exit {proc.returncode}: {proc.stderr.strip()[-400:]}"]
    texts: list[str | None] = [None] * len(pages)
    if sidecar.exists():
        parts = sidecar.read_text(encoding="utf-8").split("\f")
        texts = [parts[i] if i < len(parts) else None for i in range(len(pages))]
    shown = " ".join([str(exe), *cmd[1:-4], "--sidecar", "out.txt", "in.pdf", "out.pdf"])
    return Run("ocrmypdf", texts, seconds, shown, _first_line([str(exe), "--version"]), errors)


def _flattened(page: SyntheticPage, path: Path, work: Path) -> Path:
    if page.image.ndim == 3 and page.image.shape[2] == 4:
        flat = work / "flattened" / f"{path.stem}.png"
        flat.parent.mkdir(parents=True, exist_ok=True)
        a = page.image[..., 3:4].astype("float32") / 255
        rgb = (page.image[..., :3] * a + 255 * (1 - a)).astype("uint8")
        save_page(SyntheticPage(page.kind, page.seed, page.level, rgb, page.dpi, page.text, page.lines,
                                page.dossier_code, page.qr_payload, page.metadata, page.capture), flat)
        return flat
    return path


def machine() -> str:
    model = "unknown CPU"
    try:
        match = re.search(r"model name\s*:\s*(.+)", Path("/proc/cpuinfo").read_text())
        model = match.group(1).strip() if match else model
    except OSError:
        pass
    try:
        mem = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1)) / 1024 / 1024
        mem_text = f", {mem:.0f} GB RAM"
    except (OSError, AttributeError):
        mem_text = ""
    return f"{os.cpu_count()} cores, {model}{mem_text}, {platform.system()} {platform.release()}, Python {platform.python_version()}"


def table(pages: list[SyntheticPage], runs: list[Run]) -> str:
    """One row per system: CER per level and overall, accented-word accuracy, speed."""
    levels = sorted({p.level for p in pages})
    head = ["system", *[f"CER L{lv}" for lv in levels], "CER all", "accented ok", "s/page", "pages/min", "missing"]
    rows = [head]
    for run in runs:
        by_level: dict[int, Score] = {lv: EMPTY for lv in levels}
        total = EMPTY
        for page, text in zip(pages, run.texts):
            s = score(page.text, text or "")
            by_level[page.level] = by_level[page.level] + s
            total = total + s
        done = sum(t is not None for t in run.texts)
        per_page = run.seconds / len(pages) if run.seconds else 0.0
        rows.append([
            run.system, *[f"{by_level[lv].cer:.1%}" for lv in levels], f"{total.cer:.1%}",
            f"{total.accented_accuracy:.1%}",
            f"{per_page:.2f}" if done else "-", f"{60 / per_page:.1f}" if done and per_page else "-",
            str(len(pages) - done),
        ])
    return _format(rows)


def _format(rows: list[list[str]]) -> str:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(cell.ljust(w) if i == 0 else cell.rjust(w) for i, (cell, w) in enumerate(zip(r, widths)))
             for r in rows]
    lines.insert(1, "-" * len(lines[0]))
    return "\n".join(lines)


def capture_table(pages: list[SyntheticPage], run: Run) -> str:
    """One row per capture kind, one column per level: CER (pages in the cell), then the capture's overall CER."""
    levels = sorted({p.level for p in pages})
    captures = [c for c in CAPTURES if any(p.capture == c for p in pages)]
    cells: dict[tuple[str, int], Score] = {}
    counts: dict[tuple[str, int], int] = {}
    for page, text in zip(pages, run.texts):
        key = (page.capture, page.level)
        cells[key] = cells.get(key, EMPTY) + score(page.text, text or "")
        counts[key] = counts.get(key, 0) + 1
    rows = [[f"{run.system}: capture", *[f"L{lv}" for lv in levels], "all", "pages"]]
    for capture in captures:
        row = [capture]
        total, n = EMPTY, 0
        for lv in levels:
            if (capture, lv) in cells:
                row.append(f"{cells[capture, lv].cer:.1%} ({counts[capture, lv]})")
                total, n = total + cells[capture, lv], n + counts[capture, lv]
            else:
                row.append("-")
        rows.append([*row, f"{total.cer:.1%}", str(n)])
    return _format(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.ocr_quality", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seeds", type=int, default=3, help="scans per kind and level (default 3: 36 pages)")
    parser.add_argument("--capture-seeds", type=int, default=1,
                        help="pages per level of each other capture (faint, screenshot, photo, lowres; default 1)")
    parser.add_argument("--captures", default=",".join(CAPTURES), help=f"comma-separated subset of {','.join(CAPTURES)}")
    parser.add_argument("--quick", action="store_true",
                        help="16 pages: 8 scans (two per level) and each other capture at two levels")
    parser.add_argument("--seed", type=int, default=0, help="first page seed")
    parser.add_argument("--systems", default=",".join(SYSTEMS), help=f"comma-separated subset of {','.join(SYSTEMS)}")
    parser.add_argument("--jobs", type=int, default=2, help="parallel jobs for sohoa and OCRmyPDF")
    parser.add_argument("--work", type=Path, help="keep pages and outputs here (default: a temporary folder)")
    args = parser.parse_args(argv)
    systems = [s.strip() for s in args.systems.split(",") if s.strip()]
    unknown = sorted(set(systems) - set(SYSTEMS))
    if unknown:
        parser.error(f"unknown system(s): {', '.join(unknown)}; choose from {', '.join(SYSTEMS)}")
    if args.seeds < 1 or args.capture_seeds < 1:
        parser.error("--seeds and --capture-seeds must be at least 1")
    captures = tuple(c.strip() for c in args.captures.split(",") if c.strip())
    if not captures or set(captures) - set(CAPTURES):
        parser.error(f"--captures: choose from {', '.join(CAPTURES)}")

    work = args.work or Path(tempfile.mkdtemp(prefix="sohoa-bench-"))
    pages_dir = work / "pages"
    pages_dir.mkdir(parents=True, exist_ok=True)
    plan = corpus(args.seeds, args.quick, args.seed, args.capture_seeds, captures)
    print(f"command: {' '.join(shlex.quote(a) for a in [sys.executable, '-m', 'benchmarks.ocr_quality', *(argv if argv is not None else sys.argv[1:])])}")
    print(f"machine: {machine()}")
    print(f"corpus: {len(plan)} synthetic pages ({', '.join(sorted({k for k, *_ in plan}))}; levels "
          f"{', '.join(str(lv) for lv in sorted({lv for _, _, lv, _ in plan}))}; captures "
          f"{', '.join(c for c in CAPTURES if any(p[3] == c for p in plan))}); scans as PNG at 300 dpi (200 at "
          "level 3), other captures in their own file types (TIFF, JPEG, PNG with alpha) and declared dpi")
    start = time.perf_counter()
    pages: list[SyntheticPage] = []
    files: list[Path] = []
    for n, (kind, seed, level, capture) in enumerate(plan):
        page = generate_page(kind, seed, level, capture=capture)
        pages.append(page)
        files.append(save_page(page, pages_dir / f"{n:03d}_L{level}_{capture}_{kind}_{seed}{page.suffix}"))
    print(f"generated in {time.perf_counter() - start:.0f} s into {pages_dir}")

    runs: list[Run] = []
    for system in systems:
        print(f"running {system} ...", flush=True)
        if system == "tesseract":
            runs.append(run_tesseract(files, work))
        elif system == "sohoa":
            runs.append(run_sohoa(files, work, args.jobs))
        else:
            runs.append(run_ocrmypdf(pages, files, work, args.jobs))
    print()
    for run in runs:
        print(f"{run.system}: {run.version}\n  {run.command}\n  wall {run.seconds:.1f} s")
        for error in run.errors[:5]:
            print(f"  error: {error}")
    print()
    print(table(pages, runs))
    for run in runs:
        print()
        print(capture_table(pages, run))
    print("\nCER = edit distance / ground-truth characters (NFC, whitespace collapsed, dot leaders dropped); "
          "accented ok = share of non-ASCII ground-truth words read exactly; speed is wall time on this machine.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
