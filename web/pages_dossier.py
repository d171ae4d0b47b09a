"""Dossier view, page viewer (scan beside its OCR text), page images and the two downloads, all unit-scoped."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from storage.catalog import Document, Page
from web.access import NotVisible, User, document_unit, require, visible_document, visible_dossier
from web.deps import PageUser, ServicesDep
from web.dossier_service import document_view, dossier_view, load_words, page_words, pdf_file_name
from web.files import PRESIGNED_FOR, object_response, thumbnail_response
from web.services import Services
from web.templating import render

router = APIRouter(include_in_schema=False)


def audit_subject(document: Document) -> tuple[str, str]:
    return ("dossier", document.dossier_code) if document.dossier_code else ("document", str(document.id))


def delivery(response: Response) -> dict[str, object]:
    """How a file left us, for the audit trail: streamed, or as a presigned S3 link (valid without a session)."""
    if response.status_code == 307:
        return {"delivery": "presigned", "expires_in_s": int(PRESIGNED_FOR.total_seconds())}
    return {"delivery": "stream"}


def visible_page(services: Services, user: User, document_id: int, page_number: int) -> tuple[Document, Page]:
    document = visible_document(services.catalog, user, document_id)
    pages = services.catalog.pages_of_document(document.id)
    page = next((p for p in pages if p.page_number == page_number), None)
    if page is None:
        raise NotVisible()
    return document, page


@router.get("/dossiers/{dossier_code}")
def dossier_page(request: Request, services: ServicesDep, user: PageUser, dossier_code: str) -> Response:
    require(user, "view")
    dossier = visible_dossier(services.catalog, user, dossier_code)
    view = dossier_view(services, dossier)
    services.catalog.record_event(user.name, "dossier.view", "dossier", dossier.dossier_code)
    return render(request, "dossier.html", user, view=view)


@router.get("/documents/{document_id}")
def document_page(request: Request, services: ServicesDep, user: PageUser, document_id: int) -> Response:
    """An unlinked document (review) has no dossier page: show it alone."""
    require(user, "view")
    document = visible_document(services.catalog, user, document_id)
    view = document_view(services, document)
    kind, subject = audit_subject(document)
    services.catalog.record_event(user.name, "document.view", kind, subject, {"document_id": document.id})
    return render(request, "document.html", user, doc=view)


@router.get("/documents/{document_id}/pages/{page_number}")
def page_viewer(
    request: Request, services: ServicesDep, user: PageUser, document_id: int, page_number: int
) -> Response:
    require(user, "view")
    document, page = visible_page(services, user, document_id, page_number)
    words = page_words(page.text, load_words(services, page))
    total = document.last_page - document.first_page + 1
    kind, subject = audit_subject(document)
    services.catalog.record_event(
        user.name, "page.view", kind, subject, {"document_id": document.id, "page": page_number}
    )
    return render(request, "page.html", user, document=document, page=page, words=words, total=total)


@router.get("/documents/{document_id}/pages/{page_number}/image")
def page_image(services: ServicesDep, user: PageUser, document_id: int, page_number: int) -> Response:
    require(user, "view")
    document, page = visible_page(services, user, document_id, page_number)
    if not page.image_key:
        raise NotVisible()
    response = object_response(
        services.store, page.image_key, f"page-{page_number}.jpg", "image/jpeg", inline=True
    )
    services.catalog.record_event(
        user.name, "page.image", *audit_subject(document),
        {"document_id": document.id, "page": page_number, "size": "full", **delivery(response)},
    )
    return response


@router.get("/documents/{document_id}/pages/{page_number}/thumb")
def page_thumbnail(services: ServicesDep, user: PageUser, document_id: int, page_number: int) -> Response:
    require(user, "view")
    document, page = visible_page(services, user, document_id, page_number)
    if not page.image_key:
        raise NotVisible()
    services.catalog.record_event(
        user.name, "page.image", *audit_subject(document),
        {"document_id": document.id, "page": page_number, "size": "thumb"},
    )
    return thumbnail_response(services.store, page.image_key, services.home / "cache" / "thumbs")


def original_visible(services: Services, user: User, document: Document) -> bool:
    """A scanner stack holds several dossiers: its original goes only to someone who may see all of them."""
    if user.is_admin:
        return True
    siblings = services.catalog.documents_of_source_file(document.source_file_id)
    return all(user.sees_unit(document_unit(services.catalog, d)) for d in siblings)


def download(services: Services, user: User, document_id: int, which: str) -> Response:
    require(user, "download")
    document = visible_document(services.catalog, user, document_id)
    view = document_view(services, document)
    if which == "original":
        if not original_visible(services, user, document):
            raise NotVisible()
        key, name = view.original_key, view.original_name
        media = {
            "pdf": "application/pdf",
            "tif": "image/tiff",
            "tiff": "image/tiff",
            "jpg": "image/jpeg",
            "jpeg": "image/jpeg",
            "png": "image/png",
        }.get(name.rsplit(".", 1)[-1].lower(), "application/octet-stream")
    else:
        key, name, media = document.pdf_key, pdf_file_name(document, view.original_name), "application/pdf"
    if not key:
        raise NotVisible()
    response = object_response(services.store, key, name, media)
    kind, subject = audit_subject(document)
    services.catalog.record_event(
        user.name,
        "document.download",
        kind,
        subject,
        {"document_id": document.id, "file": which, "name": name, **delivery(response)},
    )
    return response


@router.get("/documents/{document_id}/original")
def download_original(services: ServicesDep, user: PageUser, document_id: int) -> Response:
    return download(services, user, document_id, "original")


@router.get("/documents/{document_id}/pdf")
def download_pdf(services: ServicesDep, user: PageUser, document_id: int) -> Response:
    return download(services, user, document_id, "pdf")
