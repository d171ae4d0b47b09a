"""`run_ingest` called outside any Prefect flow run, through `sohoa.compose.ingest_runner` as the web upload does."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks.synth import generate_page, save_page
from tests.flows.helpers import REPO, sohoa_env

pytestmark = pytest.mark.slow

# In its own interpreter: Prefect starts a temporary API server for tasks run outside a flow and logs its shutdown
# at exit, which must not land on pytest's closed output streams.
SCRIPT = """
import json, sys
from pathlib import Path
import flows.ingest  # Prefect imported first, as in the web app, before any of our defaults are set
from sohoa.compose import ingest_runner, open_backends
from sohoa.config import load_settings
scans, registry, home = map(Path, sys.argv[1:4])
settings = load_settings({"SOHOA_HOME": str(home)})
backends = open_backends(settings)
try:  # the web upload's worker calls run_ingest through the same runner
    summary = ingest_runner(settings, backends)([scans], manifest=registry, settle_seconds=0, jobs=1)
finally:
    backends.close()
print(json.dumps({"new": summary.count("new"), "skipped": summary.skipped, "registry": summary.registry}))
"""


def test_run_ingest_outside_a_flow_reports_skipped_files_and_registry_errors(tmp_path: Path) -> None:
    scans = tmp_path / "scans"
    scans.mkdir()
    save_page(generate_page("receipt", seed=91, level=0), scans / "receipt.png")
    (scans / "~$lock.pdf").write_bytes(b"x")
    registry = tmp_path / "registry.csv"
    registry.write_text("Mã hồ sơ,Đơn vị,Ngày tiếp nhận\nH21.65-220914-0011,UBND xã A,14/09/2022\n,UBND xã A,bad\n")
    home = tmp_path / "home"
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(scans), str(registry), str(home)],
        env=sohoa_env(home), cwd=REPO, capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    assert summary["new"] == 1
    assert [(Path(s["path"]).name, s["reason"]) for s in summary["skipped"]] == [("~$lock.pdf", "temporary")]
    assert summary["registry"] == {"inserted": 1, "updated": 0, "errors": 1}
