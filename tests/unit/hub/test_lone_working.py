"""The hub watch's own pure parts: when to look at a visit next, and whom an action reaches.
(The watch against a real hub and database is in tests/integration/hub.) Fictional data."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

from spokeapp.domain import lone_working as lw
from spokeapp.domain.records import AlertReason, CheckIn, CheckInKind
from spokeapp.hub.lone_working import RECHECK, next_check, targets_for
from spokeapp.hub.models import LoneWorkingContact, LoneWorkingWatch
from spokeapp.hub.notifiers import EmailSettings, NotifierSettings, WebhookSettings
from tests.helpers.lone_working import BUDDY_PHONE, WORKER_MOBILE, visit_plan

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
POLICY = lw.EscalationPolicy()
SETTINGS = NotifierSettings(
    email=EmailSettings(host="127.0.0.1", sender="spoke@example.org"),
    webhooks=(WebhookSettings(name="arc", url="https://arc.example.org"),),
    sms_url="https://sms.example.org",
)


def _visit() -> lw.Visit:
    return lw.Visit(plan=visit_plan("w1", START), armed_at=START)


def _watch() -> LoneWorkingWatch:
    return LoneWorkingWatch(visit_id="v1", worker_user="w1", team="north", mobile=None,
                            armed_at="x", updated_at="x")


def _contact(role: str, team: str | None, **changes: str) -> LoneWorkingContact:
    return LoneWorkingContact(id=role + str(team), role=role, team=team, user_id=None,
                              name="Demo", email=changes.get("email"),
                              phone=changes.get("phone"), created_at="x")


def test_next_look_is_the_next_reminder_or_tier_and_never_too_far() -> None:
    records = _visit()
    # deadline 10:00: the first reminder is due at 09:50
    assert next_check(records, START, POLICY) == START + RECHECK  # capped at 15 minutes
    assert next_check(records, START + timedelta(minutes=45), POLICY) == \
        START + timedelta(minutes=50)
    assert next_check(records, START + timedelta(minutes=60), POLICY) == \
        START + timedelta(minutes=65)  # the grace reminders every 5 minutes
    assert next_check(records, START + timedelta(minutes=75), POLICY) == \
        START + timedelta(minutes=90)  # on-call manager at +30


def test_an_ended_visit_is_not_looked_at_again() -> None:
    visit = _visit()
    records = dataclasses.replace(visit, check_ins=(
        CheckIn(id="c1", visit_id=visit.id, kind=CheckInKind.HOME_SAFE, at=START),
    ))
    assert next_check(records, START + timedelta(minutes=1), POLICY) is None


def test_targets_follow_roles_teams_and_channels() -> None:
    plan = visit_plan("w1", START)
    contacts = [
        _contact("on_call_manager", None, phone="+447700900789"),
        _contact("manager", "north", email="north@example.org"),
        _contact("manager", "south", email="south@example.org"),
    ]
    buddy = lw.Action(kind=lw.ActionKind.ALERT_TIER, visit_id=plan.id, tier="buddy",
                      recipients=("buddy",), at=START, reason=AlertReason.OVERDUE)
    assert {(t.channel, t.address) for t in targets_for(buddy, plan, _watch(), contacts,
                                                         SETTINGS)} == {
        ("sms", BUDDY_PHONE), ("webhook", "arc"),
    }
    everyone = lw.Action(kind=lw.ActionKind.ESCALATE_UNACKNOWLEDGED, visit_id=plan.id,
                         tier="everyone", recipients=("buddy", "on_call_manager", "manager"),
                         at=START, reason=AlertReason.DURESS, cause_id="c1")
    found = {(t.channel, t.address) for t in targets_for(everyone, plan, _watch(), contacts,
                                                         SETTINGS)}
    assert found == {("sms", BUDDY_PHONE), ("sms", "+447700900789"),
                     ("email", "north@example.org"), ("webhook", "arc")}
    assert ("sms", WORKER_MOBILE) not in found  # duress never reaches her phone
    reminder = lw.Action(kind=lw.ActionKind.REMIND_WORKER, visit_id=plan.id,
                         tier=lw.REMINDER_TIER, recipients=("worker",), at=START,
                         reason=AlertReason.DUE, deadline=START)
    assert [(t.channel, t.address) for t in targets_for(reminder, plan, _watch(), contacts,
                                                        SETTINGS)] == [("sms", WORKER_MOBILE)]
    # nothing configured: the in-app alert only
    assert targets_for(buddy, plan, _watch(), contacts, NotifierSettings()) == []
