"""QĐ 766 indicators 4.1/4.2/4.3 on a hand-built catalogue; every expected figure is worked out by hand here.

Units: Mỹ Hiệp (X.MH) was formed on 01/7/2025 from Mỹ Long (X.ML), Bình Thạnh (X.BT) and itself; Tân Phú
(X.TP) was not merged. Procedures: 1.001193 returns a written result, 2.000908 does not, 9.999999 is not in
the catalogue.

Dossier unit  procedure  received    resolved  documents                                         4.1     4.2  4.3
D1      X.ML  1.001193   2025-06-10  yes       component + result digitized                      yes     yes  -
D2      X.BT  1.001193   2025-06-12  yes       component digitized, result stored not indexed    no      no   -
D3      X.MH  2.000908   2025-07-05  yes       component digitized + one from the portal         (n/a)   yes  yes
D4      X.MH  1.001193   2025-07-06  yes       component = D1's result (same owner ID, number 012 = 12), yes    yes  yes
                                               result digitized
D5      X.TP  1.001193   2025-07-07  no        only the receipt (not a component)                (n/a)   no   -
D6      X.TP  9.999999   2025-08-01  yes       component digitized                               (n/a)   yes  -
D7      X.MH  1.001193   2025-07-10  yes       a digitized document without a role               no      no   -

Overall: 4.1 = 2/4 = 0.5 -> 3 points; 4.2 = 4/7 -> 4/7/0.8*4 = 2.8571; 4.3 = 2/7 -> 2/7/0.8*2 = 0.7143.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from storage.catalog import Catalog
from storage.catalog.indicators import (
    DossierFacts,
    dossier_facts,
    indicator_report,
    monthly_table,
    period_bounds,
    points_for,
)
from storage.catalog.procedures import import_procedures
from storage.catalog.registry import import_registry
from storage.catalog.roles import FieldValue
from storage.catalog.units import import_units
from tests.storage_catalog.helpers import digitize, recognize, stored_document

UNITS = """Mã đơn vị,Tên đơn vị,Cấp,Đơn vị cấp trên,Đơn vị kế thừa,Ngày sáp nhập
T01,Tỉnh Đồng Tháp,tỉnh,,,
X.ML,Xã Mỹ Long,xã,T01,X.MH,01/07/2025
X.BT,Xã Bình Thạnh,xã,T01,X.MH,01/07/2025
X.MH,Xã Mỹ Hiệp,xã,T01,,
X.TP,Xã Tân Phú,xã,T01,,
H.CL,Huyện Cao Lãnh,huyện,T01,,
"""
PROCEDURES = """Mã TTHC,Tên TTHC,Lĩnh vực,Có kết quả bằng văn bản
1.001193,Đăng ký khai sinh,Hộ tịch,Có
2.000908,Chứng thực bản sao từ bản chính,Chứng thực,Không
"""
REGISTRY = """dossier_code,unit,field,procedure_code,procedure,applicant,received_at,status,resolved_at
D1,X.ML,Hộ tịch,1.001193,Đăng ký khai sinh,An,10/06/2025,Đã trả,15/06/2025
D2,X.BT,Hộ tịch,1.001193,Đăng ký khai sinh,Bình,12/06/2025,Đã trả,16/06/2025
D3,X.MH,Chứng thực,2.000908,Chứng thực bản sao,Chi,05/07/2025,Đã trả,05/07/2025
D4,X.MH,Hộ tịch,1.001193,Đăng ký khai sinh,Dũng,06/07/2025,Đã trả,09/07/2025
D5,X.TP,Hộ tịch,1.001193,Đăng ký khai sinh,Em,07/07/2025,Đang xử lý,
D6,X.TP,Khác,9.999999,Thủ tục lạ,Giang,01/08/2025,Đã trả,02/08/2025
D7,X.MH,Hộ tịch,1.001193,Đăng ký khai sinh,Hà,10/07/2025,Đã trả,12/07/2025
"""
OWNER = "087123456789"


def _document(catalog: Catalog, name: str, dossier: str, role: str | None, *, index: bool = True) -> int:
    document = digitize(catalog, name, dossier, index=index)
    if role is not None:
        catalog.set_document_role(document.id, role, "giấy tờ", 0.9)
    return document.id


@pytest.fixture
def built(catalog: Catalog, tmp_path: Path) -> Catalog:
    for name, text, importer in (
        ("units.csv", UNITS, import_units),
        ("procedures.csv", PROCEDURES, import_procedures),
        ("registry.csv", REGISTRY, import_registry),
    ):
        (tmp_path / name).write_text(text, encoding="utf-8")
        assert importer(catalog, tmp_path / name).errors == []
    _document(catalog, "d1-c.pdf", "D1", "component")
    d1_result = _document(catalog, "d1-kq.pdf", "D1", "result")
    catalog.set_document_fields(
        d1_result, [FieldValue("owner_id", OWNER, 0.99), FieldValue("number_symbol", "12/TLKS")]
    )
    _document(catalog, "d2-c.pdf", "D2", "component")
    _document(catalog, "d2-kq.pdf", "D2", "result", index=False)
    _document(catalog, "d3-c.pdf", "D3", "component")
    portal = _document(catalog, "d3-portal.pdf", "D3", "component")
    catalog.mark_reused(portal, "portal")
    d4_component = _document(catalog, "d4-c.pdf", "D4", "component")
    catalog.set_document_fields(
        d4_component, [FieldValue("owner_id", OWNER), FieldValue("number_symbol", "Số: 012/TLKS")]
    )
    assert catalog.detect_reuse(d4_component).reused_from_document_id == d1_result
    _document(catalog, "d4-kq.pdf", "D4", "result")
    _document(catalog, "d5-receipt.pdf", "D5", "receipt")
    _document(catalog, "d6-c.pdf", "D6", "component")
    _document(catalog, "d7-x.pdf", "D7", None)
    return catalog


def _figures(row: dict) -> dict[str, tuple]:
    return {
        name: (row[name]["numerator"], row[name]["denominator"], row[name]["points"])
        for name in ("e_result", "digitization", "reuse")
    }


def test_overall_indicators_match_the_hand_computation(built: Catalog) -> None:
    report = indicator_report(built).to_json()
    overall = report["overall"]
    assert _figures(overall) == {
        "e_result": (2, 4, 3.0),
        "digitization": (4, 7, 2.8571),
        "reuse": (2, 7, 0.7143),
    }
    assert overall["e_result"]["rate"] == pytest.approx(0.5)
    assert overall["digitization"]["rate"] == pytest.approx(4 / 7)
    assert overall["digitization"]["max_points"] == 4 and overall["e_result"]["max_points"] == 6
    assert overall["reuse"]["max_points"] == 2
    assert overall["digitization"]["gap"] == pytest.approx(4 - 2.8571)
    assert overall["points"] == pytest.approx(3.0 + 2.8571 + 0.7143)
    assert report["unknown_procedures"] == ["9.999999"]
    json.dumps(report)  # JSON-ready


def test_by_current_unit_follows_the_merger(built: Catalog) -> None:
    rows = {row["key"]: _figures(row) for row in indicator_report(built, by="unit").to_json()["rows"]}
    assert rows == {
        "X.MH": {"e_result": (2, 4, 3.0), "digitization": (3, 5, 3.0), "reuse": (2, 5, 1.0)},
        "X.TP": {"e_result": (0, 0, None), "digitization": (1, 2, 2.5), "reuse": (0, 2, 0.0)},
    }


def test_by_historical_unit_keeps_the_old_communes(built: Catalog) -> None:
    report = indicator_report(built, by="unit", grouping="historical")
    rows = {
        row.key: (row.dossiers, row.digitization.numerator, row.e_result.numerator) for row in report.rows
    }
    assert rows == {"X.BT": (1, 0, 0), "X.MH": (3, 2, 1), "X.ML": (1, 1, 1), "X.TP": (2, 1, 0)}


def test_by_field_and_procedure(built: Catalog) -> None:
    by_field = {row.key: row.dossiers for row in indicator_report(built, by="field").rows}
    assert by_field == {"Chứng thực": 1, "Hộ tịch": 5, "Khác": 1}
    by_procedure = {row.key: _figures(row.to_json()) for row in indicator_report(built, by="procedure").rows}
    assert by_procedure["2.000908"]["e_result"] == (0, 0, None)  # no written result: not in 4.1
    assert by_procedure["1.001193"]["e_result"] == (2, 4, 3.0)
    assert by_procedure["1.001193"]["digitization"] == (2, 5, 2.0)  # D1, D4 of D1 D2 D4 D5 D7


def test_periods(built: Catalog) -> None:
    july = indicator_report(built, period="2025-07").overall
    assert (july.dossiers, july.e_result.numerator, july.e_result.denominator) == (4, 1, 2)  # D3 D4 D5 D7
    assert (july.digitization.numerator, july.reuse.numerator) == (2, 2)
    assert july.reuse.points == 1.25  # 2/4 = 50% -> 0.5 / 0.8 x 2
    q3 = indicator_report(built, period="2025-Q3").overall
    assert q3.dossiers == 5
    assert indicator_report(built, period="2025").overall.dossiers == 7
    assert indicator_report(built, period="2024").overall.dossiers == 0
    months = {row.key: row.dossiers for row in indicator_report(built, by="month").rows}
    assert months == {"2025-06": 2, "2025-07": 4, "2025-08": 1}
    quarters = {row.key: row.dossiers for row in indicator_report(built, by="quarter").rows}
    assert quarters == {"2025-Q2": 2, "2025-Q3": 5}
    with pytest.raises(ValueError, match="YYYY-Qn"):
        indicator_report(built, period="2025-Q5")


def test_an_officer_of_the_new_commune_sees_the_absorbed_communes(built: Catalog) -> None:
    scoped = indicator_report(built, units=["X.MH"])
    assert scoped.overall.dossiers == 5
    assert sorted(fact.dossier_code for fact in dossier_facts(built, ["X.MH"])) == [
        "D1",
        "D2",
        "D3",
        "D4",
        "D7",
    ]
    # An officer of an absorbed commune does not see its successor's other dossiers.
    assert [fact.dossier_code for fact in dossier_facts(built, ["X.ML"])] == ["D1"]


def test_drill_down_lists_what_to_scan_next(built: Catalog) -> None:
    entries = [(e.dossier_code, e.unit, e.reasons) for e in indicator_report(built).below_target]
    assert entries == [
        ("D2", "X.MH", ["no_result"]),
        ("D7", "X.MH", ["no_component", "no_result", "unclassified"]),
        ("D5", "X.TP", ["no_component"]),
    ]


def test_monthly_table_columns(built: Catalog) -> None:
    rows, total = monthly_table(dossier_facts(built))
    cells = {row.unit: row.cells() for row in rows}
    # Tiếp nhận, Chưa số hóa TPHS, Có số hóa TPHS, Có tái sử dụng thành phần, Có tái sử dụng từ Cổng DVCQG,
    # Đã giải quyết, KQ chưa số hóa, KQ đã số hóa
    assert cells == {"X.MH": [5, 1, 4, 1, 1, 5, 3, 2], "X.TP": [2, 1, 1, 0, 0, 1, 1, 0]}
    assert total.cells() == [7, 2, 5, 1, 1, 6, 4, 2]


def test_points_rules() -> None:
    assert points_for("e_result", 0.5) == 3.0  # proportional, no 80% threshold
    assert points_for("e_result", 0.9) == pytest.approx(5.4)
    assert points_for("digitization", 0.8) == 4.0
    assert points_for("digitization", 0.95) == 4.0
    assert points_for("digitization", 0.4) == 2.0
    assert points_for("reuse", 0.8) == 2.0 and points_for("reuse", 0.2) == 0.5
    assert points_for("reuse", None) is None
    assert period_bounds("2025-Q4")[1].year == 2026


def test_a_receipt_is_not_a_component(built: Catalog) -> None:
    (d5,) = [fact for fact in dossier_facts(built) if fact.dossier_code == "D5"]
    assert isinstance(d5, DossierFacts) and not d5.has_component


def test_reuse_by_content_hash_links_the_earlier_paper_never_one_of_the_same_dossier(built: Catalog) -> None:
    first = built.documents_of_dossier("D6")[0]
    built.set_content_hash(first.id, "f" * 64)
    same_dossier = _document(built, "d6-c2.pdf", "D6", "component")
    built.set_content_hash(same_dossier, "f" * 64)
    assert built.detect_reuse(same_dossier).reused_from_document_id is None
    later = _document(built, "d5-c.pdf", "D5", "component")
    built.set_content_hash(later, "f" * 64)
    assert built.detect_reuse(later).reused_from_document_id == first.id
    assert indicator_report(built, units=["X.TP"]).overall.reuse.numerator == 1  # D5 now reuses


def test_staff_corrections_survive_an_automatic_rerun(built: Catalog) -> None:
    document = built.documents_of_dossier("D7")[0]
    built.set_document_role(document.id, "result", "giấy khai sinh", None, source="staff", actor="lan")
    built.set_document_role(document.id, "component", "đơn", 0.4)  # a later automatic guess
    role = built.document_role(document.id)
    assert (role.role, role.doc_type, role.role_source) == ("result", "giấy khai sinh", "staff")
    built.set_document_fields(document.id, [FieldValue("number_symbol", "7/QĐ", source="staff")], actor="lan")
    built.set_document_fields(document.id, [FieldValue("number_symbol", "1/QĐ", 0.5)])
    assert [(f.name, f.value) for f in built.document_role(document.id).fields] == [("number_symbol", "7/QĐ")]
    assert any(
        e.action == "document.role" and e.actor == "lan" for e in built.events("document", document.id)
    )
    # D7 is now a dossier with a digitized result but no component: still short on 4.2.
    facts = {fact.dossier_code: fact for fact in dossier_facts(built)}
    assert facts["D7"].digitized_result and not facts["D7"].meets_digitization


def test_digitization_code_is_kept_when_re_linked(catalog: Catalog) -> None:
    document = stored_document(catalog, "kq.pdf")
    catalog.link_document(document.id, "H21.65-250701-0001", "qr")
    catalog.assign_digitization_code(document.id, "H21.65-250701-0001-KQ1")
    catalog.link_document(document.id, "H21.65-250701-0002", "manual")
    assert catalog.assign_digitization_code(document.id, "H21.65-250701-0002-KQ1").digitization_code == (
        "H21.65-250701-0001-KQ1"
    )
    recognize(catalog, document, [90.0])
    assert catalog.document_role(document.id).digitization_code == "H21.65-250701-0001-KQ1"


PORTAL_REGISTRY = """Mã hồ sơ,Đơn vị,Ngày tiếp nhận,Tái sử dụng từ Cổng DVCQG
D2,X.BT,12/06/2025,Có
D3,X.MH,05/07/2025,1
D4,X.MH,06/07/2025,không
"""


def test_a_dossier_the_registry_marks_as_portal_reuse_counts_for_4_3_and_the_monthly_column(
    built: Catalog, tmp_path: Path
) -> None:
    """D2 (X.BT -> X.MH) had no reuse; the one-stop export now says it reused portal data. D3 already had a
    portal component and is flagged too: it counts once. D4 is "không" (its catalogue reuse stays).

    4.3 overall: D2, D3, D4 = 3/7 = 42.86 % -> 0.4286 / 0.8 x 2 = 1.0714 points (was 2/7, 0.7143).
    X.MH: 3/5 = 60 % -> 1.5 points (was 2/5, 1.0). 4.2 is unchanged: D2 already had a component and still lacks
    its result. Monthly X.MH: "Có tái sử dụng từ Cổng DVCQG" 1 -> 2 (D2, D3); total 1 -> 2.
    """
    (tmp_path / "portal.csv").write_text(PORTAL_REGISTRY, encoding="utf-8")
    result = import_registry(built, tmp_path / "portal.csv", actor="lan")
    assert (result.errors, result.updated) == ([], 3)
    overall = indicator_report(built).overall
    assert (overall.reuse.numerator, overall.reuse.points) == (3, 1.0714)
    assert overall.digitization.numerator == 4
    rows = {row.key: row for row in indicator_report(built, by="unit").rows}
    assert (rows["X.MH"].reuse.numerator, rows["X.MH"].reuse.points) == (3, 1.5)
    monthly, total = monthly_table(dossier_facts(built))
    assert {row.unit: row.cells() for row in monthly}["X.MH"] == [5, 1, 4, 1, 2, 5, 3, 2]
    assert total.portal_reuse == 2
    changes = [e.detail["changes"] for e in built.events("dossier", "D2") if e.action == "dossier.registry_updated"]
    assert changes[-1]["portal_reuse"] == {"old": None, "new": True}
    # A later export says "Không" for D2: the flag is cleared, audited, and D2 no longer counts.
    (tmp_path / "portal.csv").write_text(PORTAL_REGISTRY.replace("Có", "Không"), encoding="utf-8")
    assert import_registry(built, tmp_path / "portal.csv", actor="lan").updated == 1
    assert indicator_report(built).overall.reuse.numerator == 2
    assert built.events("dossier", "D2")[-1].detail["changes"]["portal_reuse"] == {"old": True, "new": False}


def test_a_registry_without_the_portal_column_leaves_the_flag_alone(built: Catalog, tmp_path: Path) -> None:
    (tmp_path / "portal.csv").write_text(PORTAL_REGISTRY, encoding="utf-8")
    import_registry(built, tmp_path / "portal.csv")
    (tmp_path / "registry.csv").write_text(REGISTRY, encoding="utf-8")
    assert import_registry(built, tmp_path / "registry.csv").updated == 0  # no portal column: nothing changes
    assert indicator_report(built).overall.reuse.numerator == 3


@pytest.mark.parametrize(
    ("cell", "expected"),
    [("Có", True), ("co", True), ("yes", True), ("x", True), ("1", True), ("3", True), ("Không", False),
     ("no", False), ("0", False), ("", None)],
)
def test_portal_reuse_cells(tmp_path: Path, cell: str, expected: bool | None) -> None:
    from storage.catalog.registry import read_registry

    (tmp_path / "r.csv").write_text(
        f"dossier_code,unit,received_at,Tái sử dụng dữ liệu\nD1,X,01/07/2025,{cell}\n", encoding="utf-8"
    )
    parsed = read_registry(tmp_path / "r.csv")
    assert parsed.errors == [] and parsed.records[0].values["portal_reuse"] is expected


def test_a_bad_portal_reuse_cell_is_a_row_error(catalog: Catalog, tmp_path: Path) -> None:
    (tmp_path / "r.csv").write_text(
        "dossier_code,unit,received_at,portal_reuse\nD1,X,01/07/2025,maybe\nD2,X,01/07/2025,yes\n",
        encoding="utf-8",
    )
    result = import_registry(catalog, tmp_path / "r.csv")
    assert result.error_lines() == [
        f"{tmp_path / 'r.csv'}: row 2: portal_reuse 'maybe' is not Có/Không, yes/no, 1/0 or a count"
    ]
    assert result.inserted == 1 and catalog.get_dossier("D2") is not None


def test_staff_marking_a_component_as_from_the_portal_survives_the_automatic_check(built: Catalog) -> None:
    """D6 (X.TP) has a digitized component; staff say it came from the portal: 4.3 for X.TP 0/2 -> 1/2.
    Clearing it by staff is kept too: the automatic reuse check does not put a catalogue link back."""
    component = built.documents_of_dossier("D6")[0].id
    built.mark_reused(component, "portal", actor="lan", source="staff")
    assert indicator_report(built, units=["X.TP"]).overall.reuse.numerator == 1
    assert any(e.action == "document.reused" and e.actor == "lan" for e in built.events("document", component))
    built.mark_reused(component, None, actor="lan", source="staff")
    assert indicator_report(built, units=["X.TP"]).overall.reuse.numerator == 0
    d4_component = built.documents_of_dossier("D4")[0].id
    assert built.document_role(d4_component).reuse_origin == "catalogue"
    built.mark_reused(d4_component, None, actor="lan", source="staff")  # staff: not the same paper
    assert built.detect_reuse(d4_component).reuse_origin is None
