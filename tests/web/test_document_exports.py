"""Issue 10 on the web: the documents export (role, type, code, reuse and extracted fields; scoped by unit,
CSV and XLSX, Vietnamese or English headers, no formula injection), staff marking a component as reused from
the national portal (scoped, audited, counted in 4.3 and the monthly column) and a role stated by the registry
reaching a document that staff link from the review queue.

Sample archive (tests/web/archive.py): documents of H21.65-220914-0011 and H21.65-221003-0042 (unit A),
000.00.14.H12-220920-0003 (unit B), and an unlinked scan of unit A (Scan_20220916_0002.pdf).
"""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from storage.catalog import open_catalog
from storage.catalog.roles import FieldValue
from tests.web.archive import UNIT_A, UNIT_B, settings_for

CODE_A1, CODE_A2, CODE_B1 = "H21.65-220914-0011", "H21.65-221003-0042", "000.00.14.H12-220920-0003"


def document_of(client, code: str) -> int:  # noqa: ANN001
    return client.get(f"/api/dossiers/{code}").json()["documents"][0]["id"]


@pytest.fixture(scope="module")
def described(web_home, app) -> dict[str, int]:  # noqa: ANN001
    """A1: a component with fields (one by staff, one starting with '='), coded; A2: a result that reuses
    A1's paper (catalogue); B1: a component."""
    with open_catalog(settings_for(web_home).database_url) as catalog:
        ids = {code: catalog.documents_of_dossier(code)[0].id for code in (CODE_A1, CODE_A2, CODE_B1)}
        catalog.set_document_role(ids[CODE_A1], "component", "to_khai", 0.82)
        catalog.set_document_fields(
            ids[CODE_A1],
            [
                FieldValue("owner_id", "049123456789", 0.97),
                FieldValue("number_symbol", "12/TLKS", 0.9),
                FieldValue("subject", "=HYPERLINK(\"http://x\")", 0.5),
                FieldValue("owner_name", "Nguyễn Văn An", source="staff"),
            ],
            actor="lan",
        )
        catalog.assign_digitization_code(ids[CODE_A1], "049123456789.1.001193.to_khai.01")
        catalog.set_document_role(ids[CODE_A2], "result", "trich_luc", 0.9)
        catalog.mark_reused(ids[CODE_A2], "catalogue", ids[CODE_A1])
        catalog.set_document_role(ids[CODE_B1], "component", "don", 0.7)
    return ids


def _csv(response) -> list[list[str]]:  # noqa: ANN001
    assert response.status_code == 200, response.text
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_the_csv_lists_each_document_of_the_users_units_with_its_data(described, client_for) -> None:
    rows = _csv(client_for("lanh_dao_a").get("/dashboard/documents.csv"))
    header, body = rows[0], rows[1:]
    assert header[:6] == ["Mã hồ sơ", "Đơn vị", "Mã TTHC", "Thủ tục", "Mã tài liệu", "Tên tệp"]
    assert "Số định danh chủ giấy tờ" in header and "Chủ giấy tờ – nguồn" in header
    assert sorted(row[0] for row in body) == [CODE_A1, CODE_A2]  # unit A only; the unlinked scan is not listed
    line = dict(zip(header, next(row for row in body if row[0] == CODE_A1), strict=True))
    assert line["Đơn vị"] == UNIT_A and line["Mã tài liệu"] == str(described[CODE_A1])
    assert (line["Vai trò"], line["Nguồn vai trò"], line["Loại giấy tờ"]) == ("Thành phần hồ sơ", "tự động", "to_khai")
    assert line["Độ tin cậy phân loại"] == "0.82"
    assert line["Mã kết quả số hóa"] == "049123456789.1.001193.to_khai.01"
    assert (line["Số định danh chủ giấy tờ"], line["Số định danh chủ giấy tờ – nguồn"]) == ("049123456789", "tự động")
    assert (line["Chủ giấy tờ"], line["Chủ giấy tờ – nguồn"]) == ("Nguyễn Văn An", "cán bộ")
    assert line["Số, ký hiệu"] == "12/TLKS"
    assert line["Trích yếu"] == "'=HYPERLINK(\"http://x\")"  # neutralised: text, not a formula
    reused = dict(zip(header, next(row for row in body if row[0] == CODE_A2), strict=True))
    assert reused["Tái sử dụng từ"] == "Kho dữ liệu số hóa"
    assert reused["Mã số hóa tài liệu được tái sử dụng"] == "049123456789.1.001193.to_khai.01"


def test_the_xlsx_english_headers_filters_and_refusals(described, client_for) -> None:
    admin = client_for("admin")
    book = load_workbook(io.BytesIO(admin.get("/dashboard/documents.xlsx").content), read_only=True)
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    assert len(rows) == 4 and rows[0][0] == "Mã hồ sơ"  # header + the 3 linked documents
    admin.cookies.set("lang", "en")
    english = _csv(admin.get("/dashboard/documents.csv", params={"unit": UNIT_B}))
    assert english[0][:2] == ["Dossier code", "Unit"] and [row[0] for row in english[1:]] == [CODE_B1]
    assert english[1][english[0].index("Role")] == "Dossier component"
    assert len(_csv(admin.get("/dashboard/documents.csv", params={"period": "2022-10"}))) == 2  # A2 only
    assert len(_csv(admin.get("/dashboard/documents.csv", params={"period": "2021"}))) == 1
    assert admin.get("/dashboard/documents.csv", params={"period": "2022-13"}).status_code == 400
    manager_a = client_for("lanh_dao_a")
    assert manager_a.get("/dashboard/documents.csv", params={"unit": UNIT_B}).status_code == 404
    assert client_for("can_bo_a").get("/dashboard/documents.csv").status_code == 403
    assert admin.get("/dashboard/documents.pdf").status_code == 404
    audit = admin.get("/api/audit", params={"action": "documents.export"}).json()["events"]
    assert any(e["actor"] == "lanh_dao_a" for e in audit)


def test_staff_mark_a_component_as_reused_from_the_portal(described, client_for) -> None:
    staff = client_for("luu_tru_a")
    manager = client_for("lanh_dao")
    component = described[CODE_A1]

    def portal_column() -> str:
        lines = manager.get("/dashboard/indicators.csv").content.decode("utf-8-sig").splitlines()
        return lines[-1].split(",")[6]  # STT, Đơn vị, Tiếp nhận, Chưa, Có, Có tái sử dụng, Cổng DVCQG

    before = manager.get("/api/indicators").json()["overall"]["reuse"]["numerator"]
    assert portal_column() == "0"
    marked = staff.put(f"/api/documents/{component}/reuse", json={"origin": "portal"})
    assert marked.status_code == 200 and marked.json()["reuse_origin"] == "portal"
    assert manager.get("/api/indicators").json()["overall"]["reuse"]["numerator"] == before + 1
    assert portal_column() == "1"
    audit = client_for("admin").get("/api/audit", params={"actor": "luu_tru_a"}).json()["events"]
    assert any(e["action"] == "document.reused" and e["detail"]["origin"] == "portal" for e in audit)
    assert staff.put(f"/api/documents/{described[CODE_B1]}/reuse", json={"origin": "portal"}).status_code == 404
    assert staff.put(f"/api/documents/{component}/reuse", json={"origin": "stamp"}).status_code == 422
    assert staff.put(f"/api/documents/{component}/reuse", json={"origin": "catalogue"}).status_code == 422
    assert client_for("can_bo_a").put(f"/api/documents/{component}/reuse", json={"origin": None}).status_code == 403
    page = staff.get(f"/dossiers/{CODE_A1}").text
    assert "Bỏ đánh dấu tái sử dụng từ Cổng DVCQG" in page
    token = staff.headers["X-CSRF-Token"]
    assert staff.post(f"/documents/{component}/reuse", data={"origin": "", "csrf_token": "x"}).status_code == 403
    cleared = staff.post(
        f"/documents/{component}/reuse", data={"origin": "", "csrf_token": token}, follow_redirects=False
    )
    assert cleared.status_code == 303 and cleared.headers["location"] == f"/dossiers/{CODE_A1}"
    assert staff.get(f"/api/documents/{component}/role").json()["reuse_origin"] is None
    assert portal_column() == "0"


def test_a_role_stated_by_the_registry_reaches_a_document_linked_in_the_review_queue(
    described, client_for, web_home, tmp_path
) -> None:
    from storage.catalog.registry_roles import import_registry_roles

    (tmp_path / "roles.csv").write_text(
        "Mã hồ sơ,Tên tệp,Vai trò,Loại giấy tờ\nH21.65-230115-0007,Scan_20220916_0002.pdf,Kết quả,quyết định\n",
        encoding="utf-8",
    )
    with open_catalog(settings_for(web_home).database_url) as catalog:
        assert import_registry_roles(catalog, tmp_path / "roles.csv").waiting == 1
    staff = client_for("luu_tru_a")
    unlinked = next(i for i in staff.get("/api/review").json() if i["kind"] == "unlinked")
    done = staff.post(f"/api/review/{unlinked['id']}/assign", json={"dossier_code": "H21.65-230115-0007"})
    assert done.status_code == 200
    role = staff.get(f"/api/documents/{unlinked['document_id']}/role").json()
    assert (role["role"], role["doc_type"], role["role_source"]) == ("result", "quyết định", "registry")


def test_cli_export_documents(described, web_home, tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    from sohoa.cli import app as cli

    monkeypatch.setenv("SOHOA_HOME", str(web_home))
    monkeypatch.delenv("SOHOA_DATABASE_URL", raising=False)
    runner = CliRunner()
    out = tmp_path / "docs.csv"
    done = runner.invoke(cli, ["export", "documents", "--out", str(out), "--unit", UNIT_A, "--lang", "en"])
    assert done.exit_code == 0, done.output
    rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    assert rows[0][0] == "Dossier code" and {row[0] for row in rows[1:]} >= {CODE_A1, CODE_A2}
    assert all(row[1] == UNIT_A for row in rows[1:])
    xlsx = tmp_path / "docs.xlsx"
    assert runner.invoke(cli, ["export", "documents", "--out", str(xlsx), "--period", "2022-09"]).exit_code == 0
    sheet = load_workbook(xlsx, read_only=True).worksheets[0]
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == [CODE_A1, CODE_B1]
    bad = runner.invoke(cli, ["export", "documents", "--out", str(tmp_path / "x.pdf")])
    assert bad.exit_code == 2 and "x.pdf" in bad.output
    assert runner.invoke(cli, ["export", "documents", "--out", str(out), "--period", "2022-13"]).exit_code == 2
