"""Welfare debriefs on a real hub (SQLite and PostgreSQL): a resolved alarm prompts one for
the team's supervisors, one of them marks it done with a note, and nobody else can.

Laptops push over HTTP on loopback; the background watch is off (nothing here needs it).
Everything is fictional.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from spokeapp.domain.ids import new_id
from spokeapp.domain.records import (
    Alarm,
    AlarmResolution,
    VisitPlan,
    WelfareDebrief,
    WelfareDebriefDone,
)
from spokeapp.hub.models import AuditEntry
from tests.helpers.hub import Laptop, ManualClock, RunningHub, running_hub
from tests.helpers.lone_working import visit_plan

DEBRIEF_NOTE = "Met Demo Worker on Tuesday: shaken but fine; buddy rota changed for next week."


@dataclass
class Team:
    hub: RunningHub
    clock: ManualClock
    worker: Laptop
    resolver: Laptop  # the supervisor who resolves the alarm (the debrief is given to them)
    colleague: Laptop  # another supervisor of the same team
    outsider: Laptop  # a supervisor of another team

    def push(self, laptop: Laptop, *records: Any) -> httpx.Response:
        laptop.refresh()  # access tokens last 15 minutes of the manual clock
        return laptop.push(*(laptop.change(r) for r in records))

    def pull(self, laptop: Laptop) -> list[dict[str, Any]]:
        laptop.refresh()
        return laptop.pull_all()

    def resolved_alarm(self) -> tuple[VisitPlan, WelfareDebrief]:
        """A visit whose panic alarm the resolver resolved; the debrief the hub made."""
        plan = visit_plan(self.worker.user_id, self.clock.now)
        alarm = Alarm(id=new_id(), visit_id=plan.id, raised_at=self.clock.now)
        assert self.push(self.worker, plan, alarm).status_code == 200
        self.clock.advance(minutes=12)
        resolution = AlarmResolution(
            id=new_id(), visit_id=plan.id, by=self.resolver.user_id, at=self.clock.now,
            note="Phoned her: safe, the alarm was pressed by mistake in a bag.",
        )
        assert self.push(self.resolver, resolution).status_code == 200
        debriefs = [c for c in self.pull(self.resolver) if c["kind"] == "welfare_debrief"]
        assert len(debriefs) == 1
        return plan, WelfareDebrief.from_dict(debriefs[-1]["payload"])

    def done(self, debrief: WelfareDebrief, by: Laptop, *, name: str | None = None,
             visit_id: str | None = None, debrief_id: str | None = None) -> WelfareDebriefDone:
        return WelfareDebriefDone(
            id=new_id(), debrief_id=debrief_id or debrief.id,
            visit_id=visit_id or debrief.visit_id, by=name or by.user_id,
            at=self.clock.now, note=DEBRIEF_NOTE,
        )

    def audit(self, action: str) -> list[AuditEntry]:
        with Session(self.hub.engine) as session:
            return list(session.scalars(select(AuditEntry).where(AuditEntry.action == action)))


@pytest.fixture
def team(database_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Team]:
    monkeypatch.setenv("SPOKE_HUB_WATCH_SECONDS", "0")
    clock = ManualClock()
    with running_hub(database_url, clock) as hub:
        ids = (
            hub.admin.add_user("Test Worker A", "worker", "north"),
            hub.admin.add_user("Test Supervisor A", "supervisor", "north"),
            hub.admin.add_user("Test Supervisor B", "supervisor", "north"),
            hub.admin.add_user("Test Supervisor C", "supervisor", "south"),
        )
        laptops = [hub.laptop(user_id) for user_id in ids]
        yield Team(hub, clock, *laptops)
        for laptop in laptops:
            laptop.close()


def test_resolution_prompts_a_debrief_the_teams_supervisors_see_and_the_worker_does_not(
    team: Team,
) -> None:
    plan, debrief = team.resolved_alarm()
    assert (debrief.visit_id, debrief.supervisor) == (plan.id, team.resolver.user_id)
    assert not debrief.done
    assert debrief.due_on == team.clock.now.date() + timedelta(days=2)
    assert [c["record_id"] for c in team.pull(team.colleague)
            if c["kind"] == "welfare_debrief"] == [debrief.id]
    assert "welfare_debrief" not in {c["kind"] for c in team.pull(team.worker)}
    assert "welfare_debrief" not in {c["kind"] for c in team.pull(team.outsider)}
    assert [e.subject for e in team.audit("lw_debrief_prompted")] == [debrief.id]


def test_a_supervisor_of_the_team_marks_it_done_and_every_supervisor_sees_it_done(
    team: Team,
) -> None:
    _plan, debrief = team.resolved_alarm()
    team.pull(team.colleague)
    team.pull(team.worker)
    team.clock.advance(days=1)
    done = team.done(debrief, team.colleague)  # not the one it was given to: same team
    response = team.push(team.colleague, done)
    assert response.status_code == 200, response.text
    assert response.json()["results"][0]["status"] == "accepted"

    for supervisor in (team.resolver, team.colleague):
        pulled = {c["record_id"]: c for c in team.pull(supervisor)}
        marked = WelfareDebrief.from_dict(pulled[debrief.id]["payload"])
        assert (marked.done, marked.done_on) == (True, team.clock.now.date())
        note = WelfareDebriefDone.from_dict(pulled[done.id]["payload"])
        assert (note.note, note.by) == (DEBRIEF_NOTE, team.colleague.user_id)
    # The worker never receives the debrief nor its note; the other team neither.
    for laptop in (team.worker, team.outsider):
        kinds = {c["kind"] for c in team.pull(laptop)}
        assert not kinds & {"welfare_debrief", "welfare_debrief_done"}
    entries = team.audit("lw_debrief_done")
    assert [(e.actor, e.subject) for e in entries] == [(team.colleague.user_id, debrief.id)]
    assert DEBRIEF_NOTE not in entries[0].detail  # ids only, never the note


def test_a_re_sent_completion_changes_nothing_and_a_second_one_keeps_the_first_day(
    team: Team,
) -> None:
    _plan, debrief = team.resolved_alarm()
    laptop = team.resolver
    laptop.refresh()
    before_head = laptop.chain_head
    body = laptop.batch([laptop.change(team.done(debrief, laptop))])
    assert laptop.send(body).status_code == 200
    state = team.hub.admin.state()
    laptop.chain_head = before_head
    again = laptop.send(body)  # the acknowledgement was lost: the laptop sends it again
    assert again.status_code == 200
    assert again.json()["results"][0]["status"] == "duplicate"
    after = team.hub.admin.state()
    assert after.pop("audit") == state.pop("audit") + 1  # the push itself, as always
    assert after == state  # no new version of the debrief, nothing else
    assert len(team.audit("lw_debrief_done")) == 1

    team.clock.advance(days=1)  # another supervisor, offline at the time, also did it
    assert team.push(team.colleague, team.done(debrief, team.colleague)).status_code == 200
    pulled = {c["record_id"]: c for c in team.pull(team.colleague)}
    marked = WelfareDebrief.from_dict(pulled[debrief.id]["payload"])
    assert marked.done_on == (team.clock.now - timedelta(days=1)).date()
    assert len(team.audit("lw_debrief_done")) == 2


def test_anyone_else_is_refused_403_and_nothing_is_stored(team: Team) -> None:
    _plan, debrief = team.resolved_alarm()
    other_plan, _other = team.resolved_alarm()
    before = team.hub.admin.state()
    refusals = {
        # the worker may not tick off her own debrief (nor read its note)
        "worker": (team.worker, team.done(debrief, team.worker)),
        # a supervisor of another team may not
        "outsider": (team.outsider, team.done(debrief, team.outsider)),
        # nobody marks it done in someone else's name
        "wrong author": (team.colleague, team.done(debrief, team.colleague,
                                                   name=team.resolver.user_id)),
        # it must name a debrief the hub made, on its own visit
        "unknown debrief": (team.colleague, team.done(debrief, team.colleague,
                                                      debrief_id=new_id())),
        "another visit": (team.colleague, team.done(debrief, team.colleague,
                                                    visit_id=other_plan.id)),
    }
    for why, (laptop, done) in refusals.items():
        response = team.push(laptop, done)
        assert response.status_code == 403, why
        assert response.json()["error"] == "forbidden", why
        assert "mark this welfare debrief done" in response.json()["message"], why
        assert team.hub.admin.state() == before, why
    # and a completion cannot be slipped in beside an ordinary record of the same batch
    worker_plan = visit_plan(team.worker.user_id, team.clock.now)
    assert team.push(team.worker, worker_plan, team.done(debrief, team.worker)).status_code \
        == 403
    assert team.hub.admin.state() == before
    team.resolver.cursor = 0  # everything again: the debrief is still to do
    pulled = {c["record_id"]: c for c in team.pull(team.resolver)}
    assert WelfareDebrief.from_dict(pulled[debrief.id]["payload"]).done is False
