"""ObjectStore on any S3 server (MinIO, SeaweedFS, AWS) through the minio SDK, with fast failure detection."""

from __future__ import annotations

import contextlib
import hashlib
import io
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import BinaryIO
from urllib.parse import parse_qs, unquote, urlsplit

import urllib3
from minio import Minio
from minio.error import InvalidResponseError, S3Error, ServerError

from ocr.errors import InputFileError
from storage.errors import (
    InvalidStorageUrlError,
    ObjectConflictError,
    ObjectCorruptError,
    ObjectNotFoundError,
    StorageAccessError,
    StorageError,
    StorageUnavailableError,
)
from storage.local import guess_content_type, write_atomically
from storage.objects import CHUNK_SIZE, StoredObject, file_sha256, redact_url, validate_key, validate_prefix

SHA256_META = "sha256"  # stored as the x-amz-meta-sha256 header

_NOT_FOUND = {"NoSuchKey", "NoSuchObject", "NotFound"}
_ACCESS = {"AccessDenied", "InvalidAccessKeyId", "SignatureDoesNotMatch", "AllAccessDisabled"}
_BUSY = {"SlowDown", "ServiceUnavailable", "InternalError", "RequestTimeout", "XMinioServerNotInitialized"}
# Parts are uploaded one at a time: each part in flight costs ~10 MB of memory, and on our 2-core
# workers the OCR already uses every core (measured: 50 MB to loopback MinIO in under a second).
_PARALLEL_PARTS = 1


class S3ObjectStore:
    """One bucket of an S3 server. The bucket is created on first use if missing.

    The urllib3 client fails fast: a short connect timeout and at most `retries` quick retries, so a
    stopped server shows up as `StorageUnavailableError` in about a second; retrying over minutes is the
    flows' job (Prefect retries with backoff), not the client's.
    """

    def __init__(
        self,
        endpoint: str,
        bucket: str,
        access_key: str,
        secret_key: str,
        *,
        secure: bool = True,
        region: str = "us-east-1",
        connect_timeout: float = 3.0,
        read_timeout: float = 30.0,
        retries: int = 2,
    ) -> None:
        scheme = "https" if secure else "http"
        self.url = f"s3://{access_key}:***@{endpoint}/{bucket}?secure={str(secure).lower()}"
        self.endpoint = f"{scheme}://{endpoint}"
        self.bucket = bucket
        http = urllib3.PoolManager(
            timeout=urllib3.Timeout(connect=connect_timeout, read=read_timeout),
            maxsize=8,
            retries=urllib3.Retry(
                total=retries,
                connect=retries,
                read=0,  # a read timeout already cost read_timeout seconds; don't multiply it
                status=retries,
                backoff_factor=0.2,
                status_forcelist=[500, 502, 503, 504],
                raise_on_status=False,
            ),
        )
        # The region is given so that presigning needs no round trip to ask the server for it.
        self._client = Minio(
            endpoint,
            access_key=access_key,
            secret_key=secret_key,
            secure=secure,
            region=region,
            http_client=http,
        )
        self._bucket_ready = False

    @classmethod
    def from_url(cls, url: str) -> S3ObjectStore:
        """Parse `s3://ACCESS:SECRET@host:port/bucket?secure=false&region=..&connect_timeout=..&retries=..`."""
        safe = redact_url(url)
        parts = urlsplit(url)
        try:
            port = parts.port
        except ValueError:
            raise InvalidStorageUrlError(f"S3 storage URL has a bad port: {safe!r}") from None
        if not parts.hostname or parts.username is None or parts.password is None:
            raise InvalidStorageUrlError(
                f"S3 storage URL must be s3://ACCESS:SECRET@host:port/bucket, got {safe!r}"
            )
        bucket = parts.path.strip("/")
        if not _valid_bucket(bucket):
            raise InvalidStorageUrlError(
                f"S3 bucket name must be 3-63 lower-case letters, digits, '.' or '-', got {bucket!r} in {safe!r}"
            )
        query = {name: values[-1] for name, values in parse_qs(parts.query).items()}
        unknown = set(query) - {"secure", "region", "connect_timeout", "read_timeout", "retries"}
        if unknown:
            raise InvalidStorageUrlError(f"S3 storage URL has unknown options {sorted(unknown)} in {safe!r}")
        secure_text = query.get("secure", "true").lower()
        if secure_text not in ("true", "false", "1", "0"):
            raise InvalidStorageUrlError(f"secure must be true or false in {safe!r}")
        host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
        try:
            return cls(
                f"{host}:{port}" if port else host,
                bucket,
                unquote(parts.username),
                unquote(parts.password),
                secure=secure_text in ("true", "1"),
                region=query.get("region", "us-east-1"),
                connect_timeout=float(query.get("connect_timeout", 3.0)),
                read_timeout=float(query.get("read_timeout", 30.0)),
                retries=int(query.get("retries", 2)),
            )
        except ValueError as error:
            raise InvalidStorageUrlError(f"bad S3 storage URL option in {safe!r}: {error}") from None

    def __repr__(self) -> str:
        return f"S3ObjectStore({self.url!r})"

    # writes

    def put_file(self, key: str, path: Path | str, content_type: str | None = None) -> StoredObject:
        validate_key(key)
        source = Path(path)
        try:
            size = source.stat().st_size
            sha256 = file_sha256(source)
        except OSError as error:
            raise InputFileError(source, f"cannot read: {error.strerror or error}") from error
        existing = self._existing_same_or_conflict(key, sha256)
        if existing is not None:
            return existing
        content_type = content_type or guess_content_type(key)
        with self._translate(key):
            self._client.fput_object(
                self.bucket,
                key,
                str(source),
                content_type=content_type,
                metadata={SHA256_META: sha256},
                num_parallel_uploads=_PARALLEL_PARTS,
            )
        return StoredObject(key, size, sha256, content_type)

    def put_bytes(self, key: str, data: bytes, content_type: str | None = None) -> StoredObject:
        validate_key(key)
        sha256 = hashlib.sha256(data).hexdigest()
        existing = self._existing_same_or_conflict(key, sha256)
        if existing is not None:
            return existing
        content_type = content_type or guess_content_type(key)
        with self._translate(key):
            self._client.put_object(
                self.bucket,
                key,
                io.BytesIO(data),
                len(data),
                content_type=content_type,
                metadata={SHA256_META: sha256},
                num_parallel_uploads=_PARALLEL_PARTS,
            )
        return StoredObject(key, len(data), sha256, content_type)

    def _existing_same_or_conflict(self, key: str, offered_sha256: str) -> StoredObject | None:
        # S3 has no portable "create only if absent", so two writers may race here; with
        # content-addressed keys both write the same bytes, which makes the race harmless.
        existing = self.stat(key)
        if existing is None:
            return None
        existing_sha256 = existing.sha256 or self._hash_object(key)
        if existing_sha256 != offered_sha256:
            raise ObjectConflictError(key, existing_sha256, offered_sha256)
        return existing

    def _hash_object(self, key: str) -> str:
        digest = hashlib.sha256()
        with self.open_stream(key) as stream:
            while chunk := stream.read(CHUNK_SIZE):
                digest.update(chunk)
        return digest.hexdigest()

    # reads

    def get_bytes(self, key: str) -> bytes:
        with self.open_stream(key) as stream:
            return stream.read()

    @contextlib.contextmanager
    def open_stream(self, key: str) -> Iterator[BinaryIO]:
        validate_key(key)
        with self._translate(key):
            self._ensure_bucket()
            response = self._client.get_object(self.bucket, key)
        raw = _ResponseReader(response, self, key)
        try:
            yield io.BufferedReader(raw, CHUNK_SIZE)  # type: ignore[misc]
        finally:
            raw.close()

    def download(self, key: str, dest: Path | str) -> StoredObject:
        stored = self.stat(key)
        if stored is None:
            raise ObjectNotFoundError(key, self.url)
        with self.open_stream(key) as stream:
            sha256 = write_atomically(stream, Path(dest))
        if stored.sha256 is not None and stored.sha256 != sha256:
            Path(dest).unlink(missing_ok=True)
            raise ObjectCorruptError(
                f"{self.url}: object {key!r} has sha256 {sha256}, recorded {stored.sha256}"
            )
        return StoredObject(key, stored.size, sha256, stored.content_type)

    def exists(self, key: str) -> bool:
        return self.stat(key) is not None

    def stat(self, key: str) -> StoredObject | None:
        validate_key(key)
        try:
            with self._translate(key):
                self._ensure_bucket()
                info = self._client.stat_object(self.bucket, key)
        except ObjectNotFoundError:
            return None
        sha256 = info.metadata.get(f"x-amz-meta-{SHA256_META}") if info.metadata else None
        return StoredObject(key, int(info.size or 0), sha256, info.content_type)

    def list(self, prefix: str = "") -> Iterator[str]:
        validate_prefix(prefix)
        with self._translate(prefix):
            self._ensure_bucket()
            for item in self._client.list_objects(self.bucket, prefix=prefix or None, recursive=True):
                if not item.is_dir:
                    yield item.object_name

    def presigned_url(
        self, key: str, expires: timedelta, *, content_disposition: str | None = None, content_type: str | None = None
    ) -> str | None:
        validate_key(key)
        # S3's response-* overrides are part of the signed URL: the download gets the archival file name and
        # is never cached, and the user cannot change either without breaking the signature.
        headers = {"response-cache-control": "private, no-store"}
        if content_disposition:
            headers["response-content-disposition"] = content_disposition
        if content_type:
            headers["response-content-type"] = content_type
        with self._translate(key):
            return self._client.presigned_get_object(
                self.bucket, key, expires=expires, response_headers=headers
            )

    def ping(self) -> None:
        with self._translate(""):
            self._bucket_ready = False
            self._ensure_bucket()

    # plumbing

    def _ensure_bucket(self) -> None:
        if self._bucket_ready:
            return
        if not self._client.bucket_exists(self.bucket):
            try:
                self._client.make_bucket(self.bucket)
            except S3Error as error:
                if error.code not in ("BucketAlreadyOwnedByYou", "BucketAlreadyExists"):
                    raise
        self._bucket_ready = True

    @contextlib.contextmanager
    def _translate(self, key: str) -> Iterator[None]:
        """Turn SDK and network exceptions into our typed storage errors."""
        try:
            yield
        except S3Error as error:
            if error.code in _NOT_FOUND:
                raise ObjectNotFoundError(key, self.url) from None
            if error.code in _ACCESS:
                raise StorageAccessError(
                    f"{self.url}: access refused ({error.code}): {error.message}"
                ) from None
            if error.code in _BUSY:
                raise StorageUnavailableError(f"{self.url}: server busy ({error.code})") from error
            if error.code == "NoSuchBucket":
                self._bucket_ready = False
            raise StorageError(f"{self.url}: {error.code} on {key!r}: {error.message}") from error
        except (ServerError, InvalidResponseError) as error:
            raise StorageUnavailableError(f"{self.url}: server error on {key!r}: {error}") from error
        except (urllib3.exceptions.HTTPError, OSError) as error:
            raise StorageUnavailableError(
                f"{self.url}: cannot reach {self.endpoint}: {_reason(error)}"
            ) from error


class _ResponseReader(io.RawIOBase):
    """A raw stream over an S3 GET response that reports network failures as StorageUnavailableError."""

    def __init__(self, response: urllib3.BaseHTTPResponse, store: S3ObjectStore, key: str) -> None:
        self._response = response
        self._store = store
        self._key = key

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        with self._store._translate(self._key):
            data = self._response.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        if not self.closed:
            self._response.close()
            self._response.release_conn()
        super().close()


def _valid_bucket(name: str) -> bool:
    allowed = set("abcdefghijklmnopqrstuvwxyz0123456789.-")
    return 3 <= len(name) <= 63 and set(name) <= allowed and name[0].isalnum() and name[-1].isalnum()


def _reason(error: BaseException) -> str:
    reason = getattr(error, "reason", None)
    return str(reason or error)
