"""The device sync engine against an in-memory hub: what a worker would notice."""

from __future__ import annotations

import json
from dataclasses import replace
from itertools import islice
from pathlib import Path
from typing import Any

import pytest

from spokeapp.crypto.device_keys import verify_signature
from spokeapp.domain.areas import Area
from spokeapp.domain.ids import new_id
from spokeapp.domain.records import CaseStatus, ReferralDecision
from spokeapp.store.areas import load_areas
from spokeapp.store.casebook import DB_NAME, KEY_NAME, Casebook, RecordNotFound
from spokeapp.store.sync_state import PulledRecord
from spokeapp.sync import engine as engine_module
from spokeapp.sync.client import HubUnreachable
from spokeapp.sync.engine import SyncEngine, SyncEvent
from spokeapp.sync.protocol import (
    GENESIS_HEAD,
    AreaOut,
    ChangeOut,
    PullResponse,
    PushRequest,
    PushResponse,
    chain_heads,
    chain_message,
)
from tests.helpers.records import (
    case,
    new_casebook,
    raw_connection,
    referral,
    seeded_case,
    session,
    young_person,
)
from tests.unit.sync.fake_hub import FakeHub


def _add_safety_change(profile: Path, kind: str) -> str:
    """A safety record as the (future) lone-working store would log it."""
    conn = raw_connection(profile)
    change_id = new_id()
    try:
        conn.execute(
            "INSERT INTO changes (id, record_id, kind, op, payload, author, device, local_time)"
            " VALUES (?, ?, ?, 'finalise', ?, 'test-worker', 'dev', '2026-03-02T10:00:00')",
            (change_id, new_id(), kind, json.dumps({"note": "fictional"})),
        )
    finally:
        conn.close()
    return change_id


# ------------------------------------------------------------------------------ enrolment
def test_enrolment_keeps_credentials_only_inside_the_encrypted_casebook(
    engine: SyncEngine, book: Casebook
) -> None:
    account = engine.store.account()
    assert account is not None and account.user_name == "Test Worker"
    assert len(account.device_key) == 32 and account.chain_head == GENESIS_HEAD
    assert "r" * 32 not in repr(account)  # secrets never reach a log line
    for path in book.profile.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            assert account.refresh_token.encode() not in data
            assert account.device_key not in data
    assert engine.status().enrolled


def test_sync_before_enrolment_says_so_in_plain_words(book: Casebook, hub: FakeHub) -> None:
    report = SyncEngine(book, hub.client_factory).sync_once()
    assert report.error_code == "not_enrolled" and "not enrolled" in (report.error or "")


# ------------------------------------------------------------------------------ push
def test_push_is_chained_and_signed_by_this_device(engine: SyncEngine, book: Casebook,
                                                   hub: FakeHub) -> None:
    seeded_case(book)
    report = engine.sync_once()
    assert report.ok and report.accepted == 3
    (batch,) = hub.batches
    account = engine.store.account()
    assert account is not None
    assert batch.chain.prev_head == GENESIS_HEAD
    assert batch.chain.head == chain_heads(GENESIS_HEAD, batch.changes)[-1] == account.chain_head
    message = chain_message(account.device_id, batch.chain.prev_head, batch.chain.head)
    assert verify_signature(hub.keys[account.device_id], message, batch.chain.signature)
    assert book.changes() == []  # everything marked sent
    assert engine.status().waiting == 0 and engine.status().last_upload is not None


@pytest.mark.parametrize("online", [True, False])
def test_a_sync_that_ends_as_spoke_locks_returns_quietly(
    engine: SyncEngine, book: Casebook, hub: FakeHub, online: bool,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Auto-lock or sign-out while a sync finishes: the run's report comes back (its work is
    on the hub or still waiting); recording the attempt and the status it would show are
    skipped, not raised as an engine bug (the supervisor's window walk found this race)."""
    seeded_case(book)
    hub.online = online
    run = engine._run

    def run_then_lock(report: object) -> None:
        try:
            run(report)  # type: ignore[arg-type]
        finally:
            book.close()  # what locking does, just as the run ends

    monkeypatch.setattr(engine, "_run", run_then_lock)
    report = engine.sync_once()
    assert report.ok is online and report.accepted == (3 if online else 0)
    assert not book.is_open


def test_nothing_is_marked_sent_when_the_hub_cannot_be_reached(
    engine: SyncEngine, book: Casebook, hub: FakeHub
) -> None:
    seeded_case(book)
    hub.online = False
    report = engine.sync_once()
    assert report.error_code == "unreachable"
    assert len(book.changes()) == 3 and engine.status().waiting == 3
    assert engine.status().last_error == report.error
    hub.online = True
    assert engine.sync_once().ok
    assert book.changes() == [] and engine.status().last_error is None


def test_lost_acknowledgement_resends_the_same_batch_and_nothing_is_stored_twice(
    engine: SyncEngine, book: Casebook, hub: FakeHub
) -> None:
    _yp, _ref, cs = seeded_case(book)
    hub.lose_next_ack = True
    first = engine.sync_once()
    assert first.error_code == "unreachable"
    assert len(book.changes()) == 3  # the hub stored them, but we never heard: still unsent
    book.save(session(cs.id), finalise=True)  # the worker carries on meanwhile

    second = engine.sync_once()

    assert second.ok and second.duplicates == 3 and second.accepted == 1
    assert hub.batches[1] == hub.batches[0]  # byte-for-byte the same batch, same signature
    assert len(hub.rows) == 4 and len(hub.change_ids) == 4
    assert book.changes() == []


def test_header_edits_travel_as_one_change_with_the_base_they_started_from(
    engine: SyncEngine, book: Casebook, hub: FakeHub
) -> None:
    _yp, _ref, cs = seeded_case(book)
    assert engine.sync_once().ok
    base_seq = engine.store.hub_seq(cs.id)
    assert base_seq is not None
    book.save(replace(cs, current_risk_level="medium"))
    book.save(replace(cs, current_risk_level="high"))
    book.save(
        replace(cs, current_risk_level="high", status=CaseStatus.CLOSED, closed_on=cs.opened_on)
    )
    hub.batches.clear()

    assert engine.sync_once().ok

    changes = [c for b in hub.batches for c in b.changes if c.record_id == cs.id]
    assert len(changes) == 1
    (change,) = changes
    assert change.payload["status"] == "closed" and change.payload["current_risk_level"] == "high"
    assert change.base_seq == base_seq
    assert change.base is not None and change.base["status"] == "open"
    assert change.base.get("current_risk_level") is None


def test_safety_records_go_first_and_alone(engine: SyncEngine, book: Casebook,
                                           hub: FakeHub) -> None:
    for n in range(1, 4):
        seeded_case(book, n)
    check_in = _add_safety_change(book.profile, "check_in")
    assert engine.sync_once().ok
    first, *rest = hub.batches
    assert [c.id for c in first.changes] == [check_in]
    assert rest and all(c.kind != "check_in" for b in rest for c in b.changes)


def test_out_of_scope_refusal_holds_only_that_case(engine: SyncEngine, book: Casebook,
                                                   hub: FakeHub) -> None:
    _, _, mine = seeded_case(book, 1)
    _, _, moved = seeded_case(book, 2)
    hub.forbidden_cases.add(moved.id)

    report = engine.sync_once()

    assert report.held == 3 and report.accepted == 3
    assert mine.id in hub.rows and moved.id not in hub.rows
    held = {h.record_id: h.reason for h in engine.held()}
    assert moved.id in held and held[moved.id] == "out_of_scope"
    assert engine.status().held == len(held) and engine.status().waiting == 0
    # Held work is kept on the laptop, and sent once the case is sorted out.
    assert book.get(moved.id).record == moved
    hub.forbidden_cases.clear()
    engine.release_held()
    assert engine.sync_once().accepted == 3 and moved.id in hub.rows


# ------------------------------------------------------------------------------ pull
def test_second_laptop_receives_records_and_search_finds_them(
    tmp_path: Path, engine: SyncEngine, book: Casebook, hub: FakeHub
) -> None:
    _, _, cs = seeded_case(book)
    book.save(session(cs.id, discussed="Talked about the skatepark."), finalise=True)
    assert engine.sync_once().ok
    other, _ = new_casebook(tmp_path / "second")
    with other:
        second = SyncEngine(other, hub.client_factory)
        second.enrol("http://127.0.0.1:8470", "TEST-CODE-5678", "Second laptop")
        report = second.sync_once()
        assert report.ok and report.pulled == 4
        assert [row.reference for row in other.caseload()] == ["YP-TEST-01"]
        assert {h.record_id for h in other.search_notes("skatepark")}
        assert other.changes() == []  # received records are not sent back
        (stored,) = other.records(kind="session")
        assert stored.state == "final"


def test_a_hub_edit_never_overwrites_unsent_local_work(engine: SyncEngine, book: Casebook,
                                                       hub: FakeHub) -> None:
    _, ref, _ = seeded_case(book)
    assert engine.sync_once().ok
    mine = replace(ref, decision=ReferralDecision.WAITING_LIST)
    book.save(mine)
    theirs = {**ref.to_dict(), "consent_to_share": True}
    new_seq = hub.put(ref.id, "referral", theirs, None)
    account = engine.store.account()
    assert account is not None
    # Apply the hub's page directly, before the worker's edit has been pushed.
    result = engine.store.apply_page(
        account.cursor, new_seq,
        [PulledRecord(new_seq, ref.id, "referral", "put", None, theirs, "u-other")],
    )
    assert result.kept_unsent == 1
    assert book.get(ref.id).record == mine  # the worker's edit is still there
    assert engine.store.hub_seq(ref.id) == new_seq  # the hub version is noted as base


def test_purge_removes_a_reassigned_case_but_keeps_unsent_work_as_held(
    engine: SyncEngine, book: Casebook, hub: FakeHub
) -> None:
    _, _, staying = seeded_case(book, 1)
    _, _, leaving = seeded_case(book, 2)
    _, _, third = seeded_case(book, 3)
    book.save(session(leaving.id), finalise=True)
    assert engine.sync_once().ok
    draft = session(leaving.id, discussed="Unfinished fictional note.")
    book.save(draft)  # a draft: unsent work
    hub.purge_case(leaving.id)

    report = engine.sync_once()

    assert report.ok and report.held == 1
    assert book.records(case_id=leaving.id) == [book.get(draft.id)]
    assert {r.reference for r in book.caseload()} == {"YP-TEST-01", "YP-TEST-03"}
    assert [h.record_id for h in engine.held()] == [draft.id]
    assert book.search_notes("bus home") == []  # the purged session is gone from search
    assert book.get(staying.id) and book.get(third.id)  # other cases untouched


def test_a_page_that_would_empty_most_of_the_casebook_stops_and_asks(
    engine: SyncEngine, book: Casebook, hub: FakeHub, events: list[SyncEvent]
) -> None:
    _, _, first = seeded_case(book, 1)
    _, _, second = seeded_case(book, 2)
    assert engine.sync_once().ok
    before = book.count()
    hub.purge_case(first.id)
    hub.purge_case(second.id)

    report = engine.sync_once()

    assert report.needs_confirmation is not None
    assert report.needs_confirmation.records == before == 6
    assert "Nothing has been removed" in report.needs_confirmation.message
    assert book.count() == before  # nothing removed, cursor not moved
    assert any(e.kind == "confirm" for e in events)
    again = engine.sync_once()
    assert again.needs_confirmation is not None and book.count() == before

    confirmed = engine.confirm_purge(again.needs_confirmation)

    assert confirmed.ok and confirmed.purged == 6 and book.count() == 0


def test_pulled_conflicts_are_listed_and_can_be_resolved(
    engine: SyncEngine, book: Casebook, hub: FakeHub
) -> None:
    _, _, cs = seeded_case(book)
    assert engine.sync_once().ok
    conflict_id = new_id()
    hub.put(conflict_id, "conflict", {"id": conflict_id, "record_id": cs.id, "field": "status",
                                      "resolved": False}, cs.id)
    assert engine.sync_once().ok
    (conflict,) = engine.store.conflicts()
    assert conflict.body["field"] == "status" and engine.status().open_conflicts == 1

    engine.resolve_conflict(conflict_id)

    assert engine.store.conflicts() == [] and engine.status().open_conflicts == 0
    assert engine.sync_once().ok
    assert hub.rows[conflict_id].payload is not None
    assert hub.rows[conflict_id].payload["resolved"] is True  # type: ignore[index]


# ------------------------------------------------------------------------------ hub restored
def test_restored_hub_gets_every_change_again_and_the_laptop_pulls_from_zero(
    engine: SyncEngine, book: Casebook, hub: FakeHub
) -> None:
    _, _, first = seeded_case(book, 1)
    assert engine.sync_once().ok
    keep = hub.seq
    _, _, lost = seeded_case(book, 2)
    book.save(session(lost.id), finalise=True)
    assert engine.sync_once().ok
    assert len(hub.rows) == 7
    hub.restore_from_backup(keep_seq=keep)  # the hub lost the second case and the session
    assert len(hub.rows) == 3

    report = engine.sync_once()

    assert report.ok and report.hub_restored
    assert report.repushed == 7 and report.duplicates == 3 and report.accepted == 4
    assert len(hub.rows) == 7 and lost.id in hub.rows
    account = engine.store.account()
    assert account is not None and account.hub_epoch == hub.epoch
    assert account.cursor == hub.seq and account.repush_from is None
    assert {r.reference for r in book.caseload()} == {"YP-TEST-01", "YP-TEST-02"}
    # The rebuilt chain continues normally afterwards.
    book.save(session(first.id), finalise=True)
    assert engine.sync_once().accepted == 1


# ------------------------------------------------------------------------------ revoked
def test_revoked_with_wipe_erases_the_casebook_files(
    engine: SyncEngine, book: Casebook, hub: FakeHub, events: list[SyncEvent]
) -> None:
    seeded_case(book)
    account = engine.store.account()
    assert account is not None
    hub.revoked[account.device_id] = True
    profile = book.profile

    report = engine.sync_once()

    assert report.wiped and not book.is_open
    assert not (profile / DB_NAME).exists() and not (profile / KEY_NAME).exists()
    assert not (profile / f"{DB_NAME}-wal").exists()
    assert [e.kind for e in events][-1] == "wiped"
    assert engine.sync_once().wiped  # and stays wiped


def test_revoked_without_wipe_keeps_the_work_and_says_why(
    engine: SyncEngine, book: Casebook, hub: FakeHub
) -> None:
    seeded_case(book)
    account = engine.store.account()
    assert account is not None
    hub.revoked[account.device_id] = False
    report = engine.sync_once()
    assert report.revoked and not report.wiped and book.is_open
    assert book.count() == 3 and engine.status().device_status == "revoked"
    assert "revoked" in (engine.status().last_error or "")


def test_progress_events_are_plain_callbacks(engine: SyncEngine, book: Casebook,
                                             events: list[SyncEvent]) -> None:
    seeded_case(book)
    engine.sync_once()
    phases = {e.phase for e in events if e.kind == "progress"}
    assert {"upload", "download"} <= phases
    assert events[-1].kind == "status" and events[-1].status is not None
    assert all(e.done <= e.total for e in events if e.kind == "progress")


def test_upload_progress_shows_at_once_before_the_first_batch_is_answered(
    engine: SyncEngine, book: Casebook, events: list[SyncEvent]
) -> None:
    seeded_case(book)
    waiting = engine.status().waiting
    engine.sync_once()
    upload = [e for e in events if e.kind == "progress" and e.phase == "upload"]
    assert (upload[0].done, upload[0].total) == (0, waiting)
    assert upload[-1].done == waiting


def test_records_written_with_young_person_and_case_keep_their_links(
    engine: SyncEngine, book: Casebook, hub: FakeHub
) -> None:
    yp = young_person(4)
    ref = referral(yp)
    cs = case(yp, ref)
    for record in (yp, ref, cs):
        book.save(record)
    assert engine.sync_once().ok
    scopes = {c.record_id: c for b in hub.batches for c in b.changes}
    assert set(scopes) == {yp.id, ref.id, cs.id}


def test_outbox_batches_stay_within_the_protocol_limits() -> None:
    from spokeapp.store.sync_state import PendingChange
    from spokeapp.sync.engine import batches, squash
    from spokeapp.sync.protocol import MAX_BATCH_CHANGES

    pending = [
        PendingChange(seq=i, id=new_id(), record_id=new_id(), kind="session", op="finalise",
                      payload={"n": i}, author="test-worker", local_time="t", base_seq=None,
                      base=None, scope="c")
        for i in range(1, 2 * MAX_BATCH_CHANGES + 201)
    ]
    items, bad = squash(pending)
    sizes = [len(b) for b in batches(items)]
    assert bad == [] and sizes == [MAX_BATCH_CHANGES, MAX_BATCH_CHANGES, 200]
    assert [i.change.id for b in batches(items) for i in b] == [p.id for p in pending]


def test_a_push_of_many_batches_starts_and_ends_with_small_ones() -> None:
    # The first acknowledgement arrives after a few hundred changes, not a whole batch, and
    # the last batch is small so the hub's final store is short; everything is carried once.
    from spokeapp.sync.engine import batch_plan
    from spokeapp.sync.protocol import MAX_BATCH_CHANGES

    assert batch_plan(1) == [1] and batch_plan(MAX_BATCH_CHANGES) == [MAX_BATCH_CHANGES]
    for total in (MAX_BATCH_CHANGES + 1, 2_600, 10_150, 100_000):
        plan = batch_plan(total)
        assert sum(plan) == total and all(0 < n <= MAX_BATCH_CHANGES for n in plan)
        assert plan[0] == 250 and plan[-1] == 250
        assert MAX_BATCH_CHANGES in plan or total < 4 * MAX_BATCH_CHANGES
    assert batch_plan(10_000)[:3] == [250, 1000, 2000]


def test_the_engine_sends_the_planned_batches_in_order(
    engine: SyncEngine, book: Casebook, hub: FakeHub, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Small limits so a handful of records make a ramped push: 1, then 4, ..., then 1.
    monkeypatch.setattr(engine_module, "MAX_BATCH_CHANGES", 4)
    monkeypatch.setattr(engine_module, "_RAMP_FIRST", 1)
    monkeypatch.setattr(engine_module, "_RAMP_LAST", 1)
    _yp, _ref, cs = seeded_case(book)
    for _ in range(9):
        book.save(session(cs.id), finalise=True)
    written = [change.id for change in book.changes()]

    report = engine.sync_once()

    assert report.ok and report.accepted == 12
    assert [len(batch.changes) for batch in hub.batches] == [1, 4, 4, 2, 1]
    assert [c.id for batch in hub.batches for c in batch.changes] == written
    assert book.changes() == [] and engine.store.outgoing_batches() == []


def test_a_large_pull_asks_for_small_pages_first_and_stores_every_record_once(
    engine: SyncEngine, book: Casebook, hub: FakeHub, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch
) -> None:
    # A second laptop pulls what the first pushed: a page of 2, then its limit of 8 (in the
    # app: 250, 1,000, then 2,000), each stored once, in the hub's order.
    monkeypatch.setattr(engine_module, "_RAMP_FIRST", 2)
    _yp, _ref, cs = seeded_case(book)
    for _ in range(17):
        book.save(session(cs.id), finalise=True)
    assert engine.sync_once().ok
    asked: list[int] = []
    serve = hub.pull

    def pull(after: int, limit: int) -> object:
        asked.append(limit)
        return serve(after, limit)

    monkeypatch.setattr(hub, "pull", pull)
    other, _ = new_casebook(tmp_path / "second laptop")
    with other:
        second = SyncEngine(other, hub.client_factory, pull_limit=8)
        second.enrol("http://127.0.0.1:8470", "TEST-CODE-5678", "Second laptop")
        report = second.sync_once()

        assert report.ok and report.pulled == 20
        assert asked == [2, 8, 8, 8]  # 20 is above the limit: from then on, the limit
        assert sorted(s.record.id for s in other.records()) == sorted(hub.rows)
        assert second.store.account().cursor == hub.seq  # type: ignore[union-attr]
    monkeypatch.undo()  # in the app: 250, 1,000, then 2,000s; a lower limit from the start
    assert list(islice(engine_module.ramp(2000), 4)) == [250, 1000, 2000, 2000]
    assert list(islice(engine_module.ramp(1), 3)) == [1, 1, 1]


def test_a_crash_while_the_next_batch_is_out_resends_both_batches_in_order(
    engine: SyncEngine, book: Casebook, hub: FakeHub, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Batches of two: the case's three records and a session make two batches. The second
    # is sent while the first one's acknowledgement is being applied; the laptop dies then.
    monkeypatch.setattr(engine_module, "MAX_BATCH_CHANGES", 2)
    _yp, _ref, cs = seeded_case(book)
    book.save(session(cs.id), finalise=True)
    applying = engine.store.apply_acknowledgement

    def power_cut(*_args: object, **_kwargs: object) -> None:
        raise KeyboardInterrupt  # nothing of the acknowledgement is applied

    monkeypatch.setattr(engine.store, "apply_acknowledgement", power_cut)
    with pytest.raises(KeyboardInterrupt):
        engine.sync_once()
    assert len(hub.batches) == 2 and len(hub.rows) == 4  # the hub has both batches
    assert len(engine.store.outgoing_batches()) == 2  # the laptop heard of neither
    assert len(book.changes()) == 4

    monkeypatch.setattr(engine.store, "apply_acknowledgement", applying)
    again = engine.sync_once()

    assert again.ok and again.duplicates == 4 and again.accepted == 0
    assert hub.batches[2:] == hub.batches[:2]  # the same bytes, in the order first sent
    assert len(hub.rows) == 4 and len(hub.change_ids) == 4
    assert book.changes() == [] and engine.store.outgoing_batches() == []
    book.save(session(cs.id), finalise=True)
    after = engine.sync_once()  # the chain carries on from the second batch's head
    assert after.ok and after.accepted == 1


def test_a_batch_prepared_but_never_sent_goes_first_at_the_next_sync(
    engine: SyncEngine, book: Casebook, hub: FakeHub, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Batches of two: five changes make three. While the first is on its way, the second is
    # already chained on it and written down; the connection then fails before the hub
    # hears of the first. Next time both go, exactly as written, before the third.
    monkeypatch.setattr(engine_module, "MAX_BATCH_CHANGES", 2)
    _yp, _ref, cs = seeded_case(book)
    book.save(session(cs.id), finalise=True)
    book.save(session(cs.id), finalise=True)
    receiving = hub.push

    def no_signal(device_id: str, request: object) -> object:
        raise HubUnreachable("no signal")

    monkeypatch.setattr(hub, "push", no_signal)
    failed = engine.sync_once()
    assert failed.error_code == "unreachable"
    written = [text for _slot, text, _covers in engine.store.outgoing_batches()]
    assert len(written) == 2  # the first batch and the one chained on it, never sent
    assert len(book.changes()) == 5 and hub.batches == []

    monkeypatch.setattr(hub, "push", receiving)
    again = engine.sync_once()

    assert again.ok and again.accepted == 5 and again.duplicates == 0
    assert [len(batch.changes) for batch in hub.batches] == [2, 2, 1]
    assert [batch.body().decode() for batch in hub.batches[:2]] == written
    assert len(hub.rows) == 5 and len(hub.change_ids) == 5
    assert book.changes() == [] and engine.store.outgoing_batches() == []


# ------------------------------------------------------------------------------ areas
def test_each_sync_keeps_the_hubs_areas_and_an_older_hub_leaves_the_last_list(
    engine: SyncEngine, book: Casebook, hub: FakeHub
) -> None:
    assert load_areas(book) is None
    hub.areas = [AreaOut(name="Example Shire", districts=["EX1"])]
    assert engine.sync_once().ok
    assert load_areas(book) == [Area("Example Shire", ("EX1",))]
    hub.areas = None  # e.g. restored to an older hub version: no list, nothing lost
    assert engine.sync_once().ok
    assert load_areas(book) == [Area("Example Shire", ("EX1",))]


def test_a_run_collects_garbage_less_often_and_puts_the_thresholds_back() -> None:
    import gc

    before = gc.get_threshold()
    try:
        gc.set_threshold(700, 10, 10)
        with engine_module.RunTuning(threshold=50_000):
            assert gc.get_threshold() == (50_000, 10, 10)
        assert gc.get_threshold() == (700, 10, 10)
        # Overlapping runs, in either order of ending, end with what they began from.
        first, second = engine_module.RunTuning(), engine_module.RunTuning()
        first.__enter__()
        second.__enter__()
        first.__exit__(None, None, None)
        second.__exit__(None, None, None)
        assert gc.get_threshold() == (700, 10, 10)
        with engine_module.RunTuning(), engine_module.RunTuning():
            assert gc.get_threshold()[0] == 50_000
        assert gc.get_threshold() == (700, 10, 10)
    finally:
        gc.set_threshold(*before)


def test_a_run_hands_the_gil_over_quickly_and_puts_the_interval_back(
    engine: SyncEngine, hub: FakeHub, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sys

    before = sys.getswitchinterval()
    seen: list[float] = []
    run = engine._run

    def watched(report: Any) -> None:  # what the run's threads hand over at
        seen.append(sys.getswitchinterval())
        run(report)

    monkeypatch.setattr(engine, "_run", watched)
    try:
        sys.setswitchinterval(0.005)
        assert engine.sync_once().ok
        assert seen and max(seen) <= engine_module.SWITCH_INTERVAL_S * 1.01
        assert sys.getswitchinterval() == pytest.approx(0.005, rel=0.05)
        # A process that already hands over more often keeps its own interval.
        sys.setswitchinterval(0.0001)
        with engine_module.RunTuning():
            assert sys.getswitchinterval() == pytest.approx(0.0001, rel=0.05)
        # Overlapping runs, in either order of ending, end with what they began from.
        sys.setswitchinterval(0.005)
        first, second = engine_module.RunTuning(), engine_module.RunTuning()
        first.__enter__()
        second.__enter__()
        first.__exit__(None, None, None)
        second.__exit__(None, None, None)
        assert sys.getswitchinterval() == pytest.approx(0.005, rel=0.05)
    finally:
        sys.setswitchinterval(before)


# ------------------------------------------------------------------------------ hostile pages
@pytest.mark.parametrize("lie", [
    "cursor beyond any database", "a seq beyond any database", "a cursor below zero",
    "a cursor going back", "a record from before the cursor", "a backup beyond any database",
    "more, but nothing in it", "records out of order",
])
def test_a_pull_page_whose_numbers_break_the_protocol_changes_nothing(
    engine: SyncEngine, book: Casebook, hub: FakeHub, monkeypatch: pytest.MonkeyPatch,
    lie: str,
) -> None:
    """A broken or hostile hub's page: numbers no database holds used to escape the run as
    an OverflowError (no plain message, every sync), and a cursor sent back or below zero
    was stored (below zero, every later pull is refused for good). Now the page is refused
    whole, in plain words, and the casebook is as it was."""
    yp = young_person(1)
    hub.put(yp.id, "young_person", yp.to_dict(), None)
    assert engine.sync_once().ok
    cursor = engine.store.account().cursor
    assert cursor == 1
    stranger = young_person(2)
    real_pull = hub.pull
    calls: list[int] = []

    def lying_pull(after: int, limit: int) -> PullResponse:
        page = real_pull(after, limit)
        record = ChangeOut(seq=hub.seq + 1, record_id=stranger.id, kind="young_person",
                           op="put", case_id=None, payload=stranger.to_dict(), author=None,
                           hub_time="2026-03-02T10:00:00+00:00")
        values = {"hub_epoch": page.hub_epoch, "max_seq": hub.seq + 1, "changes": [record],
                  "next_after": hub.seq + 1, "more": False}
        if lie == "cursor beyond any database":
            values["next_after"] = 2**64
        elif lie == "a seq beyond any database":
            values["changes"] = [record.model_copy(update={"seq": 2**64})]
        elif lie == "a cursor below zero":
            values["next_after"] = -7
        elif lie == "a cursor going back":
            values["next_after"] = 0
        elif lie == "a record from before the cursor":
            values["changes"] = [record.model_copy(update={"seq": 1})]
        elif lie == "more, but nothing in it":  # endless (bounded so old code cannot hang)
            calls.append(after)
            if len(calls) > 50:
                return page
            values.update(changes=[], next_after=after + 1, max_seq=2**40, more=True)
        elif lie == "records out of order":
            values["changes"] = [record.model_copy(update={"seq": hub.seq + 2}), record]
            values["next_after"] = values["max_seq"] = hub.seq + 2
        else:
            values["backup_seq"] = 2**64
        return PullResponse(**values)  # type: ignore[arg-type]

    monkeypatch.setattr(hub, "pull", lying_pull)

    report = engine.sync_once()

    assert report.error_code == "rejected" and "nothing was changed" in (report.error or "")
    assert engine.store.account().cursor == cursor
    assert book.get(yp.id).record == yp
    with pytest.raises(RecordNotFound):
        book.get(stranger.id)


def test_an_acknowledgement_missing_a_change_marks_nothing_sent_and_the_batch_goes_again(
    engine: SyncEngine, book: Casebook, hub: FakeHub, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A hub answering for fewer changes than were sent (and for one never sent): none of the
    batch counts as sent; it stays outgoing and the next sync sends it again (duplicates)."""
    seeded_case(book)
    waiting = engine.status().waiting
    real_push = hub.push

    def short_answer(device_id: str, request: PushRequest) -> PushResponse:
        answer = real_push(device_id, request)
        stranger = answer.results[0].model_copy(update={"id": new_id()})
        return answer.model_copy(update={"results": [*answer.results[1:], stranger]})

    monkeypatch.setattr(hub, "push", short_answer)
    first = engine.sync_once()

    assert first.error_code == "rejected" and first.held == 0
    assert engine.status().waiting == waiting and engine.store.outgoing() is not None
    monkeypatch.setattr(hub, "push", real_push)
    second = engine.sync_once()
    assert second.ok and second.duplicates == waiting and engine.status().waiting == 0
