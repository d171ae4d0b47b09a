"""Registry import: CSV and XLSX, English and Vietnamese headers, BOM and ';', bad rows, re-import updates."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import Workbook

from storage.catalog import Catalog, RegistryFormatError
from storage.catalog.registry import import_registry, parse_date, read_registry

ENGLISH = (
    "dossier_code,unit,field,procedure_code,procedure,applicant,received_at,status,due_at\n"
    "H21.65-220914-0011,H21.65,Hộ tịch,1.001193,Đăng ký khai sinh,Nguyễn Văn Hùng,14/09/2022,Đã trả,16/09/2022\n"
    "H21.65-220915-0012,H21.65,Đất đai,1.004227,Cấp giấy chứng nhận,Trần Thị Lan,2022-09-15 08:30,Đang xử lý,\n"
)
VIETNAMESE_HEADER = "Mã hồ sơ;ĐƠN VỊ;Lĩnh vực;Mã TTHC;Tên TTHC;Chủ hồ sơ;Ngày tiếp nhận;Trạng thái;Hạn xử lý/Ngày hẹn trả;Ngày trả kết quả;Số văn bản\n"


def write(tmp_path: Path, name: str, text: str, bom: bool = False) -> Path:
    path = tmp_path / name
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))
    return path


def test_english_csv_is_imported(catalog: Catalog, tmp_path: Path) -> None:
    result = import_registry(catalog, write(tmp_path, "export.csv", ENGLISH))
    assert (result.inserted, result.updated, result.errors) == (2, 0, [])
    dossier = catalog.get_dossier("H21.65-220914-0011")
    assert dossier is not None and dossier.in_registry
    assert (dossier.unit, dossier.field, dossier.procedure_code) == ("H21.65", "Hộ tịch", "1.001193")
    assert dossier.applicant == "Nguyễn Văn Hùng"
    assert dossier.received_at == datetime(2022, 9, 14) and dossier.due_at == datetime(2022, 9, 16)
    later = catalog.get_dossier("H21.65-220915-0012")
    assert later.received_at == datetime(2022, 9, 15, 8, 30) and later.due_at is None


def test_vietnamese_headers_with_bom_and_semicolons(catalog: Catalog, tmp_path: Path) -> None:
    text = (
        VIETNAMESE_HEADER
        + "000.00.14.H12-230102-0001;UBND xã Tân Phú;Chứng thực;2.000815;Chứng thực bản sao;Lê Văn Minh;"
        "02/01/2023 09:15:00;Đã trả kết quả;05/01/2023;04/01/2023 16:00;123/QĐ-UBND\n"
    )
    result = import_registry(catalog, write(tmp_path, "xuat.csv", text, bom=True))
    assert result.errors == [] and result.inserted == 1
    dossier = catalog.get_dossier("000.00.14.H12-230102-0001")
    assert dossier.unit == "UBND xã Tân Phú" and dossier.document_number == "123/QĐ-UBND"
    assert dossier.resolved_at == datetime(2023, 1, 4, 16, 0)


def test_header_matching_ignores_case_accents_and_spacing(tmp_path: Path) -> None:
    text = "  MA HO SO ; Don  vi;NGÀY TIẾP NHẬN ;trang_thai\nD-1;U;01/02/2024;mới\n"
    parsed = read_registry(write(tmp_path, "loose.csv", text))
    assert parsed.columns == ("dossier_code", "unit", "received_at", "status")
    assert parsed.records[0].values["status"] == "mới"


def test_bad_rows_are_reported_with_row_number_and_the_rest_imported(
    catalog: Catalog, tmp_path: Path
) -> None:
    text = (
        "dossier_code,unit,received_at,status\n"
        "D-1,U1,01/02/2024,ok\n"
        ",U1,01/02/2024,no code\n"
        "D-3,U1,31/02/2024,impossible date\n"
        "D-4,,01/02/2024,no unit\n"
        "\n"
        "D-1,U1,02/02/2024,repeated\n"
        "D-6,U1,2024-02-03,ok\n"
    )
    result = import_registry(catalog, write(tmp_path, "bad.csv", text))
    assert result.inserted == 2
    assert [(e.row, e.reason.split(":")[0].split(" ")[0]) for e in result.errors] == [
        (3, "dossier_code"),
        (4, "received_at"),
        (5, "unit"),
        (7, "dossier_code"),
    ]
    assert "repeats row 2" in result.errors[3].reason
    assert result.error_lines()[0].startswith(f"{tmp_path / 'bad.csv'}: row 3: ")
    assert catalog.get_dossier("D-6") is not None and catalog.get_dossier("D-3") is None


def test_reimport_updates_and_never_duplicates(catalog: Catalog, tmp_path: Path) -> None:
    import_registry(catalog, write(tmp_path, "v1.csv", ENGLISH))
    changed = ENGLISH.replace("Đang xử lý,", "Đã trả,20/09/2022")
    result = import_registry(catalog, write(tmp_path, "v2.csv", changed))
    assert (result.inserted, result.updated, result.unchanged) == (0, 1, 1)
    assert catalog.get_dossier("H21.65-220915-0012").status == "Đã trả"
    from storage.catalog.report import digitization_report

    assert digitization_report(catalog).overall.registered == 2


def test_import_marks_a_dossier_first_seen_on_a_scan_as_registered(catalog: Catalog, tmp_path: Path) -> None:
    source = catalog.record_source_file("e" * 64, object_key="o", original_name="s.pdf", size=1, format="pdf")
    document = catalog.record_document(source.id, 1, 1)
    catalog.link_document(document.id, "H21.65-220914-0011", "qr")
    assert not catalog.get_dossier("H21.65-220914-0011").in_registry
    result = import_registry(catalog, write(tmp_path, "export.csv", ENGLISH))
    assert (result.inserted, result.updated) == (1, 1)
    dossier = catalog.get_dossier("H21.65-220914-0011")
    assert dossier.in_registry and dossier.unit == "H21.65"
    assert catalog.documents_of_dossier("H21.65-220914-0011")[0].id == document.id


def test_xlsx_with_title_rows_excel_dates_and_numbers(catalog: Catalog, tmp_path: Path) -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["DANH SÁCH HỒ SƠ TIẾP NHẬN"])
    sheet.append([])
    sheet.append(
        ["Mã hồ sơ", "Đơn vị", "Lĩnh vực", "Mã TTHC", "Tên TTHC", "Chủ hồ sơ", "Ngày tiếp nhận", "Trạng thái"]
    )
    sheet.append(
        [
            "H21.65-240105-0001",
            "H21.65",
            "Hộ tịch",
            1001193,
            "Khai sinh",
            "Phạm Thu",
            datetime(2024, 1, 5, 10, 0),
            "Mới",
        ]
    )
    sheet.append(["H21.65-240106-0002", "H21.65", "Hộ tịch", "1.001193", "Khai sinh", "Đỗ An", 45297, "Mới"])
    sheet.append(
        ["H21.65-240107-0003", "H21.65", "Hộ tịch", "1.001193", "Khai sinh", "Vũ Bình", "hôm qua", "Mới"]
    )
    path = tmp_path / "export.xlsx"
    workbook.save(path)
    result = import_registry(catalog, path)
    assert result.inserted == 2
    assert [(e.row, "received_at" in e.reason) for e in result.errors] == [(6, True)]
    assert catalog.get_dossier("H21.65-240105-0001").received_at == datetime(2024, 1, 5, 10, 0)
    assert catalog.get_dossier("H21.65-240105-0001").procedure_code == "1001193"
    assert catalog.get_dossier("H21.65-240106-0002").received_at == datetime(2024, 1, 6)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("export.csv", "code,name\nD-1,x\n", "no header row"),
        ("export.csv", "dossier_code,status\nD-1,x\n", r"lacks column\(s\) unit, received_at"),
        (
            "latin1.csv",
            "dossier_code,unit,received_at\nD-1,Đơn vị,01/01/2024\n".encode("cp1258", "replace"),
            None,
        ),
        ("export.ods", "whatever", "unsupported registry format .ods"),
        ("broken.xlsx", "not a zip", "cannot open as XLSX"),
    ],
)
def test_unreadable_files_raise_an_error_naming_the_file(tmp_path: Path, name: str, content, message) -> None:
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    if message is None:  # cp1258 bytes for Đ are not UTF-8
        message = "not UTF-8"
    with pytest.raises(RegistryFormatError, match=message) as error:
        read_registry(path)
    assert str(path) in str(error.value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("14/09/2022", datetime(2022, 9, 14)),
        ("4/9/2022", datetime(2022, 9, 4)),
        ("14-09-2022", datetime(2022, 9, 14)),
        ("2022-09-14", datetime(2022, 9, 14)),
        ("14/09/2022 08:30", datetime(2022, 9, 14, 8, 30)),
        ("08:30 14/09/2022", datetime(2022, 9, 14, 8, 30)),
        ("2022-09-14T08:30:05", datetime(2022, 9, 14, 8, 30, 5)),
        (44818, datetime(2022, 9, 14)),
        ("44818", datetime(2022, 9, 14)),
        ("", None),
    ],
)
def test_parse_date(value: object, expected: datetime | None) -> None:
    assert parse_date(value) == expected


@pytest.mark.parametrize("value", ["09/14/2022", "14/09/22x", "tomorrow", "0"])
def test_parse_date_refuses_what_it_cannot_read(value: str) -> None:
    with pytest.raises(ValueError):
        parse_date(value)


def test_a_title_line_without_delimiters_above_the_header(tmp_path: Path) -> None:
    """The delimiter is taken from the first line that has one (it was taken from the title: ';')."""
    path = write(tmp_path, "export.csv", "DANH SÁCH HỒ SƠ TIẾP NHẬN\n\nMã hồ sơ,Đơn vị,Ngày tiếp nhận\nD1,X,01/07/2025\n")
    parsed = read_registry(path)
    assert parsed.errors == [] and [r.values["dossier_code"] for r in parsed.records] == ["D1"]
