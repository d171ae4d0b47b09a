"""Builds a highlighted snippet from the ORIGINAL accented text: HTML-escaped, matches in <mark>…</mark>."""

from __future__ import annotations

import html
import unicodedata

from indexing.folding import exact, fold, token_spans

SNIPPET_WORDS = 30


def make_snippet(text: str, exact_forms: set[str], folded_forms: set[str], words: int = SNIPPET_WORDS) -> str:
    """Window of `words` words with the most distinct matches; a word matches by exact or folded form."""
    text = unicodedata.normalize("NFC", text)
    spans = token_spans(text)
    if not spans:
        return html.escape(text[:200])
    hits = []
    for i, (start, end) in enumerate(spans):
        word = text[start:end]
        if exact(word) in exact_forms or fold(word) in folded_forms:
            hits.append(i)
    first = 0
    if hits:
        best = -1
        for h in hits:
            window_start = max(0, h - 3)
            distinct = {fold(text[spans[i][0] : spans[i][1]]) for i in hits if window_start <= i < window_start + words}
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
