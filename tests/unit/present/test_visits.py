"""The worker's visits without Qt (``spokeapp.present.visits``): NOT ARMED until the hub
acknowledged the plan, duress read exactly as safe, and the words of her screens. All data is
fictional."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from spokeapp.domain.lone_working import Visit, VisitState
from spokeapp.domain.records import Alarm, AlarmKind, AlarmResolution, CheckIn, CheckInKind
from spokeapp.present.visits import (
    VisitView,
    alarm_words,
    armed_at,
    clock_text,
    current_visit,
    plan_message,
    reach_words,
    today_words,
    unsent_words,
)
from spokeapp.store.sync_state import VisitWatch, WatchReach
from tests.helpers.lone_working import visit_plan

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
DUE = START + timedelta(hours=1)
PLAN = visit_plan("w1", START, location="Example Library")


def _watch(*, reach: WatchReach | None = None, over: bool = False) -> VisitWatch:
    return VisitWatch(visit_id=PLAN.id, escalation_starts_at=None if over else DUE,
                      acknowledged_at=START, reach=reach)


def _view(watch: VisitWatch | None = None, *, unsent: frozenset[str] = frozenset(),
          **records: tuple[object, ...]) -> VisitView:
    held = [record for kind in records.values() for record in kind]
    visit = Visit.collect(PLAN, held, armed_at=armed_at(watch))
    return VisitView(visit=visit, watch=watch, unsent=unsent)


def test_a_visit_is_armed_only_while_the_hub_says_it_is_watching() -> None:
    assert armed_at(None) is None
    assert armed_at(_watch(over=True)) is None
    assert armed_at(_watch()) == START
    unacknowledged = _view(unsent=frozenset({PLAN.id}))
    assert unacknowledged.state(START + timedelta(minutes=5)) is VisitState.NOT_ARMED
    assert not unacknowledged.armed and not unacknowledged.plan_sent
    watched = _view(_watch())
    assert watched.armed and watched.escalation_starts_at == DUE
    assert watched.state(START + timedelta(minutes=5)) is VisitState.ARMED
    assert watched.state(DUE) is VisitState.OVERDUE  # never "escalating" on her laptop


def test_duress_reads_exactly_as_safe_to_the_worker() -> None:
    at = START + timedelta(minutes=20)
    safe = CheckIn(id="c1", visit_id=PLAN.id, kind=CheckInKind.SAFE, at=at)
    duress = CheckIn(id="c1", visit_id=PLAN.id, kind=CheckInKind.DURESS, at=at)
    silent = Alarm(id="a1", visit_id=PLAN.id, raised_at=at, kind=AlarmKind.DURESS)
    as_safe = _view(_watch(), check_ins=(safe,))
    as_duress = _view(_watch(), check_ins=(duress,), alarms=(silent,))
    for now in (at, DUE, DUE + timedelta(minutes=30)):
        assert as_duress.state(now) is as_safe.state(now)
    assert as_duress.shown_check_ins == as_safe.shown_check_ins == [safe]
    assert as_duress.last_check_in_words() == as_safe.last_check_in_words()
    assert as_duress.deadline == as_safe.deadline == at + timedelta(hours=1)
    assert as_duress.panic_alarms() == []


def test_her_own_panic_shows_even_before_the_hub_has_the_plan() -> None:
    panic = Alarm(id="p1", visit_id=PLAN.id, raised_at=START + timedelta(minutes=5),
                  kind=AlarmKind.PANIC)
    view = _view(unsent=frozenset({PLAN.id, "p1"}), alarms=(panic,))
    assert view.state(START + timedelta(minutes=6)) is VisitState.ALARM
    assert view.panic_alarms() == [panic]
    assert alarm_words(view, [panic]).startswith("ALARM SAVED on this laptop")
    assert unsent_words([view])[0] == (
        f"Your ALARM at {clock_text(panic.raised_at)} (Example Library)"
    )
    resolved = AlarmResolution(id="r1", visit_id=PLAN.id, by="sup",
                               at=START + timedelta(minutes=9), note="Fictional: all fine.")
    after = _view(unsent=frozenset({PLAN.id}), alarms=(panic,), resolutions=(resolved,))
    assert after.panic_alarms() == []
    assert after.state(START + timedelta(minutes=10)) is VisitState.NOT_ARMED


def test_an_ended_visit_is_no_longer_current() -> None:
    home = CheckIn(id="h1", visit_id=PLAN.id, kind=CheckInKind.HOME_SAFE,
                   at=START + timedelta(minutes=40))
    ended = _view(_watch(over=True), check_ins=(home,))
    assert ended.ended and ended.deadline is None
    assert ended.state(START + timedelta(minutes=41)) is VisitState.ENDED
    assert current_visit([ended]) is None
    going = _view(_watch())
    assert current_visit([ended, going]) is going


def test_the_words_say_who_the_hub_would_alert() -> None:
    assert reach_words(None) == "Armed (this hub does not say who it would alert)."
    assert reach_words(WatchReach(people=0, by_channel={})) == (
        "Armed, but the hub has nobody to alert - call your manager."
    )
    assert reach_words(WatchReach(people=2, by_channel={"sms": 2, "email": 1, "webhook": 1})) == (
        "Armed: 2 people will be called by SMS and email and 1 alarm receiving centre will be "
        "told."
    )
    nobody = _view(_watch(reach=WatchReach(people=0, by_channel={})))
    assert plan_message(nobody).startswith(
        "Lone visit plan (Spoke). The hub cannot alert anyone about this visit"
    )
    unwatched = plan_message(_view())
    assert "The hub is NOT watching this visit" in unwatched
    assert f"next due {clock_text(DUE)}" in unwatched


def test_today_says_whether_the_hub_is_watching() -> None:
    now = START + timedelta(minutes=5)
    assert today_words(_view(), now).startswith("NOT ARMED (the hub is not watching yet)")
    assert today_words(_view(_watch()), now) == (
        f"ARMED — Example Library (YP-0007), until {clock_text(PLAN.expected_end)}; "
        f"next check-in due {clock_text(DUE)}"
    )
    assert today_words(_view(_watch()), DUE).startswith("ARMED, CHECK-IN OVERDUE")
