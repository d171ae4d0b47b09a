"""What the dossier and page views show: documents with their pages and files, and OCR words with confidence."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from html import escape

from storage.catalog import Document, Dossier, Page
from storage.errors import StorageError
from web.services import Services

LOW_CONFIDENCE = 60.0  # Tesseract word confidence (0-100) below which a word is marked for the reader


@dataclass(frozen=True)
class DocumentView:
    document: Document
    pages: list[Page]
    original_name: str
    original_key: str | None


@dataclass(frozen=True)
class DossierView:
    dossier: Dossier
    documents: list[DocumentView] = field(default_factory=list)


@dataclass(frozen=True)
class WordBox:
    text: str
    left: float  # percent of the page width/height, so boxes scale with the displayed image
    top: float
    width: float
    height: float
    confidence: float


@dataclass(frozen=True)
class PageWords:
    boxes: list[WordBox]
    text_html: str  # the page text, HTML-escaped, low-confidence words inside <mark class="low">
    low_count: int


def document_view(services: Services, document: Document) -> DocumentView:
    source = services.catalog.get_source_file(document.source_file_id)
    pages = services.catalog.pages_of_document(document.id)
    return DocumentView(document, pages, source.original_name, source.object_key)


def dossier_view(services: Services, dossier: Dossier) -> DossierView:
    documents = services.catalog.documents_of_dossier(dossier.dossier_code)
    return DossierView(dossier, [document_view(services, d) for d in documents])


def pdf_file_name(document: Document, original_name: str) -> str:
    """Archival naming (TT 02/2019/TT-BNV): dossier code + "." + ordinal of the document in the dossier."""
    if document.dossier_code:
        suffix = f".v{document.version}" if document.version > 1 else ""
        return f"{document.dossier_code}.{document.ordinal or 1}{suffix}.pdf"
    stem = original_name.rsplit(".", 1)[0]
    return f"{stem}.{document.first_page}-{document.last_page}.pdf"


def load_words(services: Services, page: Page) -> dict | None:
    if not page.words_key:
        return None
    try:
        return json.loads(services.store.get_bytes(page.words_key))
    except (StorageError, ValueError):
        return None


def page_words(text: str, words: dict | None, threshold: float = LOW_CONFIDENCE) -> PageWords:
    """Mark low-confidence words in the page text, walking the OCR words in reading order through the text."""
    if not words or not words.get("width") or not words.get("height"):
        return PageWords([], escape(text), 0)
    width, height = float(words["width"]), float(words["height"])
    boxes: list[WordBox] = []
    pieces: list[str] = []
    cursor = 0
    low = 0
    for item in words.get("words", []):
        word, left, top, w, h, conf = item[:6]
        conf = float(conf)
        if conf < threshold and str(word).strip():
            low += 1
            boxes.append(
                WordBox(
                    str(word), 100 * left / width, 100 * top / height, 100 * w / width, 100 * h / height, conf
                )
            )
            found = text.find(str(word), cursor)
            if found >= 0:
                pieces.append(escape(text[cursor:found]))
                pieces.append(f'<mark class="low" title="{conf:.0f}%">{escape(str(word))}</mark>')
                cursor = found + len(str(word))
        elif str(word).strip():
            found = text.find(str(word), cursor)
            # Only advance over words found nearby, so one unmatched word cannot swallow the rest of the text.
            if 0 <= found <= cursor + 200:
                pieces.append(escape(text[cursor : found + len(str(word))]))
                cursor = found + len(str(word))
    pieces.append(escape(text[cursor:]))
    return PageWords(boxes, "".join(pieces), low)
