"""A scanner stack killed with SIGKILL between two of its documents finishes on re-run, on the local store
and on MinIO: every dossier digitized, each file, document, page and object once, and no ObjectConflictError
(issue 9 item 3). Before derived objects were deterministic, every re-run failed on the first PDF an earlier
run had already stored, and the stack's remaining dossiers were never digitized.
"""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from benchmarks.synth import generate_page, save_pages
from storage.catalog import open_catalog
from sohoa.compose import open_object_store
from storage.objects import file_sha256
from tests.conftest import service_url
from tests.flows.helpers import REPO, sohoa, sohoa_env, sohoa_json
from tests.storage_objects.object_servers import fresh_bucket

pytestmark = [pytest.mark.slow, pytest.mark.timeout(1800)]

KILL_AFTER_DOCUMENTS = 2
# `sohoa ingest`, with the whole process group (page workers, Prefect's server) killed by SIGKILL the moment
# the second document is recorded: a kill between documents on purpose, where timing one would be a race.
# Files are ingested on threads, so the lock keeps a second file's document from being recorded between the
# second one's return and the kill (CI once saw 3 recorded).
KILLED_INGEST = """
import os, signal, sys, threading
import flows.ingest as ingest
from sohoa.cli import app
recorded = []
lock = threading.Lock()
original = ingest.record_document
def record_then_die(*args, **kwargs):
    with lock:
        code = original(*args, **kwargs)
        recorded.append(code)
        if len(recorded) == int(os.environ["KILL_AFTER_DOCUMENTS"]):
            os.killpg(os.getpgid(0), signal.SIGKILL)
    return code
ingest.record_document = record_then_die
app(sys.argv[1:], prog_name="sohoa")
"""


def scanner_stack(scans: Path) -> list[str]:
    """Two scanner files holding five dossiers, each starting with its QR receipt; returns their codes."""
    codes: list[str] = []
    for name, layout in (("SCAN_0001.pdf", (2, 1, 1)), ("SCAN_0002.pdf", (1, 1))):
        pages = []
        for length in layout:
            receipt = generate_page("receipt", seed=300 + len(codes), level=0)
            codes.append(receipt.dossier_code)
            pages.append(receipt)
            pages += [generate_page("decision", seed=400 + len(codes) + n, level=0)
                      for n in range(length - 1)]
        save_pages(pages, scans / name)
    return codes


def count(database: Path, sql: str) -> int:
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=10) as connection:
        return int(connection.execute(sql).fetchone()[0])


@pytest.fixture(params=["local", "minio"])
def storage_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "local":
        yield f"file://{tmp_path / 'home' / 'objects'}"
        return
    with fresh_bucket(service_url("SOHOA_TEST_MINIO_URL"), "kill") as url:
        yield url


def test_a_stack_killed_between_documents_finishes_on_rerun_with_everything_once(
    tmp_path: Path, storage_url: str
) -> None:
    scans = tmp_path / "scans"
    scans.mkdir()
    codes = scanner_stack(scans)
    home = tmp_path / "home"
    env = sohoa_env(home, SOHOA_STORAGE_URL=storage_url, KILL_AFTER_DOCUMENTS=str(KILL_AFTER_DOCUMENTS),
                    # Prefect's 20 s to start its server is short on a loaded 2-core machine.
                    PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS="180")
    killed = subprocess.run(
        [sys.executable, "-c", KILLED_INGEST, "ingest", str(scans), "--settle", "0", "--jobs", "2"],
        env=env, cwd=REPO, capture_output=True, text=True, timeout=900, start_new_session=True,
    )
    assert killed.returncode == -signal.SIGKILL, killed.stdout + killed.stderr[-3000:]
    database = home / "catalog.sqlite3"
    recognized = count(database, "SELECT count(*) FROM documents WHERE state = 'recognized'")
    assert recognized == KILL_AFTER_DOCUMENTS
    store = open_object_store(storage_url)
    stored_before = set(store.list())
    assert stored_before  # the killed run had stored originals and derived objects: the re-run meets them

    result = sohoa(home, "ingest", scans, "--settle", "0", "--json", env=env)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "ObjectConflictError" not in result.stderr + result.stdout
    summary = json.loads(result.stdout)
    assert summary["new"] == 2 and not summary["failures"] and summary["not_stored"] == 0, summary

    assert count(database, "SELECT count(*) FROM source_files") == 2
    assert count(database, "SELECT count(*) FROM documents") == 5
    assert count(database, "SELECT count(*) FROM documents WHERE state = 'indexed'") == 5
    assert count(database, "SELECT count(*) FROM pages") == 6
    assert count(database, "SELECT count(DISTINCT dossier_id) FROM documents") == 5
    catalog = open_catalog(f"sqlite:///{database}")
    try:
        expected: set[str] = set()
        for path in sorted(scans.iterdir()):
            source = catalog.find_source_file(file_sha256(path))
            expected.add(source.object_key)
            for document in catalog.documents_of_source_file(source.id):
                expected.add(document.pdf_key)
                pages = catalog.pages_of_document(document.id)
                expected |= {key for page in pages for key in (page.image_key, page.words_key)}
            assert catalog.find_source_file(file_sha256(path)).state == "processed"
    finally:
        catalog.close()
    stored = list(store.list())
    assert len(stored) == len(set(stored)) == len(expected) == 2 + 6 * 2 + 5  # each object once, none extra
    assert set(stored) == expected and stored_before <= expected
    for code in codes:
        rows = sohoa_json(home, "search", code, env=env)
        assert rows and rows[0]["dossier_code"] == code, (code, rows)

    again = sohoa_json(home, "ingest", scans, "--settle", "0", env=env)
    assert again["duplicates"] == 2 and again["pages"] == 0 and not again["failures"]
    assert sorted(store.list()) == sorted(stored)
