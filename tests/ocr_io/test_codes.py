"""sohoa.domain.codes as OCR linking uses it: codes and numbers found and normalised from noisy text and file names."""

from __future__ import annotations

import datetime as dt
import unicodedata

import pytest

from sohoa.domain.codes import (
    FileDossierRef,
    dossier_code_from_filename,
    dossier_code_parts,
    find_document_numbers,
    find_dossier_codes,
    find_labelled_dossier_code,
    normalize_document_number,
    normalize_dossier_code,
)

CODE = "H21.65-220914-0011"
PADDED = "000.00.14.H12-230101-0002"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (CODE, CODE),
        (PADDED, PADDED),
        ("h21.65-220914-0011", CODE),  # case
        ("  H21.65 - 220914 - 0011 ", CODE),  # spaces around dashes
        ("H21.65–220914—0011", CODE),  # typographic dashes
        ("H21. 65-220914-0011", CODE),  # space after the dot
        ("H21,65-220914-0011", CODE),  # dot read as comma
        ("H21.65-22O914-OO11", CODE),  # O for 0 in the date and number
        ("H2I.65-220914-00l1", CODE),  # I and l for 1 in digit positions
        ("OOO.00.14.H12-230101-0002", PADDED),  # O for 0 in the padded unit
        ("Ｈ２１.６５-２２０９１４-００１１", CODE),  # full-width characters
        ("S21.65-220914-0011", "S21.65-220914-0011"),  # a real S stays a letter when it is the only one
        ("H21.65-221314-0011", None),  # month 13
        ("H21.65-220230-0011", None),  # 30 February
        ("21.65-220914-0011", None),  # no letter segment
        ("H21.65-220914-001", None),  # three-digit sequence
        ("H21.65-220914-00111", None),
        ("H21.65", None),
        ("", None),
        ("Mã hồ sơ", None),
    ],
)
def test_normalize_dossier_code(raw: str, expected: str | None) -> None:
    assert normalize_dossier_code(raw) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (f"Mã hồ sơ: {CODE}.", [CODE]),
        (f"{CODE}; {PADDED} và lại {CODE}", [CODE, PADDED]),
        (f"hồ sơ {CODE}0 sai", []),  # trailing digit: a different, longer number
        (f"x{CODE}", []),
        ("Điện thoại 0912-345678-1234, ngày 14/9/2022", []),
        ("Nộp ngày 14-09-2022, số 1234", []),
        (f"(mã: {CODE})", [CODE]),
    ],
)
def test_find_dossier_codes(text: str, expected: list[str]) -> None:
    assert find_dossier_codes(text) == expected


def test_dossier_code_parts() -> None:
    assert dossier_code_parts(CODE) == ("H21.65", dt.date(2022, 9, 14), 11)
    assert dossier_code_parts("nothing") is None


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("H21.65-220914-0011.02.pdf", FileDossierRef(CODE, 2)),
        ("H21.65-220914-0011.pdf", FileDossierRef(CODE, None)),
        ("H21.65-220914-0011.1.PDF", FileDossierRef(CODE, 1)),
        ("/kho/2022/H21.65-220914-0011.03.tif", FileDossierRef(CODE, 3)),
        ("h21.65-220914-0011_04.jpg", FileDossierRef(CODE, 4)),
        ("000.00.14.H12-230101-0002.10.pdf", FileDossierRef(PADDED, 10)),
        ("H21.65-220914-0011.02 - Giấy tiếp nhận.pdf", FileDossierRef(CODE, 2)),
        (unicodedata.normalize("NFD", "H21.65-220914-0011.05 Tờ khai.pdf"), FileDossierRef(CODE, 5)),
        ("H21.65-220914-0011", FileDossierRef(CODE, None)),
        ("scan_0001.pdf", None),
        ("Tờ khai.pdf", None),
        ("H21.65-221314-0011.02.pdf", None),
    ],
)
def test_dossier_code_from_filename(name: str, expected: FileDossierRef | None) -> None:
    assert dossier_code_from_filename(name) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (f"GIẤY TIẾP NHẬN HỒ SƠ\nMã hồ sơ: {CODE}\nNgười nộp: Nguyễn Văn A", CODE),
        (f"Mã hồ sơ : {CODE}", CODE),
        (f"Ma ho so:{CODE}", CODE),
        (f"MÃ HỒ SƠ:   {PADDED}", PADDED),
        (f"Mã số hồ sơ: {CODE}", CODE),
        ("Mã  hồ  sơ. H21.65 - 22O914 - 0011", CODE),
        (f"Mã hồ sơ:\n\n{CODE}", CODE),  # value on the next line
        (unicodedata.normalize("NFD", f"Mã hồ sơ: {CODE}"), CODE),
        (f"Tham chiếu {CODE} (không có nhãn)", None),
        ("Mã hồ sơ: chưa cấp", None),
    ],
)
def test_find_labelled_dossier_code(text: str, expected: str | None) -> None:
    assert find_labelled_dossier_code(text) == expected


@pytest.mark.parametrize(
    "raw",
    ["123/QĐ-UBND", "123/qd-ubnd", "123 QĐ UBND", "Số: 123/QĐ-UBND", "0123/QĐ-UBND", "123 / QĐ - UBND",
     "123/QÐ-UBND", unicodedata.normalize("NFD", "123/QĐ-UBND"), "123/QĐ–UBND"],
)  # fmt: skip
def test_document_number_variants_share_one_key(raw: str) -> None:
    assert normalize_document_number(raw) == "123/QD-UBND"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("45/2023/NĐ-CP", "45/2023/ND-CP"),
        ("01/2024/TT-BNV", "1/2024/TT-BNV"),
        ("12/UBND-VP", "12/UBND-VP"),
        ("Số: 7/TB-UBND", "7/TB-UBND"),
        ("hello", None),
        ("14/9/2022", None),
        ("", None),
    ],
)
def test_normalize_document_number(raw: str, expected: str | None) -> None:
    assert normalize_document_number(raw) == expected


def test_find_document_numbers_in_a_decision() -> None:
    text = (
        "ỦY BAN NHÂN DÂN\nSố: 123/QĐ-UBND          Cộng hòa, ngày 14/9/2022\n"
        "Căn cứ Nghị định số 45/2023/NĐ-CP; Thông tư 01/2024/TT-BNV;\n"
        "Địa chỉ: số 12 Nguyen Trai; lần 2/3; tỷ lệ 24/7; nhắc lại 123/QĐ-UBND\nSố 9 QĐ UBND"
    )
    assert find_document_numbers(text) == ["123/QD-UBND", "45/2023/ND-CP", "1/2024/TT-BNV", "9/QD-UBND"]
