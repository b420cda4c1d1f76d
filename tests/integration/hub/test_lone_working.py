"""Lone-working escalation on a real hub (SQLite and PostgreSQL), driven by a manual clock.

Laptops push visit plans and check-ins over HTTP; the test ticks the hub's watch itself (the
background watch is off) and the hub's notifications reach a real, signature-checking
webhook receiver on loopback. Everything is fictional.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from spokeapp.domain.ids import new_id
from spokeapp.domain.lone_working import parse_policy
from spokeapp.domain.records import (
    AlarmResolution,
    AlertAcknowledgement,
    CheckIn,
    CheckInKind,
    EscalationAlert,
    VisitPlan,
    WelfareDebrief,
)
from spokeapp.hub import lone_working as hub_lw
from spokeapp.hub import safety_cli
from spokeapp.hub.cli import main as spoke_hub
from spokeapp.hub.config import HubSettings, LoneWorkingSecrets, WatchSettings
from spokeapp.hub.doctor import OK, WARN, Doctor
from spokeapp.hub.lone_working import Watcher
from spokeapp.hub.models import (
    AuditEntry,
    HubMeta,
    HubRecord,
    LoneWorkingDelivery,
    LoneWorkingWatch,
)
from spokeapp.hub.notifiers import (
    EmailSettings,
    NotifierSettings,
    WebhookSettings,
    signed_headers,
)
from spokeapp.hub.security import parse_iso
from tests.helpers.hub import Laptop, ManualClock, RunningHub, running_hub
from tests.helpers.lone_working import (
    BUDDY_PHONE,
    SMS_SECRET,
    WEBHOOK_SECRET,
    WORKER_MOBILE,
    SmtpSink,
    WebhookReceiver,
    arm_unchecked_visit,
    visit_plan,
)

ON_CALL_PHONE = "+447700900789"
MANAGER_EMAIL = "manager.north@example.org"


@dataclass
class World:
    hub: RunningHub
    clock: ManualClock
    receiver: WebhookReceiver
    smtp: SmtpSink
    worker: Laptop
    supervisor: Laptop
    outsider: Laptop
    watcher: Watcher

    def tick(self) -> int:
        alerts, _sent = self.watcher.tick()
        return alerts

    def walk(self, until: datetime, step: timedelta = timedelta(minutes=1)) -> None:
        """Move the clock on in steps, ticking the watch at each one."""
        self.tick()
        while self.clock.now < until:
            self.clock.now = min(self.clock.now + step, until)
            self.tick()

    def alerts(self, visit_id: str) -> list[EscalationAlert]:
        with Session(self.hub.engine) as session:
            bodies = session.scalars(select(HubRecord.body).where(
                HubRecord.kind == "escalation_alert")).all()
        found = [EscalationAlert.from_dict(b) for b in bodies]
        return sorted((a for a in found if a.visit_id == visit_id),
                      key=lambda a: (a.raised_at, a.id))

    def ladder(self, visit_id: str) -> list[tuple[str, datetime]]:
        return [(a.tier, a.raised_at) for a in self.alerts(visit_id)
                if a.tier != "worker_reminder"]

    def push_plan(self, plan: VisitPlan) -> dict[str, Any]:
        result: dict[str, Any] = self.push_records(self.worker, plan).json()["results"][0]
        return result

    def push_records(self, laptop: Laptop, *records: Any) -> httpx.Response:
        laptop.refresh()  # access tokens last 15 minutes of the manual clock
        return laptop.push_records(*records)

    def push(self, laptop: Laptop, record: Any) -> httpx.Response:
        laptop.refresh()
        return laptop.push(laptop.change(record))

    def pull_all(self, laptop: Laptop) -> list[dict[str, Any]]:
        laptop.refresh()
        return laptop.pull_all()

    def acknowledge(self, alert: EscalationAlert, by: Laptop | None = None) -> httpx.Response:
        laptop = by or self.supervisor
        ack = AlertAcknowledgement(id=new_id(), alert_id=alert.id, visit_id=alert.visit_id,
                                   by=laptop.user_id, at=self.clock.now)
        return self.push(laptop, ack)


@pytest.fixture
def world(database_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[World]:
    monkeypatch.setenv("SPOKE_HUB_WATCH_SECONDS", "0")  # the test ticks the watch itself
    monkeypatch.setenv("SPOKE_HUB_SMS_SECRET", SMS_SECRET)
    monkeypatch.setenv("SPOKE_HUB_WEBHOOK_SECRET", WEBHOOK_SECRET)  # the push's reach
    clock = ManualClock()
    secrets = LoneWorkingSecrets(webhook_secret=WEBHOOK_SECRET, sms_secret=SMS_SECRET)
    with (
        WebhookReceiver({"/arc": WEBHOOK_SECRET, "/sms": SMS_SECRET}) as receiver,
        SmtpSink() as smtp,
        running_hub(database_url, clock) as hub,
    ):
        worker_id = hub.admin.add_user("Demo Worker", "worker", "north")
        supervisor_id = hub.admin.add_user("Demo Supervisor", "supervisor", "north")
        outsider_id = hub.admin.add_user("Demo Other Supervisor", "supervisor", "south")
        with Session(hub.engine) as session, session.begin():
            hub_lw.save_notifier_settings(session, NotifierSettings(
                webhooks=(WebhookSettings(name="arc", url=receiver.url("/arc")),),
                sms_url=receiver.url("/sms"),
                email=EmailSettings(host="127.0.0.1", port=smtp.port,
                                    sender="spoke@example.org", starttls=False),
            ))
            session.add(hub_lw.LoneWorkingContact(
                id=new_id(), role="on_call_manager", team=None, user_id=None,
                name="Demo On-call", email=None, phone=ON_CALL_PHONE, created_at="x",
            ))
            for team, address in (("north", MANAGER_EMAIL), ("south", "south@example.org")):
                session.add(hub_lw.LoneWorkingContact(
                    id=new_id(), role="manager", team=team, user_id=None,
                    name="Demo Manager", email=address, phone=None, created_at="x",
                ))
        laptops = [hub.laptop(u) for u in (worker_id, supervisor_id, outsider_id)]
        watcher = Watcher(hub.engine, clock, secrets=lambda: secrets)
        yield World(hub, clock, receiver, smtp, *laptops, watcher)
        for laptop in laptops:
            laptop.close()


def _minutes(start: datetime, ladder: list[tuple[str, datetime]]) -> list[tuple[str, float]]:
    return [(tier, (at - start).total_seconds() / 60) for tier, at in ladder]


# --------------------------------------------------------------------------- the ladder
def test_plan_is_acknowledged_with_the_time_escalation_would_start(world: World) -> None:
    plan = visit_plan(world.worker.user_id, world.clock.now)
    result = world.push_plan(plan)
    assert result["watch"]["visit_id"] == plan.id
    # first check-in due after 60 minutes, then the 15-minute grace
    starts = parse_iso(result["watch"]["escalation_starts_at"])
    assert starts == plan.starts_at + timedelta(minutes=75)


def test_plan_and_check_in_in_one_batch_get_the_same_watch(world: World) -> None:
    """Made offline, they travel together: the watch is the one after the whole batch."""
    plan = visit_plan(world.worker.user_id, world.clock.now - timedelta(minutes=30))
    check_in = CheckIn(id=new_id(), visit_id=plan.id, kind=CheckInKind.SAFE,
                       at=world.clock.now - timedelta(minutes=5))
    results = world.push_records(world.worker, plan, check_in).json()["results"]
    watches = [r["watch"] for r in results]
    assert watches[0] == watches[1]
    assert parse_iso(watches[0]["escalation_starts_at"]) == check_in.at + timedelta(minutes=75)


def test_a_fast_device_clock_cannot_postpone_the_deadline(world: World) -> None:
    plan = visit_plan(world.worker.user_id, world.clock.now)
    world.push_plan(plan)
    world.clock.advance(minutes=20)
    fast = CheckIn(id=new_id(), visit_id=plan.id, kind=CheckInKind.SAFE,
                   at=world.clock.now + timedelta(minutes=30))  # the laptop's clock is fast
    result = world.push_records(world.worker, fast).json()["results"][0]
    # counted from when the hub heard it, not from the laptop's time
    assert parse_iso(result["watch"]["escalation_starts_at"]) == \
        world.clock.now + timedelta(minutes=75)


def test_full_ladder_fires_in_order_with_the_configured_timings(world: World) -> None:
    with Session(world.hub.engine) as session, session.begin():
        hub_lw.save_policy(session, parse_policy({
            "grace_minutes": 10, "reminder_before_minutes": 5,
            "grace_reminder_every_minutes": 0, "ack_timeout_minutes": 3,
            "tiers": [
                {"name": "buddy", "starts_after_minutes": 10, "recipients": ["buddy"]},
                {"name": "on_call_manager", "starts_after_minutes": 20,
                 "recipients": ["on_call_manager"]},
                {"name": "manager_decision", "starts_after_minutes": 40,
                 "recipients": ["manager"]},
            ],
        }))
    start = world.clock.now
    plan = visit_plan(world.worker.user_id, start, interval=30)
    assert parse_iso(world.push_plan(plan)["watch"]["escalation_starts_at"]) == \
        start + timedelta(minutes=40)
    deadline = start + timedelta(minutes=30)
    # Every tier is acknowledged as soon as it arrives: the schedule alone drives the ladder.
    while world.clock.now < deadline + timedelta(minutes=50):
        world.clock.advance(minutes=1)
        world.tick()
        for alert in world.alerts(plan.id):
            if alert.tier not in ("worker_reminder",) and alert.raised_at == world.clock.now:
                assert world.acknowledge(alert).status_code == 200
    reminders = [a.raised_at for a in world.alerts(plan.id) if a.tier == "worker_reminder"]
    assert reminders == [deadline - timedelta(minutes=5), deadline]
    assert _minutes(deadline, world.ladder(plan.id)) == [
        ("buddy", 10), ("on_call_manager", 20), ("manager_decision", 40),
    ]
    # The buddy by SMS (her number from the plan), the on-call manager by SMS, the ARC webhook
    sms = world.receiver.bodies("/sms")
    assert {b["to"] for b in sms} == {WORKER_MOBILE, BUDDY_PHONE, ON_CALL_PHONE}
    arc = [b["alert"]["tier"] for b in world.receiver.bodies("/arc")]
    assert arc == ["buddy", "on_call_manager", "manager_decision"]
    decision = world.receiver.bodies("/arc")[-1]
    assert decision["welfare_call_decision"] is True
    assert "999" in decision["text"] and "YP-0007" in decision["text"]
    # the 999 decision reaches the manager of the worker's team (not another team's) by email
    assert [(m["To"], m["Subject"]) for m in world.smtp.messages] == [
        (MANAGER_EMAIL, "Spoke overdue: Demo Worker"),
    ]
    assert "999" in world.smtp.messages[0].get_payload()


def test_first_check_in_stops_the_ladder_and_stands_everyone_down(world: World) -> None:
    start = world.clock.now
    plan = visit_plan(world.worker.user_id, start)
    world.push_plan(plan)
    deadline = start + timedelta(minutes=60)
    world.walk(deadline + timedelta(minutes=16))
    assert [tier for tier, _ in world.ladder(plan.id)] == ["buddy"]
    check_in = CheckIn(id=new_id(), visit_id=plan.id, kind=CheckInKind.SAFE,
                       at=world.clock.now)
    result = world.push_records(world.worker, check_in).json()["results"][0]
    assert parse_iso(result["watch"]["escalation_starts_at"]) == \
        world.clock.now + timedelta(minutes=60 + 15)
    world.walk(deadline + timedelta(minutes=90))
    tiers = [tier for tier, _ in world.ladder(plan.id)]
    assert tiers == ["buddy", "all_clear"]  # no on-call manager, no 999 decision
    all_clear = next(a for a in world.alerts(plan.id) if a.tier == "all_clear")
    assert all_clear.raised_at == deadline + timedelta(minutes=16)  # at the next tick
    assert all_clear.recipients == ("buddy",)


def test_ending_the_visit_stops_watching(world: World) -> None:
    plan = visit_plan(world.worker.user_id, world.clock.now)
    world.push_plan(plan)
    world.clock.advance(minutes=20)
    end = CheckIn(id=new_id(), visit_id=plan.id, kind=CheckInKind.HOME_SAFE,
                  at=world.clock.now)
    result = world.push_records(world.worker, end).json()["results"][0]
    assert result["watch"] == {"visit_id": plan.id, "escalation_starts_at": None, "reach": None}
    world.walk(world.clock.now + timedelta(hours=5), step=timedelta(minutes=5))
    assert world.alerts(plan.id) == []


def test_client_offline_before_its_deadline_is_escalated_on_time(world: World) -> None:
    """The laptop pushes the plan, then is never heard from again: the hub alone escalates."""
    start = world.clock.now
    plan = visit_plan(world.worker.user_id, start, interval=45)
    world.push_plan(plan)
    world.worker.close()  # out of signal for good
    deadline = start + timedelta(minutes=45)
    world.walk(deadline + timedelta(minutes=15), step=timedelta(seconds=30))
    assert world.ladder(plan.id) == [("buddy", deadline + timedelta(minutes=15))]
    assert [b["to"] for b in world.receiver.bodies("/sms")][-1] == BUDDY_PHONE


# --------------------------------------------------------------------------- a visit that fails
def _set_aside(world: World) -> list[tuple[str, str]]:
    """The watch's ``lw_watch_error`` audit entries: (visit id, detail)."""
    with Session(world.hub.engine) as session:
        rows = session.execute(select(AuditEntry.subject, AuditEntry.detail)
                               .where(AuditEntry.action == "lw_watch_error")
                               .order_by(AuditEntry.id)).all()
    return [(subject, detail) for subject, detail in rows]


def _next_look(world: World, visit_id: str) -> datetime:
    with Session(world.hub.engine) as session:
        stamp = session.scalar(select(LoneWorkingWatch.next_check_at)
                               .where(LoneWorkingWatch.visit_id == visit_id))
    assert stamp is not None
    return parse_iso(stamp)


@pytest.mark.parametrize("batch", [1, hub_lw.CLAIM_BATCH])
def test_a_visit_the_watch_cannot_work_out_does_not_stop_another_workers_alerts(
    world: World, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture,
    batch: int,
) -> None:
    """One visit whose escalation raises used to roll back its whole batch, round after
    round (it stayed the earliest due): another team's overdue worker got no alert. Now it
    is set aside for 15 minutes, logged and audited by id, and the others are alerted on
    time, whether it shares their batch or has one of its own."""
    monkeypatch.setattr(hub_lw, "CLAIM_BATCH", batch)
    other = world.hub.admin.add_user("Demo Other Worker", "worker", "south")
    broken = arm_unchecked_visit(world.hub.engine, other, "south", world.clock.now)
    start = world.clock.now
    plan = visit_plan(world.worker.user_id, start, interval=45)
    world.push_plan(plan)
    deadline = start + timedelta(minutes=45)

    with caplog.at_level(logging.ERROR, logger="spokeapp.hub.lone_working"):
        world.walk(deadline + timedelta(minutes=15))

    assert world.ladder(plan.id) == [("buddy", deadline + timedelta(minutes=15))]
    assert [b["to"] for b in world.receiver.bodies("/sms")][-1] == BUDDY_PHONE
    assert world.alerts(broken.id) == []
    # looked at again every 15 minutes (at 0, 15, 30, 45 and 60), not first in every round
    set_aside = _set_aside(world)
    assert [visit for visit, _ in set_aside] == [broken.id] * 5
    assert _next_look(world, broken.id) == start + timedelta(minutes=75)
    assert all(detail.startswith("error=OverflowError at=") for _, detail in set_aside)
    logged = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(logged) == 5 and all(broken.id in line for line in logged)
    for private in ("Demo", "Exampletown", "YP-0007", WORKER_MOBILE, BUDDY_PHONE, other):
        assert not any(private in line for line in logged)
        assert not any(private in detail for _, detail in set_aside)


def test_a_batch_failing_as_a_whole_is_looked_at_again_one_visit_at_a_time(
    world: World, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A failure outside any one visit's own evaluation (here: reading the batch's records)
    no longer drops the batch: each visit is evaluated in a transaction of its own, the one
    that fails alone is set aside, the others are alerted on time."""
    other = world.hub.admin.add_user("Demo Other Worker", "worker", "north")
    other_laptop = world.hub.laptop(other)
    start = world.clock.now
    broken = visit_plan(other, start - timedelta(minutes=1))
    assert world.push(other_laptop, broken).status_code == 200
    plan = visit_plan(world.worker.user_id, start, interval=45)
    world.push_plan(plan)
    read_visits = hub_lw.load_visits

    def failing(session: Session, visit_ids: Any) -> dict[str, Any]:
        visit_ids = list(visit_ids)
        if broken.id in visit_ids:
            raise RuntimeError("a fault reading this visit's records")
        return read_visits(session, visit_ids)

    monkeypatch.setattr(hub_lw, "load_visits", failing)
    deadline = start + timedelta(minutes=45)
    world.walk(deadline + timedelta(minutes=15))

    assert world.ladder(plan.id) == [("buddy", deadline + timedelta(minutes=15))]
    assert world.alerts(broken.id) == []
    set_aside = _set_aside(world)
    assert [visit for visit, _ in set_aside] == [broken.id] * 5  # every 15 minutes
    assert all(detail.startswith("error=RuntimeError at=") for _, detail in set_aside)
    other_laptop.close()


def _end_visit(world: World, capsys: pytest.CaptureFixture[str], *args: str
               ) -> tuple[int, str, str]:
    """``spoke-hub safety visit end ...`` as an administrator runs it (on the hub's clock)."""
    capsys.readouterr()
    code = spoke_hub(["safety", "visit", "end", *args, "--database", world.hub.database_url])
    out = capsys.readouterr()
    return code, out.out, out.err


def _hub_state(world: World) -> tuple[int, int, int, str | None]:
    """(records, audit entries, hub facts, the visit watch rows' next looks): what a refused
    command must leave as it was."""
    with Session(world.hub.engine) as session:
        looks = session.scalars(select(LoneWorkingWatch.next_check_at)
                                .order_by(LoneWorkingWatch.visit_id)).all()
        return (session.scalar(select(func.count()).select_from(HubRecord)) or 0,
                session.scalar(select(func.count()).select_from(AuditEntry)) or 0,
                session.scalar(select(func.count()).select_from(HubMeta)) or 0,
                ";".join(str(look) for look in looks))


def test_a_visit_set_aside_is_ended_for_good_from_the_command_line(
    world: World, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    """A plan stored before record dates were bounded (it starts in year 9999) is set aside
    by the watch every 15 minutes, forever, and doctor warns: nobody could end it. ``spoke-hub
    safety visit end`` does, for good: the hub writes its end-of-visit check-in (her laptop
    and her team's supervisors pull it), the watch never claims it again, it is audited with
    who and why, doctor stops warning. An unknown id, a visit the watch works out as usual,
    someone not allowed are refused, nothing changed; run twice, it changes nothing more."""
    monkeypatch.setattr(safety_cli, "utc_now", world.clock)
    broken = arm_unchecked_visit(world.hub.engine, world.worker.user_id, "north",
                                 world.clock.now)
    fine = visit_plan(world.worker.user_id, world.clock.now)
    world.push_plan(fine)
    world.walk(world.clock.now + timedelta(minutes=30), step=timedelta(minutes=5))
    assert [visit for visit, _ in _set_aside(world)] == [broken.id] * 3
    doctor = Doctor(HubSettings(database_url=world.hub.database_url), clock=world.clock)
    assert doctor.watch(world.hub.engine).status == WARN

    before = _hub_state(world)
    supervisor = world.supervisor.user_id
    for args, words in (
        (("no-such-visit", "--by", supervisor, "--reason", "over"),
         "No lone-working visit with id 'no-such-visit'"),
        ((fine.id, "--by", supervisor, "--reason", "over"), "is watched as usual (armed)"),
        ((broken.id, "--by", world.worker.user_id, "--reason", "over"),
         "is not an administrator, nor a supervisor of the visit's worker's team"),
        ((broken.id, "--by", world.outsider.user_id, "--reason", "over"),
         "is not an administrator, nor a supervisor of the visit's worker's team"),
        ((broken.id, "--by", "u-nobody", "--reason", "over"), "is not an administrator"),
    ):
        code, out, err = _end_visit(world, capsys, *args)
        assert (code, out) == (2, ""), args
        assert err.startswith("spoke-hub: ") and words in err and "nothing changed" in \
            err.lower(), err
    with pytest.raises(SystemExit) as exited:  # argparse: a reason it does not know
        _end_visit(world, capsys, broken.id, "--by", supervisor, "--reason", "bored")
    assert exited.value.code == 2
    assert _hub_state(world) == before

    code, out, err = _end_visit(world, capsys, broken.id, "--by", supervisor,
                                "--reason", "not-a-visit")

    assert code == 0, err
    assert f"Visit {broken.id} ended" in out
    with Session(world.hub.engine) as session:
        ending = session.execute(select(HubRecord).where(
            HubRecord.kind == "check_in",
            HubRecord.body["visit_id"].as_string() == broken.id)).scalars().one()
        assert (ending.author_user, ending.body["kind"], ending.body["channel"]) == (
            world.worker.user_id, "end_visit", "phone")
        entries = session.execute(select(AuditEntry.actor, AuditEntry.subject,
                                         AuditEntry.detail)
                                  .where(AuditEntry.action == "lw_visit_ended")).all()
    assert [tuple(e) for e in entries] == [(
        supervisor, broken.id,
        f"reason=not-a-visit;worker={world.worker.user_id};check_in={ending.record_id}")]
    # What the hub writes to end any visit: her laptop and her team's supervisors pull it.
    for laptop in (world.worker, world.supervisor):
        assert ending.record_id in {c["record_id"] for c in world.pull_all(laptop)}
    assert ending.record_id not in {c["record_id"] for c in world.pull_all(world.outsider)}
    # The watch looks at it once more (nobody was alerted: nothing to stand down), then never.
    set_aside = len(_set_aside(world))
    world.tick()
    with Session(world.hub.engine) as session:
        watch = session.get(LoneWorkingWatch, broken.id)
        assert watch is not None and watch.next_check_at is None
    world.push_records(world.worker, CheckIn(id=new_id(), visit_id=fine.id,
                                             kind=CheckInKind.HOME_SAFE, at=world.clock.now))
    world.walk(world.clock.now + timedelta(hours=3), step=timedelta(minutes=15))
    assert len(_set_aside(world)) == set_aside
    assert world.alerts(broken.id) == []
    assert doctor.watch(world.hub.engine).status == OK

    again = _hub_state(world)
    code, out, err = _end_visit(world, capsys, broken.id, "--by", supervisor,
                                "--reason", "not-a-visit")

    assert code == 0, err
    assert f"Visit {broken.id} is already over" in out and "nothing changed" in out
    assert _hub_state(world) == again


def test_unacknowledged_tier_moves_up_and_acknowledgement_stops_the_move(
    world: World,
) -> None:
    start = world.clock.now
    unacked = visit_plan(world.worker.user_id, start)
    acked = visit_plan(world.worker.user_id, start)
    world.push_plan(unacked)
    world.push_plan(acked)
    deadline = start + timedelta(minutes=60)
    world.walk(deadline + timedelta(minutes=15))
    buddy_alert = world.alerts(acked.id)[-1]
    assert buddy_alert.tier == "buddy"
    world.clock.advance(minutes=1)
    assert world.acknowledge(buddy_alert).status_code == 200
    world.walk(deadline + timedelta(minutes=30))
    # nobody acknowledged: on-call at +17 (2 minutes after the buddy), manager at +19, then
    # everyone on the list at +21
    assert _minutes(deadline, world.ladder(unacked.id)) == [
        ("buddy", 15), ("on_call_manager", 17), ("manager_decision", 19), ("everyone", 21),
    ]
    # acknowledged: no early move; the on-call manager only at the scheduled +30
    assert _minutes(deadline, world.ladder(acked.id)) == [
        ("buddy", 15), ("on_call_manager", 30),
    ]


# --------------------------------------------------------------------------- alarms
def test_duress_looks_like_safe_to_the_worker_and_raises_the_top_tier(world: World) -> None:
    start = world.clock.now
    safe_plan = visit_plan(world.worker.user_id, start)
    duress_plan = visit_plan(world.worker.user_id, start)
    world.push_plan(safe_plan)
    world.push_plan(duress_plan)
    world.pull_all(world.worker)
    world.clock.advance(minutes=20)
    safe = CheckIn(id=new_id(), visit_id=safe_plan.id, kind=CheckInKind.SAFE,
                   at=world.clock.now)
    duress = CheckIn(id=new_id(), visit_id=duress_plan.id, kind=CheckInKind.DURESS,
                     at=world.clock.now)
    safe_ack = world.push_records(world.worker, safe).json()["results"][0]["watch"]
    duress_ack = world.push_records(world.worker, duress).json()["results"][0]["watch"]
    # what the laptop hears back is exactly what a safe check-in gives
    assert duress_ack["escalation_starts_at"] == safe_ack["escalation_starts_at"]
    world.tick()
    alerts = world.alerts(duress_plan.id)
    assert [(a.tier, a.reason.value) for a in alerts] == [("manager_decision", "duress")]
    assert "worker" not in alerts[0].recipients
    assert world.alerts(safe_plan.id) == []
    # nothing reaches the worker's phone, and the alert never reaches her laptop
    assert WORKER_MOBILE not in {b["to"] for b in world.receiver.bodies("/sms")}
    assert "escalation_alert" not in {c["kind"] for c in world.pull_all(world.worker)}
    board = [c for c in world.pull_all(world.supervisor) if c["kind"] == "escalation_alert"]
    assert [c["record_id"] for c in board] == [alerts[0].id]
    arc = world.receiver.bodies("/arc")
    assert [b["alert"]["reason"] for b in arc] == ["duress"]
    # nobody acknowledges in 2 minutes: everyone on the list (still never the worker)
    world.clock.advance(minutes=2)
    world.tick()
    everyone = world.alerts(duress_plan.id)[-1]
    assert everyone.tier == "everyone" and "worker" not in everyone.recipients


def test_sms_help_raises_the_top_tier_at_once(world: World) -> None:
    plan = visit_plan(world.worker.user_id, world.clock.now)
    world.push_plan(plan)
    world.clock.advance(minutes=5)
    response = _sms(world, WORKER_MOBILE, "help!!")
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "alarm_raised"
    world.tick()
    assert [(a.tier, a.reason.value) for a in world.alerts(plan.id)] == [
        ("manager_decision", "panic"),
    ]


def test_resolution_stands_down_and_prompts_a_welfare_debrief(world: World) -> None:
    plan = visit_plan(world.worker.user_id, world.clock.now)
    world.push_plan(plan)
    _sms(world, WORKER_MOBILE, "HELP")
    world.tick()
    world.clock.advance(minutes=10)
    resolution = AlarmResolution(id=new_id(), visit_id=plan.id, by=world.supervisor.user_id,
                                 at=world.clock.now, note="Called her: safe, phone pressed by "
                                 "accident in a bag.")
    world.push_records(world.supervisor, resolution)
    world.tick()
    assert [a.tier for a in world.alerts(plan.id)] == ["manager_decision", "all_clear"]
    debriefs = [c for c in world.pull_all(world.supervisor) if c["kind"] == "welfare_debrief"]
    assert len(debriefs) == 1
    debrief = WelfareDebrief.from_dict(debriefs[0]["payload"])
    assert debrief.supervisor == world.supervisor.user_id and debrief.visit_id == plan.id


# --------------------------------------------------------------------------- who may write
def test_hub_authored_and_supervisor_only_records_are_refused_otherwise(world: World) -> None:
    plan = visit_plan(world.worker.user_id, world.clock.now)
    world.push_plan(plan)
    world.walk(world.clock.now + timedelta(minutes=75))
    alert = world.ladder(plan.id) and world.alerts(plan.id)[-1]
    assert isinstance(alert, EscalationAlert) and alert.tier == "buddy"
    before = world.hub.admin.state()
    # the worker cannot stand down her own alarm (she may be coerced)
    assert world.acknowledge(alert, by=world.worker).status_code == 403
    resolution = AlarmResolution(id=new_id(), visit_id=plan.id, by=world.worker.user_id,
                                 at=world.clock.now, note="All fine here, nothing happened.")
    assert world.push(world.worker, resolution).status_code == 403
    # a supervisor of another team may not either, nor anyone in another's name
    assert world.acknowledge(alert, by=world.outsider).status_code == 403
    forged = AlertAcknowledgement(id=new_id(), alert_id=alert.id, visit_id=plan.id,
                                  by=world.outsider.user_id, at=world.clock.now)
    assert world.push(world.supervisor, forged).status_code == 403
    # nobody but the hub writes alerts or debriefs
    fake = EscalationAlert(id=new_id(), visit_id=plan.id, tier="all_clear",
                           raised_at=world.clock.now, recipients=("buddy",),
                           reason=alert.reason.ALL_CLEAR, deadline=alert.deadline)
    assert world.push(world.worker, fake).status_code == 403
    debrief = WelfareDebrief(id=new_id(), visit_id=plan.id, supervisor="x",
                             due_on=world.clock.now.date())
    assert world.push(world.supervisor, debrief).status_code == 403
    assert world.hub.admin.state() == before
    # the worker's own supervisor may
    response = world.acknowledge(alert)
    assert response.status_code == 200
    assert response.json()["results"][0]["watch"]["visit_id"] == plan.id


def test_a_plan_naming_another_worker_is_refused(world: World) -> None:
    """The alerts name the worker the plan says (``worker``), while the watch, its team and
    who may stand it down follow the plan's author: a plan in a colleague's name would have
    the on-call tier told that she, safe at home, missed her check-in, and the one out there
    looked for under another name. Refused whole (403), nothing stored, nothing armed."""
    other = world.hub.laptop(world.hub.admin.add_user("Demo Worker Two", "worker", "south"))
    before = world.hub.admin.state()
    for laptop in (other, world.supervisor):  # another team's worker; her own supervisor
        theirs = visit_plan(world.worker.user_id, world.clock.now)
        response = world.push(laptop, theirs)
        assert response.status_code == 403, response.text
        assert response.json()["error"] == "forbidden"
        assert "in your own name" in response.json()["message"]
    assert world.hub.admin.state() == before
    world.walk(world.clock.now + timedelta(minutes=80))
    assert world.receiver.bodies("/arc") == []
    own = visit_plan(other.user_id, world.clock.now)
    assert world.push_records(other, own).json()["results"][0]["watch"]["visit_id"] == own.id
    other.close()



def test_a_plan_made_before_the_laptop_was_enrolled_is_still_watched(world: World) -> None:
    """Before enrolment a laptop writes as its own local name (``Casebook.author``), so a
    visit planned then names no one the hub knows: it names no colleague either, and is taken
    as the pusher's, watched as any other (not held on her laptop for good)."""
    plan = visit_plan("local-worker-before-enrolment", world.clock.now)
    response = world.push_records(world.worker, plan)
    assert response.json()["results"][0]["watch"]["visit_id"] == plan.id

# --------------------------------------------------------------------------- SMS check-ins
def _sms(world: World, sender: str, text: str, secret: str = SMS_SECRET,
         signed: bool = True) -> httpx.Response:
    body = json.dumps({"from": sender, "text": text}).encode()
    headers = (signed_headers(secret, body, now=world.clock.now.timestamp()) if signed
               else {"Content-Type": "application/json"})
    return httpx.post(f"{world.hub.base_url}/v1/lone-working/sms", content=body,
                      headers=headers)


def test_sms_safe_and_extend_check_in_on_the_open_visit(world: World) -> None:
    start = world.clock.now
    plan = visit_plan(world.worker.user_id, start)
    world.push_plan(plan)
    world.clock.advance(minutes=50)
    response = _sms(world, "07700 900123", "safe.")
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "checked_in"
    world.clock.advance(minutes=5)
    response = _sms(world, WORKER_MOBILE, "Extend 30 mins")
    assert response.json()["status"] == "extended"
    world.walk(start + timedelta(minutes=120))
    assert world.ladder(plan.id) == []  # the texts kept her safe: next due 55 + 60
    kinds = [c["kind"] for c in world.pull_all(world.worker)]
    assert kinds.count("check_in") == 2  # they reach her laptop like any check-in


def test_sms_refusals_change_nothing(world: World) -> None:
    plan = visit_plan(world.worker.user_id, world.clock.now)
    world.push_plan(plan)
    before = world.hub.admin.state()
    assert _sms(world, WORKER_MOBILE, "SAFE", signed=False).status_code == 401
    assert _sms(world, WORKER_MOBILE, "SAFE", secret="not-the-secret").status_code == 401
    stale = json.dumps({"from": WORKER_MOBILE, "text": "SAFE"}).encode()
    old = signed_headers(SMS_SECRET, stale, now=world.clock.now.timestamp() - 3600)
    assert httpx.post(f"{world.hub.base_url}/v1/lone-working/sms", content=stale,
                      headers=old).status_code == 401
    unknown = _sms(world, "+447700900999", "SAFE")
    assert unknown.status_code == 404 and unknown.json()["error"] == "unknown_number"
    garbage = _sms(world, WORKER_MOBILE, "not safe")
    assert garbage.status_code == 422 and "SAFE" in garbage.json()["message"]
    assert world.hub.admin.state() == before


# --------------------------------------------------------------------------- robustness
def test_hub_restarted_mid_ladder_resumes_where_it_was(world: World) -> None:
    start = world.clock.now
    plan = visit_plan(world.worker.user_id, start)
    world.push_plan(plan)
    deadline = start + timedelta(minutes=60)
    world.walk(deadline + timedelta(minutes=15))
    assert [tier for tier, _ in world.ladder(plan.id)] == ["buddy"]
    # the process stops; a new one (new holder, nothing in memory) takes over, and for a
    # while both run at once
    secrets = LoneWorkingSecrets(webhook_secret=WEBHOOK_SECRET, sms_secret=SMS_SECRET)
    other = Watcher(world.hub.engine, world.clock, secrets=lambda: secrets)
    world.clock.advance(minutes=30)
    other.tick()
    world.tick()
    other.tick()
    # the buddy is not alerted again; the overdue move-up to the on-call manager happens
    # at once (late: the hub was down) and exactly once, then the ladder carries on
    assert _minutes(deadline, world.ladder(plan.id)) == [("buddy", 15), ("on_call_manager", 45)]
    world.clock.advance(minutes=2)
    world.tick()
    other.tick()
    assert _minutes(deadline, world.ladder(plan.id)) == [
        ("buddy", 15), ("on_call_manager", 45), ("manager_decision", 47),
    ]
    with Session(world.hub.engine) as session:
        counts = session.execute(select(LoneWorkingDelivery.alert_id, func.count())
                                 .group_by(LoneWorkingDelivery.alert_id)).all()
    assert all(count <= 2 for _alert, count in counts)


def test_failing_notifier_is_retried_and_does_not_stop_the_ladder(world: World) -> None:
    start = world.clock.now
    plan = visit_plan(world.worker.user_id, start)
    world.push_plan(plan)
    world.receiver.fail_paths.add("/arc")
    deadline = start + timedelta(minutes=60)
    world.walk(deadline + timedelta(minutes=30))
    assert [t for t, _ in world.ladder(plan.id)] == [
        "buddy", "on_call_manager", "manager_decision", "everyone",
    ]
    assert world.receiver.bodies("/arc") == []
    assert BUDDY_PHONE in {b["to"] for b in world.receiver.bodies("/sms")}  # SMS went out
    with Session(world.hub.engine) as session:
        failing = session.scalars(select(LoneWorkingDelivery).where(
            LoneWorkingDelivery.channel == "webhook")).all()
        assert all(d.status == "pending" and d.attempts >= 1 and d.last_error == "http_500"
                   for d in failing)
    world.receiver.fail_paths.clear()
    world.walk(world.clock.now + timedelta(minutes=10))
    assert sorted(b["alert"]["tier"] for b in world.receiver.bodies("/arc")) == sorted(
        ["buddy", "on_call_manager", "manager_decision", "everyone"])
    with Session(world.hub.engine) as session:
        assert {d.status for d in session.scalars(select(LoneWorkingDelivery))} == {"sent"}


def test_every_notice_sent_is_audited_once_by_ids_and_codes(world: World) -> None:
    start = world.clock.now
    plan = visit_plan(world.worker.user_id, start)
    world.push_plan(plan)
    world.receiver.fail_paths.add("/arc")  # the alarm centre is down for the buddy tier
    world.walk(start + timedelta(minutes=60 + 16))
    with Session(world.hub.engine) as session:
        sent = session.scalars(select(LoneWorkingDelivery.id)
                               .where(LoneWorkingDelivery.status == "sent")).all()
        failing = session.scalars(select(LoneWorkingDelivery.id)
                                  .where(LoneWorkingDelivery.channel == "webhook")).all()
        audited = session.execute(select(AuditEntry.subject, AuditEntry.detail)
                                  .where(AuditEntry.action == "lw_notified")).all()
    assert len(sent) >= 3 and failing  # reminders and the buddy's SMS; the ARC retrying
    assert sorted(subject for subject, _ in audited) == sorted(sent)
    assert not set(failing) & {subject for subject, _ in audited}
    words = " ".join(detail for _, detail in audited)
    assert "channel=sms" in words and "attempt=1" in words
    for private in (BUDDY_PHONE, WORKER_MOBILE, "Demo", "YP-0007"):
        assert private not in words


def test_a_claim_sent_for_longer_than_its_lease_is_not_sent_again_by_another_hub(
    world: World,
) -> None:
    """Slow receivers: a hub still sending the notices it claimed renews its claim as it
    records them, so a second hub does not take the rest over and send them twice."""
    start = world.clock.now
    plans = [visit_plan(world.worker.user_id, start) for _ in range(3)]
    assert world.push_records(world.worker, *plans).status_code == 200
    deadline = start + timedelta(minutes=60)
    world.walk(deadline + timedelta(minutes=14))
    world.clock.now = deadline + timedelta(minutes=15)
    assert world.watcher.escalate() == 3  # the buddy tier: an SMS and the ARC webhook each
    world.receiver.received.clear()
    world.receiver.delay = 0.4
    secrets = LoneWorkingSecrets(webhook_secret=WEBHOOK_SECRET, sms_secret=SMS_SECRET)
    slow = Watcher(world.hub.engine, world.clock, secrets=lambda: secrets,
                   lease_seconds=30, send_concurrency=1)
    other = Watcher(world.hub.engine, world.clock, secrets=lambda: secrets, lease_seconds=30)
    sent: list[int] = []
    sending = threading.Thread(target=lambda: sent.append(slow.tick()[1]))
    sending.start()
    claimed_at = world.clock.now
    assert world.receiver.wait_for(lambda: len(world.receiver.received) >= 1, timeout=20)
    world.clock.advance(seconds=25)  # past a third of the lease: the next record renews it

    def renewed() -> bool:
        with Session(world.hub.engine) as session:
            until = session.scalar(select(func.max(LoneWorkingDelivery.claimed_until)))
        return until is not None and parse_iso(until) > claimed_at + timedelta(seconds=30)

    assert world.receiver.wait_for(renewed, timeout=20)
    world.clock.advance(seconds=20)  # the first lease would have run out 15 s ago
    assert other.tick() == (0, 0)
    sending.join(timeout=30)
    ids = [r.delivery_id for r in world.receiver.received]
    assert sent == [6] and len(ids) == 6 and len(set(ids)) == 6


def test_the_hub_runs_the_watch_by_itself_while_serving(
    database_url: str, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """No test ticks here: the watch started with the app escalates an overdue visit."""
    monkeypatch.setenv("SPOKE_HUB_WATCH_SECONDS", "0.05")
    clock = ManualClock()
    with running_hub(database_url, clock) as hub:
        laptop = hub.laptop(hub.admin.add_user("Demo Worker", "worker", "north"))
        plan = visit_plan(laptop.user_id, clock.now - timedelta(minutes=80))
        laptop.push_records(plan)

        def buddy_alerted() -> bool:
            with Session(hub.engine) as session:
                bodies = session.scalars(select(HubRecord.body).where(
                    HubRecord.kind == "escalation_alert")).all()
            return any(b["tier"] == "buddy" and b["visit_id"] == plan.id for b in bodies)

        deadline = time.monotonic() + 20
        while not buddy_alerted() and time.monotonic() < deadline:
            time.sleep(0.05)  # waiting for the hub's own thread, not for a timing
        assert buddy_alerted()
        laptop.close()


# --------------------------------------------------------------------------- many due at once
def test_visits_due_in_the_same_second_each_hear_at_once_first_notices_first(
    world: World,
) -> None:
    """Eight visits whose buddy tier falls due together, each notice taking the receiver
    0.4 s: the first notice of every visit goes out at once (not one after another: 16
    notices x 0.4 s), and no visit gets its second notice before every visit had its first."""
    start = world.clock.now
    plans = [visit_plan(world.worker.user_id, start) for _ in range(8)]
    assert world.push_records(world.worker, *plans).status_code == 200
    deadline = start + timedelta(minutes=60)
    world.walk(deadline + timedelta(minutes=14))  # the reminders go out first
    world.receiver.received.clear()
    world.receiver.delay = 0.4
    world.clock.now = deadline + timedelta(minutes=15)
    world.receiver.most_at_once = 0
    world.tick()
    with Session(world.hub.engine) as session:
        visit_of = {delivery_id: visit_id for delivery_id, visit_id in session.execute(
            select(LoneWorkingDelivery.id, LoneWorkingDelivery.visit_id))}
    received = sorted(world.receiver.received, key=lambda r: r.at)
    buddy = [r for r in received if r.path == "/arc" or r.body.get("to") == BUDDY_PHONE]
    assert len(buddy) == 16  # SMS to each buddy and the ARC webhook, once each
    assert {visit_of[r.delivery_id] for r in buddy[:8]} == {p.id for p in plans}
    # At once, not one after another: every visit's first notice was on its way together.
    # (Counted at the receiver, not timed: a wall-clock bound failed on a loaded machine.)
    assert world.receiver.most_at_once >= 8


def test_visits_overdue_together_are_alerted_in_deadline_order(world: World) -> None:
    """A hub back after being down finds three buddy tiers overdue at once: the alarm centre
    hears of them earliest deadline first (one send at a time here, so order shows)."""
    start = world.clock.now
    # armed latest deadline first, so the order they were armed in is not the deadlines'
    plans = [visit_plan(world.worker.user_id, start + timedelta(minutes=m)) for m in (2, 1, 0)]
    assert world.push_records(world.worker, *plans).status_code == 200
    world.walk(start + timedelta(minutes=70))  # the reminders go out first
    world.receiver.received.clear()
    world.clock.now = start + timedelta(minutes=80)  # every buddy tier is overdue
    secrets = LoneWorkingSecrets(webhook_secret=WEBHOOK_SECRET, sms_secret=SMS_SECRET)
    Watcher(world.hub.engine, world.clock, secrets=lambda: secrets, send_concurrency=1).tick()
    arc = [body["visit"]["id"] for body in world.receiver.bodies("/arc")]
    assert arc == [plans[2].id, plans[1].id, plans[0].id]


def test_a_notice_falling_due_while_others_are_sent_goes_before_their_second_ones(
    world: World,
) -> None:
    """The sender keeps claiming while it sends: a visit whose buddy tier falls due while an
    earlier visit's first notice is on its way is alerted in the same run, before that
    visit's second notice (the ARC webhook), not after the earlier claim is all sent."""
    start = world.clock.now
    early, late = (visit_plan(world.worker.user_id, start + timedelta(seconds=s))
                   for s in (0, 5))
    assert world.push_records(world.worker, early, late).status_code == 200
    world.walk(start + timedelta(minutes=74))  # the reminders go out first
    tier = start + timedelta(minutes=75)  # early's buddy tier; late's 5 s later
    world.clock.now = tier + timedelta(seconds=5)
    assert world.watcher.escalate() == 2
    world.receiver.received.clear()
    world.receiver.delay = 0.3
    world.clock.now = tier  # only early's notices are due yet
    secrets = LoneWorkingSecrets(webhook_secret=WEBHOOK_SECRET, sms_secret=SMS_SECRET)
    sender = Watcher(world.hub.engine, world.clock, secrets=lambda: secrets,
                     send_concurrency=1)  # one send at a time, so order shows

    def claimed() -> int:
        with Session(world.hub.engine) as session:
            return session.scalar(select(func.count()).select_from(LoneWorkingDelivery)
                                  .where(LoneWorkingDelivery.claimed_by.is_not(None))) or 0

    sending = threading.Thread(target=sender.deliver)
    sending.start()
    assert world.receiver.wait_for(lambda: claimed() == 2, timeout=20)  # early's two
    world.clock.now = tier + timedelta(seconds=5)  # late's fall due while early's are sent
    sending.join(timeout=30)
    sender.close()
    with Session(world.hub.engine) as session:
        visit_of = {delivery_id: visit_id for delivery_id, visit_id in session.execute(
            select(LoneWorkingDelivery.id, LoneWorkingDelivery.visit_id))}
    heard = [(visit_of[r.delivery_id], r.path)
             for r in sorted(world.receiver.received, key=lambda r: r.at)]
    assert heard == [(early.id, "/sms"), (late.id, "/sms"), (early.id, "/arc"),
                     (late.id, "/arc")]


def test_a_failure_reaches_the_feed_within_a_second_while_the_sender_goes_on(
    world: World,
) -> None:
    """A run of the sender that goes on (notices falling due while it sends) publishes a
    failed notice within a second, not only once the run is over: the board learns that the
    alarm centre was not reached while the hub is still sending."""
    start = world.clock.now
    early, late = (visit_plan(world.worker.user_id, start + timedelta(seconds=s))
                   for s in (0, 5))
    assert world.push_records(world.worker, early, late).status_code == 200
    world.walk(start + timedelta(minutes=74))  # the reminders go out first
    tier = start + timedelta(minutes=75)
    world.clock.now = tier + timedelta(seconds=5)
    assert world.watcher.escalate() == 2
    world.receiver.received.clear()
    world.receiver.delay = 1.0
    world.receiver.fail_paths.add("/arc")
    world.clock.now = tier
    secrets = LoneWorkingSecrets(webhook_secret=WEBHOOK_SECRET, sms_secret=SMS_SECRET)
    sender = Watcher(world.hub.engine, world.clock, secrets=lambda: secrets,
                     send_concurrency=1)

    def arc_row(visit_id: str) -> Any:
        with Session(world.hub.engine) as session:
            return session.execute(
                select(LoneWorkingDelivery.attempts, LoneWorkingDelivery.published,
                       LoneWorkingDelivery.claimed_by)
                .where(LoneWorkingDelivery.visit_id == visit_id,
                       LoneWorkingDelivery.channel == "webhook")).one()

    sending = threading.Thread(target=sender.deliver)
    sending.start()
    assert world.receiver.wait_for(lambda: arc_row(early.id).claimed_by is not None)
    world.clock.now = tier + timedelta(seconds=5)  # late's fall due: the run goes on
    assert world.receiver.wait_for(lambda: arc_row(early.id).attempts == 1, timeout=20)
    world.clock.advance(seconds=1)
    assert world.receiver.wait_for(lambda: arc_row(early.id).published, timeout=20)
    assert arc_row(late.id).attempts == 0  # published while late's webhook was on its way
    sending.join(timeout=30)
    sender.close()
    assert arc_row(late.id).attempts == 1 and arc_row(late.id).published  # and at the end


def test_the_watch_wakes_at_the_next_deadline_not_up_to_a_round_late(world: World) -> None:
    plan = visit_plan(world.worker.user_id, world.clock.now)
    world.push_plan(plan)
    world.tick()
    service = hub_lw.WatchService(world.hub.engine, world.clock,
                                  WatchSettings(interval_seconds=1.0))
    due = service.watcher.next_due()
    assert due is not None and world.clock.now < due <= world.clock.now + timedelta(minutes=15)
    world.clock.now = due - timedelta(seconds=0.3)
    assert service.until_next_round(1.0) == pytest.approx(0.3, abs=0.01)
    world.clock.now = due - timedelta(minutes=5)
    assert service.until_next_round(1.0) == 1.0  # nothing sooner: one round
    world.clock.now = due + timedelta(seconds=5)
    assert 0 < service.until_next_round(1.0) < 0.1  # overdue: at once, never a busy loop
