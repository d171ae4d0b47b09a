"""Digitization targets per unit, optionally per field and period, with a catalogue-wide default."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import select

from ocr.text import nfc
from storage.catalog.core import CatalogCore, add_event, get_or_insert
from storage.catalog.schema import TargetRow

_PERIOD = re.compile(r"^\d{4}(-(0[1-9]|1[0-2]))?$")


@dataclass(frozen=True)
class Target:
    unit: str | None
    field: str | None
    period: str | None
    rate: float


def resolve_target(
    targets: dict[tuple[str, str, str], float],
    default: float,
    unit: str | None = None,
    field: str | None = None,
    period: str | None = None,
) -> float:
    """The most specific target that applies: unit beats field beats period; then the stored and built-in default.

    `period` may be a month 'YYYY-MM', in which case a target for its year 'YYYY' applies too.
    """
    units = [unit, ""] if unit else [""]
    fields = [field, ""] if field else [""]
    periods = [period, period[:4], ""] if period and len(period) == 7 else ([period, ""] if period else [""])
    for unit_key in units:
        for field_key in fields:
            for period_key in periods:
                rate = targets.get((unit_key, field_key, period_key))
                if rate is not None:
                    return rate
    return default


class TargetsMixin(CatalogCore):
    def set_target(
        self,
        rate: float,
        *,
        unit: str | None = None,
        field: str | None = None,
        period: str | None = None,
        actor: str = "admin",
    ) -> Target:
        """Set the target rate (a fraction, e.g. 0.869) for a unit, a field, a period 'YYYY' or 'YYYY-MM',
        or any combination; with none of them, the catalogue-wide default."""
        if not 0 <= rate <= 1:
            raise ValueError(f"a target is a fraction between 0 and 1, not {rate}")
        if period and not _PERIOD.match(period):
            raise ValueError(f"a target period is 'YYYY' or 'YYYY-MM', not {period!r}")
        scope = {
            "unit_code": nfc(unit).strip() if unit else "",
            "field": nfc(field).strip() if field else "",
            "period": period or "",
        }
        with self.transaction() as session:
            row, created = get_or_insert(session, TargetRow, scope, rate=rate)
            if created or row.rate != rate:
                old = None if created else row.rate
                row.rate = rate
                add_event(
                    session,
                    actor,
                    "target.set",
                    "target",
                    "|".join(scope.values()),
                    {"rate": rate, "old": old},
                )
        return Target(unit or None, field or None, period or None, rate)

    def targets(self) -> dict[tuple[str, str, str], float]:
        """All stored targets keyed by (unit, field, period), '' meaning any."""
        with self.transaction() as session:
            rows = session.scalars(select(TargetRow))
            return {(row.unit_code, row.field, row.period): row.rate for row in rows}

    def target_for(
        self, unit: str | None = None, field: str | None = None, period: str | None = None
    ) -> float:
        return resolve_target(self.targets(), self.default_target, unit, field, period)
