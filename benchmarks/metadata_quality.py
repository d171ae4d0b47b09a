"""Metadata extraction and classification accuracy per field on generated pages (every kind, levels 0-3), read
by the real engine (ocr.pipeline), and agreement on the transcribed real pages.

    .venv/bin/python -m benchmarks.metadata_quality                 # 2 seeds x 3 kinds x 4 levels = 24 pages
    .venv/bin/python -m benchmarks.metadata_quality --seeds 10 --jobs 2   # more pages, for the figures

A field counts as exact when it equals the printed truth (benchmarks/synth truth "fields"): number/symbol by
its key (sohoa.domain.codes.normalize_document_number), dates and ID numbers as strings, names, agency, title
and subject after NFC and whitespace collapsing. "missed" = not extracted; "wrong" = extracted but different.
Real pages (benchmarks/real/pages.json) have transcriptions, not field truth: the same rules are applied to the
transcription and the OCR-read fields are compared with those (agreement, not accuracy of the rules).
Each page costs ~15 s of CPU to read; readings are cached in ~/.cache/sohoa/metadata-quality (by image hash),
so a second run only re-extracts (--no-cache reads again).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import pickle
import sys
import time
import unicodedata
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from benchmarks.synth import KINDS, generate_page
from benchmarks.synth.degrade import LEVELS
from ocr.classify import classify_document
from ocr.extract import extract_metadata
from ocr.model import PageImage, PageResult
from sohoa.domain.codes import normalize_document_number

FIELDS = ("number_symbol", "issued_on", "owner_id", "owner_name", "agency", "signer", "signer_title", "subject")
TARGET_FIELDS = ("number_symbol", "issued_on", "owner_id")
TARGET = 0.95
CACHE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "sohoa" / "metadata-quality"


def same(name: str, got: str | None, truth: str) -> bool:
    if got is None:
        return False
    if name == "number_symbol":
        return normalize_document_number(got) == normalize_document_number(truth) is not None
    def plain(text: str) -> str:
        return " ".join(unicodedata.normalize("NFC", text).split())
    return plain(got) == plain(truth)


def _read_image(image: np.ndarray, dpi: int | None, use_cache: bool) -> PageResult:
    from ocr.pipeline import init_worker, ocr_page

    key = hashlib.sha256(image.tobytes() + repr((image.shape, str(image.dtype), dpi)).encode()).hexdigest()[:24]
    cached = CACHE / f"{key}.pickle"
    if use_cache and cached.exists():
        return pickle.loads(cached.read_bytes())
    init_worker()
    result, _ = ocr_page(PageImage(image, dpi or 300, 0))
    CACHE.mkdir(parents=True, exist_ok=True)
    cached.write_bytes(pickle.dumps(result))
    return result


def _read_generated(spec: tuple[str, int, int], use_cache: bool) -> tuple[PageResult, dict]:
    """Generate and read one page in the worker: only its name and the result cross the process boundary."""
    kind, seed, level = spec
    page = generate_page(kind, seed, level)
    return _read_image(page.image, page.dpi, use_cache), page.metadata


def _read_real(path: Path, use_cache: bool) -> PageResult:
    from ocr.load import load_page

    loaded = load_page(path, 0)
    return _read_image(loaded.image, loaded.dpi, use_cache)


@dataclass
class Tally:
    exact: int = 0
    wrong: int = 0
    missed: int = 0

    @property
    def total(self) -> int:
        return self.exact + self.wrong + self.missed

    def add(self, ok: bool, got: object) -> None:
        if ok:
            self.exact += 1
        elif got is None:
            self.missed += 1
        else:
            self.wrong += 1

    def cell(self) -> str:
        return f"{self.exact}/{self.total} {self.exact / self.total:.0%}" if self.total else "-"


def _table(rows: list[list[str]]) -> str:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in rows)


def synthetic(seeds: int, first_seed: int, levels: list[int], kinds: list[str], jobs: int, use_cache: bool,
              show_misses: bool) -> bool:
    specs = [(kind, seed, level) for kind in kinds for seed in range(first_seed, first_seed + seeds) for level in levels]
    started = time.perf_counter()
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        done = list(pool.map(_read_generated, specs, [use_cache] * len(specs)))
    seconds = time.perf_counter() - started
    tallies: dict[tuple[str, int], Tally] = {}
    misses = []
    for (kind, seed, level), (result, metadata) in zip(specs, done, strict=True):
        truth = metadata["fields"]
        fields = extract_metadata([result])
        for name in FIELDS:
            if name in truth:
                got = fields[name].value if name in fields else None
                ok = same(name, got, truth[name])
                tallies.setdefault((name, level), Tally()).add(ok, got)
                if not ok:
                    misses.append(f"{kind} seed {seed} L{level} {name}: got {got!r}, truth {truth[name]!r}")
        found = classify_document([result])
        ok = (found.role, found.doc_type) == (metadata["role"], metadata["doc_type"])
        tallies.setdefault(("role + type", level), Tally()).add(ok, found.doc_type)
        if not ok:
            misses.append(f"{kind} seed {seed} L{level} class: got {found.role}/{found.doc_type}, "
                          f"truth {metadata['role']}/{metadata['doc_type']}")
    header = ["field", *[f"L{level}" for level in levels], "L0-L2"]
    rows = [header]
    met = True
    for name in (*FIELDS, "role + type"):
        low = Tally()
        for level in levels:
            if level <= 2 and (name, level) in tallies:
                t = tallies[(name, level)]
                low.exact, low.wrong, low.missed = low.exact + t.exact, low.wrong + t.wrong, low.missed + t.missed
        rows.append([name, *[tallies.get((name, level), Tally()).cell() for level in levels], low.cell()])
        if name in TARGET_FIELDS and low.total and low.exact / low.total < TARGET:
            met = False
    print(f"generated pages: {len(specs)} ({', '.join(kinds)}; seeds {first_seed}-{first_seed + seeds - 1}; "
          f"levels {', '.join(map(str, levels))}); read in {seconds:.0f} s with {jobs} job(s)")
    print(_table(rows))
    print(f"target >= {TARGET:.0%} exact on L0-L2 for {', '.join(TARGET_FIELDS)}: {'met' if met else 'NOT met'}")
    if show_misses and misses:
        print("\n".join(["", "misses:", *misses]))
    return met


def real(jobs: int, use_cache: bool) -> None:
    from benchmarks.real_pages import load_pages

    transcribed = [p for p in load_pages() if p.truth]
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        results = list(pool.map(_read_real, [p.file for p in transcribed], [use_cache] * len(transcribed)))
    tallies: dict[str, Tally] = {}
    for page, result in zip(transcribed, results, strict=True):
        text_only = PageResult(index=0, dpi=300, rotation=0, skew=0.0, blank=False, mean_confidence=100.0,
                               text=page.truth or "", words=[], flags=[], width=result.width, height=result.height)
        expected = extract_metadata([text_only])
        got = extract_metadata([result])
        for name, field in expected.items():
            value = got[name].value if name in got else None
            tallies.setdefault(name, Tally()).add(same(name, value, field.value), value)
    print(f"\nreal transcribed pages: {len(transcribed)}; fields the rules find in the transcription, "
          "and how often the OCR-read page gives the same value")
    print(_table([["field", "agree"], *[[name, tallies[name].cell()] for name in FIELDS if name in tallies]]))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, default=2, help="pages per kind and level (default 2)")
    parser.add_argument("--first-seed", type=int, default=100)
    parser.add_argument("--levels", default=",".join(map(str, LEVELS)))
    parser.add_argument("--kinds", default=",".join(KINDS))
    parser.add_argument("--jobs", type=int, default=1, help="pages read at once (default 1: CPU is shared)")
    parser.add_argument("--no-real", action="store_true", help="skip the real pages")
    parser.add_argument("--no-cache", action="store_true", help="read every page again")
    parser.add_argument("--misses", action="store_true", help="list every wrong or missed field")
    args = parser.parse_args(argv)
    print("command:", " ".join(["python -m benchmarks.metadata_quality", *(argv if argv is not None else sys.argv[1:])]))
    met = synthetic(args.seeds, args.first_seed, [int(v) for v in args.levels.split(",")], args.kinds.split(","),
                    args.jobs, not args.no_cache, args.misses)
    if not args.no_real:
        real(args.jobs, not args.no_cache)
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
