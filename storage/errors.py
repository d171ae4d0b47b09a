"""Typed errors raised by object stores, so flows can tell "retry later" from "fix the input"."""

from __future__ import annotations

from ocr.errors import ExitCode, SohoaError


class StorageError(SohoaError):
    """Base of every object-store error; the message names the key or the store, never a secret."""


class StorageUnavailableError(StorageError):
    """The store cannot be reached or answered with a server error: transient, retry with backoff."""


class StorageAccessError(StorageError):
    """The store refused our credentials or permissions: a configuration problem, retrying will not help."""

    exit_code = ExitCode.bad_arguments


class InvalidStorageUrlError(StorageError):
    """A storage URL (SOHOA_STORAGE_URL) cannot be understood."""

    exit_code = ExitCode.bad_arguments


class InvalidKeyError(StorageError, ValueError):
    """A key is not of the safe form `[A-Za-z0-9._/-]` with no empty, `.` or `..` segment."""

    def __init__(self, key: str, reason: str) -> None:
        self.key = key
        self.reason = reason
        super().__init__(f"invalid object key {key!r}: {reason}")


class ObjectNotFoundError(StorageError, KeyError):
    """No object is stored under the key."""

    def __init__(self, key: str, store: str) -> None:
        self.key = key
        super().__init__(f"{store}: no object under key {key!r}")

    def __str__(self) -> str:  # KeyError would otherwise quote the whole message
        return str(self.args[0])


class ObjectConflictError(StorageError):
    """Different bytes were offered for a key that already holds an object: objects are immutable."""

    def __init__(self, key: str, existing_sha256: str, offered_sha256: str) -> None:
        self.key = key
        self.existing_sha256 = existing_sha256
        self.offered_sha256 = offered_sha256
        super().__init__(
            f"object {key!r} already holds sha256 {existing_sha256}, refusing different bytes "
            f"(sha256 {offered_sha256})"
        )


class ObjectCorruptError(StorageError):
    """Bytes read back do not match the sha256 recorded when the object was stored."""
