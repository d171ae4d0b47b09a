"""The dashboard, its API and its exports show the same numbers as `sohoa report --json`."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from openpyxl import load_workbook

from tests.flows.helpers import sohoa
from tests.web.archive import UNIT_A, UNIT_B


def cli_report(home, *args: str) -> dict:  # noqa: ANN001
    result = sohoa(home, "report", *args, "--json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.mark.parametrize("by", [None, "unit", "field", "month"])
def test_api_report_equals_the_command_line_report(web_home, client_for, by: str | None) -> None:
    args = ("--by", by) if by else ()
    expected = cli_report(web_home, *args)
    got = client_for("admin").get("/api/report", params={"by": by} if by else {}).json()
    assert got == expected


def test_a_managers_report_is_limited_to_their_units_like_the_command_line(web_home, client_for) -> None:
    expected = cli_report(web_home, "--by", "field", "--unit", UNIT_A)
    assert client_for("lanh_dao_a").get("/api/report", params={"by": "field"}).json() == expected
    both = cli_report(web_home, "--by", "unit", "--unit", UNIT_A, "--unit", UNIT_B)
    assert client_for("lanh_dao").get("/api/report", params={"by": "unit"}).json()["rows"] == both["rows"]


def test_dashboard_page_shows_the_reported_figures(web_home, client_for) -> None:
    overall = cli_report(web_home)
    by_unit = cli_report(web_home, "--by", "unit")
    html = client_for("admin").get("/dashboard").text
    assert f'id="overall-registered">{overall["overall"]["registered"]}<' in html
    assert f'id="overall-digitized">{overall["overall"]["digitized"]}<' in html
    assert f'id="overall-rate">{overall["overall"]["rate"] * 100:.1f}%<' in html
    assert f'id="pages-processed">{overall["pages_processed"]}<' in html
    table = html[html.index('id="table-unit"') :]
    for row in by_unit["rows"]:
        cells = re.search(
            rf'data-key="{re.escape(row["key"])}">.*?registered">(\d+)<.*?digitized">(\d+)<', table, re.S
        )
        assert cells and (int(cells[1]), int(cells[2])) == (row["registered"], row["digitized"])
    assert "<svg" in html and "polyline" in html  # the monthly trend chart


def test_csv_and_xlsx_exports_hold_the_same_table(web_home, client_for) -> None:
    expected = cli_report(web_home, "--by", "unit")
    client = client_for("admin")
    response = client.get("/dashboard/export.csv", params={"by": "unit"})
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:4] == ["STT", "Theo đơn vị", "Hồ sơ trong sổ", "Đã số hóa"]
    body = {r[1]: r for r in rows[1:-1]}
    for row in expected["rows"]:
        line = body[row["key"]]
        assert (int(line[2]), int(line[3])) == (row["registered"], row["digitized"])
        assert float(line[4]) == pytest.approx(round(row["rate"] * 100, 2))
    total = rows[-1]
    assert (int(total[2]), int(total[3])) == (
        expected["overall"]["registered"],
        expected["overall"]["digitized"],
    )
    xlsx = client.get("/dashboard/export.xlsx", params={"by": "unit"})
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    values = [list(r) for r in sheet.iter_rows(min_row=5, values_only=True)]
    assert {v[1]: (v[2], v[3]) for v in values[:-1]} == {
        r["key"]: (r["registered"], r["digitized"]) for r in expected["rows"]
    }
    assert tuple(values[-1][2:4]) == (expected["overall"]["registered"], expected["overall"]["digitized"])


def test_audit_trail_exports_as_csv_for_admins_only(client_for) -> None:
    client_for("can_bo_a").get("/api/search", params={"q": '=HYPERLINK("x")'})
    admin = client_for("admin")
    response = admin.get("/admin/audit.csv", params={"actor": "can_bo_a"})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["id", "at_utc", "actor", "action", "object_type", "object_id", "detail"]
    assert all(r[2] == "can_bo_a" for r in rows[1:])
    # A search text must not turn into a spreadsheet formula.
    assert any(r[5] == '\'=HYPERLINK("x")' for r in rows[1:])
    assert client_for("lanh_dao").get("/admin/audit.csv").status_code == 403


def test_figures_follow_the_catalogue_at_once_despite_caching(app, web_home, client_for) -> None:
    admin = client_for("admin")
    before = admin.get("/api/report", params={"by": "unit"}).json()
    app.state.services.catalog.set_target(0.5, unit=UNIT_B)
    after = admin.get("/api/report", params={"by": "unit"}).json()
    assert after == cli_report(web_home, "--by", "unit") and after != before
    assert "50.0%" in admin.get("/dashboard").text
