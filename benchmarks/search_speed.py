"""Search speed at scale: bulk indexing pages/s, then query latency p50/p95 for an officers' query mix.

    python -m benchmarks.search_speed --backend embedded --pages 100000 --work /tmp/ss
    python -m benchmarks.search_speed --backend http://127.0.0.1:9401 --pages 1000000

Pages come from `benchmarks.search_corpus` (no OCR). The index is reused when it already holds exactly
`--pages` pages (`--reindex` forces a fresh load). Queries are built from dossiers of the corpus: names with
and without marks, dossier codes and document numbers typed several ways, parcels, phrases, very common
words, one-letter slips, filters and an officer's `allowed_units`; every class is timed separately.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from benchmarks.search_corpus import UNIT_NAMES, CorpusDossier, corpus_dossiers, corpus_pages, dossier
from indexing import PageDocument, SearchIndex, SearchQuery
from sohoa.compose import open_search_index
from sohoa.domain.folding import fold

# How often each class appears in the mix: names and codes dominate what officers type.
MIX = {
    "name accented": 4, "name unaccented": 4, "dossier code": 3, "document number": 3, "parcel": 2,
    "phrase": 2, "common words": 2, "misspelled": 2, "name + filters": 2, "common + unit filter": 1,
}


@dataclass(frozen=True)
class TimedQuery:
    kind: str
    query: SearchQuery


def _swap_letters(word: str, rng: random.Random) -> str:
    i = rng.randrange(1, len(word) - 1)
    return word[:i] + word[i + 1] + word[i] + word[i + 2 :]


def make_queries(dossier_count: int, count: int, seed: int = 1) -> list[TimedQuery]:
    rng = random.Random(seed)
    kinds = [k for k, weight in MIX.items() for _ in range(weight)]
    queries = []
    for n in range(count):
        d: CorpusDossier = dossier(rng.randrange(dossier_count))
        kind = kinds[n % len(kinds)]
        officer_units = [d.unit, *rng.sample(UNIT_NAMES, 2)]
        text, extra = "", {}
        if kind == "name accented":
            text = d.applicant
        elif kind == "name unaccented":
            text = fold(d.applicant)
        elif kind == "dossier code":
            text = rng.choice((d.code, d.code.lower(), d.code.replace("-", " ")))
        elif kind == "document number":
            text = rng.choice((d.document_number, fold(d.document_number).lower(),
                               d.document_number.replace("/", " ").replace("-", " ")))
        elif kind == "parcel":
            text = f"thửa đất số {d.parcel[0]} tờ bản đồ số {d.parcel[1]}"
        elif kind == "phrase":
            text = rng.choice(('"giấy chứng nhận quyền sử dụng đất"', '"tiep nhan ho so"',
                               f'"{d.applicant}"', '"trợ giúp xã hội"~2'))
        elif kind == "common words":
            text = rng.choice(("ủy ban nhân dân", "hồ sơ", "quyết định", "đất", "ubnd xa", "căn cứ luật"))
        elif kind == "misspelled":
            # One swapped pair of letters in a name word long enough for the OCR-slip tolerance (>= 5 letters).
            words = d.applicant.split()
            long = [w for w in words if len(fold(w)) >= 5] or ["Nguyễn"]
            word = rng.choice(long)
            text = " ".join(_swap_letters(fold(w), rng) if w == word else w for w in words)
            if word not in words:
                text = f"{_swap_letters('nguyen', rng)} {d.applicant.split()[-1]}"
        elif kind == "name + filters":
            text, extra = fold(d.applicant), {"year": d.received.year, "allowed_units": officer_units}
        elif kind == "common + unit filter":
            text, extra = rng.choice(("hồ sơ", "quyết định", "thửa đất")), {"unit": d.unit,
                                                                             "allowed_units": officer_units}
        queries.append(TimedQuery(kind, SearchQuery(text=text, **extra)))  # type: ignore[arg-type]
    return queries


def _progress(pages: Iterator[PageDocument], total: int, started: float) -> Iterator[PageDocument]:
    for n, page in enumerate(pages, 1):
        yield page
        if n % 50_000 == 0:
            rate = n / (time.perf_counter() - started)
            print(f"  indexed {n:,}/{total:,} ({rate:,.0f} pages/s)", file=sys.stderr, flush=True)


def load(index: SearchIndex, pages: int, seed: int) -> float:
    """Rebuilds the index with `pages` generated pages; returns pages/s including generation."""
    started = time.perf_counter()
    done = index.rebuild(_progress(corpus_pages(pages, seed), pages, started))
    elapsed = time.perf_counter() - started
    assert done == pages, f"indexed {done} of {pages}"
    return pages / elapsed


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def run_queries(index: SearchIndex, queries: list[TimedQuery], warmup: int) -> dict[str, list[float]]:
    for q in queries[:warmup]:
        index.search(q.query)
    timings: dict[str, list[float]] = defaultdict(list)
    for q in queries:
        started = time.perf_counter()
        result = index.search(q.query)
        timings[q.kind].append((time.perf_counter() - started) * 1000)
        timings[f"_found:{q.kind}"].append(float(bool(result.groups)))
    return timings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.search_speed", description=__doc__.split("\n")[0])
    parser.add_argument("--backend", default="embedded", help='"embedded" or http://host:port (Elasticsearch)')
    parser.add_argument("--pages", type=int, default=100_000)
    parser.add_argument("--work", type=Path, default=Path("/tmp/sohoa-search-speed"), help="embedded index home")
    parser.add_argument("--queries", type=int, default=500)
    parser.add_argument("--warmup", type=int, default=50)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--reindex", action="store_true", help="load the pages even if the index holds them")
    args = parser.parse_args(argv)

    index = open_search_index(args.backend, args.work)
    index.ensure()
    command = "python -m benchmarks.search_speed " + " ".join(argv if argv is not None else sys.argv[1:])
    print(f"command: {command}")
    if args.reindex or index.count() != args.pages:
        rate = load(index, args.pages, args.seed)
        print(f"indexing: {args.pages:,} pages at {rate:,.0f} pages/s (generation included)")
    else:
        print(f"indexing: reused the index holding {args.pages:,} pages")
    dossier_count = sum(1 for _ in corpus_dossiers(args.pages, args.seed))
    queries = make_queries(dossier_count, args.queries)
    timings = run_queries(index, queries, args.warmup)
    everything = [t for kind, ts in timings.items() if not kind.startswith("_") for t in ts]
    print(f"{'class':24} {'n':>4} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'found':>6}")
    for kind in MIX:
        ts = timings[kind]
        found = statistics.mean(timings[f"_found:{kind}"])
        print(f"{kind:24} {len(ts):4d} {percentile(ts, 0.5):8.1f} {percentile(ts, 0.95):8.1f} {max(ts):8.1f}"
              f" {found:6.0%}")
    print(f"{'ALL':24} {len(everything):4d} {percentile(everything, 0.5):8.1f} {percentile(everything, 0.95):8.1f}"
          f" {max(everything):8.1f}")
    index.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
