"""Command line for issue 10: `sohoa procedures import|list|check`, `sohoa units import|list`,
`sohoa roles import` (document roles stated by the registry), `sohoa export documents` (documents with their
role, code, reuse and extracted data) and the `sohoa report --indicators` output (QĐ 766 indicators as a
table, JSON, or the monthly XLSX/CSV)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from ocr.errors import ExitCode, SohoaError
from sohoa.config import load_settings

procedures_app = typer.Typer(
    no_args_is_help=True, help="Danh mục TTHC / procedure catalogue (mã, tên, lĩnh vực)."
)
units_app = typer.Typer(no_args_is_help=True, help="Cây đơn vị và sáp nhập / unit tree and mergers.")
roles_app = typer.Typer(
    no_args_is_help=True, help="Vai trò tài liệu theo sổ đăng ký / document roles stated by the registry."
)
export_app = typer.Typer(no_args_is_help=True, help="Xuất dữ liệu / exports.")


def _open():
    from storage.catalog import open_catalog

    settings = load_settings()
    return open_catalog(settings.database_url, default_target=settings.default_target)


def _fail(message: str, code: ExitCode) -> None:
    print(f"sohoa: {message}", file=sys.stderr)
    raise typer.Exit(int(code))


def _print_unknown(catalog) -> int:
    unknown = catalog.unknown_procedures()
    for entry in unknown:
        code = entry.procedure_code or "(trống / empty)"
        print(
            f"sohoa: TTHC {code} ({entry.procedure or '?'}) của {entry.dossiers} hồ sơ không có trong danh mục / "
            f"procedure not in the catalogue: {entry.dossiers} dossier(s)",
            file=sys.stderr,
        )
    return len(unknown)


def _print_import(result: Any) -> None:
    """The bad rows (stderr) and the counts of a procedure or unit import."""
    for line in result.error_lines():
        print(f"sohoa: {line}", file=sys.stderr)
    print(
        f"{result.inserted} mới / new, {result.updated} cập nhật / updated, {result.unchanged} không đổi / "
        f"unchanged, {len(result.errors)} dòng lỗi / bad rows"
    )


@procedures_app.command("import")
def procedures_import(
    path: Annotated[
        Path, typer.Argument(help="CSV or XLSX: Mã TTHC, Tên TTHC, Lĩnh vực, Có kết quả bằng văn bản.")
    ],
) -> None:
    """Import the procedure catalogue, then check the registry's procedures against it (unknown ones listed)."""
    from storage.catalog.procedures import import_procedures

    catalog = _open()
    try:
        try:
            result = import_procedures(catalog, path, actor="cli")
        except SohoaError as exc:
            _fail(str(exc), ExitCode.bad_arguments)
        _print_import(result)
        _print_unknown(catalog)
    finally:
        catalog.close()
    if result.errors:
        raise typer.Exit(int(ExitCode.some_files_failed))


@procedures_app.command("check")
def procedures_check() -> None:
    """List the registry's procedures that the catalogue lacks (exit 1 when there are any)."""
    catalog = _open()
    try:
        unknown = _print_unknown(catalog)
    finally:
        catalog.close()
    if unknown:
        raise typer.Exit(int(ExitCode.some_files_failed))
    print("Mọi TTHC của sổ đăng ký đều có trong danh mục / every registry procedure is in the catalogue")


@procedures_app.command("list")
def procedures_list() -> None:
    """The procedure catalogue: code, written result (Có/Không), field, name."""
    catalog = _open()
    try:
        for code, procedure in sorted(catalog.procedures().items()):
            written = "Có" if procedure.written_result else "Không"
            print(f"{code}\t{written}\t{procedure.field or ''}\t{procedure.name}")
    finally:
        catalog.close()


@units_app.command("import")
def units_import(
    path: Annotated[
        Path, typer.Argument(help="CSV or XLSX: code, name, tier, parent, successor, merged_on.")
    ],
) -> None:
    """Import the unit tree: tier (province/commune/district or tỉnh/xã/huyện), parent, successor, merged_on."""
    from storage.catalog.units import import_units

    catalog = _open()
    try:
        try:
            result = import_units(catalog, path, actor="cli")
        except SohoaError as exc:
            _fail(str(exc), ExitCode.bad_arguments)
        _print_import(result)
    finally:
        catalog.close()
    if result.errors:
        raise typer.Exit(int(ExitCode.some_files_failed))


@units_app.command("list")
def units_list() -> None:
    """Every unit: code, tier, parent, successor (→) and merger date."""
    catalog = _open()
    try:
        for unit in catalog.unit_tree():
            merged = (
                f" → {unit.successor} ({unit.merged_on:%d/%m/%Y})"
                if unit.successor and unit.merged_on
                else (f" → {unit.successor}" if unit.successor else "")
            )
            print(f"{unit.code}\t{unit.tier or ''}\t{unit.parent or ''}\t{unit.name}{merged}")
    finally:
        catalog.close()


@roles_app.command("import")
def roles_import(
    path: Annotated[
        Path,
        typer.Argument(help="CSV or XLSX: dossier_code, file_name, role, doc_type (Mã hồ sơ, Tên tệp, Vai trò, "
                       "Loại giấy tờ)."),
    ],
) -> None:
    """Set the role (and type) the registry states for each dossier's file: thành phần / kết quả / giấy tiếp
    nhận (component, result, receipt). Beats the classifier, not staff; remembered for documents ingested later."""
    from storage.catalog.registry_roles import import_registry_roles

    catalog = _open()
    try:
        try:
            result = import_registry_roles(catalog, path, actor="cli")
        except SohoaError as exc:
            _fail(str(exc), ExitCode.bad_arguments)
        _print_import(result)
        print(
            f"{result.applied} tài liệu đã đổi vai trò / documents changed, {result.waiting} dòng chờ tài liệu "
            f"được nạp / rows waiting for their document"
        )
    finally:
        catalog.close()
    if result.errors:
        raise typer.Exit(int(ExitCode.some_files_failed))


@export_app.command("documents")
def export_documents(
    out: Annotated[Path, typer.Option("--out", help="FILE.xlsx or FILE.csv")],
    units: Annotated[
        list[str] | None, typer.Option("--unit", help="Only this unit and the units merged into it (repeatable).")
    ] = None,
    period: Annotated[
        str | None, typer.Option("--period", help="Dossiers received in YYYY, YYYY-Qn or YYYY-MM.")
    ] = None,
    lang: Annotated[str | None, typer.Option("--lang", help="vi (default: SOHOA_LANG) or en headers.")] = None,
) -> None:
    """One row per document: dossier, unit, procedure, file, role, type, confidence, digitization code, reuse
    and the extracted fields (number, date, agency, signer, subject, owner, ID, validity) with their source."""
    from storage.catalog.document_export import iter_document_rows
    from storage.catalog.indicators import period_bounds
    from web.document_exports import documents_csv, documents_xlsx

    suffix = out.suffix.lower()
    if suffix not in (".xlsx", ".csv"):
        _fail(f"{out}: chỉ ghi .xlsx hoặc .csv / only .xlsx or .csv", ExitCode.bad_arguments)
    language = lang or load_settings().language
    if language not in ("vi", "en"):
        _fail(f"--lang {language}: phải là / must be vi or en", ExitCode.bad_arguments)
    if period:
        try:
            period_bounds(period)
        except ValueError as exc:
            _fail(str(exc), ExitCode.bad_arguments)
    catalog = _open()
    count = 0
    try:
        def counted():  # noqa: ANN202 - a generator of the rows, counting them
            nonlocal count
            for row in iter_document_rows(catalog, units or None, period):
                count += 1
                yield row

        if suffix == ".csv":
            with out.open("wb") as handle:
                for piece in documents_csv(counted(), language):
                    handle.write(piece)
        else:
            out.write_bytes(documents_xlsx(counted(), language))
    finally:
        catalog.close()
    print(f"sohoa: {out}: {count} tài liệu / documents", file=sys.stderr)


def _score(item) -> str:
    if item.rate is None:
        return f"{item.numerator}/{item.denominator} —"
    return f"{item.numerator}/{item.denominator} {item.rate * 100:.1f}% {item.points:.2f}/{item.max_points:g}"


def render_indicators(report) -> Table:
    table = Table(title="Chỉ số số hóa QĐ 766 / QĐ 766 digitization indicators", show_footer=True)
    overall = report.overall
    table.add_column(report.by or "Tổng / Total", footer="Tổng / Total")
    table.add_column("Hồ sơ / Dossiers", justify="right", footer=str(overall.dossiers))
    table.add_column("4.1 KQ điện tử / e-result", justify="right", footer=_score(overall.e_result))
    table.add_column("4.2 Số hóa / digitization", justify="right", footer=_score(overall.digitization))
    table.add_column("4.3 Tái sử dụng / reuse", justify="right", footer=_score(overall.reuse))
    table.add_column("Điểm / Points", justify="right", footer=f"{overall.points:.2f}/{overall.max_points:g}")
    for row in report.rows:
        table.add_row(
            row.key or "—",
            str(row.dossiers),
            _score(row.e_result),
            _score(row.digitization),
            _score(row.reuse),
            f"{row.points:.2f}/{row.max_points:g}",
        )
    if report.unknown_procedures:
        table.caption = "TTHC không có trong danh mục / procedures not in the catalogue: " + ", ".join(
            code or "(trống)" for code in report.unknown_procedures
        )
    return table


def indicators_command(
    by: str | None,
    units: list[str] | None,
    period: str | None,
    grouping: str,
    as_json: bool,
    out: Path | None,
) -> None:
    """`sohoa report --indicators ...`: the body, shared by the `report` command of sohoa/cli.py."""
    from storage.catalog.indicators import GROUPS, dossier_facts, indicator_report, monthly_table

    if by is not None and by not in GROUPS:
        _fail(f"--by {by}: phải là / must be one of {', '.join(GROUPS)}", ExitCode.bad_arguments)
    if grouping not in ("current", "historical"):
        _fail(f"--units-as {grouping}: phải là / must be current or historical", ExitCode.bad_arguments)
    if out is not None and out.suffix.lower() not in (".xlsx", ".csv"):
        _fail(f"{out}: chỉ ghi .xlsx hoặc .csv / only .xlsx or .csv", ExitCode.bad_arguments)
    catalog = _open()
    try:
        try:
            report = indicator_report(catalog, by=by, period=period, units=units, grouping=grouping)  # type: ignore[arg-type]
        except ValueError as exc:
            _fail(str(exc), ExitCode.bad_arguments)
        monthly = monthly_table(dossier_facts(catalog, units, period), grouping) if out else None
    finally:
        catalog.close()
    if out is not None and monthly is not None:
        from web.indicator_exports import indicators_xlsx, monthly_csv

        scope = ", ".join(units) if units else None
        out.write_bytes(
            indicators_xlsx(report, monthly, scope)
            if out.suffix.lower() == ".xlsx"
            else monthly_csv(*monthly)
        )
        print(f"sohoa: {out}", file=sys.stderr)
    if as_json:
        print(report.to_json_text())
    elif out is None:
        Console().print(render_indicators(report))


def register(app: typer.Typer) -> None:
    app.add_typer(procedures_app, name="procedures")
    app.add_typer(units_app, name="units")
    app.add_typer(roles_app, name="roles")
    app.add_typer(export_app, name="export")
