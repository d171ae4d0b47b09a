"""Verify every signature of a PDF: who signed, when, whether the bytes changed, whether the certificate
chains to a trust root, and whether it expired or was revoked (from the CRLs given; nothing is fetched)."""

from __future__ import annotations

import hashlib
import io
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from asn1crypto import crl as asn1_crl
from asn1crypto import pem, x509
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from sohoa.signing.appearance import position_of, role_of_field

# What may follow a signature without changing what was signed: more signatures, timestamps, validation data.
ALLOWED_AFTER = (ModificationLevel.NONE, ModificationLevel.LTA_UPDATES, ModificationLevel.FORM_FILLING)


@dataclass(frozen=True)
class SignatureReport:
    field: str
    signer: str
    subject: str
    serial: str
    fingerprint: str  # sha256 of the certificate, hex
    signed_at: datetime | None  # the timestamp's time when there is one, else the time the signer claims
    timestamped: bool
    intact: bool  # signed bytes unchanged and nothing but further signatures added after
    valid: bool  # the cryptographic signature checks out
    trusted: bool  # the certificate chains to a trust root, not expired, not revoked
    expired: bool
    revoked: bool
    modified_after: bool
    role: str | None  # officer | agency for sohoa's fields, None for signatures made elsewhere
    page: int | None
    position: str | None
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.intact and self.trusted

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["signed_at"] = self.signed_at.isoformat() if self.signed_at else None
        return data


def load_certificates(paths: list[Path]) -> list[x509.Certificate]:
    """Trust roots from PEM or DER files (a PEM file may hold several certificates)."""
    found: list[x509.Certificate] = []
    for path in paths:
        data = Path(path).read_bytes()
        if pem.detect(data):
            found += [
                x509.Certificate.load(der)
                for kind, _h, der in pem.unarmor(data, multiple=True)
                if kind == "CERTIFICATE"
            ]
        else:
            found.append(x509.Certificate.load(data))
    return found


def load_crls(paths: list[Path]) -> list[asn1_crl.CertificateList]:
    lists: list[asn1_crl.CertificateList] = []
    for path in paths:
        data = Path(path).read_bytes()
        if pem.detect(data):
            lists += [asn1_crl.CertificateList.load(der) for _k, _h, der in pem.unarmor(data, multiple=True)]
        else:
            lists.append(asn1_crl.CertificateList.load(data))
    return lists


def has_signatures(pdf: bytes) -> bool:
    try:
        return bool(PdfFileReader(io.BytesIO(pdf), strict=False).embedded_signatures)
    except Exception:  # noqa: BLE001 - reported in the SignatureReport instead
        return False


def verify_pdf(
    pdf: bytes,
    trust_roots: list[x509.Certificate],
    crls: list[asn1_crl.CertificateList] | None = None,
    *,
    at: datetime | None = None,
) -> list[SignatureReport]:
    """One report per signature, in signing order. A file that cannot be read raises ValueError."""
    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        signatures = reader.embedded_signatures
    except Exception as error:  # noqa: BLE001 - reported in the SignatureReport instead
        raise ValueError(f"không đọc được PDF / unreadable PDF ({error})") from None
    pages = _page_refs(reader)
    moment = at or datetime.now(UTC)
    reports = []
    for sig in signatures:
        context = ValidationContext(
            trust_roots=trust_roots,
            crls=crls or [],
            allow_fetching=False,
            revocation_mode="soft-fail",
            moment=moment,
        )
        reports.append(_report(sig, context, pages, moment))
    return reports


def _report(
    sig: Any, context: ValidationContext, pages: list[tuple[int, tuple]], moment: datetime
) -> SignatureReport:
    problems: list[str] = []
    cert: x509.Certificate | None = None
    try:
        cert = sig.signer_cert
    except Exception as error:  # noqa: BLE001 - reported in the SignatureReport instead
        problems.append(f"no signer certificate: {error}")
    status = None
    try:
        status = validate_pdf_signature(sig, context)
    except Exception as error:  # noqa: BLE001 - a mangled signature: report it, keep verifying the others
        problems.append(f"{type(error).__name__}: {error}")
    page, position = _placement(sig, pages)
    if status is None:
        return SignatureReport(
            sig.field_name,
            _common_name(cert),
            _subject(cert),
            _serial(cert),
            _fingerprint(cert),
            None,
            False,
            False,
            False,
            False,
            _expired(cert, moment),
            False,
            True,
            role_of_field(sig.field_name),
            page,
            position,
            problems,
        )
    level = status.modification_level
    modified_after = status.coverage != SignatureCoverageLevel.ENTIRE_FILE and (
        level is None or level not in ALLOWED_AFTER or status.docmdp_ok is False
    )
    intact = bool(status.intact and status.valid and not modified_after)
    expired = _expired(cert, moment)
    timestamp = status.timestamp_validity
    signed_at = timestamp.timestamp if timestamp is not None else status.signer_reported_dt
    if not status.intact:
        problems.append("the signed bytes were changed")
    elif not status.valid:
        problems.append("the signature does not match its certificate")
    if modified_after:
        problems.append(f"changed after signing ({level.name.lower() if level else 'unknown'} update)")
    if status.revoked:
        problems.append("certificate revoked")
    if expired:
        problems.append("certificate expired")
    if not status.trusted and not status.revoked:
        problems.append(
            "certificate does not chain to a trust root" if not expired else "certificate not valid now"
        )
    return SignatureReport(
        field=sig.field_name,
        signer=_common_name(cert),
        subject=_subject(cert),
        serial=_serial(cert),
        fingerprint=_fingerprint(cert),
        signed_at=signed_at,
        timestamped=timestamp is not None,
        intact=intact,
        valid=bool(status.valid),
        trusted=bool(status.trusted and not status.revoked),
        expired=expired,
        revoked=bool(status.revoked),
        modified_after=modified_after,
        role=role_of_field(sig.field_name),
        page=page,
        position=position,
        problems=problems,
    )


def _page_refs(reader: PdfFileReader) -> list[tuple[int, tuple]]:
    """(object number, media box) of each page, in page order."""
    found: list[tuple[int, tuple]] = []

    def walk(node_ref: Any, inherited: Any) -> None:
        node = node_ref.get_object()
        box = node.get("/MediaBox", inherited)
        if node.get("/Type") == "/Pages" or "/Kids" in node:
            for kid in node["/Kids"]:
                walk(kid, box)
        else:
            found.append((node_ref.idnum, tuple(float(v) for v in box)))

    walk(reader.root.raw_get("/Pages"), None)
    return found


def _placement(sig: Any, pages: list[tuple[int, tuple]]) -> tuple[int | None, str | None]:
    widget = sig.sig_field
    if "/Rect" not in widget and "/Kids" in widget:
        widget = widget["/Kids"][0].get_object()
    if "/Rect" not in widget:
        return None, None  # an invisible signature
    rect = tuple(float(v) for v in widget["/Rect"])
    ref = widget.raw_get("/P") if "/P" in widget else None
    for number, (idnum, box) in enumerate(pages, start=1):
        if isinstance(ref, generic.IndirectObject) and ref.idnum == idnum:
            return number, position_of(rect, box)  # type: ignore[arg-type]
    return None, None


def _common_name(cert: x509.Certificate | None) -> str:
    if cert is None:
        return ""
    native = cert.subject.native
    return str(native.get("common_name") or native.get("organization_name") or cert.subject.human_friendly)


def _subject(cert: x509.Certificate | None) -> str:
    return cert.subject.human_friendly if cert is not None else ""


def _serial(cert: x509.Certificate | None) -> str:
    return format(cert.serial_number, "x") if cert is not None else ""


def _fingerprint(cert: x509.Certificate | None) -> str:
    return hashlib.sha256(cert.dump()).hexdigest() if cert is not None else ""


def _expired(cert: x509.Certificate | None, moment: datetime) -> bool:
    return cert is not None and cert.not_valid_after < moment
