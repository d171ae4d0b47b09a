"""Unit tree and procedure catalogue imports (CSV and XLSX, English and Vietnamese headers), bad rows reported
with their row number and reason, re-imports safe, succession loops refused, and the commands around them."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook
from typer.testing import CliRunner

from storage.catalog import Catalog, open_catalog
from storage.catalog.procedures import import_procedures, parse_yes_no
from storage.catalog.registry import import_registry
from storage.catalog.units import absorbed_by, current_unit, import_units
from tests.storage_catalog.helpers import digitize


def _xlsx(path: Path, rows: list[list[object]]) -> Path:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    book.save(path)
    return path


def test_procedures_from_xlsx_with_vietnamese_headers_and_a_title_row(catalog: Catalog, tmp_path: Path) -> None:
    path = _xlsx(
        tmp_path / "tthc.xlsx",
        [
            ["DANH MỤC THỦ TỤC HÀNH CHÍNH CẤP XÃ"],
            [],
            ["Mã TTHC", "Tên TTHC", "Lĩnh vực", "Có kết quả bằng văn bản"],
            ["1.001193", "Đăng ký khai sinh", "Hộ tịch", "Có"],
            ["2.000908", "Chứng thực bản sao", "Chứng thực", "Không"],
            ["1.004227", "Cấp giấy chứng nhận", "Đất đai", "có lẽ"],
            [None, "Thiếu mã", "Đất đai", "Có"],
            ["1.001193", "Lặp lại", "Hộ tịch", "Có"],
        ],
    )
    result = import_procedures(catalog, path)
    assert (result.inserted, result.updated) == (2, 0)
    assert [(e.row, e.reason) for e in result.errors] == [
        (6, "written_result 'có lẽ' is not yes/no (Có/Không)"),
        (7, "procedure_code is empty"),
        (8, "procedure_code 1.001193 repeats row 4"),
    ]
    assert catalog.get_procedure("1.001193").written_result is True
    assert catalog.get_procedure("2.000908").written_result is False
    again = import_procedures(catalog, path)
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 2)


def test_procedures_from_csv_with_english_headers_and_result_types(catalog: Catalog, tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    path.write_text(
        "procedure_code,procedure,field,written_result,result_types\n"
        "1.001193,Birth registration,Civil status,yes,Giấy khai sinh;Trích lục\n",
        encoding="utf-8",
    )
    assert import_procedures(catalog, path).errors == []
    assert catalog.get_procedure("1.001193").result_types == ["Giấy khai sinh", "Trích lục"]
    path.write_text("procedure_code,procedure,field,written_result\n1.001193,Birth,Civil status,no\n", "utf-8")
    assert import_procedures(catalog, path).updated == 1
    assert catalog.get_procedure("1.001193").written_result is False


def test_registry_procedures_missing_from_the_catalogue_are_reported(catalog: Catalog, tmp_path: Path) -> None:
    (tmp_path / "r.csv").write_text(
        "dossier_code,unit,procedure_code,procedure,received_at\n"
        "A-1,X,1.001193,Khai sinh,01/07/2025\nA-2,X,7.777777,Lạ,01/07/2025\nA-3,X,7.777777,Lạ,02/07/2025\n"
        "A-4,X,,,02/07/2025\n",
        encoding="utf-8",
    )
    import_registry(catalog, tmp_path / "r.csv")
    (tmp_path / "p.csv").write_text("Mã TTHC,Tên TTHC,Có kết quả bằng văn bản\n1.001193,Khai sinh,Có\n", "utf-8")
    import_procedures(catalog, tmp_path / "p.csv")
    assert [(u.procedure_code, u.dossiers) for u in catalog.unknown_procedures()] == [("", 1), ("7.777777", 2)]


def test_yes_no_words() -> None:
    assert [parse_yes_no(v) for v in ("Có", "CÓ", "yes", "x", "1", "Không", "no", "", None)] == [
        True, True, True, True, True, False, False, False, False,
    ]  # fmt: skip


def test_units_with_parents_defined_later_in_the_file(catalog: Catalog, tmp_path: Path) -> None:
    path = tmp_path / "units.csv"
    path.write_text(
        "code,name,tier,parent,successor,merged_on\n"
        "X.ML,Mỹ Long,commune,T01,X.MH,01/07/2025\n"
        "X.MH,Mỹ Hiệp,xã,T01,,\n"
        "T01,Đồng Tháp,tỉnh,,,\n"
        "X.ZZ,Sai cấp,thôn,T01,,\n"
        "X.QQ,Không rõ,xã,T99,,\n",
        encoding="utf-8",
    )
    result = import_units(catalog, path)
    assert [(e.row, e.reason) for e in result.errors] == [
        (5, "tier 'thôn' is not one of province, commune, district (or tỉnh, xã, phường, huyện)"),
        (6, "unknown unit(s): parent T99"),
    ]
    tree = {unit.code: unit for unit in catalog.unit_tree()}
    assert tree["X.ML"].successor == "X.MH" and tree["X.ML"].merged_on == date(2025, 7, 1)
    assert (tree["X.MH"].tier, tree["X.MH"].parent, tree["T01"].tier) == ("commune", "T01", "province")
    assert catalog.current_units()["X.ML"] == "X.MH"
    assert catalog.units_with_absorbed(["X.MH"]) == ["X.MH", "X.ML"]
    assert import_units(catalog, path).inserted == 0  # re-import: nothing new


def test_a_succession_loop_is_refused_and_nothing_changes(catalog: Catalog) -> None:
    catalog.set_unit("A", tier="commune")
    catalog.set_unit("B", tier="commune", successor="A")
    with pytest.raises(Exception, match="loops"):
        catalog.set_unit("A", successor="B")
    assert catalog.unit_successors() == {"A": None, "B": "A"}


def test_succession_through_two_mergers() -> None:
    successors = {"old": "mid", "mid": "new", "new": None, "other": None}
    assert current_unit(successors, "old") == "new"
    assert absorbed_by(successors, ["new"]) == {"old", "mid", "new"}
    assert absorbed_by(successors, ["mid"]) == {"old", "mid"}


def test_cli_procedures_units_and_report_indicators(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from sohoa.cli import app

    url = f"sqlite:///{tmp_path / 'c.db'}"
    monkeypatch.setenv("SOHOA_HOME", str(tmp_path))
    monkeypatch.setenv("SOHOA_DATABASE_URL", url)
    (tmp_path / "u.csv").write_text("code,name,tier,successor,merged_on\nX.ML,Mỹ Long,xã,X.MH,01/07/2025\n"
                                    "X.MH,Mỹ Hiệp,xã,,\n", encoding="utf-8")  # fmt: skip
    (tmp_path / "p.csv").write_text("Mã TTHC,Tên TTHC,Lĩnh vực,Có kết quả bằng văn bản\n1.1,Khai sinh,Hộ tịch,Có\n",
                                    encoding="utf-8")  # fmt: skip
    (tmp_path / "r.csv").write_text(
        "dossier_code,unit,field,procedure_code,procedure,received_at,resolved_at\n"
        "A-1,X.ML,Hộ tịch,1.1,Khai sinh,01/07/2025,03/07/2025\nA-2,X.MH,Hộ tịch,8.8,Lạ,02/07/2025,\n",
        encoding="utf-8",
    )
    with open_catalog(url) as catalog:
        import_registry(catalog, tmp_path / "r.csv")
        for name in ("c.pdf", "kq.pdf"):
            document = digitize(catalog, name, "A-1")
            catalog.set_document_role(document.id, "component" if name == "c.pdf" else "result")
    runner = CliRunner()
    assert runner.invoke(app, ["units", "import", str(tmp_path / "u.csv")]).exit_code == 0
    imported = runner.invoke(app, ["procedures", "import", str(tmp_path / "p.csv")])
    assert imported.exit_code == 0 and "8.8" in imported.output  # unknown procedure of A-2 reported
    assert runner.invoke(app, ["procedures", "check"]).exit_code == 1
    shown = runner.invoke(app, ["report", "--indicators", "--by", "unit", "--json", "--period", "2025-07"])
    assert shown.exit_code == 0, shown.output
    data = json.loads(shown.stdout)
    assert [row["key"] for row in data["rows"]] == ["X.MH"]  # X.ML follows its successor
    assert data["overall"]["e_result"] | {} == {
        "numerator": 1, "denominator": 1, "rate": 1.0, "points": 6.0, "max_points": 6.0, "gap": 0.0,
    }  # fmt: skip
    assert (data["overall"]["digitization"]["numerator"], data["overall"]["digitization"]["denominator"]) == (1, 2)
    historical = json.loads(runner.invoke(app, ["report", "--indicators", "--by", "unit", "--json",
                                                "--units-as", "historical"]).stdout)  # fmt: skip
    assert [row["key"] for row in historical["rows"]] == ["X.MH", "X.ML"]
    assert runner.invoke(app, ["report", "--indicators", "--period", "2025-13"]).exit_code == 2
    assert runner.invoke(app, ["report", "--indicators", "--by", "colour"]).exit_code == 2
    out = tmp_path / "monthly.csv"
    assert runner.invoke(app, ["report", "--indicators", "--out", str(out)]).exit_code == 0
    lines = out.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0].split(",")[2:] == [
        "Tiếp nhận", "Chưa số hóa TPHS", "Có số hóa TPHS", "Có tái sử dụng thành phần",
        "Có tái sử dụng từ Cổng DVCQG", "Đã giải quyết", "KQ chưa số hóa", "KQ đã số hóa",
    ]  # fmt: skip
    assert lines[1].split(",") == ["1", "X.MH", "2", "1", "1", "0", "0", "1", "0", "1"]
    # The old simple rate stays: "any document digitized" is 1 of 2.
    simple = json.loads(runner.invoke(app, ["report", "--json"]).stdout)
    assert (simple["overall"]["registered"], simple["overall"]["digitized"]) == (2, 1)
