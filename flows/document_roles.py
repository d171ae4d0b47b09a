"""After a document is recognised: what it is (role, type), its extracted data, its digitization code, its
content hash and whether it reuses an already digitized paper — the TT 01/2023 Điều 7 steps after the copy.

The text work is pure and lives in ocr/classify.py (`classify_document`) and ocr/extract.py
(`extract_metadata`); the code scheme in sohoa.domain. This module only calls them and stores the answers, so
ingest reads one line. While a piece is not installed yet its step is left out (nothing is guessed): the
document keeps no role and the drill-down of `sohoa report --indicators` lists it as unclassified.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Sequence
from typing import Any

from ocr.model import PageResult
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


def _optional(module: str, name: str) -> Callable[..., Any] | None:
    try:
        imported = __import__(module, fromlist=[name])
    except ImportError:
        return None
    return getattr(imported, name, None)


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
    catalog: Catalog, document_id: int, pages: Sequence[PageResult], dossier_code: str | None
) -> DocumentRole:
    """Classify, extract, code and check reuse for one recognised document. Safe to repeat: corrections by
    staff or the registry are kept, a code once given is kept, the same review item is opened once."""
    digest = content_hash(pages)
    if digest:
        catalog.set_content_hash(document_id, digest)
    classify = _optional("ocr.classify", "classify_document")
    if classify is not None:
        result = classify(list(pages))
        role = catalog.set_document_role(document_id, result.role, result.doc_type, result.confidence)
        if role.role_source == "auto" and result.confidence < REVIEW_CONFIDENCE:
            reasons = "; ".join(getattr(result, "reasons", ()) or ())
            catalog.open_review_item(
                "classification",
                f"{result.role}/{result.doc_type}: độ tin cậy / confidence {result.confidence:.2f}"
                + (f" ({reasons})" if reasons else ""),
                document_id=document_id,
            )
    extract = _optional("ocr.extract", "extract_metadata")
    if extract is not None:
        catalog.set_document_fields(document_id, _fields(extract(list(pages))))
    role = catalog.document_role(document_id)
    if dossier_code and role.role == "result" and role.digitization_code is None:
        result_code = _optional("sohoa.domain.digitization", "result_code")
        if result_code is not None:
            catalog.assign_digitization_code(
                document_id, result_code(dossier_code, catalog.next_result_number(document_id))
            )
    return catalog.detect_reuse(document_id)


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
