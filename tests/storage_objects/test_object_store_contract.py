"""The ObjectStore contract, run unchanged against local files, a real MinIO and a real SeaweedFS."""

from __future__ import annotations

import hashlib
import os
import re
import time
import tracemalloc
import unicodedata
import urllib.error
import urllib.request
from datetime import timedelta
from pathlib import Path

import pytest

from ocr.errors import InputFileError
from storage.errors import InvalidKeyError, ObjectConflictError, ObjectNotFoundError
from storage.objects import ObjectStore, StoredObject, file_sha256, original_key, safe_suffix

MB = 1024 * 1024


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_bytes_round_trip_with_facts(store: ObjectStore, ns: str) -> None:
    data = "Giấy tiếp nhận hồ sơ và hẹn trả kết quả\n".encode() * 100
    stored = store.put_bytes(f"{ns}/receipt.txt", data, "text/plain; charset=utf-8")

    assert stored == StoredObject(f"{ns}/receipt.txt", len(data), sha(data), "text/plain; charset=utf-8")
    assert store.get_bytes(f"{ns}/receipt.txt") == data
    assert store.stat(f"{ns}/receipt.txt") == stored
    assert store.exists(f"{ns}/receipt.txt")
    assert isinstance(store, ObjectStore)


def test_content_type_is_guessed_from_the_key(store: ObjectStore, ns: str) -> None:
    assert store.put_bytes(f"{ns}/scan.pdf", b"%PDF-1.7 fake").content_type == "application/pdf"
    assert store.stat(f"{ns}/scan.pdf").content_type == "application/pdf"
    assert store.put_bytes(f"{ns}/blob", b"\x00\x01").content_type == "application/octet-stream"


def test_missing_key_is_absent_not_an_error_for_exists_and_stat(
    store: ObjectStore, ns: str, tmp_path: Path
) -> None:
    key = f"{ns}/never-stored.pdf"
    assert not store.exists(key)
    assert store.stat(key) is None
    with pytest.raises(ObjectNotFoundError, match="never-stored"):
        store.get_bytes(key)
    with pytest.raises(ObjectNotFoundError), store.open_stream(key):
        pass
    with pytest.raises(ObjectNotFoundError):
        store.download(key, tmp_path / "out.pdf")
    assert not (tmp_path / "out.pdf").exists()


def test_file_round_trip_and_atomic_download(store: ObjectStore, ns: str, tmp_path: Path) -> None:
    source = tmp_path / "scan.tif"
    source.write_bytes(os.urandom(300_000))
    stored = store.put_file(f"{ns}/scan.tif", source)

    assert stored.sha256 == file_sha256(source) and stored.size == 300_000
    assert stored.content_type == "image/tiff"
    dest = tmp_path / "restored" / "deep" / "scan.tif"
    assert store.download(f"{ns}/scan.tif", dest).sha256 == stored.sha256
    assert dest.read_bytes() == source.read_bytes()
    assert [p.name for p in dest.parent.iterdir()] == ["scan.tif"]  # no temp file left beside it


def test_put_is_idempotent(store: ObjectStore, ns: str, tmp_path: Path) -> None:
    data = os.urandom(10_000)
    first = store.put_bytes(f"{ns}/page-0001.png", data, "image/png")
    again = store.put_bytes(f"{ns}/page-0001.png", data, "image/png")
    source = tmp_path / "same.png"
    source.write_bytes(data)
    from_file = store.put_file(f"{ns}/page-0001.png", source)

    assert first == again == from_file
    assert list(store.list(ns)) == [f"{ns}/page-0001.png"]


def test_different_bytes_under_a_key_conflict_and_change_nothing(
    store: ObjectStore, ns: str, tmp_path: Path
) -> None:
    store.put_bytes(f"{ns}/doc.pdf", b"first version")
    with pytest.raises(ObjectConflictError) as caught:
        store.put_bytes(f"{ns}/doc.pdf", b"second version")
    assert caught.value.existing_sha256 == sha(b"first version")
    assert caught.value.offered_sha256 == sha(b"second version")

    other = tmp_path / "other.pdf"
    other.write_bytes(b"third version")
    with pytest.raises(ObjectConflictError, match="doc.pdf"):
        store.put_file(f"{ns}/doc.pdf", other)
    assert store.get_bytes(f"{ns}/doc.pdf") == b"first version"


def test_unreadable_source_file_is_named_in_the_error(store: ObjectStore, ns: str, tmp_path: Path) -> None:
    missing = tmp_path / "Hồ sơ thiếu.pdf"
    with pytest.raises(InputFileError, match="Hồ sơ thiếu.pdf"):
        store.put_file(f"{ns}/x.pdf", missing)
    assert not store.exists(f"{ns}/x.pdf")


def test_large_object_is_streamed_in_bounded_memory(store: ObjectStore, ns: str, tmp_path: Path) -> None:
    size = 50 * MB
    source = tmp_path / "big-scan.pdf"
    digest = hashlib.sha256()
    with open(source, "wb") as out:
        for _ in range(size // MB):
            chunk = os.urandom(MB)
            digest.update(chunk)
            out.write(chunk)
    key = f"{ns}/big-scan.pdf"

    tracemalloc.start()
    try:
        stored = store.put_file(key, source)
        _, put_peak = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        streamed = hashlib.sha256()
        total = 0
        with store.open_stream(key) as stream:
            while chunk := stream.read(MB):
                streamed.update(chunk)
                total += len(chunk)
        _, read_peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    print(f"{store.url}: put_file peak {put_peak / MB:.1f} MB, open_stream peak {read_peak / MB:.1f} MB")
    assert stored.size == size and stored.sha256 == digest.hexdigest()
    assert total == size and streamed.hexdigest() == digest.hexdigest()
    # Bounded: a few MB-sized parts in flight are fine, holding the object (or half of it) is not.
    assert put_peak < size // 3, f"put_file peaked at {put_peak / MB:.1f} MB of Python memory"
    assert read_peak < size // 4, f"open_stream peaked at {read_peak / MB:.1f} MB of Python memory"
    assert store.download(key, tmp_path / "back.pdf").sha256 == digest.hexdigest()


def test_listing_is_by_plain_prefix_each_key_once(store: ObjectStore, ns: str) -> None:
    keys = [f"{ns}/a/2", f"{ns}/b/1", f"{ns}/a.c", f"{ns}/a/1", f"{ns}/a-b", f"{ns}/a/deeper/x"]
    for key in keys:
        store.put_bytes(key, key.encode())

    # sorted() on both sides: order is not promised, but a key listed twice would still show
    assert sorted(store.list(f"{ns}/")) == sorted(keys)
    assert sorted(store.list(f"{ns}/a")) == [
        f"{ns}/a-b",
        f"{ns}/a.c",
        f"{ns}/a/1",
        f"{ns}/a/2",
        f"{ns}/a/deeper/x",
    ]
    assert sorted(store.list(f"{ns}/a/")) == [f"{ns}/a/1", f"{ns}/a/2", f"{ns}/a/deeper/x"]
    assert sorted(store.list(f"{ns}/a/d")) == [f"{ns}/a/deeper/x"]
    assert list(store.list(f"{ns}/zzz")) == []
    assert set(keys) <= set(store.list())


def test_presigned_url_downloads_over_http_without_credentials(store: ObjectStore, ns: str) -> None:
    data = os.urandom(5000)
    store.put_bytes(f"{ns}/page.png", data, "image/png")
    url = store.presigned_url(f"{ns}/page.png", timedelta(minutes=5))
    if url is None:
        assert store.url.startswith("file:"), "only local stores may have no URLs"
        return

    with urllib.request.urlopen(url, timeout=10) as response:
        assert response.read() == data
    tampered = re.sub(r"X-Amz-Signature=[0-9a-f]+", "X-Amz-Signature=" + "0" * 64, url)
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(tampered, timeout=10)
    assert refused.value.code == 403


def test_presigned_url_stops_working_once_expired(store: ObjectStore, ns: str) -> None:
    store.put_bytes(f"{ns}/short-lived.txt", b"personal data")
    url = store.presigned_url(f"{ns}/short-lived.txt", timedelta(seconds=1))
    if url is None:
        return
    time.sleep(2.1)  # S3 checks expiry to the second; no shorter lifetime can be signed
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(url, timeout=10)
    assert refused.value.code == 403


BAD_KEYS = [
    "",
    "/etc/passwd",
    "../escape",
    "a/../../b",
    "a//b",
    "a/./b",
    "trailing/",
    ".",
    "..",
    "with space.pdf",
    "tài-liệu.pdf",
    "a\\b",
    "line\nbreak",
    "semi;colon",
    "x" * 600,
]


@pytest.mark.parametrize("key", BAD_KEYS, ids=repr)
def test_invalid_keys_are_refused_before_any_io(store: ObjectStore, key: str, tmp_path: Path) -> None:
    source = tmp_path / "f.bin"
    source.write_bytes(b"data")
    before = list(store.list("test/"))
    for call in (
        lambda: store.put_bytes(key, b"data"),
        lambda: store.put_file(key, source),
        lambda: store.get_bytes(key),
        lambda: store.stat(key),
        lambda: store.exists(key),
        lambda: store.presigned_url(key, timedelta(minutes=1)),
        lambda: store.download(key, tmp_path / "out"),
    ):
        with pytest.raises(InvalidKeyError):
            call()
    assert list(store.list("test/")) == before
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("prefix", ["../", "/abs", "a//", "a/../", "sp ace"])
def test_invalid_listing_prefixes_are_refused(store: ObjectStore, prefix: str) -> None:
    with pytest.raises(InvalidKeyError):
        list(store.list(prefix))


USER_FILE_NAMES = [
    unicodedata.normalize("NFC", "Giấy tiếp nhận hồ sơ.PDF"),
    unicodedata.normalize("NFD", "Giấy tiếp nhận hồ sơ.PDF"),
    "hồ sơ  có   dấu cách .pdf",
    "..pdf",
    "-rf .tif",
    "bản scan.tài liệu",
]


def test_user_file_names_are_stored_under_content_addressed_keys(store: ObjectStore, tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    content = os.urandom(2000)
    keys = {}
    for index, name in enumerate(USER_FILE_NAMES):
        path = inbox / name
        path.write_bytes(content if index < 2 else content + name.encode())
        key = original_key(file_sha256(path), safe_suffix(name))
        assert re.fullmatch(r"originals/[0-9a-f]{2}/[0-9a-f]{2}/[0-9a-f]{64}(\.[a-z0-9]{1,10})?", key)
        stored = store.put_file(key, path)
        assert store.get_bytes(stored.key) == path.read_bytes()
        keys[name] = key

    nfc, nfd = USER_FILE_NAMES[:2]
    assert nfc != nfd and keys[nfc] == keys[nfd]  # the same scan saved under two spellings is stored once
    assert keys[nfc].endswith(".pdf")
    assert keys["bản scan.tài liệu"].endswith(file_sha256(inbox / "bản scan.tài liệu"))
    assert len(set(keys.values())) == len(USER_FILE_NAMES) - 1


def test_a_path_like_user_name_cannot_escape_the_store(store: ObjectStore, tmp_path: Path) -> None:
    source = tmp_path / "escape.pdf"
    source.write_bytes(os.urandom(100))
    hostile_name = "../../../../etc/cron.d/escape.pdf"
    key = original_key(file_sha256(source), safe_suffix(hostile_name))
    store.put_file(key, source)
    assert key.startswith("originals/") and ".." not in key
    assert store.get_bytes(key) == source.read_bytes()
