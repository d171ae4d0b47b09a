"""Search by what a document is (issue 10): the role, type and extracted data staff correct in the dossier view
are search filters and facets on the search page, in GET /api/search and in `sohoa search`, and a correction
made after indexing is found by its new values at the next search (the correction put the pages pending)."""

from __future__ import annotations

import json

import pytest

from tests.flows.helpers import sohoa, sohoa_env
from tests.web.archive import UNIT_B

CODE_A, CODE_A2, CODE_B = "H21.65-220914-0011", "H21.65-221003-0042", "000.00.14.H12-220920-0003"


def document_of(client, code: str) -> int:  # noqa: ANN001
    return client.get(f"/api/dossiers/{code}").json()["documents"][0]["id"]


def codes(response) -> list[str]:  # noqa: ANN001
    assert response.status_code == 200, response.text
    return [g["dossier_code"] for g in response.json()["groups"]]


@pytest.fixture(scope="module")
def corrected(app) -> None:  # noqa: ANN001
    """Staff correct three documents through the dossier view's API, after they were indexed."""
    from fastapi.testclient import TestClient

    from tests.web.conftest import login

    for username, code, body in (
        ("luu_tru_a", CODE_A, {"role": "result", "doc_type": "trich_luc", "fields": [
            {"name": "owner_id", "value": "049 123 456 789"}, {"name": "agency", "value": "ỦY BAN NHÂN DÂN XÃ LỘC AN"},
            {"name": "issued_on", "value": "2022-09-20"}]}),
        ("luu_tru_a", CODE_A2, {"role": "component", "doc_type": "to_khai", "fields": [
            {"name": "issued_on", "value": "03/10/2022"}]}),
        ("admin", CODE_B, {"role": "result", "doc_type": "trich_luc", "fields": [
            {"name": "owner_id", "value": "049123456789"}, {"name": "agency", "value": "UBND xã Duy Trung"}]}),
    ):
        with TestClient(app, base_url="http://testserver") as client:
            client.headers["X-CSRF-Token"] = login(client, username)
            response = client.put(f"/api/documents/{document_of(client, code)}/role", json=body)
            assert response.status_code == 200, response.text


def test_api_filters_by_role_type_owner_issuer_and_issue_date(corrected, client_for) -> None:  # noqa: ANN001
    admin = client_for("admin")
    assert sorted(codes(admin.get("/api/search", params={"doc_type": "trich_luc"}))) == sorted([CODE_A, CODE_B])
    assert codes(admin.get("/api/search", params={"role": "component"})) == [CODE_A2]
    assert codes(admin.get("/api/search", params={"q": "Nguyễn Văn Hùng", "role": "result"})) == [CODE_A]
    assert codes(admin.get("/api/search", params={"q": "Nguyễn Văn Hùng", "role": "component"})) == []
    assert sorted(codes(admin.get("/api/search", params={"owner_id": "0491.2345.6789"}))) == sorted([CODE_A, CODE_B])
    assert codes(admin.get("/api/search", params={"issuer": "uy ban nhan dan xa loc an"})) == [CODE_A]
    assert codes(admin.get("/api/search", params={"issued_from": "2022-10-01", "issued_to": "2022-10-31"})) == [CODE_A2]
    facets = admin.get("/api/search", params={"q": "thôn"}).json()["facets"]
    assert facets["role"] == {"result": 2} and facets["doc_type"] == {"trich_luc": 2}


def test_api_filters_stay_inside_the_user_s_units_and_refuse_bad_values(corrected, client_for) -> None:  # noqa: ANN001
    officer_b = client_for("can_bo_b")
    assert codes(officer_b.get("/api/search", params={"owner_id": "049123456789"})) == [CODE_B]
    assert codes(officer_b.get("/api/search", params={"issuer": "loc an"})) == []
    response = officer_b.get("/api/search", params={"q": "đất", "doc_type": "trich_luc"}).json()
    assert response["facets"]["unit"] == {UNIT_B: 1}
    for bad in ({"role": "stamp"}, {"owner_id": "không số"}, {"issued_from": "20/09/2022"}):
        assert officer_b.get("/api/search", params=bad).status_code == 422, bad


def test_a_correction_after_indexing_is_searchable_by_its_new_type(corrected, client_for) -> None:  # noqa: ANN001
    staff = client_for("luu_tru_a")
    document = document_of(staff, CODE_A2)
    assert codes(staff.get("/api/search", params={"doc_type": "to_khai"})) == [CODE_A2]
    changed = staff.put(f"/api/documents/{document}/role", json={"doc_type": "don"})
    assert changed.status_code == 200, changed.text
    assert codes(staff.get("/api/search", params={"doc_type": "to_khai"})) == []
    assert codes(staff.get("/api/search", params={"doc_type": "don"})) == [CODE_A2]


def test_the_search_page_offers_the_filters_and_shows_role_and_type_facets(corrected, client_for) -> None:  # noqa: ANN001
    admin = client_for("admin")
    page = admin.get("/search", params={"q": "thôn", "role": "result"}, headers={"Accept": "text/html"}).text
    for label in ("Vai trò tài liệu", "Loại giấy tờ", "Số định danh / CCCD", "Cơ quan ban hành", "Ban hành từ ngày"):
        assert label in page, label
    assert '<option value="result" selected>Kết quả giải quyết</option>' in page
    assert "trich_luc" in page and CODE_A in page and CODE_A2 not in page
    fragment = admin.get("/search/results", params={"owner_id": "049 123 456 789", "issuer": "Lộc An"}).text
    assert CODE_A in fragment and CODE_B not in fragment
    assert "Kết quả giải quyết" in fragment  # the role facet, labelled
    cleared = admin.get("/search", params={"role": "receipt", "issued_from": "2030-01-01"}).text
    assert "Không tìm thấy hồ sơ nào" in cleared and 'value="2030-01-01"' in cleared


def test_cli_search_takes_the_same_filters(corrected, web_home) -> None:  # noqa: ANN001
    env = sohoa_env(web_home)
    result = sohoa(web_home, "search", "", "--type", "trich_luc", "--owner-id", "049 123 456 789",
                   "--issuer", "loc an", "--issued-from", "2022-09-01", "--issued-to", "2022-09-30", "--json", env=env)
    assert result.returncode == 0, result.stderr
    assert {row["dossier_code"] for row in json.loads(result.stdout)} == {CODE_A}
    result = sohoa(web_home, "search", "hùng", "--role", "component", "--json", env=env)
    assert result.returncode == 0 and json.loads(result.stdout) == []
    bad = sohoa(web_home, "search", "", "--role", "stamp", env=env)
    assert bad.returncode == 2 and "--role" in bad.stderr
    bad = sohoa(web_home, "search", "", "--issued-from", "20/09/2022", env=env)
    assert bad.returncode == 2 and "YYYY-MM-DD" in bad.stderr
