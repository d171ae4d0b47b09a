"""Real S3 servers for the storage tests: fresh-bucket URLs, cleanup, free ports, private server instances."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import urllib3
from minio import Minio

from tests.conftest import service_url

REPO = Path(__file__).resolve().parents[2]
SERVERS = {"minio": "SOHOA_TEST_MINIO_URL", "seaweedfs": "SOHOA_TEST_SEAWEEDFS_URL"}
RUN_ID = uuid.uuid4().hex[:10]


def with_bucket(url: str, bucket: str) -> str:
    """The same S3 URL pointing at another bucket."""
    parts = urlsplit(url)
    return parts._replace(path=f"/{bucket}").geturl()


def raw_client(url: str) -> Minio:
    """A plain minio client for clean-up, failing fast like the store so a dead server cannot hang teardown."""
    parts = urlsplit(url)
    return Minio(
        parts.netloc.rsplit("@", 1)[1],
        parts.username,
        parts.password,
        secure="secure=false" not in parts.query,
        region="us-east-1",
        http_client=urllib3.PoolManager(
            timeout=urllib3.Timeout(connect=3, read=30), retries=urllib3.Retry(total=1)
        ),
    )


def remove_bucket(url: str) -> None:
    parts = urlsplit(url)
    bucket = parts.path.strip("/")
    client = raw_client(url)
    if not client.bucket_exists(bucket):
        return
    for item in client.list_objects(bucket, recursive=True):
        client.remove_object(bucket, item.object_name)
    client.remove_bucket(bucket)


@contextmanager
def fresh_bucket(url: str, prefix: str) -> Iterator[str]:
    """The URL of a new bucket on the server at url, emptied and removed afterwards.

    The test servers live across runs, and on SeaweedFS every bucket left behind keeps its volumes.
    """
    bucket_url = with_bucket(url, f"{prefix}-{uuid.uuid4().hex[:10]}")
    try:
        yield bucket_url
    finally:
        remove_bucket(bucket_url)


def free_port(also_plus: int | None = None) -> int:
    """A loopback port nobody listens on (and, for SeaweedFS gRPC, port + also_plus free too)."""
    while True:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        if also_plus is None:
            return port
        if port + also_plus < 65535:
            with socket.socket() as probe:
                try:
                    probe.bind(("127.0.0.1", port + also_plus))
                except OSError:
                    continue
            return port


class PrivateServer:
    """A second, private instance of a real server, run through its deploy script, that a test may stop."""

    def __init__(self, name: str, run_dir: Path) -> None:
        self.name = name
        self.script = REPO / "deploy" / f"{name}.sh"
        self.env = dict(os.environ)
        prefix = f"SOHOA_{name.upper()}_"
        self.env[prefix + "RUN_DIR"] = str(run_dir)
        # The outage under test is a server process that is gone: 2 s of grace, then SIGKILL like a crash
        # (SeaweedFS alone would spend ~16 s shutting down gracefully).
        self.env[prefix + "STOP_TIMEOUT"] = "2"
        if name == "minio":
            self.env[prefix + "PORT"] = str(free_port())
            self.env[prefix + "CONSOLE_PORT"] = str(free_port())
        else:
            for role in ("S3", "MASTER", "VOLUME", "FILER"):
                self.env[f"{prefix}{role}_PORT"] = str(free_port(also_plus=10000))

    def start(self) -> str:
        done = subprocess.run(
            ["bash", str(self.script), "start"],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=180,
            check=False,
        )
        assert done.returncode == 0, f"{self.script} start failed:\n{done.stderr}"
        lines = done.stdout.splitlines()
        assert lines and all(re.fullmatch(r"[A-Z][A-Z0-9_]*=\S+", line) for line in lines), (
            f"{self.script} start must print only KEY=VALUE lines on stdout, printed:\n{done.stdout}"
        )
        settings = dict(line.split("=", 1) for line in lines)
        return settings[f"SOHOA_TEST_{self.name.upper()}_URL"]

    def stop(self) -> None:
        subprocess.run(
            ["bash", str(self.script), "stop"], env=self.env, capture_output=True, timeout=60, check=True
        )


@contextmanager
def private_server(name: str, run_dir: Path) -> Iterator[PrivateServer]:
    """A private instance (own ports, own data) of a provisioned server, stopped whatever happens."""
    service_url(SERVERS[name])  # the service was provisioned, so its binary is installed
    server = PrivateServer(name, run_dir)
    try:
        yield server
    finally:
        server.stop()
