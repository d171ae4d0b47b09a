"""Import the one-stop system's dossier export (CSV or XLSX, English or Vietnamese headers) into the catalogue.

Reading is pure (`read_registry` returns records and per-row errors); `import_registry` writes them. A bad
row is reported with its row number and reason and the rest are imported; re-importing updates, never duplicates.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from ocr.text import nfc
from sohoa.domain.folding import fold
from storage.catalog.core import CatalogCore, add_event, unit_id
from storage.catalog.errors import RegistryFormatError
from storage.catalog.schema import DocumentRow, DossierRow, PageRow, UnitRow

COLUMNS = (
    "dossier_code",
    "unit",
    "field",
    "procedure_code",
    "procedure",
    "applicant",
    "received_at",
    "status",
    "due_at",
    "resolved_at",
    "document_number",
    "portal_reuse",
)
REQUIRED = ("dossier_code", "unit", "received_at")
DATE_COLUMNS = ("received_at", "due_at", "resolved_at")

# Headers after folding (no accents, đ->d, lower case, single spaces), for each column.
HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "dossier_code": ("dossier code", "ma ho so", "so ho so"),
    "unit": ("unit", "don vi", "don vi tiep nhan", "co quan"),
    "field": ("field", "linh vuc"),
    "procedure_code": ("procedure code", "ma tthc", "ma thu tuc", "ma thu tuc hanh chinh"),
    "procedure": ("procedure", "ten tthc", "thu tuc", "ten thu tuc", "ten thu tuc hanh chinh"),
    "applicant": ("applicant", "chu ho so", "nguoi nop", "ten chu ho so"),
    "received_at": ("received at", "ngay tiep nhan", "ngay nhan"),
    "status": ("status", "trang thai", "tinh trang"),
    "due_at": ("due at", "han xu ly", "ngay hen tra", "han xu ly ngay hen tra"),
    "resolved_at": ("resolved at", "ngay tra ket qua", "ngay tra", "ngay hoan thanh"),
    "document_number": ("document number", "so van ban", "so van ban ket qua"),
    "portal_reuse": (
        "portal reuse",
        "reused from portal",
        "tai su dung tu cong dvcqg",
        "tai su dung tu cong dich vu cong quoc gia",
        "tai su dung du lieu",
        "tai su dung",
    ),
}
_HEADER_TO_COLUMN = {alias: column for column, aliases in HEADER_ALIASES.items() for alias in aliases}
HEADER_SEARCH_ROWS = 20  # exports often put a title and blank lines above the header row

_DATE_FORMATS = (
    "%d/%m/%Y",
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y %H:%M:%S",
    "%H:%M %d/%m/%Y",
    "%H:%M:%S %d/%m/%Y",
    "%Y-%m-%d",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%dT%H:%M:%S",
)
_EXCEL_EPOCH = datetime(1899, 12, 30)
# Yes/no cells of the registry and the procedure catalogue, folded ('Có' -> 'co', 'Không' -> 'khong').
YES = frozenset({"yes", "y", "co", "x", "1", "true", "dung"})
NO = frozenset({"no", "n", "khong", "0", "false", "sai", ""})
_NON_WORD = re.compile(r"[^0-9a-z]+")


@dataclass(frozen=True)
class RegistryRecord:
    row: int
    values: dict[str, Any]  # only the columns present in the file; dates already parsed


@dataclass(frozen=True)
class RowError:
    row: int
    reason: str


@dataclass(frozen=True)
class RegistryParse:
    path: Path
    columns: tuple[str, ...]
    records: list[RegistryRecord]
    errors: list[RowError]


@dataclass
class ImportResult:
    path: Path
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    refused: int = 0  # rows outside the importer's units (also listed in `errors`)
    errors: list[RowError] = field(default_factory=list)

    @property
    def imported(self) -> int:
        return self.inserted + self.updated + self.unchanged

    def error_lines(self) -> list[str]:
        return [f"{self.path}: row {error.row}: {error.reason}" for error in self.errors]


def fold_header(text: str) -> str:
    """'Mã hồ sơ', 'MA_HO_SO ', 'ma  ho so:' all fold to 'ma ho so'."""
    return _NON_WORD.sub(" ", fold(str(text))).strip()


def column_of(header: object) -> str | None:
    if header is None:
        return None
    folded = fold_header(str(header))
    return _HEADER_TO_COLUMN.get(folded) or (
        folded.replace(" ", "_") if folded.replace(" ", "_") in COLUMNS else None
    )


def parse_date(value: object) -> datetime | None:
    """A registry date: dd/mm/yyyy or yyyy-mm-dd, with or without a time, or an Excel date (cell or serial)."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.replace(tzinfo=None)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return _from_excel_serial(float(value))
    text = " ".join(str(value).split())
    if not text:
        return None
    if re.fullmatch(r"\d{4,5}(\.\d+)?", text):
        return _from_excel_serial(float(text))
    text = re.sub(
        r"(?<=\d)[-.](?=\d{1,2}[-.]\d{4})|(?<=\d{2})[-.](?=\d{4})", "/", text
    )  # 14-09-2022 -> 14/09/2022
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt)
        except ValueError:
            continue
    raise ValueError(f"cannot read date {value!r} (expected dd/mm/yyyy or yyyy-mm-dd)")


def parse_yes_no(value: str | None, column: str = "written_result") -> bool:
    """'yes'/'no', 'Có'/'Không', 'x'/'', 1/0; anything else is an error naming the column and the value."""
    folded = fold_header(value or "")
    if folded in YES:
        return True
    if folded in NO:
        return False
    raise ValueError(f"{column} {value!r} is not yes/no (Có/Không)")


def parse_flag_or_count(value: object, column: str) -> bool | None:
    """A yes/no cell that may also hold a count ('Có', 'không', 1, 0, '3' -> True when > 0); empty: None."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return value > 0
    text = " ".join(nfc(str(value)).split())
    if re.fullmatch(r"\d+", text):
        return int(text) > 0
    try:
        return parse_yes_no(text, column)
    except ValueError:
        raise ValueError(f"{column} {value!r} is not Có/Không, yes/no, 1/0 or a count") from None


def _from_excel_serial(serial: float) -> datetime:
    if not 1 <= serial < 2_958_466:
        raise ValueError(f"{serial} is not an Excel date")
    return _EXCEL_EPOCH + timedelta(days=serial)


def _cell_text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # Excel stores codes like 1001193 as numbers
    text = " ".join(nfc(str(value)).split())
    return text or None


# -- reading files -----------------------------------------------------------------------------------


def _csv_rows(path: Path) -> Iterator[tuple[int, list[object]]]:
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise RegistryFormatError(path, f"not UTF-8 text (byte {error.start}): save the export as UTF-8 CSV")
    # The delimiter is read off the first line that has one: a title line above the header often has none.
    first_line = next((line for line in text.splitlines() if any(d in line for d in ";,\t")), "")
    delimiter = max((";", ",", "\t"), key=first_line.count)
    for number, row in enumerate(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), start=1):
        yield number, list(row)


def _xlsx_rows(path: Path) -> Iterator[tuple[int, list[object]]]:
    from openpyxl import load_workbook  # import here: only XLSX imports pay for it

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many types for a damaged or foreign file
        raise RegistryFormatError(path, f"cannot open as XLSX: {error}") from error
    try:
        sheet = workbook.active or workbook.worksheets[0]
        for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield number, list(row)
    finally:
        workbook.close()


def _rows(path: Path) -> Iterator[tuple[int, list[object]]]:
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return _xlsx_rows(path)
    if suffix in (".csv", ".txt", ".tsv"):
        return _csv_rows(path)
    raise RegistryFormatError(path, f"unsupported registry format {suffix or '(none)'}: use .csv or .xlsx")


def find_header(
    path: Path,
    rows: Iterable[tuple[int, list[object]]],
    column_of: Callable[[object], str | None],
    key: str,
    required: Sequence[str],
    key_names: str,
) -> dict[int, str]:
    """Column index -> column name of the first row (within HEADER_SEARCH_ROWS) naming the `key` column; the
    shared header search of the registry, procedure and unit tables. `key_names` spells the key for the error."""
    for number, row in rows:
        found = {index: column for index, cell in enumerate(row) if (column := column_of(cell))}
        if key in found.values():
            missing = [column for column in required if column not in found.values()]
            if missing:
                raise RegistryFormatError(path, f"row {number}: header lacks column(s) {', '.join(missing)}")
            return found
        if number >= HEADER_SEARCH_ROWS:
            break
    raise RegistryFormatError(path, f"no header row with {key_names} in the first {HEADER_SEARCH_ROWS} rows")


def _header(path: Path, rows: Iterator[tuple[int, list[object]]]) -> dict[int, str]:
    return find_header(path, rows, column_of, "dossier_code", REQUIRED, "'dossier_code' or 'Mã hồ sơ'")


def _record(number: int, row: Sequence[object], header: dict[int, str]) -> RegistryRecord:
    values: dict[str, Any] = {}
    for index, column in header.items():
        cell = row[index] if index < len(row) else None
        if column in DATE_COLUMNS:
            try:
                values[column] = parse_date(cell)
            except ValueError as error:
                raise ValueError(f"{column}: {error}") from None
        elif column == "portal_reuse":
            values[column] = parse_flag_or_count(cell, column)
        else:
            values[column] = _cell_text(cell)
    for column in REQUIRED:
        if values.get(column) is None:
            raise ValueError(f"{column} is empty")
    return RegistryRecord(number, values)


def read_registry(path: Path | str) -> RegistryParse:
    """Parse a registry export; raises RegistryFormatError only when the file as a whole cannot be read."""
    path = Path(path)
    if not path.is_file():
        raise RegistryFormatError(path, "no such file")
    rows = _rows(path)
    header = _header(path, rows)
    records: list[RegistryRecord] = []
    errors: list[RowError] = []
    first_row_of: dict[str, int] = {}
    for number, row in rows:
        if all(_cell_text(cell) is None for cell in row):
            continue  # blank spreadsheet lines carry nothing
        try:
            record = _record(number, row, header)
        except ValueError as error:
            errors.append(RowError(number, str(error)))
            continue
        code = record.values["dossier_code"]
        if code in first_row_of:
            errors.append(RowError(number, f"dossier_code {code} repeats row {first_row_of[code]}"))
            continue
        first_row_of[code] = number
        records.append(record)
    return RegistryParse(path, tuple(dict.fromkeys(header.values())), records, errors)


# -- writing -----------------------------------------------------------------------------------------

IMPORT_CHUNK = 500
IMPORT_ATTEMPTS = 3


def _chunks(records: Sequence[RegistryRecord], size: int) -> Iterable[Sequence[RegistryRecord]]:
    for start in range(0, len(records), size):
        yield records[start : start + size]


# Reasons a row is refused for a user limited to some units (Vietnamese first, as every user-facing text).
OTHER_UNIT_ROW = "đơn vị {unit} không thuộc đơn vị của bạn / unit {unit} is not one of yours"
OTHER_UNIT_DOSSIER = (
    "hồ sơ thuộc đơn vị khác ({unit}), không được sửa / the dossier belongs to another unit ({unit}): not changed"
)
NO_UNIT_DOSSIER = (
    "hồ sơ chưa thuộc đơn vị nào, chỉ quản trị viên được gán / the dossier has no unit yet: only an admin may "
    "place it"
)


def refusal(record: RegistryRecord, current_unit: str | None, exists: bool, units: Collection[str] | None) -> str | None:
    """Why a user limited to `units` may not apply this row (None: allowed). `units=None` is every unit."""
    if units is None:
        return None
    if record.values["unit"] not in units:
        return OTHER_UNIT_ROW.format(unit=record.values["unit"])
    if exists and current_unit is None:
        return NO_UNIT_DOSSIER
    if exists and current_unit not in units:
        return OTHER_UNIT_DOSSIER.format(unit=current_unit)
    return None


def _audit_value(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value


def _changes(row: DossierRow | None, values: dict[str, Any], unit: str, current_unit: str | None) -> dict[str, Any]:
    """{column: {"old", "new"}} for every column this row changes; the unit by its code."""
    changes: dict[str, Any] = {}
    if current_unit != unit:
        changes["unit"] = {"old": current_unit, "new": unit}
    for name, value in values.items():
        if name in ("unit_id", "in_registry", "dossier_code"):
            continue
        old = getattr(row, name) if row is not None else None
        if old != value:
            changes[name] = {"old": _audit_value(old), "new": _audit_value(value)}
    return changes


def _upsert_chunk(
    catalog: CatalogCore,
    chunk: Sequence[RegistryRecord],
    result: ImportResult,
    actor: str,
    units: Collection[str] | None,
) -> None:
    with catalog.transaction() as session:
        codes = [record.values["dossier_code"] for record in chunk]
        existing = {
            row.dossier_code: row
            for row in session.scalars(select(DossierRow).where(DossierRow.dossier_code.in_(codes)))
        }
        unit_codes = {
            row.id: row.code
            for row in session.scalars(
                select(UnitRow).where(UnitRow.id.in_({r.unit_id for r in existing.values() if r.unit_id}))
            )
        }
        units_by_code: dict[str, int] = {}
        inserted = updated = unchanged = 0
        refused: list[RowError] = []
        moved: list[int] = []
        for record in chunk:
            row = existing.get(record.values["dossier_code"])
            current_unit = unit_codes.get(row.unit_id) if row is not None and row.unit_id else None
            reason = refusal(record, current_unit, row is not None, units)
            if reason:
                refused.append(RowError(record.row, reason))
                continue
            values = dict(record.values)
            unit = values.pop("unit")
            if unit not in units_by_code:
                units_by_code[unit] = unit_id(session, unit)
            values["unit_id"] = units_by_code[unit]
            values["in_registry"] = True
            changes = _changes(row, values, unit, current_unit)
            if row is None:
                session.add(DossierRow(**values))
                inserted += 1
                action = "dossier.registry_created"
            elif changes or not row.in_registry:
                for name, value in values.items():
                    setattr(row, name, value)
                updated += 1
                action = "dossier.registry_updated"
                if changes:
                    moved.append(row.id)
            else:
                unchanged += 1
                continue
            detail = {"registry": result.path.name, "row": record.row, "changes": changes}
            add_event(session, actor, action, "dossier", values["dossier_code"], detail)
        session.flush()
        if moved:
            # Unit, applicant and status are copied into every indexed page: send them back to the index.
            documents = select(DocumentRow.id).where(DocumentRow.dossier_id.in_(moved))
            session.execute(
                update(PageRow)
                .where(PageRow.document_id.in_(documents), PageRow.index_state == "indexed")
                .values(index_state="pending")
            )
    result.inserted += inserted
    result.updated += updated
    result.unchanged += unchanged
    result.refused += len(refused)
    result.errors.extend(refused)


def import_registry(
    catalog: CatalogCore,
    path: Path | str,
    actor: str = "registry",
    *,
    units: Collection[str] | None = None,
) -> ImportResult:
    """Insert or update one dossier per good row (marked in_registry); return counts and the bad rows.

    `units` limits the import to dossiers of those units (a web user's; None: every unit, for admins and the
    command line): a row naming another unit, or a dossier already in another unit or in none, is refused and
    reported with its row number. Each created or changed dossier is audited under `actor` with every changed
    field's old and new value, and the pages of a changed dossier go back to the search index ('pending').
    """
    parsed = read_registry(path)
    result = ImportResult(parsed.path, errors=list(parsed.errors))
    for chunk in _chunks(parsed.records, IMPORT_CHUNK):
        for attempt in range(IMPORT_ATTEMPTS):
            attempt_result = ImportResult(parsed.path)
            try:
                _upsert_chunk(catalog, chunk, attempt_result, actor, units)
                break
            except IntegrityError:
                # A scan linked one of these dossiers between our select and insert: read again.
                if attempt == IMPORT_ATTEMPTS - 1:
                    raise
        result.inserted += attempt_result.inserted
        result.updated += attempt_result.updated
        result.unchanged += attempt_result.unchanged
        result.refused += attempt_result.refused
        result.errors.extend(attempt_result.errors)
    result.errors.sort(key=lambda error: error.row)
    with catalog.transaction() as session:
        add_event(
            session,
            actor,
            "registry.imported",
            "registry",
            str(parsed.path),
            {
                "inserted": result.inserted,
                "updated": result.updated,
                "unchanged": result.unchanged,
                "refused": result.refused,
                "bad_rows": len(result.errors),
                "units": sorted(units) if units is not None else None,
            },
        )
    return result
