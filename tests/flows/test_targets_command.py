"""Managers' targets set by command or file show up in `sohoa report`."""

from __future__ import annotations

from pathlib import Path

from storage.catalog import open_catalog
from tests.flows.helpers import sohoa, sohoa_json


def test_targets_by_command_and_by_file_drive_the_report(tmp_path: Path) -> None:
    home = tmp_path / "home"
    registry = tmp_path / "registry.csv"
    registry.write_text(
        "Mã hồ sơ,Đơn vị,Lĩnh vực,Ngày tiếp nhận\n"
        "H21.65-220914-0011,UBND xã A,Hộ tịch,14/09/2022\n"
        "H21.66-220915-0012,UBND xã B,Đất đai,15/09/2022\n",
        encoding="utf-8",
    )
    catalog = open_catalog(f"sqlite:///{home / 'catalog.sqlite3'}")
    try:
        from storage.catalog.registry import import_registry

        import_registry(catalog, registry)
    finally:
        catalog.close()
    assert sohoa(home, "target", "set", "90%", "--unit", "UBND xã A").returncode == 0
    plan = tmp_path / "targets.csv"
    plan.write_text("Đơn vị;Chỉ tiêu\nUBND xã B;75\n;not-a-number\n", encoding="utf-8")
    result = sohoa(home, "target", "import", plan)
    assert result.returncode == 1 and "row 3" in result.stderr
    rows = {row["key"]: row for row in sohoa_json(home, "report", "--by", "unit")["rows"]}
    assert rows["UBND xã A"]["target"] == 0.9
    assert rows["UBND xã B"]["target"] == 0.75
    listing = sohoa(home, "target", "list").stdout
    assert "UBND xã A / * / *: 90.0%" in listing and "default: 86.9%" in listing
