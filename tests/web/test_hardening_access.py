"""Issue 9's access holes in the web app: manual assignment ordinals (item 9), presigned S3 links that are short,
named and audited, audit of denied attempts and of page-image fetches, and /api/docs under our own CSP."""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from fastapi.testclient import TestClient

from tests.conftest import service_url
from tests.web.archive import UNIT_A, add_scan, write_registry
from tests.web.conftest import PASSWORD, login

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]
CODE_A = "H21.65-220914-0011"
CODE_B = "000.00.14.H12-220920-0003"


def require_chromium() -> None:
    if CHROMIUM.exists():
        return
    message = f"{CHROMIUM} is missing: apt-get install -y chromium"
    if os.environ.get("SOHOA_REQUIRE_SERVICES") == "1":
        pytest.fail(message)
    pytest.skip(message)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def document_of(client: TestClient, code: str) -> int:
    return client.get(f"/api/dossiers/{code}").json()["documents"][0]["id"]


def new_events(catalog, before: int, **match: str) -> list:  # noqa: ANN001
    return [
        e for e in catalog.events()[before:] if all(getattr(e, name) == value for name, value in match.items())
    ]


# -- manual assignments --------------------------------------------------------------------------------------


def test_each_manually_assigned_document_gets_its_own_ordinal(app, client_for) -> None:  # noqa: ANN001
    catalog, store = app.state.services.catalog, app.state.services.store
    batch = catalog.start_batch(f"web-test-{UNIT_A}", "tests", unit=UNIT_A)
    documents = []
    for n in (1, 2):
        source, document, _page = add_scan(catalog, store, batch.id, f"Scan_bo_sung_{n}.pdf", f"Giấy tờ bổ sung {n}")
        catalog.open_review_item(
            "unlinked", "no dossier code", document_id=document.id, source_file_id=source.id, path=source.original_name
        )
        documents.append(document.id)
    staff = client_for("luu_tru_a")
    item_of = {i["document_id"]: i["id"] for i in staff.get("/api/review").json() if i["kind"] == "unlinked"}
    for document in documents:
        assigned = staff.post(f"/api/review/{item_of[document]}/assign", json={"dossier_code": CODE_A})
        assert assigned.status_code == 200, assigned.text
    placed = {d["id"]: (d["ordinal"], d["version"]) for d in staff.get(f"/api/dossiers/{CODE_A}").json()["documents"]}
    # The scanned document 1 keeps its place; the two placed by hand are documents 2 and 3, not versions of 1.
    assert sorted(placed.values()) == [(1, 1), (2, 1), (3, 1)]
    assert [placed[d] for d in documents] == [(2, 1), (3, 1)]
    pdf = staff.get(f"/api/documents/{documents[1]}/pdf")
    assert f"filename*=UTF-8''{CODE_A}.3.pdf" in pdf.headers["content-disposition"]


# -- audit of denied attempts and page images ----------------------------------------------------------------


def test_denied_attempts_are_audited_once_per_request(app, client_for) -> None:  # noqa: ANN001
    catalog = app.state.services.catalog
    document_b = document_of(client_for("admin"), CODE_B)
    officer = client_for("can_bo_a")
    before = len(catalog.events())
    missing = "/dossiers/H99.99-990101-9999"
    answers = {
        f"/api/dossiers/{CODE_B}": 404,
        f"/documents/{document_b}/pages/1/image": 404,
        f"/api/documents/{document_b}/pdf": 404,
        "/api/users": 403,
        missing: 404,
    }
    for path, status in answers.items():
        assert officer.get(path).status_code == status, path
    denied = new_events(catalog, before, actor="can_bo_a", action="access.denied")
    assert [(e.object_id, e.detail["status"], e.detail["reason"]) for e in denied] == [
        (f"/api/dossiers/{CODE_B}", 404, "other_unit"),
        (f"/documents/{document_b}/pages/1/image", 404, "other_unit"),
        (f"/api/documents/{document_b}/pdf", 404, "other_unit"),
        ("/api/users", 403, "forbidden"),
        (missing, 404, "missing"),
    ]
    # The answers themselves stay the same for another unit's dossier and a missing one: nothing to probe.
    assert officer.get(f"/dossiers/{CODE_B}").text.replace(CODE_B, "X") == officer.get(missing).text.replace(
        "H99.99-990101-9999", "X"
    )


def test_page_image_fetches_are_audited(app, client_for) -> None:  # noqa: ANN001
    catalog = app.state.services.catalog
    officer = client_for("can_bo_a")
    document = document_of(officer, CODE_A)
    before = len(catalog.events())
    assert officer.get(f"/documents/{document}/pages/1/image").status_code == 200
    assert officer.get(f"/documents/{document}/pages/1/thumb").status_code == 200
    images = new_events(catalog, before, actor="can_bo_a", action="page.image")
    assert [(e.object_type, e.object_id, e.detail["page"], e.detail["size"]) for e in images] == [
        ("dossier", CODE_A, 1, "full"),
        ("dossier", CODE_A, 1, "thumb"),
    ]
    assert images[0].detail["delivery"] == "stream"


# -- presigned links on real S3 servers ----------------------------------------------------------------------


@pytest.fixture(scope="module", params=["SOHOA_TEST_MINIO_URL", "SOHOA_TEST_SEAWEEDFS_URL"])
def s3_app(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator:
    from sohoa.config import load_settings
    from storage.catalog.registry import import_registry
    from web.app import create_app
    from web.passwords import hash_password

    url = service_url(request.param)
    home = tmp_path_factory.mktemp("s3web")
    settings = load_settings(
        environ={"SOHOA_HOME": str(home), "SOHOA_STORAGE_URL": url}, config_file=home / "none.toml"
    )
    application = create_app(settings, start_upload_worker=False)
    catalog, store = application.state.services.catalog, application.state.services.store
    import_registry(catalog, write_registry(home / "registry.csv"))
    batch = catalog.start_batch("s3-web", "tests", unit=UNIT_A)
    _source, document, _page = add_scan(catalog, store, batch.id, "Tờ khai khai sinh.pdf", "Tờ khai khai sinh")
    catalog.link_document(document.id, CODE_A, "filename", ordinal=1, unit=UNIT_A)
    catalog.create_user("can_bo_a", hash_password(PASSWORD), "officer", [UNIT_A], actor="test")
    yield application
    application.state.services.close()


def test_presigned_downloads_are_short_lived_named_and_audited(s3_app) -> None:  # noqa: ANN001
    catalog = s3_app.state.services.catalog
    with TestClient(s3_app) as client:
        login(client, "can_bo_a")
        document = document_of(client, CODE_A)
        before = len(catalog.events())
        answer = client.get(f"/api/documents/{document}/pdf", follow_redirects=False)
        assert answer.status_code == 307
        link = answer.headers["location"]
        original = client.get(f"/documents/{document}/original", follow_redirects=False).headers["location"]
    assert parse_qs(urlsplit(link).query)["X-Amz-Expires"] == ["300"]
    fetched = httpx.get(link, timeout=10)
    assert fetched.status_code == 200 and fetched.content.startswith(b"%PDF-1.4 searchable")
    # TT 02/2019: <dossier code>.<ordinal>.pdf, whatever the stored object is called.
    assert fetched.headers["content-disposition"].startswith("attachment;")
    assert f"filename*=UTF-8''{CODE_A}.1.pdf" in fetched.headers["content-disposition"]
    assert fetched.headers["content-type"] == "application/pdf"
    assert "no-store" in fetched.headers["cache-control"]
    named = httpx.get(original, timeout=10)
    assert named.status_code == 200
    assert "filename*=UTF-8''T%E1%BB%9D%20khai%20khai%20sinh.pdf" in named.headers["content-disposition"]
    # The name is part of the signature: a link edited to serve under another name is refused.
    tampered = link.replace("attachment", "inline")
    assert tampered != link and httpx.get(tampered, timeout=10).status_code == 403
    issued = new_events(catalog, before, actor="can_bo_a", action="document.download")
    assert [(e.detail["file"], e.detail["delivery"], e.detail["expires_in_s"]) for e in issued] == [
        ("pdf", "presigned", 300),
        ("original", "presigned", 300),
    ]


# -- /api/docs under our own CSP -----------------------------------------------------------------------------


def test_api_docs_load_only_assets_served_here(client_for) -> None:  # noqa: ANN001
    client = client_for()
    page = client.get("/api/docs")
    assert page.status_code == 200
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert "http" not in page.text.replace('href="/', "").split("<body>")[0].replace("http-equiv", "")
    assert "<script>" not in page.text  # no inline script: our CSP would block it
    for asset in ("/api/docs/assets/swagger-ui-bundle.js", "/api/docs/assets/swagger-ui.css", "/api/docs/init.js"):
        response = client.get(asset)
        assert response.status_code == 200 and len(response.content) > 100, asset


@pytest.fixture
def live_server(app) -> Iterator[str]:  # noqa: ANN001
    import uvicorn

    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.1)
    assert server.started, "uvicorn did not start"
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.mark.browser
def test_api_docs_render_their_operations_in_a_browser(live_server: str, tmp_path: Path) -> None:
    require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            problems: list[str] = []
            # Anything the CSP blocks is reported on the console; a missing asset shows as a failed response.
            page.on("console", lambda m: problems.append(m.text) if "Content Security Policy" in m.text else None)
            page.on("pageerror", lambda error: problems.append(str(error)))
            page.on(
                "response",
                lambda r: problems.append(f"{r.status} {r.url}")
                if r.status >= 400 and not r.url.endswith("/favicon.ico")
                else None,
            )
            response = page.goto(f"{live_server}/api/docs")
            assert response is not None and "script-src 'self'" in response.headers["content-security-policy"]
            page.wait_for_selector(".opblock-summary-path", timeout=60_000)
            paths = page.locator(".opblock-summary-path").all_inner_texts()
            assert "/api/search" in paths and "/api/dossiers/{dossier_code}" in paths, paths
            assert len(paths) >= 15
            page.locator(".opblock-summary-path", has_text="/api/search").first.click()
            page.wait_for_selector("text=Try it out", timeout=10_000)
            page.screenshot(path=str(tmp_path / "api-docs.png"), full_page=False)
            assert not problems, problems
        finally:
            browser.close()


def test_a_manual_assignment_cannot_claim_a_dossier_without_a_unit(app, client_for) -> None:  # noqa: ANN001
    catalog, store = app.state.services.catalog, app.state.services.store
    batch = catalog.start_batch("web-test-no-unit", "tests", unit=None)
    _source, old, _page = add_scan(catalog, store, batch.id, "Scan_khong_don_vi.pdf", "Giấy tờ cũ")
    catalog.link_document(old.id, "H21.65-210101-0001", "filename", ordinal=1)  # command line, no unit
    mine = catalog.start_batch(f"web-test-{UNIT_A}", "tests", unit=UNIT_A)
    source, document, _page = add_scan(catalog, store, mine.id, "Scan_cua_A.pdf", "Giấy tờ mới của xã Lộc An")
    catalog.open_review_item("unlinked", "no code", document_id=document.id, source_file_id=source.id, path="x.pdf")
    staff = client_for("luu_tru_a")
    item = next(i for i in staff.get("/api/review").json() if i["document_id"] == document.id)
    refused = staff.post(f"/api/review/{item['id']}/assign", json={"dossier_code": "H21.65-210101-0001"})
    assert refused.status_code == 404
    assert catalog.get_dossier("H21.65-210101-0001").unit is None
    assert [d.id for d in catalog.documents_of_dossier("H21.65-210101-0001")] == [old.id]
