"""OCR quality metrics used for every system alike: character error rate and accented-word accuracy."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass

from rapidfuzz.distance import Levenshtein

# Form dot leaders and underscores are layout, not text: the ground truth leaves them out, so a reader's
# output should not be charged for them either.
_LEADERS = re.compile(r"[.\u2026\u00b7_]{3,}")
_SPACE = re.compile(r"\s+")
_EDGE_PUNCT = "\"'“”‘’()[]{}.,;:!?/-–—*"


def normalize(text: str) -> str:
    """NFC, leader dots removed, every run of whitespace (newlines, form feeds) one space, trimmed."""
    text = unicodedata.normalize("NFC", text)
    text = _LEADERS.sub(" ", text)
    return _SPACE.sub(" ", text).strip()


@dataclass(frozen=True)
class Score:
    """Counts for one page or a sum of pages, so rates over several pages weigh every character equally."""

    edits: int
    truth_chars: int
    accented_read: int
    accented_words: int

    def __add__(self, other: "Score") -> "Score":
        return Score(self.edits + other.edits, self.truth_chars + other.truth_chars,
                     self.accented_read + other.accented_read, self.accented_words + other.accented_words)

    @property
    def cer(self) -> float:
        return self.edits / self.truth_chars if self.truth_chars else 0.0

    @property
    def accented_accuracy(self) -> float:
        return self.accented_read / self.accented_words if self.accented_words else 1.0


EMPTY = Score(0, 0, 0, 0)


def cer(truth: str, read: str) -> float:
    """Edit distance between the normalized texts divided by the ground-truth characters."""
    return score(truth, read).cer


def _words(text: str) -> list[str]:
    return [w.strip(_EDGE_PUNCT) for w in normalize(text).split(" ") if w.strip(_EDGE_PUNCT)]


def accented_words(text: str) -> list[str]:
    """Words with at least one non-ASCII letter: the Vietnamese words a reader can get subtly wrong."""
    return [w for w in _words(text) if any(ord(ch) > 127 for ch in w)]


def accented_word_accuracy(truth: str, read: str) -> float:
    return score(truth, read).accented_accuracy


def score(truth: str, read: str) -> Score:
    """CER counts and accented words read exactly (as a multiset: each read word matches one truth word)."""
    t, r = normalize(truth), normalize(read)
    wanted = accented_words(truth)
    available = Counter(_words(read))
    hits = 0
    for word in wanted:
        if available[word] > 0:
            available[word] -= 1
            hits += 1
    return Score(Levenshtein.distance(t, r), len(t), hits, len(wanted))


def word_recall(truth: str, read: str) -> float:
    """Share of ground-truth words found in the reading, order-free (a multiset: each read word vouches once).

    Words are compared exactly after NFC and edge-punctuation stripping, so a wrong tone mark is a miss. Unlike CER
    this does not charge a reader for a different but sensible reading order (e.g. header columns read across).
    """
    wanted = _words(truth)
    if not wanted:
        return 1.0
    available = Counter(_words(read))
    hits = 0
    for word in wanted:
        if available[word] > 0:
            available[word] -= 1
            hits += 1
    return hits / len(wanted)
