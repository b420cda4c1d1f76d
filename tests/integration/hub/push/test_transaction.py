"""A push naming a record the hub holds but the pusher may not see (spokeapp/hub/push/
transaction.py; docs/sync.md, "Scope (need-to-know)"): one answer, 403 ``out_of_scope``
naming only the id sent, whatever the record is (its kind, its case), and nothing stored.

The setting, as an auditor found it: worker A opened a case, which the hub then handed to
worker B of another team; A's laptop still knows its records' ids."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest

from spokeapp.domain.ids import new_id
from spokeapp.domain.records import Case, Referral, Session, YoungPerson
from tests.helpers.hub import Laptop, RunningHub
from tests.helpers.records import case, referral, session, young_person


@dataclass
class Moved:
    hub: RunningHub
    a: Laptop  # north worker, who held the case
    b: Laptop  # south worker, who holds it now
    yp: YoungPerson
    ref: Referral
    moved: Case
    note: Session
    south_referral: Referral  # B's, never a case
    own: Case  # A's own case


@pytest.fixture
def moved(hub: RunningHub) -> Iterator[Moved]:
    a = hub.laptop(hub.admin.add_user("Test Worker A North", "worker", "north"))
    b = hub.laptop(hub.admin.add_user("Test Worker B South", "worker", "south"))
    yp = young_person(1)
    ref = referral(yp)
    moved = case(yp, ref, key_worker=a.user_id)
    note = session(moved.id)
    a.push_records(yp, ref, moved, note)
    hub.admin.assign_case(moved.id, b.user_id)
    a.pull_all()
    south_yp = young_person(2)
    south_referral = referral(south_yp)
    b.push_records(south_yp, south_referral)
    own_yp = young_person(3)
    own = case(own_yp, key_worker=a.user_id)
    a.push_records(own_yp, own)
    yield Moved(hub, a, b, yp, ref, moved, note, south_referral, own)
    a.close()
    b.close()


def _answer(response: httpx.Response, *ids: str) -> tuple[int, str, str]:
    """Status, code and message, with the ids the pusher sent written as ``<id>``."""
    body = response.json()
    message = str(body.get("message", ""))
    for record_id in ids:
        message = message.replace(record_id, "<id>")
    return response.status_code, str(body.get("error", "")), message


def test_a_taken_id_outside_your_scope_gets_one_answer_whatever_it_names(moved: Moved) -> None:
    """A pushes a referral under the id of each record of the case she no longer holds (a
    session, the case, its young person, its referral) and of another team's referral: every
    answer is the same 403, naming only the id she sent; not "it is a session on the hub",
    nor the case it is in. Nothing is stored."""
    taken = [moved.note.id, moved.moved.id, moved.yp.id, moved.ref.id, moved.south_referral.id]
    before = moved.hub.admin.state()

    answers = {_answer(moved.a.push(moved.a.change(referral(moved.yp, id=record_id))),
                       record_id)
               for record_id in taken}

    assert answers == {(403, "out_of_scope", "Record <id> is not in your scope on the hub.")}
    assert moved.hub.admin.state() == before
    # What she may see is still named: her own case's id is a case on the hub.
    mine = moved.a.push(moved.a.change(referral(moved.yp, id=moved.own.id)))
    assert _answer(mine, moved.own.id) == (
        422, "kind_mismatch", "Record <id> is a case on the hub, not referral.")


def test_an_event_under_a_taken_id_says_nothing_of_the_record_or_its_case(moved: Moved) -> None:
    """A note in A's own case under the id of a record of the moved case: refused like any
    record she may not see, without naming the case it is in (B's now) or its kind."""
    before = moved.hub.admin.state()

    answers = {_answer(moved.a.push(moved.a.change(session(moved.own.id, id=record_id))),
                       record_id)
               for record_id in (moved.note.id, moved.moved.id, moved.ref.id)}

    assert answers == {(403, "out_of_scope", "Record <id> is not in your scope on the hub.")}
    assert moved.hub.admin.state() == before


def test_an_event_in_a_case_outside_your_caseload_is_answered_alike_taken_id_or_not(
        moved: Moved) -> None:
    """A note naming B's case: whether its own id is new to the hub or is that of one of the
    case's records, of any kind, the answer is the one for the case, word for word."""
    before = moved.hub.admin.state()

    answers = [_answer(moved.a.push(moved.a.change(session(moved.moved.id, id=record_id))))
               for record_id in (new_id(), moved.note.id, moved.moved.id, moved.yp.id)]

    assert answers == [(403, "out_of_scope",
                        f"Case {moved.moved.id} is not in your caseload on the hub.")] * 4
    assert moved.hub.admin.state() == before
