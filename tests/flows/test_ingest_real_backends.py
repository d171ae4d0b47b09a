"""The same ingest on real backends: PostgreSQL catalogue, S3 objects (MinIO and SeaweedFS), Elasticsearch 8."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest

from benchmarks.synth import generate_page, save_pages
from storage.catalog import open_catalog
from sohoa.compose import open_object_store
from storage.objects import file_sha256
from tests.conftest import service_url
from tests.flows.helpers import sohoa, sohoa_env, sohoa_json
from tests.storage_objects.object_servers import fresh_bucket

pytestmark = pytest.mark.slow


@pytest.fixture
def postgres_database() -> str:
    """A fresh database for one test, dropped afterwards."""
    url = service_url("SOHOA_TEST_POSTGRES_URL")
    name = f"sohoa_flow_{uuid.uuid4().hex[:10]}"
    admin = url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    parts = urlsplit(url)
    yield urlunsplit(parts._replace(path=f"/{name}"))
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def s3_url(store: str) -> Iterator[str]:
    with fresh_bucket(service_url(f"SOHOA_TEST_{store.upper()}_URL"), "flow") as url:
        yield url


@pytest.mark.parametrize("store", ["minio", "seaweedfs"])
def test_a_stack_of_dossiers_lands_in_postgres_s3_and_elasticsearch(
    s3_url: str, tmp_path: Path, postgres_database: str
) -> None:
    es_url = service_url("SOHOA_TEST_ES_URL").rstrip("/") + f"/flow-{uuid.uuid4().hex[:8]}"
    scans = tmp_path / "scans"
    scans.mkdir()
    first, second = generate_page("receipt", seed=71, level=0), generate_page("receipt", seed=72, level=1)
    stack = [first, generate_page("decision", seed=73, level=0), second, generate_page("form", seed=74, level=0)]
    save_pages(stack, scans / "SCAN_0007.pdf")
    home = tmp_path / "home"
    env = sohoa_env(home, SOHOA_DATABASE_URL=postgres_database, SOHOA_STORAGE_URL=s3_url, SOHOA_SEARCH_URL=es_url)

    summary = sohoa_json(home, "ingest", scans, "--settle", "0", env=env)
    assert summary["new"] == 1 and summary["pages"] == 4 and summary["pages_indexed"] == 4, summary

    catalog = open_catalog(postgres_database)
    try:
        source = catalog.find_source_file(file_sha256(scans / "SCAN_0007.pdf"))
        documents = catalog.documents_of_source_file(source.id)
        assert [(d.first_page, d.last_page, d.dossier_code, d.link_method) for d in documents] == [
            (1, 2, first.dossier_code, "qr"),
            (3, 4, second.dossier_code, "qr"),
        ]
        assert all(d.state == "indexed" for d in documents)
        objects = open_object_store(s3_url)
        assert objects.stat(source.object_key).size == (scans / "SCAN_0007.pdf").stat().st_size
        assert all(objects.exists(d.pdf_key) for d in documents)
    finally:
        catalog.close()

    rows = sohoa_json(home, "search", second.dossier_code, env=env)
    assert rows and rows[0]["dossier_code"] == second.dossier_code

    again = sohoa_json(home, "ingest", scans, "--settle", "0", env=env)
    assert again["duplicates"] == 1 and again["pages"] == 0
    result = sohoa(home, "doctor", env=env)
    assert result.returncode == 0, result.stdout + result.stderr
