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
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

import pytest

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
    SourceType,
    VenueType,
    VisitPlan,
)
from spokeapp.domain.reports import (
    CSV_COLUMNS,
    HIDDEN,
    SMALL,
    Attributed,
    Figure,
    Period,
    Report,
    ReportScope,
    ScopeKind,
    compute_report,
    report_csv,
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
        if outcome in (Outcome.SAME, Outcome.HIGHER):
            world.expect(worker, "not_fallen")
            world.expect(worker, f"not_fallen.{reason.value}")


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
            keys.append("new" if category.startswith("opened_in") else "continuing")
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
        if kind is ActivityType.TRAINING:
            world.expect(worker, "trained", total)
            for profession, count in attendees.items():
                world.expect(worker, f"trained.{profession.value}", count)
        elif kind is ActivityType.AWARENESS:
            world.expect(worker, "awareness", total)
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
    assert report.count("one_to_one.contacts") == e["contacts"]
    assert report.count("groups.sessions") == e["group_sessions"]
    assert report.count("groups.young_people") == e["group_young_people"]
    assert report.count("professionals.trained") == e["trained"]
    for profession in Profession:
        key = f"trained.{profession.value}"
        assert report.count(f"professionals.{key}") == e[key]
    assert report.count("professionals.awareness") == e["awareness"]
    assert report.count("professionals.consultancies") == e["consultancies"]
    assert report.count("professionals.consulted") == e["consulted"]
    assert report.count("closures.closed") == e["closed"]
    for outcome in Outcome:
        key = f"closures.{outcome.value}"
        assert report.count(key) == e[f"outcome.{outcome.value}"]
        assert report.percent(key) == pct(e[f"outcome.{outcome.value}"], e["closed"])
    assert report.count("closures.not_fallen") == e["not_fallen"]
    for reason in ClosureReason:
        assert report.count(f"closures.not_fallen.{reason.value}") == \
            e[f"not_fallen.{reason.value}"]
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

    report = compute_report(team, PERIOD, ReportScope(ScopeKind.TEAM, "North"),
                            workers=[*WORKERS, "w-new-starter"],
                            names={"w-amber": "Demo Amber"})

    _check(report, total, worker_facing=False)
    assert report.count("closures.closed") > 0  # the dataset exercises the outcome shares
    for worker in WORKERS:
        assert report.count(f"caseload.worker.{worker}") == world.by_worker[worker]["caseload"]
    assert report.count("caseload.worker.w-new-starter") == 0
    assert report.count("caseload.total") == total["caseload"]
    assert report.figure("caseload.worker.w-amber").label == "Demo Amber"
    with pytest.raises(KeyError):
        report.figure(f"caseload.worker.{OUTSIDER}")


@pytest.mark.parametrize("seed", [6, 7])
def test_a_worker_scope_counts_only_that_workers_records(seed: int) -> None:
    world = generate(seed)
    worker = WORKERS[1]
    report = compute_report(world.records, PERIOD, ReportScope.parse(f"worker:{worker}"),
                            worker_facing=True)
    _check(report, world.by_worker[worker], worker_facing=True)
    assert [f.key for f in report.section("Caseload per worker")] == [
        "caseload.total", f"caseload.worker.{worker}"
    ]


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
    assert rows["closures.not_fallen"].value == "7"
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
        "period_from": "2026-04-01", "period_to": "2026-06-30", "scope": "team:North",
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
