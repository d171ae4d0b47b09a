"""CER and accented-word accuracy on hand-made strings."""

from __future__ import annotations

import unicodedata

import pytest

from benchmarks.metrics import EMPTY, accented_word_accuracy, accented_words, cer, normalize, score


def test_identical_text_has_no_errors():
    assert cer("Nguyễn Văn Hùng", "Nguyễn Văn Hùng") == 0.0


def test_one_wrong_tone_mark_is_one_edit():
    # "Hưng" for "Hùng": one substituted character out of 15.
    assert cer("Nguyễn Văn Hùng", "Nguyễn Văn Hưng") == pytest.approx(1 / 15)


def test_decomposed_unicode_and_whitespace_do_not_count():
    decomposed = unicodedata.normalize("NFD", "Độc lập - Tự do")
    assert decomposed != "Độc lập - Tự do"
    assert cer("Độc lập - Tự do", f"  {decomposed.replace(' ', '  ')}\n\f") == 0.0


def test_line_breaks_count_as_spaces():
    assert cer("Số: 123/QĐ-UBND\nPhú Lộc", "Số: 123/QĐ-UBND Phú Lộc") == 0.0


def test_missing_text_costs_its_length_and_extra_text_can_exceed_one():
    assert cer("abcd", "") == 1.0
    assert cer("ab", "ab cd ef") == pytest.approx(6 / 2)


def test_dot_leaders_are_layout_not_text():
    assert normalize("Họ và tên: ........... Nguyễn") == "Họ và tên: Nguyễn"
    assert cer("Họ và tên: Nguyễn Văn Hùng", "Họ và tên: Nguyễn Văn Hùng ……………… ____") == 0.0
    assert normalize("1.001193") == "1.001193"


def test_accented_words_are_non_ascii_words_without_edge_punctuation():
    assert accented_words("Về việc cấp Giấy chứng nhận, thửa đất số 123.") == [
        "Về", "việc", "cấp", "Giấy", "chứng", "nhận", "thửa", "đất", "số"]


def test_accented_word_accuracy_counts_exact_reads_only():
    truth = "Nguyễn Văn Hùng, xã Lộc An"
    # Accented words: Nguyễn, Văn, Hùng, xã, Lộc. "Hung" and "Lôc" are wrong.
    assert accented_word_accuracy(truth, "Nguyễn Văn Hung, xã Lôc An") == pytest.approx(3 / 5)
    # Each read word vouches for one truth word only.
    assert accented_word_accuracy("Hùng Hùng", "Hùng") == pytest.approx(1 / 2)
    assert accented_word_accuracy("Tam Ky", "anything") == 1.0


def test_scores_add_up_by_characters_not_by_page_average():
    total = score("abcd", "abcd") + score("ab", "") + EMPTY
    assert total.cer == pytest.approx(2 / 6)
    assert total.truth_chars == 6


def test_word_recall_ignores_order_and_counts_each_read_word_once():
    from benchmarks.metrics import word_recall

    truth = "CỘNG HÒA XÃ HỘI\nỦY BAN NHÂN DÂN"
    assert word_recall(truth, "ỦY BAN NHÂN DÂN CỘNG HÒA XÃ HỘI") == 1.0
    assert word_recall(truth, "") == 0.0
    # "HOI" without marks is a miss; the extra words cost nothing.
    assert word_recall("XÃ HỘI", "XÃ HOI thêm chữ") == pytest.approx(1 / 2)
    assert word_recall("Hùng Hùng", "Hùng") == pytest.approx(1 / 2)
    assert word_recall("Số: 123/QĐ-UBND.", "số 123/QĐ-UBND") == pytest.approx(1 / 2)
    assert word_recall("", "anything") == 1.0
    assert word_recall("Độc lập", unicodedata.normalize("NFD", "Độc lập")) == 1.0
