"""The managers' dashboard figures: the catalogue report (same numbers as `sohoa report --json`), scoped to
the user's units, plus throughput and the monthly trend."""

from __future__ import annotations

from dataclasses import dataclass

from storage.catalog.report import Report, digitization_report
from web.access import User
from web.services import Services
from web.stats import Throughput, pages_per_day


@dataclass(frozen=True)
class Dashboard:
    overall: Report
    by_unit: Report
    by_field: Report
    by_month: Report
    throughput: Throughput


def report_for(services: Services, user: User, by: str | None) -> Report:
    return digitization_report(services.catalog, by=by, units=user.allowed_units)  # type: ignore[arg-type]


def dashboard(services: Services, user: User) -> Dashboard:
    return Dashboard(
        overall=report_for(services, user, None),
        by_unit=report_for(services, user, "unit"),
        by_field=report_for(services, user, "field"),
        by_month=report_for(services, user, "month"),
        throughput=pages_per_day(services.catalog, user.allowed_units),
    )
