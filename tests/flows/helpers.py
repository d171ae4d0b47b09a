"""Helpers for flow tests: run the real `sohoa` command in a fresh SOHOA_HOME and read what it left behind."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def sohoa_env(home: Path, **overrides: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SOHOA_", "PREFECT_API_URL"))}
    env.update(
        SOHOA_HOME=str(home),
        SOHOA_LANG="en",
        PREFECT_SERVER_ANALYTICS_ENABLED="false",
        DO_NOT_TRACK="1",
        PREFECT_HOME=str(home / "prefect"),
        PREFECT_LOGGING_LEVEL="WARNING",
        PYTHONPATH=str(REPO),
    )
    env.update(overrides)
    (home / "prefect").mkdir(parents=True, exist_ok=True)
    return env


def sohoa(home: Path, *args: str | Path, env: dict[str, str] | None = None, timeout: float = 900) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "sohoa", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env or sohoa_env(home),
        cwd=REPO,
    )


def sohoa_json(home: Path, *args: str | Path, env: dict[str, str] | None = None) -> object:
    result = sohoa(home, *args, "--json", env=env)
    assert result.returncode in (0, 1), result.stderr
    return json.loads(result.stdout)


def concurrent_ingests(scans: Path, env: dict[str, str], count: int, timeout: float = 1200) -> list[tuple[int, str, str]]:
    """Start `count` `sohoa ingest --json` runs of one folder at once; each run's (exit code, stdout, stderr)."""
    command = [sys.executable, "-m", "sohoa", "ingest", str(scans), "--settle", "0", "--jobs", "1", "--json"]
    runs = [subprocess.Popen(command, env=env, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for _ in range(count)]
    outputs = [run.communicate(timeout=timeout) for run in runs]
    return [(run.returncode, stdout, stderr) for run, (stdout, stderr) in zip(runs, outputs, strict=True)]
