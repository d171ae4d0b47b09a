"""Folding, tokenization and code detection: the pure pieces both search backends share."""

from __future__ import annotations

from indexing.folding import within_one_edit
from indexing.query import parse_query
from sohoa.domain.codes import find_document_numbers, normalize_document_number, normalize_dossier_code
from sohoa.domain.folding import exact, fold


def test_fold_removes_every_vietnamese_mark_and_d_bar() -> None:
    assert fold("Đỗ Thị Đạt, NGUYỄN Văn Hưng, ưởng ẵ ỹ ộ") == "do thi dat, nguyen van hung, uong a y o"
    assert fold("e\u0301") == "e"  # decomposed input is normalised first
    assert fold("QÐ") == "qd"  # Ð (U+00D0), which OCR and some fonts give for Đ
    text = "Mã hồ sơ: Đồng Nai"
    assert len(fold(text)) == len(text)  # positions in the folded text are positions in the NFC text


def test_exact_keeps_marks_that_folding_merges() -> None:
    assert exact("Hồ Sơ") != exact("hổ sở")
    assert fold("Hồ Sơ") == fold("hổ sở")


def test_one_edit_covers_ocr_slips_only() -> None:
    assert within_one_edit("nhuong", "nhuogn")
    assert within_one_edit("nhuong", "nhuon")
    assert within_one_edit("nhuong", "nhuonq")
    assert not within_one_edit("nhuong", "nhoung1")


def test_document_numbers_normalise_alike() -> None:
    forms = {normalize_document_number(n) for n in ("123/QĐ-UBND", "123/qd-ubnd", "123 QĐ UBND")}
    assert forms == {"123/QD-UBND"}
    assert find_document_numbers("căn cứ 15/2020/NĐ-CP và 45/UBND-VP") == ["15/2020/ND-CP", "45/UBND-VP"]
    assert find_document_numbers("nhà số 12 nguyen trai") == []


def test_dossier_codes_typed_loosely() -> None:
    assert normalize_dossier_code("h21.65 220914 0011") == "H21.65-220914-0011"
    assert normalize_dossier_code("000.00.14.H12-230101-0002") == "000.00.14.H12-230101-0002"
    assert normalize_dossier_code("220914") is None


def test_query_splits_codes_phrases_and_words() -> None:
    parsed = parse_query('H21.65-220914-0011 "giấy chứng nhận"~2 hùng 123/qđ-ubnd')
    assert parsed.dossier_codes == ("H21.65-220914-0011",)
    assert parsed.document_numbers == ("123/QD-UBND",)
    assert [t.folded for t in parsed.terms] == ["hung"]
    assert parsed.phrases[0].slop == 2 and [t.exact for t in parsed.phrases[0].terms] == ["giấy", "chứng", "nhận"]
