"""Signatures of documents: recording one per document and role (officer, agency), listing them, and the
audit event of each signing. A second signature in the same role is refused, never stored."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from storage.catalog.core import CatalogCore, add_event
from storage.catalog.errors import CatalogError, NotFoundError
from storage.catalog.schema import SIGNATURE_ROLES, DocumentRow, SignatureRow, SourceFileRow


class AlreadySignedError(CatalogError):
    def __init__(self, document_id: int, role: str) -> None:
        self.document_id, self.role = document_id, role
        super().__init__(
            f"tài liệu {document_id} đã được ký với vai trò {role}, không ký lại / "
            f"document {document_id} is already signed as {role}; it is not signed again"
        )


@dataclass(frozen=True)
class SignatureInput:
    """What a finished signing hands to the catalogue."""

    role: str
    signer_username: str
    signer_name: str
    cert_subject: str
    cert_issuer: str
    cert_serial: str
    cert_fingerprint: str
    signed_at: datetime
    timestamped: bool
    signed_key: str
    signed_sha256: str
    input_key: str


@dataclass(frozen=True)
class Signature(SignatureInput):
    id: int = 0
    document_id: int = 0
    created_at: datetime | None = None


def _record(row: SignatureRow) -> Signature:
    return Signature(
        role=row.role,
        signer_username=row.signer_username,
        signer_name=row.signer_name,
        cert_subject=row.cert_subject,
        cert_issuer=row.cert_issuer,
        cert_serial=row.cert_serial,
        cert_fingerprint=row.cert_fingerprint,
        signed_at=row.signed_at,
        timestamped=row.timestamped,
        signed_key=row.signed_key,
        signed_sha256=row.signed_sha256,
        input_key=row.input_key,
        id=row.id,
        document_id=row.document_id,
        created_at=row.created_at,
    )


class SignaturesMixin(CatalogCore):
    def record_signature(self, document_id: int, signature: SignatureInput) -> Signature:
        """Store a signature and its audit event in one transaction; AlreadySignedError if the role is taken."""
        if signature.role not in SIGNATURE_ROLES:
            raise ValueError(f"signature role must be one of {SIGNATURE_ROLES}, not {signature.role!r}")
        try:
            with self.transaction() as session:
                if session.get(DocumentRow, document_id) is None:
                    raise NotFoundError("document", document_id)
                row = SignatureRow(document_id=document_id, **signature.__dict__)
                session.add(row)
                session.flush()
                add_event(
                    session,
                    signature.signer_username,
                    "sign",
                    "document",
                    document_id,
                    {
                        "role": signature.role,
                        "signer": signature.signer_name,
                        "serial": signature.cert_serial,
                        "fingerprint": signature.cert_fingerprint,
                        "object": signature.signed_key,
                        "timestamped": signature.timestamped,
                    },
                )
                return _record(row)
        except IntegrityError:
            raise AlreadySignedError(document_id, signature.role) from None

    def signatures_of_document(self, document_id: int) -> list[Signature]:
        query = select(SignatureRow).where(SignatureRow.document_id == document_id).order_by(SignatureRow.id)
        with self.transaction() as session:
            return [_record(row) for row in session.scalars(query)]

    def signatures_of_documents(self, document_ids: Collection[int]) -> dict[int, list[Signature]]:
        found: dict[int, list[Signature]] = {i: [] for i in document_ids}
        if not found:
            return found
        query = (
            select(SignatureRow).where(SignatureRow.document_id.in_(list(found))).order_by(SignatureRow.id)
        )
        with self.transaction() as session:
            for row in session.scalars(query):
                found[row.document_id].append(_record(row))
        return found

    def latest_signed_key(self, document_id: int) -> str | None:
        """The newest signed PDF of a document (the agency's, made over the officer's), or None if unsigned."""
        signatures = self.signatures_of_document(document_id)
        return signatures[-1].signed_key if signatures else None

    def document_ids_of_batch(self, batch_id: int) -> list[int]:
        """Every document cut from the files of a batch, in file then page order (what `sign --batch` signs)."""
        query = (
            select(DocumentRow.id)
            .join(SourceFileRow, DocumentRow.source_file_id == SourceFileRow.id)
            .where(SourceFileRow.batch_id == batch_id)
            .order_by(SourceFileRow.id, DocumentRow.first_page)
        )
        with self.transaction() as session:
            return list(session.scalars(query))
