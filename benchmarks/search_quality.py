"""Search quality at dossier level: labelled queries over a scanned corpus ingested (OCR'd) by sohoa itself.

    python -m benchmarks.search_quality --work /tmp/sq                    # embedded index
    python -m benchmarks.search_quality --work /tmp/sq --reuse --search-url http://127.0.0.1:9401

Builds 20 dossiers as scanner output (single-dossier files named by archival rule, phone photos linked by
the "Mã hồ sơ" in their text, and stacks of three dossiers split at their QR receipts), pages at damage
levels 0-3, plus a registry CSV; runs `sohoa ingest` on them in a private SOHOA_HOME; then asks each query
class and scores recall@10 and MRR: a hit counts only when it names the right dossier. The baseline is SQLite
FTS5 over the same OCR text, diacritics removed and đ folded to d, one row per scanned FILE (its name and
text), phrase query: a stack file counts as a miss because it does not say which of its dossiers is the one.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import sqlite3
import subprocess
import sys
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from benchmarks.synth import Dossier, generate_page, make_dossier, save_pages
from benchmarks.synth.content import UNITS
from benchmarks.synth.sample import REGISTRY_HEADERS
from indexing import SearchQuery
from sohoa.compose import open_search_index
from indexing.folding import tokens
from sohoa.domain.folding import fold

CLASSES = ("accented", "unaccented", "partial", "misspelled", "dossier code", "document number")
# One wrong tone mark, as officers (and OCR) slip: the same vowel with another of its five marks.
_TONES = {
    "à": "á", "á": "à", "ả": "ã", "ã": "ả", "ạ": "á", "ù": "ú", "ú": "ù", "ủ": "ũ", "ũ": "ủ", "ụ": "ú",
    "è": "é", "é": "è", "ì": "í", "í": "ì", "ò": "ó", "ó": "ò", "ỏ": "õ", "ư": "ừ", "ừ": "ứ", "ứ": "ừ",
    "ơ": "ờ", "ờ": "ớ", "ớ": "ờ", "ễ": "ế", "ế": "ễ", "ệ": "ề", "ề": "ệ", "ạ\u0300": "à", "ă": "ắ",
    "ằ": "ắ", "ắ": "ằ", "ầ": "ấ", "ấ": "ầ", "ậ": "ầ", "ồ": "ố", "ố": "ồ", "ổ": "ỗ", "ộ": "ồ", "ợ": "ờ",
    "ữ": "ử", "ử": "ữ", "ỳ": "ý", "ý": "ỳ", "ỹ": "ý", "ị": "ì", "ọ": "ò", "ỗ": "ổ", "ự": "ừ", "ặ": "ắ",
}


@dataclass(frozen=True)
class ScannedFile:
    name: str
    dossiers: tuple[str, ...]  # every dossier whose pages the file holds


@dataclass(frozen=True)
class Labelled:
    kind: str
    text: str
    dossier: str


def build_corpus(scan_dir: Path, seed: int) -> tuple[list[Dossier], list[ScannedFile], dict[str, bool]]:
    """Writes the scans; returns dossiers, files and which dossiers have a decision page (a document number)."""
    rng = random.Random(f"sohoa-search-quality:{seed}")
    dossiers: list[Dossier] = []
    while len(dossiers) < 20:
        d = make_dossier(rng, rng.choice(UNITS))
        taken = {(x.code, x.applicant.name, x.document_number) for x in dossiers}
        if not any(d.code == c or d.applicant.name == n or d.document_number == k for c, n, k in taken):
            dossiers.append(d)
    counter = iter(range(seed * 10_000, seed * 10_000 + 10_000))
    levels = iter([0, 1, 2, 3] * 30)

    def page(kind: str, d: Dossier, **kw: object):
        return generate_page(kind, next(counter), next(levels), dossier=d, **kw)

    files: list[ScannedFile] = []
    has_decision: dict[str, bool] = {}
    for d in dossiers[:8]:  # one dossier per file, archival names: receipt, form, decision
        save_pages([page("receipt", d), page("form", d), page("decision", d)], scan_dir / f"{d.code}.1.pdf")
        files.append(ScannedFile(f"{d.code}.1.pdf", (d.code,)))
        has_decision[d.code] = True
    for n, d in enumerate(dossiers[8:11]):  # phone photos of a form that prints its dossier code
        name = f"IMG_2023091{n}_10{n}512.jpg"
        save_pages([page("form", d, show_code=True)], scan_dir / name)
        files.append(ScannedFile(name, (d.code,)))
        has_decision[d.code] = False
    for s in range(3):  # mixed stacks: each dossier starts with its QR receipt
        members = dossiers[11 + 3 * s : 14 + 3 * s]
        pages = []
        for i, d in enumerate(members):
            pages += [page("receipt", d), page("decision" if i != 1 else "form", d)]
            has_decision[d.code] = i != 1
        name = f"SCAN_{s + 1:04d}.pdf"
        save_pages(pages, scan_dir / name)
        files.append(ScannedFile(name, tuple(d.code for d in members)))
    return dossiers, files, has_decision


def write_registry(path: Path, dossiers: list[Dossier]) -> None:
    with path.open("w", newline="", encoding="utf-8-sig") as fh:
        writer = csv.DictWriter(fh, fieldnames=REGISTRY_HEADERS)
        writer.writeheader()
        for d in dossiers:
            writer.writerow({
                "Mã hồ sơ": d.code, "Đơn vị": d.unit.name, "Lĩnh vực": d.procedure.field,
                "Mã TTHC": d.procedure.code, "Tên TTHC": d.procedure.name, "Chủ hồ sơ": d.applicant.name,
                "Ngày tiếp nhận": f"{d.received_at:%d/%m/%Y %H:%M}", "Trạng thái": d.status,
            })


def _wrong_mark(word: str) -> str | None:
    for i, ch in enumerate(word):
        if ch.lower() in _TONES:
            swapped = _TONES[ch.lower()]
            return word[:i] + (swapped.upper() if ch.isupper() else swapped) + word[i + 1 :]
    return None


def _swap(word: str) -> str:
    i = max(1, len(word) // 2 - 1)
    return word[:i] + word[i + 1] + word[i] + word[i + 2 :]


def labelled_queries(dossiers: list[Dossier], has_decision: dict[str, bool]) -> list[Labelled]:
    out: list[Labelled] = []
    for n, d in enumerate(dossiers):
        name = d.applicant.name
        words = name.split()
        out.append(Labelled("accented", name, d.code))
        out.append(Labelled("unaccented", fold(name), d.code))
        out.append(Labelled("partial", f"{words[0]} {words[-1]}" if n % 2 else fold(" ".join(words[-2:])), d.code))
        marked = [w for w in words if _wrong_mark(w)]
        long = [w for w in words if len(fold(w)) >= 5]
        if n % 2 and long or not marked:
            slip = " ".join(_swap(fold(w)) if w == long[0] else fold(w) for w in words) if long else fold(name)
        else:
            slip = " ".join(_wrong_mark(w) if w == marked[-1] else w for w in words)  # type: ignore[misc]
        out.append(Labelled("misspelled", slip, d.code))
        out.append(Labelled("dossier code", (d.code, d.code.lower(), d.code.replace("-", " "))[n % 3], d.code))
        if has_decision[d.code]:
            number = f"{d.document_number}/QĐ-UBND"
            for typed in (number, fold(number).lower(), number.replace("/", " ").replace("-", " ")):
                out.append(Labelled("document number", typed, d.code))
    return out


def ingest(work: Path, scan_dir: Path, registry: Path) -> float:
    env = {**os.environ, "SOHOA_HOME": str(work / "home"), "SOHOA_SEARCH_URL": "embedded",
           "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
    env.pop("SOHOA_DATABASE_URL", None)
    env.pop("SOHOA_STORAGE_URL", None)
    started = time.perf_counter()
    sohoa = Path(sys.executable).with_name("sohoa")
    subprocess.run([str(sohoa), "ingest", str(scan_dir), "--manifest", str(registry)], env=env, check=True,
                   stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def catalogue_pages(work: Path) -> list[tuple[str, str, str]]:
    """(file name, page text, dossier code or "") of every OCR'd page, straight from the catalogue."""
    from storage.catalog import open_catalog

    catalog = open_catalog(f"sqlite:///{work / 'home' / 'catalog.sqlite3'}")
    try:
        return [(row.original_name, row.page.text, row.dossier.dossier_code if row.dossier else "")
                for row in catalog.iter_pages_for_index()]
    finally:
        catalog.close()


class Baseline:
    """The naive search: one FTS5 row per file, folded text, the query as one phrase."""

    def __init__(self, pages: list[tuple[str, str, str]], files: list[ScannedFile]) -> None:
        self.db = sqlite3.connect(":memory:")
        self.db.execute("CREATE VIRTUAL TABLE files USING fts5(name, body, tokenize='unicode61 remove_diacritics 2')")
        texts: dict[str, list[str]] = defaultdict(list)
        for name, text, _ in pages:
            texts[name].append(text)
        for name, parts in texts.items():
            self.db.execute("INSERT INTO files VALUES (?, ?)", (fold(name), fold("\n".join(parts))))
        self.names = {fold(name): name for name in texts}
        self.dossiers_of = {f.name: f.dossiers for f in files}

    def search(self, text: str, limit: int = 10) -> list[str | None]:
        """The dossier each returned file stands for; None for a stack (several dossiers in one file)."""
        words = tokens(fold(text))
        if not words:
            return []
        phrase = '"' + " ".join(words) + '"'
        rows = self.db.execute("SELECT name FROM files WHERE files MATCH ? ORDER BY rank LIMIT ?",
                               (phrase, limit)).fetchall()
        found = [self.dossiers_of.get(self.names[name], ()) for (name,) in rows]
        return [dossiers[0] if len(dossiers) == 1 else None for dossiers in found]


def reciprocal_rank(found: list[str | None], want: str, k: int = 10) -> float:
    for i, code in enumerate(found[:k]):
        if code == want:
            return 1.0 / (i + 1)
    return 0.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.search_quality", description=__doc__.split("\n")[0])
    parser.add_argument("--work", type=Path, default=Path("/tmp/sohoa-search-quality"))
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--search-url", default="embedded", help='"embedded" or http://host:port: which index to ask')
    parser.add_argument("--reuse", action="store_true", help="reuse the scans and ingest already in --work")
    parser.add_argument("--show-misses", action="store_true")
    args = parser.parse_args(argv)
    print("command: python -m benchmarks.search_quality " + " ".join(argv if argv is not None else sys.argv[1:]))

    scan_dir, state = args.work / "scans", args.work / "corpus.json"
    if args.reuse and state.exists():
        saved = json.loads(state.read_text())
        files = [ScannedFile(f["name"], tuple(f["dossiers"])) for f in saved["files"]]
        queries = [Labelled(**q) for q in saved["queries"]]
    else:
        scan_dir.mkdir(parents=True, exist_ok=True)
        started = time.perf_counter()
        dossiers, files, has_decision = build_corpus(scan_dir, args.seed)
        write_registry(args.work / "registry.csv", dossiers)
        print(f"generated {len(files)} files in {time.perf_counter() - started:.0f} s")
        seconds = ingest(args.work, scan_dir, args.work / "registry.csv")
        print(f"sohoa ingest: {seconds:.0f} s")
        queries = labelled_queries(dossiers, has_decision)
        state.write_text(json.dumps({"files": [{"name": f.name, "dossiers": f.dossiers} for f in files],
                                     "queries": [q.__dict__ for q in queries]}, ensure_ascii=False))
    pages = catalogue_pages(args.work)
    linked = sum(1 for _, _, code in pages if code)
    print(f"corpus: {len(files)} files, {len(pages)} pages ({linked} linked to a dossier), "
          f"{sum(len(f.dossiers) for f in files)} dossiers, {sum(len(f.dossiers) > 1 for f in files)} stacks; "
          f"{len(queries)} queries; index: {args.search_url}")

    if args.search_url == "embedded":
        index = open_search_index("embedded", args.work / "home")
    else:
        from flows.index_sync import rebuild_index
        from indexing.elastic import ElasticSearchIndex
        from storage.catalog import open_catalog

        # Its own alias: the server may hold another corpus under the default one.
        index = ElasticSearchIndex(args.search_url, alias="sohoa-search-quality")
        catalog = open_catalog(f"sqlite:///{args.work / 'home' / 'catalog.sqlite3'}")
        rebuild_index(catalog, index)
        catalog.close()
    baseline = Baseline(pages, files)
    scores: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    for q in queries:
        found = [g.dossier_code for g in index.search(SearchQuery(text=q.text, limit=10)).groups]
        for system, hits in (("sohoa", found), ("baseline", baseline.search(q.text))):
            rr = reciprocal_rank(hits, q.dossier)
            scores[system][q.kind].append(rr)
            scores[system]["ALL"].append(rr)
            if args.show_misses and system == "sohoa" and rr < 1:
                print(f"  miss rr={rr:.2f} {q.kind}: {q.text!r} want {q.dossier} got {hits[:3]}")
    print(f"{'class':16} {'n':>3} {'sohoa R@10':>10} {'sohoa MRR':>10} {'base R@10':>10} {'base MRR':>10}")
    for kind in (*CLASSES, "ALL"):
        ours, base = scores["sohoa"][kind], scores["baseline"][kind]
        if not ours:
            continue
        print(f"{kind:16} {len(ours):3d} {sum(r > 0 for r in ours) / len(ours):10.3f} {sum(ours) / len(ours):10.3f}"
              f" {sum(r > 0 for r in base) / len(base):10.3f} {sum(base) / len(base):10.3f}")
    index.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
