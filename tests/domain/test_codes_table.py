"""One table of texts and the dossier codes and document numbers in them, shared by every user of the grammar.

Each user reads the same table: the OCR side (what linking and index_sync find in page text) and the search
side (what the query parser takes as codes). They must agree on every row.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest

import indexing.codes
import ocr.codes
from indexing.query import parse_query

CODE = "H21.65-220914-0011"
PADDED = "000.00.14.H12-230101-0002"


@dataclass(frozen=True)
class Row:
    text: str
    codes: tuple[str, ...] = ()
    numbers: tuple[str, ...] = ()


TABLE: tuple[Row, ...] = (
    # Dossier codes, both unit-code spellings.
    Row(CODE, codes=(CODE,)),
    Row(PADDED, codes=(PADDED,)),
    Row("h21.65-220914-0011", codes=(CODE,)),
    Row("h21.65 220914 0011", codes=(CODE,)),  # typed with spaces (issue 9)
    Row("H2l.65-220914-OO11", codes=(CODE,)),  # OCR look-alikes l and O (issue 9)
    Row("H21.65 - 22O914 - 0011", codes=(CODE,)),
    Row("H21,65-220914-0011", codes=(CODE,)),
    Row("OOO.00.14.H12-230101-0002", codes=(PADDED,)),
    Row("H21.65–220914—0011", codes=(CODE,)),
    Row(f"Mã hồ sơ: {CODE}.", codes=(CODE,)),
    Row(f"{CODE}; {PADDED}", codes=(CODE, PADDED)),
    Row("H21.65-221314-0011"),  # month 13
    Row("21.65-220914-0011"),  # no letter segment
    Row(f"{CODE}0"),  # a longer number
    Row("Điện thoại 0912-345678-1234"),
    Row("0912 345678 1234"),
    # Document numbers (NĐ 30/2020): number, optional year, symbol.
    Row("Số: 123/QĐ-UBND", numbers=("123/QD-UBND",)),
    Row("123/QĐ-UBND", numbers=("123/QD-UBND",)),
    Row("0123/QĐ-UBND", numbers=("123/QD-UBND",)),  # leading zero (issue 9)
    Row("123/qđ-ubnd", numbers=("123/QD-UBND",)),
    Row("123 QĐ UBND", numbers=("123/QD-UBND",)),
    Row("123 / QĐ - UBND", numbers=("123/QD-UBND",)),
    Row("123/QÐ-UBND", numbers=("123/QD-UBND",)),  # Ð (U+00D0) read for Đ
    Row("45/2023/NĐ-CP", numbers=("45/2023/ND-CP",)),
    Row("15/2020/nđ-cp", numbers=("15/2020/ND-CP",)),
    Row("Số: 12/UBND-VP", numbers=("12/UBND-VP",)),
    Row("Số 9 QĐ UBND", numbers=("9/QD-UBND",)),
    Row("căn cứ 15/2020/NĐ-CP và 45/UBND-VP", numbers=("15/2020/ND-CP", "45/UBND-VP")),
    Row("nhà số 12 nguyen trai"),
    Row("Địa chỉ: số 12 Nguyen Trai"),
    Row("ngày 14/9/2022"),
    Row("lần 2/3, tỷ lệ 24/7"),
    # Both in one line, as an officer types a query.
    Row(f"{CODE} hùng 123/qđ-ubnd", codes=(CODE,), numbers=("123/QD-UBND",)),
    Row("h21.65 220914 0011 0123/QĐ-UBND", codes=(CODE,), numbers=("123/QD-UBND",)),
)

Parse = Callable[[str], tuple[tuple[str, ...], tuple[str, ...]]]


def _ocr_text(text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    return tuple(ocr.codes.find_dossier_codes(text)), tuple(ocr.codes.find_document_numbers(text))


def _search_side(text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    return (tuple(c for c, _ in indexing.codes.find_dossier_codes(text)),
            tuple(n for n, _ in indexing.codes.find_document_numbers(text)))


def _query(text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    parsed = parse_query(text)
    return parsed.dossier_codes, parsed.document_numbers


USERS: dict[str, Parse] = {"ocr text": _ocr_text, "search codes": _search_side, "query parser": _query}


@pytest.mark.parametrize("user", sorted(USERS))
@pytest.mark.parametrize("row", TABLE, ids=[row.text for row in TABLE])
def test_every_user_reads_the_table_alike(user: str, row: Row) -> None:
    assert USERS[user](row.text) == (row.codes, row.numbers)
