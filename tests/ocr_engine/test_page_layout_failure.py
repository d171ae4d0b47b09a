"""A page whose full reading finds far less than its own densest band is Tesseract's page layout failing, not
the page: it is read again as one block of text (`ocr.pipeline.LAYOUT_FAILED_BELOW`).

The rule was found on the synthetic level-3 phone photo of form seed 3 (a sheet lying on its side across a
second sheet, the sheet not found): 154 confident letters in its band turned upright, 15 in full, 2% of its
words found before the block reading. Since the sheet finder finds that sheet (bd3982d) no page of the
benchmarks reaches the rule any more, so it is tested here on the decision itself: `read` stands for
Tesseract, answering each page segmentation mode with the reading it gave on that page.
"""

from __future__ import annotations

import numpy as np

from ocr.model import PageText, Word
from ocr.pipeline import LAYOUT_FAILED_BELOW, _full_reading
from ocr.verdict import Reading, confident_letters

WORDS = ("Cộng hòa xã hội chủ nghĩa Việt Nam Độc lập Tự do Hạnh phúc đơn đề nghị cấp giấy chứng nhận "
         "quyền sử dụng đất").split()


def _text(count: int, confidence: float = 91.0) -> PageText:
    words = [Word(WORDS[i % len(WORDS)], 10 + 60 * (i % 10), 20 + 40 * (i // 10), 50, 30, confidence, 1, 1,
                  i // 10) for i in range(count)]
    return PageText(words=words, text=" ".join(w.text for w in words),
                    mean_confidence=confidence if words else 0.0)


def _tesseract(full_words: int, block_words: int, calls: list[tuple[int, bool, int]]):
    def read(binary: np.ndarray, turn: int, on_band: bool, psm: int = 3) -> PageText:
        calls.append((turn, on_band, psm))
        return _text(block_words if psm == 6 else full_words)
    return read


def test_a_full_reading_that_loses_its_band_is_read_again_as_one_block() -> None:
    band = Reading(_text(30), 90, "otsu", stored=False, region="band")
    calls: list[tuple[int, bool, int]] = []
    tried: list[Reading] = []
    kept = _full_reading(band, np.zeros((40, 40), np.uint8), "otsu", _tesseract(3, 45, calls), tried)
    assert confident_letters(_text(3)) < LAYOUT_FAILED_BELOW * confident_letters(band.text)
    assert calls == [(90, False, 3), (90, False, 6)]
    assert kept.region == "block"
    assert (kept.turn, kept.binarization, kept.stored) == (90, "otsu", False)
    assert [r.region for r in tried] == ["page", "block"]


def test_a_full_reading_that_holds_its_band_is_not_read_again() -> None:
    band = Reading(_text(30), 180, "strokes", stored=False, region="band")
    calls: list[tuple[int, bool, int]] = []
    tried: list[Reading] = []
    kept = _full_reading(band, np.zeros((40, 40), np.uint8), "strokes", _tesseract(40, 80, calls), tried)
    assert calls == [(180, False, 3)]
    assert kept.region == "page" and kept.text.word_count == 40


def test_a_block_reading_worse_than_the_full_one_is_not_kept() -> None:
    band = Reading(_text(30), 0, "otsu", region="band")
    tried: list[Reading] = []
    kept = _full_reading(band, np.zeros((40, 40), np.uint8), "otsu", _tesseract(5, 2, []), tried)
    assert [r.region for r in tried] == ["page", "block"]
    assert kept.region == "page" and kept.text.word_count == 5
