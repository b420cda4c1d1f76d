"""Reports: the figures a service gives its funders and managers, computed from the records.

Pure (no I/O): the caller hands over the records in the scope it is allowed to report on, each
paired with the worker it counts for (:class:`Attributed`), and gets a :class:`Report`: a flat,
ordered list of :class:`Figure` rows that the app's table and charts, the CSV and the PDF all
render. The hub (``spokeapp.hub.reports``) and the laptop (``spokeapp.ui.views.reports``) run
exactly this code, so a worker's own figures are the same on both.

**Attribution.** A record with a case counts for the case's key worker; a record without one
(a referral not yet linked to a case, group work, work with professionals, visit plans) for
its author. Check-ins, alarms and alerts follow their visit plan.

**Definitions** (``period`` is inclusive at both ends; a date-time counts on its own local
date):

* Referrals *received* in the period, split by their decision as it stood at the end of the
  period: *accepted*, *declined*, or *waiting* (pending, on the waiting list, or decided only
  after the period). The three add up to the received count.
* Young people supported one-to-one: *active* are the distinct young people with a case open
  at any time in the period; *new* those of them whose case was opened in the period;
  *continuing* the rest. *Contacts* are sessions held (not missed) in the period.
* Group work, talks and sessions with young people: the number held and the young people
  reached (the sum of their head counts; group work is never named, so not de-duplicated).
* Professionals *trained* (training sessions), by profession; professionals at awareness
  sessions; *consultancies* held and the professionals consulted.
* Cases closed: cases whose header says closed (or whose header is not in the data) and whose
  latest :class:`~spokeapp.domain.records.Closure` falls in the period (a closure returned by a
  supervisor reopens the case, so it does not count). The outcome is the one recorded on the
  closure, which ``closure.closure_outcome`` computed when the case closed from the initial and
  closing assessments with the tool then in force (recomputing later with a newer tool version
  would wrongly make every older closure incomplete). Shares of *lower / same / higher /
  incomplete* are of all cases closed, so they add up to 100% (give or take rounding); the
  closure reasons are counted for the cases whose risk did not fall (same or higher).
* Caseload per worker: cases open at the end of the period, by key worker (every worker the
  caller names is listed, with 0 if they hold none), and their total.
* Lone working: visits starting in the period; the check-ins made on them and how many were
  *on time* (made no later than the deadline then in force, worked out with
  ``lone_working.next_deadline``; a duress check-in moves the timer exactly as a safe one);
  visits the hub *escalated* (an overdue tier alert, a panic or a duress alert, never the
  worker's own reminders); and alarms raised.

**Duress stays invisible to the worker.** With ``worker_facing=True`` (a worker's own report,
on the laptop or from the hub) duress alarms and duress alerts are left out entirely and duress
check-ins count as safe ones, so the worker's report after a duress check-in is exactly the one
a safe check-in gives.

**Funder exports and small numbers** (:meth:`Report.shown` with ``funder=True``): any count
from 1 to 4 is shown as ``"<5"`` (0 is shown: "none" reveals no one). That alone is not enough,
because several figures add up to another (received = accepted + declined + waiting, and so
on; see :attr:`Report.groups`) and a small count could be worked back by subtraction. So where a
sum has exactly one hidden term, the smallest other non-zero term is withheld too, shown as
``"*"`` ("withheld so that a figure under 5 cannot be worked out"), repeated until no sum has
a single hidden term. A share (percentage) is shown only when both its count and the count it
is a share of are shown; otherwise it is ``"*"`` too, since a share and its total give back
the count.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Final, TypeVar

from spokeapp.domain.errors import Problem, ValidationError
from spokeapp.domain.lone_working import REMINDER_TIER, next_deadline
from spokeapp.domain.records import (
    ActivityType,
    Alarm,
    AlarmKind,
    AlarmResolution,
    AlertReason,
    Case,
    CaseStatus,
    CheckIn,
    CheckInKind,
    Closure,
    ClosureReason,
    ContactType,
    EscalationAlert,
    GroupSession,
    Outcome,
    Profession,
    ProfessionalActivity,
    Record,
    Referral,
    ReferralDecision,
    Session,
    VisitPlan,
)

__all__ = [
    "CSV_COLUMNS",
    "HIDDEN",
    "HIDDEN_NOTE",
    "SMALL",
    "SMALL_COUNT_LIMIT",
    "Attributed",
    "Figure",
    "Period",
    "Report",
    "ReportScope",
    "ScopeKind",
    "ShownFigure",
    "compute_report",
    "report_csv",
]

SMALL_COUNT_LIMIT: Final = 5
"""Counts from 1 up to (not including) this are shown as :data:`SMALL` in funder exports."""
SMALL: Final = "<5"
"""How a count from 1 to 4 is shown in a funder export."""
HIDDEN: Final = "*"
"""How a count or share withheld so that a small count cannot be worked out is shown."""
HIDDEN_NOTE: Final = (
    'Counts from 1 to 4 are shown as "<5"; "*" marks a figure withheld so that a count under 5 '
    "cannot be worked out from the others."
)

SECTION_REFERRALS: Final = "Referrals"
SECTION_ONE_TO_ONE: Final = "Young people supported one-to-one"
SECTION_GROUPS: Final = "Group work, talks and sessions"
SECTION_PROFESSIONALS: Final = "Work with professionals"
SECTION_CLOSURES: Final = "Cases closed"
SECTION_CASELOAD: Final = "Caseload per worker"
SECTION_LONE_WORKING: Final = "Lone working"


_T = TypeVar("_T")


class ScopeKind(StrEnum):
    """Whose work a report covers."""

    WORKER = "worker"
    TEAM = "team"
    HUB = "hub"


@dataclass(frozen=True, slots=True)
class ReportScope:
    """A report's scope: one worker (by user id), one team (by name), or the whole hub."""

    kind: ScopeKind
    value: str | None = None

    @classmethod
    def parse(cls, text: str) -> ReportScope:
        """Read ``worker:ID``, ``team:NAME`` or ``hub``; raise ValidationError otherwise."""
        kind, _, value = text.strip().partition(":")
        if kind == ScopeKind.HUB and not value:
            return cls(ScopeKind.HUB)
        if kind in (ScopeKind.WORKER, ScopeKind.TEAM) and value.strip():
            return cls(ScopeKind(kind), value.strip())
        raise ValidationError(
            [Problem("scope", "must be worker:<user id>, team:<team name> or hub")]
        )

    def __str__(self) -> str:
        return self.kind.value if self.value is None else f"{self.kind.value}:{self.value}"


@dataclass(frozen=True, slots=True)
class Period:
    """The dates a report covers, both inclusive."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValidationError([Problem("to", "must not be before the start of the period")])

    def __contains__(self, day: object) -> bool:
        if isinstance(day, datetime):
            day = day.date()
        return isinstance(day, date) and self.start <= day <= self.end


@dataclass(frozen=True, slots=True)
class Attributed:
    """A record and the worker (user id) it counts for (see the module doc, "Attribution")."""

    record: Record
    worker: str


@dataclass(frozen=True, slots=True)
class Figure:
    """One figure of a report. ``of`` names the figure this one is a share of, if any."""

    key: str
    section: str
    label: str
    count: int
    of: str | None = None


@dataclass(frozen=True, slots=True)
class ShownFigure:
    """A figure as shown to a reader: ``count`` is None and ``value`` "<5" or "*" when hidden;
    ``share`` is "" when the figure is not a share of anything."""

    key: str
    section: str
    label: str
    count: int | None
    value: str
    share: str


@dataclass(frozen=True, slots=True)
class Report:
    """The figures of one report, in reading order, and the sums among them."""

    period: Period
    scope: ReportScope
    figures: tuple[Figure, ...]
    groups: tuple[tuple[str, tuple[str, ...]], ...] = field(default=())
    """Each (total, parts): the parts add up to the total (used for small-count suppression)."""

    def figure(self, key: str) -> Figure:
        """The figure with ``key`` (KeyError if the report has none)."""
        for figure in self.figures:
            if figure.key == key:
                return figure
        raise KeyError(key)

    def count(self, key: str) -> int:
        """The count of the figure with ``key``."""
        return self.figure(key).count

    def percent(self, key: str) -> float | None:
        """The figure's share of its ``of`` figure in percent, or None (no base, or zero)."""
        figure = self.figure(key)
        if figure.of is None:
            return None
        base = self.count(figure.of)
        return None if base == 0 else 100.0 * figure.count / base

    def section(self, name: str) -> list[Figure]:
        """The figures of one section, in order."""
        return [f for f in self.figures if f.section == name]

    @property
    def sections(self) -> list[str]:
        """Section names in reading order."""
        return list(dict.fromkeys(f.section for f in self.figures))

    def hidden(self) -> dict[str, str]:
        """Keys withheld in a funder export: "<5" for small counts, "*" for the others."""
        counts = {f.key: f.count for f in self.figures}
        hidden = {k: SMALL for k, n in counts.items() if 0 < n < SMALL_COUNT_LIMIT}
        changed = True
        while changed:
            changed = False
            for total, parts in self.groups:
                terms = (total, *parts)
                if sum(1 for t in terms if t in hidden) != 1:
                    continue
                candidates = sorted(
                    (counts[p], p) for p in parts if p not in hidden and counts[p] > 0
                )
                if candidates:
                    hidden[candidates[0][1]] = HIDDEN
                elif total not in hidden and counts[total] > 0:
                    hidden[total] = HIDDEN
                else:  # pragma: no cover - a lone hidden term among zeros cannot be small
                    continue
                changed = True
        return hidden

    def shown(self, *, funder: bool = False) -> list[ShownFigure]:
        """Every figure as shown to a reader; with ``funder`` small counts are suppressed
        (see the module doc)."""
        hidden = self.hidden() if funder else {}
        rows: list[ShownFigure] = []
        for f in self.figures:
            share = ""
            if f.of is not None:
                if f.key in hidden or f.of in hidden:
                    share = HIDDEN
                else:
                    percent = self.percent(f.key)
                    share = "" if percent is None else f"{percent:.0f}%"
            mark = hidden.get(f.key)
            rows.append(
                ShownFigure(
                    key=f.key,
                    section=f.section,
                    label=f.label,
                    count=None if mark else f.count,
                    value=mark or str(f.count),
                    share=share,
                )
            )
        return rows


CSV_COLUMNS: Final = ("period_from", "period_to", "scope", "section", "key", "figure", "count",
                      "share")


def report_csv(report: Report, *, funder: bool = False) -> str:
    """The report as CSV text (one row per figure, header first), suppressed for a funder."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for row in report.shown(funder=funder):
        writer.writerow([
            report.period.start.isoformat(), report.period.end.isoformat(), str(report.scope),
            row.section, row.key, row.label, row.value, row.share,
        ])
    return out.getvalue()


# ---------------------------------------------------------------------------------------------
# The computation
# ---------------------------------------------------------------------------------------------

_PROFESSION_LABELS: Final = {
    Profession.POLICE: "Police",
    Profession.SOCIAL_CARE: "Social care",
    Profession.EDUCATION: "Education",
    Profession.HEALTH: "Health",
    Profession.YOUTH_JUSTICE: "Youth justice",
    Profession.VOLUNTARY_SECTOR: "Voluntary sector",
    Profession.OTHER: "Other",
}
_REASON_LABELS: Final = {
    ClosureReason.OUTCOMES_MET: "Outcomes met",
    ClosureReason.YOUNG_PERSON_CHOSE_TO_END: "Young person chose to end",
    ClosureReason.NON_ENGAGEMENT: "Non-engagement",
    ClosureReason.NOT_CONTACTABLE: "Not contactable",
    ClosureReason.MOVED_AWAY: "Moved away",
    ClosureReason.TRANSFERRED: "Transferred",
    ClosureReason.AGED_OUT: "Aged out",
    ClosureReason.OTHER: "Other",
}
_ESCALATING: Final = frozenset({AlertReason.OVERDUE, AlertReason.PANIC, AlertReason.DURESS})


def _local_date(value: datetime) -> date:
    return value.date()


class _Builder:
    def __init__(self) -> None:
        self.figures: list[Figure] = []
        self.groups: list[tuple[str, tuple[str, ...]]] = []

    def add(self, key: str, section: str, label: str, count: int, of: str | None = None) -> str:
        self.figures.append(Figure(key, section, label, count, of))
        return key

    def group(self, total: str, parts: Sequence[str]) -> None:
        self.groups.append((total, tuple(parts)))


def _of_kind(items: Iterable[Attributed], cls: type[_T]) -> list[tuple[_T, str]]:
    return [(a.record, a.worker) for a in items if isinstance(a.record, cls)]


def compute_report(
    records: Iterable[Attributed],
    period: Period,
    scope: ReportScope,
    *,
    workers: Iterable[str] = (),
    names: Mapping[str, str] | None = None,
    worker_facing: bool = False,
) -> Report:
    """Compute every figure of the report (see the module doc for the definitions).

    ``records`` are those the caller may report on; for a worker scope only the ones
    attributed to that worker are counted. ``workers`` are listed in the caseload even when
    they hold no case; ``names`` gives display names for worker ids (ids are shown otherwise).
    ``worker_facing`` is for the worker's own report: duress is left out (module doc).
    """
    items = list(records)
    if scope.kind is ScopeKind.WORKER:
        items = [a for a in items if a.worker == scope.value]
    names = names or {}
    out = _Builder()
    _referrals(out, items, period)
    cases = _one_to_one(out, items, period)
    _groups(out, items, period)
    _professionals(out, items, period)
    _closures(out, items, period, cases)
    listed = list(dict.fromkeys(workers))
    if scope.kind is ScopeKind.WORKER and scope.value is not None:
        listed = [scope.value]
    _caseload(out, items, period, listed, names)
    _lone_working(out, items, period, worker_facing)
    return Report(period=period, scope=scope, figures=tuple(out.figures),
                  groups=tuple(out.groups))


def _referrals(out: _Builder, items: list[Attributed], period: Period) -> None:
    section = SECTION_REFERRALS
    received = [r for r, _ in _of_kind(items, Referral) if r.received_on in period]

    def decided(r: Referral, decision: ReferralDecision) -> bool:
        return r.decision is decision and r.decided_on is not None and r.decided_on <= period.end

    accepted = sum(1 for r in received if decided(r, ReferralDecision.ACCEPTED))
    declined = sum(1 for r in received if decided(r, ReferralDecision.DECLINED))
    total = out.add("referrals.received", section, "Referrals received", len(received))
    parts = [
        out.add("referrals.accepted", section, "Accepted", accepted, of=total),
        out.add("referrals.declined", section, "Declined", declined, of=total),
        out.add("referrals.waiting", section, "Waiting for a decision",
                len(received) - accepted - declined, of=total),
    ]
    out.group(total, parts)


def _open_during(case: Case, period: Period) -> bool:
    return case.opened_on <= period.end and (case.closed_on is None
                                             or case.closed_on >= period.start)


def _one_to_one(out: _Builder, items: list[Attributed], period: Period) -> dict[str, Case]:
    section = SECTION_ONE_TO_ONE
    cases = {c.id: c for c, _ in _of_kind(items, Case)}
    active = {c.young_person_id for c in cases.values() if _open_during(c, period)}
    new = {
        c.young_person_id for c in cases.values()
        if _open_during(c, period) and c.opened_on in period
    }
    contacts = sum(
        1 for s, _ in _of_kind(items, Session)
        if s.contact_type is not ContactType.MISSED and _local_date(s.occurred_at) in period
    )
    total = out.add("one_to_one.active", section, "Young people supported (active)", len(active))
    out.group(total, [
        out.add("one_to_one.new", section, "New in the period", len(new)),
        out.add("one_to_one.continuing", section, "Continuing from before",
                len(active) - len(new)),
    ])
    out.add("one_to_one.contacts", section, "Contacts held (sessions, calls, messages)",
            contacts)
    return cases


def _groups(out: _Builder, items: list[Attributed], period: Period) -> None:
    section = SECTION_GROUPS
    held = [g for g, _ in _of_kind(items, GroupSession) if g.held_on in period]
    out.add("groups.sessions", section, "Group sessions and talks held", len(held))
    out.add("groups.young_people", section, "Young people reached",
            sum(g.young_people_reached for g in held))


def _professionals(out: _Builder, items: list[Attributed], period: Period) -> None:
    section = SECTION_PROFESSIONALS
    held = [a for a, _ in _of_kind(items, ProfessionalActivity) if a.held_on in period]

    def of_type(kind: ActivityType) -> list[ProfessionalActivity]:
        return [a for a in held if a.activity_type is kind]

    trained: dict[Profession, int] = dict.fromkeys(Profession, 0)
    for activity in of_type(ActivityType.TRAINING):
        for profession, count in activity.attendees_by_profession:
            trained[profession] += count
    total = out.add("professionals.trained", section, "Professionals trained",
                    sum(trained.values()))
    out.group(total, [
        out.add(f"professionals.trained.{p.value}", section, f"Trained: {_PROFESSION_LABELS[p]}",
                n)
        for p, n in trained.items()
    ])
    out.add("professionals.awareness", section, "Professionals at awareness sessions",
            sum(a.total_attendees for a in of_type(ActivityType.AWARENESS)))
    consultancies = of_type(ActivityType.CONSULTANCY)
    out.add("professionals.consultancies", section, "Consultancies", len(consultancies))
    out.add("professionals.consulted", section, "Professionals consulted",
            sum(a.total_attendees for a in consultancies))


def _closures(out: _Builder, items: list[Attributed], period: Period,
              cases: Mapping[str, Case]) -> None:
    section = SECTION_CLOSURES
    latest: dict[str, Closure] = {}
    for closure, _ in _of_kind(items, Closure):
        current = latest.get(closure.case_id)
        if current is None or (closure.closed_on, closure.id) > (current.closed_on, current.id):
            latest[closure.case_id] = closure
    closed = [
        c for case_id, c in latest.items()
        if c.closed_on in period
        and (case_id not in cases or cases[case_id].status is CaseStatus.CLOSED)
    ]
    by_outcome = {o: sum(1 for c in closed if c.outcome is o) for o in Outcome}
    total = out.add("closures.closed", section, "Cases closed", len(closed))
    labels = {
        Outcome.LOWER: "At lower risk than at the start",
        Outcome.SAME: "At the same risk",
        Outcome.HIGHER: "At higher risk",
        Outcome.INCOMPLETE: "Not comparable with the start",
    }
    out.group(total, [
        out.add(f"closures.{o.value}", section, labels[o], by_outcome[o], of=total)
        for o in Outcome
    ])
    not_fallen = [c for c in closed if c.outcome in (Outcome.SAME, Outcome.HIGHER)]
    fallen_total = out.add("closures.not_fallen", section, "Risk did not fall", len(not_fallen))
    out.group(fallen_total, ["closures.same", "closures.higher"])
    out.group(fallen_total, [
        out.add(f"closures.not_fallen.{r.value}", section,
                f"Risk did not fall: {_REASON_LABELS[r]}",
                sum(1 for c in not_fallen if c.reason is r), of=fallen_total)
        for r in ClosureReason
    ])


def _caseload(out: _Builder, items: list[Attributed], period: Period, listed: list[str],
              names: Mapping[str, str]) -> None:
    section = SECTION_CASELOAD
    held: dict[str, int] = dict.fromkeys(listed, 0)
    for case, worker in _of_kind(items, Case):
        if case.opened_on <= period.end and (case.closed_on is None
                                             or case.closed_on > period.end):
            held[worker] = held.get(worker, 0) + 1
    total = out.add("caseload.total", section, "Open cases at the end of the period",
                    sum(held.values()))
    ordered = sorted(held, key=lambda w: (names.get(w, w).casefold(), w))
    out.group(total, [
        out.add(f"caseload.worker.{w}", section, names.get(w, w), held[w]) for w in ordered
    ])


def _lone_working(out: _Builder, items: list[Attributed], period: Period,
                  worker_facing: bool) -> None:
    section = SECTION_LONE_WORKING
    plans = {p.id: p for p, _ in _of_kind(items, VisitPlan) if _local_date(p.starts_at) in period}
    check_ins: dict[str, list[CheckIn]] = {v: [] for v in plans}
    for c, _ in _of_kind(items, CheckIn):
        if c.visit_id in plans:
            check_ins[c.visit_id].append(c)
    resolutions: dict[str, list[AlarmResolution]] = {v: [] for v in plans}
    for r, _ in _of_kind(items, AlarmResolution):
        if r.visit_id in plans:
            resolutions[r.visit_id].append(r)
    made = on_time = 0
    for visit_id, plan in plans.items():
        made_here, on_time_here = _check_in_timeliness(
            plan, check_ins[visit_id], resolutions[visit_id]
        )
        made += made_here
        on_time += on_time_here
    alarms = [
        a for a, _ in _of_kind(items, Alarm)
        if a.visit_id in plans and not (worker_facing and a.kind is AlarmKind.DURESS)
    ]
    alarm_count = len(alarms)
    if not worker_facing:
        alarm_count += sum(
            1 for cs in check_ins.values() for c in cs if c.kind is CheckInKind.DURESS
        )
    shown_reasons = _ESCALATING - {AlertReason.DURESS} if worker_facing else _ESCALATING
    escalated = {
        a.visit_id for a, _ in _of_kind(items, EscalationAlert)
        if a.visit_id in plans and a.tier != REMINDER_TIER and a.reason in shown_reasons
    }
    out.add("lone.visits", section, "Lone-working visits", len(plans))
    total = out.add("lone.check_ins", section, "Check-ins made", made)
    out.group(total, [
        out.add("lone.on_time", section, "On time", on_time, of=total),
        out.add("lone.late", section, "Late", made - on_time, of=total),
    ])
    out.add("lone.escalated", section, "Visits escalated by the hub", len(escalated),
            of="lone.visits")
    out.add("lone.alarms", section, "Alarms raised", alarm_count)


def _check_in_timeliness(plan: VisitPlan, check_ins: list[CheckIn],
                         resolutions: list[AlarmResolution]) -> tuple[int, int]:
    """(check-ins made while the visit was on, those made by the deadline then in force)."""
    made = on_time = 0
    ordered = sorted(check_ins, key=lambda c: (c.at, c.id))
    for index, check_in in enumerate(ordered):
        before = (check_in.at, check_in.id)
        deadline = next_deadline(
            plan, ordered[:index], resolutions=[r for r in resolutions if (r.at, r.id) < before]
        )
        if deadline is None:  # the visit had ended already
            continue
        made += 1
        on_time += check_in.at <= deadline
    return made, on_time
