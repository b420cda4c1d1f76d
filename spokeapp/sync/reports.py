"""Fetch a report counted on the hub (``GET /v1/reports``) and rebuild it as the domain's
``Report``, so the laptop shows, suppresses (funder form) and exports it with the same code as
a report it counts itself.

The issue asks for team and hub reports "computed on the hub from the records": the hub holds
every record of the team (a supervisor's laptop may not have synced lately), so a supervisor's
team report and an admin's hub report come from here. Nothing of it is stored on the laptop.
"""

from __future__ import annotations

from spokeapp.domain.reports import Figure, Period, Report, ReportScope
from spokeapp.i18n import translator
from spokeapp.store.casebook import Casebook
from spokeapp.sync.client import HubRejected
from spokeapp.sync.enrolled import enrolled_client
from spokeapp.sync.protocol import ReportResponse

__all__ = ["fetch_report", "report_from_response"]

tr = translator(__name__)


def report_from_response(response: ReportResponse) -> Report:
    """The domain report the hub counted. Raises HubRejected if a figure is withheld (the
    laptop asks for every count and applies the funder form itself)."""
    figures = []
    for figure in response.figures:
        if figure.count is None:
            raise HubRejected(tr("The hub sent a report with withheld figures."), status=200,
                              error="bad_response")
        figures.append(Figure(figure.key, figure.section, figure.label, figure.count,
                              figure.of, figure.expected, figure.benchmark))
    return Report(
        period=Period(response.period_from, response.period_to),
        scope=ReportScope.parse(response.scope),
        figures=tuple(figures),
        groups=tuple((g.total, tuple(g.parts)) for g in response.groups),
        scope_name=response.scope_name,
        organisation=response.organisation,
    )


def fetch_report(
    casebook: Casebook, period: Period, scope: ReportScope | None = None
) -> Report:
    """The report for ``scope`` (default: the caller's own) over ``period``, counted on the
    hub this laptop is enrolled with. Raises ``NotEnrolled`` before enrolment and the sync
    client's errors (``HubUnreachable``, ``OutOfScope`` for another team, ...)."""
    with enrolled_client(casebook) as client:
        response = client.report(period.start, period.end,
                                 None if scope is None else str(scope))
    return report_from_response(response)
