"""Builds a highlighted snippet from the ORIGINAL accented text: HTML-escaped, matches in <mark>…</mark>."""

from __future__ import annotations

import html
import unicodedata
from functools import lru_cache

from indexing.folding import token_spans
from sohoa.domain.folding import exact, fold

SNIPPET_WORDS = 30


# Snippets are built for every page shown (up to 100 per search) and page words repeat across pages, so
# caching the per-word forms takes snippet building from ~1 ms to a fraction of that per page.
@lru_cache(maxsize=100_000)
def _forms(word: str) -> tuple[str, str]:
    return exact(word), fold(word)


def make_snippet(text: str, exact_forms: set[str], folded_forms: set[str], words: int = SNIPPET_WORDS) -> str:
    """Window of `words` words with the most distinct matches; a word matches by exact or folded form."""
    text = unicodedata.normalize("NFC", text)
    spans = token_spans(text)
    if not spans:
        return html.escape(text[:200])
    hits: list[int] = []
    hit_forms: list[str] = []
    for i, (start, end) in enumerate(spans):
        exact_form, folded_form = _forms(text[start:end])
        if exact_form in exact_forms or folded_form in folded_forms:
            hits.append(i)
            hit_forms.append(folded_form)
    first = 0
    if hits:
        best = -1
        for h in hits:
            window_start = max(0, h - 3)
            distinct = {form for i, form in zip(hits, hit_forms) if window_start <= i < window_start + words}
            if len(distinct) > best:
                best, first = len(distinct), window_start
    last = min(len(spans), first + words) - 1
    hit_set = set(hits)
    out = ["…" if first > 0 else ""]
    cursor = spans[first][0]
    for i in range(first, last + 1):
        start, end = spans[i]
        out.append(html.escape(text[cursor:start]))
        word = html.escape(text[start:end])
        out.append(f"<mark>{word}</mark>" if i in hit_set else word)
        cursor = end
    out.append("…" if last < len(spans) - 1 else "")
    return "".join(out).replace("\n", " ").strip()
