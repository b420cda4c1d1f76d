"""Truthful alarms (issue 13): the hub says who it would alert, shows what became of every
notice, retries failures and falls through to the next tier when nobody was reached.

A real hub (SQLite and PostgreSQL), a real SMTP server (aiosmtpd) that the test stops and
starts again mid-ladder, and a real signature-checking webhook receiver that fails (HTTP 500)
or stalls (timeout). The watch is ticked by the test with a manual clock. Fictional data.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from spokeapp.domain.ids import new_id
from spokeapp.domain.lone_working import parse_policy
from spokeapp.domain.records import AlertDelivery, EscalationAlert
from spokeapp.hub import lone_working as hub_lw
from spokeapp.hub.config import LoneWorkingSecrets
from spokeapp.hub.lone_working import Watcher, delivery_record_id
from spokeapp.hub.models import AuditEntry, HubRecord, LoneWorkingContact, LoneWorkingDelivery
from spokeapp.hub.notifiers import EmailSettings, NotifierSettings, WebhookSettings
from tests.helpers.hub import Laptop, ManualClock, RunningHub, running_hub
from tests.helpers.lone_working import (
    WEBHOOK_SECRET,
    SmtpSink,
    WebhookReceiver,
    visit_plan,
)

ON_CALL_EMAIL = "oncall.north@example.org"
MANAGER_EMAIL = "manager.north@example.org"
#: Two tiers, both by email only: the test controls every channel.
POLICY = parse_policy({"grace_minutes": 15, "ack_timeout_minutes": 2, "tiers": [
    {"name": "on_call_manager", "starts_after_minutes": 15, "recipients": ["on_call_manager"]},
    {"name": "manager_decision", "starts_after_minutes": 30, "recipients": ["manager"]},
]})


@dataclass
class Hub:
    hub: RunningHub
    clock: ManualClock
    worker: Laptop
    supervisor: Laptop
    watcher: Watcher

    def configure(self, notifiers: NotifierSettings, contacts: list[tuple[str, str]],
                  policy: bool = True) -> None:
        with Session(self.hub.engine) as session, session.begin():
            hub_lw.save_notifier_settings(session, notifiers)
            if policy:
                hub_lw.save_policy(session, POLICY)
            for role, email in contacts:
                session.add(LoneWorkingContact(
                    id=new_id(), role=role, team=None, user_id=None, name="Demo Contact",
                    email=email, phone=None, created_at="x"))

    def push_plan(self, plan: Any) -> dict[str, Any]:
        self.worker.refresh()
        result: dict[str, Any] = self.worker.push_records(plan).json()["results"][0]
        return result

    def walk(self, until: datetime, step: timedelta = timedelta(seconds=30)) -> None:
        self.watcher.tick()
        while self.clock.now < until:
            self.clock.now = min(self.clock.now + step, until)
            self.watcher.tick()

    def ladder(self, visit_id: str) -> list[tuple[str, float]]:
        with Session(self.hub.engine) as session:
            bodies = session.scalars(select(HubRecord.body).where(
                HubRecord.kind == "escalation_alert")).all()
        alerts = sorted((EscalationAlert.from_dict(b) for b in bodies),
                        key=lambda a: (a.raised_at, a.id))
        return [(a.tier, a.raised_at.timestamp()) for a in alerts
                if a.visit_id == visit_id and a.tier != "worker_reminder"]

    def tiers(self, visit_id: str) -> list[str]:
        return [tier for tier, _ in self.ladder(visit_id)]

    def delivery(self, tier: str, visit_id: str) -> AlertDelivery:
        """The alert's ``alert_delivery`` record as the supervisor's laptop pulls it."""
        self.supervisor.refresh()
        self.supervisor.cursor = 0  # everything, latest version of each record
        pulled = {c["record_id"]: c for c in self.supervisor.pull_all()}
        alert = next(c["payload"] for c in pulled.values()
                     if c["kind"] == "escalation_alert" and c["payload"]["tier"] == tier
                     and c["payload"]["visit_id"] == visit_id)
        return AlertDelivery.from_dict(pulled[delivery_record_id(alert["id"])]["payload"])


@pytest.fixture
def world(database_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Hub]:
    monkeypatch.setenv("SPOKE_HUB_WATCH_SECONDS", "0")
    monkeypatch.setenv("SPOKE_HUB_WEBHOOK_SECRET", WEBHOOK_SECRET)
    clock = ManualClock()
    secrets = LoneWorkingSecrets(webhook_secret=WEBHOOK_SECRET)
    with running_hub(database_url, clock) as hub:
        worker = hub.laptop(hub.admin.add_user("Demo Worker", "worker", "north"))
        supervisor = hub.laptop(hub.admin.add_user("Demo Supervisor", "supervisor", "north"))
        watcher = Watcher(hub.engine, clock, secrets=lambda: secrets, send_timeout=0.5)
        yield Hub(hub, clock, worker, supervisor, watcher)
        worker.close()
        supervisor.close()


def test_the_answer_to_a_plan_says_who_would_be_alerted_and_how(world: Hub) -> None:
    with WebhookReceiver({"/arc": WEBHOOK_SECRET}) as receiver:
        world.configure(NotifierSettings(
            email=EmailSettings(host="127.0.0.1", port=1, sender="spoke@example.org",
                                starttls=False),
            webhooks=(WebhookSettings(name="arc", url=receiver.url("/arc")),),
        ), [("on_call_manager", ON_CALL_EMAIL), ("manager", MANAGER_EMAIL)])
        result = world.push_plan(visit_plan(world.worker.user_id, world.clock.now))
    assert result["watch"]["reach"] == {
        "people": 2, "by_channel": {"email": 2, "webhook": 1}, "missing": []}


def test_a_hub_with_nobody_to_alert_says_so_and_records_every_notice_as_never_sent(
    world: Hub,
) -> None:
    """The README's hub: no contact, no notifier. The plan is watched, the answer says
    nobody would be alerted, each alert's record says nothing was sent, and the ladder
    falls straight through its tiers instead of waiting for acknowledgements."""
    start = world.clock.now
    plan = visit_plan(world.worker.user_id, start)
    result = world.push_plan(plan)
    assert result["watch"]["escalation_starts_at"] is not None  # watched...
    assert result["watch"]["reach"] == {  # ...but by nobody (default policy: three tiers)
        "people": 0, "by_channel": {}, "missing": ["buddy", "on_call_manager", "manager"]}
    deadline = start + timedelta(minutes=60)
    world.walk(deadline + timedelta(minutes=15))
    # the buddy tier reached nobody: the next tiers follow at once, not 2 minutes apart
    assert world.tiers(plan.id) == ["buddy", "on_call_manager", "manager_decision",
                                    "everyone"]
    buddy = world.delivery("buddy", plan.id)
    assert buddy.channels == () and buddy.unreached == ("buddy",)
    assert buddy.reached_nobody and not buddy.delivered
    with Session(world.hub.engine) as session:
        details = session.scalars(select(AuditEntry.detail).where(
            AuditEntry.action == "lw_alert")).all()
    assert details and all("notifications=0" in d for d in details)


def test_smtp_stopped_mid_ladder_shows_the_failure_and_falls_through_then_recovers(
    world: Hub,
) -> None:
    with SmtpSink() as smtp:
        port = smtp.port
        world.configure(NotifierSettings(email=EmailSettings(
            host="127.0.0.1", port=port, sender="spoke@example.org", starttls=False)),
            [("on_call_manager", ON_CALL_EMAIL), ("manager", MANAGER_EMAIL)])
        start = world.clock.now
        plan = visit_plan(world.worker.user_id, start)
        assert world.push_plan(plan)["watch"]["reach"]["people"] == 2
        deadline = start + timedelta(minutes=60)
        world.walk(deadline + timedelta(minutes=15))
        assert world.tiers(plan.id) == ["on_call_manager"]
        assert [m["To"] for m in smtp.messages] == [ON_CALL_EMAIL]
        on_call = world.delivery("on_call_manager", plan.id)
        assert on_call.statuses == ("sent",) and on_call.roles == ("on_call_manager",)
    # the SMTP server is down now; the on-call manager does not acknowledge
    world.walk(deadline + timedelta(minutes=16, seconds=30))
    # the on-call manager was reached: the move-up waits for the 2-minute timeout
    assert world.tiers(plan.id) == ["on_call_manager"]
    world.clock.now = deadline + timedelta(minutes=17)
    world.watcher.tick()  # the move-up to the manager: its email cannot go
    world.watcher.tick()
    assert world.tiers(plan.id)[:2] == ["on_call_manager", "manager_decision"]
    manager = world.delivery("manager_decision", plan.id)  # what the board pulls, at once
    assert manager.statuses == ("retrying",) and manager.reasons == ("smtp_down",)
    assert manager.reached_nobody
    # nobody reached at the top tier: everyone is alerted at once, not 2 minutes later
    world.watcher.tick()
    assert world.tiers(plan.id) == ["on_call_manager", "manager_decision", "everyone"]
    with Session(world.hub.engine) as session:
        row = session.scalars(select(LoneWorkingDelivery).where(
            LoneWorkingDelivery.target == MANAGER_EMAIL)).first()
        assert row is not None and row.attempts == 1 and row.last_error == "smtp_down"
        assert hub_lw.parse_iso(row.next_attempt_at) > world.clock.now  # backing off
    # the server comes back on the same port: the retry (with backoff) delivers it
    with SmtpSink.on_port(port) as smtp:
        world.walk(world.clock.now + timedelta(minutes=2), step=timedelta(seconds=5))
        assert MANAGER_EMAIL in [m["To"] for m in smtp.messages]
    manager = world.delivery("manager_decision", plan.id)
    assert manager.statuses == ("sent",) and manager.attempts[0] >= 2


def test_a_failing_and_a_stalling_webhook_are_retried_with_backoff_and_shown(
    world: Hub,
) -> None:
    with WebhookReceiver({"/arc": WEBHOOK_SECRET, "/slow": WEBHOOK_SECRET}) as receiver:
        receiver.fail_paths.add("/arc")
        receiver.slow_paths["/slow"] = 2.0  # longer than the hub's 0.5 s send timeout
        world.configure(NotifierSettings(webhooks=(
            WebhookSettings(name="arc", url=receiver.url("/arc")),
            WebhookSettings(name="slow", url=receiver.url("/slow")),
        )), [], policy=False)
        start = world.clock.now
        plan = visit_plan(world.worker.user_id, start)
        assert world.push_plan(plan)["watch"]["reach"]["by_channel"] == {"webhook": 2}
        world.clock.now = start + timedelta(minutes=75)
        began = time.monotonic()
        world.watcher.tick()
        assert time.monotonic() - began < 10  # a stalled receiver does not hold the hub
        buddy = world.delivery("buddy", plan.id)
        assert buddy.statuses == ("retrying", "retrying")
        assert sorted(buddy.reasons) == ["http_500", "timeout"]
        assert buddy.unreached == ("buddy",)  # no SMS gateway: the buddy is never texted
        with Session(world.hub.engine) as session:
            waits = sorted({hub_lw.parse_iso(d.next_attempt_at) - world.clock.now
                            for d in session.scalars(select(LoneWorkingDelivery))})
        assert waits == [timedelta(seconds=5)]  # first retry after 5 s, doubling after
        world.clock.advance(seconds=5)
        world.watcher.tick()
        with Session(world.hub.engine) as session:
            rows = list(session.scalars(select(LoneWorkingDelivery).where(
                LoneWorkingDelivery.alert_id == buddy.alert_id)))
        assert {r.attempts for r in rows} == {2}
        assert {hub_lw.parse_iso(r.next_attempt_at) - world.clock.now for r in rows} == {
            timedelta(seconds=10)}
        receiver.fail_paths.clear()
        receiver.slow_paths.clear()
        world.clock.advance(seconds=10)
        world.watcher.tick()
        delivered = {r.delivery_id for r in receiver.received}
    assert world.delivery("buddy", plan.id).statuses == ("sent", "sent")
    assert {r.id for r in rows} <= delivered


def test_devices_cannot_push_a_delivery_record(world: Hub) -> None:
    plan = visit_plan(world.worker.user_id, world.clock.now)
    world.push_plan(plan)
    fake = AlertDelivery(id=new_id(), alert_id=new_id(), visit_id=plan.id,
                         channels=("sms",), roles=("buddy",), statuses=("sent",),
                         reasons=("",), attempts=(1,))
    world.supervisor.refresh()
    response = world.supervisor.push(world.supervisor.change(fake))
    assert response.status_code == 403
    assert "written by the hub only" in response.json()["message"]
