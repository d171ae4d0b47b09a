"""Two ingests of one folder at the same time (two scheduled runs, or a user and the inbox deployment) finish
with every file once and no error, on the embedded defaults."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks.synth import generate_page, save_page, save_pages
from tests.flows.helpers import REPO, concurrent_ingests, sohoa_env, sohoa_json

pytestmark = pytest.mark.slow


def _count(database: Path, sql: str) -> int:
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=30) as connection:
        return int(connection.execute(sql).fetchone()[0])


def test_two_concurrent_ingests_of_one_folder_store_every_file_once_without_error(tmp_path: Path) -> None:
    scans = tmp_path / "scans"
    scans.mkdir()
    first, second = generate_page("receipt", seed=101, level=0), generate_page("receipt", seed=102, level=0)
    save_pages([first, generate_page("decision", seed=103, level=0), second], scans / "SCAN_0002.pdf")
    save_page(generate_page("form", seed=104, level=0), scans / "H21.65-220914-0011.1.png")
    save_page(generate_page("decision", seed=105, level=0), scans / "H21.65-220914-0011.2.png")
    home = tmp_path / "home"
    env = sohoa_env(home)
    for returncode, stdout, stderr in concurrent_ingests(scans, env, 2):
        assert returncode == 0, stderr[-4000:]
        assert "Traceback" not in stderr and "Error" not in stderr, stderr[-4000:]
        summary = json.loads(stdout)
        assert summary["new"] + summary["duplicates"] == 3 and not summary["failures"], summary

    database = home / "catalog.sqlite3"
    assert _count(database, "SELECT count(*) FROM source_files") == 3
    assert _count(database, "SELECT count(*) FROM documents") == 4
    assert _count(database, "SELECT count(*) FROM pages") == 5
    assert _count(database, "SELECT count(*) FROM documents WHERE state = 'indexed'") == 4
    assert _count(database, "SELECT count(*) FROM batches") == 1
    # The two files of one dossier are its documents 1 and 2, each once, never a second version.
    assert _count(database, "SELECT count(*) FROM documents WHERE version != 1") == 0
    assert _count(database, "SELECT count(*) FROM review_items WHERE kind = 'unlinked'") == 0
    for code in (first.dossier_code, second.dossier_code, "H21.65-220914-0011"):
        rows = sohoa_json(home, "search", code)
        assert rows and rows[0]["dossier_code"] == code
    again = sohoa_json(home, "ingest", scans, "--settle", "0")
    assert again["duplicates"] == 3 and again["pages"] == 0


def test_the_same_content_under_two_names_in_one_folder_is_stored_once_without_error(tmp_path: Path) -> None:
    scans = tmp_path / "scans"
    scans.mkdir()
    save_page(generate_page("form", seed=111, level=0), scans / "Scan_0001.png")
    (scans / "Scan_0001 (copy).png").write_bytes((scans / "Scan_0001.png").read_bytes())
    home = tmp_path / "home"
    result = subprocess.run(
        [sys.executable, "-m", "sohoa", "ingest", str(scans), "--settle", "0", "--json"],
        env=sohoa_env(home), cwd=REPO, capture_output=True, text=True, timeout=900,
    )
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr[-4000:]
    summary = json.loads(result.stdout)
    assert summary["files"] == 2 and not summary["failures"], summary
    database = home / "catalog.sqlite3"
    assert _count(database, "SELECT count(*) FROM source_files") == 1
    assert _count(database, "SELECT count(*) FROM documents") == 1
    assert _count(database, "SELECT count(*) FROM pages") == 1
    assert _count(database, "SELECT count(*) FROM review_items WHERE kind = 'unlinked'") == 1
