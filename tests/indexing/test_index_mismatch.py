"""A lost search index is noticed and repaired (issue 9 item 5): an emptied embedded index, a bad CURRENT file
and an Elasticsearch index deleted behind sohoa's back are reported by `sohoa doctor`, by search (CLI, page,
API) and at start-up instead of answering "0 dossiers"; the ordinary `sohoa reindex [--pending]` repairs them."""

from __future__ import annotations

import json
import logging
import shutil
import uuid
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from flows.index_health import check_index
from sohoa.compose import open_search_index
from storage.catalog import open_catalog
from tests.conftest import service_url
from tests.flows.helpers import sohoa, sohoa_env
from tests.web.archive import build_archive, settings_for
from tests.web.conftest import PASSWORD, login
from web.app import create_app
from web.passwords import hash_password

NAME = "Nguyễn Văn Hùng"


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    home = tmp_path / "home"
    build_archive(home)
    catalog = open_catalog(settings_for(home).database_url)
    try:
        catalog.create_user("admin", hash_password(PASSWORD), "admin", [], actor="test")
    finally:
        catalog.close()
    return home


def health(home: Path, search_url: str = "embedded"):  # noqa: ANN201
    catalog = open_catalog(settings_for(home).database_url)
    index = open_search_index(search_url, home)
    try:
        return check_index(catalog, index)
    finally:
        index.close()
        catalog.close()


def found(home: Path, env: dict[str, str]) -> list[dict]:
    result = sohoa(home, "search", NAME, "--json", env=env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def doctor_line(home: Path, env: dict[str, str]) -> str:
    result = sohoa(home, "doctor", env=env)
    return next(line for line in result.stdout.splitlines() if "index-sync" in line)


def test_an_emptied_embedded_index_is_reported_everywhere_and_reindex_pending_repairs_it(archive: Path) -> None:
    env = sohoa_env(archive)
    assert health(archive).ok and found(archive, env)
    assert "✓" in doctor_line(archive, env)

    shutil.rmtree(archive / "search")  # e.g. a restore that forgot the index folder: opened again, empty
    state = health(archive)
    assert not state.ok and state.index_pages == 0 and state.missing == state.catalog_indexed > 0
    result = sohoa(archive, "search", NAME, env=env)
    assert result.returncode != 0 and "0 " not in result.stdout
    assert "chỉ mục tìm kiếm bị mất dữ liệu" in result.stderr and "sohoa reindex" in result.stderr
    assert result.stderr.index("chỉ mục") < result.stderr.index("search index")  # Vietnamese first
    line = doctor_line(archive, env)
    assert "✗" in line and f"{state.catalog_indexed}" in line

    repaired = sohoa(archive, "reindex", "--pending", env=env)
    assert repaired.returncode == 0, repaired.stderr
    assert health(archive).ok and found(archive, env)
    assert "✓" in doctor_line(archive, env)


def test_a_bad_current_file_is_an_error_not_an_empty_index_and_reindex_repairs_it(archive: Path) -> None:
    env = sohoa_env(archive)
    (archive / "search" / "CURRENT").write_text("pages-garbage\n")
    result = sohoa(archive, "search", NAME, env=env)
    assert result.returncode != 0 and "CURRENT" in result.stderr and "sohoa reindex" in result.stderr
    assert not (archive / "search" / "pages-garbage").exists()  # no empty index created in its place
    assert "✗" in sohoa(archive, "doctor", env=env).stdout
    repaired = sohoa(archive, "reindex", env=env)
    assert repaired.returncode == 0, repaired.stderr
    assert health(archive).ok and found(archive, env)


class Remember(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def test_the_web_app_says_the_index_is_lost_at_start_up_and_on_every_search(archive: Path) -> None:
    shutil.rmtree(archive / "search")
    # On the app's own logger: Prefect's logging set-up replaces the root handlers (and pytest's caplog).
    remember, logger = Remember(), logging.getLogger("sohoa.web")
    logger.addHandler(remember)
    try:
        app = create_app(settings_for(archive), start_upload_worker=False)
    finally:
        logger.removeHandler(remember)
    try:
        assert any("chỉ mục tìm kiếm bị mất dữ liệu" in m for m in remember.messages)
        with TestClient(app, base_url="http://testserver") as client:
            client.headers["X-CSRF-Token"] = login(client, "admin")
            response = client.get("/api/search", params={"q": NAME})
            assert response.status_code == 503 and "sohoa reindex" in response.json()["detail"]
            page = client.get("/search", params={"q": NAME}, headers={"Accept": "text/html"}).text
            assert "Chỉ mục tìm kiếm bị mất dữ liệu" in page and "0 hồ sơ" not in page
    finally:
        app.state.services.close()


@pytest.mark.slow
def test_an_elasticsearch_index_deleted_behind_sohoa_s_back_is_noticed_and_reindex_pending_repairs_it(
    archive: Path,
) -> None:
    from elasticsearch import Elasticsearch

    base = service_url("SOHOA_TEST_ES_URL").rstrip("/")
    alias = f"lost-{uuid.uuid4().hex[:10]}"
    url = f"{base}/{alias}"
    env = sohoa_env(archive, SOHOA_SEARCH_URL=url)
    client = Elasticsearch(base)
    try:
        filled = sohoa(archive, "reindex", env=env)
        assert filled.returncode == 0, filled.stderr
        assert health(archive, url).ok and found(archive, env)
        assert "✓" in doctor_line(archive, env)

        for index in list(client.indices.get_alias(name=alias).body):  # an index lost on a restart
            client.indices.delete(index=index)
        state = health(archive, url)
        assert not state.ok and state.index_pages == 0
        result = sohoa(archive, "search", NAME, env=env)
        assert result.returncode != 0 and "chỉ mục tìm kiếm bị mất dữ liệu" in result.stderr
        assert "✗" in doctor_line(archive, env)

        repaired = sohoa(archive, "reindex", "--pending", env=env)
        assert repaired.returncode == 0, repaired.stderr
        assert health(archive, url).ok and found(archive, env)
    finally:
        for index in list(client.indices.get_alias(name=alias, ignore_unavailable=True).body or {}):
            client.indices.delete(index=index, ignore_unavailable=True)
        client.close()
