"""Finds and normalises dossier codes and document numbers in queries and page text (search-side copy).

Kept in indexing/ so search does not wait on ocr/codes.py; both must agree on the canonical forms:
dossier code "H21.65-220914-0011" (upper case), document number "123/QD-UBND" (folded, upper case, the
number and its symbol joined by "/", the symbol's parts by "-").
"""

from __future__ import annotations

import re

from indexing.folding import fold

_UNIT = r"(?:\d{3}\.\d{2}\.\d{2}\.[A-Za-z]\d{2}|[A-Za-z]\d{1,2}(?:\.\d{1,3}){1,3})"
_DOSSIER_CODE = re.compile(rf"(?<![\w.])({_UNIT})\s*[-\s]\s*(\d{{6}})\s*[-\s]\s*(\d{{4}})(?!\w)")

# Type abbreviations of NĐ 30/2020 (appendix III) plus common issuers; only used to accept a number
# typed with spaces ("123 QĐ UBND"), where nothing else separates it from ordinary words.
_KNOWN_PARTS = {
    "qd", "nq", "ct", "qc", "qyd", "tb", "hd", "kh", "bc", "ttr", "cv", "gp", "gcn", "tt", "nd", "ttlt",
    "pa", "da", "bb", "cd", "gm", "guq", "gnp", "gxn", "ggt", "pc", "pg", "pb", "ptl", "gtt", "gct",
    "ubnd", "hdnd", "cp", "ttg", "vp", "bnv", "btc", "btnmt", "stnmt", "tnmt", "ldtbxh", "bca", "byt",
    "vpub", "vpubnd", "skhdt", "sxd", "stp", "tp", "ls", "nh",
}
_PART = r"[^\W\d_][\w]*"
_NUMBER_WITH_SLASH = re.compile(
    rf"(?<![\w/])(\d{{1,5}}(?:/\d{{4}})?)\s*/\s*({_PART}(?:\s*-\s*{_PART})*)"
)
_NUMBER_WITH_SPACES = re.compile(rf"(?<![\w/])(\d{{1,5}})((?:\s+{_PART})+)")


def normalize_dossier_code(code: str) -> str | None:
    """Canonical dossier code, or None if `code` is not one ("h21.65 220914 0011" -> "H21.65-220914-0011")."""
    match = _DOSSIER_CODE.fullmatch(code.strip())
    return "-".join(match.groups()).upper() if match else None


def find_dossier_codes(text: str) -> list[tuple[str, tuple[int, int]]]:
    """Every dossier code in `text`, canonical, with its span."""
    return [("-".join(m.groups()).upper(), m.span()) for m in _DOSSIER_CODE.finditer(text)]


def normalize_document_number(number: str) -> str:
    """Canonical document number: "123/QĐ-UBND", "123/qd-ubnd" and "123 QĐ UBND" -> "123/QD-UBND"."""
    parts = re.findall(r"\w+", fold(number).upper())
    digits = []
    while parts and parts[0].isdigit():
        digits.append(parts.pop(0))
    return "/".join(["/".join(digits), "-".join(parts)]) if digits and parts else "-".join(digits + parts)


def find_document_numbers(text: str) -> list[tuple[str, tuple[int, int]]]:
    """Document numbers typed with "/" (any parts) or with spaces (known type and issuer parts only)."""
    found: list[tuple[str, tuple[int, int]]] = []
    taken: list[tuple[int, int]] = []
    for match in _NUMBER_WITH_SLASH.finditer(text):
        found.append((normalize_document_number(match.group(0)), match.span()))
        taken.append(match.span())
    for match in _NUMBER_WITH_SPACES.finditer(text):
        if any(s <= match.start() < e for s, e in taken):
            continue
        words = match.group(2).split()
        known = 0
        while known < len(words) and fold(words[known]) in _KNOWN_PARTS:
            known += 1
        if known == 0:
            continue
        end = match.start(2)
        for word in words[:known]:
            end = text.index(word, end) + len(word)
        found.append((normalize_document_number(text[match.start() : end]), (match.start(), end)))
    return sorted(found, key=lambda item: item[1])
