"""Prefect's temporary API server: processes started together on one fresh Prefect home all get a working server."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from sohoa.temporary_api import LOCK_NAME
from tests.flows.helpers import REPO, concurrent_ingests, sohoa_env

pytestmark = pytest.mark.slow

START = """
from prefect.server.api.server import SubprocessASGIServer
from sohoa.config import prefect_defaults
from sohoa.temporary_api import start_temporary_api
with prefect_defaults():
    start_temporary_api()
print("running" if SubprocessASGIServer().running else "not running")
"""


def test_four_processes_starting_the_temporary_server_on_a_fresh_home_do_not_race_its_migrations(
    tmp_path: Path,
) -> None:
    """Without the lock, 3 trials of 4 such processes each had 2-3 servers fail in Prefect's migrations."""
    home = tmp_path / "home"
    env = sohoa_env(home)
    runs = [subprocess.Popen([sys.executable, "-c", START], env=env, cwd=REPO, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True) for _ in range(4)]
    outputs = [run.communicate(timeout=600) for run in runs]
    for run, (stdout, stderr) in zip(runs, outputs, strict=True):
        assert run.returncode == 0 and "Traceback" not in stderr, stderr[-3000:]
        assert stdout.split() == ["running"]


def test_with_an_api_url_set_no_temporary_server_is_started(tmp_path: Path) -> None:
    env = sohoa_env(tmp_path / "home", PREFECT_API_URL="http://127.0.0.1:9/api")
    result = subprocess.run([sys.executable, "-c", START], env=env, cwd=REPO, capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.split() == ["not", "running"]


def test_ingests_started_together_on_a_fresh_home_start_their_server_under_the_lock(tmp_path: Path) -> None:
    """`sohoa ingest` calls a flow, and a flow run starts the server before the flow's body runs: the command
    must take the lock before that (CI, stop 17: a migration race in test_concurrent_ingest)."""
    scans = tmp_path / "scans"
    scans.mkdir()
    home = tmp_path / "home"
    for returncode, _, stderr in concurrent_ingests(scans, sohoa_env(home), 3, timeout=600):
        assert returncode == 0 and "Traceback" not in stderr and "Error" not in stderr, stderr[-3000:]
    assert (home / "prefect" / LOCK_NAME).exists()
