"""In a real browser (Debian's Chromium driven by Playwright) on a live `sohoa serve` over the OCR'd sample batch:
log in, search without accents, open a dossier, download both files, check the dashboard against
`sohoa report --json`, upload a scan and find it once its batch is done, see another unit's officer get nothing,
log out. Screenshots go to tests/artifacts/."""

from __future__ import annotations

import csv
import hashlib
import json
import os
import random
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from benchmarks.synth import generate_page, make_dossier, make_sample_batch, save_page
from benchmarks.synth.content import PROCEDURES, UNITS
from sohoa.domain.folding import fold
from tests.flows.helpers import REPO, sohoa, sohoa_env

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = REPO / "tests" / "artifacts"
ADMIN_PASSWORD = "quan-tri-vien-2024"
OFFICER_PASSWORD = "can-bo-duy-trung-1"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


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


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    require_chromium()
    root = tmp_path_factory.mktemp("browser")
    batch = make_sample_batch(root / "sample", seed=5)
    home = root / "home"
    ingested = sohoa(
        home, "ingest", batch.scan_dir, "--manifest", batch.registry_path, "--settle", "0", "--json"
    )
    assert ingested.returncode == 0, ingested.stderr
    env = sohoa_env(home)
    for args, password in (
        (["admin", "--role", "admin"], ADMIN_PASSWORD),
        (["can_bo_dt", "--role", "officer", "--unit", "UBND xã Duy Trung"], OFFICER_PASSWORD),
    ):
        added = subprocess.run(
            [sys.executable, "-m", "sohoa", "user", "add", *args, "--password-stdin"],
            input=password + "\n",
            text=True,
            capture_output=True,
            env=env,
            cwd=REPO,
        )
        assert added.returncode == 0, added.stderr
    port = free_port()
    log = (root / "server.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "sohoa", "serve", "--port", str(port)],
        env=env,
        cwd=REPO,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                break
        except OSError:
            assert server.poll() is None, (root / "server.log").read_text()
            time.sleep(0.3)
    try:
        yield {"url": url, "home": home, "batch": batch, "root": root}
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


@pytest.fixture(scope="module")
def browser(served) -> Iterator:  # noqa: ANN001
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        yield chromium
        chromium.close()


def shot(page, name: str) -> None:  # noqa: ANN001
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"web-{name}.png"), full_page=True)


def log_in(page, url: str, username: str, password: str) -> None:  # noqa: ANN001
    page.goto(f"{url}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url("**/search")


def registry_row(batch, code: str) -> dict[str, str]:  # noqa: ANN001
    with batch.registry_path.open(encoding="utf-8-sig") as handle:
        return next(row for row in csv.DictReader(handle) if row["Mã hồ sơ"] == code)


def test_officers_day_in_the_browser(served, browser) -> None:  # noqa: ANN001
    url, home, batch = served["url"], served["home"], served["batch"]
    first = batch.files[0]
    code = first.dossier_codes[0]
    applicant = registry_row(batch, code)["Chủ hồ sơ"]
    typed = fold(applicant)
    assert typed != applicant, "the sample applicant should carry accents"

    context = browser.new_context(accept_downloads=True, locale="vi-VN")
    page = context.new_page()
    page.goto(f"{url}/search")
    page.wait_for_url("**/login**")
    shot(page, "01-login")
    log_in(page, url, "admin", ADMIN_PASSWORD)

    # Search as you type: no submit, the results arrive after the debounce.
    page.fill("#q", typed)
    page.wait_for_selector(f"a.dossier-link:has-text('{code}')", timeout=10_000)
    assert "<mark>" in page.inner_html("#results")
    shot(page, "02-search")

    page.click(f"a.dossier-link:has-text('{code}')")
    page.wait_for_url(f"**/dossiers/{code}")
    assert page.inner_text("#applicant") == applicant
    shot(page, "03-dossier")
    downloads = {}
    for kind in ("original", "pdf"):
        with page.expect_download() as info:
            page.locator(f"a.download-{kind}").first.click()
        target = served["root"] / f"download-{kind}"
        info.value.save_as(target)
        downloads[kind] = (info.value.suggested_filename, target.read_bytes())
    assert (
        hashlib.sha256(downloads["original"][1]).digest() == hashlib.sha256(first.path.read_bytes()).digest()
    )
    assert downloads["original"][0] == first.path.name
    assert downloads["pdf"][1].startswith(b"%PDF") and downloads["pdf"][0] == f"{code}.1.pdf"

    page.locator(".thumbs a").first.click()
    page.wait_for_selector("#ocr-text")
    shot(page, "04-page-viewer")

    report = json.loads(sohoa(home, "report", "--json").stdout)
    page.goto(f"{url}/dashboard")
    overall = report["overall"]
    assert int(page.inner_text("#overall-registered")) == overall["registered"]
    assert int(page.inner_text("#overall-digitized")) == overall["digitized"]
    assert page.inner_text("#overall-rate") == f"{overall['rate'] * 100:.1f}%"
    assert int(page.inner_text("#pages-processed")) == report["pages_processed"]
    by_unit = json.loads(sohoa(home, "report", "--by", "unit", "--json").stdout)
    for row in by_unit["rows"]:
        line = page.locator(f"#table-unit tr[data-key='{row['key']}']")
        assert int(line.locator(".registered").inner_text()) == row["registered"]
        assert int(line.locator(".digitized").inner_text()) == row["digitized"]
    shot(page, "05-dashboard")

    # Upload one new scan; it must be searchable once its batch has finished.
    rng = random.Random(11)
    unit = UNITS[2]  # UBND xã Duy Trung: also the other officer's unit
    new = make_dossier(rng, unit, next(p for p in PROCEDURES if p.level == "xã"))
    scan = save_page(
        generate_page("receipt", 4242, 0, dossier=new), served["root"] / "up" / f"{new.code}.1.jpg"
    )
    page.goto(f"{url}/upload")
    page.fill("input[name=unit]", unit.name)
    page.set_input_files("#files", str(scan))
    page.click("#upload-submit")
    batch_row = page.locator(".batch").first
    batch_row.wait_for()
    deadline = time.monotonic() + 420
    while (
        batch_row.get_attribute("data-status") not in ("finished", "failed") and time.monotonic() < deadline
    ):
        time.sleep(1)
    shot(page, "06-upload")
    assert batch_row.get_attribute("data-status") == "finished", batch_row.inner_text()
    page.goto(f"{url}/search?q={new.code}")
    assert page.locator(f"a.dossier-link:has-text('{new.code}')").count() == 1
    shot(page, "07-upload-found")
    context.close()

    # An officer of another unit: nothing by search, by URL or by API, for the sample dossier.
    other = browser.new_context(accept_downloads=True)
    page = other.new_page()
    log_in(page, url, "can_bo_dt", OFFICER_PASSWORD)
    page.fill("#q", typed)
    page.wait_for_selector("#total", timeout=10_000)
    page.wait_for_function("document.querySelector('#total').textContent.startsWith('0')", timeout=10_000)
    assert code not in page.inner_html("#results")
    shot(page, "08-other-unit-search")
    response = page.goto(f"{url}/dossiers/{code}")
    assert response.status == 404 and applicant not in page.content()
    shot(page, "09-other-unit-url")
    assert page.request.get(f"{url}/api/dossiers/{code}").status == 404
    assert page.request.get(f"{url}/api/search?q={typed}").json()["total"] == 0
    # Their own unit's new upload is theirs to see.
    page.goto(f"{url}/dossiers/{new.code}")
    assert page.inner_text("#dossier-code") == new.code

    page.click("#logout")
    page.wait_for_url("**/login")
    shot(page, "10-logged-out")
    page.goto(f"{url}/search")
    page.wait_for_url("**/login**")
    assert page.request.get(f"{url}/api/me").status == 401
    other.close()
