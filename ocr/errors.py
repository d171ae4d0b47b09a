"""Typed errors for bad input and missing tools, each with a one-line message that names the file."""

from __future__ import annotations

from enum import IntEnum
from pathlib import Path


class ExitCode(IntEnum):
    ok = 0
    some_files_failed = 1
    bad_arguments = 2
    missing_dependency = 3
    interrupted = 130


class SohoaError(Exception):
    """Base of every error we show to a user as one line instead of a traceback."""

    exit_code: ExitCode = ExitCode.some_files_failed


class MissingDependencyError(SohoaError):
    """An external program (Tesseract, Poppler, a language pack) is not installed or unusable."""

    exit_code = ExitCode.missing_dependency


class InputFileError(SohoaError):
    """A file the user gave us cannot be read. `reason` is a short, stable machine code.

    `page` (1-based) is set when only that page is unusable (too small, too large, damaged data): callers read
    the file's other pages and report this one; None means the whole file is unusable.
    """

    reason: str = "unreadable"

    def __init__(self, path: Path | str, detail: str, *, page: int | None = None) -> None:
        self.path = Path(path)
        self.detail = detail
        self.page = page
        super().__init__(f"{self.path}: {detail}")

    def __reduce__(self):  # noqa: ANN204
        # Page workers raise these across processes; the default (cls(message)) cannot rebuild them, and a
        # result that fails to unpickle takes the whole process pool down.
        return type(self), (self.path, self.detail), self.__dict__


class EmptyFileError(InputFileError):
    reason = "empty"


class UnsupportedFormatError(InputFileError):
    reason = "unsupported-format"


class CorruptFileError(InputFileError):
    reason = "corrupt"


class EncryptedPdfError(InputFileError):
    reason = "encrypted"


class ImageTooLargeError(InputFileError):
    """Decompression-bomb guard: more pixels than the configured limit."""

    reason = "too-large"


class ImageTooSmallError(InputFileError):
    reason = "too-small"


class ProgramTimeoutError(SohoaError):
    """An external program (Tesseract, Poppler) did not finish a page in time, on its first run and its retry.

    Page-scoped: callers report the page (with its number) and read the file's other pages.
    """

    reason = "timeout"

    def __init__(self, program: str, seconds: float, attempts: int = 2) -> None:
        self.program, self.seconds, self.attempts = program, seconds, attempts
        super().__init__(
            f"{program} không chạy xong trong {seconds:g} giây sau {attempts} lần thử "
            f"({program} did not finish within {seconds:g} s, {attempts} attempts)"
        )

    def __reduce__(self):  # noqa: ANN204 - raised in page workers, rebuilt in the parent process
        return type(self), (self.program, self.seconds, self.attempts)
