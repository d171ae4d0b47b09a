"""Parses an officer's query into terms, phrases and codes; pure, shared by every backend."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from indexing.folding import tokens
from sohoa.domain.codes import normalize_document_number, scan_document_numbers, scan_dossier_codes
from sohoa.domain.folding import exact, fold

# Fuzziness only on longer terms: short Vietnamese syllables are one edit away from dozens of others.
FUZZY_MIN_LENGTH = 5
FUZZY_PREFIX_LENGTH = 1
PROXIMITY_SLOP = 8

_PHRASE = re.compile(r'"([^"]*)"(?:~(\d+))?')


@dataclass(frozen=True)
class Term:
    exact: str
    folded: str

    @property
    def accented(self) -> bool:
        return self.exact != self.folded

    @property
    def fuzzy(self) -> bool:
        return len(self.folded) >= FUZZY_MIN_LENGTH and not self.folded.isdigit()


@dataclass(frozen=True)
class Phrase:
    terms: tuple[Term, ...]
    slop: int = 0


@dataclass(frozen=True)
class ParsedQuery:
    terms: tuple[Term, ...] = ()
    phrases: tuple[Phrase, ...] = ()
    dossier_codes: tuple[str, ...] = ()
    document_numbers: tuple[str, ...] = ()
    keys: tuple[str, ...] = field(default=())

    @property
    def empty(self) -> bool:
        return not (self.terms or self.phrases or self.keys)

    def all_terms(self) -> tuple[Term, ...]:
        return self.terms + tuple(t for p in self.phrases for t in p.terms)


def _terms(text: str) -> tuple[Term, ...]:
    return tuple(Term(exact(tok), fold(tok)) for tok in tokens(text))


def _cut(text: str, spans: list[tuple[int, int]]) -> str:
    for start, end in sorted(spans, reverse=True):
        text = text[:start] + " " + text[end:]
    return text


def parse_query(text: str) -> ParsedQuery:
    """Split `text` into dossier codes, document numbers, quoted phrases ("..." or "..."~N) and free terms."""
    text = unicodedata.normalize("NFC", text)  # the grammar's spans index the NFC text
    codes = scan_dossier_codes(text)
    text = _cut(text, [(hit.start, hit.end) for hit in codes])
    numbers = scan_document_numbers(text)
    text = _cut(text, [(hit.start, hit.end) for hit in numbers])
    phrases = []
    for match in _PHRASE.finditer(text):
        terms = _terms(match.group(1))
        if len(terms) == 1:
            phrases.append(Phrase(terms, 0))
        elif terms:
            phrases.append(Phrase(terms, int(match.group(2) or 0)))
    free = _terms(_PHRASE.sub(" ", text))
    dossier_codes = tuple(dict.fromkeys(hit.value for hit in codes))
    document_numbers = tuple(dict.fromkeys(hit.value for hit in numbers))
    return ParsedQuery(
        terms=tuple(dict.fromkeys(free)),
        phrases=tuple(phrases),
        dossier_codes=dossier_codes,
        document_numbers=document_numbers,
        keys=dossier_codes + document_numbers,
    )


def page_keys(dossier_code: str | None, document_numbers: tuple[str, ...], text: str) -> list[str]:
    """Exact look-up keys of a page: its dossier code and document numbers, given or found in its text."""
    keys = [dossier_code.upper()] if dossier_code else []
    keys += [hit.value for hit in scan_dossier_codes(text)]
    keys += [n for n in (normalize_document_number(n) for n in document_numbers) if n]
    keys += [hit.value for hit in scan_document_numbers(text)]
    return list(dict.fromkeys(keys))

