"""ObjectStore on a local folder (`file:///abs/path`), the embedded default; every write is atomic and fsynced."""

from __future__ import annotations

import contextlib
import hashlib
import json
import mimetypes
import os
import tempfile
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import BinaryIO
from urllib.parse import unquote, urlsplit

from ocr.errors import InputFileError
from storage.errors import (
    InvalidKeyError,
    InvalidStorageUrlError,
    ObjectConflictError,
    ObjectCorruptError,
    ObjectNotFoundError,
    StorageError,
)
from storage.objects import CHUNK_SIZE, StoredObject, file_sha256, validate_key, validate_prefix


class LocalObjectStore:
    """Objects under `<root>/objects/<key>`, facts (sha256, type) under `<root>/meta/<key>.json`.

    A write copies into `<root>/tmp`, fsyncs, then hard-links the file under its key: the link fails if
    the key exists, so a concurrent writer can never replace an object, and a kill -9 at any moment leaves
    at most a stray temp file, never a partial object. The meta file is written after the object and is
    only a cache: when it is missing (killed in between) the sha256 is recomputed from the bytes.
    """

    def __init__(self, root: Path | str) -> None:
        self.root = Path(root)
        if not self.root.is_absolute():
            raise InvalidStorageUrlError(f"local object store folder must be absolute: {self.root}")
        self.url = self.root.as_uri()
        self._objects = self.root / "objects"
        self._meta = self.root / "meta"
        self._tmp = self.root / "tmp"

    @classmethod
    def from_url(cls, url: str) -> LocalObjectStore:
        parts = urlsplit(url)
        if parts.netloc not in ("", "localhost") or not parts.path.startswith("/"):
            raise InvalidStorageUrlError(f"file storage URL must be file:///absolute/path, got {url!r}")
        return cls(unquote(parts.path))

    def __repr__(self) -> str:
        return f"LocalObjectStore({str(self.root)!r})"

    # writes

    def put_file(self, key: str, path: Path | str, content_type: str | None = None) -> StoredObject:
        validate_key(key)
        source = Path(path)
        try:
            stream = open(source, "rb")  # noqa: SIM115 - only the open itself is user input to report
        except OSError as error:
            raise InputFileError(source, f"cannot read: {error.strerror or error}") from error
        with stream:
            return self._put_stream(key, stream, content_type)

    def put_bytes(self, key: str, data: bytes, content_type: str | None = None) -> StoredObject:
        validate_key(key)
        return self._put_stream(key, _BytesChunks(data), content_type)

    def _put_stream(
        self, key: str, stream: BinaryIO | _BytesChunks, content_type: str | None
    ) -> StoredObject:
        content_type = content_type or guess_content_type(key)
        existing = self.stat(key)
        if existing is not None:
            # Cheap path for the common re-run: hash the offered bytes without copying them.
            offered = _sha256_stream(stream)
            return self._same_or_conflict(existing, offered)
        self._tmp.mkdir(parents=True, exist_ok=True)
        fd, temp_name = tempfile.mkstemp(dir=self._tmp, suffix=".part")
        temp = Path(temp_name)
        try:
            digest = hashlib.sha256()
            size = 0
            with os.fdopen(fd, "wb") as out:
                while chunk := stream.read(CHUNK_SIZE):
                    digest.update(chunk)
                    out.write(chunk)
                    size += len(chunk)
                out.flush()
                os.fsync(out.fileno())
            stored = StoredObject(key, size, digest.hexdigest(), content_type)
            target = self._object_path(key)
            _make_parents(target, key)
            try:
                os.link(temp, target)
            except FileExistsError:
                # Another writer won the race; it is the same object or a conflict, never an overwrite.
                return self._same_or_conflict(self._require_stat(key), stored.sha256 or "")
            _fsync_dir(target.parent)
            self._write_meta(stored)
            return stored
        finally:
            temp.unlink(missing_ok=True)

    def _same_or_conflict(self, existing: StoredObject, offered_sha256: str) -> StoredObject:
        existing_sha256 = existing.sha256 or file_sha256(self._object_path(existing.key))
        if existing_sha256 != offered_sha256:
            raise ObjectConflictError(existing.key, existing_sha256, offered_sha256)
        return existing

    def _write_meta(self, stored: StoredObject) -> None:
        meta = self._meta_path(stored.key)
        _make_parents(meta, stored.key)
        fd, temp_name = tempfile.mkstemp(dir=self._tmp, suffix=".meta")
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump(
                {"size": stored.size, "sha256": stored.sha256, "content_type": stored.content_type}, out
            )
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp_name, meta)

    # reads

    def get_bytes(self, key: str) -> bytes:
        with self.open_stream(key) as stream:
            return stream.read()

    @contextlib.contextmanager
    def open_stream(self, key: str) -> Iterator[BinaryIO]:
        validate_key(key)
        try:
            stream = open(self._object_path(key), "rb")  # noqa: SIM115 - closed by the `with` below
        except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
            raise ObjectNotFoundError(key, self.url) from None
        with stream:
            yield stream

    def download(self, key: str, dest: Path | str) -> StoredObject:
        stored = self._require_stat(key)
        with self.open_stream(key) as stream:
            sha256 = write_atomically(stream, Path(dest))
        if stored.sha256 is not None and stored.sha256 != sha256:
            Path(dest).unlink(missing_ok=True)
            raise ObjectCorruptError(
                f"{self.url}: object {key!r} has sha256 {sha256}, recorded {stored.sha256}"
            )
        return StoredObject(key, stored.size, sha256, stored.content_type)

    def exists(self, key: str) -> bool:
        validate_key(key)
        return self._object_path(key).is_file()

    def stat(self, key: str) -> StoredObject | None:
        validate_key(key)
        try:
            size = self._object_path(key).stat().st_size
        except (FileNotFoundError, NotADirectoryError):
            return None
        if not self._object_path(key).is_file():
            return None
        meta = self._read_meta(key)
        sha256 = meta.get("sha256") if meta.get("size") == size else None
        return StoredObject(key, size, sha256, meta.get("content_type") or guess_content_type(key))

    def _require_stat(self, key: str) -> StoredObject:
        stored = self.stat(key)
        if stored is None:
            raise ObjectNotFoundError(key, self.url)
        return stored

    def _read_meta(self, key: str) -> dict:
        try:
            return json.loads(self._meta_path(key).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}

    def list(self, prefix: str = "") -> Iterator[str]:
        validate_prefix(prefix)
        start_dir = prefix.rsplit("/", 1)[0] if "/" in prefix else ""
        base = self._objects / start_dir if start_dir else self._objects
        for key in _walk_sorted(base, start_dir):
            if key.startswith(prefix):
                yield key

    def presigned_url(
        self, key: str, expires: timedelta, *, content_disposition: str | None = None, content_type: str | None = None
    ) -> str | None:
        validate_key(key)
        return None  # local files are streamed through the app, with their headers set there

    def ping(self) -> None:
        try:
            self._tmp.mkdir(parents=True, exist_ok=True)
            with tempfile.TemporaryFile(dir=self._tmp):
                pass
        except OSError as error:
            raise StorageError(f"{self.url}: local object store is not writable: {error}") from error

    # paths

    def _object_path(self, key: str) -> Path:
        return self._objects / key

    def _meta_path(self, key: str) -> Path:
        return self._meta / f"{key}.json"


class _BytesChunks:
    """Reads a bytes object in chunks through memoryview slices, so `put_bytes` makes no extra copy."""

    def __init__(self, data: bytes) -> None:
        self._view = memoryview(data)
        self._offset = 0

    def read(self, size: int) -> bytes | memoryview:
        chunk = self._view[self._offset : self._offset + size]
        self._offset += len(chunk)
        return chunk


def _sha256_stream(stream: BinaryIO | _BytesChunks) -> str:
    digest = hashlib.sha256()
    while chunk := stream.read(CHUNK_SIZE):
        digest.update(chunk)
    return digest.hexdigest()


def guess_content_type(key: str) -> str:
    """MIME type from the key's suffix, `application/octet-stream` when unknown."""
    return mimetypes.guess_type(key, strict=False)[0] or "application/octet-stream"


def write_atomically(stream: BinaryIO, dest: Path) -> str:
    """Copy a stream to `dest` via a fsynced temp file in the same folder and a rename; return its sha256."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, temp_name = tempfile.mkstemp(dir=dest.parent, prefix=f".{dest.name}.", suffix=".part")
    try:
        digest = hashlib.sha256()
        with os.fdopen(fd, "wb") as out:
            while chunk := stream.read(CHUNK_SIZE):
                digest.update(chunk)
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp_name, dest)
        _fsync_dir(dest.parent)
        return digest.hexdigest()
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise


def _make_parents(path: Path, key: str) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        raise InvalidKeyError(key, "a shorter key is already stored where this key needs a folder") from None


def _fsync_dir(folder: Path) -> None:
    # The rename/link is only durable once the directory entry itself is on disk.
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _walk_sorted(folder: Path, key_prefix: str) -> Iterator[str]:
    """Keys under `folder` in byte order: a sub-folder sorts as 'name/', which is how its keys begin."""
    try:
        entries = list(os.scandir(folder))
    except (FileNotFoundError, NotADirectoryError):
        return
    named = sorted((entry.name + ("/" if entry.is_dir() else ""), entry) for entry in entries)
    for name, entry in named:
        key = f"{key_prefix}/{entry.name}" if key_prefix else entry.name
        if entry.is_dir():
            yield from _walk_sorted(Path(entry.path), key)
        elif entry.is_file():
            yield key
