"""Recognition: run Tesseract on a cleaned page and turn its TSV into words and reading-order text."""

from __future__ import annotations

import numpy as np

from ocr import tesseract
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


def layout_text(words: list[Word]) -> str:
    """Words joined into lines, lines into paragraphs (a blank line between paragraphs and blocks)."""
    out: list[str] = []
    current_line: tuple[int, int, int] | None = None
    current_par: tuple[int, int] | None = None
    line_words: list[str] = []
    for word in words:
        line_key = (word.block, word.paragraph, word.line)
        par_key = (word.block, word.paragraph)
        if line_key != current_line:
            if line_words:
                out.append(" ".join(line_words))
            if current_par is not None and par_key != current_par:
                out.append("")
            line_words = []
            current_line, current_par = line_key, par_key
        line_words.append(word.text)
    if line_words:
        out.append(" ".join(line_words))
    return "\n".join(out)


def mean_confidence(words: list[Word]) -> float:
    """Character-weighted mean confidence, so a stray one-letter word does not swing the page figure."""
    total = sum(len(w.text) for w in words)
    if total == 0:
        return 0.0
    return sum(w.confidence * len(w.text) for w in words) / total


def recognize(binary: np.ndarray, *, lang: str = "vie", dpi: int = 300, psm: int = 3) -> PageText:
    data = tesseract.image_to_data(binary, lang=lang, psm=psm, dpi=dpi)
    words = words_from_data(data)
    return PageText(words=words, text=layout_text(words), mean_confidence=mean_confidence(words))
