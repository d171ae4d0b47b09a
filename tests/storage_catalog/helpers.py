"""Builders for catalogue tests: put a document through the whole ingest path with real repository calls."""

from __future__ import annotations

import hashlib

from storage.catalog import Catalog, Document, PageInput


def sha(name: str) -> str:
    return hashlib.sha256(name.encode()).hexdigest()


def stored_document(
    catalog: Catalog, file_name: str, pages: int = 1, batch_id: int | None = None
) -> Document:
    source = catalog.record_source_file(
        sha(file_name),
        object_key=f"originals/{sha(file_name)}",
        original_name=file_name,
        size=1000,
        format="pdf",
        page_count=pages,
        batch_id=batch_id,
    )
    return catalog.record_document(source.id, 1, pages)


def recognize(
    catalog: Catalog, document: Document, confidences: list[float], text: str = "Nội dung"
) -> Document:
    prefix = f"derived/{document.id}"
    inputs = [
        PageInput(
            number,
            number - 1,
            f"{text} {number}",
            confidence,
            image_key=f"{prefix}/p{number}.png",
            words_key=f"{prefix}/p{number}.json",
        )
        for number, confidence in enumerate(confidences, start=1)
    ]
    catalog.record_pages(document.id, inputs)
    source = catalog.get_source_file(document.source_file_id)
    verified = {source.object_key, f"{prefix}.pdf"}
    verified |= {key for page in inputs for key in (page.image_key, page.words_key)}
    return catalog.mark_document_recognized(document.id, pdf_key=f"{prefix}.pdf", verified_keys=verified)


def digitize(
    catalog: Catalog,
    file_name: str,
    dossier_code: str | None,
    confidences: tuple[float, ...] = (90.0,),
    batch_id: int | None = None,
    index: bool = True,
) -> Document:
    """A document stored, recognised and (with index=True) indexed, linked to `dossier_code` if given."""
    document = stored_document(catalog, file_name, len(confidences), batch_id)
    if dossier_code:
        catalog.link_document(document.id, dossier_code, "qr")
    recognize(catalog, document, list(confidences))
    if index:
        catalog.mark_pages_indexed(page.id for page in catalog.pages_of_document(document.id))
    return catalog.get_document(document.id)
