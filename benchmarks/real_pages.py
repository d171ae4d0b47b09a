"""Real-page regression benchmark: sohoa, Tesseract and OCRmyPDF on the public pages of benchmarks/real/.

    .venv/bin/python -m benchmarks.real_pages                       # all three systems, every page of pages.json
    .venv/bin/python -m benchmarks.real_pages --systems sohoa,tesseract --out /tmp/real

Per page: CER and the share of truth words read (order-free) where a transcription exists; for sohoa also
whether it declared the page blank, the rotation it applied (against the page's known orientation), its mean
confidence and flags. The runners are those of benchmarks.ocr_quality, so both benchmarks read pages alike.
Always exits 0: it reports, it does not judge (tests/ocr_engine/test_real_pages.py does).
"""

from __future__ import annotations

import argparse
import json
import shlex
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from benchmarks.metrics import EMPTY, Score, score, word_recall
from benchmarks.ocr_quality import (SYSTEMS, Run, _first_line, machine, ocrmypdf_executable, run_ocrmypdf,
                                    run_sohoa, run_tesseract)

REAL = Path(__file__).resolve().parent / "real"
PAGES_JSON = REAL / "pages.json"


@dataclass(frozen=True)
class RealPage:
    file: Path
    kind: str
    has_text: bool
    orientation: int  # degrees clockwise that make the stored image upright (= the engine's expected rotation)
    truth: str | None
    min_confidence: float | None
    max_cer: float | None

    @property
    def name(self) -> str:
        return self.file.name


def load_pages(path: Path = PAGES_JSON) -> list[RealPage]:
    data = json.loads(path.read_text(encoding="utf-8"))
    pages = []
    for row in data["pages"]:
        truth = (path.parent / row["truth"]).read_text(encoding="utf-8") if row.get("truth") else None
        pages.append(RealPage(path.parent / "pages" / row["file"], row["kind"], bool(row["has_text"]),
                              int(row.get("orientation", 0)), truth, row.get("min_confidence"), row.get("max_cer")))
    return pages


def sohoa_pages(work: Path, files: list[Path]) -> list[dict | None]:
    """The per-page summary sohoa wrote in DIR/<file>.json (first page), or None when it wrote none."""
    found: list[dict | None] = []
    for path in files:
        report = work / "sohoa-out" / f"{path.name}.json"
        try:
            found.append(json.loads(report.read_text(encoding="utf-8"))["pages"][0])
        except (OSError, ValueError, KeyError, IndexError):
            found.append(None)
    return found


def _flat_copies(files: list[Path], work: Path) -> list[Path]:
    """RGB PNG copies (alpha flattened on white, same pixels and dpi) for img2pdf, which refuses alpha and palettes.

    Only OCRmyPDF reads these; the stored pages stay untouched and the other systems read them as they are.
    """
    from PIL import Image

    out = work / "ocrmypdf-pages"
    out.mkdir(parents=True, exist_ok=True)
    copies = []
    for path in files:
        with Image.open(path) as im:
            dpi = im.info.get("dpi", (96, 96))
            dpi = tuple(int(round(d)) if d and d >= 50 else 96 for d in dpi[:2])
            if im.mode in ("RGBA", "LA", "P"):
                rgba = im.convert("RGBA")
                flat = Image.new("RGB", rgba.size, "white")
                flat.paste(rgba, mask=rgba.getchannel("A"))
            else:
                flat = im.convert("RGB")
            target = out / f"{path.stem}.png"
            flat.save(target, dpi=dpi)
            copies.append(target)
    return copies


class _Page:
    """What run_ocrmypdf reads of a page besides its file: the pixels (already RGB here, so used as they are)."""

    def __init__(self, path: Path) -> None:
        import numpy as np
        from PIL import Image

        with Image.open(path) as im:
            self.image = np.asarray(im.convert("RGB"))


def run_ocrmypdf_pages(files: list[Path], work: Path, jobs: int) -> Run:
    """benchmarks.ocr_quality.run_ocrmypdf one page at a time, so one refused page does not void the others.

    OCRmyPDF spreads only the pages of one file over its jobs, so a one-page file keeps one core busy: `jobs`
    pages are read at once, each with `--jobs 1`, to give it the same cores as sohoa. The time is the wall
    time of the whole set.
    """
    if ocrmypdf_executable() is None:
        return run_ocrmypdf(files, files, work, jobs)
    copies = _flat_copies(files, work)

    def one(original: Path, copy: Path) -> Run | Exception:
        page_work = work / "ocrmypdf" / original.stem
        page_work.mkdir(parents=True, exist_ok=True)
        try:
            # run_ocrmypdf takes the synthetic pages only to flatten alpha (done above) or as a fallback source.
            return run_ocrmypdf([_Page(copy)], [copy], page_work, 1)
        except Exception as exc:  # noqa: BLE001 - e.g. img2pdf refusing the file: that page has no text
            return exc

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        runs = list(pool.map(one, files, copies))
    seconds = time.perf_counter() - started
    texts: list[str | None] = []
    errors: list[str] = []
    command = version = ""
    for original, run in zip(files, runs):
        if isinstance(run, Exception):
            texts.append(None)
            errors.append(f"{original.name}: {type(run).__name__}: {run}")
            continue
        texts.append(run.texts[0])
        errors.extend(f"{original.name}: {e}" for e in run.errors)
        command, version = run.command, run.version
    return Run("ocrmypdf", texts, seconds, command + f"   (per page, {max(1, jobs)} at once)", version, errors)


def _fmt(value: float | None, pattern: str = "{:.1%}") -> str:
    return "-" if value is None else pattern.format(value)


def page_table(pages: list[RealPage], runs: list[Run], sohoa_json: list[dict | None] | None) -> tuple[str, dict]:
    head = ["page", "kind", "orient"]
    for run in runs:
        head += [f"{run.system} CER", f"{run.system} words"]
    if sohoa_json is not None:
        head += ["blank", "rot", "conf", "flags"]
    rows = [head]
    totals: dict[str, Score] = {run.system: EMPTY for run in runs}
    recalls: dict[str, list[float]] = {run.system: [] for run in runs}
    blank_with_text = turned = 0
    for i, page in enumerate(pages):
        row = [page.name, page.kind, str(page.orientation)]
        for run in runs:
            text = run.texts[i]
            if page.truth is None:
                row += ["-", "-"]
                continue
            s = score(page.truth, text or "")
            totals[run.system] = totals[run.system] + s
            recall = word_recall(page.truth, text or "")
            recalls[run.system].append(recall)
            row += [_fmt(s.cer) if text is not None else "none", _fmt(recall)]
        if sohoa_json is not None:
            info = sohoa_json[i]
            if info is None:
                row += ["?", "?", "?", "no output"]
            else:
                blank_with_text += bool(info["blank"] and page.has_text)
                rotated = int(info["orientation"])
                turned += rotated % 360 != page.orientation % 360
                mark = "" if rotated % 360 == page.orientation % 360 else " !"
                row += ["BLANK" if info["blank"] else "no", f"{rotated}{mark}",
                        f"{info['mean_confidence']:.1f}", ",".join(info["flags"]) or "-"]
        rows.append(row)
    overall = ["all transcribed", "", ""]
    for run in runs:
        r = recalls[run.system]
        overall += [_fmt(totals[run.system].cer), _fmt(sum(r) / len(r) if r else None)]
    if sohoa_json is not None:
        overall += ["", "", "", ""]
    rows.append(overall)
    widths = [max(len(r[c]) for r in rows) for c in range(len(head))]
    last = len(head) - 1 if sohoa_json is not None else len(head)
    lines = ["  ".join(cell.ljust(w) if c < 2 or c == last else cell.rjust(w)
                       for c, (cell, w) in enumerate(zip(r, widths))).rstrip()
             for r in rows]
    lines.insert(1, "-" * len(lines[0]))
    lines.insert(len(lines) - 1, "-" * len(lines[0]))
    return "\n".join(lines), {"blank_with_text": blank_with_text, "turned": turned}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.real_pages", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--systems", default=",".join(SYSTEMS), help=f"comma-separated subset of {','.join(SYSTEMS)}")
    parser.add_argument("--out", type=Path, help="keep every system's output here (default: a temporary folder)")
    parser.add_argument("--jobs", type=int, default=2, help="parallel jobs for sohoa and OCRmyPDF")
    parser.add_argument("--pages", type=Path, default=PAGES_JSON, help="the page list (default benchmarks/real/pages.json)")
    args = parser.parse_args(argv)
    systems = [s.strip() for s in args.systems.split(",") if s.strip()]
    unknown = sorted(set(systems) - set(SYSTEMS))
    if unknown:
        parser.error(f"unknown system(s): {', '.join(unknown)}; choose from {', '.join(SYSTEMS)}")

    work = args.out or Path(tempfile.mkdtemp(prefix="sohoa-real-"))
    work.mkdir(parents=True, exist_ok=True)
    pages = load_pages(args.pages)
    files = [p.file for p in pages]
    shown_argv = argv if argv is not None else sys.argv[1:]
    print(f"command: {' '.join(shlex.quote(a) for a in [sys.executable, '-m', 'benchmarks.real_pages', *shown_argv])}")
    print(f"machine: {machine()}")
    print(f"corpus: {len(pages)} real pages from {args.pages} ({sum(p.truth is not None for p in pages)} transcribed), "
          f"outputs in {work}")
    print(f"tesseract: {_first_line(['tesseract', '--version'])}")

    runs: list[Run] = []
    for system in systems:
        print(f"running {system} ...", flush=True)
        started = time.perf_counter()
        if system == "tesseract":
            runs.append(run_tesseract(files, work))
        elif system == "sohoa":
            runs.append(run_sohoa(files, work, args.jobs))
        else:
            runs.append(run_ocrmypdf_pages(files, work, args.jobs))
        print(f"  {time.perf_counter() - started:.0f} s", flush=True)
    print()
    for run in runs:
        print(f"{run.system}: {run.version}\n  {run.command}\n  wall {run.seconds:.1f} s")
        for error in run.errors[:8]:
            print(f"  error: {error}")
    print()
    sohoa_json = sohoa_pages(work, files) if "sohoa" in systems else None
    text, counts = page_table(pages, runs, sohoa_json)
    print(text)
    print("\nCER = edit distance / truth characters (benchmarks.metrics.score); words = share of truth words read "
          "exactly, in any order (benchmarks.metrics.word_recall); orient = clockwise turn the stored page needs; "
          "rot = sohoa's applied rotation, '!' where it differs.")
    if sohoa_json is not None:
        print(f"pages with text declared blank: {counts['blank_with_text']}, pages left turned: {counts['turned']}")
    else:
        print("pages with text declared blank: - (sohoa not run), pages left turned: - (sohoa not run)")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except SystemExit:
        raise
    except Exception as exc:  # a benchmark reports; it never fails the caller
        print(f"error: {type(exc).__name__}: {exc}", file=sys.stderr)
        sys.exit(0)
