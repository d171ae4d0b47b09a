"""The unit tree (province -> commune; historical districts kept) and succession of merged units.

Since 01/7/2025 local government has two tiers and many communes were merged: a merged unit keeps its rows
and its dossiers, and points at its successor with the date of the merger. Access and reports follow the
chain of successors: an officer of the new commune sees the dossiers of every unit it absorbed.
Reading a unit file is pure (`read_units`); `import_units` writes it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ocr.text import nfc
from storage.catalog.core import CatalogCore, add_event, unit_id
from storage.catalog.errors import CatalogError, RegistryFormatError
from storage.catalog.registry import RowError, _cell_text, _rows, find_header, fold_header, parse_date
from storage.catalog.schema import UNIT_TIERS, UnitRow

UNIT_COLUMNS = ("code", "name", "tier", "parent", "successor", "merged_on")
UNIT_HEADERS: dict[str, str] = {
    "code": "code",
    "unit code": "code",
    "unit": "code",
    "ma don vi": "code",
    "ma": "code",
    "name": "name",
    "unit name": "name",
    "ten don vi": "name",
    "ten": "name",
    "tier": "tier",
    "level": "tier",
    "cap": "tier",
    "cap don vi": "tier",
    "parent": "parent",
    "don vi cap tren": "parent",
    "truc thuoc": "parent",
    "ma don vi cap tren": "parent",
    "successor": "successor",
    "don vi ke thua": "successor",
    "sap nhap vao": "successor",
    "don vi moi": "successor",
    "merged on": "merged_on",
    "merged_on": "merged_on",
    "ngay sap nhap": "merged_on",
}
# Tier words as written in provincial lists, folded; "thành phố" alone is ambiguous and is not accepted.
TIER_WORDS: dict[str, str] = {
    "province": "province",
    "tinh": "province",
    "cap tinh": "province",
    "thanh pho truc thuoc trung uong": "province",
    "commune": "commune",
    "xa": "commune",
    "phuong": "commune",
    "dac khu": "commune",
    "cap xa": "commune",
    "district": "district",
    "huyen": "district",
    "quan": "district",
    "thi xa": "district",
    "cap huyen": "district",
}


@dataclass(frozen=True)
class Unit:
    code: str
    name: str
    tier: str | None
    parent: str | None
    successor: str | None
    merged_on: date | None


@dataclass(frozen=True)
class UnitRecord:
    row: int
    code: str
    values: dict[str, Any]  # only the columns present in the file


@dataclass
class UnitImport:
    path: Path
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)

    def error_lines(self) -> list[str]:
        return [f"{self.path}: row {error.row}: {error.reason}" for error in self.errors]


def parse_tier(value: str | None) -> str | None:
    if value is None:
        return None
    tier = TIER_WORDS.get(fold_header(value))
    if tier is None:
        raise ValueError(f"tier {value!r} is not one of {', '.join(UNIT_TIERS)} (or tỉnh, xã, phường, huyện)")
    return tier


def current_unit(successors: Mapping[str, str | None], code: str) -> str:
    """Follow the successors of `code` to the unit that exists today (itself when never merged)."""
    seen = [code]
    while (successor := successors.get(seen[-1])) is not None:
        if successor in seen:
            raise CatalogError(f"unit succession loops: {' -> '.join([*seen, successor])}")
        seen.append(successor)
    return seen[-1]


def absorbed_by(successors: Mapping[str, str | None], codes: Iterable[str]) -> set[str]:
    """`codes` and every unit whose chain of successors reaches one of them (directly or through mergers)."""
    wanted = set(codes)
    found = set(wanted)
    for unit in successors:
        seen = [unit]
        while (successor := successors.get(seen[-1])) is not None and successor not in seen:
            seen.append(successor)
            if successor in wanted:
                found.add(unit)
                break
    return found


def _header(path: Path, rows: Iterable[tuple[int, list[object]]]) -> dict[int, str]:
    return find_header(
        path, rows, lambda cell: None if cell is None else UNIT_HEADERS.get(fold_header(str(cell))), "code", (),
        "'code' or 'Mã đơn vị'",
    )


def read_units(path: Path | str) -> tuple[list[UnitRecord], list[RowError]]:
    """Parse a unit list (CSV or XLSX): code, name, tier, parent, successor, merged_on. Bad rows are reported."""
    path = Path(path)
    if not path.is_file():
        raise RegistryFormatError(path, "no such file")
    rows = _rows(path)
    header = _header(path, rows)
    records: list[UnitRecord] = []
    errors: list[RowError] = []
    first_row: dict[str, int] = {}
    for number, row in rows:
        cells = {column: _cell_text(row[i] if i < len(row) else None) for i, column in header.items()}
        if all(value is None for value in cells.values()):
            continue
        code = cells.pop("code")
        if code is None:
            errors.append(RowError(number, "code is empty"))
            continue
        if code in first_row:
            errors.append(RowError(number, f"unit {code} repeats row {first_row[code]}"))
            continue
        try:
            values: dict[str, Any] = dict(cells)
            if "tier" in values:
                values["tier"] = parse_tier(values["tier"])
            if "merged_on" in values:
                merged = parse_date(values["merged_on"])
                values["merged_on"] = merged.date() if merged else None
        except ValueError as error:
            errors.append(RowError(number, str(error)))
            continue
        if values.get("successor") == code:
            errors.append(RowError(number, f"unit {code} cannot be its own successor"))
            continue
        first_row[code] = number
        records.append(UnitRecord(number, code, values))
    return records, errors


def _successors(session: Session) -> dict[str, str | None]:
    rows = session.execute(select(UnitRow.id, UnitRow.code, UnitRow.successor_id)).all()
    code_of = {row.id: row.code for row in rows}
    return {row.code: code_of.get(row.successor_id) if row.successor_id else None for row in rows}


def _unit_record(row: UnitRow, code_of: Mapping[int, str]) -> Unit:
    return Unit(
        row.code,
        row.name,
        row.tier,
        code_of.get(row.parent_id) if row.parent_id else None,
        code_of.get(row.successor_id) if row.successor_id else None,
        row.merged_on,
    )


class UnitsMixin(CatalogCore):
    def set_unit(
        self,
        code: str,
        name: str | None = None,
        *,
        tier: str | None = None,
        parent: str | None = None,
        successor: str | None = None,
        merged_on: date | None = None,
        actor: str = "admin",
    ) -> Unit:
        """Create or update one unit; `parent` and `successor` must already be in the catalogue."""
        with self.transaction() as session:
            return self._set_unit(
                session,
                code,
                {
                    "name": name,
                    "tier": tier,
                    "parent": parent,
                    "successor": successor,
                    "merged_on": merged_on,
                },
                actor,
            )[0]

    def _set_unit(self, session: Session, code: str, values: dict[str, Any], actor: str) -> tuple[Unit, str]:
        code = nfc(code).strip()
        row = session.get_one(UnitRow, unit_id(session, code, values.get("name")))
        changes: dict[str, Any] = {}
        if values.get("name") and row.name != values["name"]:
            changes["name"] = nfc(values["name"]).strip()
        if values.get("tier") is not None:
            if values["tier"] not in UNIT_TIERS:
                raise ValueError(f"unit {code}: tier must be one of {UNIT_TIERS}, not {values['tier']!r}")
            if row.tier != values["tier"]:
                changes["tier"] = values["tier"]
        for column, attribute in (("parent", "parent_id"), ("successor", "successor_id")):
            if values.get(column):
                other = session.scalars(select(UnitRow).where(UnitRow.code == values[column])).one_or_none()
                if other is None:
                    raise ValueError(f"unit {code}: {column} {values[column]} is not a known unit")
                if other.id == row.id:
                    raise ValueError(f"unit {code} cannot be its own {column}")
                if getattr(row, attribute) != other.id:
                    changes[attribute] = other.id
        if values.get("merged_on") is not None and row.merged_on != values["merged_on"]:
            changes["merged_on"] = values["merged_on"]
        for attribute, value in changes.items():
            setattr(row, attribute, value)
        session.flush()
        if "successor_id" in changes:
            current_unit(_successors(session), code)  # raises on a loop; the transaction is rolled back
        if changes:
            add_event(session, actor, "unit.set", "unit", code, {k: str(v) for k, v in changes.items()})
        code_of = {id_: code for id_, code in session.execute(select(UnitRow.id, UnitRow.code))}
        return _unit_record(row, code_of), "updated" if changes else "unchanged"

    def unit_tree(self) -> list[Unit]:
        """Every unit with its tier, parent and successor, by code."""
        with self.transaction() as session:
            rows = list(session.scalars(select(UnitRow).order_by(UnitRow.code)))
            code_of = {row.id: row.code for row in rows}
            return [_unit_record(row, code_of) for row in rows]

    def unit_successors(self) -> dict[str, str | None]:
        """unit code -> code of its direct successor (None for a unit that was never merged)."""
        with self.transaction() as session:
            return _successors(session)

    def current_units(self) -> dict[str, str]:
        """unit code -> the unit that holds its dossiers today."""
        successors = self.unit_successors()
        return {code: current_unit(successors, code) for code in successors}

    def units_with_absorbed(self, codes: Iterable[str]) -> list[str]:
        """`codes` plus every unit merged into them (at any depth), sorted: the scope of an officer or a report."""
        return sorted(absorbed_by(self.unit_successors(), codes))


def import_units(catalog: UnitsMixin, path: Path | str, actor: str = "units") -> UnitImport:
    """Create or update one unit per good row. Rows may name parents and successors defined further down."""
    records, errors = read_units(path)
    result = UnitImport(Path(path), errors=list(errors))
    existing = {code for code, _name in catalog.units()}
    # First every unit exists, so references between rows resolve whatever their order.
    pending: list[UnitRecord] = []
    for record in records:
        if record.code not in existing:
            catalog.ensure_unit(record.code, record.values.get("name"))
            result.inserted += 1
        pending.append(record)
    defined = existing | {record.code for record in records}
    for record in pending:
        missing = [
            f"{column} {record.values[column]}"
            for column in ("parent", "successor")
            if record.values.get(column) and record.values[column] not in defined
        ]
        if missing:
            result.errors.append(RowError(record.row, f"unknown unit(s): {', '.join(missing)}"))
            continue
        try:
            with catalog.transaction() as session:
                _unit, outcome = catalog._set_unit(session, record.code, record.values, actor)
        except (ValueError, CatalogError) as error:
            result.errors.append(RowError(record.row, str(error)))
            continue
        if record.code in existing:
            setattr(result, outcome, getattr(result, outcome) + 1)
    result.errors.sort(key=lambda error: error.row)
    return result
