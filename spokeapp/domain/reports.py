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
  at any time in the period (each counted once, however many cases); *new* those of them whose
  case was opened in the period; *continuing* the rest. *New cases opened* counts cases, not
  people: a young person referred again has a new case, so may count twice. *Contacts* are
  sessions held (not missed) in the period.
* Group work, talks and sessions with young people: the number held and the young people
  reached (the sum of their head counts; group work is never named, so not de-duplicated).
* Professionals *reached*: those trained plus those at awareness sessions (one figure, as the
  evaluation counts them); *trained* (training sessions) and *at awareness sessions*, each by
  profession; *consultancies* held and the professionals consulted.
* Cases closed: cases whose header says closed (or whose header is not in the data) and whose
  latest :class:`~spokeapp.domain.records.Closure` falls in the period (a closure returned by a
  supervisor reopens the case, so it does not count). Where a supervisor signs closures off
  (``sign_off=True``: every closure on a service with a hub, see
  ``spokeapp.domain.supervision``), a closure counts as closed only once its latest sign-off
  approves it; one not yet decided is counted apart as *closed, awaiting sign-off* (in no
  other closure figure), whenever the report is made. The outcome is the one recorded on the
  closure, which ``closure.closure_outcome`` computed when the case closed from the initial and
  closing assessments with the tool then in force (recomputing later with a newer tool version
  would wrongly make every older closure incomplete). Shares of *lower / same / higher /
  incomplete* are of all cases closed, so they add up to 100% (give or take rounding). *Not at
  lower risk* is every closure whose risk did not fall (same, higher, or not comparable with
  the start), broken down by the closure's reason (why risk did not fall: not engaging, not
  contactable, moving away...).
* Caseload per worker: cases open at the end of the period, by key worker (every worker the
  caller names is listed, with 0 if they hold none), and their total; the section title gives
  the 10-12 caseload guide of the team view.
* Casework per worker: the distinct young people each worker supported one-to-one in the
  period (cases they held open at any time in it), with its share of the evaluation's
  expectation of about :data:`YOUNG_PEOPLE_A_YEAR` young people a worker a year, pro rata to
  the period's length (days / 365.25); for a team or the hub also all workers together against
  the expectation for that many workers. The expectation rows are published benchmarks, not
  counts of anyone, so never withheld.
* Workers appear by name (``names``), never by user id: the figure keys number them in the
  order of their names (``caseload.worker.1``), and a worker whose name the caller does not
  know is "Unnamed worker N".
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
because several figures add up to others (received = accepted + declined + waiting, and so
on; every such sum is in :attr:`Report.groups`, and published with the hub's JSON) and a small
count could be worked back from two or more sums together. So further counts (5 or more) are
withheld as ``"*"`` until no withheld figure can be worked out from the shown figures and the
sums, knowing that "<5" is 1 to 4 and "*" is 5 or more (``spokeapp.domain.suppression``;
where only small counts are left to withhold, a "<5" is starred as a last resort). A
share (percentage) is shown only when its count and the count it is a share of are shown (a
share of a benchmark, when its count is); otherwise it is ``"*"`` too, since a share and its
total give back the count.
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
    CLOSURE_REASON_LABELS,
    OUTCOME_LABELS,
    PROFESSION_LABELS,
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
    SignOff,
    SignOffOutcome,
    VisitPlan,
    choice_label,
)
from spokeapp.domain.suppression import HIDDEN, SMALL, SMALL_COUNT_LIMIT, suppress
from spokeapp.domain.team import CASELOAD_GUIDE
from spokeapp.i18n import translator

tr = translator(__name__)

__all__ = [
    "AREA_COLUMNS",
    "AREA_NOT_RECORDED",
    "AREA_TOTAL",
    "CSV_COLUMNS",
    "HIDDEN",
    "HIDDEN_NOTE",
    "SECTION_AREAS",
    "SMALL",
    "SMALL_COUNT_LIMIT",
    "YOUNG_PEOPLE_A_YEAR",
    "AreaTable",
    "Attributed",
    "Figure",
    "Period",
    "Report",
    "ReportScope",
    "ScopeKind",
    "ShownFigure",
    "area_table",
    "compute_report",
    "report_csv",
    "row_words",
    "section_words",
]

YOUNG_PEOPLE_A_YEAR: Final = 20
"""The evaluation's expectation: a worker supports about this many young people a year."""
HIDDEN_NOTE: Final = (
    'Counts from 1 to 4 are shown as "<5"; "*" marks a figure withheld so that a count under 5 '
    "cannot be worked out from the others."
)

SECTION_REFERRALS: Final = tr.noop("Referrals")
SECTION_ONE_TO_ONE: Final = tr.noop("Young people supported one-to-one")
SECTION_GROUPS: Final = tr.noop("Group work, talks and sessions")
SECTION_PROFESSIONALS: Final = tr.noop("Work with professionals")
SECTION_CLOSURES: Final = tr.noop("Cases closed")
CASELOAD_SECTION_TEMPLATE: Final = tr.noop("Caseload per worker (guide: {low}-{high} each)")
SECTION_CASELOAD: Final = CASELOAD_SECTION_TEMPLATE.format(
    low=CASELOAD_GUIDE[0], high=CASELOAD_GUIDE[1])
SECTION_CAPACITY: Final = tr.noop("Young people supported per worker (share: of expected)")
SECTION_LONE_WORKING: Final = tr.noop("Lone working")
SECTION_AREAS: Final = tr.noop("Cases by local authority area")
AREA_COLUMNS: Final = {
    "open": tr.noop("Cases open in period"),
    "new": tr.noop("New cases"),
    "before": tr.noop("Open from before"),
    "closed": tr.noop("Closed"),
    "lower": tr.noop("Closed at lower risk"),
    "not_lower": tr.noop("Closed, risk not lower"),
    "not_closed": tr.noop("Not closed in period"),
}
"""The per-area columns. Each row adds up twice (open = new + from before = closed + not
closed) and closed = at lower risk + risk not lower, so that everything a reader can work out
from a row is a published sum the suppression takes into account."""
AREA_NOT_RECORDED: Final = tr.noop("Not known or not recorded")
AREA_TOTAL: Final = tr.noop("All areas")


# The hub counts and labels a report in English (the source language); the app shows each
# section and figure in the reader's language by its key, so a label the hub composed
# ("Trained: Police") is composed again from translated parts.
def section_words(section: str) -> str:
    """A report section's name in the reader's language."""
    if section == SECTION_CASELOAD:
        return tr(CASELOAD_SECTION_TEMPLATE).format(
            low=CASELOAD_GUIDE[0], high=CASELOAD_GUIDE[1])
    return tr(section)


def row_words(key: str, label: str) -> str:
    """A report figure's label in the reader's language (``label``: the hub's English)."""
    prefix, _, last = key.rpartition(".")
    try:
        if prefix == "professionals.trained":
            return tr("Trained: {profession}").format(
                profession=choice_label(PROFESSION_LABELS, Profession(last)))
        if prefix == "professionals.awareness":
            return tr("Awareness: {profession}").format(
                profession=choice_label(PROFESSION_LABELS, Profession(last)))
        if prefix == "closures" and last in {o.value for o in Outcome}:
            return choice_label(OUTCOME_LABELS, Outcome(last))
        if prefix == "closures.not_lower":
            return tr("Not at lower risk: {reason}").format(
                reason=choice_label(CLOSURE_REASON_LABELS, ClosureReason(last)))
    except ValueError:
        return label  # a kind this laptop does not know yet: the hub's words
    if key.startswith("areas.") and last in AREA_COLUMNS:
        area = label[: -len(AREA_COLUMNS[last]) - 2]
        if area in (AREA_NOT_RECORDED, AREA_TOTAL):
            area = tr(area)
        return tr("{area}: {column}").format(area=area, column=tr(AREA_COLUMNS[last]))
    if prefix in ("caseload.worker", "capacity.worker"):
        return label  # a worker's name (or "Unnamed worker 3", already in words)
    return tr(label)


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
            [Problem("scope", tr("must be worker:<user id>, team:<team name> or hub"))]
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
    """One figure of a report. ``of`` names the figure this one is a share of, if any;
    ``expected``, a benchmark count it is a share of instead (e.g. 4.98 young people a worker
    in a quarter). A ``benchmark`` is a published expectation, not a count of anyone: never
    withheld and in no sum."""

    key: str
    section: str
    label: str
    count: int
    of: str | None = None
    expected: float | None = None
    benchmark: bool = False


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
    scope_name: str = ""
    """The scope in words, naming a worker by name (never their id): "Team North"."""
    organisation: str = ""
    """The organisation the figures are of, where the caller knows it (the hub does)."""

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
        """The figure's share of its ``of`` figure (or ``expected``) in percent, or None (no
        base, or zero)."""
        figure = self.figure(key)
        if figure.expected is not None:
            base: float = figure.expected
        elif figure.of is not None:
            base = self.count(figure.of)
        else:
            return None
        return None if base == 0 else 100.0 * figure.count / base

    def section(self, name: str) -> list[Figure]:
        """The figures of one section, in order."""
        return [f for f in self.figures if f.section == name]

    @property
    def sections(self) -> list[str]:
        """Section names in reading order."""
        return list(dict.fromkeys(f.section for f in self.figures))

    def hidden(self) -> dict[str, str]:
        """Keys withheld in a funder export: "<5" for small counts, "*" for the others
        (complete across every sum in ``groups``: ``spokeapp.domain.suppression``)."""
        return suppress({f.key: f.count for f in self.figures}, self.groups,
                        exempt={f.key for f in self.figures if f.benchmark})

    def shown(self, *, funder: bool = False) -> list[ShownFigure]:
        """Every figure as shown to a reader; with ``funder`` small counts are suppressed
        (see the module doc)."""
        hidden = self.hidden() if funder else {}
        rows: list[ShownFigure] = []
        for f in self.figures:
            share = ""
            if f.of is not None or f.expected is not None:
                if f.key in hidden or (f.expected is None and f.of in hidden):
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
            report.period.start.isoformat(), report.period.end.isoformat(),
            report.scope_name or str(report.scope),
            row.section, row.key, row.label, row.value, row.share,
        ])
    return out.getvalue()


# ---------------------------------------------------------------------------------------------
# The computation
# ---------------------------------------------------------------------------------------------

_ESCALATING: Final = frozenset({AlertReason.OVERDUE, AlertReason.PANIC, AlertReason.DURESS})


def _local_date(value: datetime) -> date:
    return value.date()


class _Builder:
    def __init__(self) -> None:
        self.figures: list[Figure] = []
        self.groups: list[tuple[str, tuple[str, ...]]] = []

    def add(self, key: str, section: str, label: str, count: int, of: str | None = None, *,
            expected: float | None = None, benchmark: bool = False) -> str:
        self.figures.append(Figure(key, section, label, count, of, expected, benchmark))
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
    sign_off: bool = False,
) -> Report:
    """Compute every figure of the report (see the module doc for the definitions).

    ``records`` are those the caller may report on; for a worker scope only the ones
    attributed to that worker are counted. ``workers`` are listed in the caseload even when
    they hold no case; ``names`` gives their names (a report never shows a user id).
    ``worker_facing`` is for the worker's own report: duress is left out (module doc).
    ``sign_off``: closures count only once a supervisor approved them (a service with a hub).
    """
    items = list(records)
    if scope.kind is ScopeKind.WORKER:
        items = [a for a in items if a.worker == scope.value]
    out = _Builder()
    _referrals(out, items, period)
    cases = _one_to_one(out, items, period)
    _groups(out, items, period)
    _professionals(out, items, period)
    closed = _closures(out, items, period, cases, sign_off)
    _areas(out, period, cases, closed)
    listed = list(dict.fromkeys(workers))
    if scope.kind is ScopeKind.WORKER and scope.value is not None:
        listed = [scope.value]
    listed += sorted({a.worker for a in items if isinstance(a.record, Case)} - set(listed))
    labels = worker_labels(listed, names or {})
    _caseload(out, items, period, labels)
    _capacity(out, items, period, labels, single=scope.kind is ScopeKind.WORKER)
    _lone_working(out, items, period, worker_facing)
    return Report(period=period, scope=scope, figures=tuple(out.figures),
                  groups=tuple(out.groups), scope_name=scope_name(scope, names or {}))


def scope_name(scope: ReportScope, names: Mapping[str, str]) -> str:
    """The scope in words, for a reader: a worker by name (never their user id)."""
    if scope.kind is ScopeKind.HUB:
        return tr("The whole service")
    if scope.kind is ScopeKind.TEAM:
        return tr("Team {team}").format(team=scope.value)
    return names.get(scope.value or "") or tr("One worker")


def worker_labels(workers: Iterable[str], names: Mapping[str, str]) -> dict[str, tuple[int, str]]:
    """Each worker's number and label in a report: by name (ids only break ties), and
    "Unnamed worker N" where the name is not known, so that no user id is ever shown."""
    ordered = sorted(dict.fromkeys(workers),
                     key=lambda w: (w not in names, names.get(w, "").casefold(), w))
    out: dict[str, tuple[int, str]] = {}
    unnamed = 0
    for number, worker in enumerate(ordered, start=1):
        name = names.get(worker, "").strip()
        if not name:
            unnamed += 1
            name = tr("Unnamed worker {number}").format(number=unnamed)
        out[worker] = (number, name)
    return out


def _referrals(out: _Builder, items: list[Attributed], period: Period) -> None:
    section = SECTION_REFERRALS
    received = [r for r, _ in _of_kind(items, Referral) if r.received_on in period]

    def decided(r: Referral, decision: ReferralDecision) -> bool:
        return r.decision is decision and r.decided_on is not None and r.decided_on <= period.end

    accepted = sum(1 for r in received if decided(r, ReferralDecision.ACCEPTED))
    declined = sum(1 for r in received if decided(r, ReferralDecision.DECLINED))
    total = out.add("referrals.received", section, tr.noop("Referrals received"), len(received))
    parts = [
        out.add("referrals.accepted", section, tr.noop("Accepted"), accepted, of=total),
        out.add("referrals.declined", section, tr.noop("Declined"), declined, of=total),
        out.add("referrals.waiting", section, tr.noop("Waiting for a decision"),
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
    opened = sum(1 for c in cases.values() if c.opened_on in period)
    total = out.add("one_to_one.active", section,
                    tr.noop("Young people supported (each counted once)"), len(active))
    out.group(total, [
        out.add("one_to_one.new", section, tr.noop("People new in the period"), len(new)),
        out.add("one_to_one.continuing", section, tr.noop("People continuing from before"),
                len(active) - len(new)),
    ])
    out.add("one_to_one.cases_opened", section,
            tr.noop("New cases opened (a re-referral is a new case)"), opened)
    out.add("one_to_one.contacts", section, tr.noop("Contacts held (sessions, calls, messages)"),
            contacts)
    return cases


def _groups(out: _Builder, items: list[Attributed], period: Period) -> None:
    section = SECTION_GROUPS
    held = [g for g, _ in _of_kind(items, GroupSession) if g.held_on in period]
    out.add("groups.sessions", section, tr.noop("Group sessions and talks held"), len(held))
    out.add("groups.young_people", section, tr.noop("Young people reached"),
            sum(g.young_people_reached for g in held))


def _professionals(out: _Builder, items: list[Attributed], period: Period) -> None:
    section = SECTION_PROFESSIONALS
    held = [a for a, _ in _of_kind(items, ProfessionalActivity) if a.held_on in period]

    def of_type(kind: ActivityType) -> list[ProfessionalActivity]:
        return [a for a in held if a.activity_type is kind]

    def by_profession(kind: ActivityType) -> dict[Profession, int]:
        counts: dict[Profession, int] = dict.fromkeys(Profession, 0)
        for activity in of_type(kind):
            for profession, count in activity.attendees_by_profession:
                counts[profession] += count
        return counts

    trained = by_profession(ActivityType.TRAINING)
    aware = by_profession(ActivityType.AWARENESS)
    reached = out.add("professionals.reached", section,
                      tr.noop("Professionals reached (trained + awareness)"),
                      sum(trained.values()) + sum(aware.values()))
    out.group(reached, ["professionals.trained", "professionals.awareness"])
    total = out.add("professionals.trained", section, tr.noop("Professionals trained"),
                    sum(trained.values()))
    out.group(total, [
        out.add(f"professionals.trained.{p.value}", section, f"Trained: {PROFESSION_LABELS[p]}",
                n)
        for p, n in trained.items()
    ])
    total = out.add("professionals.awareness", section,
                    tr.noop("Professionals at awareness sessions"), sum(aware.values()))
    out.group(total, [
        out.add(f"professionals.awareness.{p.value}", section,
                f"Awareness: {PROFESSION_LABELS[p]}", n)
        for p, n in aware.items()
    ])
    consultancies = of_type(ActivityType.CONSULTANCY)
    out.add("professionals.consultancies", section, tr.noop("Consultancies"), len(consultancies))
    out.add("professionals.consulted", section, tr.noop("Professionals consulted"),
            sum(a.total_attendees for a in consultancies))


def _closures(out: _Builder, items: list[Attributed], period: Period,
              cases: Mapping[str, Case], sign_off: bool) -> list[Closure]:
    section = SECTION_CLOSURES
    latest: dict[str, Closure] = {}
    for closure, _ in _of_kind(items, Closure):
        current = latest.get(closure.case_id)
        if current is None or (closure.closed_on, closure.id) > (current.closed_on, current.id):
            latest[closure.case_id] = closure
    # A decision counts only for a closure of its own case: a supervisor's sign-off naming a
    # record of a case outside her scope is stored (the hub never says it exists), linking
    # nothing (docs/sync.md, "Supervision records").
    decisions: dict[tuple[str, str], SignOff] = {}
    for decision, _ in _of_kind(items, SignOff):
        key = (decision.case_id, decision.request_id)
        current_decision = decisions.get(key)
        if current_decision is None or (decision.decided_at, decision.id) > (
                current_decision.decided_at, current_decision.id):
            decisions[key] = decision
    ended = [
        c for case_id, c in latest.items()
        if c.closed_on in period
        and (case_id not in cases or cases[case_id].status is CaseStatus.CLOSED)
    ]
    closed: list[Closure] = []
    awaiting = 0
    for c in ended:
        latest_decision = decisions.get((c.case_id, c.id))
        if not sign_off or (latest_decision is not None
                            and latest_decision.outcome is SignOffOutcome.APPROVED):
            closed.append(c)
        elif latest_decision is None:
            awaiting += 1
    by_outcome = {o: sum(1 for c in closed if c.outcome is o) for o in Outcome}
    total = out.add("closures.closed", section,
                    tr.noop("Cases closed (signed off)") if sign_off else tr.noop("Cases closed"),
                    len(closed))
    out.group(total, [
        out.add(f"closures.{o.value}", section, OUTCOME_LABELS[o], by_outcome[o], of=total)
        for o in Outcome
    ])
    not_lower = [c for c in closed if c.outcome is not Outcome.LOWER]
    rest = out.add("closures.not_lower", section,
                   tr.noop("Not at lower risk (same, higher, not comparable)"), len(not_lower),
                   of=total)
    out.group(rest, [f"closures.{o.value}" for o in Outcome if o is not Outcome.LOWER])
    out.group(rest, [
        out.add(f"closures.not_lower.{r.value}", section,
                f"Not at lower risk: {CLOSURE_REASON_LABELS[r]}",
                sum(1 for c in not_lower if c.reason is r), of=rest)
        for r in ClosureReason
    ])
    if sign_off:
        out.add("closures.awaiting", section,
                tr.noop("Closed, awaiting sign-off (not counted above)"), awaiting)
    return closed


def _areas(out: _Builder, period: Period, cases: Mapping[str, Case],
           closed: Sequence[Closure]) -> None:
    section = SECTION_AREAS
    members = {
        c.id for c in cases.values() if _open_during(c, period) or c.opened_on in period
    } | {c.case_id for c in closed}
    closed_by_case = {c.case_id: c for c in closed}
    rows: dict[str | None, dict[str, int]] = {}
    for case_id in members:
        case = cases.get(case_id)
        area = case.local_authority if case is not None else None
        row = rows.setdefault(area, dict.fromkeys(AREA_COLUMNS, 0))
        row["open"] += 1
        if case is not None and case.opened_on in period:
            row["new"] += 1
        closure = closed_by_case.get(case_id)
        if closure is not None:
            row["closed"] += 1
            row["lower" if closure.outcome is Outcome.LOWER else "not_lower"] += 1
    for row in rows.values():
        row["before"] = row["open"] - row["new"]
        row["not_closed"] = row["open"] - row["closed"]
    ordered = sorted((a for a in rows if a is not None), key=lambda a: (a.casefold(), a))
    names: list[tuple[str, str | None]] = [(a, a) for a in ordered]
    if None in rows:
        names.append((AREA_NOT_RECORDED, None))
    keys: dict[str, list[str]] = {column: [] for column in AREA_COLUMNS}
    for number, (name, area) in enumerate(names, start=1):
        row = rows[area]
        for column, label in AREA_COLUMNS.items():
            keys[column].append(out.add(f"areas.{number}.{column}", section, f"{name}: {label}",
                                        row[column]))
        out.group(f"areas.{number}.open", [f"areas.{number}.new", f"areas.{number}.before"])
        out.group(f"areas.{number}.open",
                  [f"areas.{number}.closed", f"areas.{number}.not_closed"])
        out.group(f"areas.{number}.closed",
                  [f"areas.{number}.lower", f"areas.{number}.not_lower"])
    for column, label in AREA_COLUMNS.items():
        out.add(f"areas.total.{column}", section, f"{AREA_TOTAL}: {label}",
                sum(rows[a][column] for _, a in names))
        out.group(f"areas.total.{column}", keys[column])
    out.group("areas.total.open", ["areas.total.new", "areas.total.before"])
    out.group("areas.total.open", ["areas.total.closed", "areas.total.not_closed"])
    out.group("areas.total.closed", ["areas.total.lower", "areas.total.not_lower"])
    # The same cases as figures elsewhere in the report, so published as equal.
    out.group("one_to_one.cases_opened", ["areas.total.new"])
    out.group("closures.closed", ["areas.total.closed"])
    out.group("closures.lower", ["areas.total.lower"])
    out.group("closures.not_lower", ["areas.total.not_lower"])


@dataclass(frozen=True, slots=True)
class AreaTable:
    """The per-area figures as a two-way table (rows: areas, then all areas; columns:
    :data:`AREA_COLUMNS`), each cell as shown (suppressed in the funder form)."""

    columns: tuple[str, ...]
    rows: tuple[tuple[str, tuple[str, ...]], ...]


def area_table(report: Report, *, funder: bool = False) -> AreaTable:
    """The report's per-area section as a table, from :meth:`Report.shown` (so suppressed
    exactly as the flat figures, the CSV and the PDF are)."""
    shown = {row.key: row for row in report.shown(funder=funder)
             if row.section == SECTION_AREAS}
    numbers = sorted({int(key.split(".")[1]) for key in shown
                      if key.split(".")[1].isdigit()})
    rows: list[tuple[str, tuple[str, ...]]] = []
    for prefix in [f"areas.{n}" for n in numbers] + ["areas.total"]:
        first = shown.get(f"{prefix}.open")
        if first is None:
            continue
        name = first.label[: -len(AREA_COLUMNS["open"]) - 2]
        rows.append((name, tuple(shown[f"{prefix}.{c}"].value for c in AREA_COLUMNS)))
    return AreaTable(tuple(AREA_COLUMNS.values()), tuple(rows))


def _caseload(out: _Builder, items: list[Attributed], period: Period,
              labels: Mapping[str, tuple[int, str]]) -> None:
    section = SECTION_CASELOAD
    held: dict[str, int] = dict.fromkeys(labels, 0)
    for case, worker in _of_kind(items, Case):
        if case.opened_on <= period.end and (case.closed_on is None
                                             or case.closed_on > period.end):
            held[worker] = held.get(worker, 0) + 1
    total = out.add("caseload.total", section, tr.noop("Open cases at the end of the period"),
                    sum(held.values()))
    out.group(total, [
        out.add(f"caseload.worker.{number}", section, name, held[w])
        for w, (number, name) in labels.items()
    ])


def _capacity(out: _Builder, items: list[Attributed], period: Period,
              labels: Mapping[str, tuple[int, str]], *, single: bool) -> None:
    section = SECTION_CAPACITY
    years = ((period.end - period.start).days + 1) / 365.25
    expected = YOUNG_PEOPLE_A_YEAR * years
    supported: dict[str, set[str]] = {w: set() for w in labels}
    for case, worker in _of_kind(items, Case):
        if _open_during(case, period):
            supported.setdefault(worker, set()).add(case.young_person_id)
    out.add("capacity.expected_year", section,
            tr.noop("Expected a worker a year (evaluation)"), YOUNG_PEOPLE_A_YEAR,
            benchmark=True)
    out.add("capacity.expected", section, tr.noop("Expected a worker this period (pro rata)"),
            round(expected), benchmark=True)
    parts = [
        out.add(f"capacity.worker.{number}", section, name,
                len(supported[w]), expected=expected)
        for w, (number, name) in labels.items()
    ]
    if single:
        out.group("one_to_one.active", parts)  # one worker's people are the active figure
    else:
        total = out.add("capacity.total", section, tr.noop("All workers together"),
                        sum(len(v) for v in supported.values()),
                        expected=expected * len(labels))
        out.group(total, parts)


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
    out.add("lone.visits", section, tr.noop("Lone-working visits"), len(plans))
    total = out.add("lone.check_ins", section, tr.noop("Check-ins made"), made)
    out.group(total, [
        out.add("lone.on_time", section, tr.noop("On time"), on_time, of=total),
        out.add("lone.late", section, tr.noop("Late"), made - on_time, of=total),
    ])
    out.add("lone.escalated", section, tr.noop("Visits escalated by the hub"), len(escalated),
            of="lone.visits")
    out.add("lone.alarms", section, tr.noop("Alarms raised"), alarm_count)


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
