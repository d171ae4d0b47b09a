"""QĐ 766 indicators on the web: staff correct roles by API (scoped, audited, CSRF-checked), and the dashboard,
its JSON API, its XLSX/CSV and `sohoa report --indicators --json` give the same numbers.

The sample archive (tests/web/archive.py): 5 registry dossiers, all resolved ("Đã trả kết quả"), procedure
1.001193, which the catalogue here says returns a written result. Staff then mark
    H21.65-220914-0011 (unit A)  its document a component        -> 4.2 no: resolved without result
    H21.65-221003-0042 (unit A)  its document a result           -> 4.1 yes; 4.2 no: no component
    000.00.14.H12-220920-0003 (B) its document a component        -> 4.2 no: resolved without result
so 4.1 = 1/5 (1.2 points), 4.2 = 0/5, 4.3 = 0/5; unit A: 4.1 1/3 = 2.0 points, unit B: 4.1 0/2.
"""

from __future__ import annotations

import io
import json
import re

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from storage.catalog import open_catalog
from storage.catalog.procedures import Procedure
from tests.web.archive import UNIT_A, UNIT_B, settings_for

CODE_A1, CODE_A2, CODE_B1 = "H21.65-220914-0011", "H21.65-221003-0042", "000.00.14.H12-220920-0003"


def document_of(client, code: str) -> int:
    return client.get(f"/api/dossiers/{code}").json()["documents"][0]["id"]


@pytest.fixture(scope="module")
def corrected(web_home, app) -> None:
    from fastapi.testclient import TestClient

    from tests.web.conftest import login

    with open_catalog(settings_for(web_home).database_url) as catalog:
        catalog.set_procedure(Procedure("1.001193", "Đăng ký khai sinh", "Hộ tịch", True, []))
    for username, code, role in (
        ("luu_tru_a", CODE_A1, "component"),
        ("luu_tru_a", CODE_A2, "result"),
        ("admin", CODE_B1, "component"),
    ):
        with TestClient(app, base_url="http://testserver") as client:
            client.headers["X-CSRF-Token"] = login(client, username)
            body = {
                "role": role,
                "doc_type": "tờ khai",
                "fields": [{"name": "owner_id", "value": "049123456789"}],
            }
            response = client.put(f"/api/documents/{document_of(client, code)}/role", json=body)
            assert response.status_code == 200, response.text
            assert response.json()["role_source"] == "staff"


def test_corrections_are_scoped_checked_and_audited(corrected, client_for) -> None:
    staff_a = client_for("luu_tru_a")
    admin = client_for("admin")
    document_b = document_of(admin, CODE_B1)
    assert staff_a.put(f"/api/documents/{document_b}/role", json={"role": "result"}).status_code == 404
    document_a = document_of(staff_a, CODE_A1)
    assert staff_a.put(f"/api/documents/{document_a}/role", json={"role": "stamp"}).status_code == 422
    officer = client_for("can_bo_a")
    assert officer.put(f"/api/documents/{document_a}/role", json={"role": "result"}).status_code == 403
    no_csrf = client_for("luu_tru_a")
    del no_csrf.headers["X-CSRF-Token"]
    assert no_csrf.put(f"/api/documents/{document_a}/role", json={"role": "result"}).status_code == 403
    shown = officer.get(f"/api/documents/{document_a}/role").json()
    assert (shown["role"], shown["doc_type"]) == ("component", "tờ khai")
    field = shown["fields"][0]
    assert (field["name"], field["value"], field["source"]) == ("owner_id", "049123456789", "staff")
    audit = admin.get("/api/audit", params={"limit": 200}).json()
    assert any(e["action"] == "document.role" and e["actor"] == "luu_tru_a" for e in audit["events"])


def test_api_matches_the_hand_computation_and_the_command_line(
    corrected,
    client_for,
    web_home,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    api = client_for("lanh_dao").get("/api/indicators", params={"by": "unit"}).json()
    overall = api["overall"]
    assert [(overall[n]["numerator"], overall[n]["denominator"]) for n in ("e_result", "digitization", "reuse")] == [
        (1, 5), (0, 5), (0, 5),
    ]  # fmt: skip
    assert overall["e_result"]["points"] == 1.2 and overall["e_result"]["gap"] == 4.8
    rows = {row["key"]: row for row in api["rows"]}
    assert rows[UNIT_A]["e_result"]["points"] == 2.0 and rows[UNIT_B]["e_result"]["numerator"] == 0
    reasons = {entry["dossier_code"]: entry["reasons"] for entry in api["below_target"]}
    assert reasons[CODE_A1] == ["no_result"] and reasons[CODE_A2] == ["no_component"]

    from sohoa.cli import app as cli

    monkeypatch.setenv("SOHOA_HOME", str(web_home))
    monkeypatch.delenv("SOHOA_DATABASE_URL", raising=False)
    printed = CliRunner().invoke(cli, ["report", "--indicators", "--by", "unit", "--json"])
    assert printed.exit_code == 0, printed.output
    assert json.loads(printed.stdout) | {"units": None} == api | {
        "units": None
    }  # the admin CLI sees all units

    officer_a = client_for("lanh_dao_a").get("/api/indicators").json()
    assert officer_a["overall"]["dossiers"] == 3 and officer_a["overall"]["e_result"]["numerator"] == 1
    assert client_for("can_bo_a").get("/api/indicators").status_code == 403  # officers have no dashboard
    assert client_for("lanh_dao").get("/api/indicators", params={"period": "2022-13"}).status_code == 400


def test_dashboard_and_xlsx_show_the_api_numbers(corrected, client_for) -> None:
    manager = client_for("lanh_dao")
    api = manager.get("/api/indicators", params={"by": "unit"}).json()
    page = manager.get("/dashboard").text
    card = re.search(r'id="overall-e_result".*?</div>', page, re.DOTALL).group(0)
    assert '<span class="numerator">1</span>/<span class="denominator">5</span>' in card
    assert '<span class="points">1.20</span>/<span class="max-points">6</span>' in card
    assert f'data-dossier="{CODE_A2}"' in page and 'data-reason="no_component"' in page

    workbook = load_workbook(io.BytesIO(manager.get("/dashboard/indicators.xlsx").content))
    monthly = workbook["Theo doi so hoa"]
    rows = list(monthly.iter_rows(values_only=True))
    assert rows[0][0] == "THEO DÕI MỨC ĐỘ SỐ HÓA CÁC ĐƠN VỊ – THEO QĐ 766"
    header = rows[3]
    assert header[2:] == ("Tiếp nhận", "Chưa số hóa TPHS", "Có số hóa TPHS", "Có tái sử dụng thành phần",
                          "Có tái sử dụng từ Cổng DVCQG", "Đã giải quyết", "KQ chưa số hóa", "KQ đã số hóa")  # fmt: skip
    by_unit = {row[1]: row[2:] for row in rows[4:]}
    assert by_unit[UNIT_A] == (3, 2, 1, 0, 0, 3, 2, 1)
    assert by_unit[UNIT_B] == (2, 1, 1, 0, 0, 2, 2, 0)
    assert by_unit["Tổng cộng"] == (5, 3, 2, 0, 0, 5, 4, 1)
    scores = list(workbook["Chi so QD 766"].iter_rows(values_only=True))
    total = scores[-1]
    assert total[1] == "Tổng cộng"
    assert total[2:7] == (1, 5, 20.0, 1.2, 6.0)  # 4.1: numerator, denominator, rate %, points, max
    assert total[-1] == pytest.approx(api["overall"]["points"])
    csv_text = manager.get("/dashboard/indicators.csv").content.decode("utf-8-sig")
    assert csv_text.splitlines()[-1].split(",")[1:] == ["Tổng cộng", "5", "3", "2", "0", "0", "5", "4", "1"]


def test_the_dossier_view_shows_and_corrects_the_role(corrected, client_for) -> None:  # noqa: ANN001
    staff = client_for("luu_tru_a")
    page = staff.get(f"/dossiers/{CODE_A2}").text
    document = document_of(staff, CODE_A2)
    block = re.search(rf'id="role-{document}".*?</div>', page, re.S).group(0)
    assert 'data-role="result"' in block and "Kết quả giải quyết" in block and 'class="role-form' in block
    token = staff.headers["X-CSRF-Token"]
    refused = staff.post(f"/documents/{document}/role", data={"role": "component", "csrf_token": "x"})
    assert refused.status_code == 403
    moved = staff.post(
        f"/documents/{document}/role",
        data={"role": "component", "doc_type": "đơn", "csrf_token": token},
        follow_redirects=False,
    )
    assert moved.status_code == 303 and moved.headers["location"] == f"/dossiers/{CODE_A2}"
    assert staff.get(f"/api/documents/{document}/role").json()["role"] == "component"
    officer_page = client_for("can_bo_a").get(f"/dossiers/{CODE_A2}").text
    assert 'data-role="component"' in officer_page and 'class="role-form' not in officer_page
    # Back as it was, for the other tests of this module.
    staff.put(f"/api/documents/{document}/role", json={"role": "result", "doc_type": "tờ khai"})


def test_a_new_procedure_catalogue_shows_at_once(corrected, client_for, web_home) -> None:  # noqa: ANN001
    manager = client_for("lanh_dao")
    assert manager.get("/api/indicators").json()["overall"]["e_result"]["denominator"] == 5  # now cached
    with open_catalog(settings_for(web_home).database_url) as catalog:
        catalog.set_procedure(Procedure("1.001193", "Đăng ký khai sinh", "Hộ tịch", False, []))
        try:
            assert manager.get("/api/indicators").json()["overall"]["e_result"]["denominator"] == 0
        finally:
            catalog.set_procedure(Procedure("1.001193", "Đăng ký khai sinh", "Hộ tịch", True, []))
    assert manager.get("/api/indicators").json()["overall"]["e_result"]["denominator"] == 5
