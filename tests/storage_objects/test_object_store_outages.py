"""A store that cannot be reached says so quickly with StorageUnavailableError, and recovers by itself."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from storage.errors import InvalidKeyError, StorageAccessError, StorageUnavailableError
from sohoa.compose import open_object_store
from storage.objects import ObjectStore
from storage.s3 import S3ObjectStore
from tests.storage_objects import object_servers
from tests.storage_objects.object_servers import PrivateServer, free_port, with_bucket


def every_operation(store: ObjectStore, tmp_path: Path) -> dict:
    source = tmp_path / "page.png"
    source.write_bytes(b"page")
    return {
        "ping": store.ping,
        "put_bytes": lambda: store.put_bytes("outage/a.txt", b"a"),
        "put_file": lambda: store.put_file("outage/page.png", source),
        "get_bytes": lambda: store.get_bytes("outage/a.txt"),
        "open_stream": lambda: store.open_stream("outage/a.txt").__enter__(),
        "download": lambda: store.download("outage/a.txt", tmp_path / "a.txt"),
        "exists": lambda: store.exists("outage/a.txt"),
        "stat": lambda: store.stat("outage/a.txt"),
        "list": lambda: list(store.list("outage/")),
    }


# pytest-timeout bounds the whole test: a client that retried for minutes would fail it.
@pytest.mark.timeout(60)
def test_a_closed_port_raises_storage_unavailable_for_every_operation(tmp_path: Path) -> None:
    store = open_object_store(f"s3://AK:SECRETKEY@127.0.0.1:{free_port()}/sohoa-down?secure=false")
    for name, call in every_operation(store, tmp_path).items():
        with pytest.raises(StorageUnavailableError, match="cannot reach"):
            call()
            pytest.fail(f"{name} did not notice the server is down")
    # bad input is still reported as bad input, not as an outage
    with pytest.raises(InvalidKeyError):
        store.stat("../x")
    # presigning needs no server: a URL is computed even while the server is down
    assert store.presigned_url("outage/a.txt", timedelta(minutes=1)).startswith("http://127.0.0.1:")


def test_storage_unavailable_is_a_sohoa_error_flows_can_catch() -> None:
    from ocr.errors import SohoaError

    assert issubclass(StorageUnavailableError, SohoaError)


def test_wrong_secret_is_an_access_error_not_an_outage(s3_url: str) -> None:
    parts = urlsplit(s3_url)
    wrong = parts._replace(netloc=f"{parts.username}:not-the-secret@{parts.hostname}:{parts.port}").geturl()
    with pytest.raises(StorageAccessError, match="access refused") as caught:
        open_object_store(wrong).ping()
    assert "not-the-secret" not in str(caught.value)


@pytest.fixture(
    params=[
        pytest.param("minio", marks=pytest.mark.minio),
        pytest.param("seaweedfs", marks=pytest.mark.seaweedfs),
    ]
)
def private_server(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[PrivateServer]:
    """A private instance (own ports, own data) of a provisioned server, stopped whatever happens."""
    with object_servers.private_server(request.param, tmp_path / "run") as server:
        yield server


@pytest.mark.timeout(300)
def test_a_server_stopped_for_real_is_unavailable_then_works_again(
    private_server: PrivateServer, tmp_path: Path
) -> None:
    url = private_server.start()
    store = open_object_store(with_bucket(url, "outage-test"))
    assert isinstance(store, S3ObjectStore)
    before = store.put_bytes("dossiers/H21.65-220914-0011.pdf", b"%PDF before the outage")

    private_server.stop()
    for name, call in every_operation(store, tmp_path).items():
        with pytest.raises(StorageUnavailableError):
            call()
            pytest.fail(f"{name} did not notice the server is down")

    private_server.start()
    assert store.get_bytes(before.key) == b"%PDF before the outage"
    after = store.put_bytes("dossiers/H21.65-220914-0012.pdf", os.urandom(1000))
    assert store.stat(after.key) == after
