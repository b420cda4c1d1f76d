"""A restriction request is told only to those who may see its case (spokeapp/hub/push/
checks.py: ``check_case``, ``check_not_disposed``; docs/sync.md, "Scope (need-to-know)").
Anyone else naming a restricted case, or a restricted referral that never became a case, is
answered exactly as for one that is not restricted, or one the hub never heard of."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest
from sqlalchemy.orm import Session as DbSession

from spokeapp.domain.ids import new_id
from spokeapp.domain.records import Case, Referral
from spokeapp.hub.disposal import restrict
from spokeapp.hub.ledger import lock_writes
from tests.helpers.hub import Laptop, RunningHub
from tests.helpers.records import case, referral, session, young_person


@dataclass
class Teams:
    hub: RunningHub
    a: Laptop  # north worker: the outsider
    b: Laptop  # south worker: the case's key worker
    south: Case
    south_referral: Referral  # B's, never a case


@pytest.fixture
def teams(hub: RunningHub) -> Iterator[Teams]:
    a = hub.laptop(hub.admin.add_user("Test Worker A North", "worker", "north"))
    b = hub.laptop(hub.admin.add_user("Test Worker B South", "worker", "south"))
    yp = young_person(1)
    south = case(yp, key_worker=b.user_id)
    other = young_person(2)
    south_referral = referral(other)
    b.push_records(yp, south, other, south_referral)
    yield Teams(hub, a, b, south, south_referral)
    a.close()
    b.close()


def _restrict(hub: RunningHub, subject_id: str) -> None:
    with DbSession(hub.engine) as s, s.begin():
        lock_writes(s)
        restrict(s, subject_id)


def _answer(response: httpx.Response, *ids: str) -> tuple[int, str, str]:
    """Status, code and message, with the ids the pusher sent written as ``<id>``."""
    body = response.json()
    message = str(body.get("message", ""))
    for record_id in ids:
        message = message.replace(record_id, "<id>")
    return response.status_code, str(body.get("error", "")), message


def test_a_restricted_case_outside_your_caseload_is_answered_like_any_other(
        teams: Teams) -> None:
    """A note naming south's case: the same answer before and after its young person asked for
    a restriction, and the same as for a case the hub never heard of. Its key worker is still
    told it is restricted."""
    ghost = new_id()
    before_restriction = _answer(teams.a.push(teams.a.change(session(teams.south.id))),
                                 teams.south.id)
    _restrict(teams.hub, teams.south.id)
    before = teams.hub.admin.state()

    restricted = _answer(teams.a.push(teams.a.change(session(teams.south.id))),
                         teams.south.id)
    unknown = _answer(teams.a.push(teams.a.change(session(ghost))), ghost)

    expected = (403, "out_of_scope", "Case <id> is not in your caseload on the hub.")
    assert restricted == before_restriction == unknown == expected
    assert teams.hub.admin.state() == before
    own = teams.b.push(teams.b.change(session(teams.south.id)))
    assert (own.status_code, own.json()["error"]) == (409, "case_restricted")


def test_a_restricted_referral_outside_your_scope_is_answered_like_any_other(
        teams: Teams) -> None:
    """South's referral that never became a case, restricted: A naming its id is told what
    she is told for another team's referral that is not restricted. Its author is still told
    it is restricted."""
    other = referral(young_person(3))
    teams.b.push_records(other)
    _restrict(teams.hub, teams.south_referral.id)
    before = teams.hub.admin.state()

    restricted = _answer(teams.a.push(teams.a.change(teams.south_referral)),
                         teams.south_referral.id)
    unrestricted = _answer(teams.a.push(teams.a.change(other)), other.id)

    assert restricted == unrestricted == (
        403, "out_of_scope", "Record <id> is not in your scope on the hub.")
    assert teams.hub.admin.state() == before
    own = teams.b.push(teams.b.change(teams.south_referral))
    assert (own.status_code, own.json()["error"]) == (409, "case_restricted")
