"""Fixtures for the ObjectStore contract suite: one store per backend (local, MinIO, SeaweedFS), fresh per run.

Each real server gets a fresh bucket per test session (created by the store itself, which is part of the
contract) and every test works under its own key prefix; the bucket is emptied and removed afterwards.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from storage.local import LocalObjectStore
from sohoa.compose import open_object_store
from storage.objects import ObjectStore
from tests.conftest import service_url
from tests.storage_objects.object_servers import RUN_ID, SERVERS, remove_bucket, with_bucket


@pytest.fixture(scope="session")
def server_urls() -> Iterator[dict[str, str]]:
    """Fresh-bucket URLs of the servers that were started; removed at the end of the session."""
    urls: dict[str, str] = {}
    yield urls
    for url in urls.values():
        remove_bucket(url)


def server_store(name: str, server_urls: dict[str, str]) -> ObjectStore:
    if name not in server_urls:
        server_urls[name] = with_bucket(service_url(SERVERS[name]), f"sohoa-test-{RUN_ID}")
    return open_object_store(server_urls[name])


@pytest.fixture(
    params=[
        "local",
        pytest.param("minio", marks=pytest.mark.minio),
        pytest.param("seaweedfs", marks=pytest.mark.seaweedfs),
    ]
)
def store(request: pytest.FixtureRequest, tmp_path: Path, server_urls: dict[str, str]) -> ObjectStore:
    if request.param == "local":
        return LocalObjectStore(tmp_path / "objects-root")
    return server_store(request.param, server_urls)


@pytest.fixture(
    params=[
        pytest.param("minio", marks=pytest.mark.minio),
        pytest.param("seaweedfs", marks=pytest.mark.seaweedfs),
    ]
)
def s3_url(request: pytest.FixtureRequest) -> str:
    """The URL printed by deploy/<server>.sh start (its own bucket)."""
    return service_url(SERVERS[request.param])


@pytest.fixture
def ns() -> str:
    """A key prefix no other test (or earlier run) uses."""
    return f"test/{uuid.uuid4().hex}"
