"""`run_ingest` called directly (as the web upload does), outside any Prefect flow run."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.synth import generate_page, save_page
from flows.ingest import run_ingest
from sohoa.config import load_settings

pytestmark = pytest.mark.slow


def test_run_ingest_outside_a_flow_reports_skipped_files_and_registry_errors(tmp_path: Path) -> None:
    scans = tmp_path / "scans"
    scans.mkdir()
    save_page(generate_page("receipt", seed=91, level=0), scans / "receipt.png")
    (scans / "~$lock.pdf").write_bytes(b"x")
    registry = tmp_path / "registry.csv"
    registry.write_text("Mã hồ sơ,Đơn vị,Ngày tiếp nhận\nH21.65-220914-0011,UBND xã A,14/09/2022\n,UBND xã A,bad\n")
    settings = load_settings({"SOHOA_HOME": str(tmp_path / "home")})
    summary = run_ingest([scans], manifest=registry, settle_seconds=0, jobs=1, settings=settings)
    assert summary.count("new") == 1
    assert [Path(p).name for p in summary.skipped] == ["~$lock.pdf"]
    assert summary.registry == {"inserted": 1, "updated": 0, "errors": 1}
