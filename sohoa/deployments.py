"""The Prefect flows a worker or the command line runs: settings read, backends composed, flows/ does the work.

A Prefect deployment starts a flow in a fresh process with only JSON parameters, so the flow itself is an edge:
it reads the settings and opens the backends here, and `flows.ingest.run_ingest` receives them
(deploy/prefect.yaml: `entrypoint: sohoa/deployments.py:ingest_flow`).
"""

from __future__ import annotations

from pathlib import Path

from prefect import flow

from sohoa.compose import ingest_runner, open_backends
from sohoa.config import load_settings


@flow(name="sohoa-ingest", log_prints=False, validate_parameters=False)
def ingest_flow(
    paths: list[str],
    manifest: str | None = None,
    unit: str | None = None,
    jobs: int = 0,
    settle_seconds: float = 2.0,
) -> dict[str, object]:
    """Ingest scanner output (files or folders) on the configured backends; returns the summary as JSON."""
    settings = load_settings()
    backends = open_backends(settings)
    try:
        summary = ingest_runner(settings, backends)(
            [Path(p) for p in paths],
            manifest=Path(manifest) if manifest else None,
            unit=unit,
            jobs=jobs,
            settle_seconds=settle_seconds,
        )
    finally:
        backends.close()
    return summary.to_json()
