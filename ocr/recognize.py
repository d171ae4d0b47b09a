"""Recognition: run Tesseract on a cleaned page and turn its TSV into words and reading-order text."""

from __future__ import annotations

import unicodedata
from dataclasses import replace

import numpy as np

from ocr import tesseract
from ocr.layout import reading_order
from ocr.model import PageText, Word
from ocr.text import nfc


def words_from_data(data: dict[str, list]) -> list[Word]:
    """Word rows of Tesseract's TSV (level 5) with text, NFC-normalised, in Tesseract's reading order."""
    words: list[Word] = []
    for i, level in enumerate(data["level"]):
        if int(level) != 5:
            continue
        text = nfc(str(data["text"][i]).strip())
        conf = float(data["conf"][i])
        if not text or conf < 0:
            continue
        words.append(
            Word(
                text=text,
                left=int(data["left"][i]),
                top=int(data["top"][i]),
                width=int(data["width"][i]),
                height=int(data["height"][i]),
                confidence=conf,
                block=int(data["block_num"][i]),
                paragraph=int(data["par_num"][i]),
                line=int(data["line_num"][i]),
            )
        )
    return words


# Punctuation that administrative text really uses; a letterless "word" made of anything else is a seal,
# signature or speckle remnant.
_TEXT_CATEGORIES = frozenset({"Lu", "Ll", "Lt", "Lo", "Nd"})  # not Lm: a lone "ˆ" is a modifier letter
TEXT_PUNCTUATION = frozenset("-–—.,;:()[]/\"'%+*&…!?=")


def is_noise(word: Word) -> bool:
    """Seal, signature and speckle remnants: letterless words that are unsure or not text punctuation."""
    if any(unicodedata.category(ch) in _TEXT_CATEGORIES for ch in word.text):
        return False
    return word.confidence < 50 or not set(word.text) <= TEXT_PUNCTUATION


# The page's typical word height: the median of words read surely with 2+ letters (ascenders and dấu included).
TYPICAL_MIN_WORDS = 5


def typical_height(words: list[Word]) -> int | None:
    """The median height of the page's sure words of 2+ characters, or None when fewer than 5 were read."""
    confident = sorted(w.height for w in words if w.confidence >= 60 and len(w.text) >= 2)
    if len(confident) < TYPICAL_MIN_WORDS:
        return None
    return confident[len(confident) // 2]


# A word lower than this share of the page's typical word height, and read this unsure, is no text: merged leader
# dots, an underline's fragments or a signature's tail read as "~e-eee" or "seeerseee". Lower-case words stand at
# about half the typical height (which counts ascenders and dấu), so printed words are never this flat.
FLAT_SHARE = 0.35
FLAT_UNSURE_BELOW = 30.0


LEADER_MARKS = frozenset("-–—.…·_~")


def flat_noise(words: list[Word]) -> list[bool]:
    """For each word, whether it is a mark far flatter than the page's confident words that is no text: unsure,
    or dashes and dots with no word after them on their line (a leader; the dash of "Độc lập - Tự do" has)."""
    typical = typical_height(words)
    if typical is None:
        return [False] * len(words)
    limit = FLAT_SHARE * typical
    flat = [w.height < limit for w in words]
    mark = [f and set(w.text) <= LEADER_MARKS for f, w in zip(flat, words)]
    text_ends: dict[tuple[int, int, int], int] = {}  # per line, the left edge of its last word that is no mark
    for w, m in zip(words, mark):
        if not m:
            key = (w.block, w.paragraph, w.line)
            text_ends[key] = max(text_ends.get(key, -1), w.left)
    return [f and (w.confidence < FLAT_UNSURE_BELOW
                   or (m and w.left > text_ends.get((w.block, w.paragraph, w.line), -1)))
            for f, m, w in zip(flat, mark, words)]


# A word Tesseract could not read at all (confidence 0) that is also clearly lower than the page's sure words is
# no text: a mirrored back page showing through faint print ("E<Eeseekefeeea", "ca... các nh soi"), a speck
# beside a header. Printed words read at 0 stand at the page's height ("CHỦ" on the same faint form). Dropped
# only from the page's final text (the readings are compared with them) and named in the page's evidence.
UNREAD_BELOW = 1.0
UNREAD_SHARE = 0.7  # of the typical height


def unread_noise(words: list[Word]) -> list[bool]:
    """For each word, whether it was read at confidence 0 and stands lower than UNREAD_SHARE of the page's
    typical word height."""
    typical = typical_height(words)
    if typical is None:
        return [False] * len(words)
    return [w.confidence < UNREAD_BELOW and w.height < UNREAD_SHARE * typical for w in words]


# A text line the image's top or bottom edge cuts through (a screenshot or web image cropped mid-line) shows only
# the halves of its glyphs, which Tesseract reads as "1A 3x^ Ýh., °1+4_-" at confidence 0-50. Such a line is
# dropped when half its words or more touch the edge, they are clearly lower than the page's words, and it is unsure.
CUT_EDGE_PX = 3
CUT_SHARE = 0.7  # of the typical height; a whole line of lower-case words stands at about 0.8 of it
CUT_UNSURE_BELOW = 50.0


def cut_by_frame(words: list[Word], page_height: int) -> list[bool]:
    """For each word, whether it belongs to an unsure line of half glyphs cut by the image's top or bottom edge."""
    typical = typical_height(words)
    if typical is None:
        return [False] * len(words)
    lines: dict[tuple[int, int, int], list[int]] = {}
    for i, w in enumerate(words):
        lines.setdefault((w.block, w.paragraph, w.line), []).append(i)
    cut = [False] * len(words)
    for members in lines.values():
        line = [words[i] for i in members]
        at_top = sum(w.top <= CUT_EDGE_PX for w in line)
        at_bottom = sum(w.top + w.height >= page_height - CUT_EDGE_PX for w in line)
        heights = sorted(w.height for w in line)
        if (max(at_top, at_bottom) >= 0.5 * len(line) and heights[len(heights) // 2] < CUT_SHARE * typical
                and mean_confidence(line) < CUT_UNSURE_BELOW):
            for i in members:
                cut[i] = True
    return cut


def layout_text(words: list[Word], page_width: int | None = None) -> str:
    """Text in reading order: one line per line segment, a blank line between paragraphs and columns."""
    if not words:
        return ""
    width = page_width or max(w.left + w.width for w in words)
    out: list[str] = []
    previous: tuple[int, int] | None = None
    for group in reading_order(words, width):
        if out:
            out.append("")
        previous = None
        for segment in group:
            first = segment.words[0]
            paragraph = (first.block, first.paragraph)
            if previous is not None and paragraph != previous and len(group) == 1:
                out.append("")
            previous = paragraph
            out.append(segment.text)
    return "\n".join(out)


def mean_confidence(words: list[Word]) -> float:
    """Character-weighted mean confidence, so a stray one-letter word does not swing the page figure."""
    total = sum(len(w.text) for w in words)
    if total == 0:
        return 0.0
    return sum(w.confidence * len(w.text) for w in words) / total


# Tesseract's page layout sometimes joins two columns of different type sizes into one line run: "Nơi nhận"'s
# small lines beside the signer's bold title, read as one line twice as high ("Nên tường (đề be)" for
# "- Hiệu trưởng (để b/c); - Website;"). Two or more unsure words on one line, about two lines high, say so; a
# signature's scribble is taller still. The rows of that Tesseract block are then read again on their own.
MERGED_HEIGHT = (1.7, 2.8)  # of the page's typical word height
MERGED_UNSURE_BELOW = 50.0
MERGED_MIN_WORDS = 2
MERGED_GROW = 0.5  # of the typical word height: lines this close above or below join the rows
MERGED_MAX_ROWS_SHARE = 0.5  # of the page height: a re-read of most of the page is the same reading again
REREAD_BETTER_BY = 5.0  # confidence points the re-read must gain on the rows it replaces
COLUMN_GAP_MM = 6.0  # an inkless run of columns this wide parts the rows' two columns (NĐ 30 leaves 10+ mm)


def merged_rows(words: list[Word], page_height: int) -> list[tuple[int, int]]:
    """Row ranges (top, bottom) of the Tesseract blocks holding a line that joined two lines of text."""
    typical = typical_height(words)
    if typical is None:
        return []
    low, high = MERGED_HEIGHT[0] * typical, MERGED_HEIGHT[1] * typical
    tall: dict[tuple[int, int, int], int] = {}
    for w in words:
        if w.confidence < MERGED_UNSURE_BELOW and low <= w.height <= high and any(ch.isalpha() for ch in w.text):
            key = (w.block, w.paragraph, w.line)
            tall[key] = tall.get(key, 0) + 1
    blocks = sorted({key[0] for key, count in tall.items() if count >= MERGED_MIN_WORDS})
    rows = []
    for block in blocks:
        members = [w for w in words if w.block == block]
        top, bottom = min(w.top for w in members), max(w.top + w.height for w in members)
        # Lines close above or below belong to the same run of columns (Tesseract may have put the last line of
        # "Nơi nhận" in a block of its own, with the signature).
        reach = MERGED_GROW * typical
        grown = True
        while grown:
            grown = False
            for w in words:
                if top - reach <= w.top + w.height and w.top <= bottom + reach and (
                        w.top < top or w.top + w.height > bottom):
                    top, bottom, grown = min(top, w.top), max(bottom, w.top + w.height), True
        if bottom - top <= MERGED_MAX_ROWS_SHARE * page_height and (top, bottom) not in rows:
            rows.append((top, bottom))
    return rows


def _words(binary: np.ndarray, lang: str, dpi: int, psm: int) -> list[Word]:
    data = tesseract.image_to_data(binary, lang=lang, psm=psm, dpi=dpi)
    words = [w for w in words_from_data(data) if not is_noise(w)]
    words = [w for w, flat in zip(words, flat_noise(words)) if not flat]
    return [w for w, cut in zip(words, cut_by_frame(words, binary.shape[0])) if not cut]


def _centre_in(word: Word, top: int, bottom: int) -> bool:
    return top <= word.top + word.height / 2 <= bottom


def column_parts(strip: np.ndarray, min_gap: int) -> list[tuple[int, int]]:
    """Column ranges of a strip of rows (ink darker than 128): split at its widest inkless run of columns in the
    middle 70% of its width, when that is at least `min_gap` wide; else the whole strip."""
    width = strip.shape[1]
    inkless = ~(strip < 128).any(axis=0)
    lo, hi = int(0.15 * width), int(0.85 * width)
    best, start = (0, 0), None
    for x in range(lo, hi):
        if inkless[x]:
            start = x if start is None else start
            if x + 1 - start > best[1] - best[0]:
                best = (start, x + 1)
        else:
            start = None
    if best[1] - best[0] < min_gap:
        return [(0, width)]
    cut = (best[0] + best[1]) // 2
    return [(0, cut), (cut, width)]


def reread_rows(binary: np.ndarray, words: list[Word], rows: tuple[int, int], lang: str, dpi: int
                ) -> list[Word]:
    """`words` with those centred in `rows` replaced by a reading of those rows alone, when it is clearly surer
    and finds about as many letters; otherwise `words` unchanged."""
    top, bottom = rows
    margin = max(4, (bottom - top) // 10)
    y0, y1 = max(0, top - margin), min(binary.shape[0], bottom + margin)
    old = [w for w in words if _centre_in(w, top, bottom)]
    strip = binary[y0:y1]
    new = []
    # Read alone, the rows are joined again; each column of them read alone is not.
    for x0, x1 in column_parts(strip, min_gap=round(COLUMN_GAP_MM / 25.4 * dpi)):
        part = _words(strip[:, x0:x1], lang, dpi, 3)
        base = max((w.block for w in new), default=0)
        new += [replace(w, left=w.left + x0, top=w.top + y0, block=w.block + base) for w in part]
    new = [w for w in new if _centre_in(w, top, bottom)]
    if (not old or not new or mean_confidence(new) < mean_confidence(old) + REREAD_BETTER_BY
            or _letters(new) < 0.8 * _letters(old)):
        return words
    # The rows' words take the place of the first word they replace; their blocks stay apart from the page's.
    first = next(i for i, w in enumerate(words) if _centre_in(w, top, bottom))
    offset = max(w.block for w in words)
    new = [replace(w, block=w.block + offset) for w in new]
    rest = [w for w in words if not _centre_in(w, top, bottom)]
    return rest[:first] + new + rest[first:]


def _letters(words: list[Word]) -> int:
    return sum(ch.isalpha() for w in words for ch in w.text)


def recognize(binary: np.ndarray, *, lang: str = "vie", dpi: int = 300, psm: int = 3) -> PageText:
    """Words, text and confidence of a page: `binary` is ink 0 on 255, or ink below 128 with its grey levels
    (ocr.cleanup.shade)."""
    words = _words(binary, lang, dpi, psm)
    if psm == 3:
        for rows in merged_rows(words, binary.shape[0]):
            words = reread_rows(binary, words, rows, lang, dpi)
    return PageText(
        words=words, text=layout_text(words, binary.shape[1]), mean_confidence=mean_confidence(words)
    )
