"""The managers' dashboard figures: the catalogue report (same numbers as `sohoa report --json`), scoped to
the user's units, plus throughput and the monthly trend."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from storage.catalog.report import Report, digitization_report
from web.access import User
from web.report_cache import ReportCache, catalogue_signature
from web.services import Services
from web.stats import Throughput, pages_per_day


@dataclass(frozen=True)
class Dashboard:
    overall: Report
    by_unit: Report
    by_field: Report
    by_month: Report
    throughput: Throughput


_cache = ReportCache()


def report_for(
    services: Services, user: User, by: str | None, signature: tuple[object, ...] | None = None
) -> Report:
    units = user.allowed_units
    key = (
        "report",
        str(services.catalog.engine.url),
        by,
        tuple(units) if units is not None else None,
        services.catalog.default_target,
    )
    return _cache.get(
        services.catalog,
        key,
        lambda: digitization_report(services.catalog, by=by, units=units),  # type: ignore[arg-type]
        signature,
    )


def dashboard(services: Services, user: User) -> Dashboard:
    signature = catalogue_signature(services.catalog)
    by_unit = report_for(services, user, "unit", signature)
    # Every report carries the overall figures, pages, confidence and backlog: reuse the by-unit one.
    return Dashboard(
        overall=by_unit,
        by_unit=by_unit,
        by_field=report_for(services, user, "field", signature),
        by_month=report_for(services, user, "month", signature),
        throughput=_cache.get(
            services.catalog,
            (
                "throughput",
                str(services.catalog.engine.url),
                tuple(units) if (units := user.allowed_units) is not None else None,
                date.today(),
            ),
            lambda: pages_per_day(services.catalog, user.allowed_units),
            signature,
        ),
    )
