"""Embedded SearchIndex: SQLite FTS5 files (exact + folded columns, bm25) under one folder, no server."""

from __future__ import annotations

import hashlib
import os
import re
import sqlite3
import threading
from collections import Counter
from collections.abc import Iterable, Iterator
from datetime import date, timedelta
from itertools import islice
from pathlib import Path

from indexing.base import (
    FACET_NAMES,
    DossierHit,
    PageDocument,
    PageHit,
    SearchQuery,
    SearchResult,
    SearchUnavailableError,
    issuer_words,
)
from indexing.folding import tokens, within_one_edit
from indexing.query import (
    FUZZY_MIN_LENGTH,
    FUZZY_PREFIX_LENGTH,
    PROXIMITY_SLOP,
    ParsedQuery,
    Term,
    page_keys,
    parse_query,
)
from indexing.snippets import make_snippet
from sohoa.domain.folding import exact, fold

CHUNK_PAGES = 500
MAX_FUZZY_EXPANSIONS = 20
# bm25 column weights: body_exact, body_folded, meta_exact, meta_folded, facets. Exact marks weigh 4x the
# folded form; filter tokens carry no weight.
BM25_WEIGHTS = (4.0, 1.0, 6.0, 1.5, 0.0)
# bm25 costs ~2 us per matched page, so a query matching every page of a 100k index cannot rank them all
# in time. At most RANK_WINDOW matches are ranked: all of them when fewer match, else the most recently
# indexed ones (words that common barely discriminate, and officers want recent dossiers first).
RANK_WINDOW = 10_000
# Groups, totals and facets come from the best GROUP_SAMPLE ranked pages; when more pages match, totals and
# facets are scaled up from that sample and the result says they are estimates.
GROUP_SAMPLE = 3_000
# 3: role, doc_type and extracted metadata (issuer, owner_id, issued_on, signer) as columns and filter tokens.
SCHEMA_VERSION = 3
# Fuzzy-only pages sort after every page matched without an edit; the factor keeps their scores small too.
FUZZY_SCORE_FACTOR = 0.1
_TIER_GAP = 1e9
# The words unicode61 indexes (letters and digits; folded text has no marks left to split on).
_WORD = re.compile(r"\w+")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS pages (
    rowid INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    group_key TEXT NOT NULL,
    dossier_code TEXT,
    document_id TEXT NOT NULL,
    page_number INTEGER NOT NULL,
    unit TEXT, field TEXT, procedure_code TEXT, status TEXT,
    received_date TEXT, year INTEGER,
    applicant TEXT, file_name TEXT, document_numbers TEXT,
    role TEXT, doc_type TEXT, issuer TEXT, owner_id TEXT, issued_on TEXT, signer TEXT,
    text TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS pages_document ON pages(document_id);
CREATE INDEX IF NOT EXISTS pages_issued_on ON pages(issued_on);
CREATE TABLE IF NOT EXISTS page_keys (key TEXT NOT NULL, page INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS page_keys_key ON page_keys(key);
CREATE INDEX IF NOT EXISTS page_keys_page ON page_keys(page);
CREATE VIRTUAL TABLE IF NOT EXISTS pages_fts USING fts5(
    body_exact, body_folded, meta_exact, meta_folded, facets,
    content='', tokenize='unicode61 remove_diacritics 0'
);
CREATE TABLE IF NOT EXISTS folded_terms (term TEXT PRIMARY KEY, pages INTEGER NOT NULL) WITHOUT ROWID;
"""


def _meta(page_applicant: str | None, file_name: str | None, procedure_code: str | None,
          signer: str | None = None) -> str:
    return " ".join(part for part in (page_applicant, file_name, procedure_code, signer) if part)


def facet_token(name: str, value: object) -> str:
    """A filter value as one FTS5 token, so unit/field/year/status filters run inside the full-text match."""
    digest = hashlib.blake2b(f"{name}={value}".encode(), digest_size=8).hexdigest()
    return f"{name[0]}{digest}"


def _facet_tokens(values: dict[str, object]) -> str:
    """The facets column of a page: one token per facet value, its owner ID, and each word of its issuer."""
    found = [facet_token(name, values[name]) for name in FACET_NAMES if values.get(name) is not None]
    if values.get("owner_id"):
        found.append(facet_token("owner_id", values["owner_id"]))
    found += [facet_token("issuer", word) for word in dict.fromkeys(issuer_words(values.get("issuer")))]  # type: ignore[arg-type]
    issued = values.get("issued_on")
    if issued:
        day = date.fromisoformat(str(issued)[:10])
        found += [facet_token("issued_on", f"y{day.year}"), facet_token("issued_on", f"m{day:%Y-%m}"),
                  facet_token("issued_on", f"d{day.isoformat()}")]
    return " ".join(found)


# Columns of `pages` that make up the facets column, in this order (insert and delete must agree).
_FACET_COLUMNS = (*FACET_NAMES, "owner_id", "issuer", "issued_on")


def _date_range_tokens(low: date, high: date) -> list[str]:
    """The fewest issue-date tokens covering [low, high]: whole years, then whole months, then days (at most
    ~80 tokens for any range), so a date range is an FTS5 OR inside the match, before the rank window."""
    found: list[str] = []
    day = low
    while day <= high:
        if (day.month, day.day) == (1, 1) and date(day.year, 12, 31) <= high:
            found.append(facet_token("issued_on", f"y{day.year}"))
            day = date(day.year + 1, 1, 1)
            continue
        if day.day == 1:
            following = date(day.year + day.month // 12, day.month % 12 + 1, 1)
            if following - timedelta(days=1) <= high:
                found.append(facet_token("issued_on", f"m{day:%Y-%m}"))
                day = following
                continue
        found.append(facet_token("issued_on", f"d{day.isoformat()}"))
        day += timedelta(days=1)
    return found


def _issued_range(query: SearchQuery, column: str) -> tuple[list[str], list[object]]:
    """SQL conditions and arguments for the issue-date range (ISO dates compare as text)."""
    where: list[str] = []
    args: list[object] = []
    if query.issued_from is not None:
        where.append(f"{column} >= ?")
        args.append(query.issued_from.isoformat())
    if query.issued_to is not None:
        where.append(f"{column} <= ?")
        args.append(query.issued_to.isoformat())
    return where, args


def _fts_values(text: str, meta: str, facets: str) -> tuple[str, str, str, str, str]:
    return exact(text), fold(text), exact(meta), fold(meta), facets


def _quote(word: str) -> str:
    return '"' + word.replace('"', '""') + '"'


def _generation(name: str) -> int | None:
    """The number of a generation file name 'pages-N.sqlite', else None."""
    number = name.removeprefix("pages-").removesuffix(".sqlite")
    return int(number) if name.startswith("pages-") and name.endswith(".sqlite") and number.isdigit() else None


def _chunks(pages: Iterable[PageDocument], size: int) -> Iterator[list[PageDocument]]:
    iterator = iter(pages)
    while chunk := list(islice(iterator, size)):
        yield chunk


class EmbeddedSearchIndex:
    """SearchIndex over SQLite FTS5. `folder` holds generations (pages-N.sqlite) and CURRENT naming the live one.

    One writer and many readers at once (WAL, busy timeout); each thread has its own connection.
    """

    def __init__(self, folder: Path, busy_timeout_ms: int = 10_000, rank_window: int = RANK_WINDOW,
                 group_sample: int = GROUP_SAMPLE) -> None:
        self.folder = Path(folder)
        self.busy_timeout_ms = busy_timeout_ms
        self.rank_window = rank_window
        self.group_sample = min(group_sample, rank_window)
        self._local = threading.local()
        self._all: list[sqlite3.Connection] = []
        self._lock = threading.Lock()

    # -- connections and generations ---------------------------------------------------------------------

    def _current_name(self) -> str | None:
        try:
            return (self.folder / "CURRENT").read_text().strip() or None
        except FileNotFoundError:
            return None

    def _open(self, path: Path) -> sqlite3.Connection:
        try:
            conn = sqlite3.connect(path, timeout=self.busy_timeout_ms / 1000, check_same_thread=False,
                                   isolation_level=None)
            conn.execute(f"PRAGMA busy_timeout={self.busy_timeout_ms}")
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute("PRAGMA temp_store=MEMORY")
            old = conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'pages'").fetchone() is not None and not {
                row[1] for row in conn.execute("PRAGMA table_info(pages)")} >= {"role", "issued_on"}
            if not old:
                conn.executescript(_SCHEMA)
                columns = [d[0] for d in conn.execute("SELECT * FROM pages_fts WHERE 0").description]
        except sqlite3.Error as exc:
            raise SearchUnavailableError(f"search index {path}: {exc}") from exc
        # Before the rank window filters were not FTS terms; before schema 3 pages had no role, type and
        # extracted metadata. Either way the index must be rebuilt from the catalogue.
        if old or "facets" not in columns:
            conn.close()
            raise SearchUnavailableError(
                f"chỉ mục tìm kiếm {path} có định dạng cũ: chạy `sohoa reindex` / search index {path} has an older"
                " format: run `sohoa reindex`")
        with self._lock:
            self._all.append(conn)
        return conn

    def _conn(self) -> sqlite3.Connection:
        """This thread's connection to the live generation, reopened after a rebuild swapped it."""
        name = self._current_name()
        if name is None:
            self.ensure()
            name = self._current_name()
        if _generation(str(name)) is None or not (self.folder / str(name)).is_file():
            # Opening it would create an empty index that answers "nothing found" to every search.
            raise SearchUnavailableError(
                f"chỉ mục tìm kiếm hỏng: {self.folder / 'CURRENT'} chỉ tới {name!r}, không có; chạy `sohoa reindex`"
                f" / search index broken: CURRENT names {name!r}, which does not exist; run `sohoa reindex`")
        cached = getattr(self._local, "conn", None)
        if cached is not None and self._local.name == name:
            return cached
        if cached is not None:
            self._forget(cached)
        self._local.conn, self._local.name = self._open(self.folder / str(name)), name
        return self._local.conn

    def _forget(self, conn: sqlite3.Connection) -> None:
        with self._lock:
            if conn in self._all:
                self._all.remove(conn)
        conn.close()

    def ensure(self) -> None:
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise SearchUnavailableError(f"search folder {self.folder}: {exc}") from exc
        if self._current_name() is None:
            self._open(self.folder / "pages-1.sqlite")
            self._swap("pages-1.sqlite")

    def _swap(self, name: str) -> None:
        pointer = self.folder / "CURRENT.tmp"
        pointer.write_text(name + "\n")
        os.replace(pointer, self.folder / "CURRENT")

    def close(self) -> None:
        with self._lock:
            conns, self._all = self._all, []
        for conn in conns:
            conn.close()
        self._local = threading.local()

    def ping(self) -> bool:
        try:
            self._conn().execute("SELECT 1").fetchone()
            return True
        except (SearchUnavailableError, sqlite3.Error):
            return False

    # -- writing -------------------------------------------------------------------------------------------

    def index_pages(self, pages: Iterable[PageDocument]) -> int:
        return self._index_into(self._conn(), pages)

    def _index_into(self, conn: sqlite3.Connection, pages: Iterable[PageDocument]) -> int:
        done = 0
        for chunk in _chunks(pages, CHUNK_PAGES):
            try:
                conn.execute("BEGIN IMMEDIATE")
                terms: Counter[str] = Counter()
                for page in chunk:
                    self._delete_rows(conn, "id = ?", (page.id,))
                    terms.update(self._insert(conn, page))
                # Counts only grow (deletes do not lower them): they just order fuzzy expansions.
                conn.executemany(
                    "INSERT INTO folded_terms (term, pages) VALUES (?, ?)"
                    " ON CONFLICT(term) DO UPDATE SET pages = pages + excluded.pages",
                    [(term, n) for term, n in terms.items() if len(term) >= FUZZY_MIN_LENGTH - 1],
                )
                conn.execute("COMMIT")
            except sqlite3.Error as exc:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise SearchUnavailableError(f"search index write failed: {exc}") from exc
            done += len(chunk)
        return done

    def _insert(self, conn: sqlite3.Connection, page: PageDocument) -> set[str]:
        """Stores the page; returns its distinct folded words (the vocabulary fuzzy matching draws from)."""
        cursor = conn.execute(
            "INSERT INTO pages (id, group_key, dossier_code, document_id, page_number, unit, field,"
            " procedure_code, status, received_date, year, applicant, file_name, document_numbers,"
            " role, doc_type, issuer, owner_id, issued_on, signer, text)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (
                page.id, page.group_key, page.dossier_code, page.document_id, page.page_number, page.unit,
                page.field, page.procedure_code, page.status,
                page.received_date.isoformat() if page.received_date else None, page.year,
                page.applicant, page.file_name, "\n".join(page.document_numbers),
                page.role, page.doc_type, page.issuer, page.owner_id,
                page.issued_on.isoformat() if page.issued_on else None, page.signer, page.text,
            ),
        )
        rowid = cursor.lastrowid
        meta = _meta(page.applicant, page.file_name, page.procedure_code, page.signer)
        facets = _facet_tokens({name: getattr(page, name) for name in _FACET_COLUMNS})
        values = _fts_values(page.text, meta, facets)
        conn.execute(
            "INSERT INTO pages_fts (rowid, body_exact, body_folded, meta_exact, meta_folded, facets)"
            " VALUES (?,?,?,?,?,?)",
            (rowid, *values),
        )
        keys = page_keys(page.dossier_code, page.document_numbers, page.text)
        conn.executemany("INSERT INTO page_keys (key, page) VALUES (?, ?)", [(k, rowid) for k in keys])
        return set(_WORD.findall(values[1])) | set(_WORD.findall(values[3]))

    def _delete_rows(self, conn: sqlite3.Connection, where: str, args: tuple[object, ...]) -> int:
        rows = conn.execute(
            f"SELECT rowid, text, applicant, file_name, procedure_code, signer, {', '.join(_FACET_COLUMNS)}"
            f" FROM pages WHERE {where}", args
        ).fetchall()
        for rowid, text, applicant, file_name, procedure_code, signer, *facet_values in rows:
            facets = _facet_tokens(dict(zip(_FACET_COLUMNS, facet_values, strict=True)))
            # A contentless FTS5 table forgets a row only when given the exact values it indexed.
            conn.execute(
                "INSERT INTO pages_fts (pages_fts, rowid, body_exact, body_folded, meta_exact, meta_folded,"
                " facets) VALUES ('delete', ?, ?, ?, ?, ?, ?)",
                (rowid, *_fts_values(text, _meta(applicant, file_name, procedure_code, signer), facets)),
            )
            conn.execute("DELETE FROM page_keys WHERE page = ?", (rowid,))
            conn.execute("DELETE FROM pages WHERE rowid = ?", (rowid,))
        return len(rows)

    def delete_document(self, document_id: str) -> int:
        conn = self._conn()
        try:
            conn.execute("BEGIN IMMEDIATE")
            removed = self._delete_rows(conn, "document_id = ?", (str(document_id),))
            conn.execute("COMMIT")
        except sqlite3.Error as exc:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise SearchUnavailableError(f"search index write failed: {exc}") from exc
        return removed

    def rebuild(self, pages: Iterable[PageDocument]) -> int:
        self.ensure()
        # After the newest generation on disk, whatever CURRENT says (it may name nothing sensible).
        numbers = [_generation(f.name) for f in self.folder.glob("pages-*.sqlite")]
        generation = max([n for n in numbers if n is not None] + [_generation(self._current_name() or "") or 1]) + 1
        name = f"pages-{generation}.sqlite"
        for stale in self.folder.glob(f"{name}*"):
            stale.unlink()
        conn = self._open(self.folder / name)
        try:
            done = self._index_into(conn, pages)
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            self._forget(conn)
        self._swap(name)
        # Keep the previous generation for readers still on it; drop the ones before.
        for old in self.folder.glob("pages-*.sqlite*"):
            number = old.name.split(".sqlite")[0].removeprefix("pages-")
            if number.isdigit() and int(number) < generation - 1:
                old.unlink(missing_ok=True)
        return done

    # -- reading -------------------------------------------------------------------------------------------

    def count(self) -> int:
        try:
            return int(self._conn().execute("SELECT COUNT(*) FROM pages").fetchone()[0])
        except sqlite3.Error as exc:
            raise SearchUnavailableError(f"search index: {exc}") from exc

    def _expansions(self, conn: sqlite3.Connection, term: Term) -> list[str]:
        """Indexed folded words one edit away from `term` (same first letter), most frequent first."""
        word = term.folded
        prefix = word[:FUZZY_PREFIX_LENGTH]
        # Our own vocabulary table: fts5vocab counts by reading whole doclists (180 ms for "nguyen" at 100k).
        rows = conn.execute(
            "SELECT term, pages FROM folded_terms WHERE term >= ? AND term < ? AND length(term) BETWEEN ? AND ?",
            (prefix, prefix + "\U0010ffff", len(word) - 1, len(word) + 1),
        ).fetchall()
        near = [(n, t) for t, n in rows if t != word and within_one_edit(word, t)]
        return [t for _, t in sorted(near, reverse=True)[:MAX_FUZZY_EXPANSIONS]]

    @staticmethod
    def _term_expr(term: Term, extra: list[str]) -> str:
        parts = []
        if term.accented:
            parts.append("{body_exact meta_exact} : " + _quote(term.exact))
        parts += ["{body_folded meta_folded} : " + _quote(w) for w in [term.folded, *extra]]
        return "(" + " OR ".join(parts) + ")"

    def _match_exprs(self, parsed: ParsedQuery, expansions: dict[Term, list[str]]) -> tuple[str | None, str | None]:
        """(strict, fuzzy-only) FTS5 expressions; None when the query has no words."""
        strict_groups = [self._term_expr(t, []) for t in parsed.terms]
        for phrase in parsed.phrases:
            if phrase.slop and len(phrase.terms) > 1:
                ex = " ".join(_quote(t.exact) for t in phrase.terms)
                fo = " ".join(_quote(t.folded) for t in phrase.terms)
                # FTS5 NEAR counts every token between the first and last word; slop counts only extras.
                span = phrase.slop + len(phrase.terms) - 2
                group = (f"({{body_exact meta_exact}} : NEAR({ex}, {span})"
                         f" OR {{body_folded meta_folded}} : NEAR({fo}, {span}))")
            else:
                ex = _quote(" ".join(t.exact for t in phrase.terms))
                fo = _quote(" ".join(t.folded for t in phrase.terms))
                group = f"({{body_exact meta_exact}} : {ex} OR {{body_folded meta_folded}} : {fo})"
            strict_groups.append(group)
        if not strict_groups:
            return None, None
        strict = " AND ".join(strict_groups)
        if len(parsed.terms) > 1:
            near = " ".join(_quote(t.folded) for t in parsed.terms)
            # Matches only pages already in the AND set; it adds score where the words stand close.
            strict = f"({strict}) OR {{body_folded}} : NEAR({near}, {PROXIMITY_SLOP + len(parsed.terms) - 2})"
        if not any(expansions.values()):
            return strict, None
        fuzzy_groups = [self._term_expr(t, expansions.get(t, [])) for t in parsed.terms]
        fuzzy_groups += strict_groups[len(parsed.terms):]
        return strict, f"({' AND '.join(fuzzy_groups)}) NOT ({strict})"

    def search(self, query: SearchQuery) -> SearchResult:
        conn = self._conn()
        try:
            return self._search(conn, query)
        except sqlite3.Error as exc:
            raise SearchUnavailableError(f"search failed: {exc}") from exc

    def _search(self, conn: sqlite3.Connection, query: SearchQuery) -> SearchResult:
        parsed = parse_query(query.text)
        if query.allowed_units is not None and not query.allowed_units:
            return SearchResult(total=0, groups=[], facets={name: {} for name in FACET_NAMES})
        expansions = {t: self._expansions(conn, t) for t in parsed.terms if t.fuzzy}
        strict, fuzzy = self._match_exprs(parsed, expansions)
        conn.execute("CREATE TEMP TABLE IF NOT EXISTS matched (rowid INTEGER PRIMARY KEY, group_key TEXT,"
                     " unit TEXT, field TEXT, year INTEGER, status TEXT, role TEXT, doc_type TEXT,"
                     " score REAL, rank REAL)")
        conn.execute("DELETE FROM temp.matched")
        groups_per_page = None
        if parsed.keys:
            matched_pages = self._match_keys(conn, parsed, query, strict, fuzzy)
        else:
            matched_pages, groups_per_page = self._match_text(conn, query, strict, fuzzy)
        sample_pages, sample_groups = conn.execute(
            "SELECT COUNT(*), COUNT(DISTINCT group_key) FROM temp.matched").fetchone()
        estimated = matched_pages > sample_pages
        total = sample_groups
        if estimated:
            # The best-ranked pages mostly come one per dossier, so the window's whole dossiers, not the
            # sample, give the groups-per-page ratio that turns the page count into a group count.
            total = round(matched_pages * (groups_per_page or sample_groups / max(1, sample_pages)))
        scale = total / sample_groups if estimated and sample_groups else 1.0
        facets: dict[str, dict[str, int]] = {}
        for name in FACET_NAMES:
            rows = conn.execute(
                f"SELECT {name}, COUNT(DISTINCT group_key) FROM temp.matched WHERE {name} IS NOT NULL"
                f" GROUP BY {name} ORDER BY 2 DESC, 1"
            ).fetchall()
            facets[name] = {str(value): min(total, round(count * scale)) for value, count in rows}
        group_keys = [row[0] for row in conn.execute(
            "SELECT group_key FROM temp.matched GROUP BY group_key ORDER BY MAX(rank) DESC, group_key"
            " LIMIT ? OFFSET ?", (query.limit, query.offset)
        )]
        folded_forms = {t.folded for t in parsed.all_terms()} | {w for ws in expansions.values() for w in ws}
        folded_forms |= {w for key in parsed.keys for w in tokens(fold(key))}
        exact_forms = {t.exact for t in parsed.all_terms()}
        groups = self._groups(conn, group_keys, exact_forms, folded_forms, query.pages_per_dossier)
        return SearchResult(total=total, groups=groups, facets=facets, total_is_estimate=estimated)

    def _match_keys(self, conn: sqlite3.Connection, parsed: ParsedQuery, query: SearchQuery, strict: str | None,
                    fuzzy: str | None) -> int:
        """Codes and document numbers select a few pages by exact key; rank all of them. Returns their count."""
        where, args = [], []
        if query.allowed_units is not None:
            where.append(f"p.unit IN ({','.join('?' * len(query.allowed_units))})")
            args += list(query.allowed_units)
        for name in FACET_NAMES:
            value = getattr(query, name)
            if value is not None:
                where.append(f"p.{name} = ?")
                args.append(value)
        if query.owner_id is not None:
            where.append("p.owner_id = ?")
            args.append(query.owner_id)
        if query.issuer is not None:
            where.append("p.rowid IN (SELECT rowid FROM pages_fts WHERE pages_fts MATCH ?)")
            args.append(self._issuer_expr(query.issuer))
        dates, date_args = _issued_range(query, "p.issued_on")
        where += dates
        args += date_args
        for key in parsed.keys:
            where.append("p.rowid IN (SELECT page FROM page_keys WHERE key = ? OR (key >= ? AND key < ?))")
            args += [key, key + "-", key + "."]
        weights = ", ".join(str(w) for w in BM25_WEIGHTS)
        if strict is None:
            hits_sql, hit_args = "SELECT rowid, 0.0 AS score, 0 AS tier FROM pages", []
        else:
            hits_sql = (f"SELECT rowid, -bm25(pages_fts, {weights}) AS score, 0 AS tier FROM pages_fts"
                        " WHERE pages_fts MATCH ?")
            hit_args = [strict]
            if fuzzy is not None:
                hits_sql += (f" UNION ALL SELECT rowid, -bm25(pages_fts, {weights}) * {FUZZY_SCORE_FACTOR}, 1"
                             " FROM pages_fts WHERE pages_fts MATCH ?")
                hit_args.append(fuzzy)
        return conn.execute(
            f"INSERT OR IGNORE INTO temp.matched SELECT p.rowid, p.group_key, p.unit, p.field, p.year, p.status,"
            f" p.role, p.doc_type, h.score, h.score - h.tier * {_TIER_GAP} FROM ({hits_sql}) h JOIN pages p ON p.rowid = h.rowid"
            f" WHERE {' AND '.join(where or ['1'])}",
            hit_args + args,
        ).rowcount

    @staticmethod
    def _filter_expr(conn: sqlite3.Connection, query: SearchQuery) -> str | None:
        """allowed_units and filters as FTS5 terms on the facets column, so they cut before ranking."""
        parts = []
        if query.allowed_units is not None:
            tokens_ = " OR ".join(_quote(facet_token("unit", unit)) for unit in query.allowed_units)
            parts.append(f"{{facets}} : ({tokens_})")
        for name in FACET_NAMES:
            value = getattr(query, name)
            if value is not None:
                parts.append(f"{{facets}} : {_quote(facet_token(name, value))}")
        if query.owner_id is not None:
            parts.append(f"{{facets}} : {_quote(facet_token('owner_id', query.owner_id))}")
        if query.issuer is not None:
            parts.append(EmbeddedSearchIndex._issuer_expr(query.issuer))
        if query.issued_from is not None or query.issued_to is not None:
            # Open ends stop at the index's own first and last issue dates (an indexed column: instant).
            first, last = conn.execute("SELECT MIN(issued_on), MAX(issued_on) FROM pages").fetchone()
            low = query.issued_from or (date.fromisoformat(first) if first else None)
            high = query.issued_to or (date.fromisoformat(last) if last else None)
            days = _date_range_tokens(low, high) if low and high else []
            days = days or [facet_token("issued_on", "none")]  # an empty range matches no page
            parts.append("{facets} : (" + " OR ".join(_quote(t) for t in days) + ")")
        return " AND ".join(parts) or None

    @staticmethod
    def _issuer_expr(issuer: str) -> str:
        words = dict.fromkeys(issuer_words(issuer))
        return "{facets} : (" + " AND ".join(_quote(facet_token("issuer", w)) for w in words) + ")"

    def _match_text(self, conn: sqlite3.Connection, query: SearchQuery, strict: str | None,
                    fuzzy: str | None) -> tuple[int, float | None]:
        """Fills temp.matched with the best GROUP_SAMPLE pages of at most RANK_WINDOW ranked ones. Returns
        how many pages match in all (fuzzy-only pages are not counted once strict ones fill the sample) and,
        when that is more than the sample, groups per page over the window."""
        filters = self._filter_expr(conn, query)
        columns = "p.rowid, p.group_key, p.unit, p.field, p.year, p.status, p.role, p.doc_type"
        if strict is None and filters is None:
            conn.execute(f"INSERT INTO temp.matched SELECT {columns}, 0.0, 0.0 FROM pages p"
                         " ORDER BY p.rowid DESC LIMIT ?", (self.group_sample,))
            return int(conn.execute("SELECT COUNT(*) FROM pages").fetchone()[0]), None
        if strict is None:
            strict, fuzzy = filters, None
        elif filters is not None:
            strict = f"({strict}) AND {filters}"
            fuzzy = f"({fuzzy}) AND {filters}" if fuzzy is not None else None
        count_sql = "SELECT COUNT(*) FROM pages_fts WHERE pages_fts MATCH ?"
        matched = int(conn.execute(count_sql, (strict,)).fetchone()[0])
        weights = ", ".join(str(w) for w in BM25_WEIGHTS)
        window = (f"SELECT rowid, -bm25(pages_fts, {weights}) AS score, {{tier}} AS tier FROM pages_fts"
                  f" WHERE pages_fts MATCH ? ORDER BY rowid DESC LIMIT {self.rank_window}")
        hits_sql, hit_args = f"SELECT * FROM ({window.format(tier=0)})", [strict]
        if fuzzy is not None and matched < self.group_sample:
            # Fuzzy-only pages rank below every strict page: needed only while strict ones leave room.
            matched += int(conn.execute(count_sql, (fuzzy,)).fetchone()[0])
            hits_sql += f" UNION ALL SELECT rowid, score * {FUZZY_SCORE_FACTOR}, tier FROM ({window.format(tier=1)})"
            hit_args.append(fuzzy)
        conn.execute("CREATE TEMP TABLE IF NOT EXISTS ranked (rowid INTEGER PRIMARY KEY, score REAL, rank REAL)")
        conn.execute("DELETE FROM temp.ranked")
        conn.execute(f"INSERT INTO temp.ranked SELECT rowid, score, score - tier * {_TIER_GAP} FROM ({hits_sql})",
                     hit_args)
        conn.execute(
            f"INSERT INTO temp.matched SELECT {columns}, h.score, h.rank FROM"
            f" (SELECT rowid, score, rank FROM temp.ranked ORDER BY rank DESC LIMIT {self.group_sample}) h"
            f" JOIN pages p ON p.rowid = h.rowid"
        )
        if matched <= self.group_sample:
            return matched, None
        pages, groups = conn.execute("SELECT COUNT(*), COUNT(DISTINCT p.group_key) FROM temp.ranked r"
                                     " JOIN pages p ON p.rowid = r.rowid").fetchone()
        return matched, groups / pages if pages else None

    def _groups(self, conn: sqlite3.Connection, group_keys: list[str], exact_forms: set[str],
                folded_forms: set[str], per_group: int) -> list[DossierHit]:
        if not group_keys:
            return []
        rows = conn.execute(
            f"SELECT m.group_key, p.dossier_code, p.id, p.document_id, p.page_number, m.score, p.text"
            f" FROM temp.matched m JOIN pages p ON p.rowid = m.rowid"
            f" WHERE m.group_key IN ({','.join('?' * len(group_keys))}) ORDER BY m.rank DESC, p.id",
            group_keys,
        ).fetchall()
        pages: dict[str, list[tuple[str | None, PageHit]]] = {key: [] for key in group_keys}
        for group_key, dossier_code, pid, document_id, page_number, score, text in rows:
            bucket = pages[group_key]
            if len(bucket) < per_group:
                snippet = make_snippet(text, exact_forms, folded_forms)
                bucket.append((dossier_code, PageHit(pid, document_id, page_number, float(score), snippet)))
        return [
            DossierHit(dossier_code=bucket[0][0], best=bucket[0][1], other_pages=[hit for _, hit in bucket[1:]])
            for bucket in (pages[key] for key in group_keys)
        ]
