"""The procedure catalogue (danh mục thủ tục hành chính): code, name, field, whether the procedure returns a
written result, and the result types. Indicator 4.1 and the result condition of 4.2 depend on it, so
procedures the registry uses but the catalogue lacks are reported, never guessed.
Reading is pure (`read_procedures`); `import_procedures` writes.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import func, select

from storage.catalog.core import CatalogCore, add_event, get_or_insert
from storage.catalog.errors import RegistryFormatError
from storage.catalog.registry import RowError, _cell_text, _rows, find_header, fold_header, parse_yes_no
from storage.catalog.schema import DossierRow, ProcedureRow

PROCEDURE_HEADERS: dict[str, str] = {
    "procedure code": "procedure_code",
    "ma tthc": "procedure_code",
    "ma thu tuc": "procedure_code",
    "ma thu tuc hanh chinh": "procedure_code",
    "procedure": "procedure",
    "procedure name": "procedure",
    "ten tthc": "procedure",
    "ten thu tuc": "procedure",
    "ten thu tuc hanh chinh": "procedure",
    "field": "field",
    "linh vuc": "field",
    "written result": "written_result",
    "co ket qua bang van ban": "written_result",
    "ket qua bang van ban": "written_result",
    "result types": "result_types",
    "loai ket qua": "result_types",
    "ket qua": "result_types",
    "ten ket qua": "result_types",
}


@dataclass(frozen=True)
class Procedure:
    procedure_code: str
    name: str
    field: str | None
    written_result: bool
    result_types: list[str]


@dataclass(frozen=True)
class ProcedureRecord:
    row: int
    procedure: Procedure


@dataclass(frozen=True)
class UnknownProcedure:
    """A procedure code the registry uses that the catalogue does not know."""

    procedure_code: str
    procedure: str | None
    dossiers: int


@dataclass
class ProcedureImport:
    path: Path
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)

    def error_lines(self) -> list[str]:
        return [f"{self.path}: row {error.row}: {error.reason}" for error in self.errors]


def _header(path: Path, rows: Iterable[tuple[int, list[object]]]) -> dict[int, str]:
    return find_header(
        path, rows, lambda cell: None if cell is None else PROCEDURE_HEADERS.get(fold_header(str(cell))), "procedure_code", ("procedure", "written_result"),
        "'procedure_code' or 'Mã TTHC'",
    )


def read_procedures(path: Path | str) -> tuple[list[ProcedureRecord], list[RowError]]:
    """Parse a procedure list (CSV or XLSX). Columns: procedure_code, procedure, field, written_result
    (yes/no), optional result_types (separated by ';'); or Mã TTHC, Tên TTHC, Lĩnh vực, Có kết quả bằng văn bản."""
    path = Path(path)
    if not path.is_file():
        raise RegistryFormatError(path, "no such file")
    rows = _rows(path)
    header = _header(path, rows)
    records: list[ProcedureRecord] = []
    errors: list[RowError] = []
    first_row: dict[str, int] = {}
    for number, row in rows:
        cells = {column: _cell_text(row[i] if i < len(row) else None) for i, column in header.items()}
        if all(value is None for value in cells.values()):
            continue
        code, name = cells.get("procedure_code"), cells.get("procedure")
        if code is None or name is None:
            errors.append(
                RowError(number, "procedure_code is empty" if code is None else "procedure is empty")
            )
            continue
        if code in first_row:
            errors.append(RowError(number, f"procedure_code {code} repeats row {first_row[code]}"))
            continue
        try:
            written = parse_yes_no(cells.get("written_result"))
        except ValueError as error:
            errors.append(RowError(number, str(error)))
            continue
        types = [part.strip() for part in (cells.get("result_types") or "").split(";") if part.strip()]
        first_row[code] = number
        records.append(ProcedureRecord(number, Procedure(code, name, cells.get("field"), written, types)))
    return records, errors


def _procedure(row: ProcedureRow) -> Procedure:
    return Procedure(
        row.procedure_code, row.name, row.field, row.written_result, list(row.result_types or [])
    )


class ProceduresMixin(CatalogCore):
    def set_procedure(self, procedure: Procedure, actor: str = "admin") -> str:
        """Insert or update one procedure; returns 'inserted', 'updated' or 'unchanged'."""
        values = {
            "name": procedure.name,
            "field": procedure.field,
            "written_result": procedure.written_result,
            "result_types": list(procedure.result_types),
        }
        with self.transaction() as session:
            row, created = get_or_insert(
                session, ProcedureRow, {"procedure_code": procedure.procedure_code}, **values
            )
            if created:
                return "inserted"
            if all(getattr(row, name) == value for name, value in values.items()):
                return "unchanged"
            for name, value in values.items():
                setattr(row, name, value)
            add_event(session, actor, "procedure.updated", "procedure", procedure.procedure_code, {})
            return "updated"

    def procedures(self) -> dict[str, Procedure]:
        with self.transaction() as session:
            return {row.procedure_code: _procedure(row) for row in session.scalars(select(ProcedureRow))}

    def get_procedure(self, procedure_code: str) -> Procedure | None:
        query = select(ProcedureRow).where(ProcedureRow.procedure_code == procedure_code.strip())
        with self.transaction() as session:
            row = session.scalars(query).one_or_none()
            return _procedure(row) if row else None

    def unknown_procedures(self) -> list[UnknownProcedure]:
        """Procedure codes of registry dossiers that the catalogue lacks, with how many dossiers use each.
        Dossiers without a procedure code are listed under an empty code."""
        known = select(ProcedureRow.procedure_code)
        query = (
            select(DossierRow.procedure_code, func.min(DossierRow.procedure), func.count(DossierRow.id))
            .where(DossierRow.in_registry.is_(True))
            .where((DossierRow.procedure_code.is_(None)) | DossierRow.procedure_code.not_in(known))
            .group_by(DossierRow.procedure_code)
        )
        with self.transaction() as session:
            found = [
                UnknownProcedure(code or "", name, int(count)) for code, name, count in session.execute(query)
            ]
        return sorted(found, key=lambda unknown: unknown.procedure_code)


def import_procedures(
    catalog: ProceduresMixin, path: Path | str, actor: str = "procedures"
) -> ProcedureImport:
    """Insert or update one procedure per good row; bad rows are returned with their row number and reason."""
    records, errors = read_procedures(path)
    result = ProcedureImport(Path(path), errors=list(errors))
    for record in records:
        outcome = catalog.set_procedure(record.procedure, actor)
        setattr(result, outcome, getattr(result, outcome) + 1)
    catalog.record_event(
        actor,
        "procedures.imported",
        "procedures",
        str(path),
        {"inserted": result.inserted, "updated": result.updated, "bad_rows": len(result.errors)},
    )
    return result
