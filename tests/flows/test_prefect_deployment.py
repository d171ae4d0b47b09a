"""The ingest flow as a Prefect deployment on a real Prefect server, executed by a process worker of a work pool."""

from __future__ import annotations

import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from benchmarks.synth import generate_page, save_page
from storage.catalog import open_catalog
from tests.conftest import service_url
from tests.flows.helpers import REPO, sohoa_env

pytestmark = pytest.mark.slow
PREFECT = str(Path(sys.executable).with_name("prefect"))


def test_ingest_deployment_runs_on_a_process_worker(tmp_path: Path) -> None:
    api_url = service_url("SOHOA_TEST_PREFECT_API_URL")
    scans = tmp_path / "scans"
    scans.mkdir()
    page = generate_page("receipt", seed=81, level=0)
    save_page(page, scans / "receipt.png")
    home = tmp_path / "home"
    env = sohoa_env(home, PREFECT_API_URL=api_url)
    pool = f"sohoa-test-{uuid.uuid4().hex[:8]}"
    subprocess.run([PREFECT, "work-pool", "create", pool, "--type", "process"], env=env, check=True,
                   capture_output=True)

    deploy = f"""
from sohoa.deployments import ingest_flow
deployment_id = ingest_flow.from_source(source={str(REPO)!r}, entrypoint="sohoa/deployments.py:ingest_flow").deploy(
    name="test", work_pool_name={pool!r}, print_next_steps=False, ignore_warnings=True,
    parameters={{"paths": [{str(scans)!r}], "settle_seconds": 0}},
)
from prefect.deployments import run_deployment
run = run_deployment(deployment_id, timeout=0)
print(run.id)
"""
    started = subprocess.run([sys.executable, "-c", deploy], env=env, cwd=REPO, capture_output=True, text=True,
                             timeout=300)
    assert started.returncode == 0, started.stderr
    flow_run_id = started.stdout.strip().splitlines()[-1]

    worker = subprocess.run(
        [PREFECT, "worker", "start", "--pool", pool, "--type", "process", "--run-once"],
        env=env, cwd=REPO, capture_output=True, text=True, timeout=600,
    )
    assert worker.returncode == 0, worker.stdout[-3000:] + worker.stderr[-3000:]

    state = subprocess.run(
        [sys.executable, "-c", f"""
import asyncio
from prefect.client.orchestration import get_client
async def main():
    async with get_client() as client:
        run = await client.read_flow_run({flow_run_id!r})
        print(run.state.type.value)
asyncio.run(main())
"""],
        env=env, capture_output=True, text=True, timeout=120,
    )
    assert state.stdout.strip() == "COMPLETED", state.stdout + state.stderr
    catalog = open_catalog(f"sqlite:///{home / 'catalog.sqlite3'}")
    try:
        assert catalog.get_dossier(page.dossier_code) is not None
        assert [d.state for d in catalog.documents_of_dossier(page.dossier_code)] == ["indexed"]
    finally:
        catalog.close()
