"""Kinds a hub says need a supervisor's approval (``spoke-hub approvals``): the administrator's
commands, the hub-written sign-off request that reaches the team by ordinary pull, and the
refusals around it. Real hub on loopback; fictional people and records only."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import delete, select
from sqlalchemy.orm import Session as DbSession

from spokeapp.domain.ids import new_id
from spokeapp.domain.records import Case, SignOff, SignOffOutcome, SignOffRequest
from spokeapp.domain.supervision import request_id_for
from spokeapp.hub.cli import main
from spokeapp.hub.models import AuditEntry, HubRecord
from tests.helpers.hub import Laptop, RunningHub
from tests.helpers.records import amendment, case, concern, session, young_person

AT = datetime(2026, 3, 3, 10, 0, tzinfo=UTC)


@dataclass
class Team:
    hub: RunningHub
    worker: Laptop
    sup_x: Laptop
    sup_y: Laptop
    case_a: Case


@pytest.fixture
def team(hub: RunningHub) -> Iterator[Team]:
    add = hub.admin.add_user
    worker = hub.laptop(add("Test Worker A", "worker", "team-x"))
    sup_x = hub.laptop(add("Test Supervisor X", "supervisor", "team-x"))
    sup_y = hub.laptop(add("Test Supervisor Y", "supervisor", "team-y"))
    yp = young_person(1)
    case_a = case(yp, key_worker=worker.user_id)
    worker.push_records(yp, case_a)
    yield Team(hub, worker, sup_x, sup_y, case_a)
    for laptop in (worker, sup_x, sup_y):
        laptop.close()


def approvals(hub: RunningHub, *args: str) -> int:
    return main(["approvals", *args, "--database", hub.database_url])


def requests_pulled(laptop: Laptop) -> list[dict[str, Any]]:
    laptop.cursor = 0
    return [c for c in laptop.pull_all() if c["kind"] == "sign_off_request"]


def test_the_administrator_lists_requires_and_clears_kinds(
    hub: RunningHub, capsys: pytest.CaptureFixture[str]
) -> None:
    assert approvals(hub, "list") == 0
    assert "No further kinds need approval" in capsys.readouterr().out
    assert approvals(hub, "require", "safeguarding_concern") == 0
    assert "waits for a supervisor's approval" in capsys.readouterr().out
    assert approvals(hub, "require", "safeguarding_concern") == 0
    assert "already needs approval; nothing changed" in capsys.readouterr().out
    assert approvals(hub, "require", "amendment") == 0
    capsys.readouterr()
    assert approvals(hub, "list") == 0
    assert "Also need approval on this hub: amendment, safeguarding_concern" in (
        capsys.readouterr().out
    )
    assert approvals(hub, "clear", "amendment") == 0
    assert "needs no approval" in capsys.readouterr().out
    assert approvals(hub, "list") == 0
    assert "Also need approval on this hub: safeguarding_concern" in capsys.readouterr().out
    with DbSession(hub.engine) as db:
        actions = [e.action for e in db.scalars(
            select(AuditEntry).where(AuditEntry.action.like("approvals_%")))]
    assert actions == ["approvals_require", "approvals_require", "approvals_clear"]


@pytest.mark.parametrize("kind", ["session", "referral", "nonsense"])
def test_a_kind_that_cannot_need_approval_is_refused_with_the_choices(
    hub: RunningHub, capsys: pytest.CaptureFixture[str], kind: str
) -> None:
    before = hub.admin.state()
    assert approvals(hub, "require", kind) == 1
    err = capsys.readouterr().err
    assert "cannot need approval" in err and "amendment, safeguarding_concern" in err
    assert hub.admin.state() == before


def test_a_configured_kind_gets_a_request_the_team_pulls_and_a_decision_the_worker_pulls(
    team: Team,
) -> None:
    assert approvals(team.hub, "require", "safeguarding_concern") == 0
    raised = concern(team.case_a.id)
    team.worker.push_records(raised)

    seen_by_worker = requests_pulled(team.worker)
    seen_by_supervisor = requests_pulled(team.sup_x)
    assert seen_by_worker == seen_by_supervisor and len(seen_by_worker) == 1
    change = seen_by_worker[0]
    assert change["record_id"] == request_id_for(raised.id)
    assert change["case_id"] == team.case_a.id
    request = SignOffRequest.from_dict(change["payload"])
    assert (request.record_id, request.record_kind, request.worker) == (
        raised.id, "safeguarding_concern", team.worker.user_id
    )
    assert requests_pulled(team.sup_y) == [], "another team's supervisor never sees it"

    decision = SignOff(
        id=new_id(), case_id=team.case_a.id, request_id=raised.id,
        request_kind="safeguarding_concern", outcome=SignOffOutcome.RETURNED,
        decided_by=team.sup_x.user_id, decided_at=AT,
        comment="Please add the police reference before this goes further.",
    )
    team.sup_x.push_records(decision)
    team.worker.cursor = 0
    pulled = {c["record_id"]: c for c in team.worker.pull_all()}
    assert pulled[decision.id]["payload"]["outcome"] == "returned"


def test_kinds_not_configured_and_records_before_the_rule_get_no_request(team: Team) -> None:
    team.worker.push_records(concern(team.case_a.id))
    assert requests_pulled(team.worker) == []
    assert approvals(team.hub, "require", "amendment") == 0
    team.worker.push_records(concern(team.case_a.id))  # not a configured kind
    assert requests_pulled(team.worker) == []
    note = session(team.case_a.id)
    team.worker.push_records(note, amendment(note))
    requested = requests_pulled(team.worker)
    assert [r["payload"]["record_kind"] for r in requested] == ["amendment"]


def test_a_record_among_many_in_one_batch_is_still_asked_about(team: Team) -> None:
    """The group commit's common path (new events in bulk) must not skip the request."""
    assert approvals(team.hub, "require", "safeguarding_concern") == 0
    notes = [session(team.case_a.id) for _ in range(5)]
    raised = concern(team.case_a.id)
    team.worker.push_records(*notes[:3], raised, *notes[3:])
    assert [r["payload"]["record_id"] for r in requests_pulled(team.sup_x)] == [raised.id]


def test_a_re_push_after_a_hub_restore_is_not_asked_about_twice(team: Team) -> None:
    assert approvals(team.hub, "require", "safeguarding_concern") == 0
    raised = concern(team.case_a.id)
    response = team.worker.push_records(raised)
    assert response.json()["results"][0]["status"] == "accepted"
    with DbSession(team.hub.engine) as db, db.begin():  # the hub "forgets" the record
        db.execute(delete(HubRecord).where(HubRecord.record_id == raised.id))
    team.worker.push_records(raised)
    assert len(requests_pulled(team.sup_x)) == 1


def test_a_device_cannot_push_a_sign_off_request(team: Team) -> None:
    forged = SignOffRequest(
        id=new_id(), case_id=team.case_a.id, record_id=new_id(),
        record_kind="safeguarding_concern", worker=team.worker.user_id, requested_at=AT,
    )
    for laptop in (team.worker, team.sup_x):
        before = team.hub.admin.state()
        response = laptop.push(laptop.change(forged))
        assert response.status_code == 403, response.text
        assert "written by the hub only" in response.json()["message"]
        assert team.hub.admin.state() == before


def test_a_record_squatting_the_request_id_cannot_spare_a_concern_its_approval(
    team: Team,
) -> None:
    """The request's id is derived from the record's (``request_id_for``: public), so a
    worker can push a record of her own under it first. The hub must not take that for the
    request already made: the concern is refused until it can be asked about."""
    assert approvals(team.hub, "require", "safeguarding_concern") == 0
    raised = concern(team.case_a.id)
    squatter = session(team.case_a.id, id=request_id_for(raised.id))
    assert team.worker.push_records(squatter).json()["results"][0]["status"] == "accepted"
    before = team.hub.admin.state()
    response = team.worker.push(team.worker.change(raised))
    assert response.status_code == 409, response.text
    assert response.json()["error"] == "request_id_taken"
    assert "cannot be asked about" in response.json()["message"]
    assert team.hub.admin.state() == before
    assert requests_pulled(team.sup_x) == []
    team.sup_x.cursor = 0
    assert raised.id not in {c["record_id"] for c in team.sup_x.pull_all()}


def test_a_squatter_in_the_same_batch_is_refused_with_the_concern(team: Team) -> None:
    assert approvals(team.hub, "require", "safeguarding_concern") == 0
    raised = concern(team.case_a.id)
    squatter = session(team.case_a.id, id=request_id_for(raised.id))
    before = team.hub.admin.state()
    response = team.worker.push(team.worker.change(squatter), team.worker.change(raised))
    assert response.status_code == 409, response.text
    assert response.json()["error"] == "request_id_taken"
    assert team.hub.admin.state() == before, "the batch is refused whole: nothing stored"
