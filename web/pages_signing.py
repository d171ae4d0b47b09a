"""Signing in the web app: sign a document, a dossier or a batch (with a progress page), download the signed
copy, and the "đã ký số" lines the dossier viewer shows with each signature's verification status.

The key is the one the operator configured for the server (SOHOA_SIGNING_KEYS, docs/signing.md); the PIN is
typed in the form, used by one signing run in memory and never stored, logged or shown again.
"""

from __future__ import annotations

import logging
import secrets
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response

from sohoa.signing.appearance import vietnam_time
from sohoa.signing.errors import KeyAccessError
from sohoa.signing.service import SIGNING_ROLES, Actor, Outcome, document_unit, sign_documents
from sohoa.signing.settings import load_signing_settings
from sohoa.signing.verify import load_certificates, load_crls, verify_pdf
from web.access import NotVisible, User, visible_document, visible_dossier
from web.auth import check_csrf
from web.deps import PageUser, ServicesDep
from web.files import object_response
from web.services import Services
from web.templating import TEMPLATES, render

router = APIRouter(include_in_schema=False)
JOB_LIFETIME = 3600.0  # seconds a finished job's page stays available


def signing_roles(user: User) -> list[str]:
    return [role for role, accounts in SIGNING_ROLES.items() if user.role in accounts]


@dataclass
class SigningJob:
    id: str
    owner: str
    role: str
    total: int
    back: str  # where the "done" page links to
    done: int = 0
    outcomes: list[Outcome] = field(default_factory=list)
    error: str | None = None
    finished: bool = False
    finished_at: float | None = None


class SigningJobs:
    """Signing runs in background threads, one per request; their progress is read by the progress page."""

    def __init__(self) -> None:
        self._jobs: dict[str, SigningJob] = {}
        self._lock = threading.Lock()

    def get(self, job_id: str, owner: str) -> SigningJob | None:
        with self._lock:
            job = self._jobs.get(job_id)
            return job if job is not None and job.owner == owner else None

    def start(
        self, services: Services, user: User, ids: list[int], role: str, pin: str, back: str, unit: str | None
    ) -> SigningJob:
        settings = load_signing_settings(services.signing)
        key = settings.key_for(role, user.name if role == "officer" else (unit or ""))
        job = SigningJob(secrets.token_urlsafe(16), user.name, role, len(ids), back)
        with self._lock:
            now = time.monotonic()
            for old in [
                j for j in self._jobs.values() if j.finished_at and now - j.finished_at > JOB_LIFETIME
            ]:
                del self._jobs[old.id]
            self._jobs[job.id] = job
        actor = Actor(user.name, user.role, tuple(user.account.units))

        def progress(done: int, _total: int, outcome: Outcome) -> None:
            job.done = done
            job.outcomes.append(outcome)

        def run() -> None:
            try:
                sign_documents(
                    services.catalog,
                    services.store,
                    ids,
                    key=key,
                    secret=pin,
                    role=role,
                    actor=actor,
                    settings=settings,
                    progress=progress,
                )
            except Exception as error:  # shown on the progress page; the PIN is never part of a message
                job.error = (
                    str(error) if isinstance(error, KeyAccessError) else f"{type(error).__name__}: {error}"
                )
                if not isinstance(error, KeyAccessError):
                    logging.getLogger("sohoa.web").exception("signing job %s failed", job.id)
            finally:
                job.finished, job.finished_at = True, time.monotonic()

        threading.Thread(target=run, name=f"sign-{job.id[:6]}", daemon=True).start()
        return job


def jobs_of(request: Request) -> SigningJobs:
    state = request.app.state
    if not hasattr(state, "signing_jobs"):
        state.signing_jobs = SigningJobs()
    return state.signing_jobs


def _start(
    request: Request,
    services: Services,
    user: User,
    ids: list[int],
    role: str,
    pin: str,
    csrf_token: str,
    back: str,
    unit: str | None,
) -> Response:
    check_csrf(user, csrf_token)
    if role not in signing_roles(user):
        raise HTTPException(status_code=403, detail="forbidden")
    if not pin:
        return render(
            request, "signing.html", user, status_code=400, job=None, error="sign.pin_missing", back=back
        )
    if not ids:
        raise NotVisible()
    try:
        job = jobs_of(request).start(services, user, ids, role, pin, back, unit)
    except KeyAccessError as error:
        return render(
            request, "signing.html", user, status_code=409, job=None, error_text=str(error), back=back
        )
    return RedirectResponse(f"/sign/jobs/{job.id}", status_code=303)


Role = Annotated[str, Form()]
Pin = Annotated[str, Form()]
Csrf = Annotated[str, Form()]


@router.post("/sign/documents/{document_id}")
def sign_document(
    request: Request,
    services: ServicesDep,
    user: PageUser,
    document_id: int,
    role: Role = "officer",
    pin: Pin = "",
    csrf_token: Csrf = "",
) -> Response:
    document = visible_document(services.catalog, user, document_id)
    back = f"/dossiers/{document.dossier_code}" if document.dossier_code else f"/documents/{document.id}"
    unit = document_unit(services.catalog, document)
    return _start(request, services, user, [document.id], role, pin, csrf_token, back, unit)


@router.post("/sign/dossiers/{dossier_code}")
def sign_dossier(
    request: Request,
    services: ServicesDep,
    user: PageUser,
    dossier_code: str,
    role: Role = "officer",
    pin: Pin = "",
    csrf_token: Csrf = "",
) -> Response:
    dossier = visible_dossier(services.catalog, user, dossier_code)
    ids = [d.id for d in services.catalog.documents_of_dossier(dossier.dossier_code) if d.pdf_key]
    return _start(
        request, services, user, ids, role, pin, csrf_token, f"/dossiers/{dossier.dossier_code}", dossier.unit
    )


def visible_batch_documents(services: Services, user: User, batch_id: int) -> list[Any]:
    documents = []
    for document_id in services.catalog.document_ids_of_batch(batch_id):
        try:
            documents.append(visible_document(services.catalog, user, document_id))
        except NotVisible:
            continue
    return documents


@router.get("/sign/batches/{batch_id}")
def batch_page(request: Request, services: ServicesDep, user: PageUser, batch_id: int) -> Response:
    documents = visible_batch_documents(services, user, batch_id)
    if not documents or not signing_roles(user):
        raise NotVisible()
    signatures = services.catalog.signatures_of_documents([d.id for d in documents])
    return render(
        request,
        "signing.html",
        user,
        job=None,
        batch_id=batch_id,
        documents=documents,
        signatures=signatures,
        roles=signing_roles(user),
        back="/",
    )


@router.post("/sign/batches/{batch_id}")
def sign_batch(
    request: Request,
    services: ServicesDep,
    user: PageUser,
    batch_id: int,
    role: Role = "officer",
    pin: Pin = "",
    csrf_token: Csrf = "",
) -> Response:
    documents = [d for d in visible_batch_documents(services, user, batch_id) if d.pdf_key]
    unit = document_unit(services.catalog, documents[0]) if documents else None
    return _start(
        request,
        services,
        user,
        [d.id for d in documents],
        role,
        pin,
        csrf_token,
        f"/sign/batches/{batch_id}",
        unit,
    )


@router.get("/sign/jobs/{job_id}")
def job_page(request: Request, user: PageUser, job_id: str) -> Response:
    job = jobs_of(request).get(job_id, user.name)
    if job is None:
        raise NotVisible()
    response = render(request, "signing.html", user, job=job, back=job.back)
    if not job.finished:
        response.headers["Refresh"] = "1"
    return response


@router.get("/documents/{document_id}/signed")
def download_signed(services: ServicesDep, user: PageUser, document_id: int) -> Response:
    document = visible_document(services.catalog, user, document_id)
    key = services.catalog.latest_signed_key(document.id)
    if not key:
        raise NotVisible()
    services.catalog.record_event(
        user.name,
        "document.download",
        "document",
        str(document.id),
        {"document_id": document.id, "file": "signed"},
    )
    name = (
        f"{document.dossier_code}.{document.ordinal}.pdf" if document.dossier_code else f"{document.id}.pdf"
    )
    return object_response(services.store, key, name, "application/pdf")


# -- what the viewer shows --------------------------------------------------------------------------------


@dataclass(frozen=True)
class SignatureLine:
    role: str  # officer | agency (made in sohoa) | original (the file came in signed)
    signer: str
    signed_at: datetime | None
    status: str  # valid | untrusted | changed | revoked | expired | unverified

    @property
    def when(self) -> str:
        return vietnam_time(self.signed_at) if self.signed_at else "—"


@dataclass(frozen=True)
class SigningPanel:
    lines: list[SignatureLine]
    roles: list[str]  # the roles this user may still sign this document in
    batch_id: int | None


_verified: dict[tuple[str, str], tuple[float, list[Any]]] = {}
VERIFY_CACHE_SECONDS = 300.0
ORIGINAL_VERIFY_LIMIT = 50 * 1024 * 1024  # larger originals are not read on every dossier view


def _status(report: Any) -> str:
    if report is None:
        return "unverified"
    if not report.intact:
        return "changed"
    if report.revoked:
        return "revoked"
    if report.expired:
        return "expired"
    return "valid" if report.trusted else "untrusted"


def _reports(services: Services, key: str, sha256: str) -> list[Any]:
    """Verification of one stored PDF against the configured trust roots, kept a few minutes so a dossier
    page does not re-verify on every view."""
    settings = load_signing_settings(services.signing)
    cache_key = (sha256, "|".join(map(str, settings.trust_roots + settings.crls)))
    cached = _verified.get(cache_key)
    if cached and time.monotonic() - cached[0] < VERIFY_CACHE_SECONDS:
        return cached[1]
    try:
        reports = verify_pdf(
            services.store.get_bytes(key),
            load_certificates(list(settings.trust_roots)),
            load_crls(list(settings.crls)),
        )
    except Exception:
        logging.getLogger("sohoa.web").exception("verifying %s failed", key)
        reports = []
    _verified[cache_key] = (time.monotonic(), reports)
    return reports


def signature_lines(request: Request, document: Any) -> list[SignatureLine]:
    """Each signature sohoa made on the document, with the status of its newest signed copy; or, for a file
    that came in signed (a PDF original with signatures), the signatures it arrived with."""
    services: Services = request.app.state.services
    signatures = services.catalog.signatures_of_document(document.id)
    if signatures:
        newest = signatures[-1]
        by_role = {r.role: r for r in _reports(services, newest.signed_key, newest.signed_sha256)}
        return [
            SignatureLine(s.role, s.signer_name, s.signed_at, _status(by_role.get(s.role)))
            for s in signatures
        ]
    source = services.catalog.get_source_file(document.source_file_id)
    if source.format != "pdf" or not source.object_key or source.size > ORIGINAL_VERIFY_LIMIT:
        return []
    return [
        SignatureLine("original", r.signer, r.signed_at, _status(r))
        for r in _reports(services, source.object_key, source.sha256)
    ]


def signing_panel(request: Request, user: User | None, document: Any) -> SigningPanel:
    services: Services = request.app.state.services
    lines = signature_lines(request, document)
    taken = {line.role for line in lines}
    roles = [r for r in signing_roles(user) if r not in taken] if user and document.pdf_key else []
    batch_id = services.catalog.get_source_file(document.source_file_id).batch_id if roles else None
    return SigningPanel(lines, roles, batch_id)


TEMPLATES.env.globals["signing_panel"] = signing_panel
