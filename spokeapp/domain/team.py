"""The supervisor's team view: per worker, the figures that say where help is needed.

For each worker: active caseload against the 10-12 guide, the risk distribution of their open
cases, reviews overdue, notes not yet reviewed by a supervisor, and when each of their laptops
last reached the hub (a laptop silent for days is itself a warning: notes may be waiting on it,
or the worker may be struggling).

Pure: the hub (``spokeapp.hub.team``) gathers the records and passes "today" and "now" in.

Decision: the review interval a worker chose for a case (6-12 weeks) is a setting on their
laptop the hub does not see, so the hub counts a review as overdue after the default interval
(``reviews.DEFAULT_REVIEW_INTERVAL_WEEKS``); a case with no assessment at all is counted
separately ("no assessment yet") once it has been open longer than that.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Final

from spokeapp.domain.records import Case, CaseStatus, RiskAssessment, Session
from spokeapp.domain.reviews import ReviewStatus, next_review_due, review_status

__all__ = [
    "CASELOAD_GUIDE",
    "SILENT_DAYS",
    "CaseloadLoad",
    "DeviceContact",
    "TeamMember",
    "WorkerFigures",
    "team_figures",
    "worker_figures",
]

CASELOAD_GUIDE: Final = (10, 12)
"""A spoke worker's active caseload should be about 10 to 12 young people."""
SILENT_DAYS: Final = 3
"""A laptop that has not reached the hub for this many days is flagged."""
UNASSESSED_GRACE: Final = timedelta(weeks=8)


class CaseloadLoad(StrEnum):
    """The active caseload against the 10-12 guide, in words."""

    UNDER = "under"
    WITHIN = "within"
    OVER = "over"


@dataclasses.dataclass(frozen=True, slots=True)
class TeamMember:
    """A worker in the team, as the hub knows them."""

    user_id: str
    name: str


@dataclasses.dataclass(frozen=True, slots=True)
class DeviceContact:
    """One of a worker's laptops and the last time it reached the hub (None: never synced)."""

    device_id: str
    name: str
    last_seen_at: datetime | None


@dataclasses.dataclass(frozen=True, slots=True)
class WorkerFigures:
    """What the team view shows for one worker."""

    user_id: str
    name: str
    active_cases: int
    load: CaseloadLoad
    risk_levels: dict[str, int]  # band name ("unassessed" if none yet) -> open cases
    reviews_overdue: int
    no_assessment_yet: int
    unreviewed_notes: int
    last_contact: datetime | None  # the most recent contact of any of their laptops
    silent_devices: tuple[str, ...]  # names of laptops silent for SILENT_DAYS or more

    @property
    def warnings(self) -> tuple[str, ...]:
        """Plain-words reasons to look closer, most urgent first."""
        found: list[str] = []
        if self.silent_devices:
            found.append(
                f"laptop silent for {SILENT_DAYS}+ days: {', '.join(self.silent_devices)}"
            )
        if self.reviews_overdue:
            found.append(f"{self.reviews_overdue} review(s) overdue")
        if self.load is CaseloadLoad.OVER:
            found.append(f"caseload above the {CASELOAD_GUIDE[0]}-{CASELOAD_GUIDE[1]} guide")
        return tuple(found)


def _load(active: int) -> CaseloadLoad:
    low, high = CASELOAD_GUIDE
    if active > high:
        return CaseloadLoad.OVER
    if active < low:
        return CaseloadLoad.UNDER
    return CaseloadLoad.WITHIN


def worker_figures(
    member: TeamMember,
    cases: Iterable[Case],
    assessments: Iterable[RiskAssessment],
    sessions: Iterable[Session],
    reviewed_ids: set[str],
    devices: Sequence[DeviceContact],
    *,
    today: date,
    now: datetime,
) -> WorkerFigures:
    """The figures for one worker from the records of the cases they hold.

    ``assessments`` and ``sessions`` are final records of those cases; ``reviewed_ids`` the
    ids of records a supervisor has marked reviewed.
    """
    open_cases = {c.id: c for c in cases if c.status is CaseStatus.OPEN}
    last_assessed: dict[str, date] = {}
    unreviewed = 0
    for assessment in assessments:
        if assessment.case_id not in open_cases:
            continue
        day = assessment.assessed_on
        if day > last_assessed.get(assessment.case_id, date.min):
            last_assessed[assessment.case_id] = day
        if assessment.id not in reviewed_ids:
            unreviewed += 1
    for session in sessions:
        if session.case_id in open_cases and session.id not in reviewed_ids:
            unreviewed += 1
    overdue = 0
    unassessed = 0
    levels: Counter[str] = Counter()
    for case_id, case in open_cases.items():
        levels[case.current_risk_level or "unassessed"] += 1
        assessed = last_assessed.get(case_id)
        if assessed is None:
            if today - case.opened_on > UNASSESSED_GRACE:
                unassessed += 1
        elif review_status(next_review_due(assessed), today) is ReviewStatus.OVERDUE:
            overdue += 1
    seen = [d.last_seen_at for d in devices if d.last_seen_at is not None]
    silent = tuple(
        d.name for d in devices
        if d.last_seen_at is None or now - d.last_seen_at >= timedelta(days=SILENT_DAYS)
    )
    return WorkerFigures(
        user_id=member.user_id,
        name=member.name,
        active_cases=len(open_cases),
        load=_load(len(open_cases)),
        risk_levels=dict(sorted(levels.items())),
        reviews_overdue=overdue,
        no_assessment_yet=unassessed,
        unreviewed_notes=unreviewed,
        last_contact=max(seen) if seen else None,
        silent_devices=silent,
    )


def team_figures(
    members: Sequence[TeamMember],
    cases: Mapping[str, Sequence[Case]],
    assessments: Mapping[str, Sequence[RiskAssessment]],
    sessions: Mapping[str, Sequence[Session]],
    reviewed_ids: set[str],
    devices: Mapping[str, Sequence[DeviceContact]],
    *,
    today: date,
    now: datetime,
) -> list[WorkerFigures]:
    """Figures for every worker (each mapping keyed by worker user id), by name."""
    rows = [
        worker_figures(
            member,
            cases.get(member.user_id, ()),
            assessments.get(member.user_id, ()),
            sessions.get(member.user_id, ()),
            reviewed_ids,
            devices.get(member.user_id, ()),
            today=today,
            now=now,
        )
        for member in members
    ]
    return sorted(rows, key=lambda row: row.name.casefold())
