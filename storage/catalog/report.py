"""Managers' report: digitization rate against target overall and by unit, field or month, plus OCR figures
and the review backlog.

Digitization rate = dossiers in the registry with at least one digitized document (original stored, text
recognised and indexed, i.e. a document in state 'indexed') / dossiers in the registry.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from sqlalchemy import ColumnElement, Select, case, func, select
from sqlalchemy.orm import aliased

from sohoa.domain.states import PROCESSED_STATES
from storage.catalog.core import CatalogCore
from storage.catalog.schema import (
    REVIEW_KINDS,
    BatchRow,
    DocumentRow,
    DossierRow,
    PageRow,
    ReviewItemRow,
    SourceFileRow,
    UnitRow,
)
from storage.catalog.targets import resolve_target

GroupBy = Literal["unit", "field", "month"] | None


@dataclass(frozen=True)
class Overall:
    registered: int
    digitized: int
    rate: float | None  # None when nothing is registered
    target: float


@dataclass(frozen=True)
class ReportRow:
    key: str | None  # unit code, field, or received month 'YYYY-MM'; None for dossiers without one
    registered: int
    digitized: int
    rate: float | None
    target: float
    gap: float | None  # target - rate: positive means behind target


@dataclass(frozen=True)
class Report:
    by: GroupBy
    units: list[str] | None
    overall: Overall
    rows: list[ReportRow]
    pages_processed: int
    mean_confidence: float | None
    review_backlog: dict[str, int] = field(default_factory=dict)
    quarantined_files: int = 0

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict: {"overall": {...}, "rows": [...], plus "by", "units", pages and backlog}."""
        return {
            "overall": asdict(self.overall),
            "rows": [asdict(row) for row in self.rows],
            "by": self.by,
            "units": self.units,
            "pages_processed": self.pages_processed,
            "mean_confidence": self.mean_confidence,
            "review_backlog": dict(self.review_backlog),
            "quarantined_files": self.quarantined_files,
        }

    def to_json_text(self) -> str:
        return json.dumps(self.to_json(), ensure_ascii=False, indent=2)


def rate_of(registered: int, digitized: int) -> float | None:
    return digitized / registered if registered else None


def build_rows(
    counts: list[tuple[str | None, int, int]],
    targets: dict[tuple[str, str, str], float],
    default_target: float,
    by: GroupBy,
    scope_unit: str | None,
) -> list[ReportRow]:
    """Pure: (key, registered, digitized) counts -> rows with rate, target and gap, sorted by key."""
    rows = []
    for key, registered, digitized in counts:
        if by == "unit":
            target = resolve_target(targets, default_target, unit=key)
        elif by == "field":
            target = resolve_target(targets, default_target, unit=scope_unit, field=key)
        else:
            target = resolve_target(targets, default_target, unit=scope_unit, period=key)
        rate = rate_of(registered, digitized)
        rows.append(
            ReportRow(key, registered, digitized, rate, target, None if rate is None else target - rate)
        )
    return sorted(rows, key=lambda row: (row.key is None, row.key or ""))


def _month(catalog: CatalogCore, column: Any) -> ColumnElement[str]:
    if catalog.dialect == "sqlite":
        return func.strftime("%Y-%m", column)
    return func.to_char(column, "YYYY-MM")


def _group_key(catalog: CatalogCore, by: GroupBy) -> ColumnElement[Any] | None:
    if by is None:
        return None
    if by == "unit":
        return UnitRow.code
    if by == "field":
        return DossierRow.field
    if by == "month":
        return _month(catalog, DossierRow.received_at)
    raise ValueError(f"report by must be None, 'unit', 'field' or 'month', not {by!r}")


def _registry_counts(
    catalog: CatalogCore, by: GroupBy, units: list[str] | None
) -> list[tuple[Any, int, int]]:
    digitized = (
        select(DocumentRow.id)
        .where(DocumentRow.dossier_id == DossierRow.id, DocumentRow.state == "indexed")
        .exists()
    )
    key = _group_key(catalog, by)
    columns = [func.count(DossierRow.id), func.coalesce(func.sum(case((digitized, 1), else_=0)), 0)]
    query: Select[Any] = (
        select(*([key] if key is not None else []), *columns)
        .select_from(DossierRow)
        .outerjoin(UnitRow, DossierRow.unit_id == UnitRow.id)
        .where(DossierRow.in_registry.is_(True))
    )
    if units is not None:
        query = query.where(UnitRow.code.in_(units))
    if key is not None:
        query = query.group_by(key)
    with catalog.transaction() as session:
        result = session.execute(query).all()
    if key is None:
        return [(None, int(result[0][0]), int(result[0][1]))]
    return [(row[0], int(row[1]), int(row[2])) for row in result]


def _unit_ids(catalog: CatalogCore, units: list[str]) -> list[int]:
    with catalog.transaction() as session:
        return list(session.scalars(select(UnitRow.id).where(UnitRow.code.in_(units))))


def _page_figures(catalog: CatalogCore, unit_ids: list[int] | None) -> tuple[int, float | None]:
    query = (
        select(func.count(PageRow.id), func.avg(case((PageRow.blank.is_(False), PageRow.mean_confidence))))
        .join(DocumentRow, PageRow.document_id == DocumentRow.id)
        .where(DocumentRow.state.in_(PROCESSED_STATES))
    )
    if unit_ids is not None:
        # A document's unit is its dossier's, or for an unlinked one, the unit of the batch it came in.
        query = (
            query.join(SourceFileRow, DocumentRow.source_file_id == SourceFileRow.id)
            .outerjoin(DossierRow, DocumentRow.dossier_id == DossierRow.id)
            .outerjoin(BatchRow, SourceFileRow.batch_id == BatchRow.id)
            .where(func.coalesce(DossierRow.unit_id, BatchRow.unit_id).in_(unit_ids))
        )
    with catalog.transaction() as session:
        pages, confidence = session.execute(query).one()
    return int(pages), None if confidence is None else float(confidence)


def _backlog(catalog: CatalogCore, unit_ids: list[int] | None) -> dict[str, int]:
    query = select(ReviewItemRow.kind, func.count(ReviewItemRow.id)).where(ReviewItemRow.status == "open")
    if unit_ids is not None:
        page = aliased(PageRow)
        document = aliased(DocumentRow)
        source = aliased(SourceFileRow)
        query = (
            query.outerjoin(page, ReviewItemRow.page_id == page.id)
            .outerjoin(document, document.id == func.coalesce(ReviewItemRow.document_id, page.document_id))
            .outerjoin(
                source, source.id == func.coalesce(ReviewItemRow.source_file_id, document.source_file_id)
            )
            .outerjoin(DossierRow, document.dossier_id == DossierRow.id)
            .outerjoin(BatchRow, source.batch_id == BatchRow.id)
            .where(func.coalesce(DossierRow.unit_id, BatchRow.unit_id).in_(unit_ids))
        )
    query = query.group_by(ReviewItemRow.kind)
    with catalog.transaction() as session:
        counts = {kind: int(count) for kind, count in session.execute(query).all()}
    return {kind: counts.get(kind, 0) for kind in REVIEW_KINDS}


def _quarantined(catalog: CatalogCore, unit_ids: list[int] | None) -> int:
    query = select(func.count(SourceFileRow.id)).where(SourceFileRow.state == "quarantined")
    if unit_ids is not None:
        query = query.join(BatchRow, SourceFileRow.batch_id == BatchRow.id).where(
            BatchRow.unit_id.in_(unit_ids)
        )
    with catalog.transaction() as session:
        return int(session.scalar(query) or 0)


def digitization_report(catalog: CatalogCore, by: GroupBy = None, units: list[str] | None = None) -> Report:
    """The managers' figures, for all units or only `units` (an officer sees only their own unit's)."""
    if by not in (None, "unit", "field", "month"):
        raise ValueError(f"report by must be None, 'unit', 'field' or 'month', not {by!r}")
    scope_unit = units[0] if units and len(units) == 1 else None
    targets = catalog.targets()
    ((_, registered, digitized),) = _registry_counts(catalog, None, units)
    overall_target = resolve_target(targets, catalog.default_target, unit=scope_unit)
    overall = Overall(registered, digitized, rate_of(registered, digitized), overall_target)
    rows = (
        []
        if by is None
        else build_rows(_registry_counts(catalog, by, units), targets, catalog.default_target, by, scope_unit)
    )
    unit_ids = _unit_ids(catalog, units) if units is not None else None
    pages, confidence = _page_figures(catalog, unit_ids)
    return Report(
        by=by,
        units=list(units) if units is not None else None,
        overall=overall,
        rows=rows,
        pages_processed=pages,
        mean_confidence=confidence,
        review_backlog=_backlog(catalog, unit_ids),
        quarantined_files=_quarantined(catalog, unit_ids),
    )
