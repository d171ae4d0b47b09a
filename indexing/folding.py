"""Search tokenization over the domain's folding: word tokens, their spans, and the one-edit fuzzy rule.

`exact` and `fold` themselves live in sohoa.domain.folding (one definition for every user).
"""

from __future__ import annotations

import re
import unicodedata

from sohoa.domain.folding import exact

_WORD = re.compile(r"\w+")


def tokens(text: str) -> list[str]:
    """Exact-form word tokens: runs of letters and digits, NFC, lowercase."""
    return _WORD.findall(exact(text))


def token_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each word in the ORIGINAL text, so snippets can mark the accented original."""
    normalized = unicodedata.normalize("NFC", text)
    return [m.span() for m in _WORD.finditer(normalized)]


def within_one_edit(a: str, b: str) -> bool:
    """True if a and b differ by at most one insertion, deletion, substitution or adjacent swap."""
    if a == b:
        return True
    la, lb = len(a), len(b)
    if abs(la - lb) > 1:
        return False
    if la == lb:
        diff = [i for i in range(la) if a[i] != b[i]]
        if len(diff) == 1:
            return True
        return len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]]
    if la > lb:
        a, b = b, a
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    return a[i:] == b[i + 1 :]
