"""Web test fixtures: a small archive without OCR, the app on it, and users of each role logged in."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from storage.catalog import open_catalog
from tests.web.archive import UNIT_A, UNIT_B, build_archive
from web.app import create_app
from web.passwords import hash_password

PASSWORD = "mật-khẩu-đủ-dài-1"
USERS = {
    "admin": ("admin", []),
    "can_bo_a": ("officer", [UNIT_A]),
    "can_bo_b": ("officer", [UNIT_B]),
    "luu_tru_a": ("archive_staff", [UNIT_A]),
    "lanh_dao": ("manager", [UNIT_A, UNIT_B]),
    "lanh_dao_a": ("manager", [UNIT_A]),
}


@pytest.fixture(scope="module")
def web_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("web")
    settings = build_archive(home)
    catalog = open_catalog(settings.database_url)
    try:
        for name, (role, units) in USERS.items():
            catalog.create_user(name, hash_password(PASSWORD), role, units, actor="test")
    finally:
        catalog.close()
    return home


@pytest.fixture(scope="module")
def app(web_home: Path):  # noqa: ANN201
    from tests.web.archive import settings_for

    os.environ.setdefault("SOHOA_LANG", "vi")
    application = create_app(settings_for(web_home), start_upload_worker=False)
    yield application
    application.state.services.close()


def login(client: TestClient, username: str, password: str = PASSWORD) -> str:
    """Log in through the API; returns the session's CSRF token."""
    response = client.post("/api/session", json={"username": username, "password": password})
    assert response.status_code == 200, response.text
    return response.json()["csrf_token"]


@pytest.fixture
def client_for(app) -> Iterator:  # noqa: ANN001
    clients: list[TestClient] = []

    def make(username: str | None = None) -> TestClient:
        client = TestClient(app, base_url="http://testserver")
        clients.append(client)
        if username:
            client.headers["X-CSRF-Token"] = login(client, username)
        return client

    yield make
    for client in clients:
        client.close()
