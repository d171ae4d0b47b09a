"""Command line: `python -m benchmarks.synth corpus OUT_DIR [--capture photo]` (pages + truth.json) or `... sample OUT_DIR`."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from benchmarks.synth.capture import CAPTURES
from benchmarks.synth.files import save_page
from benchmarks.synth.page import KINDS, generate_page
from benchmarks.synth.degrade import LEVELS
from benchmarks.synth.sample import make_sample_batch


def corpus_plan(pages_per_level: int, seed: int) -> list[tuple[str, int, int]]:
    """(kind, seed, level) for each page: kinds take turns, and every level sees the same pages."""
    return [(KINDS[i % len(KINDS)], seed + i, level) for level in LEVELS for i in range(pages_per_level)]


def write_corpus(out_dir: Path, pages_per_level: int, seed: int, capture: str = "scan") -> Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    truth = []
    for kind, page_seed, level in corpus_plan(pages_per_level, seed):
        page = generate_page(kind, page_seed, level, capture=capture)
        prefix = "" if capture == "scan" else f"{capture}_"
        name = f"{prefix}L{level}_{kind}_{page_seed:04d}{page.suffix}"
        save_page(page, out_dir / name)
        truth.append({"file": name, **page.truth()})
        print(f"{name}  {page.dpi or 'no'} dpi  {len(page.text)} chars", flush=True)
    path = out_dir / "truth.json"
    path.write_text(json.dumps({"pages": truth}, ensure_ascii=False, indent=1), encoding="utf-8")
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.synth", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    corpus = sub.add_parser("corpus", help="pages of every kind at every damage level, with truth.json")
    corpus.add_argument("out_dir", type=Path)
    corpus.add_argument("--pages-per-level", type=int, default=3)
    corpus.add_argument("--seed", type=int, default=0)
    corpus.add_argument("--capture", choices=CAPTURES, default="scan",
                        help="how the pages reached us (scan, faint, screenshot, photo, lowres)")
    sample = sub.add_parser("sample", help="a small scanner folder + registry CSV, like a commune's batch")
    sample.add_argument("out_dir", type=Path)
    sample.add_argument("--seed", type=int, default=0)
    sample.add_argument("--truth", type=Path, help="also write the expected links as JSON here")
    args = parser.parse_args(argv)
    if args.command == "corpus":
        if args.pages_per_level < 1:
            parser.error("--pages-per-level must be at least 1")
        print(f"truth: {write_corpus(args.out_dir, args.pages_per_level, args.seed, args.capture)}")
    else:
        batch = make_sample_batch(args.out_dir, seed=args.seed)
        for f in batch.files:
            print(f"{f.path}  {len(f.pages)} page(s)  link by {f.link}")
        print(f"registry: {batch.registry_path} ({len(batch.registered)} dossiers, {len(batch.scanned)} scanned)")
        if args.truth:
            args.truth.write_text(batch.to_json(), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
