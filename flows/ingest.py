"""The ingest flow: scanner output in; originals stored, pages read, documents linked, catalogued, indexed.

Read top to bottom, `ingest_file` is the whole path of one file:
hash -> dedup -> store original -> validate (else quarantine) -> read pages in parallel -> split by QR receipts
-> per document: store page images, words and searchable PDF -> catalogue pages -> link to dossier (else review)
-> mark recognised. At the end of the batch, pending pages go into the search index.
Every step is idempotent, so a crashed or repeated batch resumes without duplicates.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import tempfile
import time
from concurrent.futures import Future, ProcessPoolExecutor
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import logging

from prefect import task
from prefect.exceptions import MissingContextError
from prefect.logging import get_run_logger
from prefect.cache_policies import NO_CACHE
from prefect.task_runners import ThreadPoolTaskRunner

from flows.backends import Backends, RetryPolicy, with_retries
from flows.discover import discover, wait_until_stable
from flows.document_roles import describe_recognized
from flows.index_sync import SyncResult, index_pending
from flows.linking import DocumentPart, PageClues, split_and_link
from flows.page_work import PageArtifacts, read_page
from ocr.errors import InputFileError, MissingDependencyError, SohoaError
from ocr.load import detect_format, validate
from ocr.pdf_assemble import merge_page_pdfs
from ocr.pipeline import OcrOptions, init_worker
from ocr.verdict import review_reasons as page_review_reasons
from sohoa.domain.states import PROCESSED_STATES
from storage.catalog.records import BatchCounts, Document, PageInput, SourceFile
from storage.catalog.documents import LinkRefused
from storage.catalog.registry import import_registry
from storage.errors import StorageUnavailableError
from storage.objects import derived_key, file_sha256, original_key, safe_suffix



def _logger() -> logging.Logger | logging.LoggerAdapter:
    """Prefect's run logger inside a flow or task; the module logger when called directly (the web app)."""
    try:
        return get_run_logger()
    except MissingContextError:
        return logging.getLogger("sohoa.ingest")


class Progress(Protocol):
    def pages_planned(self, count: int) -> None: ...
    def page_done(self) -> None: ...
    def file_done(self, report: FileReport) -> None: ...


class _NoProgress:
    def pages_planned(self, count: int) -> None: ...
    def page_done(self) -> None: ...
    def file_done(self, report: FileReport) -> None: ...


_progress: Progress = _NoProgress()
CANCELLED_REASON = "tải lên đã bị huỷ / upload cancelled"


class IngestCancelled(Exception):
    """The caller (a web upload) was cancelled; files not yet read are left as they are for a later run."""


def _cancelled() -> bool:
    """A progress hook may also answer `cancelled()`; the web upload's does when staff cancel it."""
    check = getattr(_progress, "cancelled", None)
    return bool(check and check())


def set_progress(progress: Progress | None) -> None:
    """The CLI installs its progress bar here; Prefect flow parameters must stay serialisable."""
    global _progress
    _progress = progress or _NoProgress()


@dataclass
class FileReport:
    path: str
    status: str  # new | resumed | duplicate | quarantined | not-stored | unstable
    reason: str | None = None
    pages: int = 0
    documents: int = 0
    linked: int = 0
    dossiers: list[str] = field(default_factory=list)


@dataclass
class IngestSummary:
    batch_id: int
    files: list[FileReport]
    seconds: float
    index: SyncResult
    registry: dict[str, int] | None = None
    skipped: list[dict[str, str]] = field(default_factory=list)  # {"path", "reason"[, "detail"]} per entry
    registry_rows: list[dict[str, object]] = field(default_factory=list)  # {"row", "reason"} per refused row

    def count(self, *statuses: str) -> int:
        return sum(1 for f in self.files if f.status in statuses)

    @property
    def pages(self) -> int:
        return sum(f.pages for f in self.files if f.status in ("new", "resumed"))

    @property
    def dossiers(self) -> set[str]:
        return {code for f in self.files for code in f.dossiers}

    def to_json(self) -> dict[str, object]:
        return {
            "batch_id": self.batch_id,
            "files": len(self.files),
            "new": self.count("new", "resumed"),
            "duplicates": self.count("duplicate"),
            "quarantined": self.count("quarantined"),
            "not_stored": self.count("not-stored", "unstable"),
            "cancelled": self.count("cancelled"),
            "pages": self.pages,
            "dossiers_linked": len(self.dossiers),
            "pages_indexed": self.index.indexed,
            "pages_pending_index": self.index.pending,
            "seconds": round(self.seconds, 1),
            "skipped": self.skipped,
            "registry": self.registry,
            "registry_rows": self.registry_rows,
            "failures": [{"path": f.path, "status": f.status, "reason": f.reason} for f in self.files if f.reason],
        }


@dataclass
class FileContext:
    backends: Backends
    pool: ProcessPoolExecutor
    options: OcrOptions
    batch_id: int
    unit: str | None
    retry: RetryPolicy
    settle_seconds: float
    # The uploader's units (a web user's): links into dossiers of other units, or of none, go to review.
    # None: every unit (admins, the command line).
    units: tuple[str, ...] | None = None
    max_pages: int = 2000  # a file with more pages is quarantined (Settings.max_pages_per_file)


def batch_key(paths: list[str]) -> str:
    """Same inputs, same batch: re-running a command resumes its batch instead of starting another."""
    resolved = sorted(str(Path(p).resolve()) for p in paths)
    return hashlib.sha256("\n".join(resolved).encode()).hexdigest()[:32]


def store_file(ctx: FileContext, key: str, path: Path) -> str:
    store = ctx.backends.store
    with_retries(lambda: store.put_file(key, path), ctx.retry, _log_retry(key))
    return key


def _log_retry(key: str):  # noqa: ANN202
    def log(attempt: int, exc: Exception) -> None:
        _logger().warning("kho lưu trữ chưa sẵn sàng / store unavailable (%s), thử lại %d: %s", key, attempt, exc)

    return log


@task(cache_policy=NO_CACHE, log_prints=False)
def ingest_file(path: Path, ctx: FileContext) -> FileReport:
    catalog = ctx.backends.catalog
    name = str(path)
    if _cancelled():
        return FileReport(name, "cancelled", CANCELLED_REASON)
    if not wait_until_stable(path, settle_seconds=ctx.settle_seconds):
        return FileReport(name, "unstable", "tệp vẫn đang được ghi / file still being written or vanished")
    sha256 = file_sha256(path)
    known = catalog.find_source_file(sha256)
    if known and _is_done(ctx, known):
        return FileReport(name, "duplicate", None, pages=known.page_count or 0)
    try:
        file_format = detect_format(path)
    except InputFileError:
        file_format = "unknown"
    key = original_key(sha256, safe_suffix(path.name))
    try:
        store_file(ctx, key, path)
    except StorageUnavailableError as exc:
        return FileReport(name, "not-stored", f"{path}: không lưu được bản gốc / original not stored: {exc}")
    source = catalog.record_source_file(
        sha256, object_key=key, original_name=path.name, size=path.stat().st_size, format=file_format,
        batch_id=ctx.batch_id,
    )
    try:
        page_count = validate(path, dpi=ctx.options.dpi, max_pixels=ctx.options.max_pixels)
    except InputFileError as exc:
        catalog.quarantine_file(name, str(exc), source_file_id=source.id)
        return FileReport(name, "quarantined", str(exc))
    if page_count > ctx.max_pages:
        reason = str(InputFileError(path, f"{page_count} trang, quá giới hạn {ctx.max_pages} trang mỗi tệp / "
                                          f"{page_count} pages, over the limit of {ctx.max_pages} per file"))
        catalog.quarantine_file(name, reason, source_file_id=source.id)
        return FileReport(name, "quarantined", reason)
    _progress.pages_planned(page_count)
    with tempfile.TemporaryDirectory(prefix="sohoa-ingest-") as scratch:
        try:
            pages, unread = read_pages(ctx, path, page_count, Path(scratch))
        except IngestCancelled:
            return FileReport(name, "cancelled", CANCELLED_REASON)
        except InputFileError as exc:
            catalog.quarantine_file(name, str(exc), source_file_id=source.id)
            return FileReport(name, "quarantined", str(exc))
        if unread:
            # One odd page does not cost the file: the others are read; a person sees which pages were not.
            catalog.open_review_item("unreadable", "; ".join(unread), source_file_id=source.id, path=name)
        parts = split_and_link(path.name, [PageClues(tuple(p.result.qr_payloads), p.result.text) for p in pages])
        report = FileReport(name, "resumed" if known else "new", pages=page_count, documents=len(parts))
        for part in parts:
            code = record_document(ctx, source, part, pages[part.first_page - 1 : part.last_page], Path(scratch))
            if code:
                report.linked += 1
                report.dossiers.append(code)
    catalog.set_source_file_state(source.id, "processed")
    return report


def _is_done(ctx: FileContext, source: SourceFile) -> bool:
    if source.state == "quarantined":
        return True
    documents = ctx.backends.catalog.documents_of_source_file(source.id)
    return bool(documents) and all(d.state in PROCESSED_STATES for d in documents) and (
        source.state == "processed"
    )


def read_pages(ctx: FileContext, path: Path, page_count: int, scratch: Path
               ) -> tuple[list[PageArtifacts], list[str]]:
    """The pages read, and one reason per page that could not be; raises only when no page could be read."""
    futures: list[Future[PageArtifacts]] = [
        ctx.pool.submit(read_page, path, index, ctx.options, scratch) for index in range(page_count)
    ]
    pages: list[PageArtifacts] = []
    unread: list[str] = []
    for index, future in enumerate(futures):
        if _cancelled():
            for pending in futures[index:]:
                pending.cancel()
            raise IngestCancelled(str(path))
        try:
            pages.append(future.result())
        except InputFileError as exc:
            unread.append(f"trang {index + 1} / page {index + 1}: {exc.detail}")
        except MissingDependencyError:
            raise  # a tool vanished mid-batch: the machine is broken, the file is not bad
        except SohoaError as exc:  # a page whose Tesseract or Poppler run timed out twice
            unread.append(f"trang {index + 1} / page {index + 1}: {exc}")
        except Exception as exc:  # noqa: BLE001 - the page is named, the file's other pages go on
            unread.append(f"trang {index + 1} / page {index + 1}: {type(exc).__name__}: {exc}")
        _progress.page_done()
    if not pages:
        raise InputFileError(path, "; ".join(unread) or "không có trang nào / no pages")
    return pages, unread


def record_document(
    ctx: FileContext, source: SourceFile, part: DocumentPart, pages: list[PageArtifacts], scratch: Path
) -> str | None:
    """Store a document's artifacts, catalogue its pages, link it; returns its dossier code when linked.

    A failure on the way marks the document "failed" with its reason, so the catalogue says what happened,
    and is raised on; the next run of the same file picks the document up again."""
    # Part positions count the pages read; a skipped unreadable page keeps the source's own page numbers.
    document = ctx.backends.catalog.record_document(source.id, pages[0].result.index + 1, pages[-1].result.index + 1)
    try:
        return _complete_document(ctx, source, document, part, pages, scratch)
    except Exception as exc:
        try:
            ctx.backends.catalog.mark_document_failed(document.id, f"{type(exc).__name__}: {exc}")
        except Exception as unmarked:  # noqa: BLE001 - the catalogue is down too; the first error is the one to see
            _logger().warning("document %s not marked failed: %s", document.id, unmarked)
        raise


def _complete_document(
    ctx: FileContext, source: SourceFile, document: Document, part: DocumentPart, pages: list[PageArtifacts],
    scratch: Path,
) -> str | None:
    catalog = ctx.backends.catalog
    verified = [source.object_key or ""]
    page_inputs = []
    for number, artifact in enumerate(pages, start=1):
        page_no = artifact.result.index + 1
        image_key = store_file(ctx, derived_key(source.sha256, f"page-{page_no:05d}.jpg"), artifact.image)
        words_key = store_file(ctx, derived_key(source.sha256, f"page-{page_no:05d}.words.json"), artifact.words)
        verified += [image_key, words_key]
        result = artifact.result
        page_inputs.append(
            PageInput(
                page_number=number,
                source_page_index=result.index,
                text=result.text,
                mean_confidence=round(result.mean_confidence, 2),
                flags={"flags": result.flags, "rotation": result.rotation, "skew": round(result.skew, 2)},
                blank=result.blank,
                words_key=words_key,
                image_key=image_key,
            )
        )
    pdf_path = scratch / f"document-{part.first_page:05d}-{part.last_page:05d}.pdf"
    merge_page_pdfs([p.pdf for p in pages], pdf_path, title=f"{part.dossier_code or source.original_name}")
    pdf_key = store_file(ctx, derived_key(source.sha256, pdf_path.name), pdf_path)
    verified.append(pdf_key)
    recorded = catalog.record_pages(document.id, page_inputs)
    refused = None
    if part.dossier_code:
        try:
            catalog.link_document(document.id, part.dossier_code, part.method or "manual", ordinal=part.ordinal,
                                  unit=ctx.unit, units=ctx.units)
        except LinkRefused as exc:
            refused = exc.reason
            catalog.open_review_item(
                "unlinked", f"{part.dossier_code} ({part.method}): {refused}", document_id=document.id,
                source_file_id=source.id, path=source.original_name,
            )
    else:
        catalog.open_review_item(
            "unlinked",
            "không tìm thấy mã hồ sơ (QR, tên tệp, nội dung) / no dossier code in QR, file name or text",
            document_id=document.id,
            source_file_id=source.id,
            path=source.original_name,
        )
    for page, artifact in zip(recorded, pages, strict=True):
        for kind, reason in page_review_reasons(artifact.result):
            catalog.open_review_item(kind, reason, page_id=page.id, document_id=document.id)
    span = pages[-1].result.index - pages[0].result.index + 1
    catalog.mark_document_recognized(document.id, pdf_key=pdf_key, verified_keys=verified,
                                     unreadable_pages=span - len(pages))
    describe_recognized(catalog, document.id, [artifact.result for artifact in pages])  # role, data, code, reuse
    return None if refused else part.dossier_code


def run_ingest(
    paths: list[Path],
    *,
    backends: Backends,
    options: OcrOptions | None = None,
    manifest: Path | None = None,
    unit: str | None = None,
    jobs: int = 0,
    settle_seconds: float = 2.0,
    # The uploader (web): registry rows and links outside `units` are refused and reported; None is every
    # unit (the command line, admins).
    actor: str = "registry",
    units: Collection[str] | None = None,
    max_pages_per_file: int = 2000,
) -> IngestSummary:
    """Ingest scanner output (files or folders) on open backends; they stay open for the caller to close.

    The edges compose: `sohoa.compose.ingest_runner` binds it to backends and options from settings and checks
    the machine's tools first; the command line, Prefect deployments and web uploads all call it that way."""
    started = time.perf_counter()
    options = options or OcrOptions()
    registry = None
    registry_rows: list[dict[str, object]] = []
    if manifest:
        imported = import_registry(backends.catalog, manifest, actor=actor, units=units)
        registry = {"inserted": imported.inserted, "updated": imported.updated, "errors": len(imported.errors)}
        registry_rows = [{"row": e.row, "reason": e.reason} for e in imported.errors]
        for line in imported.error_lines():
            _logger().warning(line)
    found = discover(paths)
    files = found.files
    for skipped in found.skipped:
        _logger().warning("bỏ qua / skipped (%s): %s %s", skipped.reason, skipped.path, skipped.detail)
    batch = backends.catalog.start_batch(batch_key([str(p) for p in paths]), source=", ".join(map(str, paths)), unit=unit)
    workers = jobs or multiprocessing.cpu_count()
    with ProcessPoolExecutor(
        max_workers=workers, mp_context=multiprocessing.get_context("spawn"), initializer=init_worker
    ) as pool:
        ctx = FileContext(backends, pool, options, batch.id, unit, backends.retry, settle_seconds)
        ctx.max_pages = max_pages_per_file
        ctx.units = tuple(units) if units is not None else None
        reports = _ingest_files(files, ctx, workers)
    sync = index_pending(backends.catalog, backends.index)
    summary = IngestSummary(
        batch.id, reports, time.perf_counter() - started, sync, registry, [s.to_json() for s in found.skipped]
    )
    summary.registry_rows = registry_rows
    backends.catalog.finish_batch(
        batch.id,
        BatchCounts(
            files_seen=len(reports),
            files_new=summary.count("new", "resumed"),
            files_duplicate=summary.count("duplicate"),
            files_failed=summary.count("quarantined", "not-stored", "unstable"),
            documents=sum(r.documents for r in reports),
            pages=summary.pages,
        ),
        status="finished" if not summary.count("not-stored", "unstable", "cancelled") else "failed",
    )
    return summary


def _ingest_files(files: list[Path], ctx: FileContext, workers: int) -> list[FileReport]:
    """Files run concurrently (threads) so the page pool always has work from the next file queued."""
    with ThreadPoolTaskRunner(max_workers=max(2, workers + 1)) as runner:
        futures = [runner.submit(ingest_file, parameters={"path": path, "ctx": ctx}) for path in files]
        reports = []
        for path, future in zip(files, futures, strict=True):
            try:
                report = future.result()
            except MissingDependencyError:
                raise
            except Exception as exc:  # an unexpected failure is reported on its file, never silently dropped
                report = FileReport(str(path), "not-stored", f"{path}: {type(exc).__name__}: {exc}")
            _progress.file_done(report)
            reports.append(report)
    return reports
