"""`sohoa serve` stopped with SIGTERM or SIGINT leaves no process behind (issue 9 item 9).

Before the fix, uvicorn's graceful shutdown re-raised SIGTERM into the default handler, which killed the
process before `atexit` ran, and `atexit` is where Prefect stops the ephemeral API server it starts for an
upload's ingest: that server (a uvicorn process of its own) kept running after `sohoa serve` was gone.
"""

from __future__ import annotations

import io
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from benchmarks.proctree import _children
from tests.flows.helpers import REPO, sohoa_env
from tests.ocr_io.conftest import draw_page

pytestmark = [pytest.mark.slow, pytest.mark.timeout(600)]
PASSWORD = "mật-khẩu-đủ-dài-1"


def tree(pid: int) -> dict[int, str]:
    """Descendants of `pid` -> command line, read from /proc/<pid>/task/*/children."""
    found: dict[int, str] = {}
    stack = [pid]
    while stack:
        for child in _children(stack.pop()):
            try:
                found[child] = Path(f"/proc/{child}/cmdline").read_text().replace("\0", " ")
            except OSError:
                continue
            stack.append(child)
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_serve_stops_prefect_and_every_child_on_a_signal(tmp_path: Path, stop: signal.Signals) -> None:
    home = tmp_path / "home"
    env = sohoa_env(home, PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS="180")
    added = subprocess.run([sys.executable, "-m", "sohoa", "user", "add", "admin", "--role", "admin",
                            "--password-stdin"], input=PASSWORD + "\n", text=True, capture_output=True,
                           env=env, cwd=REPO, timeout=120)
    assert added.returncode == 0, added.stderr
    port = free_port()
    log = (tmp_path / "serve.log").open("w")
    serve = subprocess.Popen([sys.executable, "-m", "sohoa", "serve", "--port", str(port)], env=env, cwd=REPO,
                             stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    seen: dict[int, str] = {}
    try:
        client = httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30)
        deadline = time.monotonic() + 180
        while True:
            assert serve.poll() is None and time.monotonic() < deadline, (tmp_path / "serve.log").read_text()
            try:
                client.get("/login")
                break
            except httpx.TransportError:
                time.sleep(0.5)
        session = client.post("/api/session", json={"username": "admin", "password": PASSWORD})
        token = session.json()["csrf_token"]
        pages = [draw_page(text=f"Trang {n}: hồ sơ") for n in range(4)]
        scan = io.BytesIO()
        pages[0].save(scan, format="TIFF", save_all=True, append_images=pages[1:], dpi=(100, 100))
        upload = client.post("/api/uploads", files=[("files", ("stack.tif", scan.getvalue(), "image/tiff"))],
                             headers={"X-CSRF-Token": token})
        assert upload.status_code == 202, upload.text
        # The upload's ingest starts Prefect's ephemeral API server as a child process.
        deadline = time.monotonic() + 240
        while not any("prefect.server.api.server" in cmd for cmd in seen.values()):
            assert time.monotonic() < deadline, f"no Prefect server among {seen}"
            seen.update(tree(serve.pid))
            time.sleep(0.5)
        seen.update(tree(serve.pid))

        serve.send_signal(stop)
        code = serve.wait(timeout=120)
        assert code == 128 + stop, (tmp_path / "serve.log").read_text()[-2000:]
        time.sleep(1)
        survivors = {pid: cmd for pid, cmd in seen.items() if alive(pid)}
        assert not survivors, survivors
    finally:
        if serve.poll() is None:
            os.killpg(serve.pid, signal.SIGKILL)
        for pid in seen:  # a failed run must not leave its leftovers to the next test
            if alive(pid):
                os.kill(pid, signal.SIGKILL)
        log.close()
