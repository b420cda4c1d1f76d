"""Report figures against a generated dataset whose expected numbers are worked out here.

The generator decides, for every record it makes, which figures it must land in (for example
"a referral received in the period and declined in it"), and adds it to the expected counts
as it goes; the test never calls the report code to get its expectations.
"""

from __future__ import annotations

import csv
import io
import random
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

import pytest

from spokeapp import i18n
from spokeapp.domain.errors import ValidationError
from spokeapp.domain.lone_working import REMINDER_TIER
from spokeapp.domain.records import (
    ActivityType,
    Alarm,
    AlarmKind,
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
    GroupSetting,
    Outcome,
    Profession,
    ProfessionalActivity,
    Record,
    Referral,
    ReferralDecision,
    Session,
    SignOff,
    SignOffOutcome,
    SourceType,
    VenueType,
    VisitPlan,
)
from spokeapp.domain.reports import (
    AREA_NOT_RECORDED,
    CSV_COLUMNS,
    HIDDEN,
    SECTION_AREAS,
    SECTION_CASELOAD,
    SMALL,
    Attributed,
    Figure,
    Period,
    Report,
    ReportScope,
    ScopeKind,
    area_table,
    compute_report,
    report_csv,
    row_words,
    section_words,
)

START = date(2026, 4, 1)
END = date(2026, 6, 30)
PERIOD = Period(START, END)
WORKERS = ("w-amber", "w-birch", "w-cedar")
OUTSIDER = "w-other"


def _day_in() -> date:
    return START + timedelta(days=random.randrange((END - START).days + 1))


def _day_before() -> date:
    return START - timedelta(days=random.randrange(1, 400))


def _day_after() -> date:
    return END + timedelta(days=random.randrange(1, 60))


def _at(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


@dataclass
class World:
    records: list[Attributed] = field(default_factory=list)
    expected: Counter[str] = field(default_factory=Counter)
    by_worker: dict[str, Counter[str]] = field(default_factory=dict)
    outcome_counts: Counter[Outcome] = field(default_factory=Counter)
    n: int = 0

    def new_id(self, prefix: str) -> str:
        self.n += 1
        return f"{prefix}-{self.n:05d}"

    def add(self, record: Record, worker: str, *keys: str) -> None:
        self.records.append(Attributed(record, worker))
        for key in keys:
            self.expect(worker, key)

    def expect(self, worker: str, key: str, amount: int = 1) -> None:
        self.expected[key] += amount
        self.by_worker.setdefault(worker, Counter())[key] += amount


def _referrals(world: World, worker: str) -> None:
    for _ in range(random.randrange(5, 30)):
        category = random.choice(
            ["before", "after", "accepted", "declined", "pending", "waiting_list",
             "decided_later"]
        )
        received = {"before": _day_before, "after": _day_after}.get(category, _day_in)()
        decision, decided_on, decline = ReferralDecision.PENDING, None, ""
        if category in ("accepted", "decided_later", "before"):
            decision = ReferralDecision.ACCEPTED
            decided_on = _day_after() if category == "decided_later" else received
        elif category == "declined":
            decision, decided_on, decline = ReferralDecision.DECLINED, received, "Out of area"
        elif category == "waiting_list":
            decision, decided_on = ReferralDecision.WAITING_LIST, received
        keys = []
        if category not in ("before", "after"):
            keys.append("received")
            keys.append({"accepted": "accepted", "declined": "declined"}.get(category,
                                                                              "waiting"))
        world.add(
            Referral(id=world.new_id("ref"), young_person_id=world.new_id("yp"),
                     received_on=received, source_agency="Demo Agency",
                     source_type=SourceType.EDUCATION, reason="Demo reason",
                     decision=decision, decline_reason=decline, decided_on=decided_on),
            worker, *keys,
        )


def _closure(world: World, worker: str, case_id: str, closed_on: date, counted: bool) -> None:
    outcome = random.choice(list(Outcome))
    reason = random.choice(list(ClosureReason))
    assessed = outcome is not Outcome.INCOMPLETE
    world.add(
        Closure(id=world.new_id("clo"), case_id=case_id, closed_on=closed_on, reason=reason,
                outcome=outcome, reason_detail="Demo detail",
                closing_assessment_id=world.new_id("ra") if assessed else None,
                no_assessment_reason="" if assessed else "Demo: not seen again"),
        worker,
    )
    if counted:
        world.expect(worker, "closed")
        world.expect(worker, f"outcome.{outcome.value}")
        if outcome is not Outcome.LOWER:  # same, higher or not comparable
            world.expect(worker, "not_lower")
            world.expect(worker, f"not_lower.{reason.value}")


def _cases(world: World, worker: str) -> None:
    for _ in range(random.randrange(4, 25)):
        category = random.choice(
            ["closed_before", "open_since_before", "opened_in_open", "opened_in_closed_in",
             "before_closed_in", "opened_after", "closed_after", "returned_closure",
             "closed_twice"]
        )
        case_id, yp = world.new_id("case"), world.new_id("yp")
        opened = _day_after() if category == "opened_after" else (
            _day_in() if category.startswith("opened_in") else _day_before()
        )
        closed_on: date | None = None
        if category == "closed_before":
            closed_on = opened + timedelta(days=random.randrange(0, (START - opened).days))
        elif category in ("opened_in_closed_in", "before_closed_in", "closed_twice"):
            closed_on = max(opened, _day_in())
        elif category == "closed_after":
            closed_on = _day_after()
        status = CaseStatus.OPEN if closed_on is None else CaseStatus.CLOSED
        keys = []
        if category not in ("closed_before", "opened_after"):
            keys.append("active")
            keys.append("capacity")  # a new young person for each case: one more for its worker
            keys.append("new" if category.startswith("opened_in") else "continuing")
        if category.startswith("opened_in"):
            keys.append("cases_opened")
        if category in ("open_since_before", "opened_in_open", "closed_after",
                        "returned_closure"):
            keys.append("caseload")
        world.add(Case(id=case_id, young_person_id=yp, key_worker=worker, opened_on=opened,
                       status=status, closed_on=closed_on), worker, *keys)
        if closed_on is not None:
            _closure(world, worker, case_id, closed_on, counted=closed_on in PERIOD)
        if category == "returned_closure":  # closed in the period, returned: open again
            _closure(world, worker, case_id, _day_in(), counted=False)
        if category == "closed_twice":  # an earlier closure was returned, then closed again
            assert closed_on is not None
            _closure(world, worker, case_id, closed_on - timedelta(days=1), counted=False)
        for _ in range(random.randrange(0, 4)):
            missed = random.random() < 0.3
            day = random.choice([_day_in, _day_before, _day_after])()
            world.add(
                Session(id=world.new_id("ses"), case_id=case_id,
                        contact_type=ContactType.MISSED if missed else ContactType.ONE_TO_ONE,
                        occurred_at=_at(day), duration_minutes=0 if missed else 45,
                        venue_type=VenueType.CAFE, discussed="" if missed else "Demo topic"),
                worker, *(["contacts"] if day in PERIOD and not missed else []),
            )


def _group_and_professional_work(world: World, worker: str) -> None:
    for _ in range(random.randrange(0, 6)):
        day = random.choice([_day_in, _day_before, _day_after])()
        reached = random.randrange(1, 40)
        world.add(GroupSession(id=world.new_id("grp"), held_on=day, setting=GroupSetting.SCHOOL,
                               topic="Demo awareness talk", young_people_reached=reached),
                  worker)
        if day in PERIOD:
            world.expect(worker, "group_sessions")
            world.expect(worker, "group_young_people", reached)
    for _ in range(random.randrange(0, 6)):
        day = random.choice([_day_in, _day_in, _day_before])()
        kind = random.choice(list(ActivityType))
        attendees = {p: random.randrange(0, 6) for p in random.sample(list(Profession), 3)}
        attendees[Profession.OTHER] = attendees.get(Profession.OTHER, 0) + 1
        world.add(ProfessionalActivity(id=world.new_id("pro"), held_on=day, activity_type=kind,
                                       topic="Demo training",
                                       attendees_by_profession=tuple(attendees.items())),
                  worker)
        if day not in PERIOD:
            continue
        total = sum(attendees.values())
        if kind is not ActivityType.CONSULTANCY:
            world.expect(worker, "reached", total)
        if kind is ActivityType.TRAINING:
            world.expect(worker, "trained", total)
            for profession, count in attendees.items():
                world.expect(worker, f"trained.{profession.value}", count)
        elif kind is ActivityType.AWARENESS:
            world.expect(worker, "awareness", total)
            for profession, count in attendees.items():
                world.expect(worker, f"awareness.{profession.value}", count)
        else:
            world.expect(worker, "consultancies")
            world.expect(worker, "consulted", total)


def _visits(world: World, worker: str) -> None:
    """Visits of 6 hours with 60-minute check-ins: each check-in is made ``gap`` minutes
    after the previous one (or the start), so it is on time exactly when ``gap`` <= 60."""
    for _ in range(random.randrange(0, 6)):
        day = random.choice([_day_in, _day_in, _day_before])()
        counted = day in PERIOD
        start = _at(day, 9)
        visit_id = world.new_id("vis")
        world.add(VisitPlan(id=visit_id, worker=worker, location="Demo Street",
                            starts_at=start, expected_end=start + timedelta(hours=6),
                            mobile_number="07700 900123", buddy_name="Demo Buddy",
                            buddy_phone="07700 900456", check_in_interval_minutes=60), worker,
                  *(["visits"] if counted else []))
        at, ended = start, False
        kinds = [random.choice([CheckInKind.SAFE, CheckInKind.DURESS])
                 for _ in range(random.randrange(0, 4))]
        # At most three check-ins before the end of the visit, each at most 75 minutes after
        # the one before: every deadline is one interval after the last check-in, well inside
        # the six hours. The last safe check-in comes after the end and does not count.
        for kind in [*kinds, CheckInKind.END_VISIT, CheckInKind.SAFE]:
            gap = random.choice([20, 45, 60, 61, 75])
            at += timedelta(minutes=gap)
            world.add(CheckIn(id=world.new_id("chk"), visit_id=visit_id, kind=kind, at=at),
                      worker)
            if counted and not ended:
                world.expect(worker, "check_ins")
                world.expect(worker, "on_time" if gap <= 60 else "late")
                if kind is CheckInKind.DURESS:
                    world.expect(worker, "alarms_hub")
            ended = ended or kind is CheckInKind.END_VISIT
        if random.random() < 0.3:
            alarm = random.choice(list(AlarmKind))
            world.add(Alarm(id=world.new_id("alm"), visit_id=visit_id, kind=alarm,
                            raised_at=start + timedelta(minutes=5)), worker)
            if counted:
                world.expect(worker, "alarms_hub")
                if alarm is AlarmKind.PANIC:
                    world.expect(worker, "alarms_worker")
        _alerts(world, worker, visit_id, start, counted)


def _alerts(world: World, worker: str, visit_id: str, start: datetime, counted: bool) -> None:
    deadline = start + timedelta(hours=1)
    kinds = random.sample(["reminder", "overdue", "panic", "duress", "all_clear"],
                          random.randrange(0, 3))
    for kind in kinds:
        when: datetime | None = deadline
        tier, reason, cause = "buddy", AlertReason.OVERDUE, None
        if kind == "reminder":
            tier = REMINDER_TIER
        elif kind in ("panic", "duress"):
            tier = "manager_decision"
            reason = AlertReason(kind)
            cause, when = world.new_id("cause"), None
        elif kind == "all_clear":
            tier, reason = "all_clear", AlertReason.ALL_CLEAR
        world.add(EscalationAlert(id=world.new_id("alt"), visit_id=visit_id, tier=tier,
                                  raised_at=deadline + timedelta(minutes=15),
                                  recipients=("buddy",), reason=reason, deadline=when,
                                  cause_id=cause), worker)
    if counted and {"overdue", "panic", "duress"} & set(kinds):
        world.expect(worker, "escalated_hub")
    if counted and {"overdue", "panic"} & set(kinds):
        world.expect(worker, "escalated_worker")


def generate(seed: int) -> World:
    random.seed(seed)
    world = World()
    for worker in (*WORKERS, OUTSIDER):
        _referrals(world, worker)
        _cases(world, worker)
        _group_and_professional_work(world, worker)
        _visits(world, worker)
    random.shuffle(world.records)
    return world


def _check(report: Report, expected: Counter[str], worker_facing: bool) -> None:
    def pct(part: int, whole: int) -> float | None:
        return None if whole == 0 else 100.0 * part / whole

    e = expected
    assert report.count("referrals.received") == e["received"]
    assert report.count("referrals.accepted") == e["accepted"]
    assert report.count("referrals.declined") == e["declined"]
    assert report.count("referrals.waiting") == e["waiting"]
    assert report.count("one_to_one.active") == e["active"]
    assert report.count("one_to_one.new") == e["new"]
    assert report.count("one_to_one.continuing") == e["continuing"]
    assert report.count("one_to_one.cases_opened") == e["cases_opened"]
    assert report.count("one_to_one.contacts") == e["contacts"]
    assert report.count("groups.sessions") == e["group_sessions"]
    assert report.count("groups.young_people") == e["group_young_people"]
    assert report.count("professionals.trained") == e["trained"]
    for profession in Profession:
        key = f"trained.{profession.value}"
        assert report.count(f"professionals.{key}") == e[key]
    assert report.count("professionals.awareness") == e["awareness"]
    for profession in Profession:
        key = f"awareness.{profession.value}"
        assert report.count(f"professionals.{key}") == e[key]
    assert report.count("professionals.reached") == e["reached"]
    assert report.count("professionals.consultancies") == e["consultancies"]
    assert report.count("professionals.consulted") == e["consulted"]
    assert report.count("closures.closed") == e["closed"]
    for outcome in Outcome:
        key = f"closures.{outcome.value}"
        assert report.count(key) == e[f"outcome.{outcome.value}"]
        assert report.percent(key) == pct(e[f"outcome.{outcome.value}"], e["closed"])
    assert report.count("closures.not_lower") == e["not_lower"]
    for reason in ClosureReason:
        assert report.count(f"closures.not_lower.{reason.value}") == \
            e[f"not_lower.{reason.value}"]
    assert report.count("lone.visits") == e["visits"]
    assert report.count("lone.check_ins") == e["check_ins"]
    assert report.count("lone.on_time") == e["on_time"]
    assert report.count("lone.late") == e["late"]
    assert report.percent("lone.on_time") == pct(e["on_time"], e["check_ins"])
    suffix = "worker" if worker_facing else "hub"
    assert report.count("lone.escalated") == e[f"escalated_{suffix}"]
    assert report.count("lone.alarms") == e[f"alarms_{suffix}"]


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5])
def test_team_report_matches_the_generated_dataset(seed: int) -> None:
    world = generate(seed)
    team = [a for a in world.records if a.worker in WORKERS]
    total: Counter[str] = Counter()
    for worker in WORKERS:
        total.update(world.by_worker.get(worker, Counter()))

    names = {"w-amber": "Demo Amber", "w-birch": "Demo Birch", "w-new-starter": "Demo Ash"}
    report = compute_report(team, PERIOD, ReportScope(ScopeKind.TEAM, "North"),
                            workers=[*WORKERS, "w-new-starter"], names=names)

    _check(report, total, worker_facing=False)
    assert report.count("closures.closed") > 0  # the dataset exercises the outcome shares
    caseload = {f.label: f.count for f in report.figures
                if f.key.startswith("caseload.worker.")}
    # By name, alphabetically; a worker whose name is not known is never shown by id.
    assert caseload == {
        "Demo Ash": 0, "Demo Amber": world.by_worker["w-amber"]["caseload"],
        "Demo Birch": world.by_worker["w-birch"]["caseload"],
        "Unnamed worker 1": world.by_worker["w-cedar"]["caseload"],
    }
    assert [f.key for f in report.figures if f.key.startswith("caseload.worker.")] == [
        "caseload.worker.1", "caseload.worker.2", "caseload.worker.3", "caseload.worker.4"]
    assert report.count("caseload.total") == total["caseload"]
    assert not any(w in f.label or w in f.key for f in report.figures
                   for w in (*WORKERS, OUTSIDER, "w-new-starter"))
    assert report.scope_name == "Team North"


@pytest.mark.parametrize("seed", [6, 7])
def test_a_worker_scope_counts_only_that_workers_records(seed: int) -> None:
    world = generate(seed)
    worker = WORKERS[1]
    report = compute_report(world.records, PERIOD, ReportScope.parse(f"worker:{worker}"),
                            worker_facing=True)
    _check(report, world.by_worker[worker], worker_facing=True)
    assert [f.key for f in report.figures if f.key.startswith("caseload.")] == [
        "caseload.total", "caseload.worker.1"
    ]
    assert report.figure("caseload.worker.1").label == "Unnamed worker 1"
    assert report.count("capacity.worker.1") == world.by_worker[worker]["capacity"]
    assert report.scope_name == "One worker"


def test_a_duress_check_in_gives_the_worker_the_same_report_as_a_safe_one() -> None:
    start = datetime(2026, 5, 4, 9, tzinfo=UTC)
    plan = VisitPlan(id="vis-1", worker="w-amber", location="Demo Street", starts_at=start,
                     expected_end=start + timedelta(hours=3), mobile_number="07700 900123",
                     buddy_name="Demo Buddy", buddy_phone="07700 900456")

    def world(kind: CheckInKind) -> list[Attributed]:
        records: list[Record] = [
            plan,
            CheckIn(id="chk-1", visit_id="vis-1", kind=kind, at=start + timedelta(minutes=50)),
            CheckIn(id="chk-2", visit_id="vis-1", kind=CheckInKind.HOME_SAFE,
                    at=start + timedelta(minutes=100)),
        ]
        if kind is CheckInKind.DURESS:
            records.append(EscalationAlert(
                id="alt-1", visit_id="vis-1", tier="manager_decision",
                raised_at=start + timedelta(minutes=50), recipients=("manager",),
                reason=AlertReason.DURESS, cause_id="chk-1"))
            records.append(Alarm(id="alm-1", visit_id="vis-1", kind=AlarmKind.DURESS,
                                 raised_at=start + timedelta(minutes=51)))
        return [Attributed(r, "w-amber") for r in records]

    scope = ReportScope(ScopeKind.WORKER, "w-amber")
    safe = compute_report(world(CheckInKind.SAFE), PERIOD, scope, worker_facing=True)
    duress = compute_report(world(CheckInKind.DURESS), PERIOD, scope, worker_facing=True)
    assert duress.shown() == safe.shown()
    assert report_csv(duress) == report_csv(safe)
    # ...while the supervisor's view of the same visit shows the escalation and the alarms.
    hub_view = compute_report(world(CheckInKind.DURESS), PERIOD, scope)
    assert hub_view.count("lone.escalated") == 1
    assert hub_view.count("lone.alarms") == 2
    assert hub_view.count("lone.on_time") == safe.count("lone.on_time") == 2


def _referral(n: int, decision: ReferralDecision) -> Attributed:
    decided = None if decision is ReferralDecision.PENDING else date(2026, 5, 2)
    return Attributed(
        Referral(id=f"ref-{n}", young_person_id=f"yp-{n}", received_on=date(2026, 5, 1),
                 source_agency="Demo Agency", source_type=SourceType.POLICE,
                 reason="Demo reason", decision=decision, decided_on=decided,
                 decline_reason="Demo" if decision is ReferralDecision.DECLINED else ""),
        "w-amber",
    )


def test_funder_export_shows_small_counts_as_under_five_and_withholds_what_would_give_them_away(
) -> None:
    records = [_referral(n, ReferralDecision.ACCEPTED) for n in range(17)]
    records += [_referral(100 + n, ReferralDecision.DECLINED) for n in range(3)]
    report = compute_report(records, PERIOD, ReportScope(ScopeKind.HUB))

    plain = {row.key: row for row in report.shown()}
    assert (plain["referrals.declined"].value, plain["referrals.declined"].share) == ("3", "15%")
    funder = {row.key: row for row in report.shown(funder=True)}
    # 20 received = 17 accepted + 3 declined + 0 waiting: showing 17 would give the 3 away.
    assert [(funder[k].value, funder[k].count) for k in (
        "referrals.received", "referrals.accepted", "referrals.declined", "referrals.waiting"
    )] == [("20", 20), (HIDDEN, None), (SMALL, None), ("0", 0)]
    assert funder["referrals.accepted"].share == HIDDEN
    assert funder["referrals.declined"].share == HIDDEN
    assert funder["referrals.waiting"].share == "0%"


def test_suppression_holds_across_every_sum_of_a_generated_report() -> None:
    world = generate(11)
    report = compute_report(world.records, PERIOD, ReportScope(ScopeKind.HUB),
                            workers=[*WORKERS, OUTSIDER])
    counts = {f.key: f.count for f in report.figures}
    shown = {row.key: row for row in report.shown(funder=True)}
    assert any(row.value == SMALL for row in shown.values())
    for key, count in counts.items():
        if 1 <= count <= 4:
            assert shown[key].value == SMALL and shown[key].count is None
        elif shown[key].value != HIDDEN:
            assert shown[key].value == str(count)
    for total, parts in report.groups:
        assert counts[total] == sum(counts[p] for p in parts)
        hidden = [t for t in (total, *parts) if shown[t].count is None]
        assert len(hidden) != 1, f"{hidden[0]} could be worked out from its sum"
    for figure in report.figures:
        if figure.of is not None and (shown[figure.key].count is None
                                      or shown[figure.of].count is None):
            assert shown[figure.key].share == HIDDEN


def test_shares_of_closed_cases_add_up_and_are_shown_as_whole_percentages() -> None:
    outcomes = [Outcome.LOWER] * 18 + [Outcome.SAME] * 5 + [Outcome.HIGHER] * 2
    records: list[Attributed] = []
    for n, outcome in enumerate(outcomes):
        records.append(Attributed(Case(id=f"case-{n}", young_person_id=f"yp-{n}",
                                       key_worker="w-amber", opened_on=date(2026, 1, 5),
                                       status=CaseStatus.CLOSED, closed_on=date(2026, 5, 5)),
                                  "w-amber"))
        records.append(Attributed(Closure(
            id=f"clo-{n}", case_id=f"case-{n}", closed_on=date(2026, 5, 5),
            reason=ClosureReason.NON_ENGAGEMENT if n % 2 else ClosureReason.OUTCOMES_MET,
            outcome=outcome, closing_assessment_id=f"ra-{n}"), "w-amber"))
    report = compute_report(records, PERIOD, ReportScope(ScopeKind.WORKER, "w-amber"))
    rows = {row.key: row for row in report.shown()}
    assert [rows[f"closures.{o}"].share for o in ("lower", "same", "higher", "incomplete")] == [
        "72%", "20%", "8%", "0%"
    ]
    assert (rows["closures.not_lower"].value, rows["closures.not_lower"].share) == ("7", "28%")
    funder = {row.key: row for row in report.shown(funder=True)}
    assert funder["closures.lower"].share == "72%"
    assert funder["closures.higher"].value == SMALL
    assert funder["closures.higher"].share == HIDDEN


def test_csv_has_a_row_per_figure_with_the_funder_form_when_asked() -> None:
    records = [_referral(n, ReferralDecision.ACCEPTED) for n in range(6)]
    records.append(_referral(50, ReferralDecision.PENDING))
    report = compute_report(records, PERIOD, ReportScope(ScopeKind.TEAM, "North"))
    rows = list(csv.DictReader(io.StringIO(report_csv(report, funder=True))))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert len(rows) == len(report.figures)
    by_key = {row["key"]: row for row in rows}
    assert by_key["referrals.received"] == {
        "period_from": "2026-04-01", "period_to": "2026-06-30", "scope": "Team North",
        "section": "Referrals", "key": "referrals.received", "figure": "Referrals received",
        "count": "7", "share": "",
    }
    assert by_key["referrals.waiting"]["count"] == SMALL
    assert by_key["referrals.accepted"]["count"] == HIDDEN
    plain = {r["key"]: r for r in csv.DictReader(io.StringIO(report_csv(report)))}
    assert (plain["referrals.accepted"]["count"], plain["referrals.accepted"]["share"]) == (
        "6", "86%"
    )


def test_scopes_and_periods_are_checked() -> None:
    assert ReportScope.parse("hub") == ReportScope(ScopeKind.HUB)
    assert ReportScope.parse("team:North") == ReportScope(ScopeKind.TEAM, "North")
    assert str(ReportScope.parse("worker:w-1")) == "worker:w-1"
    for bad in ("", "team:", "worker", "hub:x", "region:North"):
        with pytest.raises(ValidationError):
            ReportScope.parse(bad)
    with pytest.raises(ValidationError):
        Period(date(2026, 5, 2), date(2026, 5, 1))
    assert date(2026, 4, 1) in PERIOD and date(2026, 7, 1) not in PERIOD
    assert Figure("k", "s", "l", 1).of is None


# ---------------------------------------------------------------------------------------------
# Known answers for the figures the evaluation reports (issue 14): small hand-built services,
# every expected number counted by hand in the comments.
# ---------------------------------------------------------------------------------------------

def _closed_case(n: int, outcome: Outcome, reason: ClosureReason,
                 decision: SignOffOutcome | None) -> list[Attributed]:
    day = date(2026, 5, n)
    records: list[Record] = [
        Case(id=f"case-{n}", young_person_id=f"yp-{n}", key_worker="w-amber",
             opened_on=date(2026, 1, 5), status=CaseStatus.CLOSED, closed_on=day),
        Closure(id=f"clo-{n}", case_id=f"case-{n}", closed_on=day, reason=reason,
                outcome=outcome, reason_detail="Demo detail",
                closing_assessment_id=None if outcome is Outcome.INCOMPLETE else f"ra-{n}",
                no_assessment_reason="Demo: not seen" if outcome is Outcome.INCOMPLETE else ""),
    ]
    if decision is not None:
        records.append(SignOff(
            id=f"so-{n}", case_id=f"case-{n}", request_id=f"clo-{n}", request_kind="closure",
            outcome=decision, decided_by="sup-1",
            decided_at=datetime(2026, 7, 2, 10, tzinfo=UTC),
            comment="" if decision is SignOffOutcome.APPROVED else "Demo: see the plan first"))
    return [Attributed(r, "w-amber") for r in records]


def _closures_service() -> list[Attributed]:
    approved = SignOffOutcome.APPROVED
    return [
        *_closed_case(1, Outcome.LOWER, ClosureReason.OUTCOMES_MET, approved),
        *_closed_case(2, Outcome.SAME, ClosureReason.NON_ENGAGEMENT, approved),
        *_closed_case(3, Outcome.INCOMPLETE, ClosureReason.MOVED_AWAY, approved),
        *_closed_case(4, Outcome.HIGHER, ClosureReason.NOT_CONTACTABLE, None),  # awaiting
        # Returned by the supervisor; the reopened header has not reached us yet.
        *_closed_case(5, Outcome.LOWER, ClosureReason.OUTCOMES_MET, SignOffOutcome.RETURNED),
        *_closed_case(6, Outcome.SAME, ClosureReason.NON_ENGAGEMENT, approved),
    ]


def test_why_risk_did_not_fall_covers_every_closure_not_at_lower_risk_by_reason() -> None:
    report = compute_report(_closures_service(), PERIOD, ReportScope(ScopeKind.WORKER,
                                                                     "w-amber"))
    # No sign-off on this service: all six closures count. Lower: 1 and 5; the other four
    # (same 2 and 6, not comparable 3, higher 4) are not at lower risk.
    assert report.count("closures.closed") == 6
    assert report.count("closures.not_lower") == 4
    assert report.percent("closures.not_lower") == pytest.approx(100 * 4 / 6)
    by_reason = {r: report.count(f"closures.not_lower.{r.value}") for r in ClosureReason}
    assert by_reason == {**dict.fromkeys(ClosureReason, 0), ClosureReason.NON_ENGAGEMENT: 2,
                         ClosureReason.MOVED_AWAY: 1, ClosureReason.NOT_CONTACTABLE: 1}
    assert report.figure("closures.not_lower.moved_away").label == \
        "Not at lower risk: Moved away"
    with pytest.raises(KeyError):
        report.figure("closures.awaiting")  # no sign-off, nothing awaits it


def test_a_closure_counts_once_signed_off_and_is_shown_apart_until_then() -> None:
    report = compute_report(_closures_service(), PERIOD,
                            ReportScope(ScopeKind.WORKER, "w-amber"), sign_off=True)
    # Approved: 1 (lower), 2 and 6 (same), 3 (not comparable). 4 awaits; 5 was returned.
    counts = {k: report.count(f"closures.{k}") for k in (
        "closed", "lower", "same", "higher", "incomplete", "not_lower",
        "not_lower.non_engagement", "not_lower.moved_away", "not_lower.not_contactable",
        "awaiting")}
    assert counts == {"closed": 4, "lower": 1, "same": 2, "higher": 0, "incomplete": 1,
                      "not_lower": 3, "not_lower.non_engagement": 2,
                      "not_lower.moved_away": 1, "not_lower.not_contactable": 0,
                      "awaiting": 1}
    assert report.figure("closures.closed").label == "Cases closed (signed off)"
    assert report.figure("closures.awaiting").label == \
        "Closed, awaiting sign-off (not counted above)"
    rows = {r.key: r for r in report.shown()}
    assert rows["closures.lower"].share == "25%"  # of the 4 signed off, not of 5 or 6


def test_professionals_reached_is_trained_plus_awareness_each_by_profession() -> None:
    def activity(n: int, kind: ActivityType, held: date,
                 *counts: tuple[Profession, int]) -> Attributed:
        return Attributed(ProfessionalActivity(id=f"pro-{n}", held_on=held, activity_type=kind,
                                               topic="Demo topic",
                                               attendees_by_profession=counts), "w-amber")

    may = date(2026, 5, 5)
    records = [
        activity(1, ActivityType.TRAINING, may, (Profession.POLICE, 3), (Profession.HEALTH, 2)),
        activity(2, ActivityType.TRAINING, may, (Profession.POLICE, 1),
                 (Profession.EDUCATION, 6)),
        activity(3, ActivityType.AWARENESS, may, (Profession.POLICE, 10),
                 (Profession.SOCIAL_CARE, 4)),
        activity(4, ActivityType.AWARENESS, date(2026, 3, 31), (Profession.HEALTH, 7)),  # before
        activity(5, ActivityType.CONSULTANCY, may, (Profession.OTHER, 5)),  # not "reached"
    ]
    report = compute_report(records, PERIOD, ReportScope(ScopeKind.WORKER, "w-amber"))
    # Trained 3+2+1+6 = 12; awareness 10+4 = 14; reached 12+14 = 26.
    assert [report.count(f"professionals.{k}") for k in (
        "reached", "trained", "awareness", "consulted")] == [26, 12, 14, 5]
    assert {p: report.count(f"professionals.awareness.{p.value}") for p in Profession} == {
        **dict.fromkeys(Profession, 0), Profession.POLICE: 10, Profession.SOCIAL_CARE: 4}
    assert report.figure("professionals.awareness.social_care").label == \
        "Awareness: Social care"
    assert ("professionals.reached", ("professionals.trained", "professionals.awareness")) \
        in report.groups


def test_new_cases_are_counted_apart_from_the_young_people_supported() -> None:
    def case(case_id: str, person: str, opened: date, closed: date | None = None) -> Attributed:
        return Attributed(Case(id=case_id, young_person_id=person, key_worker="w-amber",
                               opened_on=opened, closed_on=closed,
                               status=CaseStatus.CLOSED if closed else CaseStatus.OPEN),
                          "w-amber")

    records = [
        case("case-a1", "yp-a", date(2026, 4, 10), date(2026, 4, 20)),
        case("case-a2", "yp-a", date(2026, 6, 1)),  # yp-a referred again: a new case
        case("case-b1", "yp-b", date(2026, 1, 5)),  # continuing from before the period
        case("case-c1", "yp-c", date(2026, 7, 1)),  # after the period
    ]
    report = compute_report(records, PERIOD, ReportScope(ScopeKind.WORKER, "w-amber"))
    # Cases opened in the period: a1, a2 = 2. People supported: yp-a, yp-b = 2 (yp-a once);
    # new in the period: yp-a; continuing: yp-b.
    assert [report.count(f"one_to_one.{k}") for k in (
        "cases_opened", "active", "new", "continuing")] == [2, 2, 1, 1]
    assert report.figure("one_to_one.active").label == \
        "Young people supported (each counted once)"
    assert "a re-referral is a new case" in report.figure("one_to_one.cases_opened").label


def test_casework_per_worker_is_set_against_twenty_young_people_a_year() -> None:
    def people(worker: str, count: int) -> list[Attributed]:
        return [Attributed(Case(id=f"case-{worker}-{n}", young_person_id=f"yp-{worker}-{n}",
                                key_worker=worker, opened_on=date(2026, 4, 2)), worker)
                for n in range(count)]

    year = Period(date(2026, 4, 1), date(2027, 3, 31))  # 365 days
    records = people("w-amber", 10) + people("w-birch", 25)
    names = {"w-amber": "Demo Amber", "w-birch": "Demo Birch"}
    report = compute_report(records, year, ReportScope(ScopeKind.TEAM, "North"),
                            workers=["w-amber", "w-birch"], names=names)
    rows = {r.label: r for r in report.shown(funder=True) if r.key.startswith("capacity.")}
    # Expected a worker: 20 x 365 / 365.25 = 19.986; 10 / 19.986 = 50%, 25 / 19.986 = 125%;
    # together 35 / 39.97 = 88%.
    assert (rows["Demo Amber"].value, rows["Demo Amber"].share) == ("10", "50%")
    assert (rows["Demo Birch"].value, rows["Demo Birch"].share) == ("25", "125%")
    assert (rows["All workers together"].value, rows["All workers together"].share) == (
        "35", "88%")
    assert rows["Expected a worker a year (evaluation)"].value == "20"
    assert rows["Expected a worker this period (pro rata)"].value == "20"
    # A month: the expectation is 20 x 30 / 365.25 = 1.6, shown as 2 (a benchmark, never
    # "<5"); 3 young people are "<5" and so is their share.
    june = compute_report(people("w-amber", 3), Period(date(2026, 6, 1), date(2026, 6, 30)),
                          ReportScope(ScopeKind.WORKER, "w-amber"), names=names)
    shown = {r.key: r for r in june.shown(funder=True)}
    assert shown["capacity.expected"].value == "2"
    assert (shown["capacity.worker.1"].value, shown["capacity.worker.1"].share) == ("<5", "*")
    assert june.percent("capacity.worker.1") == pytest.approx(100 * 3 / (20 * 30 / 365.25))


def _area_case(n: int, area: str | None, opened: date, closed: date | None = None,
               outcome: Outcome | None = None, *, header: bool = True) -> list[Attributed]:
    records: list[Record] = []
    if header:
        records.append(Case(
            id=f"case-{n}", young_person_id=f"yp-{n}", key_worker="w-amber", opened_on=opened,
            status=CaseStatus.OPEN if closed is None else CaseStatus.CLOSED, closed_on=closed,
            local_authority=area))
    if closed is not None and outcome is not None:
        records.append(Closure(
            id=f"clo-{n}", case_id=f"case-{n}", closed_on=closed,
            reason=ClosureReason.OUTCOMES_MET if outcome is Outcome.LOWER
            else ClosureReason.NOT_CONTACTABLE, outcome=outcome,
            closing_assessment_id=None if outcome is Outcome.INCOMPLETE else f"ra-{n}",
            no_assessment_reason="Demo: not seen" if outcome is Outcome.INCOMPLETE else ""))
    return [Attributed(r, "w-amber") for r in records]


def test_cases_closures_and_outcomes_are_counted_per_local_authority_area() -> None:
    shire, city, town = "Example Shire", "sample City", "Test Town"
    before, new = date(2026, 1, 5), date(2026, 5, 1)
    records = [
        *_area_case(1, shire, before),                                    # open, from before
        *_area_case(2, shire, new),                                       # open, new
        *_area_case(3, shire, before, date(2026, 5, 9), Outcome.LOWER),   # closed, lower
        *_area_case(4, shire, new, date(2026, 6, 9), Outcome.INCOMPLETE),  # closed, not lower
        *_area_case(5, city, new, date(2026, 6, 1), Outcome.LOWER),       # closed, lower
        *_area_case(6, city, date(2026, 7, 1)),                           # after: not counted
        *_area_case(7, town, before, date(2026, 3, 1), Outcome.LOWER),    # before: not counted
        *_area_case(8, None, before),                                     # no area, open
        # A closure whose case header is not in the data: counted, area not recorded.
        *_area_case(9, shire, before, date(2026, 4, 20), Outcome.HIGHER, header=False),
    ]
    report = compute_report(records, PERIOD, ReportScope(ScopeKind.WORKER, "w-amber"))
    table = area_table(report)
    # Rows by name whatever the capitals, "not known or not recorded" last, then all areas.
    # Columns: open, new, from before, closed, at lower risk, risk not lower, not closed.
    assert table.rows == (
        ("Example Shire", ("4", "2", "2", "2", "1", "1", "2")),  # cases 1-4
        ("sample City", ("1", "1", "0", "1", "1", "0", "0")),    # case 5
        (AREA_NOT_RECORDED, ("2", "0", "2", "1", "0", "1", "1")),  # cases 8 and 9
        ("All areas", ("7", "3", "4", "4", "2", "2", "3")),
    )
    assert len(table.columns) == 7 and table.columns[0] == "Cases open in period"
    # The totals are the report's own figures for the same cases.
    assert (report.count("one_to_one.cases_opened"), report.count("closures.closed"),
            report.count("closures.lower"), report.count("closures.not_lower")) == (3, 4, 2, 2)
    assert report.figure("areas.1.closed").label == "Example Shire: Closed"
    # In the funder form every count under 5 is "<5" and the zeros stay.
    funder = area_table(report, funder=True)
    assert funder.rows[1] == ("sample City", ("<5", "<5", "0", "<5", "<5", "0", "0"))
    assert "Example Shire: Closed" in report_csv(report, funder=True)


def test_a_case_with_no_area_in_the_period_gives_just_the_totals_row() -> None:
    report = compute_report([], PERIOD, ReportScope(ScopeKind.WORKER, "w-amber"))
    assert area_table(report).rows == (("All areas", ("0",) * 7),)


# ------------------------------------------------- a report in the reader's language
# The hub labels figures in English; the app composes each label again from translated
# parts, by the figure's key.
@pytest.fixture
def marked() -> Iterator[None]:
    i18n.install(lambda context, text, disambiguation, n: f"<{text}>")
    yield
    i18n.install(None)


def test_untranslated_the_labels_are_the_hub_s_english() -> None:
    assert row_words("professionals.trained.police", "Trained: Police") == "Trained: Police"
    assert section_words(SECTION_CASELOAD) == SECTION_CASELOAD


def test_composed_labels_are_rebuilt_from_translated_parts(marked: None) -> None:
    assert row_words("professionals.trained.police", "Trained: Police") == "<Trained: <Police>>"
    assert row_words("closures.lower", "Lower risk than at the start").startswith("<")
    assert row_words("closures.not_lower.moved_away", "Not at lower risk: Moved away") == (
        "<Not at lower risk: <Moved away>>")
    assert row_words("referrals.received", "Referrals received") == "<Referrals received>"
    assert section_words(SECTION_AREAS) == "<Cases by local authority area>"
    assert section_words(SECTION_CASELOAD).startswith("<Caseload per worker (guide: ")


def test_data_in_a_label_is_never_translated(marked: None) -> None:
    assert row_words("caseload.worker.3", "Test Worker Ruth") == "Test Worker Ruth"
    assert row_words("areas.1.new", "Exampleshire: New cases") == "<Exampleshire: <New cases>>"
    assert row_words("areas.2.open", "Not known or not recorded: Cases open in period") == (
        "<<Not known or not recorded>: <Cases open in period>>")
    # A profession this laptop does not know yet (a newer hub): the hub's words, as sent.
    assert row_words("professionals.trained.astronaut", "Trained: Astronaut") == (
        "Trained: Astronaut")

