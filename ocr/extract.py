"""Data extraction (bóc tách dữ liệu, TT 01/2023 Điều 7) from a recognised document's words: pure, no I/O.

    extract_metadata(pages: Sequence[PageResult]) -> dict[str, ExtractedField]
    ExtractedField(value: str, confidence: float, page: int, box: tuple[int, int, int, int] | None)
    page_lines(page: PageResult, number: int) -> list[TextLine]     # also used by ocr/classify.py

Input: the `ocr.model.PageResult` of each page of ONE document, in order, as ingest has them after recognition
(`PageArtifacts.result`): their words with boxes in page pixels, Tesseract block/paragraph/line numbers and
confidences. A page without words (text given only) still works from `text`, without boxes.

Fields (each only when found; `page` is 1-based within the document, `box` is x0, y0, x1, y1 in that page's
pixels, `confidence` 0-1 = the words' mean OCR confidence times how sure the rule is):
- number_symbol: "Số: 123/QĐ-UBND" -> "123/QĐ-UBND" (as printed, spaces dropped; compare with
  sohoa.domain.codes.normalize_document_number), the first "Số" line in the top 40% of page 1.
- issued_on: ISO date from "<place>, ngày 12 tháng 3 năm 2024" (NĐ 30/2020 place-and-date line); a date
  after a comma ranks above one in running text, one near the top above one further down; birth dates and
  dates in "Căn cứ" grounds are not issue dates.
- agency: the issuing body, top-left above the number (the line below the superior body when there are two).
- signer, signer_title: the last title line of the signature block (CHỦ TỊCH, PHÓ CHỦ TỊCH, GIÁM ĐỐC, ...,
  after TM./KT./TL./TUQ.) and the first person's name below it in the same column.
- subject: the trích yếu after "Về việc" / "V/v" / "Trích yếu:", with its continuation lines.
- owner_name: after "Họ, chữ đệm, tên ...:", "Họ và tên:", "Tiếp nhận hồ sơ của:", or "ông/bà <Name>,".
- owner_id: CCCD (12 digits) or CMND (9) after its label ("Số định danh cá nhân", "CCCD", "CMND", ...), or an
  unlabelled 12-digit number that passes the CCCD checks. CCCD rules (TT 59/2021/TT-BCA Điều 7, as TT
  07/2016 before it): digits 1-3 are a province code of the published list; digit 4 is century and sex
  (0/1 = 1900s male/female, 2/3 = 2000s, 4/5 = 2100s, 6/7 = 2200s, 8/9 = 1800s); digits 5-6 are the last two
  digits of the birth year. A number failing them is kept only when labelled, at a lower confidence; a
  birth date printed nearby that agrees raises the confidence, one that disagrees lowers it.
- valid_until: ISO date after "có giá trị đến", "có hiệu lực đến", "có giá trị sử dụng đến", "hết hạn".
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from ocr.model import PageResult, Word
from sohoa.domain.codes import scan_document_numbers
from sohoa.domain.folding import fold

Box = tuple[int, int, int, int]


@dataclass(frozen=True)
class ExtractedField:
    value: str
    confidence: float  # 0..1
    page: int  # 1-based within the document
    box: Box | None  # x0, y0, x1, y1 in page pixels; None when the page had no word boxes


@dataclass(frozen=True)
class TextLine:
    """A run of words on one line; a wide gap (two columns side by side) starts a new TextLine."""

    text: str  # NFC
    page: int  # 1-based within the document
    words: tuple[Word, ...]
    offsets: tuple[tuple[int, int], ...]  # each word's span in `text`
    top: float  # 0..1 of the page height
    centre: float | None  # 0..1 of the page width; None without boxes
    confidence: float  # 0..1

    @property
    def folded(self) -> str:
        return fold(self.text)

    def region(self, start: int = 0, end: int | None = None) -> tuple[Box | None, float]:
        """Box and mean confidence (0..1) of the words overlapping text[start:end]."""
        end = len(self.text) if end is None else end
        chosen = [w for w, (s, e) in zip(self.words, self.offsets, strict=True) if s < end and e > start]
        if not chosen:
            return None, self.confidence
        box = (min(w.left for w in chosen), min(w.top for w in chosen),
               max(w.left + w.width for w in chosen), max(w.top + w.height for w in chosen))  # fmt: skip
        return box, sum(w.confidence for w in chosen) / len(chosen) / 100


COLUMN_GAP = 0.05  # of the page width: a gap this wide between words on one line separates two columns


def page_lines(page: PageResult, number: int) -> list[TextLine]:
    """The page's lines in reading order (top to bottom, left to right), split where columns meet."""
    words = [w for w in page.words if w.text.strip()]
    if not words:
        raw = [unicodedata.normalize("NFC", ln).strip() for ln in page.text.splitlines()]
        raw = [ln for ln in raw if ln]
        conf = page.mean_confidence / 100 if page.mean_confidence else 0.8
        return [TextLine(ln, number, (), (), i / max(len(raw), 1), None, conf) for i, ln in enumerate(raw)]
    groups: dict[tuple[int, int, int], list[Word]] = {}
    for word in words:
        groups.setdefault((word.block, word.paragraph, word.line), []).append(word)
    width, height = max(page.width, 1), max(page.height, 1)
    lines = []
    for group in groups.values():
        group.sort(key=lambda w: w.left)
        run: list[Word] = [group[0]]
        for word in group[1:]:
            if word.left - (run[-1].left + run[-1].width) > COLUMN_GAP * width:
                lines.append(_line(run, number, width, height))
                run = []
            run.append(word)
        lines.append(_line(run, number, width, height))
    # Rows first (a line's top within half a line height counts as the same row), then left to right.
    lines.sort(key=lambda ln: (ln.top, ln.centre or 0))
    return lines


def _line(words: list[Word], number: int, width: int, height: int) -> TextLine:
    parts, offsets, position = [], [], 0
    for word in words:
        text = unicodedata.normalize("NFC", word.text)
        offsets.append((position, position + len(text)))
        parts.append(text)
        position += len(text) + 1
    x0, x1 = min(w.left for w in words), max(w.left + w.width for w in words)
    confidence = sum(w.confidence for w in words) / len(words) / 100
    top = min(w.top for w in words) / height
    return TextLine(" ".join(parts), number, tuple(words), tuple(offsets), top, (x0 + x1) / 2 / width, confidence)


def document_lines(pages: Sequence[PageResult]) -> list[TextLine]:
    return [line for n, page in enumerate(pages, start=1) for line in page_lines(page, n)]


def _field(value: str, line: TextLine, start: int, end: int, certainty: float) -> ExtractedField:
    box, confidence = line.region(start, end)
    return ExtractedField(value, round(max(0.0, min(1.0, confidence * certainty)), 3), line.page, box)


# --- number and symbol ---------------------------------------------------------------------------------------

# "Số:" opens its own line or column; "Luật số 01/2016/QH14" in the grounds is another document's number.
_NUMBER_LABEL = re.compile(r"^\W{0,3}s[o0]\s*[:;.]?\s*(?=\d)")


def _number_symbol(lines: list[TextLine]) -> ExtractedField | None:
    for line in lines:
        if line.page != 1 or line.top > 0.4:
            continue
        for label in _NUMBER_LABEL.finditer(line.folded):
            for hit in scan_document_numbers(line.text[label.end() :]):
                if hit.start > 2:
                    break
                start, end = label.end() + hit.start, label.end() + hit.end
                printed = re.sub(r"\s*([/\-\u2013])\s*", r"\1", line.text[start:end]).replace("Ð", "Đ")
                return _field(printed.replace("\u2013", "-"), line, start, end, 1.0)
    return None


# --- dates ---------------------------------------------------------------------------------------------------

_DIGIT = r"[0-9OoIlSB]"
_DIGITS = str.maketrans({"O": "0", "o": "0", "I": "1", "l": "1", "S": "5", "B": "8"})
_LONG_DATE = re.compile(
    rf"ngay\s*({_DIGIT}{{1,2}})\s*thang\s*({_DIGIT}{{1,2}})\s*nam\s*({_DIGIT}{{4}})", re.IGNORECASE
)
_SHORT_DATE = re.compile(r"(?<!\d)(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})(?!\d)")


def _date(day: str, month: str, year: str) -> dt.date | None:
    try:
        return dt.date(int(year.translate(_DIGITS)), int(month.translate(_DIGITS)), int(day.translate(_DIGITS)))
    except ValueError:
        return None


def _issued_on(lines: list[TextLine]) -> ExtractedField | None:
    best: tuple[float, int, ExtractedField] | None = None
    for order, line in enumerate(lines):
        folded = line.folded
        for match in _LONG_DATE.finditer(folded):
            when = _date(*match.groups())
            if when is None:
                continue
            before = folded[max(0, match.start() - 12) : match.start()]
            score = 0.0
            if re.search(r",\s*$", before):
                score += 2  # "<place>, ngày ..." is the NĐ 30/2020 date line
            if line.page == 1 and line.top < 0.4:
                score += 1
            if re.search(r"sinh|cap|can cu", before) or folded.lstrip().startswith("can cu"):
                score -= 3
            certainty = 0.95 if score >= 2 else 0.7
            found = _field(when.isoformat(), line, match.start(), match.end(), certainty)
            if best is None or score > best[0]:
                best = (score, order, found)
    return best[2] if best and best[0] > -1 else None


# --- agency, signer, subject ---------------------------------------------------------------------------------

_MOTTO = re.compile(r"cong hoa|doc lap|tu do|hanh phuc|chu nghia viet nam")
_ROLE_PREFIX = re.compile(r"^(?:tm|kt|tl|tuq|q|ktm)\s*\.\s*")
_SIGNER_TITLES = (
    "chu tich", "pho chu tich", "giam doc", "pho giam doc", "truong phong", "pho truong phong", "chanh van phong",
    "pho chanh van phong", "truong ban", "pho truong ban", "cuc truong", "pho cuc truong", "bo truong",
    "thu truong", "tong giam doc", "vien truong", "hieu truong", "truong cong an", "bi thu", "thu ky",
    "cong chuc tu phap - ho tich", "cong chuc dia chinh", "nguoi tiep nhan ho so", "can bo tiep nhan",
)  # fmt: skip


def _is_capitals(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 2 and sum(c.isupper() for c in letters) / len(letters) >= 0.8


def _agency(lines: list[TextLine]) -> ExtractedField | None:
    first = [ln for ln in lines if ln.page == 1]
    number_top = next((ln.top for ln in first if _NUMBER_LABEL.match(ln.folded.lstrip()) and ln.top < 0.4), 0.25)
    header: list[tuple[TextLine, int]] = []  # a line and where its agency part ends (the motto may follow)
    for line in first:
        if line.top >= number_top or _title_like(line.folded):
            continue
        motto = _MOTTO.search(line.folded)
        end = motto.start() if motto else len(line.text)
        part = line.text[:end].strip()
        if motto is None and line.centre is not None and line.centre >= 0.5:
            continue
        if _is_capitals(part) and len(part.split()) >= 2 and sum(c.isalpha() for c in part) >= 6:
            header.append((line, end))
    if not header:
        return None
    # NĐ 30/2020: the superior body (if any) on the first line, the issuing body below it, maybe wrapped.
    body = header[1:3] if len(header) >= 2 else header[:1]
    value = _standard_agency_words(" ".join(ln.text[:end].strip(" .,-_") for ln, end in body))
    regions = [ln.region(0, end) for ln, end in body]
    boxes = [box for box, _ in regions if box]
    box = (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes)) if boxes else None
    confidence = min(conf for _, conf in regions) * (0.9 if len(header) >= 2 else 0.75)
    return ExtractedField(value, round(confidence, 3), body[0][0].page, box)


# Agency names begin with a fixed phrase; bold capitals often lose or gain a mark in OCR ("NHÂN DẪN").
_AGENCY_PHRASES = ("ỦY BAN NHÂN DÂN", "HỘI ĐỒNG NHÂN DÂN", "CÔNG AN", "TÒA ÁN NHÂN DÂN", "SỞ", "PHÒNG")


def _standard_agency_words(value: str) -> str:
    words = value.split()
    for phrase in _AGENCY_PHRASES:
        size = len(phrase.split())
        if len(words) > size and fold(" ".join(words[:size])) == fold(phrase):
            return " ".join([phrase, *words[size:]])
    return value


def _title_like(folded: str) -> bool:
    return bool(re.match(r"\s*(quyet dinh|giay |trich luc|don |to khai|phieu )", folded))


# OCR reads a speck between two names (seal or signature ink) as a dot, a backtick or a quote:
# "Võ.Minh Hùng", "Lê`Thu Hương". Replaced by a space, so positions stay.
_SPECK = re.compile(r"(?<=[^\W\d_])[.`'\u2019\u00b7_](?=[^\W\d_])")


def _despeck(text: str) -> str:
    return _SPECK.sub(" ", text)


def _is_name(words: list[str]) -> bool:
    if not 2 <= len(words) <= 5:
        return False
    title_case = all(w.isalpha() and w[0].isupper() and (w[1:].islower() or len(w) == 1) for w in words)
    capitals = all(w.isalpha() and w.isupper() for w in words)
    return title_case or (capitals and not any(t in fold(" ".join(words)) for t in _SIGNER_TITLES))


def _signer(lines: list[TextLine]) -> tuple[ExtractedField | None, ExtractedField | None]:
    title_at = None
    for index, line in enumerate(lines):
        bare = _ROLE_PREFIX.sub("", line.folded.strip(" .:"))
        if bare in _SIGNER_TITLES and _is_capitals(line.text):
            title_at = index  # the last one wins: the signature block closes the document
    if title_at is None:
        return None, None
    title_line = lines[title_at]
    title = _field(title_line.text.strip(" .:"), title_line, 0, len(title_line.text), 0.95)
    for line in lines[title_at + 1 : title_at + 12]:
        if line.page != title_line.page or line.top - title_line.top > 0.3:
            break
        if title_line.centre is not None and line.centre is not None and abs(line.centre - title_line.centre) > 0.2:
            continue
        words = _despeck(line.text).strip(" .,;:").split()
        if _is_name(words):
            return title, _field(" ".join(words), line, 0, len(line.text), 0.95)
    return title, None


_SUBJECT = re.compile(r"^\s*(?:v\s*/\s*v|ve viec|trich yeu)\s*[:.]?\s*", re.IGNORECASE)
_SECTION = re.compile(r"^\s*(?:can cu|kinh gui|chu tich|xet |dieu \d|quyet dinh|theo de nghi)")


def _subject(lines: list[TextLine]) -> ExtractedField | None:
    for index, line in enumerate(lines):
        match = _SUBJECT.match(line.folded)
        if not match or len(line.text) - match.end() < 3:
            continue
        parts = [line.text[match.end() :].strip()]
        previous = line
        for follower in lines[index + 1 : index + 4]:
            gap = follower.top - previous.top
            if (follower.page != line.page or gap > 0.04 or gap <= 0 or _SECTION.match(follower.folded)
                    or _is_capitals(follower.text) or _SUBJECT.match(follower.folded)):  # fmt: skip
                break
            if line.centre is not None and follower.centre is not None and abs(follower.centre - line.centre) > 0.15:
                break
            parts.append(follower.text.strip())
            previous = follower
        return _field(" ".join(parts).strip(" ;."), line, match.end(), len(line.text), 0.9)
    return None


# --- owner ---------------------------------------------------------------------------------------------------

_NAME_LABEL = re.compile(
    r"(?:ho,?\s*chu\s*dem,?\s*ten[^:]{0,40}|ho\s*va\s*ten[^:]{0,20}|ho\s*ten[^:]{0,20}|tiep nhan ho so cua|"
    r"nguoi nop(?: ho so)?|ten nguoi nop)\s*:\s*(?:(?:ong|ba|anh|chi)\s+)?",
)
_TITLED_NAME = re.compile(r"(?<![^\W\d_])(?:ong|ba)\s+(?=[^\W\d_])")


def _name_after(line: TextLine, start: int) -> tuple[str, int, int] | None:
    words, position = [], start
    text = _despeck(line.text)
    for match in re.finditer(r"\S+", text[start:]):
        raw = match.group(0)
        word = raw.strip(",.;:()")
        if not word or not word.isalpha() or not word[0].isupper():
            break
        words.append(word)
        position = start + match.end()
        if len(words) == 5 or raw[-1] in ",.;:":
            break
    if not _is_name(words):
        return None
    return " ".join(words), start, position


def _owner_name(lines: list[TextLine]) -> ExtractedField | None:
    """The name after an owner label; else the name most often written as "ông/bà <Name>" (OCR may misread
    one mention, rarely all), the one followed by "sinh ngày" counting double."""
    votes: dict[str, float] = {}
    first: dict[str, ExtractedField] = {}
    for line in lines:
        folded = line.folded
        for label in _NAME_LABEL.finditer(folded):
            found = _name_after(line, label.end())
            if found:
                return _field(found[0], line, found[1], found[2], 0.95)
        for titled in _TITLED_NAME.finditer(folded):
            found = _name_after(line, titled.end())
            if found:
                weight = 2.0 if re.match(r"\s*,?\s*sinh", folded[found[2] :]) else 1.0
                votes[found[0]] = votes.get(found[0], 0.0) + weight
                first.setdefault(found[0], _field(found[0], line, found[1], found[2], 0.8))
    if not votes:
        return None
    return first[max(votes, key=lambda name: votes[name])]


# Province codes of the CCCD number (TT 59/2021/TT-BCA, Phụ lục: mã tỉnh, thành phố).
CCCD_PROVINCE_CODES = frozenset({
    "001", "002", "004", "006", "008", "010", "011", "012", "014", "015", "017", "019", "020", "022", "024",
    "025", "026", "027", "030", "031", "033", "034", "035", "036", "037", "038", "040", "042", "044", "045",
    "046", "048", "049", "051", "052", "054", "056", "058", "060", "062", "064", "066", "067", "068", "070",
    "072", "074", "075", "077", "079", "080", "082", "083", "084", "086", "087", "089", "091", "092", "093",
    "094", "095", "096",
})  # fmt: skip
_CENTURY = {"0": 1900, "1": 1900, "2": 2000, "3": 2000, "4": 2100, "5": 2100, "6": 2200, "7": 2200,
            "8": 1800, "9": 1800}  # fmt: skip
_ID_LABEL = re.compile(
    r"(?:so\s*dinh\s*danh(?:\s*ca\s*nhan)?|can\s*cuoc(?:\s*cong\s*dan)?|cccd|cmnd(?:\s*/\s*cccd)?|"
    r"chung\s*minh\s*nhan\s*dan|so\s*giay\s*to\s*tuy\s*than|giay\s*to\s*tuy\s*than)(?:\s*so)?\s*[:.]?\s*"
)
_ID_DIGITS = re.compile(rf"{_DIGIT}(?:[ .]?{_DIGIT}){{8,13}}(?![0-9])")
_UNLABELLED_ID = re.compile(r"(?<![\d/.,-])(\d{12})(?![\d/-])")
_LABEL_TAIL = re.compile(r"\s*(?:ca\s*nhan\s*)?[:.]?\s*")  # "... số định danh" / "cá nhân 0870...": a wrapped label
_BIRTH = re.compile(r"sinh\s*(?:ngay)?\s*[:]?\s*(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})")


def cccd_birth_year(number: str) -> int | None:
    """Birth year a 12-digit CCCD number encodes, or None if it breaks the province or century rule."""
    if not (len(number) == 12 and number.isdigit()) or number[:3] not in CCCD_PROVINCE_CODES:
        return None
    return _CENTURY[number[3]] + int(number[4:6])


def _owner_id(lines: list[TextLine]) -> ExtractedField | None:
    births = [int(m.group(3)) for ln in lines for m in _BIRTH.finditer(ln.folded)]
    candidates: list[tuple[float, ExtractedField]] = []
    wrapped = False  # the previous line ended with an ID label and no number
    for line in lines:
        folded = line.folded
        spans = []
        if wrapped:
            digits = _ID_DIGITS.match(line.text, _LABEL_TAIL.match(folded).end())  # type: ignore[union-attr]
            if digits:
                spans.append((digits.start(), digits.end(), True))
        wrapped = False
        for label in _ID_LABEL.finditer(folded):
            digits = _ID_DIGITS.match(line.text, label.end())
            if digits:
                spans.append((digits.start(), digits.end(), True))
            elif label.end() >= len(folded.rstrip()):
                wrapped = True
        spans += [(m.start(), m.end(), False) for m in _UNLABELLED_ID.finditer(line.text)
                  if all(m.start() != start for start, _, _ in spans)]
        for start, end, labelled in spans:
            number = re.sub(r"[ .]", "", line.text[start:end]).translate(_DIGITS)
            if not number.isdigit() or len(number) not in (9, 12):
                continue
            certainty = 1.0 if labelled else 0.75
            if len(number) == 12:
                year = cccd_birth_year(number)
                if year is None:
                    if not labelled:
                        continue
                    certainty *= 0.5  # printed as an ID but breaks the CCCD rules: an OCR slip or a typo
                elif births:
                    certainty *= 1.0 if year in births else 0.6
            candidates.append((certainty, _field(number, line, start, end, certainty)))
    if not candidates:
        return None
    return max(candidates, key=lambda c: c[0])[1]


# --- validity ------------------------------------------------------------------------------------------------

_VALID_UNTIL = re.compile(
    r"(?:(?:co\s*gia\s*tri(?:\s*su\s*dung)?|co\s*hieu\s*luc|thoi\s*han)\D{0,20}?\b(?:den|toi)\b|het\s*han)"
    r"\s*(?:ngay)?\s*:?\s*"
)


def _valid_until(lines: list[TextLine]) -> ExtractedField | None:
    for line in lines:
        folded = line.folded
        for label in _VALID_UNTIL.finditer(folded):
            rest = folded[label.end() :]
            match = _SHORT_DATE.match(rest) or _LONG_DATE.match("ngay " + rest if not rest.startswith("ngay") else rest)
            if not match:
                continue
            when = _date(*match.groups())
            if when:
                return _field(when.isoformat(), line, label.start(), len(line.text), 0.9)
    return None


def extract_metadata(pages: Sequence[PageResult]) -> dict[str, ExtractedField]:
    """Every field found in the document (see the module docstring for the rules); absent fields are left out."""
    lines = document_lines(pages)
    title, signer = _signer(lines)
    found = {
        "number_symbol": _number_symbol(lines),
        "issued_on": _issued_on(lines),
        "agency": _agency(lines),
        "signer": signer,
        "signer_title": title,
        "subject": _subject(lines),
        "owner_name": _owner_name(lines),
        "owner_id": _owner_id(lines),
        "valid_until": _valid_until(lines),
    }
    return {name: value for name, value in found.items() if value is not None}
