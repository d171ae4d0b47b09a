"""Recognition: run Tesseract on a cleaned page and turn its TSV into words and reading-order text."""

from __future__ import annotations

import unicodedata

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


# A word lower than this share of the page's typical word height, and read this unsure, is no text: merged leader
# dots, an underline's fragments or a signature's tail read as "~e-eee" or "seeerseee". Lower-case words stand at
# about half the typical height (which counts ascenders and dấu), so printed words are never this flat.
FLAT_SHARE = 0.35
FLAT_UNSURE_BELOW = 30.0


LEADER_MARKS = frozenset("-–—.…·_~")


def flat_noise(words: list[Word]) -> list[bool]:
    """For each word, whether it is a mark far flatter than the page's confident words that is no text: unsure,
    or dashes and dots with no word after them on their line (a leader; the dash of "Độc lập - Tự do" has)."""
    confident = sorted(w.height for w in words if w.confidence >= 60 and len(w.text) >= 2)
    if len(confident) < 5:
        return [False] * len(words)
    limit = FLAT_SHARE * confident[len(confident) // 2]
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


# A text line the image's top or bottom edge cuts through (a screenshot or web image cropped mid-line) shows only
# the halves of its glyphs, which Tesseract reads as "1A 3x^ Ýh., °1+4_-" at confidence 0-50. Such a line is
# dropped when half its words or more touch the edge, they are clearly lower than the page's words, and it is unsure.
CUT_EDGE_PX = 3
CUT_SHARE = 0.7  # of the typical height; a whole line of lower-case words stands at about 0.8 of it
CUT_UNSURE_BELOW = 50.0


def cut_by_frame(words: list[Word], page_height: int) -> list[bool]:
    """For each word, whether it belongs to an unsure line of half glyphs cut by the image's top or bottom edge."""
    confident = sorted(w.height for w in words if w.confidence >= 60 and len(w.text) >= 2)
    if len(confident) < 5:
        return [False] * len(words)
    typical = confident[len(confident) // 2]
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


def recognize(binary: np.ndarray, *, lang: str = "vie", dpi: int = 300, psm: int = 3) -> PageText:
    data = tesseract.image_to_data(binary, lang=lang, psm=psm, dpi=dpi)
    words = [w for w in words_from_data(data) if not is_noise(w)]
    words = [w for w, flat in zip(words, flat_noise(words)) if not flat]
    words = [w for w, cut in zip(words, cut_by_frame(words, binary.shape[0])) if not cut]
    return PageText(
        words=words, text=layout_text(words, binary.shape[1]), mean_confidence=mean_confidence(words)
    )
