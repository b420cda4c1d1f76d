"""Send a supervisor's or admin's case views to the hub's audit trail (issue 6).

Opening a case writes a ``case.view`` row to the laptop's append-only audit table (the
casebook does that for everyone). For supervisors and admins, who read other people's work,
the sync engine also sends those rows to the hub after each sync (``report_case_views``), so
the organisation's audit trail shows who looked at which case and when. The laptop keeps the
highest audit seq the hub confirmed, in an encrypted setting; a lost answer just means the same
rows are sent again, and the hub records each once.
"""

from __future__ import annotations

from datetime import datetime
from typing import Final, Protocol

from spokeapp.domain.roles import Role
from spokeapp.store.casebook import Casebook
from spokeapp.sync.protocol import (
    MAX_CASE_VIEWS,
    CaseViewIn,
    CaseViewsRequest,
    CaseViewsResponse,
)

__all__ = ["REPORTED_SETTING", "REPORTING_ROLES", "report_case_views"]

REPORTED_SETTING: Final = "sync.case_views_reported"
REPORTING_ROLES: Final = frozenset({Role.SUPERVISOR, Role.ADMIN})
VIEW_ACTION: Final = "case.view"


class CaseViewSink(Protocol):
    def report_case_views(self, request: CaseViewsRequest) -> CaseViewsResponse: ...


def report_case_views(casebook: Casebook, client: CaseViewSink) -> int:
    """Send every case view not yet confirmed by the hub; returns how many rows were sent."""
    sent = 0
    done = int(casebook.setting(REPORTED_SETTING) or 0)
    while True:
        rows = casebook.audit_after(done, VIEW_ACTION, MAX_CASE_VIEWS)
        views = [
            CaseViewIn(seq=row.seq, case_id=row.subject_id, at=datetime.fromisoformat(row.at))
            for row in rows if row.subject_id
        ]
        if not views:
            if rows:  # only rows without a case (none today): step over them
                casebook.set_setting(REPORTED_SETTING, str(rows[-1].seq))
            return sent
        answer = client.report_case_views(CaseViewsRequest(views=views))
        done = max(answer.up_to, rows[-1].seq)
        casebook.set_setting(REPORTED_SETTING, str(done))
        sent += len(views)
        if len(rows) < MAX_CASE_VIEWS:
            return sent
