"""After a document is recognised: what it is (role, type), its extracted data, its digitization code, its
content hash and whether it reuses an already digitized paper — the TT 01/2023 Điều 7 steps after the copy.

The text work is pure and lives in ocr/classify.py (`classify_document`) and ocr/extract.py
(`extract_metadata`); the code rule in sohoa.domain.digitization_codes. This module only calls them and stores
the answers, so ingest reads one line.

Codes: a result gets `<Mã hồ sơ>-KQ<n>`, n one above the results of its dossier already coded. A component gets
the configured scheme (default `<owner ID>.<procedure code>.<component code>.<NN>`); until the procedure
catalogue lists its components' codes, the component code is the document type (`to_khai`), NN its place among
the dossier's coded components. A code the rule cannot make yet (no owner ID read, no procedure code) is left
unset, not guessed; a code once given is kept.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence
from typing import Any

from ocr.classify import classify_document
from ocr.extract import extract_metadata
from ocr.model import PageResult
from sohoa.domain.digitization_codes import (
    DEFAULT_COMPONENT_SCHEME,
    ComponentCodeScheme,
    DigitizationCodeError,
    digitization_code,
)
from sohoa.domain.folding import fold
from storage.catalog.catalog import Catalog
from storage.catalog.roles import DocumentRole, FieldValue

# Below this the classification goes to the review queue (kind "classification") for a person to confirm.
REVIEW_CONFIDENCE = 0.6
# Shorter text is no evidence of "the same paper" (blank pages, a stamp): no content hash.
MIN_HASHED_CHARACTERS = 80


def content_hash(pages: Sequence[PageResult]) -> str | None:
    """sha256 of the folded text with whitespace collapsed: two scans of one paper read alike."""
    text = " ".join(fold(" ".join(page.text for page in pages)).split())
    if len(text) < MIN_HASHED_CHARACTERS:
        return None
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _fields(extracted: dict[str, Any]) -> list[FieldValue]:
    values = []
    for name, found in extracted.items():
        value = getattr(found, "value", None)
        if value is None or str(value).strip() == "":
            continue
        box = getattr(found, "box", None)
        page = getattr(found, "page", None)
        values.append(
            FieldValue(
                name,
                value.isoformat() if hasattr(value, "isoformat") else str(value),
                getattr(found, "confidence", None),
                page,
                tuple(int(v) for v in box) if box else None,  # type: ignore[arg-type]
            )
        )
    return values


def describe_document(
    catalog: Catalog,
    document_id: int,
    pages: Sequence[PageResult],
    dossier_code: str | None,
    scheme: ComponentCodeScheme = DEFAULT_COMPONENT_SCHEME,
) -> DocumentRole:
    """Classify, extract, code and check reuse for one recognised document. Safe to repeat: corrections by
    staff or the registry are kept, a code once given is kept, the same review item is opened once."""
    digest = content_hash(pages)
    if digest:
        catalog.set_content_hash(document_id, digest)
    result = classify_document(list(pages))
    role = catalog.set_document_role(document_id, result.role, result.doc_type, result.confidence)
    # A role the registry stated (`sohoa roles import`) beats the guess; it keeps the guessed type if it has none.
    role = catalog.apply_stated_role(document_id) or role
    if role.role_source == "auto" and result.confidence < REVIEW_CONFIDENCE:
        reasons = "; ".join(result.reasons)
        catalog.open_review_item(
            "classification",
            f"{result.role}/{result.doc_type}: độ tin cậy / confidence {result.confidence:.2f}"
            + (f" ({reasons})" if reasons else ""),
            document_id=document_id,
        )
    catalog.set_document_fields(document_id, _fields(extract_metadata(list(pages))))
    role = catalog.document_role(document_id)
    if dossier_code and role.role in ("result", "component") and role.digitization_code is None:
        code = _code(catalog, role, dossier_code, scheme)
        if code:
            catalog.assign_digitization_code(document_id, code)
    return catalog.detect_reuse(document_id)


def _code(catalog: Catalog, role: DocumentRole, dossier_code: str, scheme: ComponentCodeScheme) -> str | None:
    fields = {f.name: f.value for f in role.fields}
    dossier = catalog.get_dossier(dossier_code)
    try:
        return digitization_code(
            role.role or "",
            dossier_code=dossier_code,
            ordinal=catalog.next_code_number(role.document_id, role.role or ""),
            owner_id=fields.get("owner_id"),
            procedure_code=dossier.procedure_code if dossier else None,
            component_code=role.doc_type,
            scheme=scheme,
        )
    except DigitizationCodeError:
        return None


def describe_recognized(
    catalog: Catalog, document_id: int, pages: Sequence[PageResult]
) -> DocumentRole | None:
    """`describe_document` for ingest: the document is already safely recognised, so a failure here must not
    undo that; it goes to the review queue (kind "classification") with its reason instead."""
    try:
        return describe_document(catalog, document_id, pages, catalog.get_document(document_id).dossier_code)
    except Exception as exc:  # noqa: BLE001 - any classifier/extractor bug: keep the document, tell a person
        logging.getLogger("sohoa.ingest").warning("document %s: classification failed: %s", document_id, exc)
        catalog.open_review_item(
            "classification",
            f"không phân loại được / classification failed: {type(exc).__name__}: {exc}",
            document_id=document_id,
        )
        return None
