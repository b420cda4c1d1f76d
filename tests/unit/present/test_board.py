"""The supervisor's lone-working board without Qt (``spokeapp.present.board``): grouping the
casebook's records into visits, each visit's state and words at a moment, the board's order,
the timeline and the welfare debriefs to do. All data is fictional."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from spokeapp.domain import lone_working
from spokeapp.domain.lone_working import DebriefTask, EscalationPolicy, Visit, VisitState
from spokeapp.domain.records import (
    Alarm,
    AlarmKind,
    AlarmResolution,
    AlertAcknowledgement,
    AlertDelivery,
    AlertReason,
    CheckIn,
    CheckInKind,
    EscalationAlert,
    WelfareDebrief,
)
from spokeapp.present.board import (
    ALERTS,
    STATE,
    BoardVisit,
    Counts,
    Debrief,
    DebriefRow,
    armed_at_for,
    board_entries,
    cells,
    count,
    debrief_rows,
    evaluate,
    group_visits,
    minutes_words,
    open_alerts,
    reason_words,
    timeline,
    worker_label,
)
from spokeapp.store.sync_state import VisitWatch
from tests.helpers.lone_working import visit_plan

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
POLICY = EscalationPolicy()
DUE = START + timedelta(hours=1)  # the first check-in of a plan with the default interval


def _visit(worker: str = "w-other") -> BoardVisit:
    """A visit armed at its start, with no records yet."""
    return BoardVisit(Visit(plan=visit_plan(worker, START), armed_at=START), mine=worker == "me")


def _overdue_alert(visit: BoardVisit, tier: str = "buddy", minutes: int = 15) -> EscalationAlert:
    return EscalationAlert(
        id=f"al-{tier}", visit_id=visit.id, tier=tier, raised_at=DUE + timedelta(minutes=minutes),
        recipients=(tier,), reason=AlertReason.OVERDUE, deadline=DUE,
    )


def test_records_are_grouped_into_each_plans_visit_and_armed_as_the_laptop_can_tell() -> None:
    mine, theirs = visit_plan("me", START), visit_plan("w-other", START)
    check_in = CheckIn(id="c1", visit_id=theirs.id, kind=CheckInKind.SAFE, at=START)
    stray = CheckIn(id="c2", visit_id="not-held", kind=CheckInKind.SAFE, at=START)
    grouped = group_visits([mine, theirs], [check_in, stray, object()], me="me", watches={})
    assert [(v.id, v.mine) for v in grouped] == [(mine.id, True), (theirs.id, False)]
    assert grouped[0].visit.check_ins == () and grouped[1].visit.check_ins == (check_in,)
    # Someone else's plan came through the hub; one's own waits for the hub's word.
    assert grouped[1].visit.armed_at == theirs.starts_at
    assert grouped[0].visit.armed_at is None
    watch = VisitWatch(visit_id=mine.id, escalation_starts_at=DUE, acknowledged_at=START)
    assert armed_at_for(mine, mine=True, watch=watch) == START


def test_duress_is_an_alarm_on_the_team_board_but_not_on_ones_own_visit() -> None:
    plan = visit_plan("w-other", START)
    duress = CheckIn(id="c1", visit_id=plan.id, kind=CheckInKind.DURESS,
                     at=START + timedelta(minutes=20))
    theirs = BoardVisit(Visit(plan=plan, armed_at=START, check_ins=(duress,)), mine=False)
    now = START + timedelta(minutes=21)
    assert evaluate(theirs, now, POLICY).state is VisitState.ALARM
    own = BoardVisit(theirs.visit, mine=True)
    entry = evaluate(own, now, POLICY)
    assert entry.state is VisitState.ARMED and entry.open_alerts == ()
    assert "DURESS" in " ".join(text for _, text in timeline(theirs))
    assert "DURESS" not in " ".join(text for _, text in timeline(own))


def test_the_board_puts_the_most_urgent_first_and_lets_ended_visits_go() -> None:
    calm, late = _visit(), _visit()
    plan = visit_plan("w-3", START)
    home = CheckIn(id="h1", visit_id=plan.id, kind=CheckInKind.HOME_SAFE,
                   at=START + timedelta(minutes=30))
    ended = BoardVisit(Visit(plan=plan, armed_at=START, check_ins=(home,)), mine=False)
    safe = CheckIn(id="s1", visit_id=calm.id, kind=CheckInKind.SAFE,
                   at=START + timedelta(minutes=50))
    calm = BoardVisit(Visit(plan=calm.plan, armed_at=START, check_ins=(safe,)), mine=False)
    now = DUE + timedelta(minutes=5)
    entries = board_entries([ended, calm, late], now, POLICY)
    assert [e.visit_id for e in entries] == [late.id, calm.id, ended.id]
    assert [e.state for e in entries] == [VisitState.OVERDUE, VisitState.ARMED,
                                          VisitState.ENDED]
    assert entries[-1].ended_at == home.at
    later = home.at + timedelta(hours=12, minutes=1)
    assert board_entries([ended], later, POLICY) == []


def test_only_the_current_rounds_unacknowledged_alerts_are_open() -> None:
    visit = _visit()
    buddy = _overdue_alert(visit)
    manager = _overdue_alert(visit, "on_call_manager", 30)
    ack = AlertAcknowledgement(id="a1", alert_id=buddy.id, visit_id=visit.id, by="sup",
                               at=DUE + timedelta(minutes=16))
    old_round = EscalationAlert(
        id="al-old", visit_id=visit.id, tier="buddy", raised_at=START,
        recipients=("buddy",), reason=AlertReason.OVERDUE, deadline=START,
    )
    records = Visit(plan=visit.plan, armed_at=START, alerts=(buddy, manager, old_round),
                    acks=(ack,))
    assert open_alerts(records, VisitState.ESCALATING, DUE) == (manager,)
    assert open_alerts(records, VisitState.OVERDUE, DUE) == ()
    entry = evaluate(BoardVisit(records, mine=False), DUE + timedelta(minutes=31), POLICY)
    assert entry.state is VisitState.ESCALATING and entry.can_acknowledge
    assert cells(entry)[STATE] == "Overdue: alerts sent"
    assert cells(entry)[ALERTS] == "1 to acknowledge"
    failed = AlertDelivery(id="d1", alert_id=manager.id, visit_id=visit.id,
                           channels=("sms",), roles=("on_call_manager",),
                           statuses=("failed",), reasons=("timeout",), attempts=(3,))
    undelivered = BoardVisit(
        Visit(plan=visit.plan, armed_at=START, alerts=(buddy, manager), acks=(ack,),
              deliveries=(failed,)), mine=False,
    )
    entry = evaluate(undelivered, DUE + timedelta(minutes=31), POLICY)
    assert cells(entry)[ALERTS] == "1 to acknowledge - 1 NOT DELIVERED"


def test_alarms_are_counted_apart_from_overdue_visits() -> None:
    visit = _visit()
    panic = Alarm(id="p1", visit_id=visit.id, raised_at=START + timedelta(minutes=5),
                  kind=AlarmKind.PANIC)
    alarmed = BoardVisit(Visit(plan=visit.plan, armed_at=START, alarms=(panic,)), mine=False)
    entries = board_entries([visit, alarmed], DUE + timedelta(minutes=1), POLICY)
    assert entries[0].visit is alarmed and entries[0].can_resolve
    assert count(entries) == Counts(alarms=1, overdue=1)
    assert Counts(alarms=2, overdue=1).words() == "2 alarms, 1 overdue"
    assert Counts().words() == ""


def test_words_for_people_minutes_and_failures() -> None:
    assert worker_label("me", me="me", names={"me": "Demo"}) == "You"
    assert worker_label("w1", me="me", names={"w1": "Demo Worker"}) == "Demo Worker"
    assert worker_label("w2", me="me", names=None) == "w2"
    assert [minutes_words(m) for m in (5, 60, 95)] == ["5 min", "1 h", "1 h 35 min"]
    assert reason_words("http_500") == "the receiver answered with error 500"
    assert reason_words("timeout") == "no answer in time"


def test_debrief_rows_name_who_and_say_when_overdue() -> None:
    plan = visit_plan("w1", START)
    made = AlarmResolution(id="r1", visit_id=plan.id, by="sup", at=START + timedelta(hours=1),
                           note="Fictional: spoke to the worker, she is safe.")
    debrief = WelfareDebrief(id="d1", visit_id=plan.id, supervisor="sup",
                             due_on=date(2026, 3, 4))
    task = DebriefTask(debrief, made, alarm_at=START)
    now = datetime(2026, 3, 6, 9, 0, tzinfo=UTC)
    [row] = debrief_rows([Debrief(task, plan)], now, names={"w1": "Demo Worker"})
    assert isinstance(row, DebriefRow) and row.key == "d1"
    assert row.cells[0] == "Demo Worker" and row.cells[4] == "sup"
    assert row.cells[5] == "Resolved 3 days ago; debrief overdue"
    assert row.tooltip == "Debrief with the worker by Wed 4 Mar."
    [unknown] = debrief_rows([Debrief(lone_working.DebriefTask(debrief), None)], now)
    assert unknown.cells[:3] == ("Unknown worker", "A visit not held on this laptop", "")
