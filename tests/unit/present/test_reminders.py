"""The laptop's check-in reminders without Qt (``spokeapp.present.reminders``): which notices a
visit has and their words (only when a check-in is due, nothing personal). All data is
fictional."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from spokeapp.domain.lone_working import EscalationPolicy, reminder_times
from spokeapp.domain.records import CheckIn, CheckInKind
from spokeapp.present.reminders import Reminder, reminder_text, reminders_for
from spokeapp.present.visits import clock_text
from tests.helpers.lone_working import visit_plan

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
DUE = START + timedelta(hours=1)
PLAN = visit_plan("w1", START, location="Example Library")


def test_the_words_before_at_and_after_the_deadline() -> None:
    due = clock_text(DUE)
    assert reminder_text(DUE - timedelta(minutes=10), DUE) == (
        f"Check-in due at {due} (in 10 minutes). Check in on Spoke.")
    assert reminder_text(DUE - timedelta(seconds=5), DUE).startswith(
        f"Check-in due at {due} (in 1 minute)")  # never "in 0 minutes"
    assert reminder_text(DUE, DUE) == f"Check-in due now ({due}). Check in on Spoke, or text SAFE."
    assert reminder_text(DUE + timedelta(minutes=5), DUE).startswith(
        f"Your check-in was due at {due}. Check in now")


def test_a_reminder_shown_late_says_how_things_stand_then() -> None:
    early = Reminder(DUE - timedelta(minutes=10), DUE)
    assert early.words(DUE - timedelta(minutes=10)) == reminder_text(
        DUE - timedelta(minutes=10), DUE)
    assert early.words(DUE - timedelta(minutes=3)) == reminder_text(DUE - timedelta(minutes=3), DUE)
    assert early.words(DUE + timedelta(hours=2)) == reminder_text(DUE, DUE)  # not "overdue"
    late = Reminder(DUE + timedelta(minutes=5), DUE)
    assert late.words(DUE + timedelta(hours=1)) == reminder_text(DUE + timedelta(minutes=5), DUE)


def test_the_reminders_follow_the_domains_times_for_the_current_deadline() -> None:
    policy = EscalationPolicy()
    reminders = reminders_for(PLAN, [])
    assert [r.at for r in reminders] == reminder_times(PLAN, [], policy)
    assert reminders and {r.deadline for r in reminders} == {DUE}
    safe = CheckIn(id="c1", visit_id=PLAN.id, kind=CheckInKind.SAFE,
                   at=START + timedelta(minutes=50))
    moved = reminders_for(PLAN, [safe])
    assert {r.deadline for r in moved} == {safe.at + timedelta(hours=1)}


def test_an_ended_visit_has_no_reminders() -> None:
    ended = CheckIn(id="c2", visit_id=PLAN.id, kind=CheckInKind.END_VISIT,
                    at=START + timedelta(minutes=20))
    assert reminders_for(PLAN, [ended]) == []
