"""`sohoa ocr`: read many files page-parallel over all cores and write .txt, .pdf and .json per input file."""

from __future__ import annotations

import json
import multiprocessing
import os
import tempfile
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

from ocr.errors import InputFileError, SohoaError
from ocr.load import validate
from ocr.model import PageResult
from ocr.pipeline import OcrOptions, init_worker, ocr_file_page
from ocr.pdf_assemble import merge_page_pdfs


@dataclass
class FileOutcome:
    path: Path
    pages: int = 0
    error: str | None = None
    reason: str | None = None
    results: dict[int, PageResult] = field(default_factory=dict)

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


def write_outputs(outcome: FileOutcome, out_dir: Path, page_pdfs: Sequence[Path]) -> None:
    ordered = [outcome.results[i] for i in sorted(outcome.results)]
    name = output_name(outcome.path)
    _write_atomic(out_dir / f"{name}.txt", "\f".join(r.text for r in ordered).encode("utf-8"))
    merge_page_pdfs(list(page_pdfs), out_dir / f"{name}.pdf", title=outcome.path.name)
    confidences = [r.mean_confidence for r in ordered if not r.blank]
    report = {
        "file": outcome.path.name,
        "pages": [r.summary() for r in ordered],
        "page_count": len(ordered),
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
) -> OcrSummary:
    options = options or OcrOptions()
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
            except (SohoaError, InputFileError) as exc:
                outcome.error = outcome.error or str(exc)
                outcome.reason = outcome.reason or getattr(exc, "reason", "failed")
            except Exception as exc:  # a crashed page must not take the batch down; report it on its file
                outcome.error = outcome.error or f"{outcome.path}: page {index + 1}: {type(exc).__name__}: {exc}"
                outcome.reason = outcome.reason or "page-failed"
            if on_page_done:
                on_page_done(outcome)
            remaining[number] -= 1
            if remaining[number] == 0:
                if outcome.ok:
                    pdfs = [Path(scratch) / f"{number:05d}-{i:05d}.pdf" for i in range(outcome.pages)]
                    try:
                        write_outputs(outcome, out_dir, pdfs)
                    except Exception as exc:
                        outcome.error = f"{outcome.path}: cannot write outputs: {exc}"
                        outcome.reason = "output-failed"
                if on_file_done:
                    on_file_done(outcome)
    return OcrSummary(files=outcomes, seconds=time.perf_counter() - started)

