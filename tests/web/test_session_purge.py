"""Expired sessions are purged from the catalogue: when the web app starts and at every login (issue 9, dead code)."""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from pathlib import Path

from fastapi.testclient import TestClient

from storage.catalog import open_catalog
from storage.catalog.schema import utcnow
from tests.web.archive import build_archive, settings_for
from tests.web.conftest import PASSWORD, login
from web.app import create_app
from web.passwords import hash_password


def _session_ips(database: Path) -> list[str]:
    with sqlite3.connect(database) as connection:
        return sorted(row[0] or "" for row in connection.execute("SELECT ip FROM sessions"))


def test_expired_sessions_are_purged_at_start_up_and_at_login(tmp_path: Path) -> None:
    settings = build_archive(tmp_path)
    database = Path(settings.database_url.removeprefix("sqlite:///"))
    catalog = open_catalog(settings.database_url)
    try:
        user = catalog.create_user("can_bo", hash_password(PASSWORD), "officer", ["x"], actor="test")
        catalog.create_session(user.id, "old-1", "csrf-1", utcnow() - timedelta(minutes=1), "expired-before-start")
        catalog.create_session(user.id, "live", "csrf-2", utcnow() + timedelta(hours=1), "live")
    finally:
        catalog.close()

    app = create_app(settings_for(tmp_path), start_upload_worker=False)
    try:
        assert _session_ips(database) == ["live"]  # the app's start-up swept the expired one

        app.state.services.catalog.create_session(
            user.id, "old-2", "csrf-3", utcnow() - timedelta(seconds=1), "expired-while-running"
        )
        assert "expired-while-running" in _session_ips(database)
        with TestClient(app) as client:
            login(client, "can_bo")
        ips = _session_ips(database)
        assert "expired-while-running" not in ips and "live" in ips and len(ips) == 2  # live + the new login
    finally:
        app.state.services.close()
