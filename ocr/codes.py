"""Find and normalise the domain codes in text: dossier codes (mã hồ sơ), document numbers (số văn bản)."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from pathlib import PurePath

# OCR reads these letters where a digit must be; only applied to positions that can only hold digits.
_DIGIT_LOOKALIKES = str.maketrans({"O": "0", "Q": "0", "D": "0", "I": "1", "L": "1", "|": "1", "!": "1",
                                   "S": "5", "B": "8", "Z": "2"})  # fmt: skip
_DASHES = "-\u2010\u2011\u2012\u2013\u2014\u2212_~"
_DIGITISH = r"[0-9OoQDIlLi|!SsBZz]"
_SEGMENT = rf"(?:[A-Za-z]{_DIGITISH}{{2}}|{_DIGITISH}{{2,3}})"
_DASH = rf"\s?[{re.escape(_DASHES)}]\s?"
# Tolerant shape of a dossier code as it appears in OCR text or file names; each hit is then normalised
# and validated (real date, a letter in the unit code) before it counts.
_CANDIDATE = re.compile(
    rf"(?<![0-9A-Za-z.])({_SEGMENT}(?:\s?[.,]\s?{_SEGMENT}){{1,4}})"
    rf"{_DASH}({_DIGITISH}{{6}}){_DASH}({_DIGITISH}{{4}})(?![0-9A-Za-z])"
)
_CANONICAL = re.compile(r"^((?:[A-Z]\d{2}|\d{2,3})(?:\.(?:[A-Z]\d{2}|\d{2,3})){1,4})-(\d{6})-(\d{4})$")


def normalize_dossier_code(text: str) -> str | None:
    """The canonical form (`H21.65-220914-0011`) of a dossier code typed or OCR-read with noise, else None."""
    match = _CANDIDATE.fullmatch(_prepare(text).strip())
    if not match:
        return None
    unit = _normalize_unit(match.group(1))
    date = match.group(2).upper().translate(_DIGIT_LOOKALIKES)
    number = match.group(3).upper().translate(_DIGIT_LOOKALIKES)
    if unit is None or not _is_date(date):
        return None
    code = f"{unit}-{date}-{number}"
    return code if _CANONICAL.match(code) else None


def find_dossier_codes(text: str) -> list[str]:
    """Every dossier code in `text`, normalised, in order of first appearance, without repeats."""
    found: list[str] = []
    for match in _CANDIDATE.finditer(_prepare(text)):
        code = normalize_dossier_code(match.group(0))
        if code and code not in found:
            found.append(code)
    return found


def dossier_code_parts(code: str) -> tuple[str, dt.date, int] | None:
    """Unit code, date received and daily sequence number of a dossier code, or None if it is not one."""
    normal = normalize_dossier_code(code)
    if normal is None:
        return None
    unit, date, number = _CANONICAL.match(normal).groups()  # type: ignore[union-attr]
    return unit, dt.datetime.strptime(date, "%y%m%d").date(), int(number)


@dataclass(frozen=True)
class FileDossierRef:
    """What an archival file name (TT 02/2019: `<dossier code>.<ordinal>`) says about its document."""

    dossier_code: str
    ordinal: int | None  # position of the document in the dossier; None for a plain `<code>.pdf`


# The suffixes sohoa reads (ocr.load.SUFFIXES) and .jp2, which archives name files with though it is not read.
_FILE_EXTENSIONS = re.compile(
    r"(?:\.(?:pdf|tiff?|jpe?g|png|webp|heic|heif|bmp|gif|jp2))+$", re.IGNORECASE
)
_ORDINAL = re.compile(r"^[._ ]\s?(\d{1,3})(?!\d)")


def dossier_code_from_filename(name: str | PurePath) -> FileDossierRef | None:
    """Dossier code and document ordinal from a file name such as `H21.65-220914-0011.02.pdf`, else None."""
    base = unicodedata.normalize("NFC", PurePath(name).name)
    stem = _FILE_EXTENSIONS.sub("", base).strip()
    match = _CANDIDATE.match(_prepare(stem))
    if not match:
        return None
    code = normalize_dossier_code(match.group(0))
    if code is None:
        return None
    ordinal = _ORDINAL.match(stem[match.end() :])
    return FileDossierRef(code, int(ordinal.group(1)) if ordinal else None)


# "Mã hồ sơ", "Mã số hồ sơ", "Ma ho so", "Mã hồ sơ :" — matched on a folded copy of each line.
_DOSSIER_LABEL = re.compile(r"\bma\s*(?:so\s*)?h[o0]\s*s[o0]\b\s*[:;.,]?\s*")


def find_labelled_dossier_code(text: str) -> str | None:
    """The dossier code written after a "Mã hồ sơ:" label (or on the next line), tolerating OCR noise."""
    lines = unicodedata.normalize("NFC", text).splitlines()
    for index, line in enumerate(lines):
        for label in _DOSSIER_LABEL.finditer(fold(line).lower()):
            codes = find_dossier_codes(line[label.end() :])
            if not codes:
                following = next((ln for ln in lines[index + 1 :] if ln.strip()), "")
                codes = find_dossier_codes(following)
            if codes:
                return codes[0]
    return None


# Document numbers per NĐ 30/2020: "Số: 123/QĐ-UBND", "Số: 45/2023/NĐ-CP", "Số: 12/UBND-VP". Kinds and
# issuers are written in capitals; in running text only capitals count, so "số 12 Nguyen Trai" is no number.
_TYPE = r"[A-ZĐÐ][A-ZĐÐ0-9]{0,9}"
_STRICT = (
    rf"(?<![\w/])(\d{{1,5}})\s?/\s?(?:((?:19|20)\d{{2}})\s?/\s?)?"
    rf"({_TYPE}(?:\s?[{re.escape(_DASHES)}]\s?{_TYPE}){{0,4}})(?![\w/])"
)
# After a "Số" label separators may be lost to OCR: "Số: 123 QĐ UBND".
_LABELLED = (
    rf"\b[Ss][ốoô]\s*[:;.]?\s*(\d{{1,5}})[\s/]+(?:((?:19|20)\d{{2}})[\s/]+)?"
    rf"({_TYPE}(?:[\s{re.escape(_DASHES)}]+{_TYPE}){{0,4}})(?![\w/])"
)
_STRICT_NUMBER = re.compile(_STRICT)
_LABELLED_NUMBER = re.compile(_LABELLED)
# A number given on its own (a search query, a registry column) may be in any case.
_ANY_CASE_NUMBER = (re.compile(_STRICT, re.IGNORECASE), re.compile(_LABELLED, re.IGNORECASE))


def find_document_numbers(text: str) -> list[str]:
    """Document numbers in `text` as normalised keys (see `normalize_document_number`), first seen first."""
    text = unicodedata.normalize("NFC", text)
    hits = [(m.start(), m) for m in _STRICT_NUMBER.finditer(text)]
    hits += [(m.start(1), m) for m in _LABELLED_NUMBER.finditer(text)]
    found: list[str] = []
    for _, match in sorted(hits, key=lambda hit: hit[0]):
        key = _document_key(match.group(1), match.group(2), match.group(3))
        if key and key not in found:
            found.append(key)
    return found


def normalize_document_number(text: str) -> str | None:
    """One comparison key for a document number.

    "123/QĐ-UBND", "123/qd-ubnd", "123 QĐ UBND" all give "123/QD-UBND" (folded, upper case, no leading 0).
    """
    text = re.sub(r"^\s*[Ss][ốoô]\s*[:;.]?\s*", "", unicodedata.normalize("NFC", text)).strip()
    strict, labelled = _ANY_CASE_NUMBER
    match = strict.fullmatch(text) or labelled.fullmatch("Số " + text)
    if not match:
        return None
    return _document_key(match.group(1), match.group(2), match.group(3))


def _document_key(number: str, year: str | None, kinds: str) -> str | None:
    parts = [p for p in re.split(rf"[\s{re.escape(_DASHES)}]+", fold(kinds).upper()) if p]
    if not parts or not parts[0][0].isalpha():
        return None
    head = f"{int(number)}/{year}/" if year else f"{int(number)}/"
    return head + "-".join(parts)


def fold(text: str) -> str:
    """Drop Vietnamese tone and vowel marks and map đ/Đ (and the look-alike Ð) to d/D; length is preserved."""
    out = []
    for char in text:
        if char in "đð":
            out.append("d")
        elif char in "ĐÐ":
            out.append("D")
        else:
            out.append(unicodedata.normalize("NFD", char)[0])
    return "".join(out)


def _prepare(text: str) -> str:
    # NFKC turns full-width digits and letters (seen in some exports) into ASCII.
    return unicodedata.normalize("NFKC", text)


def _normalize_unit(raw: str) -> str | None:
    segments = [s.upper() for s in re.split(r"\s?[.,]\s?", raw)]
    letter = [s[0].isalpha() and s[0] not in "OQDILSBZ|!" for s in segments]
    if not any(letter):
        # A unit code needs its letter segment; if only a look-alike letter is there (O21.65), trust it.
        letter = [
            len(s) == 3 and s[0].isalpha() and s[1:].translate(_DIGIT_LOOKALIKES).isdigit() for s in segments
        ]
        if sum(letter) != 1:
            return None
    normal = []
    for segment, is_letter in zip(segments, letter, strict=True):
        if is_letter:
            normal.append(segment[0] + segment[1:].translate(_DIGIT_LOOKALIKES))
        else:
            normal.append(segment.translate(_DIGIT_LOOKALIKES))
    if not all(s[1:].isdigit() if is_l else s.isdigit() for s, is_l in zip(normal, letter, strict=True)):
        return None
    return ".".join(normal)


def _is_date(yymmdd: str) -> bool:
    try:
        dt.datetime.strptime(yymmdd, "%y%m%d")
    except ValueError:
        return False
    return True
