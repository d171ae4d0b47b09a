"""`sohoa ocr`: read many files page-parallel over all cores and write .txt, .pdf and .json per input file.

A page that cannot be read (too small, too large, damaged data, a crash in its worker) costs only that page:
the file's other pages are written, the page is listed in the .json with its error and reason, its place in
the .txt stays empty between form feeds, and one line naming the file and page is reported. A file is refused
only when it is unusable as a whole or none of its pages could be read.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

from ocr.errors import InputFileError, MissingDependencyError, SohoaError
from ocr.load import validate
from ocr.model import PageResult
from ocr.pipeline import OcrOptions, init_worker, ocr_file_page
from ocr.pdf_assemble import merge_page_pdfs


@dataclass(frozen=True)
class PageFailure:
    """Why one page of a file was not read: the one-line message (naming file and page) and a stable reason."""

    message: str
    reason: str
    detail: str


@dataclass
class FileOutcome:
    path: Path
    pages: int = 0
    error: str | None = None
    reason: str | None = None
    results: dict[int, PageResult] = field(default_factory=dict)
    page_failures: dict[int, PageFailure] = field(default_factory=dict)  # 0-based page -> why it was not read

    @property
    def ok(self) -> bool:
        return self.error is None


@dataclass
class OcrSummary:
    files: list[FileOutcome]
    seconds: float

    @property
    def pages(self) -> int:
        return sum(len(f.results) for f in self.files)

    @property
    def failed(self) -> list[FileOutcome]:
        return [f for f in self.files if not f.ok]


def output_name(path: Path) -> str:
    """DIR/<input file name>.<ext>: the whole input name is kept so scan.pdf and scan.tif never collide."""
    return path.name


def _write_atomic(target: Path, data: bytes) -> None:
    tmp = target.with_name(f".{target.name}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, target)


def failed_page_summary(index: int, failure: PageFailure) -> dict:
    """The .json entry of a page that was not read (same keys as a read page where they mean anything)."""
    return {"page": index + 1, "blank": False, "flags": ["unreadable"], "words": 0, "reason": failure.reason,
            "error": failure.detail}


def write_outputs(outcome: FileOutcome, out_dir: Path, page_pdfs: Sequence[Path]) -> None:
    """The .txt (every source page, unread ones empty), the searchable .pdf (read pages only) and the .json."""
    ordered = [outcome.results[i] for i in sorted(outcome.results)]
    name = output_name(outcome.path)
    pages = sorted(set(outcome.results) | set(outcome.page_failures))
    texts = [outcome.results[i].text if i in outcome.results else "" for i in pages]
    _write_atomic(out_dir / f"{name}.txt", "\f".join(texts).encode("utf-8"))
    merge_page_pdfs(list(page_pdfs), out_dir / f"{name}.pdf", title=outcome.path.name)
    confidences = [r.mean_confidence for r in ordered if not r.blank]
    report = {
        "file": outcome.path.name,
        "pages": [
            outcome.results[i].summary() if i in outcome.results else failed_page_summary(i, outcome.page_failures[i])
            for i in pages
        ],
        "page_count": len(pages),
        "pages_read": len(ordered),
        "unreadable_pages": [i + 1 for i in sorted(outcome.page_failures)],
        "mean_confidence": round(sum(confidences) / len(confidences), 1) if confidences else 0.0,
    }
    _write_atomic(out_dir / f"{name}.json", json.dumps(report, ensure_ascii=False, indent=2).encode("utf-8"))


def run_ocr(
    files: Sequence[Path],
    out_dir: Path,
    *,
    jobs: int | None = None,
    options: OcrOptions | None = None,
    on_file_start: Callable[[FileOutcome], None] | None = None,
    on_page_done: Callable[[FileOutcome], None] | None = None,
    on_file_done: Callable[[FileOutcome], None] | None = None,
    on_page_failed: Callable[[FileOutcome, int], None] | None = None,
) -> OcrSummary:
    """OCR `files` into `out_dir`. `on_page_failed(outcome, index)` reports a page of a file that was not read
    while its other pages were (default: one line on stderr); a wholly failed file goes to `on_file_done`."""
    options = options or OcrOptions()
    on_page_failed = on_page_failed or _print_page_failure
    jobs = max(1, jobs or os.cpu_count() or 1)
    out_dir.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    outcomes = [FileOutcome(path=Path(p)) for p in files]
    with tempfile.TemporaryDirectory(prefix="sohoa-ocr-") as scratch, ProcessPoolExecutor(
        max_workers=jobs, mp_context=multiprocessing.get_context("spawn"), initializer=init_worker
    ) as pool:
        pending: dict[Future[PageResult], tuple[FileOutcome, int]] = {}
        remaining: dict[int, int] = {}
        for number, outcome in enumerate(outcomes):
            try:
                outcome.pages = validate(outcome.path, dpi=options.dpi, max_pixels=options.max_pixels)
            except InputFileError as exc:
                outcome.error, outcome.reason = str(exc), exc.reason
                if on_file_done:
                    on_file_done(outcome)
                continue
            if on_file_start:
                on_file_start(outcome)
            remaining[number] = outcome.pages
            for index in range(outcome.pages):
                page_pdf = Path(scratch) / f"{number:05d}-{index:05d}.pdf"
                future = pool.submit(ocr_file_page, outcome.path, index, options, page_pdf)
                pending[future] = (outcome, index)
        for future in as_completed(list(pending)):
            outcome, index = pending.pop(future)
            number = outcomes.index(outcome)
            try:
                outcome.results[index] = future.result()
            except MissingDependencyError:  # a tool vanished mid-run: stop, the files are not bad
                pool.shutdown(wait=False, cancel_futures=True)
                raise
            except Exception as exc:  # a crashed page must not take the batch down, nor its file's other pages
                outcome.page_failures[index] = page_failure(outcome.path, index, exc)
            if on_page_done:
                on_page_done(outcome)
            remaining[number] -= 1
            if remaining[number] == 0:
                if not outcome.results:
                    first = outcome.page_failures[min(outcome.page_failures)]
                    outcome.error, outcome.reason = first.message, first.reason
                else:
                    for failed in sorted(outcome.page_failures):
                        on_page_failed(outcome, failed)
                if outcome.ok:
                    pdfs = [Path(scratch) / f"{number:05d}-{i:05d}.pdf" for i in sorted(outcome.results)]
                    try:
                        write_outputs(outcome, out_dir, pdfs)
                    except Exception as exc:
                        outcome.error = f"{outcome.path}: cannot write outputs: {exc}"
                        outcome.reason = "output-failed"
                if on_file_done:
                    on_file_done(outcome)
    return OcrSummary(files=outcomes, seconds=time.perf_counter() - started)


def page_failure(path: Path, index: int, exc: BaseException) -> PageFailure:
    """One line naming the file and the page, and a stable reason, for any error a page worker raised."""
    if isinstance(exc, InputFileError):
        return PageFailure(str(exc), exc.reason, exc.detail)
    where = f"trang {index + 1} / page {index + 1}"
    text = " ".join(str(exc).split())[:300]
    if isinstance(exc, SohoaError):
        return PageFailure(f"{path}: {where}: {text}", getattr(exc, "reason", "failed"), f"{where}: {text}")
    detail = f"{where}: {type(exc).__name__}: {text}" if text else f"{where}: {type(exc).__name__}"
    return PageFailure(f"{path}: {detail}", "page-failed", detail)


def _print_page_failure(outcome: FileOutcome, index: int) -> None:
    failure = outcome.page_failures[index]
    print(f"Bỏ qua trang / page not read: {failure.message}", file=sys.stderr, flush=True)
