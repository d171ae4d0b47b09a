"""The SeaweedFS test server keeps taking new buckets however many earlier runs left behind.

SeaweedFS stores each bucket in its own collection of volumes and, by default, grows 7 volumes for a new
one; with `-volume.max=0` it allows free disk / volume size of them. The server under `$SOHOA_CACHE` lives
across runs, so the buckets of earlier runs used the count up and every put failed with InternalError
("No writable volumes and no free volumes left"): CI stop 18, 12 failed tests.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from sohoa.compose import open_object_store
from tests.storage_objects.object_servers import PrivateServer, private_server, with_bucket

pytestmark = pytest.mark.seaweedfs

# More buckets than 70 GB of free disk allowed with 7 volumes each (138 volumes, 19 buckets).
BUCKETS = 40


@pytest.fixture
def seaweedfs(tmp_path: Path) -> Iterator[PrivateServer]:
    with private_server("seaweedfs", tmp_path / "run") as server:
        yield server


@pytest.mark.timeout(600)
def test_a_server_full_of_earlier_runs_buckets_still_takes_a_new_bucket(
    seaweedfs: PrivateServer, tmp_path: Path
) -> None:
    url = seaweedfs.start()
    for number in range(BUCKETS):
        store = open_object_store(with_bucket(url, f"left-{number}-{uuid.uuid4().hex[:6]}"))
        stored = store.put_bytes("dossiers/H21.65-220914-0011.pdf", b"%PDF left by an earlier run")
        assert store.get_bytes(stored.key) == b"%PDF left by an earlier run", f"bucket {number}"
    volumes = list((tmp_path / "run" / "data").glob("*.dat"))
    # one volume per bucket, plus the readiness probe's: the count grows with use, not 7 at a time
    assert len(volumes) <= BUCKETS + 2, len(volumes)
