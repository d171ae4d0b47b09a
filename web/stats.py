"""Throughput figures the report does not give: pages processed per day over the last weeks, unit-scoped."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select

from sohoa.domain.states import PROCESSED_STATES
from storage.catalog import Catalog
from storage.catalog.schema import BatchRow, DocumentRow, DossierRow, SourceFileRow, UnitRow, utcnow


@dataclass(frozen=True)
class Throughput:
    days: list[tuple[date, int]]  # every day of the window, oldest first, zero when nothing was processed

    @property
    def mean_per_day(self) -> float:
        return sum(n for _, n in self.days) / len(self.days) if self.days else 0.0

    @property
    def total(self) -> int:
        return sum(n for _, n in self.days)


def pages_per_day(catalog: Catalog, units: list[str] | None, days: int = 30) -> Throughput:
    """Pages of documents recognised per day (by the document's last update, UTC), like the report's units."""
    today = utcnow().date()
    start = today - timedelta(days=days - 1)
    day = func.date(DocumentRow.updated_at)
    query = (
        select(day, func.sum(DocumentRow.last_page - DocumentRow.first_page + 1))
        .where(DocumentRow.state.in_(PROCESSED_STATES), DocumentRow.updated_at >= start)
        .group_by(day)
    )
    if units is not None:
        unit_ids = select(UnitRow.id).where(UnitRow.code.in_(units))
        query = (
            query.join(SourceFileRow, DocumentRow.source_file_id == SourceFileRow.id)
            .outerjoin(DossierRow, DocumentRow.dossier_id == DossierRow.id)
            .outerjoin(BatchRow, SourceFileRow.batch_id == BatchRow.id)
            .where(func.coalesce(DossierRow.unit_id, BatchRow.unit_id).in_(unit_ids))
        )
    with catalog.transaction() as session:
        counts = {str(d)[:10]: int(n or 0) for d, n in session.execute(query)}
    return Throughput(
        [(start + timedelta(days=i), counts.get(str(start + timedelta(days=i)), 0)) for i in range(days)]
    )
