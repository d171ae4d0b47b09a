"""Signing in the web app: archive staff sign a batch with the server's configured key and the PIN typed in
the form, the viewer shows "đã ký số" with the signer and status; refusals and a wrong PIN sign nothing.
The browser test drives Debian's Chromium (Playwright) against a live `sohoa serve`."""

from __future__ import annotations

import dataclasses
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from storage.catalog import open_catalog
from tests.signing.archive import UNIT_A, UNIT_B, Archive, build_archive
from tests.signing.conftest import OFFICER, PASSPHRASE, REPO
from web.passwords import hash_password

PASSWORD = "mật-khẩu-đủ-dài-1"
CHROMIUM = Path("/usr/bin/chromium")


def signing_env(home: Path, p12: Path, root: Path) -> dict[str, str]:
    keys = home / "signing-keys.toml"
    keys.write_text(f'[officer."*"]\npkcs12 = "{p12}"\n', encoding="utf-8")
    return {"SOHOA_SIGNING_KEYS": str(keys), "SOHOA_TRUST_ROOTS": str(root)}


@pytest.fixture()
def signing_app(tmp_path: Path, officer_p12, trust_root: Path, monkeypatch: pytest.MonkeyPatch):
    from web.app import create_app

    archive = build_archive(tmp_path / "home", password_hash=hash_password(PASSWORD))
    env = signing_env(archive.settings.home, officer_p12.path, trust_root)
    signing = {name.removeprefix("SOHOA_").lower(): value for name, value in env.items()}
    monkeypatch.setenv("SOHOA_LANG", "vi")
    app = create_app(dataclasses.replace(archive.settings, signing=signing), start_upload_worker=False)
    yield app, archive
    app.state.services.close()


def client(app, username: str) -> tuple[TestClient, str]:
    c = TestClient(app, base_url="http://testserver")
    response = c.post("/api/session", json={"username": username, "password": PASSWORD})
    assert response.status_code == 200, response.text
    return c, response.json()["csrf_token"]


def wait_done(c: TestClient, location: str) -> str:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        page = c.get(location).text
        if 'id="sign-done"' in page:
            return page
        time.sleep(0.2)
    raise AssertionError("signing did not finish")


def test_staff_sign_a_batch_and_the_viewer_shows_it(signing_app) -> None:
    app, archive = signing_app
    c, csrf = client(app, "luu_tru_a")
    batch = archive.batches[UNIT_A]
    assert 'id="sign-batch-form"' in c.get(f"/sign/batches/{batch}").text
    started = c.post(
        f"/sign/batches/{batch}",
        data={"role": "officer", "pin": PASSPHRASE, "csrf_token": csrf},
        follow_redirects=False,
    )
    assert started.status_code == 303
    done = wait_done(c, started.headers["location"])
    assert "Đã ký 2/2 tài liệu" in done
    page = c.get(f"/dossiers/{archive.dossiers[UNIT_A][0]}").text
    assert "đã ký số" in page and OFFICER in page and "chữ ký hợp lệ" in page
    signed = c.get(f"/documents/{archive.documents[UNIT_A][0]}/signed")
    assert signed.status_code == 200 and signed.content.startswith(b"%PDF")
    with open_catalog(archive.settings.database_url) as catalog:
        rows = catalog.signatures_of_documents(archive.documents[UNIT_A])
        assert all(r[0].signer_username == "luu_tru_a" for r in rows.values())
        events = [e for e in catalog.events() if PASSPHRASE in str(e.detail)]
        assert events == [], "the PIN is never stored"


def test_wrong_pin_signs_nothing_and_says_so(signing_app) -> None:
    app, archive = signing_app
    c, csrf = client(app, "luu_tru_a")
    started = c.post(
        f"/sign/batches/{archive.batches[UNIT_A]}",
        data={"role": "officer", "pin": "sai", "csrf_token": csrf},
        follow_redirects=False,
    )
    done = wait_done(c, started.headers["location"])
    assert "wrong passphrase" in done and "sai</" not in done
    with open_catalog(archive.settings.database_url) as catalog:
        assert not any(catalog.signatures_of_documents(archive.documents[UNIT_A]).values())


def test_who_may_sign(signing_app) -> None:
    app, archive = signing_app
    officer, csrf = client(app, "can_bo_a")  # an officer account views but does not sign
    page = officer.get(f"/dossiers/{archive.dossiers[UNIT_A][0]}").text
    assert "sign-form" not in page
    refused = officer.post(
        f"/sign/documents/{archive.documents[UNIT_A][0]}",
        data={"role": "officer", "pin": PASSPHRASE, "csrf_token": csrf},
        follow_redirects=False,
    )
    assert refused.status_code == 403
    staff, csrf = client(app, "luu_tru_a")
    other = staff.post(
        f"/sign/documents/{archive.documents[UNIT_B][0]}",
        data={"role": "officer", "pin": PASSPHRASE, "csrf_token": csrf},
        follow_redirects=False,
    )
    assert other.status_code == 404, "another unit's document looks missing"
    no_csrf = staff.post(
        f"/sign/documents/{archive.documents[UNIT_A][0]}",
        data={"role": "officer", "pin": PASSPHRASE, "csrf_token": "x"},
        follow_redirects=False,
    )
    assert no_csrf.status_code in (400, 403)
    with open_catalog(archive.settings.database_url) as catalog:
        ids = archive.documents[UNIT_A] + archive.documents[UNIT_B]
        assert not any(catalog.signatures_of_documents(ids).values())


# -- in a real browser ---------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture()
def served(tmp_path: Path, officer_p12, trust_root: Path) -> Iterator[tuple[str, Archive]]:
    if not CHROMIUM.exists():
        if os.environ.get("SOHOA_REQUIRE_SERVICES") == "1":
            pytest.fail(f"{CHROMIUM} is missing: apt-get install -y chromium")
        pytest.skip(f"{CHROMIUM} is missing: apt-get install -y chromium")
    archive = build_archive(tmp_path / "home", password_hash=hash_password(PASSWORD))
    env = {k: v for k, v in os.environ.items() if not k.startswith("SOHOA_")}
    env.update(
        SOHOA_HOME=str(archive.settings.home),
        SOHOA_LANG="vi",
        PYTHONPATH=str(REPO),
        PREFECT_HOME=str(tmp_path / "prefect"),
        SOHOA_CONFIG=str(tmp_path / "none.toml"),
        **signing_env(archive.settings.home, officer_p12.path, trust_root),
    )
    port = free_port()
    log = (tmp_path / "server.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "sohoa", "serve", "--port", str(port)],
        env=env,
        cwd=REPO,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                break
        except OSError:
            assert server.poll() is None, (tmp_path / "server.log").read_text()
            time.sleep(0.3)
    try:
        yield f"http://127.0.0.1:{port}", archive
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


@pytest.mark.browser
def test_browser_signs_a_batch_and_sees_it_signed(served) -> None:
    from playwright.sync_api import expect, sync_playwright

    url, archive = served
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"],
        )
        page = chromium.new_context(locale="vi-VN").new_page()
        page.goto(f"{url}/login")
        page.fill("input[name=username]", "luu_tru_a")
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url("**/search")
        page.goto(f"{url}/dossiers/{archive.dossiers[UNIT_A][0]}")
        page.click("a.sign-batch")  # from the document to its batch
        page.fill("#sign-batch-form input[name=pin]", PASSPHRASE)
        page.click("#sign-batch-submit")
        expect(page.locator("#sign-done")).to_contain_text("Đã ký 2/2", timeout=60_000)
        page.click("#sign-back")
        for code in archive.dossiers[UNIT_A]:
            page.goto(f"{url}/dossiers/{code}")
            line = page.locator(".signature").first
            expect(line).to_contain_text("đã ký số")
            expect(line.locator(".signer")).to_have_text(OFFICER)
            expect(line.locator(".status")).to_have_text("chữ ký hợp lệ")
        (REPO / "tests" / "artifacts").mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(REPO / "tests" / "artifacts" / "web-signed-dossier.png"), full_page=True)
        chromium.close()


def test_a_file_that_came_in_signed_shows_its_signature(signing_app, agency_p12, tmp_path: Path) -> None:
    import hashlib

    from sohoa.compose import open_object_store
    from sohoa.signing.keys import open_signer
    from sohoa.signing.sign import SignatureRequest, sign_pdf
    from storage.catalog import PageInput
    from storage.objects import derived_key, original_key
    from tests.signing.conftest import AGENCY, build_pdf

    app, archive = signing_app
    with open_signer(agency_p12, PASSPHRASE) as signer:
        signed = sign_pdf(
            build_pdf(tmp_path / "r.pdf", pages=1).read_bytes(),
            signer,
            SignatureRequest("agency", "Lê Văn Tám", AGENCY),
        )
    sha = hashlib.sha256(signed).hexdigest()
    store = open_object_store(archive.settings.storage_url)
    store.put_bytes(original_key(sha, ".pdf"), signed)
    pdf_key = store.put_bytes(
        derived_key(sha, "document-00001-00001.pdf"), build_pdf(tmp_path / "o.pdf", 1).read_bytes()
    ).key
    code = archive.dossiers[UNIT_A][0]
    with open_catalog(archive.settings.database_url) as catalog:
        source = catalog.record_source_file(
            sha,
            object_key=original_key(sha, ".pdf"),
            original_name="kq.pdf",
            size=len(signed),
            format="pdf",
            page_count=1,
            batch_id=archive.batches[UNIT_A],
        )
        document = catalog.record_document(source.id, 1, 1)
        catalog.record_pages(document.id, [PageInput(1, 0, "Kết quả", 91.0)])
        catalog.link_document(document.id, code, "filename", ordinal=2, unit=UNIT_A)
        catalog.mark_document_recognized(
            document.id, pdf_key=pdf_key, verified_keys=[original_key(sha, ".pdf"), pdf_key]
        )
    c, _csrf = client(app, "can_bo_a")
    page = c.get(f"/dossiers/{code}").text
    section = page[page.index(f'id="signatures-{document.id}"') :]
    assert "Chữ ký có sẵn trên tệp gốc" in section and AGENCY in section and "chữ ký hợp lệ" in section
    assert store.get_bytes(original_key(sha, ".pdf")) == signed
