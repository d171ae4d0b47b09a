"""Prefect's temporary API server, started one process at a time per Prefect home.

Without `PREFECT_API_URL`, every process that runs a flow or task starts its own temporary server, and each server
applies Prefect's database migrations to the one SQLite database in `PREFECT_HOME` as it starts. Two `sohoa
ingest` started together on a fresh home raced there ("Online migration expected to match one row ... 0 found",
"Application startup failed") and one of them lost its files. Starting the server under a file lock lets the
second process find the database already migrated. Call it before the first flow or task run of the process: a
flow run starts the server as it is created (`sohoa ingest` calls it before `ingest_flow`; `ingest_runner` before
`run_ingest`).
"""

from __future__ import annotations

import fcntl
import threading

LOCK_NAME = "sohoa-temporary-api.lock"
_starting = threading.Lock()  # the file lock orders processes; this orders the threads of one (web uploads)


def start_temporary_api() -> None:
    """Start this process's temporary Prefect API server now, under the home's lock; nothing when a server is set.

    Prefect keeps one such server per process (`SubprocessASGIServer` is a singleton) and reuses it for every
    later client, so starting it here is starting it for the whole run."""
    from prefect.settings import PREFECT_API_URL, PREFECT_HOME, PREFECT_SERVER_EPHEMERAL_ENABLED

    if PREFECT_API_URL.value() or not PREFECT_SERVER_EPHEMERAL_ENABLED.value():
        return
    from prefect.server.api.server import SubprocessASGIServer

    with _starting:
        server = SubprocessASGIServer()
        if server.running:
            return
        home = PREFECT_HOME.value()
        home.mkdir(parents=True, exist_ok=True)
        with open(home / LOCK_NAME, "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file is closed, also if this process dies
            server.start()
