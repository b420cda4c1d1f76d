"""Lone working: records, the visit timer, the overdue ladder, alarms, duress and SMS.

Every time is injected; the hub is simulated by ``Hub`` below, which ticks like the real
watcher (build the ``Visit``, call ``due_actions``, send, store ``alert_for``). All data is
fictional.
"""

from __future__ import annotations

import dataclasses
import json
import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from spokeapp.domain.errors import ValidationError
from spokeapp.domain.lone_working import (
    ALL_CLEAR_TIER,
    DEFAULT_TIERS,
    EVERYONE_TIER,
    REMINDER_TIER,
    SMS_USAGE,
    Action,
    ActionKind,
    EscalationPolicy,
    SmsCommand,
    SmsCommandKind,
    Tier,
    Visit,
    VisitState,
    alert_for,
    as_received,
    check_in_from_sms,
    check_in_label,
    debrief_done,
    debrief_tasks,
    default_interval,
    escalation_starts_at,
    name_warnings,
    next_deadline,
    parse_policy,
    reminder_times,
    sms_command,
    welfare_debrief_for,
    worker_facing_check_in,
)
from spokeapp.domain.records import (
    RECORD_TYPES,
    Alarm,
    AlarmKind,
    AlarmResolution,
    AlertAcknowledgement,
    AlertDelivery,
    AlertReason,
    CheckIn,
    CheckInChannel,
    CheckInKind,
    EscalationAlert,
    Record,
    VisitPlan,
    WelfareDebrief,
    WelfareDebriefDone,
    is_uk_postcode,
    normalise_phone_number,
    normalise_postcode,
    record_from_dict,
)

T0 = datetime(2024, 11, 5, 14, 0, tzinfo=UTC)  # the visit starts
ARMED = T0 - timedelta(minutes=5)  # the hub acknowledged the plan
D = T0 + timedelta(minutes=60)  # first check-in due (default interval)
MIN = timedelta(minutes=1)
POLICY = EscalationPolicy()
SECRET_NAME = "Zephyrine Kestrel"
SECRET_PHONE = "0123 not a number"


def m(minutes: float) -> timedelta:
    return timedelta(minutes=minutes)


def plan(**changes: Any) -> VisitPlan:
    base = VisitPlan(
        id="visit-1",
        worker="u-fict-worker",
        location="Fictional Cafe, High Street, SW1A 1AA",
        starts_at=T0,
        expected_end=T0 + timedelta(hours=4),
        mobile_number="07700 900123",
        buddy_name="Fictional Buddy",
        buddy_phone="07700 900456",
        case_reference="YP-0007",
        linked_case_id="case-1",
        vehicle="Blue hatchback",
        amber_note="Fictional: older males seen near the venue last week",
    )
    return dataclasses.replace(base, **changes)


def check_in(at: datetime, kind: CheckInKind = CheckInKind.SAFE, **changes: Any) -> CheckIn:
    ident = changes.pop("id", f"ci-{kind.value}-{at:%H%M%S}")
    return CheckIn(id=ident, visit_id="visit-1", kind=kind, at=at, **changes)


def extend(at: datetime, minutes: int) -> CheckIn:
    return check_in(at, CheckInKind.EXTEND, extend_minutes=minutes)


def alarm(at: datetime, kind: AlarmKind = AlarmKind.PANIC) -> Alarm:
    return Alarm(id=f"alarm-{kind.value}-{at:%H%M}", visit_id="visit-1", raised_at=at, kind=kind)


def debrief_note(debrief_id: str, at: datetime, by: str = "u-fict-sup") -> WelfareDebriefDone:
    return WelfareDebriefDone(
        id=f"wdd-{at:%d%H%M}-{by}", debrief_id=debrief_id, visit_id="visit-1", by=by, at=at,
        note="Met at the office on Wednesday: fine, no follow-up needed.",
    )


def resolution(at: datetime) -> AlarmResolution:
    return AlarmResolution(
        id=f"res-{at:%H%M}",
        visit_id="visit-1",
        by="u-fict-manager",
        at=at,
        note="Fictional: spoke to the worker by phone, she is safe and leaving.",
    )


@dataclass
class Hub:
    """A hub watcher ticking every minute: sends what is due and stores it as an alert."""

    plan: VisitPlan = field(default_factory=plan)
    policy: EscalationPolicy = POLICY
    armed_at: datetime | None = ARMED
    check_ins: list[CheckIn] = field(default_factory=list)
    alarms: list[Alarm] = field(default_factory=list)
    alerts: list[EscalationAlert] = field(default_factory=list)
    acks: list[AlertAcknowledgement] = field(default_factory=list)
    resolutions: list[AlarmResolution] = field(default_factory=list)
    auto_ack: frozenset[str] = frozenset()
    log: list[tuple[datetime, Action]] = field(default_factory=list)

    def visit(self) -> Visit:
        return Visit(
            plan=self.plan,
            armed_at=self.armed_at,
            check_ins=tuple(self.check_ins),
            alarms=tuple(self.alarms),
            alerts=tuple(self.alerts),
            acks=tuple(self.acks),
            resolutions=tuple(self.resolutions),
        )

    def due(self, now: datetime) -> list[Action]:
        return self.visit().due_actions(now, self.policy)

    def state(self, now: datetime) -> VisitState:
        return self.visit().state(now, self.policy)

    def tick(self, now: datetime) -> list[Action]:
        actions = self.due(now)
        for action in actions:
            alert = alert_for(action, id=f"alert-{len(self.alerts) + 1}", raised_at=now)
            alert.validate()
            self.alerts.append(alert)
            self.log.append((now, action))
            if action.tier in self.auto_ack:
                self.ack(alert, now)
        return actions

    def ack(self, alert: EscalationAlert, now: datetime) -> None:
        self.acks.append(
            AlertAcknowledgement(
                id=f"ack-{len(self.acks) + 1}",
                alert_id=alert.id,
                visit_id=self.plan.id,
                by="u-fict-manager",
                at=now,
            )
        )

    def run(self, start: datetime, end: datetime) -> list[tuple[datetime, Action]]:
        before = len(self.log)
        now = start
        while now <= end:
            self.tick(now)
            now += MIN
        return self.log[before:]


def timeline(
    log: list[tuple[datetime, Action]], origin: datetime = D
) -> list[tuple[float, str, str]]:
    """(minutes after ``origin`` it was sent, action kind, tier) for readable assertions."""
    return [((now - origin) / MIN, a.kind.value, a.tier) for now, a in log]


# --- records -----------------------------------------------------------------------------------


def valid_records() -> list[Record]:
    return [
        plan(),
        check_in(T0 + m(30)),
        extend(T0 + m(30), 30),
        alarm(T0 + m(40)),
        EscalationAlert(
            id="alert-1",
            visit_id="visit-1",
            tier="buddy",
            raised_at=D + m(15),
            recipients=("buddy",),
            reason=AlertReason.OVERDUE,
            deadline=D,
        ),
        AlertAcknowledgement(
            id="ack-1", alert_id="alert-1", visit_id="visit-1", by="u-fict-buddy", at=D + m(16)
        ),
        resolution(D + m(40)),
        WelfareDebrief(
            id="wd-1", visit_id="visit-1", supervisor="u-fict-sup", due_on=date(2024, 11, 7)
        ),
        debrief_note("wd-1", D + m(60 * 24)),
    ]


def test_lone_working_kinds_are_registered_and_only_the_debrief_task_is_mutable() -> None:
    flags = {
        k: RECORD_TYPES[k].EVENT
        for k in (
            "visit_plan",
            "check_in",
            "alarm",
            "escalation_alert",
            "alert_ack",
            "alarm_resolution",
            "welfare_debrief",
            "welfare_debrief_done",
        )
    }
    assert flags == {
        "visit_plan": True,
        "check_in": True,
        "alarm": True,
        "escalation_alert": True,
        "alert_ack": True,
        "alarm_resolution": True,
        "welfare_debrief": False,
        "welfare_debrief_done": True,
    }


@pytest.mark.parametrize("record", valid_records(), ids=lambda r: r.KIND)
def test_valid_records_pass_round_trip_and_are_never_case_scoped(record: Record) -> None:
    record.validate()
    wire = json.loads(json.dumps(record.to_dict()))
    assert record_from_dict(record.KIND, wire) == record
    assert isinstance(record, Record)
    # Safety records must never be refused by the hub for case scope (they travel first).
    assert record.case_id is None
    with pytest.raises(dataclasses.FrozenInstanceError):
        record.id = "other"  # type: ignore[misc]


def test_recipients_load_as_a_tuple_and_bad_lists_are_reported() -> None:
    data = valid_records()[4].to_dict()
    assert data["recipients"] == ["buddy"]
    with pytest.raises(ValidationError) as info:
        EscalationAlert.from_dict({**data, "recipients": "buddy"})
    assert [str(p) for p in info.value.problems] == ["recipients: must be a list"]
    with pytest.raises(ValidationError) as info:
        EscalationAlert.from_dict({**data, "recipients": ["buddy", 7]})
    assert info.value.fields() == {"recipients[1]"}


def test_default_interval_is_60_minutes_or_30_for_a_high_risk_visit() -> None:
    assert default_interval(False) == 60
    assert default_interval(True) == 30
    assert plan().check_in_interval_minutes is None
    assert plan().interval_minutes == 60
    # Marking a draft high-risk afterwards still gets the shorter default.
    assert dataclasses.replace(plan(), high_risk=True).interval_minutes == 30
    assert plan(high_risk=True, check_in_interval_minutes=45).interval_minutes == 45
    assert plan().to_dict()["check_in_interval_minutes"] is None


def test_a_visit_plan_has_no_field_for_the_young_persons_name() -> None:
    names = {f.name for f in dataclasses.fields(VisitPlan)}
    assert not names & {"name", "preferred_name", "young_person", "young_person_id"}
    assert "case_reference" in names  # the pseudonym, for display


def problems(record: Record) -> dict[str, str]:
    with pytest.raises(ValidationError) as info:
        record.validate()
    return {p.field: p.message for p in info.value.problems}


def test_plan_rules_are_all_reported_at_once_without_repeating_values() -> None:
    bad = plan(
        location=" ",
        case_reference=SECRET_NAME,
        starts_at=T0,
        expected_end=T0 - m(1),
        check_in_interval_minutes=241,
        mobile_number=SECRET_PHONE,
        buddy_name="",
        buddy_phone="not a phone",
    )
    found = problems(bad)
    assert set(found) == {
        "location",
        "case_reference",
        "expected_end",
        "check_in_interval_minutes",
        "mobile_number",
        "buddy_name",
        "buddy_phone",
    }
    assert found["case_reference"] == (
        "must be the case's pseudonymous reference (e.g. YP-0007), never a name"
    )
    assert found["mobile_number"] == (
        "must be a mobile number, e.g. 07700 900123 or +44 7700 900123"
    )
    assert found["check_in_interval_minutes"] == "must be between 5 and 240 minutes"
    for message in found.values():
        assert SECRET_NAME not in message and SECRET_PHONE not in message


@pytest.mark.parametrize("reference", ["Kestrel", "kestrel-amy", "YP 0007", "Y", "A" * 21])
def test_a_case_reference_must_look_like_a_pseudonym_not_a_name(reference: str) -> None:
    assert "case_reference" in problems(plan(case_reference=reference))


def test_plan_times_must_carry_a_zone_and_last_at_most_12_hours() -> None:
    naive = plan(starts_at=T0.replace(tzinfo=None))
    assert problems(naive) == {"starts_at": "must include a time zone"}
    long = plan(expected_end=T0 + timedelta(hours=12, minutes=1))
    assert "at most 12 hours" in problems(long)["expected_end"]
    plan(expected_end=T0 + timedelta(hours=12)).validate()


@pytest.mark.parametrize(
    "location",
    ["SW1A 1AA", "sw1a1aa", "M1 1AE", "GIR 0AA", "The community centre car park", "Car, B33 8TH"],
)
def test_location_is_free_text_or_a_uk_postcode(location: str) -> None:
    plan(location=location).validate()


@pytest.mark.parametrize("location", ["SW1A 1A", "M1 1A", "SW1A1AAA"])
def test_a_mistyped_postcode_is_caught(location: str) -> None:
    assert "not a valid UK postcode" in problems(plan(location=location))["location"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("sw1a1aa", "SW1A 1AA"),
        (" m1 1ae ", "M1 1AE"),
        ("B338TH", "B33 8TH"),
        ("SW1A", None),
        ("12345", None),
    ],
)
def test_postcodes_normalise(text: str, expected: str | None) -> None:
    assert normalise_postcode(text) == expected
    assert is_uk_postcode(text) is (expected is not None)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("07700 900123", "+447700900123"),
        ("+44 7700 900123", "+447700900123"),
        ("+44 (0)7700 900123", "+447700900123"),
        ("0044 7700-900-123", "+447700900123"),
        ("020 7946 0018", "+442079460018"),
        ("+33 6 12 34 56 78", "+33612345678"),
        ("0770090012", "+44770090012"),  # 9 national digits: a valid UK length (some areas)
        ("07700 9001", None),  # 8 national digits: too short for the UK
        ("077009001234", None),  # too long for the UK
        ("+0 123 456 789", None),
        ("7700 900123", None),
        ("call me", None),
        ("", None),
        ("+44 \uff17\uff17\uff10\uff10 900123", None),  # full-width (non-ASCII) digits
    ],
)
def test_phone_numbers_normalise_to_e164(text: str, expected: str | None) -> None:
    assert normalise_phone_number(text) == expected


def test_the_workers_number_must_be_a_mobile_but_the_buddy_may_use_a_landline() -> None:
    assert "mobile_number" in problems(plan(mobile_number="020 7946 0018"))
    plan(mobile_number="+33 6 12 34 56 78").validate()  # a non-UK mobile: E.164 accepted
    plan(buddy_phone="020 7946 0018").validate()
    assert problems(plan(buddy_phone="999")) == {
        "buddy_phone": "must be a phone number, e.g. 07700 900456 or +44 20 7946 0018"
    }


def test_name_warnings_catch_a_young_persons_name_in_the_free_text() -> None:
    careless = plan(location="Outside the Kestrel family flat", amber_note="ZEPHYRINE may be upset")
    found = name_warnings(careless, [SECRET_NAME, "Quillon Marsh"])
    assert {p.field for p in found} == {"location", "amber_note"}
    assert all("kestrel" not in str(p).lower() for p in found)
    assert name_warnings(plan(), [SECRET_NAME]) == []
    assert name_warnings(plan(location="Kestrelton Road"), [SECRET_NAME]) == []  # whole words
    assert name_warnings(plan(), ["", "  "]) == []


def test_check_in_rules() -> None:
    assert problems(check_in(T0, CheckInKind.EXTEND)) == {
        "extend_minutes": "say by how many minutes to extend"
    }
    assert problems(extend(T0, 4)) == {"extend_minutes": "must be between 5 and 240 minutes"}
    assert problems(extend(T0, 241)) == {"extend_minutes": "must be between 5 and 240 minutes"}
    assert problems(check_in(T0, extend_minutes=30)) == {
        "extend_minutes": "is only given when extending a visit"
    }
    assert problems(check_in(T0.replace(tzinfo=None))) == {"at": "must include a time zone"}


def test_a_duress_check_in_never_shows_in_repr_or_search() -> None:
    duress = check_in(T0, CheckInKind.DURESS, id="ci-x")
    assert "duress" not in repr(duress).lower()
    assert duress.searchable_text() == ""
    assert alarm(T0, AlarmKind.DURESS).searchable_text() == ""


def test_alert_rules() -> None:
    base = valid_records()[4]
    assert isinstance(base, EscalationAlert)
    assert problems(dataclasses.replace(base, deadline=None)) == {
        "deadline": "is required for a reminder or overdue alert"
    }
    assert problems(dataclasses.replace(base, reason=AlertReason.PANIC, deadline=None)) == {
        "cause_id": "is required for a panic or duress alert"
    }
    assert "deadline" in problems(
        dataclasses.replace(base, reason=AlertReason.ALL_CLEAR, deadline=None)
    )
    assert "recipients" in problems(dataclasses.replace(base, recipients=()))
    assert "recipients" in problems(dataclasses.replace(base, recipients=("Buddy Name",)))


def test_resolving_needs_a_real_note_and_prompts_a_debrief() -> None:
    short = dataclasses.replace(resolution(D), note="  ok fine ")
    assert problems(short) == {
        "note": "say what happened and what was done (at least 10 characters)"
    }
    debrief = welfare_debrief_for(resolution(D), id="wd-1", supervisor="u-fict-sup")
    assert debrief == WelfareDebrief(
        id="wd-1", visit_id="visit-1", supervisor="u-fict-sup", due_on=date(2024, 11, 7)
    )
    debrief.validate()
    assert problems(dataclasses.replace(debrief, done=True)) == {
        "done_on": "is required once the debrief is done"
    }
    assert "done_on" in problems(dataclasses.replace(debrief, done_on=date(2024, 11, 6)))


def test_a_debrief_is_done_with_a_real_note_and_the_first_completion_counts() -> None:
    debrief = welfare_debrief_for(resolution(D), id="wd-1", supervisor="u-fict-sup")
    assert problems(dataclasses.replace(debrief_note("wd-1", D), note=" fine ")) == {
        "note": "say when it took place, how it went and any follow-up (at least 10 characters)"
    }
    late_evening = datetime(2024, 11, 6, 23, 30, tzinfo=timezone(timedelta(hours=-2)))
    done = debrief_done(debrief, debrief_note("wd-1", late_evening))
    assert (done.done, done.done_on) == (True, date(2024, 11, 7))  # the day on the hub (UTC)
    done.validate()
    assert debrief_done(done, debrief_note("wd-1", D + m(60 * 48))) == done


def test_debrief_tasks_show_the_alarm_the_resolution_and_whether_it_is_done() -> None:
    first_alarm, second_alarm = alarm(T0 + m(10)), alarm(T0 + m(100))
    first, second = resolution(T0 + m(30)), resolution(T0 + m(120))
    debriefs = [
        welfare_debrief_for(r, id=f"wd-{n}", supervisor="u-fict-manager")
        for n, r in enumerate((first, second), start=1)
    ]
    overdue_only = resolution(D + m(200))  # an overdue visit resolved: no alarm, only alerts
    buddy = EscalationAlert(
        id="alert-buddy", visit_id="visit-1", tier="buddy", raised_at=D + m(150),
        recipients=("buddy",), reason=AlertReason.OVERDUE, deadline=D + m(135),
    )
    reminder = dataclasses.replace(buddy, id="alert-r", tier=REMINDER_TIER,
                                   recipients=("worker",), raised_at=D + m(140))
    third = welfare_debrief_for(overdue_only, id="wd-3", supervisor="u-fict-manager")
    orphan = WelfareDebrief(id="wd-0", visit_id="visit-9", supervisor="u-fict-sup",
                            due_on=date(2024, 11, 1))
    tasks = debrief_tasks(
        [third, *reversed(debriefs), orphan],
        [second, overdue_only, first],
        alarms=[first_alarm, second_alarm],
        alerts=[reminder, buddy],
        dones=[debrief_note("wd-1", D + m(600)), debrief_note("wd-1", D + m(60))],
    )
    assert [t.debrief.id for t in tasks] == ["wd-0", "wd-1", "wd-2", "wd-3"]
    orphan_task, one, two, three = tasks
    assert (orphan_task.resolution, orphan_task.alarm_at) == (None, None)
    assert orphan_task.overdue(date(2024, 11, 2)) and not orphan_task.overdue(date(2024, 11, 1))
    assert (one.resolution, one.alarm_at) == (first, first_alarm.raised_at)
    assert (two.resolution, two.alarm_at) == (second, second_alarm.raised_at)
    assert (three.resolution, three.alarm_at) == (overdue_only, buddy.raised_at)
    assert one.is_done and one.done is not None and one.done.at == D + m(60)  # the first
    assert not two.is_done and not two.overdue(date(2024, 11, 7))
    assert two.overdue(date(2024, 11, 8))
    ticked = dataclasses.replace(third, done=True, done_on=date(2024, 11, 6))
    assert debrief_tasks([ticked], [overdue_only])[0].is_done  # done on the hub, pulled


def test_a_duress_check_in_is_the_alarm_a_debrief_follows() -> None:
    duress = check_in(T0 + m(20), CheckInKind.DURESS)
    safe = check_in(T0 + m(10))
    resolved = resolution(T0 + m(40))
    debrief = welfare_debrief_for(resolved, id="wd-1", supervisor="u-fict-manager")
    [task] = debrief_tasks([debrief], [resolved], check_ins=[safe, duress])
    assert task.alarm_at == duress.at


# --- the timer ---------------------------------------------------------------------------------


def test_the_first_check_in_is_due_one_interval_after_the_start() -> None:
    assert next_deadline(plan(), []) == D
    assert next_deadline(plan(high_risk=True), []) == T0 + m(30)
    assert next_deadline(plan(expected_end=T0 + m(40)), []) == T0 + m(40)


def test_a_safe_check_in_resets_the_timer_but_never_beyond_the_expected_end() -> None:
    short = plan(expected_end=T0 + m(90))
    assert next_deadline(short, [check_in(T0 + m(20))]) == T0 + m(80)
    assert next_deadline(short, [check_in(T0 + m(50))]) == T0 + m(90)
    # Checking in after the expected end gives one more interval, not an instant overdue.
    assert next_deadline(short, [check_in(T0 + m(95))]) == T0 + m(155)


def test_extend_moves_the_expected_end_and_counts_as_a_check_in() -> None:
    short = plan(expected_end=T0 + m(90))
    assert next_deadline(short, [check_in(T0 + m(50))]) == T0 + m(90)
    assert next_deadline(short, [extend(T0 + m(50), 30)]) == T0 + m(110)
    assert next_deadline(short, [extend(T0 + m(85), 30)]) == T0 + m(120)
    # After the end, "extend by 30" means 30 minutes from now.
    assert next_deadline(short, [extend(T0 + m(100), 30)]) == T0 + m(130)
    # Extensions add up.
    assert next_deadline(short, [extend(T0 + m(80), 30), extend(T0 + m(100), 60)]) == T0 + m(160)


def test_ending_the_visit_stops_the_timer_and_later_events_are_ignored() -> None:
    for kind in (CheckInKind.END_VISIT, CheckInKind.HOME_SAFE):
        ended = [check_in(T0 + m(50), kind), check_in(T0 + m(70))]
        assert next_deadline(plan(), ended) is None


def test_order_of_arrival_does_not_matter_and_other_visits_are_ignored() -> None:
    history = [check_in(T0 + m(20)), extend(T0 + m(70), 30), check_in(T0 + m(100))]
    other = dataclasses.replace(check_in(T0 + m(150)), visit_id="visit-2", id="ci-other")
    expected = T0 + m(160)
    for _ in range(5):
        random.shuffle(history)
        assert next_deadline(plan(), [*history, other]) == expected


def test_duress_and_a_resolution_move_the_timer_exactly_like_safe() -> None:
    at = T0 + m(25)
    safe = next_deadline(plan(), [check_in(at)])
    assert next_deadline(plan(), [check_in(at, CheckInKind.DURESS)]) == safe
    assert next_deadline(plan(), [], resolutions=[resolution(at)]) == safe


def test_a_fast_device_clock_is_clamped_to_when_the_hub_received_the_check_in() -> None:
    received = T0 + m(30)
    fast = check_in(T0 + m(200))
    assert as_received(fast, received).at == received
    slow = check_in(T0 + m(10))
    assert as_received(slow, received) is slow


def test_armed_says_when_escalation_would_start() -> None:
    assert escalation_starts_at(plan(), [], POLICY) == D + m(15)
    assert (
        escalation_starts_at(plan(), [check_in(T0 + m(5), CheckInKind.END_VISIT)], POLICY) is None
    )


def test_reminder_times_for_the_laptops_own_notices() -> None:
    assert reminder_times(plan(), [], POLICY) == [D - m(10), D, D + m(5), D + m(10)]
    # A deadline set less than ten minutes ahead gets no "due soon" reminder.
    end_soon = plan(expected_end=T0 + m(65))
    assert reminder_times(end_soon, [check_in(T0 + m(60))], POLICY)[0] == T0 + m(65)
    assert reminder_times(plan(), [check_in(T0, CheckInKind.HOME_SAFE)], POLICY) == []


# --- the ladder --------------------------------------------------------------------------------


def test_the_full_ladder_fires_in_order_with_the_default_timings_and_stops_at_a_check_in() -> None:
    hub = Hub(auto_ack=frozenset({"buddy", "on_call_manager", "manager_decision"}))
    log = hub.run(ARMED, D + m(65))
    assert timeline(log) == [
        (-10, "remind_worker", REMINDER_TIER),
        (0, "remind_worker", REMINDER_TIER),
        (5, "remind_worker", REMINDER_TIER),
        (10, "remind_worker", REMINDER_TIER),
        (15, "alert_tier", "buddy"),
        (30, "alert_tier", "on_call_manager"),
        (60, "alert_tier", "manager_decision"),
    ]
    assert [a.reason for _, a in log] == [AlertReason.DUE] * 2 + [AlertReason.OVERDUE] * 5
    assert [a.recipients for _, a in log][4:] == [("buddy",), ("on_call_manager",), ("manager",)]
    assert [a.welfare_call_decision for _, a in log][4:] == [False, False, True]
    assert all(a.deadline == D for _, a in log)

    # The first check-in the hub receives stops the ladder and stands everyone down once.
    hub.check_ins.append(check_in(D + m(70)))
    stop = hub.tick(D + m(70))
    assert [(a.kind, a.tier, a.recipients, a.deadline) for a in stop] == [
        (ActionKind.STOP, ALL_CLEAR_TIER, ("buddy", "on_call_manager", "manager"), D)
    ]
    assert hub.state(D + m(70)) is VisitState.ARMED
    # The new round starts afresh: nothing until ten minutes before the new deadline.
    later = hub.run(D + m(71), D + m(130))
    assert timeline(later, D + m(130)) == [
        (-10, "remind_worker", REMINDER_TIER),
        (0, "remind_worker", REMINDER_TIER),
    ]


def test_the_state_follows_the_visit() -> None:
    hub = Hub(auto_ack=frozenset({"buddy"}))
    unarmed = dataclasses.replace(hub, armed_at=None)
    assert unarmed.state(D + m(90)) is VisitState.NOT_ARMED
    assert unarmed.due(D + m(90)) == []  # nobody is watching: say so, do not pretend
    expected = {
        T0: VisitState.ARMED,
        D - m(11): VisitState.ARMED,
        D - m(10): VisitState.DUE,
        D: VisitState.OVERDUE,
        D + m(14): VisitState.OVERDUE,
        D + m(15): VisitState.ESCALATING,
    }
    for now, state in expected.items():
        hub.tick(now)
        assert hub.state(now) is state, now
    hub.check_ins.append(check_in(D + m(20), CheckInKind.END_VISIT))
    assert hub.state(D + m(20)) is VisitState.ENDED
    assert [a.kind for a in hub.tick(D + m(20))] == [ActionKind.STOP]
    assert hub.run(D + m(21), D + m(300)) == []


def test_an_unacknowledged_tier_moves_up_after_two_minutes() -> None:
    hub = Hub()
    hub.run(ARMED, D + m(16))
    assert hub.due(D + m(16)) == []
    (move_up,) = hub.due(D + m(17))
    assert (move_up.kind, move_up.tier, move_up.at) == (
        ActionKind.ESCALATE_UNACKNOWLEDGED,
        "on_call_manager",
        D + m(17),
    )


def test_an_acknowledgement_stops_the_early_move_up_but_the_schedule_carries_on() -> None:
    hub = Hub(auto_ack=frozenset({"buddy"}))
    log = hub.run(ARMED, D + m(31))
    assert timeline(log)[-2:] == [
        (15, "alert_tier", "buddy"),
        (30, "alert_tier", "on_call_manager"),
    ]
    # A late acknowledgement (after the timeout, before the hub moved up) still stops it.
    late = Hub()
    late.run(ARMED, D + m(15))
    late.ack(late.alerts[-1], D + m(18))
    assert late.due(D + m(18)) == []
    assert late.due(D + m(29)) == []
    assert [a.tier for a in late.due(D + m(30))] == ["on_call_manager"]


def test_nobody_acknowledging_the_top_tier_reaches_everyone_on_the_list() -> None:
    hub = Hub()
    log = hub.run(ARMED, D + m(120))
    assert timeline(log)[4:] == [
        (15, "alert_tier", "buddy"),
        (17, "escalate_unacknowledged", "on_call_manager"),
        (19, "escalate_unacknowledged", "manager_decision"),
        (21, "escalate_unacknowledged", EVERYONE_TIER),
    ]
    everyone = log[-1][1]
    assert everyone.recipients == ("buddy", "on_call_manager", "manager")
    assert everyone.welfare_call_decision
    assert hub.state(D + m(120)) is VisitState.ESCALATING


def test_a_restarted_hub_resumes_where_it_was_and_sends_what_it_missed() -> None:
    hub = Hub(auto_ack=frozenset({"buddy", "on_call_manager", "manager_decision"}))
    hub.run(ARMED, D + m(12))  # then the hub is down until D + 45
    missed = hub.tick(D + m(45))
    assert [(a.tier, a.at) for a in missed] == [
        ("buddy", D + m(15)),
        ("on_call_manager", D + m(30)),
    ]
    assert hub.tick(D + m(45)) == []
    assert [a.tier for a in hub.tick(D + m(60))] == ["manager_decision"]


def test_due_actions_is_idempotent_once_the_alerts_are_recorded() -> None:
    hub = Hub()
    for now in (D - m(10), D, D + m(15), D + m(17), D + m(19), D + m(21)):
        first = hub.tick(now)
        assert first, now
        assert hub.due(now) == []
        assert hub.due(now + timedelta(seconds=59)) == []


def test_a_check_in_that_does_not_move_the_deadline_leaves_the_worker_overdue() -> None:
    short = plan(expected_end=T0 + m(90))
    hub = Hub(plan=short, auto_ack=frozenset({"buddy"}))
    hub.check_ins.append(check_in(T0 + m(50)))  # due at the end: T0 + 90
    hub.run(ARMED, T0 + m(106))
    # Made before the end, received after it: she is still overdue for the end of the visit.
    hub.check_ins.append(check_in(T0 + m(80), id="ci-late"))
    assert hub.state(T0 + m(106)) is VisitState.ESCALATING
    assert [a.kind for a in hub.tick(T0 + m(106))] == []
    assert [a.tier for a in hub.tick(T0 + m(120))] == ["on_call_manager"]


def test_extending_while_overdue_stops_the_ladder() -> None:
    hub = Hub(auto_ack=frozenset({"buddy"}))
    hub.run(ARMED, D + m(20))
    hub.check_ins.append(extend(D + m(20), 30))
    assert [a.kind for a in hub.tick(D + m(20))] == [ActionKind.STOP]
    assert next_deadline(hub.plan, hub.check_ins) == D + m(80)
    assert hub.state(D + m(21)) is VisitState.ARMED


def test_a_hubs_own_timings_are_used() -> None:
    quick = parse_policy(
        {
            "grace_minutes": 5,
            "reminder_before_minutes": 0,
            "grace_reminder_every_minutes": 0,
            "ack_timeout_minutes": 3,
            "tiers": [
                {"name": "buddy", "starts_after_minutes": 5, "recipients": ["buddy"]},
                {
                    "name": "duty_manager",
                    "starts_after_minutes": 20,
                    "recipients": ["duty_manager", "supervisor"],
                },
            ],
        }
    )
    hub = Hub(policy=quick)
    log = hub.run(ARMED, D + m(60))
    assert timeline(log) == [
        (0, "remind_worker", REMINDER_TIER),
        (5, "alert_tier", "buddy"),
        (8, "escalate_unacknowledged", "duty_manager"),
        (11, "escalate_unacknowledged", EVERYONE_TIER),
    ]
    assert log[-1][1].recipients == ("buddy", "duty_manager", "supervisor")


# --- alarms and duress -------------------------------------------------------------------------


def test_panic_goes_straight_to_the_top_and_then_to_everyone() -> None:
    hub = Hub()
    hub.alarms.append(alarm(T0 + m(20)))
    (top,) = hub.tick(T0 + m(20))
    assert (top.kind, top.tier, top.reason, top.cause_id) == (
        ActionKind.ALERT_TIER,
        "manager_decision",
        AlertReason.PANIC,
        "alarm-panic-1420",
    )
    assert top.welfare_call_decision
    assert hub.state(T0 + m(20)) is VisitState.ALARM
    assert hub.tick(T0 + m(21)) == []
    (everyone,) = hub.tick(T0 + m(22))
    assert (everyone.tier, everyone.reason) == (EVERYONE_TIER, AlertReason.PANIC)


def test_a_check_in_does_not_stop_an_alarm_only_a_resolution_does() -> None:
    hub = Hub(auto_ack=frozenset({"manager_decision"}))
    hub.alarms.append(alarm(T0 + m(20)))
    hub.tick(T0 + m(20))
    hub.check_ins.append(check_in(T0 + m(25)))
    assert hub.state(T0 + m(25)) is VisitState.ALARM
    assert hub.tick(T0 + m(25)) == []
    hub.resolutions.append(resolution(T0 + m(40)))
    (stop,) = hub.tick(T0 + m(40))
    assert (stop.kind, stop.recipients, stop.cause_id) == (
        ActionKind.STOP,
        ("manager",),
        "alarm-panic-1420",
    )
    # The worker, if still out, is still watched: the resolution counts as a safe check-in.
    assert hub.state(T0 + m(41)) is VisitState.ARMED
    assert next_deadline(hub.plan, hub.check_ins, resolutions=hub.resolutions) == T0 + m(100)
    assert hub.tick(T0 + m(41)) == []


def test_an_alarm_raised_after_a_resolution_is_not_covered_by_it() -> None:
    hub = Hub(auto_ack=frozenset({"manager_decision"}))
    hub.alarms.append(alarm(T0 + m(20)))
    hub.tick(T0 + m(20))
    hub.resolutions.append(resolution(T0 + m(30)))
    hub.tick(T0 + m(30))
    hub.alarms.append(alarm(T0 + m(29)))  # pressed before, but reached the hub after
    (again,) = hub.tick(T0 + m(35))
    assert (again.tier, again.cause_id) == ("manager_decision", "alarm-panic-1429")


def test_a_duress_check_in_silently_alerts_the_top_tier_and_never_the_worker() -> None:
    loud = EscalationPolicy(
        tiers=(
            Tier(name="buddy", starts_after_minutes=15, recipients=("worker", "buddy")),
            Tier(
                name="manager_decision", starts_after_minutes=60, recipients=("manager", "worker")
            ),
        )
    )
    hub = Hub(policy=loud)
    hub.check_ins.append(check_in(T0 + m(30), CheckInKind.DURESS, id="ci-pin"))
    actions = hub.tick(T0 + m(30))
    assert [(a.tier, a.reason, a.recipients, a.cause_id) for a in actions] == [
        ("manager_decision", AlertReason.DURESS, ("manager",), "ci-pin")
    ]
    assert hub.state(T0 + m(30)) is VisitState.ALARM
    (everyone,) = hub.tick(T0 + m(32))
    assert everyone.recipients == ("buddy", "manager")
    # A panic, by contrast, may tell the worker's phone.
    panic = Hub(policy=loud)
    panic.alarms.append(alarm(T0 + m(30)))
    assert panic.tick(T0 + m(30))[0].recipients == ("manager", "worker")


def test_a_duress_check_in_does_not_stand_down_a_running_ladder() -> None:
    hub = Hub(auto_ack=frozenset({"buddy", "manager_decision"}))
    hub.run(ARMED, D + m(20))  # buddy alerted at D + 15
    hub.check_ins.append(check_in(D + m(21), CheckInKind.DURESS, id="ci-pin"))
    actions = hub.tick(D + m(21))
    assert [(a.kind, a.reason) for a in actions] == [(ActionKind.ALERT_TIER, AlertReason.DURESS)]
    assert all(a.kind is not ActionKind.STOP for _, a in hub.run(D + m(22), D + m(200)))
    hub.resolutions.append(resolution(D + m(201)))
    stops = hub.tick(D + m(201))
    assert sorted((a.deadline is not None, a.recipients) for a in stops) == [
        (False, ("manager",)),
        (True, ("buddy",)),
    ]


def test_the_worker_sees_a_duress_check_in_exactly_as_a_safe_one() -> None:
    safe = check_in(T0 + m(30), id="ci-1")
    duress = check_in(T0 + m(30), CheckInKind.DURESS, id="ci-1")
    assert worker_facing_check_in(duress) == safe
    assert check_in_label(duress) == check_in_label(safe) == "Checked in: safe"
    assert worker_facing_check_in(safe) is safe
    duress_alarm = alarm(T0 + m(30), AlarmKind.DURESS)
    for now in (T0 + m(31), D + m(20), D + m(30), D + m(95), D + m(200)):
        as_safe = Visit(plan=plan(), armed_at=ARMED, check_ins=(safe,))
        as_duress = Visit(
            plan=plan(), armed_at=ARMED, check_ins=(duress,), alarms=(duress_alarm,)
        ).worker_facing_state(now, POLICY)
        assert as_duress == as_safe.worker_facing_state(now, POLICY), now
        assert as_duress is not VisitState.ALARM


def test_reminders_to_the_worker_carry_on_exactly_as_after_a_safe_check_in() -> None:
    def reminders(kind: CheckInKind) -> list[tuple[datetime, AlertReason]]:
        hub = Hub()
        hub.check_ins.append(check_in(T0 + m(30), kind, id="ci-1"))
        hub.run(ARMED, T0 + m(200))
        return [(now, a.reason) for now, a in hub.log if a.tier == REMINDER_TIER]

    assert reminders(CheckInKind.DURESS) == reminders(CheckInKind.SAFE)


def test_the_worker_sees_her_own_panic_until_it_is_resolved() -> None:
    panic = alarm(T0 + m(20))
    visit = Visit(plan=plan(), armed_at=ARMED, alarms=(panic,))
    assert visit.worker_facing_state(T0 + m(21), POLICY) is VisitState.ALARM
    after = dataclasses.replace(visit, resolutions=(resolution(T0 + m(30)),))
    assert after.worker_facing_state(T0 + m(31), POLICY) is VisitState.ARMED
    unarmed = dataclasses.replace(visit, armed_at=None)
    assert unarmed.worker_facing_state(T0, POLICY) is VisitState.NOT_ARMED


# --- the Visit aggregate --------------------------------------------------------------------


def test_a_visit_collects_its_own_records_by_kind_in_order() -> None:
    first, second = check_in(T0 + m(10), id="ci-1"), check_in(T0 + m(20), id="ci-2")
    other = CheckIn(id="ci-x", visit_id="visit-2", kind=CheckInKind.SAFE, at=T0)
    panic = alarm(T0 + m(30))
    sent = EscalationAlert(id="al-1", visit_id="visit-1", tier="buddy", raised_at=T0 + m(31),
                           recipients=("buddy",), reason=AlertReason.PANIC, cause_id=panic.id)
    ack = AlertAcknowledgement(id="ack-1", alert_id="al-1", visit_id="visit-1",
                               by="u-fict-manager", at=T0 + m(32))
    made = resolution(T0 + m(33))
    delivery = AlertDelivery(id="del-1", alert_id="al-1", visit_id="visit-1")
    debrief = welfare_debrief_for(made, id="wd-1", supervisor="u-fict-manager")
    visit = Visit.collect(
        plan(), [second, other, panic, first, sent, ack, made, delivery, debrief, "noise"],
        armed_at=ARMED,
    )
    assert visit.id == "visit-1" and visit.armed_at == ARMED
    assert visit.check_ins == (second, first)  # as given: the rules sort by time themselves
    assert (visit.alarms, visit.alerts, visit.acks) == ((panic,), (sent,), (ack,))
    assert (visit.resolutions, visit.deliveries) == ((made,), (delivery,))
    assert visit.delivery_of("al-1") is delivery and visit.delivery_of("al-2") is None


def test_a_visits_timer_is_the_module_timer_on_its_records() -> None:
    records = (check_in(T0 + m(30)), extend(T0 + m(45), 30))
    visit = Visit(plan=plan(), armed_at=ARMED, check_ins=records)
    assert visit.next_deadline() == next_deadline(plan(), records) == T0 + m(105)
    assert visit.escalation_starts_at(POLICY) == escalation_starts_at(plan(), records, POLICY)
    assert visit.reminder_times(POLICY) == reminder_times(plan(), records, POLICY)
    assert visit.ended_at is None
    home = check_in(T0 + m(90), CheckInKind.HOME_SAFE)
    ended = dataclasses.replace(
        visit, check_ins=(*records, home, check_in(T0 + m(95), CheckInKind.END_VISIT))
    )
    assert ended.ended_at == home.at
    assert ended.next_deadline() is None and ended.escalation_starts_at(POLICY) is None
    assert ended.state(T0 + m(96), POLICY) is VisitState.ENDED


def test_a_visit_is_not_armed_until_the_hub_acknowledged_it() -> None:
    visit = Visit(plan=plan())
    assert visit.state(D + m(90), POLICY) is VisitState.NOT_ARMED
    assert visit.due_actions(D + m(90), POLICY) == []
    assert visit.worker_facing_state(D + m(90), POLICY) is VisitState.NOT_ARMED


def test_a_visit_with_each_alert_stored_has_nothing_more_due() -> None:
    visit = Visit(plan=plan(), armed_at=ARMED)
    now = D + m(16)
    due = visit.due_actions(now, POLICY)
    assert [a.tier for a in due] == [DEFAULT_TIERS[0].name]
    assert visit.state(now, POLICY) is VisitState.OVERDUE
    stored = visit.with_alert(alert_for(due[0], id="al-1", raised_at=now))
    assert visit.alerts == () and len(stored.alerts) == 1  # the visit itself is unchanged
    assert stored.due_actions(now, POLICY) == []
    assert stored.state(now, POLICY) is VisitState.ESCALATING


def test_an_alert_that_reached_nobody_moves_up_at_once() -> None:
    now = D + m(16)
    visit = Visit(plan=plan(), armed_at=ARMED)
    first = alert_for(visit.due_actions(now, POLICY)[0], id="al-1", raised_at=now)
    stored = visit.with_alert(first)
    assert stored.due_actions(now, POLICY) == []
    moved = stored.due_actions(now, POLICY, unreachable={"al-1"})
    assert [(a.kind, a.tier) for a in moved] == [
        (ActionKind.ESCALATE_UNACKNOWLEDGED, DEFAULT_TIERS[1].name)
    ]


def test_duress_is_an_alarm_on_the_hub_and_safe_on_the_workers_screen() -> None:
    duress = check_in(T0 + m(30), CheckInKind.DURESS, id="ci-1")
    silent = alarm(T0 + m(31), AlarmKind.DURESS)
    panic = alarm(T0 + m(32))
    visit = Visit(plan=plan(), armed_at=ARMED, check_ins=(duress,), alarms=(silent,))
    assert visit.state(T0 + m(33), POLICY) is VisitState.ALARM
    assert visit.worker_facing_state(T0 + m(33), POLICY) is VisitState.ARMED
    assert visit.duress_causes() == {"ci-1", silent.id}
    assert visit.live_panic_alarms() == []
    panicked = dataclasses.replace(visit, alarms=(silent, panic))
    assert panicked.live_panic_alarms() == [panic]
    assert panicked.worker_facing_state(T0 + m(33), POLICY) is VisitState.ALARM
    resolved = dataclasses.replace(panicked, resolutions=(resolution(T0 + m(40)),))
    assert resolved.live_panic_alarms() == []


def test_the_clock_must_carry_a_time_zone() -> None:
    with pytest.raises(ValueError, match="now must include a time zone"):
        Visit(plan=plan(), armed_at=ARMED).due_actions(D.replace(tzinfo=None), POLICY)


def test_times_in_other_zones_compare_as_instants() -> None:
    bst = timezone(timedelta(hours=1))
    hub = Hub()
    hub.check_ins.append(check_in((T0 + m(30)).astimezone(bst)))
    assert hub.state((T0 + m(80)).astimezone(bst)) is VisitState.DUE


# --- idempotence and ordering under random histories --------------------------------------------


@settings(max_examples=150, deadline=None)
@given(
    steps=st.lists(
        st.tuples(
            st.integers(min_value=1, max_value=25),  # minutes until the next hub tick
            st.sampled_from(
                [
                    "none",
                    "none",
                    "none",
                    "safe",
                    "extend",
                    "ack",
                    "panic",
                    "duress",
                    "resolve",
                    "end",
                ]
            ),
        ),
        min_size=1,
        max_size=25,
    )
)
def test_random_histories_never_repeat_an_alert(steps: list[tuple[int, str]]) -> None:
    hub = Hub()
    now = T0
    for index, (gap, event) in enumerate(steps):
        now += m(gap)
        if event in ("safe", "duress", "end"):
            kind = {
                "safe": CheckInKind.SAFE,
                "duress": CheckInKind.DURESS,
                "end": CheckInKind.END_VISIT,
            }[event]
            hub.check_ins.append(check_in(now, kind, id=f"ci-{index}"))
        elif event == "extend":
            hub.check_ins.append(extend(now, 30))
        elif event == "ack" and hub.alerts:
            hub.ack(hub.alerts[-1], now)
        elif event == "panic":
            hub.alarms.append(Alarm(id=f"alarm-{index}", visit_id="visit-1", raised_at=now))
        elif event == "resolve":
            hub.resolutions.append(dataclasses.replace(resolution(now), id=f"res-{index}"))
        hub.tick(now)
        assert hub.due(now) == []  # idempotent
    keys = [(a.tier, a.deadline, a.cause_id) for a in hub.alerts if a.tier != REMINDER_TIER]
    assert len(keys) == len(set(keys))
    # Within a round, tiers are alerted in ladder order.
    order = {t.name: i for i, t in enumerate(DEFAULT_TIERS)}
    by_round: dict[datetime, list[int]] = {}
    for a in hub.alerts:
        if a.reason is AlertReason.OVERDUE and a.tier in order and a.deadline is not None:
            by_round.setdefault(a.deadline, []).append(order[a.tier])
    for tiers in by_round.values():
        assert tiers == sorted(tiers)
    # Duress never reaches the worker.
    assert all("worker" not in a.recipients for a in hub.alerts if a.reason is AlertReason.DURESS)


# --- the policy --------------------------------------------------------------------------------


def test_the_default_policy_is_the_usual_ladder_and_round_trips() -> None:
    assert parse_policy({}) == POLICY
    assert parse_policy(json.loads(json.dumps(POLICY.to_dict()))) == POLICY
    assert [(t.name, t.starts_after_minutes) for t in POLICY.tiers] == [
        ("buddy", 15),
        ("on_call_manager", 30),
        ("manager_decision", 60),
    ]
    assert (POLICY.grace_minutes, POLICY.reminder_before_minutes, POLICY.ack_timeout_minutes) == (
        15,
        10,
        2,
    )
    POLICY.validate()


def policy_problems(data: object) -> dict[str, str]:
    with pytest.raises(ValidationError) as info:
        parse_policy(data)
    return {p.field: p.message for p in info.value.problems}


def test_policy_shape_errors_are_all_listed() -> None:
    assert policy_problems([]) == {"policy": "must be an object of settings"}
    found = policy_problems(
        {
            "grace_minutes": "15",
            "ack_timeout_minutes": True,
            "colour": "red",
            "tiers": [
                "buddy",
                {"name": 3, "starts_after_minutes": 1.5, "recipients": "buddy", "extra": 1},
                {"name": "x"},
            ],
        }
    )
    assert found == {
        "grace_minutes": "must be a whole number of minutes",
        "ack_timeout_minutes": "must be a whole number of minutes",
        "colour": "is not a setting of the escalation policy",
        "tiers[0]": "must be an object with name, starts_after_minutes and recipients",
        "tiers[1].extra": "is not a setting of a tier",
        "tiers[1].name": "must be text",
        "tiers[1].starts_after_minutes": "must be a whole number of minutes",
        "tiers[1].recipients": "must be a list of role names",
        "tiers[2].starts_after_minutes": "is required",
        "tiers[2].recipients": "is required",
    }
    assert policy_problems({"tiers": {}}) == {"tiers": "must be a list of tiers"}


def test_policy_rules_are_all_listed() -> None:
    found = policy_problems(
        {
            "grace_minutes": 20,
            "ack_timeout_minutes": 0,
            "tiers": [
                {"name": "buddy", "starts_after_minutes": 10, "recipients": ["buddy"]},
                {"name": "buddy", "starts_after_minutes": 10, "recipients": ["Manager Name"]},
                {"name": "everyone", "starts_after_minutes": 30, "recipients": ["a", "a"]},
                {"name": "Top", "starts_after_minutes": 40, "recipients": ["worker"]},
            ],
        }
    )
    assert found == {
        "ack_timeout_minutes": "must be between 1 and 30 minutes",
        "tiers[0].starts_after_minutes": (
            "the first tier starts when the grace period ends or later (at least grace_minutes)"
        ),
        "tiers[1].name": "is used by another tier",
        "tiers[1].starts_after_minutes": "must be later than the tier before",
        "tiers[1].recipients": "each must be a role name such as buddy or on_call_manager",
        "tiers[2].name": "is reserved by Spoke; choose another",
        "tiers[2].recipients": "name each recipient once",
        "tiers[3].name": "must be lower-case letters, digits or _ (e.g. buddy)",
        "tiers[3].recipients": "the top tier must alert someone other than the worker",
    }
    assert policy_problems({"tiers": []}) == {"tiers": "give between 1 and 6 tiers"}


# --- SMS ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("SAFE", SmsCommand(SmsCommandKind.SAFE)),
        ("  safe. ", SmsCommand(SmsCommandKind.SAFE)),
        ("Safe!!", SmsCommand(SmsCommandKind.SAFE)),
        ("EXTEND 30", SmsCommand(SmsCommandKind.EXTEND, 30)),
        ("extend30", SmsCommand(SmsCommandKind.EXTEND, 30)),
        ("Extend: 45 mins", SmsCommand(SmsCommandKind.EXTEND, 45)),
        ("extend 5 minutes.", SmsCommand(SmsCommandKind.EXTEND, 5)),
        ("HELP", SmsCommand(SmsCommandKind.HELP)),
        ("help me", SmsCommand(SmsCommandKind.HELP)),
        ("Please help!", SmsCommand(SmsCommandKind.HELP)),
        ("not safe", None),
        ("I don't feel safe", None),
        ("safe safe", None),
        ("EXTEND", None),
        ("EXTEND 4", None),
        ("EXTEND 241", None),
        ("EXTEND 30 hours", None),
        ("EXTEND 999999999999999999999", None),
        ("SAFER", None),
        ("", None),
        ("hello", None),
    ],
)
def test_sms_commands(text: str, expected: SmsCommand | None) -> None:
    assert sms_command(text) == expected


def test_sms_commands_make_records() -> None:
    at = T0 + m(30)
    safe = check_in_from_sms(SmsCommand(SmsCommandKind.SAFE), id="ci-s", visit_id="visit-1", at=at)
    assert safe == CheckIn(
        id="ci-s", visit_id="visit-1", kind=CheckInKind.SAFE, at=at, channel=CheckInChannel.SMS
    )
    longer = check_in_from_sms(
        SmsCommand(SmsCommandKind.EXTEND, 30), id="ci-e", visit_id="visit-1", at=at
    )
    assert isinstance(longer, CheckIn) and longer.extend_minutes == 30
    longer.validate()
    panic = check_in_from_sms(SmsCommand(SmsCommandKind.HELP), id="al-h", visit_id="visit-1", at=at)
    assert panic == Alarm(id="al-h", visit_id="visit-1", raised_at=at, kind=AlarmKind.PANIC)
    assert "SAFE" in SMS_USAGE and "EXTEND" in SMS_USAGE and "HELP" in SMS_USAGE
