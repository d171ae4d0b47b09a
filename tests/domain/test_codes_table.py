"""One table of texts and the dossier codes and document numbers in them, shared by every user of the grammar.

Each user reads the same table: the grammar itself (what index_sync and extraction find in page text), linking
(a "Mã hồ sơ:" line in a page without QR or coded file name), the index's exact keys of a page and the search
query parser. They must agree on every row. Before sohoa.domain.codes, ocr/codes.py and indexing/codes.py
disagreed on 24 of the 102 checks (commit 2cc2122).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest

from flows.linking import PageClues, link_without_qr
from indexing.query import page_keys, parse_query
from sohoa.domain.codes import (
    find_document_numbers,
    find_dossier_codes,
    normalize_document_number,
    normalize_dossier_code,
)

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


def _grammar(text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    return tuple(find_dossier_codes(text)), tuple(find_document_numbers(text))


def _query(text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    parsed = parse_query(text)
    return parsed.dossier_codes, parsed.document_numbers


def _index_keys(text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    keys = page_keys(None, (), text)
    codes = tuple(k for k in keys if normalize_dossier_code(k) == k)
    return codes, tuple(k for k in keys if k not in codes)


USERS: dict[str, Parse] = {"grammar": _grammar, "query parser": _query, "index keys": _index_keys}


@pytest.mark.parametrize("user", sorted(USERS))
@pytest.mark.parametrize("row", TABLE, ids=[row.text for row in TABLE])
def test_every_user_reads_the_table_alike(user: str, row: Row) -> None:
    assert USERS[user](row.text) == (row.codes, row.numbers)


@pytest.mark.parametrize("row", TABLE, ids=[row.text for row in TABLE])
def test_linking_takes_the_first_code_after_the_label(row: Row) -> None:
    part = link_without_qr("scan_0001.pdf", [PageClues((), f"TỜ KHAI\nMã hồ sơ: {row.text}\nHọ tên: A")], 1)
    assert part.dossier_code == (row.codes[0] if row.codes else None)
    assert part.method == ("text" if row.codes else None)


# Rows that are one value and nothing else, as a registry column or a catalogue field gives it.
ALONE = [r for r in TABLE if len(r.codes) + len(r.numbers) == 1 and not r.text.startswith(("Mã", "căn"))]


@pytest.mark.parametrize("row", ALONE, ids=[row.text for row in ALONE])
def test_a_value_given_on_its_own_normalises_to_the_same_key(row: Row) -> None:
    assert normalize_dossier_code(row.text) == (row.codes[0] if row.codes else None)
    assert normalize_document_number(row.text) == (row.numbers[0] if row.numbers else None)


def test_keys_are_their_own_key() -> None:
    for row in TABLE:
        for code in row.codes:
            assert normalize_dossier_code(code) == code
        for number in row.numbers:
            assert normalize_document_number(number) == number
            assert find_document_numbers(number) == [number]
