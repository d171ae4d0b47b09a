"""The national dashboard's "Số hóa hồ sơ" indicators (QĐ 766/QĐ-TTg), computed from what sohoa digitized.

  4.1 e-result     = resolved dossiers with a digitized result / resolved dossiers, over procedures that
                     return a written result                                 (6 points, proportional)
  4.2 digitization = dossiers with a digitized (or reused) component AND, when resolved under a procedure that
                     returns a written result, a digitized result / all dossiers    (4 points, full at >= 80%)
  4.3 reuse        = dossiers with a component taken from already digitized data / dossiers received
                                                                             (2 points, full at >= 80%)

"Digitized document" has one definition here (`DIGITIZED_STATE`): original stored, text recognised and
indexed — the same as the simple rate in storage/catalog/report.py. A receipt is never a component; a document
without a role counts nowhere (the drill-down says so). Only dossiers of the registry are counted; a dossier
belongs to the period in which it was received. docs/indicators.md cites the rules and the choices made.

Loading facts touches the database (`dossier_facts`); everything else is pure over `DossierFacts`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import and_, exists, select

from ocr.text import nfc
from storage.catalog.core import CatalogCore
from storage.catalog.registry import fold_header
from storage.catalog.schema import DocumentRow, DossierRow, ProcedureRow, UnitRow
from storage.catalog.units import absorbed_by, current_unit

DIGITIZED_STATE = "indexed"
FULL_POINTS_RATE = 0.8
MAX_POINTS = {"e_result": 6.0, "digitization": 4.0, "reuse": 2.0}
INDICATORS = ("e_result", "digitization", "reuse")
GROUPS = ("unit", "field", "procedure", "year", "quarter", "month")
GroupBy = Literal["unit", "field", "procedure", "year", "quarter", "month"] | None
# Registry statuses that mean "settled" when the export has no resolved date (folded).
RESOLVED_STATUSES = frozenset(
    {"resolved", "da giai quyet", "da tra ket qua", "hoan thanh", "da hoan thanh", "da xu ly", "tra ket qua"}
)
_PERIOD = re.compile(r"^(\d{4})(?:-(?:Q([1-4])|(0[1-9]|1[0-2])))?$")

REASONS = {
    "no_component": "Chưa số hóa thành phần hồ sơ / no digitized component",
    "no_result": "Đã giải quyết, kết quả chưa số hóa / resolved, result not digitized",
    "unknown_procedure": "TTHC không có trong danh mục / procedure not in the catalogue",
    "unclassified": "Có tài liệu đã số hóa chưa xác định vai trò / digitized documents without a role",
}


@dataclass(frozen=True)
class DossierFacts:
    """What the indicators need to know about one registry dossier."""

    dossier_code: str
    unit: str | None  # as registered (historical)
    current_unit: str | None  # after following mergers
    field: str | None
    procedure_code: str | None
    received_at: datetime | None
    resolved: bool
    written_result: bool | None  # None: the procedure is not in the catalogue
    digitized_component: bool  # a component digitized here (not reused)
    reused_component: bool  # a component taken from an earlier digitized document of the catalogue
    portal_reuse: bool  # a component taken from the national portal (Cổng DVCQG), or the registry says so
    digitized_result: bool
    unclassified: bool = False  # digitized documents without a role

    @property
    def has_component(self) -> bool:
        return self.digitized_component or self.reused_component or self.portal_reuse

    @property
    def result_bearing(self) -> bool:
        return self.written_result is True

    @property
    def counts_for_e_result(self) -> bool:
        return self.result_bearing and self.resolved

    @property
    def meets_digitization(self) -> bool:
        return self.has_component and (not self.counts_for_e_result or self.digitized_result)

    @property
    def reused(self) -> bool:
        return self.reused_component or self.portal_reuse

    def reasons(self) -> list[str]:
        """Why this dossier does not count for 4.2 (empty when it does; 4.1 fails only when 4.2 does)."""
        if self.meets_digitization:
            return []
        found = []
        if not self.has_component:
            found.append("no_component")
        if self.counts_for_e_result and not self.digitized_result:
            found.append("no_result")
        if self.written_result is None:
            found.append("unknown_procedure")
        if self.unclassified:
            found.append("unclassified")
        return found


@dataclass(frozen=True)
class Indicator:
    numerator: int
    denominator: int
    rate: float | None  # 0-1; None when the denominator is 0
    points: float | None
    max_points: float
    gap: float | None  # points still missing to full points

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class IndicatorRow:
    key: str | None
    dossiers: int
    e_result: Indicator
    digitization: Indicator
    reuse: Indicator
    points: float  # total of the three (an indicator without dossiers scores 0)
    max_points: float

    def to_json(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "dossiers": self.dossiers,
            "e_result": self.e_result.to_json(),
            "digitization": self.digitization.to_json(),
            "reuse": self.reuse.to_json(),
            "points": self.points,
            "max_points": self.max_points,
        }


@dataclass(frozen=True)
class DrillDownEntry:
    dossier_code: str
    unit: str | None
    procedure_code: str | None
    received_at: datetime | None
    reasons: list[str]


@dataclass(frozen=True)
class IndicatorReport:
    by: str | None
    period: str | None
    grouping: str  # 'current' or 'historical' units
    units: list[str] | None
    overall: IndicatorRow
    rows: list[IndicatorRow]
    below_target: list[DrillDownEntry] = field(default_factory=list)
    unknown_procedures: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "by": self.by,
            "period": self.period,
            "grouping": self.grouping,
            "units": self.units,
            "overall": self.overall.to_json(),
            "rows": [row.to_json() for row in self.rows],
            "below_target": [
                {
                    "dossier_code": entry.dossier_code,
                    "unit": entry.unit,
                    "procedure_code": entry.procedure_code,
                    "received_at": entry.received_at.isoformat() if entry.received_at else None,
                    "reasons": entry.reasons,
                }
                for entry in self.below_target
            ],
            "unknown_procedures": self.unknown_procedures,
        }

    def to_json_text(self) -> str:
        return json.dumps(self.to_json(), ensure_ascii=False, indent=2)


# -- pure rules ------------------------------------------------------------------------------------------


def points_for(indicator: str, rate: float | None) -> float | None:
    """4.1 scores proportionally; 4.2 and 4.3 give full points from 80% and rate x max / 80% below."""
    if rate is None:
        return None
    maximum = MAX_POINTS[indicator]
    if indicator == "e_result":
        return round(rate * maximum, 4)
    return round(min(1.0, rate / FULL_POINTS_RATE) * maximum, 4)


def indicator(name: str, numerator: int, denominator: int) -> Indicator:
    rate = numerator / denominator if denominator else None
    points = points_for(name, rate)
    maximum = MAX_POINTS[name]
    return Indicator(
        numerator, denominator, rate, points, maximum, None if points is None else round(maximum - points, 4)
    )


def indicator_row(key: str | None, facts: Sequence[DossierFacts]) -> IndicatorRow:
    e_result = [fact for fact in facts if fact.counts_for_e_result]
    row = IndicatorRow(
        key,
        len(facts),
        indicator("e_result", sum(fact.digitized_result for fact in e_result), len(e_result)),
        indicator("digitization", sum(fact.meets_digitization for fact in facts), len(facts)),
        indicator("reuse", sum(fact.reused for fact in facts), len(facts)),
        0.0,
        sum(MAX_POINTS.values()),
    )
    total = sum(getattr(row, name).points or 0.0 for name in INDICATORS)
    return IndicatorRow(
        row.key, row.dossiers, row.e_result, row.digitization, row.reuse, round(total, 4), row.max_points
    )


def period_bounds(period: str) -> tuple[datetime, datetime]:
    """'2025', '2025-Q3' or '2025-07' -> [start, end) of that year, quarter or month."""
    match = _PERIOD.match(period.strip())
    if not match:
        raise ValueError(f"period must be YYYY, YYYY-Qn or YYYY-MM, not {period!r}")
    year = int(match.group(1))
    if match.group(2):
        first = (int(match.group(2)) - 1) * 3 + 1
        months = 3
    elif match.group(3):
        first, months = int(match.group(3)), 1
    else:
        first, months = 1, 12
    end_month = first + months
    end = datetime(year + (end_month - 1) // 12, (end_month - 1) % 12 + 1, 1)
    return datetime(year, first, 1), end


def period_key(by: str, received_at: datetime | None) -> str | None:
    if received_at is None:
        return None
    if by == "year":
        return f"{received_at.year:04d}"
    if by == "quarter":
        return f"{received_at.year:04d}-Q{(received_at.month - 1) // 3 + 1}"
    return f"{received_at.year:04d}-{received_at.month:02d}"


def key_function(by: str, grouping: str = "current") -> Callable[[DossierFacts], str | None]:
    if by == "unit":
        return (lambda f: f.current_unit) if grouping == "current" else (lambda f: f.unit)
    if by == "field":
        return lambda f: f.field
    if by == "procedure":
        return lambda f: f.procedure_code
    if by in ("year", "quarter", "month"):
        return lambda f: period_key(by, f.received_at)
    raise ValueError(f"indicators by must be one of {', '.join(GROUPS)}, not {by!r}")


def group_rows(facts: Sequence[DossierFacts], by: str, grouping: str = "current") -> list[IndicatorRow]:
    key_of = key_function(by, grouping)
    groups: dict[str | None, list[DossierFacts]] = {}
    for fact in facts:
        groups.setdefault(key_of(fact), []).append(fact)
    rows = [indicator_row(key, members) for key, members in groups.items()]
    return sorted(rows, key=lambda row: (row.key is None, row.key or ""))


def below_target(facts: Sequence[DossierFacts], grouping: str = "current") -> list[DrillDownEntry]:
    """Dossiers that keep their unit below 80% on 4.2 (or below full 4.1), each with why: what to scan next."""
    key_of = key_function("unit", grouping)
    weak = {
        row.key
        for row in group_rows(facts, "unit", grouping)
        if (row.digitization.rate is not None and row.digitization.rate < FULL_POINTS_RATE)
        or (row.e_result.rate is not None and row.e_result.rate < FULL_POINTS_RATE)
    }
    entries = [
        DrillDownEntry(fact.dossier_code, key_of(fact), fact.procedure_code, fact.received_at, fact.reasons())
        for fact in facts
        if key_of(fact) in weak and not fact.meets_digitization
    ]
    return sorted(entries, key=lambda e: (e.unit or "", e.received_at or datetime.min, e.dossier_code))


def is_resolved(resolved_at: datetime | None, status: str | None) -> bool:
    return resolved_at is not None or (status is not None and fold_header(status) in RESOLVED_STATUSES)


# -- loading ---------------------------------------------------------------------------------------------


def _has(**conditions: Any) -> Any:
    clauses = [DocumentRow.dossier_id == DossierRow.id]
    for name, value in conditions.items():
        column = getattr(DocumentRow, name.removesuffix("_is_null"))
        if name.endswith("_is_null"):
            clauses.append(column.is_(None) if value else column.is_not(None))
        else:
            clauses.append(column == value)
    return exists(select(DocumentRow.id).where(and_(*clauses)))


def dossier_facts(
    catalog: CatalogCore, units: Iterable[str] | None = None, period: str | None = None
) -> list[DossierFacts]:
    """One DossierFacts per registry dossier, for all units or only `units` and the units merged into them,
    received in `period` (YYYY, YYYY-Qn, YYYY-MM) when given."""
    with catalog.transaction() as session:
        unit_rows = session.execute(select(UnitRow.id, UnitRow.code, UnitRow.successor_id)).all()
        code_of = {row.id: row.code for row in unit_rows}
        successors = {
            row.code: code_of.get(row.successor_id) if row.successor_id else None for row in unit_rows
        }
        query = (
            select(
                DossierRow.dossier_code,
                UnitRow.code,
                DossierRow.field,
                DossierRow.procedure_code,
                DossierRow.received_at,
                DossierRow.resolved_at,
                DossierRow.status,
                ProcedureRow.written_result,
                _has(role="component", state=DIGITIZED_STATE, reuse_origin_is_null=True),
                _has(role="component", reuse_origin="catalogue"),
                _has(role="component", reuse_origin="portal"),
                _has(role="result", state=DIGITIZED_STATE),
                _has(role_is_null=True, state=DIGITIZED_STATE),
                DossierRow.portal_reuse,
            )
            .select_from(DossierRow)
            .outerjoin(UnitRow, DossierRow.unit_id == UnitRow.id)
            .outerjoin(ProcedureRow, ProcedureRow.procedure_code == DossierRow.procedure_code)
            .where(DossierRow.in_registry.is_(True))
            .order_by(DossierRow.dossier_code)
        )
        if units is not None:
            scope = absorbed_by(successors, [nfc(unit).strip() for unit in units])
            query = query.where(UnitRow.code.in_(sorted(scope)))
        if period:
            start, end = period_bounds(period)
            query = query.where(DossierRow.received_at >= start, DossierRow.received_at < end)
        rows = session.execute(query).all()
    return [
        DossierFacts(
            dossier_code=row[0],
            unit=row[1],
            current_unit=current_unit(successors, row[1]) if row[1] else None,
            field=row[2],
            procedure_code=row[3],
            received_at=row[4],
            resolved=is_resolved(row[5], row[6]),
            written_result=None if row[7] is None else bool(row[7]),
            digitized_component=bool(row[8]),
            reused_component=bool(row[9]),
            portal_reuse=bool(row[10]) or bool(row[13]),
            digitized_result=bool(row[11]),
            unclassified=bool(row[12]),
        )
        for row in rows
    ]


def indicator_report(
    catalog: CatalogCore,
    by: GroupBy = None,
    period: str | None = None,
    units: list[str] | None = None,
    grouping: str = "current",
) -> IndicatorReport:
    """4.1/4.2/4.3 overall and per group, with the drill-down and the procedures missing from the catalogue."""
    if by is not None and by not in GROUPS:
        raise ValueError(f"indicators by must be one of {', '.join(GROUPS)}, not {by!r}")
    if grouping not in ("current", "historical"):
        raise ValueError(f"unit grouping must be 'current' or 'historical', not {grouping!r}")
    if period:
        period_bounds(period)  # validates before any query
    facts = dossier_facts(catalog, units, period)
    unknown = sorted({fact.procedure_code or "" for fact in facts if fact.written_result is None})
    return IndicatorReport(
        by=by,
        period=period,
        grouping=grouping,
        units=list(units) if units is not None else None,
        overall=indicator_row(None, facts),
        rows=group_rows(facts, by, grouping) if by else [],
        below_target=below_target(facts, grouping),
        unknown_procedures=unknown,
    )


# -- the provincial monthly table "THEO DÕI MỨC ĐỘ SỐ HÓA CÁC ĐƠN VỊ – THEO QĐ 766" --------------------

MONTHLY_TITLE = "THEO DÕI MỨC ĐỘ SỐ HÓA CÁC ĐƠN VỊ – THEO QĐ 766"
MONTHLY_COLUMNS = (
    "Tiếp nhận",
    "Chưa số hóa TPHS",
    "Có số hóa TPHS",
    "Có tái sử dụng thành phần",
    "Có tái sử dụng từ Cổng DVCQG",
    "Đã giải quyết",
    "KQ chưa số hóa",
    "KQ đã số hóa",
)


@dataclass(frozen=True)
class MonthlyRow:
    unit: str | None
    received: int
    without_component: int
    with_component: int
    reused_component: int
    portal_reuse: int
    resolved: int
    result_not_digitized: int
    result_digitized: int

    def cells(self) -> list[int]:
        return [
            self.received,
            self.without_component,
            self.with_component,
            self.reused_component,
            self.portal_reuse,
            self.resolved,
            self.result_not_digitized,
            self.result_digitized,
        ]


def monthly_row(unit: str | None, facts: Sequence[DossierFacts]) -> MonthlyRow:
    """One unit's line. KQ columns count resolved dossiers, so KQ chưa + KQ đã = Đã giải quyết."""
    with_component = sum(fact.has_component for fact in facts)
    resolved = [fact for fact in facts if fact.resolved]
    result_digitized = sum(fact.digitized_result for fact in resolved)
    return MonthlyRow(
        unit,
        len(facts),
        len(facts) - with_component,
        with_component,
        sum(fact.reused_component for fact in facts),
        sum(fact.portal_reuse for fact in facts),
        len(resolved),
        len(resolved) - result_digitized,
        result_digitized,
    )


def monthly_table(
    facts: Sequence[DossierFacts], grouping: str = "current"
) -> tuple[list[MonthlyRow], MonthlyRow]:
    """Rows per unit (current or historical) and the total line."""
    key_of = key_function("unit", grouping)
    groups: dict[str | None, list[DossierFacts]] = {}
    for fact in facts:
        groups.setdefault(key_of(fact), []).append(fact)
    rows = sorted(
        (monthly_row(key, members) for key, members in groups.items()),
        key=lambda row: (row.unit is None, row.unit or ""),
    )
    return rows, monthly_row(None, facts)
