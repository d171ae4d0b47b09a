"""The `sohoa` command line (Typer): ocr, ingest, search, report, reindex, serve, doctor."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from ocr.errors import ExitCode, SohoaError
from sohoa.config import apply_prefect_defaults, load_settings
from sohoa.messages import set_language, t

app = typer.Typer(add_completion=False, no_args_is_help=True, help="sohoa — số hóa hồ sơ thủ tục hành chính.")
# soft_wrap: an error line naming a long path stays one line when stderr is not a terminal.
console = Console(stderr=True, soft_wrap=True)


def _fail(message: str, code: ExitCode) -> None:
    print(f"sohoa: {message}", file=sys.stderr)
    raise typer.Exit(int(code))


@app.command()
def ocr(
    files: Annotated[list[Path], typer.Argument(help="Scanned files: PDF, TIFF, JPEG, PNG, WebP, HEIC, BMP, GIF.")],
    out: Annotated[Path, typer.Option("--out", help="Output folder for .txt, .pdf and .json per input file.")],
    jobs: Annotated[int, typer.Option("--jobs", "-j", help="Parallel pages (default: all cores).")] = 0,
    lang: Annotated[str, typer.Option("--lang", help="Tesseract language.")] = "vie",
    max_pixels: Annotated[
        int, typer.Option("--max-pixels", help="Refuse pages larger than this (decompression-bomb guard).")
    ] = 0,
) -> None:
    """Read scanned files: DIR/<file>.txt (pages split by form feed), searchable DIR/<file>.pdf, DIR/<file>.json."""
    from ocr.pipeline import OcrOptions
    from sohoa.ocr_batch import run_ocr
    from sohoa.preflight import check_tools

    settings = load_settings()
    try:
        check_tools(lang)  # a broken machine is not a bad file: exit 3 before any file is read
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

        try:
            summary = run_ocr(
                existing,
                out,
                jobs=jobs or None,
                options=OcrOptions(lang=lang, tesseract_timeout=settings.tesseract_timeout,
                                   render_timeout=settings.render_timeout,
                                   tesseract_engine=settings.tesseract_engine,
                                   **({"max_pixels": max_pixels} if max_pixels else {})),
                on_file_start=started,
                on_page_done=page_done,
                on_file_done=file_done,
            )
        except SohoaError as exc:  # a tool that vanished mid-run
            _fail(str(exc), exc.exit_code)
    failed = len(summary.failed) + len(missing)
    rate = summary.pages / summary.seconds * 60 if summary.seconds else 0.0
    console.print(
        t("ocr.summary", files=len(files), pages=summary.pages, failed=failed, seconds=summary.seconds, rate=rate),
        markup=False,
        highlight=False,
    )
    if failed:
        raise typer.Exit(int(ExitCode.some_files_failed))


class _IngestProgress:
    """Rich progress bar fed by the ingest flow: pages read, files finished."""

    def __init__(self, progress: Progress) -> None:
        self.progress = progress
        self.task = progress.add_task(t("ingest.progress"), total=0)

    def pages_planned(self, count: int) -> None:
        self.progress.update(self.task, total=(self.progress.tasks[0].total or 0) + count)

    def page_done(self) -> None:
        self.progress.advance(self.task)

    def file_done(self, report) -> None:  # noqa: ANN001
        if report.reason:
            self.progress.console.print(t("file.failed", error=report.reason), markup=False, highlight=False)


@app.command()
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders of scanner output.")],
    manifest: Annotated[Path | None, typer.Option("--manifest", help="Registry export (CSV or XLSX).")] = None,
    unit: Annotated[str | None, typer.Option("--unit", help="Unit of dossiers first seen in these scans.")] = None,
    jobs: Annotated[int, typer.Option("--jobs", "-j", help="Parallel pages (default: all cores).")] = 0,
    settle: Annotated[float, typer.Option("--settle", help="Seconds a file must stop growing.")] = 2.0,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
) -> None:
    """Store, read, link, catalogue and index scanner output. Safe to re-run: nothing is done twice."""
    import json

    from sohoa.preflight import check_tools

    try:
        check_tools()  # here too, so a broken machine gets one line, not a failed Prefect flow run
    except SohoaError as exc:
        _fail(str(exc), exc.exit_code)
    from flows.ingest import set_progress
    from sohoa.deployments import ingest_flow
    from sohoa.temporary_api import start_temporary_api

    # Calling the flow creates its flow run, which starts Prefect's temporary server: start it first, under the
    # Prefect home's lock, so two ingests begun together do not both migrate its database.
    start_temporary_api()
    with Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), console=console
    ) as progress:
        set_progress(_IngestProgress(progress))
        try:
            summary = ingest_flow(
                [str(p) for p in paths],
                manifest=str(manifest) if manifest else None,
                unit=unit,
                jobs=jobs,
                settle_seconds=settle,
            )
        except (SohoaError, FileNotFoundError) as exc:
            _fail(str(exc), getattr(exc, "exit_code", ExitCode.bad_arguments))
        finally:
            set_progress(None)
    if as_json:
        print(json.dumps(summary, ensure_ascii=False, indent=2))
    else:
        console.print(t("ingest.summary", **summary), markup=False, highlight=False)
        if summary["skipped"]:
            skipped = summary["skipped"]
            console.print(t("ingest.skipped", count=len(skipped)), markup=False, highlight=False)
            for entry in skipped[:20]:
                line = f"  {entry['path']}: {t('skip.' + entry['reason'])}"
                console.print(line + (f" ({entry['detail']})" if entry.get("detail") else ""), markup=False, highlight=False)
            if len(skipped) > 20:
                console.print(t("ingest.skipped.more", count=len(skipped) - 20), markup=False, highlight=False)
        if summary["pages_pending_index"]:
            console.print(t("ingest.pending", **summary), markup=False, highlight=False)
    if summary["quarantined"] or summary["not_stored"]:
        raise typer.Exit(int(ExitCode.some_files_failed))


@app.command()
def search(
    query: Annotated[str, typer.Argument(help="Name, dossier code, document number or any phrase.")],
    unit: Annotated[str | None, typer.Option("--unit")] = None,
    field: Annotated[str | None, typer.Option("--field")] = None,
    year: Annotated[int | None, typer.Option("--year")] = None,
    status: Annotated[str | None, typer.Option("--status")] = None,
    role: Annotated[str | None, typer.Option("--role", help="receipt | component | result")] = None,
    doc_type: Annotated[str | None, typer.Option("--type", help="document type, e.g. quyet_dinh")] = None,
    owner_id: Annotated[str | None, typer.Option("--owner-id", help="owner's ID number (CCCD), exact")] = None,
    issuer: Annotated[str | None, typer.Option("--issuer", help="issuing agency, every word, marks optional")] = None,
    issued_from: Annotated[str | None, typer.Option("--issued-from", help="issue date from, YYYY-MM-DD")] = None,
    issued_to: Annotated[str | None, typer.Option("--issued-to", help="issue date to, YYYY-MM-DD")] = None,
    limit: Annotated[int, typer.Option("--limit")] = 10,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Search the archive, with or without diacritics; results grouped by dossier, best first."""
    import json
    from datetime import date

    from flows.index_health import IndexGuard
    from flows.index_sync import catch_up
    from indexing import SearchQuery, result_rows
    from sohoa.compose import open_search_index, open_settings_catalog
    from storage.catalog.schema import DOCUMENT_ROLES

    def day(option: str, value: str | None) -> date | None:
        try:
            return date.fromisoformat(value) if value else None
        except ValueError:
            _fail(f"{option} {value!r}: ngày phải có dạng YYYY-MM-DD / the date must be YYYY-MM-DD",
                  ExitCode.bad_arguments)
            raise  # not reached: _fail exits

    if role is not None and role not in DOCUMENT_ROLES:
        _fail(f"--role {role!r}: phải là một trong / must be one of {', '.join(DOCUMENT_ROLES)}",
              ExitCode.bad_arguments)
    try:
        search_query = SearchQuery(
            text=query, unit=unit, field=field, year=year, status=status, role=role, doc_type=doc_type,
            owner_id=owner_id, issuer=issuer, issued_from=day("--issued-from", issued_from),
            issued_to=day("--issued-to", issued_to), limit=limit,
        )
    except ValueError as exc:
        _fail(f"--owner-id: {exc}", ExitCode.bad_arguments)

    settings = load_settings()
    index = open_search_index(settings.search_url, settings.home)
    catalog = open_settings_catalog(settings)
    try:
        catch_up(catalog, index)  # pages whose role, type or fields were corrected since they were indexed
        result = index.search(search_query)
        IndexGuard(catalog, index).check()  # a lost index must not read as "0 dossiers"
    except SohoaError as exc:
        _fail(str(exc), exc.exit_code)
    finally:
        index.close()
        catalog.close()
    rows = result_rows(result)
    if as_json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    out = Console()
    out.print(t("search.total", total=result.total), highlight=False)
    for group in result.groups:
        best = group.best
        code = group.dossier_code or f"({t('search.unlinked')} {best.document_id})"
        snippet = best.snippet.replace("<mark>", "[bold yellow]").replace("</mark>", "[/bold yellow]")
        out.print(f"[bold]{code}[/bold]  tài liệu/doc {best.document_id} tr./p. {best.page_number}  {best.score:.2f}")
        out.print(f"   {snippet}", highlight=False)


@app.command()
def report(
    by: Annotated[str | None, typer.Option("--by", help="unit | field | month")] = None,
    unit: Annotated[list[str] | None, typer.Option("--unit", help="Only these units.")] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
    indicators: Annotated[
        bool, typer.Option("--indicators", help="QĐ 766 indicators 4.1/4.2/4.3 (--by unit|field|procedure|year|quarter|month).")
    ] = False,
    period: Annotated[str | None, typer.Option("--period", help="With --indicators: YYYY, YYYY-Qn or YYYY-MM.")] = None,
    units_as: Annotated[
        str, typer.Option("--units-as", help="With --indicators: current (after mergers) or historical units.")
    ] = "current",
    out: Annotated[Path | None, typer.Option("--out", help="With --indicators: write the monthly table (.xlsx/.csv).")] = None,
) -> None:
    """Digitization rate against target (the simple "any document digitized" rate), pages processed, OCR
    confidence and review backlog; with --indicators the QĐ 766 indicators instead."""
    import json

    if indicators:
        from sohoa.cli_indicators import indicators_command

        indicators_command(by, unit or None, period, units_as, as_json, out)
        return

    from sohoa.compose import open_settings_catalog
    from storage.catalog.report import digitization_report

    if by not in (None, "unit", "field", "month"):
        _fail(f"--by {by}: phải là unit, field hoặc month / must be unit, field or month", ExitCode.bad_arguments)
    settings = load_settings()
    catalog = open_settings_catalog(settings)
    try:
        result = digitization_report(catalog, by=by, units=unit or None)  # type: ignore[arg-type]
    finally:
        catalog.close()
    if as_json:
        print(json.dumps(result.to_json(), ensure_ascii=False, indent=2))
        return
    from sohoa.report_table import render_report

    Console().print(render_report(result))


@app.command()
def reindex(
    pending: Annotated[bool, typer.Option("--pending", help="Only pages not yet indexed.")] = False,
) -> None:
    """Rebuild the search index from the catalogue (or index only pending pages; when the index lost pages
    the catalogue marks indexed, --pending rebuilds it all)."""
    from flows.index_health import check_index
    from flows.index_sync import index_pending, rebuild_index
    from sohoa.compose import open_search_index
    from sohoa.compose import open_settings_catalog

    settings = load_settings()
    catalog = open_settings_catalog(settings)
    index = open_search_index(settings.search_url, settings.home)
    try:
        with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), console=console) as bar:
            task_id = bar.add_task(t("reindex.progress"), total=None)
            health = check_index(catalog, index) if pending else None
            if health is not None and not health.ok:
                # The index lost pages marked indexed: indexing the pending ones would not bring them back.
                bar.console.print(health.message(), markup=False, highlight=False)
                pending = False
            if pending:
                result = index_pending(catalog, index, on_chunk=lambda n: bar.advance(task_id, n))
                if result.error:
                    _fail(t("ingest.pending", pages_pending_index=result.pending) + f" ({result.error})",
                          ExitCode.some_files_failed)
                count = result.indexed
            else:
                count = rebuild_index(catalog, index, on_chunk=lambda n: bar.advance(task_id, n))
    except SohoaError as exc:
        _fail(str(exc), exc.exit_code)
    finally:
        index.close()
        catalog.close()
    console.print(t("reindex.done", count=count), markup=False, highlight=False)


@app.command()
def doctor() -> None:
    """Report what is installed and usable: Tesseract and its languages, Poppler, configured services."""
    from sohoa.doctor import program_checks, service_checks

    settings = load_settings()
    checks = program_checks(settings.tesseract_engine) + service_checks(settings)
    for check in checks:
        mark = "[green]✓[/green]" if check.ok else "[red]✗[/red]"
        Console().print(f"{mark} {check.name:<16} {check.detail}", highlight=False)
    if not all(c.ok for c in checks):
        raise typer.Exit(int(ExitCode.missing_dependency))


target_app = typer.Typer(no_args_is_help=True, help="Digitization-rate targets per unit, field or period.")
app.add_typer(target_app, name="target")


def _parse_rate(text: str) -> float:
    """'86.9%', '86.9' and '0.869' all mean 0.869."""
    value = float(text.strip().rstrip("%").replace(",", "."))
    return value / 100 if value > 1 or text.strip().endswith("%") else value


@target_app.command("set")
def target_set(
    rate: Annotated[str, typer.Argument(help="Target rate: 0.869, 86.9 or 86.9%.")],
    unit: Annotated[str | None, typer.Option("--unit")] = None,
    field: Annotated[str | None, typer.Option("--field")] = None,
    period: Annotated[str | None, typer.Option("--period", help="YYYY or YYYY-MM")] = None,
) -> None:
    """Set a target; without --unit/--field/--period it is the default for everything."""
    from sohoa.compose import open_settings_catalog

    settings = load_settings()
    catalog = open_settings_catalog(settings)
    try:
        target = catalog.set_target(_parse_rate(rate), unit=unit, field=field, period=period, actor="cli")
    except ValueError as exc:
        _fail(str(exc), ExitCode.bad_arguments)
    finally:
        catalog.close()
    print(f"{target.unit or '*'} / {target.field or '*'} / {target.period or '*'}: {target.rate * 100:.1f}%")


@target_app.command("import")
def target_import(
    path: Annotated[Path, typer.Argument(help="CSV with columns unit, field, period, rate (Vietnamese headers too).")],
) -> None:
    """Set many targets from a CSV file: unit,field,period,rate (empty cell = any); e.g. from a province plan."""
    import csv

    from sohoa.compose import open_settings_catalog
    from storage.catalog.registry import fold_header

    names = {"unit": "unit", "don vi": "unit", "field": "field", "linh vuc": "field", "period": "period",
             "ky": "period", "nam": "period", "rate": "rate", "target": "rate", "chi tieu": "rate", "ty le": "rate"}
    settings = load_settings()
    catalog = open_settings_catalog(settings)
    errors = 0
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            rows = csv.reader(handle, csv.Sniffer().sniff(handle.read(2048), delimiters=",;\t"))
            handle.seek(0)
            header = [names.get(fold_header(h), "") for h in next(rows)]
            for number, row in enumerate(rows, start=2):
                cells = {name: cell.strip() or None for name, cell in zip(header, row, strict=False) if name}
                try:
                    catalog.set_target(_parse_rate(cells.get("rate") or ""), unit=cells.get("unit"),
                                       field=cells.get("field"), period=cells.get("period"), actor="cli")
                except ValueError as exc:
                    errors += 1
                    print(f"sohoa: {path}: dòng/row {number}: {exc}", file=sys.stderr)
    finally:
        catalog.close()
    if errors:
        raise typer.Exit(int(ExitCode.some_files_failed))


@target_app.command("list")
def target_list() -> None:
    """Targets in force (unit / field / period; * = any), and the default."""
    from sohoa.compose import open_settings_catalog

    settings = load_settings()
    catalog = open_settings_catalog(settings)
    try:
        print(f"default: {catalog.target_for() * 100:.1f}%")
        for (unit, field, period), rate in sorted(catalog.targets().items()):
            print(f"{unit or '*'} / {field or '*'} / {period or '*'}: {rate * 100:.1f}%")
    finally:
        catalog.close()


@app.callback()
def _edge() -> None:
    """Settings are read once here, at the edge: the messages' language and Prefect's defaults."""
    try:
        set_language(load_settings().language)
    except SohoaError as exc:
        _fail(str(exc), exc.exit_code)
    apply_prefect_defaults()


def _register_web_commands() -> None:
    """`sohoa serve` and `sohoa user ...` live with the web application (web/commands.py).

    Imported plainly: a web app that fails to import must fail the command line loudly, not remove `serve`."""
    from web.commands import register

    register(app)


_register_web_commands()


def _register_indicator_commands() -> None:
    """`sohoa procedures ...` and `sohoa units ...` (issue 10) live in sohoa/cli_indicators.py."""
    from sohoa.cli_indicators import register

    register(app)


_register_indicator_commands()


def _register_signing_commands() -> None:
    """`sohoa sign` and `sohoa verify` (issue 11) live in sohoa/cli_signing.py."""
    from sohoa.cli_signing import register

    register(app)


_register_signing_commands()


def main() -> None:  # pragma: no cover - console entry
    app()
