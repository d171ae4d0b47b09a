"""Links by QR, file name or text never cross units (issue 9 item 2).

Staff of unit A uploaded `<unit B's dossier code>.2.png` and it was added to unit B's dossier; a code of a dossier
with no unit was claimed for A, who could then read its earlier documents. A link outside the uploader's units
goes to the review queue ('unlinked', with the reason) instead, checked in the same transaction as the link.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from benchmarks.synth import generate_page, save_page
from storage.catalog import Catalog, open_catalog
from storage.catalog.documents import LinkRefused
from storage.catalog.registry import import_registry
from tests.flows.helpers import REPO, sohoa_env

UNIT_A = "UBND xã Lộc An"
UNIT_B = "UBND xã Duy Trung"
CODE_A = "H21.65-220914-0011"
CODE_B = "000.00.14.H12-220920-0003"
NO_UNIT = "H21.65-220101-0099"
PASSWORD = "mật-khẩu-đủ-dài-1"


def seed_registry(path: Path, *extra: tuple[str, str]) -> Path:
    rows = [(CODE_A, UNIT_A), (CODE_B, UNIT_B), *extra]
    path.write_text(
        "dossier_code,unit,received_at\n" + "".join(f"{code},{unit},14/09/2022\n" for code, unit in rows),
        encoding="utf-8",
    )
    return path


@pytest.fixture
def catalog(tmp_path: Path) -> Iterator[Catalog]:
    opened = open_catalog(f"sqlite:///{tmp_path / 'catalog.db'}")
    import_registry(opened, seed_registry(tmp_path / "seed.csv"), actor="admin")
    yield opened
    opened.close()


def new_document(catalog: Catalog, n: int) -> int:
    source = catalog.record_source_file(
        f"{n:02d}" * 32, object_key=None, original_name=f"scan{n}.png", size=1, format="png"
    )
    return catalog.record_document(source.id, 1, 1).id


def test_a_link_into_another_units_dossier_is_refused(catalog: Catalog) -> None:
    document = new_document(catalog, 1)
    with pytest.raises(LinkRefused) as refused:
        catalog.link_document(document, CODE_B, "filename", ordinal=2, unit=UNIT_A, units=[UNIT_A])
    assert refused.value.reason.startswith("mã hồ sơ thuộc đơn vị khác") and "another unit" in refused.value.reason
    assert catalog.documents_of_dossier(CODE_B) == []
    assert catalog.get_document(document).dossier_code is None
    # My own unit's dossier links as before; an admin (units=None) may link anywhere.
    assert catalog.link_document(document, CODE_A, "qr", unit=UNIT_A, units=[UNIT_A]).dossier_code == CODE_A
    other = new_document(catalog, 2)
    assert catalog.link_document(other, CODE_B, "filename", ordinal=2, unit=None).dossier_code == CODE_B


def test_a_dossier_without_a_unit_is_not_claimed_and_a_new_one_needs_a_unit(catalog: Catalog) -> None:
    first = new_document(catalog, 1)
    catalog.link_document(first, NO_UNIT, "filename", ordinal=1)  # command line, no --unit: no unit
    assert catalog.get_dossier(NO_UNIT).unit is None
    second = new_document(catalog, 2)
    with pytest.raises(LinkRefused, match="no unit"):
        catalog.link_document(second, NO_UNIT, "text", unit=UNIT_A, units=[UNIT_A])
    assert catalog.get_dossier(NO_UNIT).unit is None
    with pytest.raises(LinkRefused, match="no unit of yours"):
        catalog.link_document(second, "H21.65-230505-0001", "filename", unit=None, units=[UNIT_A])
    assert catalog.get_dossier("H21.65-230505-0001") is None
    created = catalog.link_document(second, "H21.65-230505-0002", "filename", unit=UNIT_A, units=[UNIT_A])
    assert catalog.get_dossier(created.dossier_code).unit == UNIT_A


# -- the whole path: a web upload by unit A's staff, read by Tesseract, linked (or not) by the ingest ---------


# In its own interpreter, as `sohoa serve` runs: Prefect's settings (home, ephemeral API) are read at import.
UPLOAD = """
import json, sys
from pathlib import Path
from fastapi.testclient import TestClient
from sohoa.config import load_settings
from web.app import create_app
home, scans, manifest, password = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]), sys.argv[4]
app = create_app(load_settings({"SOHOA_HOME": str(home)}), start_upload_worker=True)
with TestClient(app) as client:
    token = client.post("/api/session", json={"username": "luu_tru_a", "password": password}).json()["csrf_token"]
    files = [("files", (p.name, p.read_bytes(), "image/png")) for p in sorted(scans.iterdir())]
    files.append(("manifest", (manifest.name, manifest.read_bytes(), "text/csv")))
    response = client.post("/api/uploads", files=files, headers={"X-CSRF-Token": token})
    assert response.status_code == 202, response.text
    assert app.state.uploads.wait_idle(600)
    print(json.dumps(client.get(f"/api/uploads/{response.json()['id']}").json()))
"""


@pytest.mark.slow
def test_uploaded_files_naming_or_showing_other_units_codes_go_to_review(tmp_path: Path) -> None:
    from sohoa.config import load_settings
    from web.passwords import hash_password

    home = tmp_path / "home"
    home.mkdir()
    settings = load_settings(environ={"SOHOA_HOME": str(home)}, config_file=home / "none.toml")
    receipt = generate_page("receipt", seed=91, level=0)  # its QR names a dossier we place in unit B
    catalog = open_catalog(settings.database_url)
    try:
        import_registry(catalog, seed_registry(tmp_path / "seed.csv", (receipt.dossier_code, UNIT_B)), actor="admin")
        source = catalog.record_source_file("ee" * 32, object_key=None, original_name="old.png", size=1, format="png")
        catalog.link_document(catalog.record_document(source.id, 1, 1).id, NO_UNIT, "filename", ordinal=1)
        catalog.create_user("luu_tru_a", hash_password(PASSWORD), "archive_staff", [UNIT_A], actor="test")
    finally:
        catalog.close()
    scans = tmp_path / "scans"
    save_page(generate_page("decision", seed=7, level=0), scans / f"{CODE_B}.2.png")
    save_page(generate_page("decision", seed=8, level=0), scans / f"{NO_UNIT}.2.png")
    save_page(receipt, scans / "receipt.png")
    save_page(generate_page("decision", seed=9, level=0), scans / f"{CODE_A}.2.png")

    # The registry sent with the upload tries to take unit B's dossier over (row 2) and updates one of A's (row 3).
    manifest = tmp_path / "so-theo-doi.csv"
    manifest.write_text(
        "Mã hồ sơ,Đơn vị,Chủ hồ sơ,Ngày tiếp nhận,Trạng thái\n"
        f"{CODE_B},{UNIT_A},Kẻ Mạo Danh,20/09/2022,Đã hủy\n"
        f"{CODE_A},{UNIT_A},Nguyễn Văn Hùng,14/09/2022,Đã trả kết quả\n",
        encoding="utf-8",
    )
    # Prefect starts a temporary API server for the ingest tasks; on a busy 2-core machine that takes a while.
    env = sohoa_env(home, SOHOA_LANG="vi", PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS="300")
    # With the real Prefect server of `make test` when it runs: on a fresh PREFECT_HOME, files of one upload that
    # start while the temporary API server is still being created can fail with "Server process did not start"
    # (a known Prefect start-up race, noted in docs/ingest.md); this test is about unit scoping, not that race.
    if os.environ.get("SOHOA_TEST_PREFECT_API_URL"):
        env["PREFECT_API_URL"] = os.environ["SOHOA_TEST_PREFECT_API_URL"]
    run = subprocess.run([sys.executable, "-c", UPLOAD, str(home), str(scans), str(manifest), PASSWORD], env=env, cwd=REPO,
                         capture_output=True, text=True, timeout=900)
    assert run.returncode == 0, run.stderr[-3000:]
    batch = json.loads(run.stdout.strip().splitlines()[-1])
    assert batch["status"] == "finished" and batch["summary"]["new"] == 4, (batch["summary"], batch["errors"])
    assert [row["row"] for row in batch["summary"]["registry_rows"]] == [2]
    assert "another unit" in batch["summary"]["registry_rows"][0]["reason"]

    catalog = open_catalog(settings.database_url)
    try:
        # My own unit's file is linked as before: the three others were read and catalogued, not linked.
        assert [d.ordinal for d in catalog.documents_of_dossier(CODE_A)] == [2]
        assert catalog.documents_of_dossier(CODE_B) == []
        assert catalog.documents_of_dossier(receipt.dossier_code) == []
        assert [d.source_file_id for d in catalog.documents_of_dossier(NO_UNIT)] == [source.id]
        assert catalog.get_dossier(NO_UNIT).unit is None
        dossier_b = catalog.get_dossier(CODE_B)
        assert (dossier_b.unit, dossier_b.applicant) == (UNIT_B, None)
        assert catalog.get_dossier(CODE_A).status == "Đã trả kết quả"
        updated = [e for e in catalog.events("dossier", CODE_A) if e.action == "dossier.registry_updated"]
        assert [(e.actor, e.detail["changes"]["status"]["new"]) for e in updated] == [("luu_tru_a", "Đã trả kết quả")]
        reasons = {i.path: i.reason for i in catalog.review_items(status="open") if i.kind == "unlinked"}
        assert sorted(reasons) == sorted([f"{CODE_B}.2.png", f"{NO_UNIT}.2.png", "receipt.png"])
        assert "another unit" in reasons[f"{CODE_B}.2.png"] and "(filename)" in reasons[f"{CODE_B}.2.png"]
        assert "no unit" in reasons[f"{NO_UNIT}.2.png"]
        assert "another unit" in reasons["receipt.png"] and "(qr)" in reasons["receipt.png"]
    finally:
        catalog.close()
