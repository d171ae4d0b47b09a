"""Sign a searchable PDF as a PAdES signature added in an incremental update.

The bytes before the update are kept exactly, so the PDF/A identification, the page images and the invisible
text layer are what they were; only a signature field with its visible box is added on page 1. Baseline B-T
(an RFC 3161 timestamp from the configured server) when `timestamp_url` is set, else B-B.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import UTC, datetime

import pikepdf
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.timestamps import HTTPTimeStamper

from sohoa.signing.appearance import BoxText, Seal, box_lines, box_rect, field_name, stamp_style
from sohoa.signing.errors import AlreadySignedError, SigningError

TIMESTAMP_TIMEOUT = 10  # seconds
# Room for the CMS container (certificate chain, signature, timestamp token). Fixed, so pyHanko does not make a
# trial signature (and a trial timestamp request) to measure it: that doubled the work per document.
SIGNATURE_BYTES = 16384
TIMESTAMPED_SIGNATURE_BYTES = 32768


@dataclass(frozen=True)
class SignatureRequest:
    role: str  # officer | agency
    signer_name: str
    unit_name: str
    seal: Seal | None = None
    timestamp_url: str | None = None
    location: str | None = None


def signed_field_names(pdf: bytes) -> list[str]:
    """Names of the signature fields that already hold a signature (ours or anyone's)."""
    reader = PdfFileReader(io.BytesIO(pdf), strict=False)
    return [sig.field_name for sig in reader.embedded_signatures]


def page_one_box(pdf: bytes) -> tuple[float, float, float, float]:
    with pikepdf.open(io.BytesIO(pdf)) as document:
        box = document.pages[0].mediabox
        return tuple(float(v) for v in box)  # type: ignore[return-value]


def sign_pdf(
    pdf: bytes, signer: signers.Signer, request: SignatureRequest, *, name: str = "document"
) -> bytes:
    """The signed PDF: `pdf` followed by one incremental update holding the signature. `name` is for messages."""
    field = field_name(request.role)
    try:
        already = signed_field_names(pdf)
        page_box = page_one_box(pdf)
    except Exception as error:  # noqa: BLE001 - a PDF the readers refuse: name it, never a traceback
        raise SigningError(f"{name}: không đọc được PDF / unreadable PDF ({error})") from None
    if field in already:
        raise AlreadySignedError(
            f"{name}: đã có chữ ký vai trò {request.role}, không ký lại / already signed as {request.role}"
        )
    now = datetime.now(UTC)
    lines = box_lines(BoxText(request.role, request.signer_name, request.unit_name, now))
    meta = signers.PdfSignatureMetadata(
        field_name=field,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        name=request.signer_name,
        location=request.location or request.unit_name,
        reason="Số hóa hồ sơ (TT 01/2023/TT-VPCP)"
        if request.role == "officer"
        else "Kết quả giải quyết TTHC",
    )
    spec = fields.SigFieldSpec(
        sig_field_name=field, on_page=0, box=box_rect(request.role, page_box, request.seal)
    )
    timestamper = (
        HTTPTimeStamper(request.timestamp_url, timeout=TIMESTAMP_TIMEOUT) if request.timestamp_url else None
    )
    pdf_signer = signers.PdfSigner(
        meta, signer, timestamper=timestamper, stamp_style=stamp_style(request.seal), new_field_spec=spec
    )
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    out = io.BytesIO()
    try:
        pdf_signer.sign_pdf(
            writer,
            appearance_text_params={"lines": "\n".join(lines)},
            output=out,
            bytes_reserved=TIMESTAMPED_SIGNATURE_BYTES if timestamper else SIGNATURE_BYTES,
        )
    except SigningError:
        raise
    except Exception as error:  # noqa: BLE001 - pyHanko, the token or the TSA: one line naming the file
        raise SigningError(
            f"{name}: ký số thất bại / signing failed ({type(error).__name__}: {error})"
        ) from None
    signed = out.getvalue()
    if not signed.startswith(pdf):
        raise SigningError(
            f"{name}: bản ký không giữ nguyên bản gốc / signed file does not keep the original bytes"
        )
    return signed
