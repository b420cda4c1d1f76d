"""Group commit (docs/sync.md, "Speed"): pushes waiting for the write lock are written in one
transaction, a savepoint each. A refused push stores nothing and does not disturb the others;
every accepted push is acknowledged, and a pull sees every sequence number in order."""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import orjson
import pytest
from fastapi.exceptions import RequestValidationError
from sqlalchemy import text
from sqlalchemy.orm import Session

from spokeapp.hub import devices
from spokeapp.hub import lone_working as hub_lw
from spokeapp.hub.errors import HubError
from spokeapp.hub.ledger import stored_among
from spokeapp.hub.models import HubChange, HubRecord
from spokeapp.hub.push.group import QueuedPush, push_group, push_group_answers
from spokeapp.hub.push_queue import ArrivedPush, prepare_pushes, write_pushes
from spokeapp.hub.scope import Actor
from spokeapp.hub.security import Clock
from spokeapp.sync.protocol import PushRequest, PushResponse
from tests.helpers.hub import Laptop, RunningHub
from tests.helpers.lone_working import visit_plan
from tests.helpers.records import case, session, young_person


def _worker_laptop(hub: RunningHub, n: int) -> tuple[Laptop, str]:
    worker = hub.admin.add_user(f"Test Worker {n}", "worker", "north")
    laptop = hub.laptop(worker)
    yp = young_person(n)
    cs = case(yp, key_worker=worker)
    laptop.push_records(yp, cs)
    return laptop, cs.id


def _queued(hub: RunningHub, laptop: Laptop, body: dict[str, object]) -> QueuedPush:
    with Session(hub.engine) as db:
        caller = devices.authenticate(db, f"Bearer {laptop.access_token}", hub.clock)
    return QueuedPush(caller, PushRequest.model_validate(body))


def test_a_refused_push_in_a_group_stores_nothing_and_the_others_are_kept(
    hub: RunningHub,
) -> None:
    (a, case_a), (b, case_b), (c, case_c) = (_worker_laptop(hub, n) for n in (1, 2, 3))
    first = a.batch([a.change(session(case_a)), a.change(session(case_a))])
    # B's batch is out of B's scope (A's case): refused 403, whole.
    refused = b.batch([b.change(session(case_b)), b.change(session(case_a))])
    third = c.batch([c.change(session(case_c))])
    before = hub.admin.state()

    with Session(hub.engine) as db:
        outcomes = push_group(db, [_queued(hub, a, first), _queued(hub, b, refused),
                                   _queued(hub, c, third)], hub.clock)

    ok_a, error_b, ok_c = outcomes
    assert isinstance(error_b, HubError) and error_b.status == 403
    assert isinstance(ok_a, PushResponse) and isinstance(ok_c, PushResponse)
    assert [r.status for r in ok_a.results + ok_c.results] == ["accepted"] * 3
    seqs = [r.seq for r in ok_a.results + ok_c.results]
    assert seqs == list(range(before["max_seq"] + 1, before["max_seq"] + 4))  # no gap
    after = hub.admin.state()
    assert after["hub_records"] == before["hub_records"] + 3
    assert after["hub_changes"] == before["hub_changes"] + 3
    # B's chain did not move: its next push continues from where it was.
    assert b.push(b.change(session(case_b))).status_code == 200


def test_the_answer_written_straight_to_json_is_the_models_own_and_durable(
    hub: RunningHub,
) -> None:
    """The queue answers the common push with JSON made from its results, not from a model
    object per change: the same bytes ``PushResponse.model_dump_json`` gives, and a refused
    push in the same group still gets its HubError."""
    (a, case_a), (b, _) = (_worker_laptop(hub, n) for n in (1, 2))
    notes = [a.change(session(case_a)) for _ in range(3)]
    accepted = a.batch(notes)
    refused = b.batch([b.change(session(case_a))])  # A's case: out of B's scope
    before = hub.admin.state()

    with Session(hub.engine) as db:
        raw, error = push_group_answers(db, [_queued(hub, a, accepted), _queued(hub, b, refused)],
                                        hub.clock)

    assert isinstance(error, HubError) and error.status == 403
    assert isinstance(raw, bytes)
    answer = PushResponse.model_validate_json(raw)
    assert answer.model_dump_json().encode() == raw
    assert [(r.id, r.status, r.seq) for r in answer.results] == [
        (change.id, "accepted", before["max_seq"] + n) for n, change in enumerate(notes, 1)]
    assert answer.chain_head == accepted["chain"]["head"]  # type: ignore[index]
    assert hub.admin.state()["hub_records"] == before["hub_records"] + 3


def test_many_laptops_pushing_at_once_are_all_acknowledged_in_order(hub: RunningHub) -> None:
    laptops = [_worker_laptop(hub, n) for n in range(1, 13)]
    bad, _ = laptops[5]
    bodies = []
    for laptop, case_id in laptops:
        body = laptop.batch([laptop.change(session(case_id)) for _ in range(3)])
        if laptop is bad:  # not following its chain: 409 chain_gap, nothing stored
            body = laptop.batch([laptop.change(session(case_id))], prev_head="00" * 32)
        bodies.append(body)
    before = hub.admin.state()
    answers: dict[int, httpx.Response] = {}
    start = threading.Barrier(len(laptops))

    def push(index: int) -> None:
        laptop, _ = laptops[index]
        start.wait()
        answers[index] = laptop.send(bodies[index])

    threads = [threading.Thread(target=push, args=(i,)) for i in range(len(laptops))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    statuses = [answers[i].status_code for i in range(len(laptops))]
    assert statuses == [409 if laptop is bad else 200 for laptop, _ in laptops]
    assert answers[5].json()["error"] == "chain_gap"
    after = hub.admin.state()
    assert after["hub_records"] == before["hub_records"] + 3 * 11
    assert after["max_seq"] == before["max_seq"] + 3 * 11
    acknowledged = sorted(r["seq"] for i, a in answers.items() if i != 5
                          for r in a.json()["results"])
    assert acknowledged == list(range(before["max_seq"] + 1, after["max_seq"] + 1))
    for laptop, _ in laptops:
        laptop.close()


def test_a_group_of_ordinary_pushes_is_written_in_arrival_order_and_chains_move_on(
    hub: RunningHub,
) -> None:
    (a, case_a), (b, case_b) = (_worker_laptop(hub, n) for n in (1, 2))
    body_a = a.batch([a.change(session(case_a)) for _ in range(3)])
    body_b = b.batch([b.change(session(case_b)) for _ in range(2)])
    before = hub.admin.state()

    with Session(hub.engine) as db:
        # A's batch twice (a re-send after a lost answer): the second is all duplicates.
        outcomes = push_group(db, [_queued(hub, a, body_a), _queued(hub, b, body_b),
                                   _queued(hub, a, body_a)], hub.clock)

    first_a, only_b, again_a = outcomes
    assert isinstance(first_a, PushResponse) and isinstance(only_b, PushResponse)
    assert isinstance(again_a, PushResponse)
    top = before["max_seq"]
    assert [r.seq for r in first_a.results + only_b.results] == list(range(top + 1, top + 6))
    assert [r.status for r in again_a.results] == ["duplicate"] * 3
    assert [r.seq for r in again_a.results] == [r.seq for r in first_a.results]
    after = hub.admin.state()
    assert after["hub_records"] == before["hub_records"] + 5
    assert after["hub_changes"] == before["hub_changes"] + 5
    assert after["audit"] == before["audit"] + 3
    # Both chains moved on: each laptop's next batch follows on from the group's.
    a.chain_head, b.chain_head = first_a.chain_head, only_b.chain_head
    assert a.push(a.change(session(case_a))).status_code == 200
    assert b.push(b.change(session(case_b))).status_code == 200
    pulled = {c["record_id"] for c in a.pull_all()}
    assert {c.record_id for c in PushRequest.model_validate(body_a).changes} <= pulled
    assert not {c.record_id for c in PushRequest.model_validate(body_b).changes} & pulled


def test_a_group_as_it_arrived_answers_each_push_for_itself(hub: RunningHub) -> None:
    """write_pushes (the group's thread): token checks for the whole group in one go, then
    parsing, then the group's transaction. A stranger, a revoked laptop and a malformed body
    are each refused on their own; the good pushes around them are stored."""
    (a, case_a), (b, case_b), (c, case_c) = (_worker_laptop(hub, n) for n in (1, 2, 3))
    hub.admin.revoke(c.device_id, wipe=True)
    body_a = a.batch([a.change(session(case_a)) for _ in range(2)])
    body_b = b.batch([b.change(session(case_b))])
    before = hub.admin.state()
    group = [
        ArrivedPush(f"Bearer {a.access_token}", orjson.dumps(body_a)),
        ArrivedPush("Bearer not-a-token", orjson.dumps(body_b)),
        ArrivedPush(f"Bearer {c.access_token}",
                    orjson.dumps(c.batch([c.change(session(case_c))]))),
        ArrivedPush(f"Bearer {b.access_token}", b'{"hub_epoch": "x", "changes": [}'),
        ArrivedPush(f"Bearer {b.access_token}", orjson.dumps(body_b)),
        ArrivedPush(None, orjson.dumps(body_b)),
    ]

    ok_a, stranger, revoked, malformed, ok_b, anonymous = write_pushes(
        hub.engine, hub.clock, group)

    assert isinstance(ok_a, bytes) and isinstance(ok_b, bytes)
    assert [r["status"] for r in orjson.loads(ok_a)["results"]] == ["accepted"] * 2
    assert [r["status"] for r in orjson.loads(ok_b)["results"]] == ["accepted"]
    for refused in (stranger, anonymous):
        assert isinstance(refused, HubError) and refused.code == "unauthorised"
    assert isinstance(revoked, HubError) and revoked.code == "device_revoked" and revoked.wipe
    assert isinstance(malformed, RequestValidationError)
    after = hub.admin.state()
    assert after["hub_records"] == before["hub_records"] + 3
    assert after["max_seq"] == before["max_seq"] + 3


def test_a_record_named_twice_in_one_push_fails_nobody_elses_push(hub: RunningHub) -> None:
    """A faulty or hostile laptop names one new record in two changes of a batch. Its push is
    answered as the full path answers it (the second change a duplicate), and the honest
    pushes written in the same group are acknowledged, not failed with a 500."""
    (bad, bad_case), *honest = (_worker_laptop(hub, n) for n in range(1, 5))
    note = session(bad_case)
    twice = bad.batch([bad.change(note), bad.change(note)])
    others = [(laptop, laptop.batch([laptop.change(session(case_id))]))
              for laptop, case_id in honest]
    before = hub.admin.state()

    with Session(hub.engine) as db:
        outcomes = push_group(
            db, [_queued(hub, laptop, body) for laptop, body in others[:2]]
            + [_queued(hub, bad, twice)]
            + [_queued(hub, laptop, body) for laptop, body in others[2:]],
            hub.clock,
        )

    assert all(isinstance(outcome, PushResponse) for outcome in outcomes), outcomes
    answers = [[r.status for r in outcome.results] for outcome in outcomes]  # type: ignore[union-attr]
    assert answers == [["accepted"], ["accepted"], ["accepted", "duplicate"], ["accepted"]]
    after = hub.admin.state()
    assert after["hub_records"] == before["hub_records"] + 4  # the note once, and each other

    # And over HTTP, sent with fifteen honest pushes at the same instant: no 5xx for anyone.
    bad.chain_head = twice["chain"]["head"]  # type: ignore[index]  # stored, above
    laptops = [_worker_laptop(hub, n) for n in range(5, 20)]
    again = session(bad_case)
    bodies = [(bad, bad.batch([bad.change(again), bad.change(again)]))] + [
        (laptop, laptop.batch([laptop.change(session(case_id))])) for laptop, case_id in laptops
    ]
    barrier = threading.Barrier(len(bodies))

    def send(pair: tuple[Laptop, dict[str, object]]) -> int:
        barrier.wait()
        return pair[0].send(pair[1]).status_code

    with ThreadPoolExecutor(len(bodies)) as pool:
        statuses = list(pool.map(send, bodies))
    assert statuses == [200] * len(bodies)


@pytest.mark.parametrize("fault", ["python", "database"])
def test_a_push_failing_unexpectedly_in_its_savepoint_is_answered_500_alone(
    hub: RunningHub, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture,
    fault: str,
) -> None:
    """A bug one push meets inside its savepoint (here: in the lone-working step every push
    of the full path takes, after its records were written) used to fail its whole group: the
    other laptops' pushes were answered 500 too. Its savepoint alone is rolled back and it
    alone is answered ``500 internal_error``; the pushes before and after it are stored and
    acknowledged. ``database``: a statement that fails, which on PostgreSQL aborts the
    transaction until the savepoint is rolled back."""
    (a, case_a), (bad, _), (c, case_c) = (_worker_laptop(hub, n) for n in (1, 2, 3))
    body_a = a.batch([a.change(session(case_a))])  # the common path, written first
    plan = visit_plan(bad.user_id, hub.clock.now)
    body_bad = bad.batch([bad.change(plan)])  # safety records take the full path
    body_c = c.batch([c.change(session(case_c)), c.change(session(case_c))])
    before = hub.admin.state()
    hook = hub_lw.on_safety_changes
    broken = {bad.user_id}

    def faulty(db: Session, actor: Actor, checked: Sequence[Any], clock: Clock) -> Any:
        if actor.user_id in broken:
            if fault == "database":
                db.execute(text("SELECT no_such_column FROM hub_records"))
            raise OverflowError("date value out of range")
        return hook(db, actor, checked, clock)

    monkeypatch.setattr(hub_lw, "on_safety_changes", faulty)
    group = [ArrivedPush(f"Bearer {laptop.access_token}", orjson.dumps(body))
             for laptop, body in ((a, body_a), (bad, body_bad), (c, body_c))]

    with caplog.at_level(logging.ERROR, logger="spokeapp.hub.push.group"):
        ok_a, failed, ok_c = write_pushes(hub.engine, hub.clock, group)

    assert isinstance(failed, HubError)
    assert (failed.status, failed.code) == (500, "internal_error")
    for answer, count in ((ok_a, 1), (ok_c, 2)):
        assert isinstance(answer, bytes)
        assert [r["status"] for r in orjson.loads(answer)["results"]] == ["accepted"] * count
    after = hub.admin.state()
    assert after["hub_records"] == before["hub_records"] + 3  # nothing of the plan
    assert after["lw_watch"] == before["lw_watch"]
    assert after["max_seq"] == before["max_seq"] + 3
    # by device and the error's type: never its message (SQL parameters, a value)
    error = "OverflowError" if fault == "python" else (
        "ProgrammingError" if hub.engine.dialect.name == "postgresql" else "OperationalError")
    assert [r.getMessage() for r in caplog.records] == [
        f"push from device {bad.device_id} failed unexpectedly ({error}); answered 500 "
        "alone, the rest of its group is written"]
    # Its chain did not move: sent again once the fault is gone, it is stored.
    broken.clear()
    assert bad.send(body_bad).status_code == 200
    assert hub.admin.state()["lw_watch"] == before["lw_watch"] + 1


def test_a_group_whose_transaction_ended_under_a_failed_push_stores_nothing(
    hub: RunningHub, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The other side of answering a failed push alone: when the database itself ended the
    group's transaction under it (SQLite does for a full disk; here a stray ROLLBACK), the
    pushes answered before it are gone with it, so the group fails whole and nothing is
    acknowledged. Going on would write the rest outside the transaction and answer the
    first push 200 though it was not stored."""
    (a, case_a), (bad, _), (c, case_c) = (_worker_laptop(hub, n) for n in (1, 2, 3))
    bodies = [(a, a.batch([a.change(session(case_a))])),
              (bad, bad.batch([bad.change(visit_plan(bad.user_id, hub.clock.now))])),
              (c, c.batch([c.change(session(case_c))]))]
    before = hub.admin.state()
    hook = hub_lw.on_safety_changes

    def ending(db: Session, actor: Actor, checked: Sequence[Any], clock: Clock) -> Any:
        if actor.user_id == bad.user_id:
            db.execute(text("ROLLBACK"))
            raise OverflowError("date value out of range")
        return hook(db, actor, checked, clock)

    monkeypatch.setattr(hub_lw, "on_safety_changes", ending)
    group = [ArrivedPush(f"Bearer {laptop.access_token}", orjson.dumps(body))
             for laptop, body in bodies]

    with pytest.raises(Exception):  # noqa: B017 - whatever the database said: every push 500
        write_pushes(hub.engine, hub.clock, group)

    assert hub.admin.state() == before


def test_a_push_naming_ids_the_database_cannot_hold_is_refused_alone(hub: RunningHub) -> None:
    """A batch whose ids PostgreSQL cannot hold (NUL) used to take its whole group down: the
    group looked up every push's change and record ids, refused pushes' too, and the
    database's error failed every laptop in the group with a 500. It is refused 422 by
    itself, before the database; the pushes around it are stored."""
    (a, case_a), (b, case_b), (c, case_c) = (_worker_laptop(hub, n) for n in (1, 2, 3))
    body_a = a.batch([a.change(session(case_a))])
    body_b = b.batch([b.change(session(case_b, id="s-\u0000"))])
    body_c = c.batch([c.change(session(case_c))])
    before = hub.admin.state()
    group = [ArrivedPush(f"Bearer {laptop.access_token}", orjson.dumps(body))
             for laptop, body in ((a, body_a), (b, body_b), (c, body_c))]

    ok_a, refused, ok_c = write_pushes(hub.engine, hub.clock, group)

    assert isinstance(refused, HubError)
    assert (refused.status, refused.code) == (422, "invalid_record")
    for answer in (ok_a, ok_c):
        assert isinstance(answer, bytes)
        assert [r["status"] for r in orjson.loads(answer)["results"]] == ["accepted"]
    after = hub.admin.state()
    assert after["hub_records"] == before["hub_records"] + 2
    assert after["max_seq"] == before["max_seq"] + 2


def test_header_edits_in_a_group_follow_the_merge_rules(hub: RunningHub) -> None:
    """Headers never take the group's fast path: one laptop closes and reopens a case and
    another, from the version before both, closes it, all in one group. The reopening is kept
    (the status was written after the other laptop's base, though it is "open" again) and the
    other laptop's closure is named by conflicts; the first laptop never conflicts with itself.
    """
    worker = hub.admin.add_user("Test Worker G", "worker", "north")
    first, second = hub.laptop(worker, "Office test laptop"), hub.laptop(worker, "Home laptop")
    cs = case(young_person(1), key_worker=worker)
    first.push_records(young_person(1), cs)
    pulled = {c["record_id"]: c for c in second.pull_all()}[cs.id]
    base, base_seq = pulled["payload"], pulled["seq"]
    closed = {**base, "status": "closed", "closed_on": "2026-02-01"}
    bodies = []
    for before, after in ((base, closed), (closed, {**closed, "status": "open",
                                                    "closed_on": None})):
        change = first.change(kind="case", record_id=cs.id, op="put", payload=after,
                              base_seq=base_seq, base=before)
        bodies.append(first.batch([change]))
        first.chain_head = bodies[-1]["chain"]["head"]
    stale = second.change(kind="case", record_id=cs.id, op="put",
                          payload={**base, "status": "closed", "closed_on": "2026-02-20"},
                          base_seq=base_seq, base=base)

    with Session(hub.engine) as db:
        outcomes = push_group(db, [_queued(hub, first, bodies[0]), _queued(hub, first, bodies[1]),
                                   _queued(hub, second, second.batch([stale]))], hub.clock)

    assert all(isinstance(o, PushResponse) for o in outcomes)
    assert [o.results[0].status for o in outcomes if isinstance(o, PushResponse)] == [
        "accepted", "accepted", "conflict"]
    stored = {c["record_id"]: c for c in second.pull_all()}[cs.id]["payload"]
    assert (stored["status"], stored["closed_on"]) == ("open", None)


def test_signatures_checked_on_other_threads_refuse_exactly_what_one_thread_refuses(
    hub: RunningHub,
) -> None:
    """prepare_pushes with the hub's verifier threads (a burst's signatures checked beside
    the parsing, docs/sync.md "Speed"): a batch signed by another key is still 401, a batch
    whose changes were altered after signing still 400, each in its place among good pushes,
    exactly as when each is verified in turn."""
    (a, case_a), (b, case_b), (c, case_c) = (_worker_laptop(hub, n) for n in (1, 2, 3))
    good_a = a.batch([a.change(session(case_a)) for _ in range(3)])
    forged = b.batch([b.change(session(case_b))])
    forged["chain"]["signature"] = a.batch([b.change(session(case_b))])["chain"]["signature"]
    altered = c.batch([c.change(session(case_c))])
    altered["changes"][0]["payload"]["notes"] = "Changed after signing (fictional)."
    group = [
        ArrivedPush(f"Bearer {a.access_token}", orjson.dumps(good_a)),
        ArrivedPush(f"Bearer {b.access_token}", orjson.dumps(forged)),
        ArrivedPush(f"Bearer {c.access_token}", orjson.dumps(altered)),
        ArrivedPush(f"Bearer {b.access_token}",
                    orjson.dumps(b.batch([b.change(session(case_b))]))),
    ]

    def refusals(verifier: ThreadPoolExecutor | None) -> list[str | None]:
        codes: list[str | None] = []
        for item in prepare_pushes(hub.engine, hub.clock, group, verifier=verifier):
            assert isinstance(item, QueuedPush) and item.prepared is not None
            codes.append(None if item.prepared.error is None else item.prepared.error.code)
        return codes

    with ThreadPoolExecutor(2) as verifier:
        side_by_side = refusals(verifier)
    assert side_by_side == [None, "bad_signature", "chain_mismatch", None]
    assert refusals(None) == side_by_side


def test_the_groups_lookup_finds_exactly_the_ids_stored_however_many_are_asked(
    hub: RunningHub,
) -> None:
    """``ledger.stored_among``: one driver statement for any number of ids (the group's
    change and record ids, up to 4,000 each), on SQLite and PostgreSQL alike."""
    laptop, case_id = _worker_laptop(hub, 1)
    notes = [session(case_id) for _ in range(5)]
    changes = [laptop.change(note) for note in notes]
    assert laptop.push(*changes).status_code == 200
    stored_ids = {c.id for c in changes}
    strangers = [str(uuid.uuid4()) for _ in range(4_000)]
    asked = [*strangers[:2_000], *sorted(stored_ids), *strangers[2_000:], "x'); --"]

    with Session(hub.engine) as db:
        assert stored_among(db, HubChange.change_id, asked) == stored_ids
        assert stored_among(db, HubRecord.record_id, [n.id for n in notes] + strangers) == {
            n.id for n in notes}
        assert stored_among(db, HubChange.change_id, []) == set()
        assert stored_among(db, HubChange.change_id, strangers) == set()
