"""Officers see only their units' dossiers: by search, by URL and by API another unit's dossier does not exist."""

from __future__ import annotations

import pytest

from tests.web.archive import UNIT_A, UNIT_B

CODE_A = "H21.65-220914-0011"
CODE_B = "000.00.14.H12-220920-0003"


def document_of(client, code: str) -> int:  # noqa: ANN001
    return client.get(f"/api/dossiers/{code}").json()["documents"][0]["id"]


def test_unaccented_search_finds_the_accented_applicant_of_my_unit(client_for) -> None:
    client = client_for("can_bo_a")
    body = client.get("/api/search", params={"q": "nguyen van hung"}).json()
    assert [g["dossier_code"] for g in body["groups"]] == [CODE_A]
    assert "<mark>Nguyễn</mark>" in body["groups"][0]["best"]["snippet"]
    assert body["facets"]["unit"] == {UNIT_A: 1}
    page = client.get("/search", params={"q": "nguyen van hung"})
    assert CODE_A in page.text and "<mark>Hùng</mark>" in page.text


def test_another_units_dossier_is_invisible_to_search_url_and_api(client_for) -> None:
    admin = client_for("admin")
    document_b = document_of(admin, CODE_B)
    officer_a = client_for("can_bo_a")
    assert officer_a.get("/api/search", params={"q": "tran thi bich ngoc"}).json()["total"] == 0
    assert officer_a.get("/api/search", params={"q": CODE_B}).json()["total"] == 0
    results = officer_a.get("/search/results", params={"q": "Trần Thị Bích Ngọc"}).text
    assert CODE_B not in results and "<mark>" not in results and 'id="total">0' in results
    for path in (
        f"/dossiers/{CODE_B}",
        f"/api/dossiers/{CODE_B}",
        f"/documents/{document_b}/pages/1",
        f"/documents/{document_b}/pages/1/image",
        f"/documents/{document_b}/pages/1/thumb",
        f"/documents/{document_b}/original",
        f"/documents/{document_b}/pdf",
        f"/api/documents/{document_b}/original",
        f"/api/documents/{document_b}/pdf",
        f"/api/documents/{document_b}/pages/1",
    ):
        response = officer_a.get(path)
        assert response.status_code == 404, path
        # Same answer as for a code that does not exist at all: nothing to probe with.
        assert "Ngọc" not in response.text
    assert officer_a.get("/dossiers/H99.99-990101-9999").status_code == 404


def test_officer_of_the_other_unit_sees_their_own(client_for) -> None:
    officer_b = client_for("can_bo_b")
    assert [
        g["dossier_code"] for g in officer_b.get("/api/search", params={"q": "ngoc"}).json()["groups"]
    ] == [CODE_B]
    assert officer_b.get(f"/api/dossiers/{CODE_A}").status_code == 404
    facets = officer_b.get("/api/search", params={"q": "xa"}).json()["facets"]
    assert set(facets.get("unit", {})) <= {UNIT_B}


def test_manager_of_two_units_sees_both_and_admin_sees_all(client_for) -> None:
    manager = client_for("lanh_dao")
    codes = {g["dossier_code"] for g in manager.get("/api/search", params={"q": "thon"}).json()["groups"]}
    assert {CODE_A, CODE_B} <= codes
    admin = client_for("admin")
    assert admin.get(f"/api/dossiers/{CODE_B}").status_code == 200


def test_unlinked_documents_are_shown_only_to_review_staff_of_the_batch_unit(client_for) -> None:
    admin = client_for("admin")
    unlinked = next(i for i in admin.get("/api/review").json() if i["kind"] == "unlinked")
    document = unlinked["document_id"]
    assert client_for("can_bo_a").get(f"/documents/{document}").status_code == 404
    assert client_for("can_bo_b").get(f"/documents/{document}").status_code == 404
    assert client_for("luu_tru_a").get(f"/documents/{document}").status_code == 200


@pytest.mark.parametrize(
    ("username", "path", "status"),
    [
        ("can_bo_a", "/dashboard", 403),
        ("can_bo_a", "/upload", 403),
        ("can_bo_a", "/review", 403),
        ("can_bo_a", "/admin/users", 403),
        ("can_bo_a", "/api/report", 403),
        ("lanh_dao", "/admin/audit", 403),
        ("lanh_dao", "/dashboard", 200),
        ("luu_tru_a", "/review", 200),
        ("luu_tru_a", "/upload", 200),
        ("admin", "/admin/audit", 200),
    ],
)
def test_roles_open_only_their_pages(client_for, username: str, path: str, status: int) -> None:
    assert client_for(username).get(path).status_code == status


def test_pages_redirect_to_login_and_api_answers_401_without_a_session(client_for) -> None:
    anonymous = client_for(None)
    response = anonymous.get(f"/dossiers/{CODE_A}", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].startswith("/login?next=")
    assert anonymous.get("/api/search", params={"q": "hung"}).status_code == 401
    assert anonymous.get("/documents/1/original", follow_redirects=False).status_code == 303


def test_downloads_stream_the_stored_files_with_archival_names_and_are_audited(client_for) -> None:
    officer = client_for("can_bo_a")
    document = document_of(officer, CODE_A)
    original = officer.get(f"/documents/{document}/original")
    assert original.status_code == 200 and original.content.startswith(b"%PDF")
    assert "H21.65-220914-0011.1.pdf" in original.headers["content-disposition"]
    pdf = officer.get(f"/documents/{document}/pdf")
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert 'filename="H21.65-220914-0011.1.pdf"' in pdf.headers["content-disposition"]
    admin = client_for("admin")
    events = admin.get("/api/audit", params={"actor": "can_bo_a", "action": "document.download"}).json()
    files = {e["detail"]["file"] for e in events["events"] if e["object_id"] == CODE_A}
    assert files == {"original", "pdf"}


def test_views_and_searches_are_audited_with_the_dossiers_shown(client_for) -> None:
    officer = client_for("can_bo_b")
    officer.get("/search", params={"q": "bich ngoc"})
    officer.get(f"/dossiers/{CODE_B}")
    events = client_for("admin").get("/api/audit", params={"actor": "can_bo_b"}).json()["events"]
    search = next(e for e in events if e["action"] == "search" and e["object_id"] == "bich ngoc")
    assert search["detail"]["dossiers"] == [CODE_B]
    assert any(e["action"] == "dossier.view" and e["object_id"] == CODE_B for e in events)


def test_page_viewer_marks_low_confidence_words(client_for) -> None:
    officer = client_for("can_bo_a")
    document = document_of(officer, CODE_A)
    page = officer.get(f"/documents/{document}/pages/1")
    assert page.status_code == 200
    assert '<mark class="low" title="40%">Phú</mark>' in page.text
    assert page.text.count('class="lowbox"') == 2
    words = officer.get(f"/api/documents/{document}/pages/1").json()["low_confidence_words"]
    assert [w["text"] for w in words] == ["Phú", "Hải,"]
