"""Access follows unit succession (issue 10): when Lộc An is merged into a new commune, the new commune's
officer sees Lộc An's dossiers by search, URL and API; the other commune's stay invisible, and Lộc An's own
officer keeps seeing only Lộc An."""

from __future__ import annotations

from datetime import date

import pytest

from storage.catalog import open_catalog
from tests.web.archive import UNIT_A, settings_for
from tests.web.conftest import PASSWORD
from web.passwords import hash_password

CODE_A = "H21.65-220914-0011"
CODE_B = "000.00.14.H12-220920-0003"
NEW_UNIT = "UBND xã Lộc An Mới"


@pytest.fixture(scope="module", autouse=True)
def merged(web_home) -> None:  # noqa: ANN001
    catalog = open_catalog(settings_for(web_home).database_url)
    try:
        catalog.set_unit(NEW_UNIT, tier="commune")
        catalog.set_unit(UNIT_A, tier="commune", successor=NEW_UNIT, merged_on=date(2025, 7, 1))
        catalog.create_user("can_bo_moi", hash_password(PASSWORD), "officer", [NEW_UNIT], actor="test")
        catalog.create_user("lanh_dao_moi", hash_password(PASSWORD), "manager", [NEW_UNIT], actor="test")
    finally:
        catalog.close()


def test_the_successors_officer_sees_the_absorbed_communes_dossier(client_for) -> None:
    officer = client_for("can_bo_moi")
    assert officer.get(f"/api/dossiers/{CODE_A}").status_code == 200
    assert officer.get(f"/dossiers/{CODE_A}").status_code == 200
    groups = officer.get("/api/search", params={"q": "nguyen van hung"}).json()["groups"]
    assert [g["dossier_code"] for g in groups] == [CODE_A]
    document = officer.get(f"/api/dossiers/{CODE_A}").json()["documents"][0]["id"]
    assert officer.get(f"/documents/{document}/pdf").status_code == 200


def test_the_successor_does_not_see_other_communes(client_for) -> None:
    officer = client_for("can_bo_moi")
    assert officer.get(f"/api/dossiers/{CODE_B}").status_code == 404
    assert officer.get("/api/search", params={"q": "tran thi bich ngoc"}).json()["total"] == 0


def test_the_absorbed_communes_officer_keeps_only_their_own(client_for) -> None:
    officer_a = client_for("can_bo_a")
    assert officer_a.get(f"/api/dossiers/{CODE_A}").status_code == 200
    assert officer_a.get(f"/api/dossiers/{CODE_B}").status_code == 404


def test_the_successors_manager_reports_the_absorbed_dossiers(client_for) -> None:
    manager = client_for("lanh_dao_moi")
    page = manager.get("/dashboard")
    assert page.status_code == 200
    admin_codes = client_for("admin").get("/api/dossiers/" + CODE_A).json()
    assert admin_codes["dossier_code"] == CODE_A
    export = manager.get("/dashboard/export.csv", params={"by": "unit"})
    assert export.status_code == 200 and UNIT_A in export.content.decode("utf-8-sig")
