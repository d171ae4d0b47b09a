"""The grammar of dossier codes (mã hồ sơ) and document numbers (số, ký hiệu văn bản), for OCR text and queries.

One grammar, used by linking (QR payloads, file names, "Mã hồ sơ:" in page text), the index (page keys) and the
search query parser; tests/domain/test_codes_table.py is the table of examples every one of them reads alike.

    normalize_dossier_code(text: str) -> str | None           # "h21.65 220914 0011" -> "H21.65-220914-0011"
    scan_dossier_codes(text: str) -> list[Found]             # every hit, with its span in NFC(text)
    find_dossier_codes(text: str) -> list[str]               # canonical codes, first seen first, no repeats
    dossier_code_parts(code: str) -> tuple[str, date, int] | None
    dossier_code_from_filename(name: str | PurePath) -> FileDossierRef | None
    find_labelled_dossier_code(text: str) -> str | None      # the code after a "Mã hồ sơ:" label
    normalize_document_number(text: str) -> str | None       # "Số: 0123/QĐ-UBND" -> "123/QD-UBND"
    scan_document_numbers(text: str) -> list[Found]
    find_document_numbers(text: str) -> list[str]

Dossier code: `<unit code>-<YYMMDD received>-<NNNN>`; the unit code left-to-right (`H21.65`) or padded
(`000.00.14.H12`): 2-5 segments of a letter and two digits or of 2-3 digits, exactly one letter segment. The
parts may be separated by any dash or by spaces; OCR look-alikes (O, Q, D for 0; I, l, |, ! for 1; S, B, Z) are
read as digits where only a digit can stand; the date must be a real day.

Document number (NĐ 30/2020): `<number>/[<year>/]<symbol>`, the symbol's parts joined by "-". The key is the
number without leading zeros, the year, and the symbol folded (Đ -> D) in capitals: "123/QD-UBND". In running
text a symbol counts when it is written in capitals or starts with a known abbreviation (QĐ, UBND, ...); a
number written with spaces instead of "/" ("123 QĐ UBND") counts only with known abbreviations: one after a
"Số" label, two without. A value given on its own (a registry column, a catalogue field) may be in any case.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from pathlib import PurePath

from sohoa.domain.folding import fold


@dataclass(frozen=True)
class Found:
    """A code found in text: its canonical value and its span in the NFC form of the text."""

    value: str
    start: int
    end: int


# --- dossier codes -------------------------------------------------------------------------------------------

# OCR reads these letters where a digit must be; only applied to positions that can only hold digits.
_DIGIT_LOOKALIKES = str.maketrans({"O": "0", "Q": "0", "D": "0", "I": "1", "L": "1", "|": "1", "!": "1",
                                   "S": "5", "B": "8", "Z": "2"})  # fmt: skip
_DASHES = "-\u2010\u2011\u2012\u2013\u2014\u2212_~"
_DASH_CLASS = f"[{re.escape(_DASHES)}]"
_DIGITISH = r"[0-9OoQDIlLi|!SsBZz]"
_SEGMENT = rf"(?:[A-Za-z]{_DIGITISH}{{2}}|{_DIGITISH}{{2,3}})"
_SPACE = r"[^\S\n]"  # a code does not run over a line break
_SEP = rf"(?:{_SPACE}*{_DASH_CLASS}{_SPACE}*|{_SPACE}+)"
# Tolerant shape of a dossier code as typed or OCR-read; each hit is then normalised and validated (a letter
# segment in the unit code, a real date) before it counts.
_CANDIDATE = re.compile(
    rf"(?<![0-9A-Za-z.])({_SEGMENT}(?:{_SPACE}?[.,]{_SPACE}?{_SEGMENT}){{1,4}})"
    rf"{_SEP}({_DIGITISH}{{6}}){_SEP}({_DIGITISH}{{4}})(?![0-9A-Za-z])"
)
_CANONICAL = re.compile(r"^((?:[A-Z]\d{2}|\d{2,3})(?:\.(?:[A-Z]\d{2}|\d{2,3})){1,4})-(\d{6})-(\d{4})$")


def normalize_dossier_code(text: str) -> str | None:
    """The canonical form (`H21.65-220914-0011`) of a dossier code typed or OCR-read with noise, else None."""
    prepared, _ = _prepare(text)
    match = _CANDIDATE.fullmatch(prepared.strip())
    return _dossier_code(match) if match else None


def scan_dossier_codes(text: str) -> list[Found]:
    """Every dossier code in `text`, canonical, in order, with its span in NFC(`text`)."""
    prepared, origin = _prepare(text)
    found = []
    for match in _CANDIDATE.finditer(prepared):
        code = _dossier_code(match)
        if code:
            found.append(Found(code, origin[match.start()], origin[match.end() - 1] + 1))
    return found


def find_dossier_codes(text: str) -> list[str]:
    """Every dossier code in `text`, canonical, in order of first appearance, without repeats."""
    return list(dict.fromkeys(hit.value for hit in scan_dossier_codes(text)))


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
_FILE_EXTENSIONS = re.compile(r"(?:\.(?:pdf|tiff?|jpe?g|png|webp|heic|heif|bmp|gif|jp2))+$", re.IGNORECASE)
_ORDINAL = re.compile(r"^[._ ]\s?(\d{1,3})(?!\d)")


def dossier_code_from_filename(name: str | PurePath) -> FileDossierRef | None:
    """Dossier code and document ordinal from a file name such as `H21.65-220914-0011.02.pdf`, else None."""
    base = unicodedata.normalize("NFC", PurePath(name).name)
    stem = _FILE_EXTENSIONS.sub("", base).strip()
    prepared, origin = _prepare(stem)
    match = _CANDIDATE.match(prepared)
    if not match:
        return None
    code = _dossier_code(match)
    if code is None:
        return None
    ordinal = _ORDINAL.match(stem[origin[match.end() - 1] + 1 :])
    return FileDossierRef(code, int(ordinal.group(1)) if ordinal else None)


# "Mã hồ sơ", "Mã số hồ sơ", "Ma ho so", "Mã hồ sơ :" — matched on a folded copy of each line.
_DOSSIER_LABEL = re.compile(r"\bma\s*(?:so\s*)?h[o0]\s*s[o0]\b\s*[:;.,]?\s*")


def find_labelled_dossier_code(text: str) -> str | None:
    """The dossier code written after a "Mã hồ sơ:" label (or on the next line), tolerating OCR noise."""
    lines = unicodedata.normalize("NFC", text).splitlines()
    for index, line in enumerate(lines):
        for label in _DOSSIER_LABEL.finditer(_fold_in_place(line)):
            codes = find_dossier_codes(line[label.end() :])
            if not codes:
                following = next((ln for ln in lines[index + 1 :] if ln.strip()), "")
                codes = find_dossier_codes(following)
            if codes:
                return codes[0]
    return None


def _dossier_code(match: re.Match[str]) -> str | None:
    unit = _normalize_unit(match.group(1))
    date = match.group(2).upper().translate(_DIGIT_LOOKALIKES)
    number = match.group(3).upper().translate(_DIGIT_LOOKALIKES)
    if unit is None or not _is_date(date):
        return None
    code = f"{unit}-{date}-{number}"
    return code if _CANONICAL.match(code) else None


def _normalize_unit(raw: str) -> str | None:
    segments = [s.upper() for s in re.split(rf"{_SPACE}?[.,]{_SPACE}?", raw)]
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


# --- document numbers ----------------------------------------------------------------------------------------

# Type abbreviations of NĐ 30/2020 (appendix III) and common issuers, folded; they let a symbol typed in lower
# case or with spaces count, where nothing else tells it from ordinary words.
KNOWN_SYMBOL_PARTS = frozenset({
    "qd", "nq", "ct", "qc", "qyd", "tb", "hd", "kh", "bc", "ttr", "cv", "gp", "gcn", "tt", "nd", "ttlt",
    "pa", "da", "bb", "cd", "gm", "guq", "gnp", "gxn", "ggt", "pc", "pg", "pb", "ptl", "gtt", "gct", "tl",
    "ubnd", "hdnd", "cp", "ttg", "vp", "bnv", "btc", "btnmt", "stnmt", "tnmt", "ldtbxh", "bca", "byt",
    "vpub", "vpubnd", "skhdt", "sxd", "stp", "tp", "ls", "nh", "tnhs", "ca", "tand", "vks", "mttq",
})  # fmt: skip
_PART = r"[^\W\d_][^\W_]{0,9}"
_NUMBER = r"(\d{1,5})"
_YEAR = r"((?:19|20)\d{2})"
_SLASH = r"\s*/\s*"
_SLASH_FORM = re.compile(
    rf"(?<![\w/.]){_NUMBER}{_SLASH}(?:{_YEAR}{_SLASH})?({_PART}(?:\s*{_DASH_CLASS}\s*{_PART}){{0,4}})(?![\w/])"
)
# With spaces (OCR lost the separators, or an officer typed them so): parts are checked one by one below.
_SPACE_FORM = re.compile(
    rf"(?<![\w/.])((?i:s[ốôo])\s*[:;.]?\s*)?{_NUMBER}\s+(?:{_YEAR}\s+)?"
    rf"({_PART}(?:(?:\s*{_DASH_CLASS}\s*|\s+){_PART}){{0,4}})(?![\w/])"
)
_LABEL = re.compile(r"^\s*(?i:s[ốôo])\s*[:;.]?\s*")
_ANY_NUMBER = re.compile(
    rf"{_NUMBER}(?:{_SLASH}|\s+)(?:{_YEAR}(?:{_SLASH}|\s+))?({_PART}(?:(?:\s*{_DASH_CLASS}\s*|\s+){_PART}){{0,4}})"
)
_PART_SPLIT = re.compile(rf"\s*{_DASH_CLASS}\s*|\s+")


def normalize_document_number(text: str) -> str | None:
    """One comparison key for a document number given on its own, or None if `text` is not one.

    "Số: 123/QĐ-UBND", "0123/qd-ubnd", "123 QĐ UBND" all give "123/QD-UBND"; keys are their own key.
    """
    match = _ANY_NUMBER.fullmatch(_LABEL.sub("", unicodedata.normalize("NFC", text)).strip())
    if not match:
        return None
    return _number_key(match.group(1), match.group(2), _PART_SPLIT.split(match.group(3)))


def scan_document_numbers(text: str) -> list[Found]:
    """Every document number in `text` as its key, in order, with its span in NFC(`text`)."""
    text = unicodedata.normalize("NFC", text)
    found = []
    for match in _SLASH_FORM.finditer(text):
        parts = _PART_SPLIT.split(match.group(3))
        if _is_capitals(parts) or fold(parts[0]) in KNOWN_SYMBOL_PARTS:
            found.append(Found(_number_key(match.group(1), match.group(2), parts), match.start(), match.end()))
    taken = [(hit.start, hit.end) for hit in found]
    for match in _SPACE_FORM.finditer(text):
        if any(start < match.end() and match.start() < end for start, end in taken):
            continue
        labelled = match.group(1) is not None
        parts = _PART_SPLIT.split(match.group(4))
        known = 0
        while known < len(parts) and fold(parts[known]) in KNOWN_SYMBOL_PARTS:
            known += 1
        if known < (1 if labelled else 2):
            continue
        end = match.start(4)
        for part in parts[:known]:
            end = text.index(part, end) + len(part)
        start = match.start(2) if labelled else match.start()
        found.append(Found(_number_key(match.group(2), match.group(3), parts[:known]), start, end))
    return sorted(found, key=lambda hit: hit.start)


def find_document_numbers(text: str) -> list[str]:
    """Document numbers in `text` as keys (see `normalize_document_number`), first seen first, no repeats."""
    return list(dict.fromkeys(hit.value for hit in scan_document_numbers(text)))


def normalize_id_number(text: str) -> str | None:
    """A personal ID number (CCCD 12 digits, CMND 9) as its digits only: "0870 9000 1234", "087.090.001.234"
    and "087090001234" are one number. None when `text` has no digit. The one key search uses for owner IDs."""
    digits = "".join(ch for ch in unicodedata.normalize("NFKC", text) if ch.isdigit() and ch.isascii())
    return digits or None


def _number_key(number: str, year: str | None, parts: list[str]) -> str:
    head = f"{int(number)}/{year}/" if year else f"{int(number)}/"
    return head + "-".join(fold(part).upper() for part in parts)


def _is_capitals(parts: list[str]) -> bool:
    return all(part == part.upper() for part in parts)


# --- text preparation ----------------------------------------------------------------------------------------


def _prepare(text: str) -> tuple[str, list[int]]:
    """NFKC per character of NFC(text) (full-width digits and letters, seen in some exports, become ASCII),
    and for each prepared character the index of the NFC character it came from."""
    prepared: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(unicodedata.normalize("NFC", text)):
        out = unicodedata.normalize("NFKC", char) or char
        prepared.append(out)
        origin += [index] * len(out)
    return "".join(prepared), origin


def _fold_in_place(line: str) -> str:
    """fold() character by character, so that positions in the result are positions in `line`."""
    return "".join((fold(char) or " ")[:1] for char in line)
