"""Judge recognition results: does a reading hold text, and which of two readings of a page is better.

The clean-up decides orientation and blankness from ink alone; these judgements are what confirm or overrule
it (a page is blank only when a reading finds no text either, turned only when the turned reading is better).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from ocr.model import PageResult, PageText, Word

# A word counts as confidently read at this Tesseract confidence or more.
CONFIDENT = 60.0
# A page holds text when its confident words have at least this many letters (one word like "Phone"; the
# mirrored show-through of a back side, read by Tesseract, gives a few unsure fragments).
MIN_TEXT_LETTERS = 4
# Another reading replaces the kept one only when it scores this much higher (noise between equal readings
# must not turn a page).
BETTER_BY = 1.25
# Of the letters read confidently, at least this share must be in plausible words for the page to hold text.
MIN_PLAUSIBLE_SHARE = 0.6


# Vietnamese spelling, on the letters with their tone mark taken off (breve, circumflex, horn and đ kept).
_SYLLABLE = re.compile(
    r"(ngh|ng|gh|gi|kh|nh|ph|qu|th|tr|ch|b|c|d|đ|g|h|k|l|m|n|p|r|s|t|v|x)?"
    r"[aăâeêioôơuưy]{1,3}"
    r"(ch|ng|nh|c|m|n|p|t)?"
)
_TONES = frozenset("\u0300\u0301\u0303\u0309\u0323")
_VIETNAMESE_LETTERS = frozenset("abcdefghijklmnopqrstuvwxyzđăâêôơư")
_MARKED = frozenset("đăâêôơư")
_INNER_PUNCTUATION = frozenset("-/.,:'’")
_EDGE_PUNCTUATION = "\"'“”‘’()[]{}.,;:!?…*«»"
# A number with its unit or per cent, as fees, areas and weights are printed: "1.500.000đ", "36,5m²", "20%".
_MEASURE = re.compile(
    r"\d+(?:[.,]\d+)*(?:%|đ|vnđ|vnd|đồng|g|kg|mg|l|ml|m|m2|m²|m3|m³|cm|mm|km|ha)|[ck]?m[²³]", re.IGNORECASE
)
# A code of capitals and digits printed without separators ("000AB2212008003975"): mostly digits, which the
# mirrored or turned print read as capitals ("SS0S", "LÁOX") is not.
CODE_MIN_DIGITS = 4


@lru_cache(maxsize=65536)
def plausible(token: str) -> bool:
    """Whether a recognised word could be printed text rather than a misreading of mirrored or turned ink.

    Vietnamese words carry at most one tone mark and follow the syllable shape initial-vowels-final; words
    without Vietnamese marks (names, English, codes) need only letters of the alphabet and a normal case
    pattern; numbers with their unit ("36,5m²") and codes of mostly digits pass. "nšV", "gnô" and "1ÊŒ", what
    show-through from a page's back is read as, fail.
    """
    word = token.strip(_EDGE_PUNCTUATION)
    if not word:
        return False
    if _MEASURE.fullmatch(word) or _is_code(word):
        return True
    if any(ch in _INNER_PUNCTUATION for ch in word):
        # Codes and numbers ("123/QĐ-UBND", "H21.65-220914-0011", "29/11/2013") and hyphenated words.
        return all(plausible(part) or part.isdigit() or part.isalnum() and part.isupper()
                   for part in re.split(r"[-/.,:'’]+", word) if part)
    if word.isdigit():
        return True
    if not word.isalpha():
        return False  # letters and digits mixed without a separator
    if not (word.islower() or word.isupper() or word[0].isupper() and word[1:].islower()):
        return False
    decomposed = unicodedata.normalize("NFD", word.lower())
    tones = sum(1 for ch in decomposed if ch in _TONES)
    base = unicodedata.normalize("NFC", "".join(ch for ch in decomposed if ch not in _TONES))
    if not set(base) <= _VIETNAMESE_LETTERS:
        return False
    if tones == 0 and (not set(base) & _MARKED or word.isupper()):
        return True  # unmarked (Vietnamese, a name or a foreign word alike) or an acronym such as HĐND
    return tones <= 1 and _SYLLABLE.fullmatch(base) is not None


def _is_code(word: str) -> bool:
    digits = sum(ch.isdigit() for ch in word)
    return word.isalnum() and word.isupper() and digits >= CODE_MIN_DIGITS and digits >= len(word) - digits


def letters(word: Word) -> int:
    return sum(1 for ch in word.text if unicodedata.category(ch)[0] in "LN")


def confident_letters(text: PageText) -> int:
    """Letters and digits in plausible words read with confidence: the amount of text a reading really found."""
    return sum(letters(w) for w in text.words
               if w.confidence >= CONFIDENT and letters(w) >= 2 and plausible(w.text))


def holds_text(text: PageText) -> bool:
    return confident_letters(text) >= MIN_TEXT_LETTERS and plausible_share(text) >= MIN_PLAUSIBLE_SHARE


def plausible_share(text: PageText) -> float:
    """Share of the letters in confidently read words that are in plausible words."""
    words = [w for w in text.words if w.confidence >= CONFIDENT and letters(w) >= 2]
    total = sum(letters(w) for w in words)
    return sum(letters(w) for w in words if plausible(w.text)) / total if total else 0.0


def upright(word: Word) -> bool:
    """A word of four letters or more lies along its line. Tesseract also reads lines running down the page,
    and then its boxes stand on end: right text, but a page on its side. (Shorter words' boxes are about as
    wide as the line is tall, so they say nothing.)"""
    return letters(word) < 4 or word.width >= word.height


def sideways_share(text: PageText) -> float:
    """Share of the letters of longer words whose boxes stand on end."""
    long = [w for w in text.words if letters(w) >= 4]
    total = sum(letters(w) for w in long)
    return sum(letters(w) for w in long if not upright(w)) / total if total else 0.0


def score(text: PageText) -> float:
    """Confidence-weighted letters of plausible words, discounted by the share read on end: many words read
    surely beat few, and both beat many read badly, wrongly or sideways (a turned or mirrored page is read as
    confident nonsense, a page on its side as right text running down the page)."""
    found = sum(letters(w) * (w.confidence / 100.0) ** 2 for w in text.words
                if w.confidence >= 30 and letters(w) >= 2 and plausible(w.text))
    return found * (1.0 - sideways_share(text))


@dataclass(frozen=True)
class Reading:
    """One recognition of a page: the orientation (relative to the clean-up's) and binarization it used."""

    text: PageText
    turn: int  # degrees clockwise on top of the clean-up's rotation
    binarization: str
    stored: bool = True  # read in the orientation the page has in its file
    # "band": only the densest band of lines was read (ocr.cleanup.band); "block": the page read as one block of
    # text after Tesseract's page layout lost it (ocr.pipeline.LAYOUT_FAILED_BELOW)
    region: str = "page"

    @property
    def score(self) -> float:
        return score(self.text)

    def summary(self) -> dict[str, object]:
        return {"turn": self.turn, "binarization": self.binarization,
                "confidence": round(self.text.mean_confidence, 1), "letters": confident_letters(self.text),
                "plausible": round(plausible_share(self.text), 2), "score": round(self.score, 1),
                "region": self.region}


def better(candidate: Reading, kept: Reading) -> bool:
    """True when `candidate` should replace `kept`: more text read surely. Leaving the file's own orientation
    needs a clearly better reading; going back to it only an equal one."""
    if candidate.turn == kept.turn:
        margin = 1.0
    elif candidate.stored:
        margin = 1.0 / BETTER_BY
    else:
        margin = BETTER_BY
    return candidate.score > margin * kept.score and candidate.score > 0


def review_reasons(result: PageResult) -> list[tuple[str, str]]:
    """Review items a read page needs, as (kind, reason): every blank verdict with its evidence, and every
    reading that stayed weak after the other binarization and orientations were tried."""
    evidence = result.evidence or {}
    readings = evidence.get("readings") or []
    reasons: list[tuple[str, str]] = []
    if result.blank:
        best = max(readings, key=lambda r: r.get("score", 0), default=None)
        seen = f", đọc thử {len(readings)} lần, tốt nhất {best['letters']} ký tự tin cậy" if best else ""
        seen_en = f", {len(readings)} readings tried, best {best['letters']} sure letters" if best else ""
        reasons.append(("blank", f"trang trắng? {evidence.get('glyphs', 0)} nét mực cỡ chữ{seen} / blank page? "
                                 f"{evidence.get('glyphs', 0)} glyph-sized marks{seen_en}"))
    elif "low-confidence" in result.flags:
        reasons.append(("low_confidence", f"độ tin cậy {result.mean_confidence:.0f}% sau {len(readings)} lần đọc "
                                          f"/ confidence after {len(readings)} readings"))
    return reasons
