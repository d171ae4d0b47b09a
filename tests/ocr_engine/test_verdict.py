"""Judging readings: plausible words, text or no text, which reading wins, what goes to review."""

from __future__ import annotations

import pytest

from ocr.model import PageResult, PageText, Word
from ocr.verdict import Reading, better, holds_text, plausible, review_reasons, sideways_share


@pytest.mark.parametrize("word", ["Nguyễn", "Văn", "Hùng", "QUYẾT", "ĐỊNH", "nghiêng", "khuỷu", "người", "Ủy",
                                  "HĐND", "UBND", "123/QĐ-UBND", "H21.65-220914-0011", "29/11/2013;", "(UBND)",
                                  "1.", "tip-toeing", "widow's", "Huck", "TP.HCM"])
def test_printed_words_are_plausible(word: str):
    assert plausible(word)


# Fees, areas and weights as receipts and land records print them, a receipt's invoice code (read on
# benchmarks/real/pages/receipt_upright_photo.jpg) and the code under a barcode (paperless-ngx's
# barcode-39-asn-123.png, declared blank for it): printed text, yet all implausible before.
@pytest.mark.parametrize("word", ["1.500.000đ", "36,5m²", "120m2", "m²", "150g", "10kg", "20%", "25.000VNĐ",
                                  "000AB2212008003975", "ASN00123", "(5ha)"])
def test_numbers_with_their_unit_and_digit_codes_are_plausible(word: str):
    assert plausible(word)


# Digits among a mirrored page's capitals are not a code, nor a number's tail of letters a unit.
@pytest.mark.parametrize("word", ["SS0S", "0A0B", "150gx", "12abc", "m⁴"])
def test_capitals_with_a_few_digits_and_unknown_units_are_not(word: str):
    assert not plausible(word)


# What Tesseract reads on the mirrored show-through of a back side, or on a page turned upside down.
@pytest.mark.parametrize("word", ["nšV", "gnô", "1ÊŒ", "ốb", "áv", "LÁOX", "SS0S", "gnÔ", "ñáoX", "ấỳ"])
def test_misreadings_of_mirrored_or_turned_print_are_not(word: str):
    assert not plausible(word)


def words(texts: list[str], confidence: float = 90, vertical: bool = False) -> PageText:
    out = [Word(t, 10 * i, 0, 8 if vertical else 40, 40 if vertical else 12, confidence, 1, 1, 1)
           for i, t in enumerate(texts)]
    return PageText(words=out, text=" ".join(texts), mean_confidence=confidence)


def test_a_few_sure_words_are_text_and_sure_nonsense_is_not():
    assert holds_text(words(["Trang", "này", "để", "trống"]))
    assert not holds_text(words(["nšV", "gnô", "ốb", "áv", "LÁOX", "SS0S", "Văn"]))
    assert not holds_text(words(["Trang", "này"], confidence=40))


def test_a_turn_must_be_clearly_better_and_lines_on_end_do_not_count():
    upright = Reading(words(["Quyết", "định", "công", "nhận"] * 5), 0, "otsu")
    same = Reading(words(["Quyết", "định", "công", "nhận"] * 5), 180, "otsu", stored=False)
    assert not better(same, upright)
    # Back to the file's own orientation, an equal reading is enough: turns need the evidence.
    assert better(upright, same)
    on_end = Reading(words(["Quyết", "định", "công", "nhận"] * 5, vertical=True), 0, "otsu")
    assert sideways_share(on_end.text) == 1.0
    assert better(Reading(upright.text, 90, "otsu", stored=False), on_end)


def result(**kw) -> PageResult:
    base = dict(index=0, dpi=300, rotation=0, skew=0.0, blank=False, mean_confidence=90.0, text="", words=[],
                flags=[], width=10, height=10)
    return PageResult(**(base | kw))


def test_blank_and_weak_pages_go_to_review_with_their_evidence():
    blank = result(blank=True, flags=["blank"], evidence={
        "glyphs": 40, "readings": [{"letters": 2, "score": 1.0}, {"letters": 0, "score": 0.0}]})
    [(kind, reason)] = review_reasons(blank)
    assert kind == "blank" and "40" in reason and "2 lần" in reason
    [(kind, reason)] = review_reasons(result(mean_confidence=41.0, flags=["low-confidence"],
                                             evidence={"readings": [{}] * 5}))
    assert kind == "low_confidence" and "41%" in reason and "5" in reason
    assert review_reasons(result()) == []
