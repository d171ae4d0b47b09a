"""The `sohoa` command line (Typer): ocr, ingest, search, report, reindex, serve, doctor."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from ocr.errors import ExitCode, SohoaError
from sohoa.config import load_settings
from sohoa.messages import t

app = typer.Typer(add_completion=False, no_args_is_help=True, help="sohoa — số hóa hồ sơ thủ tục hành chính.")
console = Console(stderr=True)


def _fail(message: str, code: ExitCode) -> None:
    print(f"sohoa: {message}", file=sys.stderr)
    raise typer.Exit(int(code))


@app.command()
def ocr(
    files: Annotated[list[Path], typer.Argument(help="Scanned files: PDF, TIFF, JPEG, PNG.")],
    out: Annotated[Path, typer.Option("--out", help="Output folder for .txt, .pdf and .json per input file.")],
    jobs: Annotated[int, typer.Option("--jobs", "-j", help="Parallel pages (default: all cores).")] = 0,
    lang: Annotated[str, typer.Option("--lang", help="Tesseract language.")] = "vie",
    max_pixels: Annotated[
        int, typer.Option("--max-pixels", help="Refuse pages larger than this (decompression-bomb guard).")
    ] = 0,
) -> None:
    """Read scanned files: DIR/<file>.txt (pages split by form feed), searchable DIR/<file>.pdf, DIR/<file>.json."""
    from ocr.pipeline import OcrOptions
    from ocr.tesseract import require_language
    from sohoa.ocr_batch import run_ocr

    try:
        require_language(lang)
    except SohoaError as exc:
        _fail(str(exc), exc.exit_code)
    missing = [f for f in files if not f.exists()]
    for path in missing:
        print(f"sohoa: {path}: không tìm thấy tệp / file not found", file=sys.stderr)
    existing = [f for f in files if f.exists()]
    with Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), console=console
    ) as progress:
        task = progress.add_task(t("ocr.progress"), total=0)

        def started(outcome):  # noqa: ANN001
            progress.update(task, total=(progress.tasks[0].total or 0) + outcome.pages)

        def page_done(outcome):  # noqa: ANN001
            progress.advance(task)

        def file_done(outcome):  # noqa: ANN001
            if not outcome.ok:
                progress.console.print(t("file.failed", error=outcome.error), markup=False, highlight=False)

        summary = run_ocr(
            existing,
            out,
            jobs=jobs or None,
            options=OcrOptions(lang=lang, **({"max_pixels": max_pixels} if max_pixels else {})),
            on_file_start=started,
            on_page_done=page_done,
            on_file_done=file_done,
        )
    failed = len(summary.failed) + len(missing)
    rate = summary.pages / summary.seconds * 60 if summary.seconds else 0.0
    console.print(
        t("ocr.summary", files=len(files), pages=summary.pages, failed=failed, seconds=summary.seconds, rate=rate),
        markup=False,
        highlight=False,
    )
    if failed:
        raise typer.Exit(int(ExitCode.some_files_failed))


@app.command()
def doctor() -> None:
    """Report what is installed and usable: Tesseract and its languages, Poppler, configured services."""
    from sohoa.doctor import program_checks, service_checks

    settings = load_settings()
    checks = program_checks() + service_checks(settings)
    for check in checks:
        mark = "[green]✓[/green]" if check.ok else "[red]✗[/red]"
        Console().print(f"{mark} {check.name:<16} {check.detail}", highlight=False)
    if not all(c.ok for c in checks):
        raise typer.Exit(int(ExitCode.missing_dependency))


def main() -> None:  # pragma: no cover - console entry
    app()
