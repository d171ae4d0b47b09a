"""Errors the catalogue raises, each a one-line message for the user."""

from __future__ import annotations

from ocr.errors import InputFileError, SohoaError


class CatalogError(SohoaError):
    """A catalogue call was refused: unknown row, or a state change whose preconditions do not hold."""


class NotFoundError(CatalogError):
    def __init__(self, kind: str, key: object) -> None:
        super().__init__(f"no {kind} {key!r} in the catalogue")


class MissingObjectsError(CatalogError):
    """A document cannot be marked recognized: objects it refers to were not verified as stored."""

    def __init__(self, document_id: int, missing: list[str]) -> None:
        self.missing = missing
        super().__init__(f"document {document_id}: objects not verified as stored: {', '.join(missing)}")


class RegistryFormatError(InputFileError):
    """The registry export cannot be read at all (not a single bad row: those are reported per row)."""

    reason = "bad-registry"
