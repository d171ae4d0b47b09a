"""Review actions: assign a dossier code, mark a page checked, retry a quarantined file; each audited."""

from __future__ import annotations

from pathlib import Path

from tests.web.archive import UNIT_B
from tests.web.conftest import PASSWORD
from web.passwords import hash_password


def items(client, kind: str) -> list[dict]:  # noqa: ANN001
    return [i for i in client.get("/api/review").json() if i["kind"] == kind]


def test_assigning_a_dossier_links_indexes_and_audits(client_for) -> None:
    staff = client_for("luu_tru_a")
    unlinked = items(staff, "unlinked")[0]
    bad = staff.post(f"/api/review/{unlinked['id']}/assign", json={"dossier_code": "not a code"})
    assert bad.status_code == 422
    other_unit = staff.post(
        f"/api/review/{unlinked['id']}/assign", json={"dossier_code": "000.00.14.H12-220920-0003"}
    )
    assert other_unit.status_code == 404, "a dossier of another unit is not there for this user"
    done = staff.post(f"/api/review/{unlinked['id']}/assign", json={"dossier_code": "h21.65-230115-0007"})
    assert done.status_code == 200 and done.json()["dossier_code"] == "H21.65-230115-0007"
    assert not any(i["id"] == unlinked["id"] for i in items(staff, "unlinked"))
    found = staff.get("/api/search", params={"q": "hoang van tu"}).json()
    assert [g["dossier_code"] for g in found["groups"]] == ["H21.65-230115-0007"]
    officer = client_for("can_bo_a")
    assert (
        officer.get("/api/dossiers/H21.65-230115-0007").json()["documents"][0]["id"]
        == unlinked["document_id"]
    )
    audit = client_for("admin").get("/api/audit", params={"actor": "luu_tru_a", "action": "review."}).json()
    assert any(
        e["action"] == "review.assign" and e["object_id"] == "H21.65-230115-0007" for e in audit["events"]
    )


def test_marking_a_low_confidence_page_checked_closes_it(client_for) -> None:
    staff = client_for("luu_tru_a")
    low = items(staff, "low_confidence")[0]
    assert staff.post(f"/api/review/{low['id']}/checked").status_code == 204
    assert not items(staff, "low_confidence")
    audit = client_for("admin").get("/api/audit", params={"action": "review.checked"}).json()["events"]
    assert audit and audit[0]["actor"] == "luu_tru_a"


def test_a_page_declared_blank_is_shown_with_its_evidence_and_can_be_checked(app, client_for) -> None:
    catalog = app.state.services.catalog
    low = next(i for i in catalog.review_items(status=None) if i.kind == "low_confidence")
    catalog.open_review_item("blank", "trang trắng? 9 nét mực cỡ chữ / blank page? 9 glyph-sized marks",
                             page_id=low.page_id, document_id=low.document_id)
    staff = client_for("luu_tru_a")
    blank = items(staff, "blank")[0]
    page = staff.get("/review")
    assert page.status_code == 200 and "9 nét mực" in page.text and "Trang được coi là trắng" in page.text
    assert staff.post(f"/api/review/{blank['id']}/checked").status_code == 204
    assert not items(staff, "blank")


def test_review_items_of_other_units_cannot_be_acted_on(app, client_for) -> None:
    catalog = app.state.services.catalog
    catalog.create_user("luu_tru_b", hash_password(PASSWORD), "archive_staff", [UNIT_B], actor="test")
    staff_b = client_for("luu_tru_b")
    assert staff_b.get("/api/review").json() == []
    quarantined = items(client_for("admin"), "quarantined")[0]
    assert staff_b.post(f"/api/review/{quarantined['id']}/retry").status_code == 404


def test_retrying_a_quarantined_file_queues_it_again(app, client_for) -> None:
    staff = client_for("luu_tru_a")
    quarantined = items(staff, "quarantined")[0]
    response = staff.post(f"/api/review/{quarantined['id']}/retry")
    assert response.status_code == 200
    batch = response.json()
    assert batch["status"] == "queued" and batch["file_count"] == 1
    assert not items(staff, "quarantined")
    # The worker is off in this module: the original was fetched back from the store into the batch folder.
    folder = app.state.uploads.get(batch["id"]).folder
    assert (Path(folder) / "scans" / "hong.pdf").read_bytes() == b"not really a pdf"


def test_a_resolved_item_cannot_be_assigned_retried_or_checked_again(app, client_for) -> None:
    catalog = app.state.services.catalog
    staff = client_for("luu_tru_a")
    resolved = {i.kind: i for i in catalog.review_items(status="resolved")}
    # Earlier tests in this module resolved one item of each kind; make sure of it whatever their order.
    for kind in ("unlinked", "quarantined", "low_confidence"):
        if kind not in resolved:
            item = next(i for i in catalog.review_items(status="open") if i.kind == kind)
            resolved[kind] = catalog.resolve_review_item(item.id, "luu_tru_a", "done in this test")
    before = len(catalog.events(object_type="review_item")) + len(catalog.events(object_type="dossier"))
    again = staff.post(f"/api/review/{resolved['unlinked'].id}/assign", json={"dossier_code": "H21.65-220914-0011"})
    assert again.status_code == 409 and again.json()["detail"] == "review.already_resolved"
    assert staff.post(f"/api/review/{resolved['quarantined'].id}/retry").status_code == 409
    assert staff.post(f"/api/review/{resolved['low_confidence'].id}/checked").status_code == 409
    after = len(catalog.events(object_type="review_item")) + len(catalog.events(object_type="dossier"))
    assert after == before, "a refused action changes nothing and audits nothing"
    document = catalog.get_document(resolved["unlinked"].document_id)
    assert document.dossier_code != "H21.65-220914-0011"
    page = staff.post(
        f"/review/{resolved['quarantined'].id}/retry",
        data={"csrf_token": staff.headers["X-CSRF-Token"]},
        follow_redirects=True,
    )
    assert "đã được xử lý" in page.text
