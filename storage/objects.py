"""The ObjectStore contract and safe content-addressed keys (`sohoa.compose.open_object_store` picks a backend)."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import BinaryIO, Protocol, runtime_checkable
from urllib.parse import urlsplit

from storage.errors import InvalidKeyError

CHUNK_SIZE = 1024 * 1024
MAX_KEY_LENGTH = 512

_KEY_CHARS = re.compile(r"[A-Za-z0-9._/-]+")
_SHA256 = re.compile(r"[0-9a-f]{64}")
_SUFFIX = re.compile(r"\.[a-z0-9]{1,10}")


@dataclass(frozen=True)
class StoredObject:
    """What a store knows about one object. `sha256` is None only for objects written by other tools."""

    key: str
    size: int
    sha256: str | None
    content_type: str | None


@runtime_checkable
class ObjectStore(Protocol):
    """Immutable, content-addressed object storage. CONTRACT every backend honours (tests/storage_objects):

    Keys
      - Every method validates its key with `validate_key` and raises `InvalidKeyError` before any I/O.
        User file names never become keys: build keys with `original_key` / `derived_key`.

    Writes are idempotent and never overwrite
      - `put_file` / `put_bytes` store the bytes under the key and return the `StoredObject`
        (with `sha256` and `content_type`, guessed from the key's suffix when not given).
      - Same key and same bytes again: no write, return the existing object.
      - Same key and different bytes: raise `ObjectConflictError`, the stored object is unchanged.
      - A reader never sees a partial object under a key: a write interrupted at any point (kill -9)
        leaves either no object or the whole object.
      - Writes of large files stream from disk in bounded memory.

    Reads
      - `get_bytes` returns the whole object (for small objects); `open_stream` is a context manager
        yielding a binary file-like for large ones (bounded memory); `download` writes to `dest`
        atomically and checks the sha256 when known (`ObjectCorruptError` on mismatch).
      - A missing key raises `ObjectNotFoundError` from `get_bytes`, `open_stream` and `download`;
        `exists` returns False and `stat` returns None.
      - `list(prefix)` yields every key starting with `prefix` (a plain string prefix, not a folder)
        exactly once, in no promised order: SeaweedFS lists folder by folder ('a/1' before 'a-b'), and
        sorting would mean holding millions of keys in memory. Sort the result yourself if you need to.
      - `presigned_url(key, expires)` returns an HTTP(S) URL that downloads the object without
        credentials until `expires` passes, or None when the backend has no URLs (local files). With
        `content_disposition` / `content_type` the download carries those headers (the archival file name).

    Failures
      - An unreachable or failing server raises `StorageUnavailableError` within seconds (retry later);
        refused credentials raise `StorageAccessError`. No method returns a wrong answer instead.
      - `ping()` returns None when the store is usable (bucket created if needed), else raises.
      - Constructing a store does no I/O; the first operation connects.
    """

    url: str  # the store's URL with any secret removed, for messages and logs

    def put_file(self, key: str, path: Path | str, content_type: str | None = None) -> StoredObject: ...

    def put_bytes(self, key: str, data: bytes, content_type: str | None = None) -> StoredObject: ...

    def get_bytes(self, key: str) -> bytes: ...

    def open_stream(self, key: str) -> AbstractContextManager[BinaryIO]: ...

    def download(self, key: str, dest: Path | str) -> StoredObject: ...

    def exists(self, key: str) -> bool: ...

    def stat(self, key: str) -> StoredObject | None: ...

    def list(self, prefix: str = "") -> Iterator[str]: ...

    def presigned_url(
        self, key: str, expires: timedelta, *, content_disposition: str | None = None, content_type: str | None = None
    ) -> str | None: ...

    def ping(self) -> None: ...


def validate_key(key: str) -> str:
    """Return `key` if it is a safe object key, else raise `InvalidKeyError` saying why."""
    if not isinstance(key, str) or not key:
        raise InvalidKeyError(str(key), "empty")
    if len(key) > MAX_KEY_LENGTH:
        raise InvalidKeyError(key, f"longer than {MAX_KEY_LENGTH} characters")
    if not _KEY_CHARS.fullmatch(key):
        raise InvalidKeyError(key, "only A-Z a-z 0-9 . _ / - are allowed")
    if key.startswith("/"):
        raise InvalidKeyError(key, "must not start with /")
    for segment in key.split("/"):
        if segment in ("", ".", ".."):
            raise InvalidKeyError(key, "empty, '.' or '..' path segment")
    return key


def validate_prefix(prefix: str) -> str:
    """Return a listing prefix if some valid key could start with it ('' lists everything)."""
    if not prefix:
        return prefix
    if not _KEY_CHARS.fullmatch(prefix) or prefix.startswith("/"):
        raise InvalidKeyError(prefix, "a prefix uses only A-Z a-z 0-9 . _ / - and does not start with /")
    # the last segment may be partial ('originals/a'); every complete one must be a valid segment
    for segment in prefix.split("/")[:-1]:
        if segment in ("", ".", ".."):
            raise InvalidKeyError(prefix, "empty, '.' or '..' path segment")
    return prefix


def safe_suffix(file_name: str) -> str:
    """The lower-cased ASCII extension of a user's file name ('.pdf'), or '' when it is not a plain one."""
    name = unicodedata.normalize("NFC", Path(file_name.replace("\\", "/")).name)
    dot = name.rfind(".")
    if dot <= 0:
        return ""
    suffix = name[dot:].lower()
    return suffix if _SUFFIX.fullmatch(suffix) else ""


def original_key(sha256: str, suffix: str = "") -> str:
    """Key of an original scan: `originals/ab/cd/<sha256><suffix>`, e.g. suffix '.pdf' (see `safe_suffix`)."""
    _check_sha256(sha256)
    if suffix and not _SUFFIX.fullmatch(suffix):
        raise InvalidKeyError(
            suffix, "suffix must look like '.pdf' (lower-case ASCII, at most 10 characters)"
        )
    return f"originals/{sha256[:2]}/{sha256[2:4]}/{sha256}{suffix}"


def derived_key(sha256: str, name: str) -> str:
    """Key of an artifact derived from an original: `derived/ab/cd/<sha256>/<name>`, e.g. 'ocr.pdf'."""
    _check_sha256(sha256)
    if "/" in name:
        raise InvalidKeyError(name, "derived artifact name must be a single key segment")
    return validate_key(f"derived/{sha256[:2]}/{sha256[2:4]}/{sha256}/{name}")


def _check_sha256(sha256: str) -> None:
    if not isinstance(sha256, str) or not _SHA256.fullmatch(sha256):
        raise InvalidKeyError(str(sha256), "not a lower-case hex sha256 digest")


def file_sha256(path: Path | str) -> str:
    """Hex sha256 of a file, read in chunks so a large scan never sits in memory."""
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        while chunk := stream.read(CHUNK_SIZE):
            digest.update(chunk)
    return digest.hexdigest()


def redact_url(url: str) -> str:
    """The URL with any password replaced by '***', safe for messages and logs."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.netloc.rsplit("@", 1)[1]
    return parts._replace(netloc=f"{parts.username}:***@{host}").geturl()
