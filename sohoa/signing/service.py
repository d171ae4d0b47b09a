"""Sign catalogued documents and verify them: who may sign what, the input PDF (the searchable PDF, or the
newest signed one so an agency signs over the officer), the new immutable signed object, the catalogue row.

The key is opened once per run: a wrong PIN fails before any document is touched. Each document is signed,
stored under a key derived from its own content, then recorded; a crash in between leaves at most an
unreferenced object, and re-running signs it again (the role is free until recorded).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from asn1crypto import x509
from pyhanko.sign.signers import Signer

from sohoa.signing.appearance import ROLES
from sohoa.signing.errors import AlreadySignedError, NotAllowedError, SigningError
from sohoa.signing.keys import KeySpec, certificate_of, open_signer
from sohoa.signing.settings import SigningSettings
from sohoa.signing.sign import SignatureRequest, sign_pdf
from sohoa.signing.verify import SignatureReport, has_signatures, load_certificates, load_crls, verify_pdf
from storage.catalog import Catalog, Document, NotFoundError
from storage.catalog.signatures import AlreadySignedError as CatalogAlreadySigned
from storage.catalog.signatures import Signature, SignatureInput
from storage.objects import ObjectStore, derived_key

# Who signs in which role (docs/signing.md): archive staff sign what their unit digitized (TT 01/2023 Điều 8);
# managers (the unit's leadership, holding the agency's certificate) sign results and archive copies.
SIGNING_ROLES: dict[str, frozenset[str]] = {
    "officer": frozenset({"archive_staff", "admin"}),
    "agency": frozenset({"manager", "admin"}),
}


@dataclass(frozen=True)
class Actor:
    """Who asks for the signing: an account of the catalogue, or the operator at the command line."""

    username: str
    role: str  # account role: archive_staff | officer | manager | admin
    units: tuple[str, ...] = ()

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


@dataclass(frozen=True)
class Outcome:
    document_id: int
    signature: Signature | None = None
    error: str | None = None


@dataclass
class RunSummary:
    outcomes: list[Outcome] = field(default_factory=list)

    @property
    def signed(self) -> int:
        return sum(1 for o in self.outcomes if o.signature)

    @property
    def failed(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.error]


def document_unit(catalog: Catalog, document: Document) -> str | None:
    """A document's unit is its dossier's or, while unlinked, the unit of the batch it came in with."""
    if document.dossier_code:
        dossier = catalog.get_dossier(document.dossier_code)
        return dossier.unit if dossier else None
    source = catalog.get_source_file(document.source_file_id)
    return catalog.get_batch(source.batch_id).unit if source.batch_id is not None else None


def check_may_sign(actor: Actor, role: str, unit: str | None, document_id: int) -> None:
    if role not in ROLES:
        raise NotAllowedError(
            f"vai trò ký phải là officer hoặc agency / signing role must be officer or agency, not {role!r}"
        )
    if actor.role not in SIGNING_ROLES[role]:
        raise NotAllowedError(
            f"tài khoản {actor.username} ({actor.role}) không được ký với vai trò {role} / "
            f"account {actor.username} ({actor.role}) may not sign as {role}"
        )
    if not actor.is_admin and (unit is None or unit not in actor.units):
        raise NotAllowedError(
            f"tài liệu {document_id} thuộc đơn vị khác, không được ký / "
            f"document {document_id} belongs to another unit; it cannot be signed by {actor.username}"
        )


def unit_names(catalog: Catalog) -> dict[str, str]:
    return dict(catalog.units())


def sign_documents(
    catalog: Catalog,
    store: ObjectStore,
    document_ids: Iterable[int],
    *,
    key: KeySpec,
    secret: str,
    role: str,
    actor: Actor,
    settings: SigningSettings,
    progress: Callable[[int, int, Outcome], None] | None = None,
) -> RunSummary:
    """Sign each document in `role` with `key`. Refusals (another unit, already signed, no PDF) are reported
    per document and do not stop the others; a key that cannot be opened stops everything before it starts."""
    ids = list(dict.fromkeys(document_ids))
    summary = RunSummary()
    names = unit_names(catalog)
    with open_signer(key, secret) as signer:
        cert = certificate_of(signer)
        for done, document_id in enumerate(ids, start=1):
            try:
                signature = _sign_one(catalog, store, document_id, signer, cert, role, actor, settings, names)
                outcome = Outcome(document_id, signature=signature)
            except (SigningError, CatalogAlreadySigned) as error:
                outcome = Outcome(document_id, error=str(error))
            summary.outcomes.append(outcome)
            if progress:
                progress(done, len(ids), outcome)
    return summary


def _sign_one(
    catalog: Catalog,
    store: ObjectStore,
    document_id: int,
    signer: Signer,
    cert: x509.Certificate,
    role: str,
    actor: Actor,
    settings: SigningSettings,
    names: dict[str, str],
) -> Signature:
    try:
        document = catalog.get_document(document_id)
    except NotFoundError:
        raise NotAllowedError(f"không có tài liệu {document_id} / no document {document_id}") from None
    unit = document_unit(catalog, document)
    check_may_sign(actor, role, unit, document_id)
    if any(s.role == role for s in catalog.signatures_of_document(document_id)):
        raise AlreadySignedError(str(CatalogAlreadySigned(document_id, role)))
    if not document.pdf_key:
        raise SigningError(
            f"tài liệu {document_id} chưa có bản PDF số hóa / document {document_id} has no searchable PDF yet"
        )
    input_key = catalog.latest_signed_key(document_id) or document.pdf_key
    pdf = store.get_bytes(input_key)
    common_name = cert.subject.native.get("common_name") or cert.subject.human_friendly
    request = SignatureRequest(
        role=role,
        signer_name=str(common_name),
        unit_name=names.get(unit or "", unit or ""),
        seal=settings.seal_for(unit) if role == "agency" else None,
        timestamp_url=settings.timestamp_url,
    )
    signed_at = _now()
    signed = sign_pdf(pdf, signer, request, name=f"document {document_id}")
    sha = hashlib.sha256(signed).hexdigest()
    source = catalog.get_source_file(document.source_file_id)
    stem = Path(document.pdf_key).stem
    signed_key = derived_key(source.sha256, f"{stem}.signed-{role}-{sha[:16]}.pdf")
    store.put_bytes(signed_key, signed, content_type="application/pdf")
    return catalog.record_signature(
        document_id,
        SignatureInput(
            role=role,
            signer_username=actor.username,
            signer_name=str(common_name),
            cert_subject=cert.subject.human_friendly,
            cert_issuer=cert.issuer.human_friendly,
            cert_serial=format(cert.serial_number, "x"),
            cert_fingerprint=hashlib.sha256(cert.dump()).hexdigest(),
            signed_at=signed_at.replace(tzinfo=None),
            timestamped=settings.timestamp_url is not None,
            signed_key=signed_key,
            signed_sha256=sha,
            input_key=input_key,
        ),
    )


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class DocumentVerification:
    document_id: int
    object_key: str
    what: str  # "signed" (sohoa's signed copy) | "original" (a PDF that came in signed) | "unsigned"
    reports: list[SignatureReport]


def verify_dossier(
    catalog: Catalog,
    store: ObjectStore,
    dossier_code: str,
    settings: SigningSettings,
    extra_roots: list[Path] | None = None,
) -> list[DocumentVerification]:
    """Each document of the dossier: its newest signed copy, and its original when that is a signed PDF."""
    roots = load_certificates(list(settings.trust_roots) + list(extra_roots or []))
    crls = load_crls(list(settings.crls))
    results: list[DocumentVerification] = []
    seen_originals: set[str] = set()
    for document in catalog.documents_of_dossier(dossier_code):
        signed_key = catalog.latest_signed_key(document.id)
        if signed_key:
            results.append(
                DocumentVerification(
                    document.id, signed_key, "signed", verify_pdf(store.get_bytes(signed_key), roots, crls)
                )
            )
        source = catalog.get_source_file(document.source_file_id)
        if source.object_key and source.format == "pdf" and source.object_key not in seen_originals:
            seen_originals.add(source.object_key)
            original = store.get_bytes(source.object_key)
            if has_signatures(original):
                results.append(
                    DocumentVerification(
                        document.id, source.object_key, "original", verify_pdf(original, roots, crls)
                    )
                )
        if not signed_key and not any(r.document_id == document.id for r in results):
            results.append(DocumentVerification(document.id, document.pdf_key or "", "unsigned", []))
    return results
