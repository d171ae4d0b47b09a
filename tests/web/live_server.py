"""`sohoa serve` in a subprocess of its own session (so a kill -9 takes its workers too), for restart and
request-limit tests against the real server."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from storage.catalog import open_catalog
from tests.flows.helpers import REPO, sohoa_env
from web.passwords import hash_password

PASSWORD = "mật-khẩu-đủ-dài-1"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def add_users(home: Path, users: dict[str, tuple[str, list[str]]], **env: str) -> None:
    settings_env = sohoa_env(home, **env)
    catalog = open_catalog(settings_env.get("SOHOA_DATABASE_URL") or f"sqlite:///{home / 'catalog.sqlite3'}")
    try:
        for name, (role, units) in users.items():
            catalog.create_user(name, hash_password(PASSWORD), role, units, actor="test")
    finally:
        catalog.close()


class LiveServer:
    def __init__(self, home: Path, **env: str) -> None:
        # A loaded test machine needs more than Prefect's 20 s to start its temporary API server.
        self.home, self.env = home, sohoa_env(home, **{"PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "300", **env})
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None
        self.log = home / f"serve-{self.port}.log"

    def start(self, timeout: float = 120) -> LiveServer:
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "sohoa", "serve", "--port", str(self.port)],
                cwd=REPO, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"sohoa serve exited: {self.log.read_text(errors='replace')[-3000:]}")
            try:
                if httpx.get(self.url + "/login", timeout=2).status_code == 200:
                    return self
            except httpx.HTTPError:
                time.sleep(0.3)
        raise AssertionError(f"sohoa serve did not start: {self.log.read_text(errors='replace')[-3000:]}")

    def kill(self) -> None:
        """kill -9 the server and every process it started (Prefect, the OCR pool)."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=30)

    @contextmanager
    def client(self, username: str) -> Iterator[httpx.Client]:
        with httpx.Client(base_url=self.url, timeout=60) as client:
            response = client.post("/api/session", json={"username": username, "password": PASSWORD})
            assert response.status_code == 200, response.text
            client.headers["X-CSRF-Token"] = response.json()["csrf_token"]
            yield client
