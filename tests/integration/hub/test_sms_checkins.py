"""SMS check-ins on a real hub (SQLite and PostgreSQL): replays are applied once, and a text
lands only on the visit its number identifies (issue 13, items 2 and 3).

The gateway is played by the test: it signs each request with the SMS secret against the
hub's manual clock and posts it over loopback HTTP. Everything is fictional.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest
import uvicorn
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from spokeapp.domain.ids import new_id
from spokeapp.domain.records import CheckIn, CheckInKind, VisitPlan
from spokeapp.hub import lone_working as hub_lw
from spokeapp.hub.app import create_app
from spokeapp.hub.config import LoneWorkingSecrets
from spokeapp.hub.db import make_engine
from spokeapp.hub.lone_working import Watcher
from spokeapp.hub.models import HubRecord, LoneWorkingRecord, LoneWorkingSmsReceipt
from spokeapp.hub.notifiers import NotifierSettings, signed_headers
from tests.helpers.hub import Laptop, ManualClock, RunningHub, running_hub
from tests.helpers.lone_working import SMS_SECRET, WEBHOOK_SECRET, WORKER_MOBILE, visit_plan

OTHER_MOBILE = "+447700900321"
SMS_PATH = "/v1/lone-working/sms"


@pytest.fixture(autouse=True)
def _hub_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SPOKE_HUB_WATCH_SECONDS", "0")  # the test ticks the watch itself
    monkeypatch.setenv("SPOKE_HUB_SMS_SECRET", SMS_SECRET)


@dataclass
class Gateway:
    """The SMS gateway: signs with the SMS secret at the hub's (manual) time."""

    base_url: str
    clock: ManualClock

    def request(self, sender: str, text: str,
                message_id: str | None = None) -> tuple[bytes, dict[str, str]]:
        fields: dict[str, Any] = {"from": sender, "text": text}
        if message_id is not None:
            fields["message_id"] = message_id
        body = json.dumps(fields).encode()
        return body, signed_headers(SMS_SECRET, body, now=self.clock.now.timestamp())

    def post(self, body: bytes, headers: dict[str, str],
             base_url: str | None = None) -> httpx.Response:
        return httpx.post(f"{base_url or self.base_url}{SMS_PATH}", content=body,
                          headers=headers, timeout=30)

    def text(self, sender: str, text: str, message_id: str | None = None) -> httpx.Response:
        return self.post(*self.request(sender, text, message_id))


@dataclass
class World:
    hub: RunningHub
    clock: ManualClock
    gateway: Gateway
    north: Laptop  # a worker in team north
    south: Laptop  # a worker in team south
    started: datetime
    signed_in: dict[str, datetime] = field(default_factory=dict)

    def plan(self, laptop: Laptop, mobile: str = WORKER_MOBILE, **changes: Any) -> VisitPlan:
        plan = visit_plan(laptop.user_id, self.clock.now, mobile_number=mobile, **changes)
        self.push(laptop, plan)
        return plan

    def push(self, laptop: Laptop, record: Any) -> None:
        if self.clock.now - self.signed_in.get(laptop.user_id, self.started) >= timedelta(
                minutes=10):  # access tokens last 15 minutes of the manual clock
            laptop.refresh()
            self.signed_in[laptop.user_id] = self.clock.now
        laptop.push_records(record)

    def register(self, user_id: str, phone: str) -> None:
        """What ``spoke-hub safety contact add --user ... --phone ...`` stores."""
        with Session(self.hub.engine) as session, session.begin():
            session.add(hub_lw.LoneWorkingContact(
                id=new_id(), role="worker_mobile", team=None, user_id=user_id,
                name="Demo Worker", email=None, phone=phone, created_at="x",
            ))

    def records(self, visit_id: str, kind: str) -> list[dict[str, Any]]:
        with Session(self.hub.engine) as session:
            bodies = session.scalars(
                select(HubRecord.body)
                .join(LoneWorkingRecord, LoneWorkingRecord.record_id == HubRecord.record_id)
                .where(LoneWorkingRecord.visit_id == visit_id, HubRecord.kind == kind)
            ).all()
        return list(bodies)

    def alert_reasons(self, visit_id: str) -> set[str]:
        """Why the visit's ladder alerted anyone, after the watch looked."""
        Watcher(self.hub.engine, self.clock, secrets=lambda: LoneWorkingSecrets(
            webhook_secret=WEBHOOK_SECRET, sms_secret=SMS_SECRET)).tick()
        return {a["reason"] for a in self.records(visit_id, "escalation_alert")}


@pytest.fixture
def world(database_url: str) -> Iterator[World]:
    clock = ManualClock()
    with running_hub(database_url, clock) as hub:
        north = hub.laptop(hub.admin.add_user("Demo Worker North", "worker", "north"))
        south = hub.laptop(hub.admin.add_user("Demo Worker South", "worker", "south"))
        hub.admin.add_user("Demo Supervisor North", "supervisor", "north")
        hub.admin.add_user("Demo Supervisor South", "supervisor", "south")
        with Session(hub.engine) as session, session.begin():
            # someone to alert: each team's manager by SMS through the (test) gateway
            hub_lw.save_notifier_settings(session, NotifierSettings(
                sms_url="http://127.0.0.1:9/sms"))
            for team, phone in (("north", "+447700900555"), ("south", "+447700900556")):
                session.add(hub_lw.LoneWorkingContact(
                    id=new_id(), role="manager", team=team, user_id=None,
                    name=f"Demo Manager {team}", email=None, phone=phone, created_at="x"))
        yield World(hub, clock, Gateway(hub.base_url, clock), north, south, clock.now)
        north.close()
        south.close()


@contextmanager
def serving(database_url: str, clock: ManualClock) -> Iterator[str]:
    """Another hub process's worth: a new engine and app on an existing hub database."""
    engine = make_engine(database_url)
    server = uvicorn.Server(uvicorn.Config(create_app(engine=engine, clock=clock),
                                           host="127.0.0.1", port=0, log_level="warning",
                                           timeout_graceful_shutdown=2))
    thread = threading.Thread(target=server.run, name="second-hub", daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the hub did not start"
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{server.servers[0].sockets[0].getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        engine.dispose()


# --------------------------------------------------------------------------- replays
def test_the_same_signed_request_twice_checks_in_once(world: World) -> None:
    plan = world.plan(world.north)
    world.clock.advance(minutes=20)
    body, headers = world.gateway.request(WORKER_MOBILE, "SAFE")
    first = world.gateway.post(body, headers)
    assert first.status_code == 200, first.text
    assert first.json()["status"] == "checked_in"
    world.clock.advance(minutes=4)  # still inside the signature's 5 minutes
    again = world.gateway.post(body, headers)
    # 200 so a gateway retrying after a timeout stops; the first reply, and nothing stored
    assert again.status_code == 200, again.text
    assert again.json()["status"] == "already_received"
    assert again.json()["reply"] == ("Already received, not recorded again. "
                                     + first.json()["reply"])
    assert len(world.records(plan.id, "check_in")) == 1


def test_a_replayed_help_raises_one_alarm(world: World) -> None:
    plan = world.plan(world.north)
    body, headers = world.gateway.request(WORKER_MOBILE, "HELP")
    assert world.gateway.post(body, headers).json()["status"] == "alarm_raised"
    state = world.hub.admin.state()
    replay = world.gateway.post(body, headers)
    assert replay.json()["status"] == "already_received"
    assert "Alarm raised" in replay.json()["reply"]  # still true: it was, once
    assert world.hub.admin.state() == state
    assert len(world.records(plan.id, "alarm")) == 1


def test_a_gateway_retry_with_the_same_message_id_is_applied_once(world: World) -> None:
    plan = world.plan(world.north)
    world.clock.advance(minutes=30)
    assert world.gateway.text(WORKER_MOBILE, "SAFE", "gw-1").json()["status"] == "checked_in"
    # the gateway timed out and re-signs its retry 20 minutes later: a new signature, the
    # same message id
    world.clock.advance(minutes=20)
    retry = world.gateway.text(WORKER_MOBILE, "SAFE", "gw-1")
    assert retry.status_code == 200 and retry.json()["status"] == "already_received"
    assert len(world.records(plan.id, "check_in")) == 1
    # her next text is a new message
    assert world.gateway.text(WORKER_MOBILE, "SAFE", "gw-2").json()["status"] == "checked_in"
    assert len(world.records(plan.id, "check_in")) == 2


def test_sixteen_identical_requests_at_once_on_two_hubs_apply_once(
    world: World, database_url: str,
) -> None:
    plan = world.plan(world.north)
    body, headers = world.gateway.request(WORKER_MOBILE, "EXTEND 30")
    results: list[httpx.Response] = []
    lock = threading.Lock()
    with serving(database_url, world.clock) as second:
        start = threading.Barrier(16)

        def send(index: int) -> None:
            start.wait()
            response = world.gateway.post(body, headers,
                                          second if index % 2 else world.hub.base_url)
            with lock:
                results.append(response)

        threads = [threading.Thread(target=send, args=(i,)) for i in range(16)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    assert [r.status_code for r in results] == [200] * 16
    statuses = sorted(r.json()["status"] for r in results)
    assert statuses == ["already_received"] * 15 + ["extended"]
    assert len(world.records(plan.id, "check_in")) == 1


def test_a_replay_is_still_refused_after_the_hub_restarts(database_url: str) -> None:
    clock = ManualClock()
    with running_hub(database_url, clock) as hub:
        laptop = hub.laptop(hub.admin.add_user("Demo Worker", "worker", "north"))
        laptop.push_records(visit_plan(laptop.user_id, clock.now))
        gateway = Gateway(hub.base_url, clock)
        body, headers = gateway.request(WORKER_MOBILE, "HELP")
        assert gateway.post(body, headers).json()["status"] == "alarm_raised"
        laptop.close()
    clock.advance(minutes=2)
    with serving(database_url, clock) as restarted:  # a new process: nothing in memory
        replay = gateway.post(body, headers, restarted)
        assert replay.status_code == 200
        assert replay.json()["status"] == "already_received"
    engine = make_engine(database_url)
    try:
        with Session(engine) as session:
            alarms = session.scalar(select(func.count()).select_from(HubRecord)
                                    .where(HubRecord.kind == "alarm"))
    finally:
        engine.dispose()
    assert alarms == 1


def test_receipts_are_forgotten_once_a_replay_would_be_stale(world: World) -> None:
    plan = world.plan(world.north)
    body, headers = world.gateway.request(WORKER_MOBILE, "SAFE")
    assert world.gateway.post(body, headers).json()["status"] == "checked_in"
    world.clock.advance(minutes=11)
    # too late for the signature anyway
    assert world.gateway.post(body, headers).status_code == 401
    assert world.gateway.text(WORKER_MOBILE, "SAFE").json()["status"] == "checked_in"
    with Session(world.hub.engine) as session:
        kept = session.scalar(select(func.count()).select_from(LoneWorkingSmsReceipt))
    assert kept == 1  # the first one was pruned
    assert len(world.records(plan.id, "check_in")) == 2


def test_a_refused_message_is_not_remembered(world: World) -> None:
    """A text that arrived before her plan reached the hub is applied when the gateway
    retries it (the refusal stored nothing, not even a receipt)."""
    body, headers = world.gateway.request(WORKER_MOBILE, "SAFE")
    before = world.hub.admin.state()
    assert world.gateway.post(body, headers).status_code == 404
    assert world.hub.admin.state() == before
    plan = world.plan(world.north)
    assert world.gateway.post(body, headers).json()["status"] == "checked_in"
    assert len(world.records(plan.id, "check_in")) == 1


# --------------------------------------------------------------------------- whose visit
def test_help_from_her_own_number_says_her_team_is_alerted(world: World) -> None:
    plan = world.plan(world.north)
    response = world.gateway.text(WORKER_MOBILE, "help")
    assert response.json() == {"status": "alarm_raised", "visit_id": plan.id,
                               "visit_ids": [plan.id],
                               "reply": "Alarm raised. Your team is being alerted now."}
    assert world.alert_reasons(plan.id) == {"panic"}


def test_help_on_a_hub_with_nobody_to_alert_says_so_and_still_records_the_alarm(
    world: World,
) -> None:
    """The reply never claims help is coming that is not: with no contact and no notifier,
    HELP is recorded (the board shows it) and the worker is told to call for help herself."""
    with Session(world.hub.engine) as session, session.begin():
        session.execute(delete(hub_lw.LoneWorkingContact))
        hub_lw.save_notifier_settings(session, NotifierSettings())
    plan = world.plan(world.north)
    response = world.gateway.text(WORKER_MOBILE, "HELP")
    assert response.status_code == 200, response.text
    reply = response.json()["reply"]
    assert "nobody it can alert" in reply and "999" in reply
    assert "being alerted" not in reply
    assert len(world.records(plan.id, "alarm")) == 1
    assert world.alert_reasons(plan.id) == {"panic"}  # on the board, marked never sent


def test_help_from_a_number_on_two_workers_visits_alarms_both_and_says_so(
    world: World,
) -> None:
    north = world.plan(world.north)
    world.clock.advance(minutes=5)
    south = world.plan(world.south)  # armed last: it used to take every text
    response = world.gateway.text(WORKER_MOBILE, "HELP")
    assert response.status_code == 200, response.text
    result = response.json()
    assert result["status"] == "alarm_raised" and result["visit_id"] is None
    assert sorted(result["visit_ids"]) == sorted([north.id, south.id])
    assert "all 2 open visits" in result["reply"]
    assert "Your team" not in result["reply"]
    # true: each visit's ladder raises its panic alert
    assert world.alert_reasons(north.id) == {"panic"}
    assert world.alert_reasons(south.id) == {"panic"}


@pytest.mark.parametrize("text", ["SAFE", "EXTEND 30"])
def test_safe_or_extend_from_a_number_on_two_workers_visits_is_refused(
    world: World, text: str,
) -> None:
    world.plan(world.north)
    world.plan(world.south)
    before = world.hub.admin.state()
    response = world.gateway.text(WORKER_MOBILE, text)
    assert response.status_code == 409
    assert response.json()["error"] == "ambiguous_number"
    message = response.json()["message"]
    assert message.startswith("Not recorded") and "Spoke app" in message
    assert world.hub.admin.state() == before


def test_safe_from_one_workers_two_open_visits_is_refused(world: World) -> None:
    """She forgot to end her first visit: a text cannot say which one she is safe on."""
    world.plan(world.north)
    world.clock.advance(minutes=5)
    world.plan(world.north)
    assert world.gateway.text(WORKER_MOBILE, "SAFE").status_code == 409
    response = world.gateway.text(WORKER_MOBILE, "HELP")
    assert len(response.json()["visit_ids"]) == 2


def test_a_registered_number_checks_in_on_its_owners_visit_only(world: World) -> None:
    world.register(world.north.user_id, WORKER_MOBILE)
    mine = world.plan(world.north)
    world.clock.advance(minutes=5)
    theirs = world.plan(world.south)  # lists her number by mistake, armed last
    safe = world.gateway.text(WORKER_MOBILE, "SAFE")
    assert safe.status_code == 200 and safe.json()["visit_id"] == mine.id
    assert world.records(theirs.id, "check_in") == []
    # HELP still reaches every open visit linked to the number: missing one is worse
    help_ = world.gateway.text(WORKER_MOBILE, "HELP").json()
    assert sorted(help_["visit_ids"]) == sorted([mine.id, theirs.id])
    assert "Your team" not in help_["reply"]


def test_a_number_registered_to_another_worker_never_checks_in_for_her(world: World) -> None:
    world.register(world.north.user_id, WORKER_MOBILE)  # north has no open visit
    theirs = world.plan(world.south)
    assert world.gateway.text(WORKER_MOBILE, "SAFE").status_code == 409
    assert world.records(theirs.id, "check_in") == []
    help_ = world.gateway.text(WORKER_MOBILE, "HELP").json()
    assert help_["visit_ids"] == [theirs.id]
    # not "your team": the number is north's, the visit south's
    assert help_["reply"].startswith("Alarm raised on the 1 open visit linked to this number")
    assert "Your team" not in help_["reply"]
    assert world.alert_reasons(theirs.id) == {"panic"}


def test_a_registered_number_checks_in_even_if_her_plan_lists_another(world: World) -> None:
    world.register(world.north.user_id, OTHER_MOBILE)
    plan = world.plan(world.north)  # lists WORKER_MOBILE
    response = world.gateway.text("07700 900321", "Safe")
    assert response.status_code == 200 and response.json()["visit_id"] == plan.id


# --------------------------------------------------------------------------- numbers, words
@pytest.mark.parametrize("sender", [
    "+447700900123", "07700 900123", "447700900123", "+44 07700 900123",
    "+44 (0)7700 900-123", "0044 7700 900123",
])
def test_every_way_of_writing_her_number_finds_her_visit(world: World, sender: str) -> None:
    plan = world.plan(world.north)
    response = world.gateway.text(sender, "safe")
    assert response.status_code == 200, response.text
    assert response.json()["visit_id"] == plan.id


def test_a_number_whose_visit_has_ended_matches_nothing(world: World) -> None:
    plan = world.plan(world.north)
    world.clock.advance(minutes=5)
    world.push(world.north, CheckIn(id=new_id(), visit_id=plan.id,
                                    kind=CheckInKind.END_VISIT, at=world.clock.now))
    world.clock.advance(minutes=1)
    before = world.hub.admin.state()
    safe = world.gateway.text(WORKER_MOBILE, "SAFE")
    assert safe.status_code == 404 and safe.json()["error"] == "unknown_number"
    help_ = world.gateway.text(WORKER_MOBILE, "HELP")
    assert help_.status_code == 404
    # the reply must not suggest anyone is coming
    assert help_.json()["message"].startswith("No alarm raised")
    assert "999" in help_.json()["message"]
    assert world.hub.admin.state() == before


def test_keywords_in_any_case_and_a_text_with_none(world: World) -> None:
    plan = world.plan(world.north)
    assert world.gateway.text(WORKER_MOBILE, "sAfE").json()["status"] == "checked_in"
    assert world.gateway.text(WORKER_MOBILE, "extend 45 MINS").json()["status"] == "extended"
    before = world.hub.admin.state()
    chat = world.gateway.text(WORKER_MOBILE, "on my way home now")
    assert chat.status_code == 422 and "SAFE" in chat.json()["message"]
    assert world.hub.admin.state() == before
    assert len(world.records(plan.id, "check_in")) == 2
