"""In a real browser (Debian's Chromium via Playwright) on a live `sohoa serve`: the dashboard's QĐ 766 cards and
per-unit table, and the XLSX downloaded from its link, show the same numbers as `sohoa report --indicators --json`.
The archive and the roles are those of tests/web/test_indicators_web.py (4.1 = 1/5, 4.2 = 0/5, 4.3 = 0/5)."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from openpyxl import load_workbook

from storage.catalog import open_catalog
from storage.catalog.procedures import Procedure
from tests.flows.helpers import sohoa
from tests.web.archive import UNIT_A, UNIT_B, build_archive
from tests.web.live_server import PASSWORD, LiveServer, add_users

pytestmark = [pytest.mark.browser, pytest.mark.slow]
ROLES = {
    "H21.65-220914-0011": "component",
    "H21.65-221003-0042": "result",
    "000.00.14.H12-220920-0003": "component",
}
NAMES = ("e_result", "digitization", "reuse")
CHROMIUM = Path("/usr/bin/chromium")  # Debian's; never a downloaded browser
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]


def require_chromium() -> None:
    if CHROMIUM.exists():
        return
    message = f"{CHROMIUM} is missing: apt-get install -y chromium"
    if os.environ.get("SOHOA_REQUIRE_SERVICES") == "1":
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    require_chromium()
    home = tmp_path_factory.mktemp("indicators-browser")
    settings = build_archive(home)
    with open_catalog(settings.database_url) as catalog:
        catalog.set_procedure(Procedure("1.001193", "Đăng ký khai sinh", "Hộ tịch", True, []))
        for code, role in ROLES.items():
            (document,) = catalog.documents_of_dossier(code)
            catalog.set_document_role(document.id, role, "tờ khai", 0.95, source="staff")
    add_users(home, {"lanh_dao": ("manager", [UNIT_A, UNIT_B])})
    server = LiveServer(home).start()
    try:
        yield server
    finally:
        server.stop()


def test_dashboard_and_xlsx_match_the_command_line(served: LiveServer, tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    printed = sohoa(served.home, "report", "--indicators", "--by", "unit", "--json")
    assert printed.returncode == 0, printed.stderr
    report = json.loads(printed.stdout)
    assert report["overall"]["e_result"]["numerator"] == 1  # the hand computation of test_indicators_web.py

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            context = browser.new_context(accept_downloads=True, locale="vi-VN")
            page = context.new_page()
            page.goto(f"{served.url}/login")
            page.fill("input[name=username]", "lanh_dao")
            page.fill("input[name=password]", PASSWORD)
            page.click("button[type=submit]")
            page.wait_for_url("**/search")
            page.goto(f"{served.url}/dashboard")
            page.wait_for_selector("#indicators")
            for name in NAMES:
                card, expected = page.locator(f"#overall-{name}"), report["overall"][name]
                assert int(card.locator(".numerator").inner_text()) == expected["numerator"]
                assert int(card.locator(".denominator").inner_text()) == expected["denominator"]
                assert card.locator(".points").inner_text() == f"{expected['points']:.2f}"
                assert card.locator(".gap").inner_text() == f"{expected['gap']:.2f}"
            for row in report["rows"]:
                line = page.locator(f"#indicators-by-unit tr[data-key='{row['key']}']")
                for name in NAMES:
                    assert int(line.locator(f".{name}-numerator").inner_text()) == row[name]["numerator"]
                    assert int(line.locator(f".{name}-denominator").inner_text()) == row[name]["denominator"]
            listed = {
                line.get_attribute("data-dossier")
                for line in page.locator("#below-target tr[data-dossier]").all()
            }
            assert listed == {entry["dossier_code"] for entry in report["below_target"]}
            page.screenshot(path=str(tmp_path / "indicators.png"), full_page=True)
            with page.expect_download() as info:
                page.click("#indicators-xlsx")
            target = tmp_path / "qd766.xlsx"
            info.value.save_as(target)
        finally:
            browser.close()
    scores = list(load_workbook(target)["Chi so QD 766"].iter_rows(values_only=True))
    header, *lines = scores[3:]
    total = dict(zip(header, lines[-1], strict=True))
    for name, title in zip(
        NAMES, ("4.1 Tỷ lệ kết quả điện tử", "4.2 Tỷ lệ số hóa hồ sơ", "4.3 Tỷ lệ tái sử dụng"), strict=True
    ):
        assert total[f"{title} – Tử số"] == report["overall"][name]["numerator"]
        assert total[f"{title} – Mẫu số"] == report["overall"][name]["denominator"]
        assert total[f"{title} – Điểm"] == report["overall"][name]["points"]
    monthly = list(load_workbook(target)["Theo doi so hoa"].iter_rows(values_only=True))
    assert monthly[-1][1:4] == ("Tổng cộng", report["overall"]["dossiers"], 3)
