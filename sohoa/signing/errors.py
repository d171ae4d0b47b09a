"""Typed signing errors, each one line naming the key or file and the reason, Vietnamese first."""

from __future__ import annotations

from ocr.errors import ExitCode, SohoaError


class SigningError(SohoaError):
    """Signing could not be done; nothing was written."""

    exit_code = ExitCode.some_files_failed


class KeyAccessError(SigningError):
    """The key cannot be opened: wrong PIN or passphrase, missing token, file or key label."""

    exit_code = ExitCode.bad_arguments


class WrongPinError(KeyAccessError):
    pass


class AlreadySignedError(SigningError):
    """The document already carries a signature for this role: signing twice is refused."""


class NotAllowedError(SigningError):
    """The signer may not sign this document (another unit, or a role that does not sign this way)."""
