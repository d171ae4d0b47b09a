"""A local write killed with SIGKILL half-way leaves no object under its key, and the next write succeeds."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from storage.local import LocalObjectStore

MB = 1024 * 1024
WRITER = """
import sys
from storage.local import LocalObjectStore
LocalObjectStore(sys.argv[1]).put_file(sys.argv[2], sys.argv[3])
"""


@pytest.mark.timeout(60)
def test_kill_9_during_put_leaves_no_partial_object(tmp_path: Path) -> None:
    root = tmp_path / "store"
    key = "originals/ab/cd/scan.pdf"
    # A FIFO as the source: the writer blocks mid-copy for as long as we like, so the kill lands
    # deterministically in the middle of the write instead of racing it.
    fifo = tmp_path / "scanner.fifo"
    os.mkfifo(fifo)
    writer = subprocess.Popen([sys.executable, "-c", WRITER, str(root), key, str(fifo)], cwd=Path.cwd())
    try:
        with open(fifo, "wb") as feed:
            feed.write(os.urandom(8 * MB))
            feed.flush()
            deadline = time.monotonic() + 30
            while sum(p.stat().st_size for p in (root / "tmp").glob("*.part")) < 8 * MB - MB:
                assert time.monotonic() < deadline, "writer never copied the bytes it was fed"
                time.sleep(0.05)
            writer.send_signal(signal.SIGKILL)
            writer.wait(timeout=10)
    except BrokenPipeError:
        pass
    finally:
        if writer.poll() is None:
            writer.kill()

    store = LocalObjectStore(root)
    assert writer.returncode == -signal.SIGKILL
    assert not store.exists(key) and store.stat(key) is None
    assert list(store.list()) == []
    whole = tmp_path / "whole.pdf"
    whole.write_bytes(os.urandom(3 * MB))
    assert store.put_file(key, whole).size == 3 * MB
    assert store.get_bytes(key) == whole.read_bytes()


def test_object_without_its_meta_file_recovers_the_sha256_from_its_bytes(tmp_path: Path) -> None:
    # Simulates a kill between linking the object and writing its meta file.
    store = LocalObjectStore(tmp_path)
    stored = store.put_bytes("derived/ab/cd/x/ocr.txt", b"Quyet dinh so 123/QD-UBND")
    (tmp_path / "meta" / "derived/ab/cd/x/ocr.txt.json").unlink()
    assert store.stat(stored.key).sha256 is None
    assert store.put_bytes(stored.key, b"Quyet dinh so 123/QD-UBND").key == stored.key
    with pytest.raises(Exception, match="refusing different bytes"):
        store.put_bytes(stored.key, b"something else")


def test_keys_cannot_nest_under_an_existing_key_locally(tmp_path: Path) -> None:
    from storage.errors import InvalidKeyError

    store = LocalObjectStore(tmp_path)
    store.put_bytes("a/b", b"1")
    with pytest.raises(InvalidKeyError, match="shorter key"):
        store.put_bytes("a/b/c", b"2")
    assert store.get_bytes("a/b") == b"1"
