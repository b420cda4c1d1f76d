"""What sync keeps in the casebook, for issue 16: a disposed case is erased with everything
that names it (unsent work included, never held back or asked about), and a pushed payload is
kept only while the hub's newest backup does not hold it, without breaking the chain a replay
after a hub restore must follow."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest

from spokeapp.crypto.device_keys import DeviceKey
from spokeapp.domain.ids import new_id
from spokeapp.domain.records import CheckIn, CheckInKind, ReferralDecision, YoungPerson
from spokeapp.store.casebook import Casebook
from spokeapp.store.sync_state import (
    CASE_DISPOSED,
    Acknowledged,
    HubAccount,
    NeedsConfirmation,
    PulledRecord,
    SyncStore,
)
from spokeapp.sync.protocol import GENESIS_HEAD
from tests.helpers.lone_working import visit_plan
from tests.helpers.records import (
    SESSION_TIME,
    case,
    concern,
    new_casebook,
    referral,
    session,
    young_person,
)

USER = "u-1"


def _account(device_id: str = "dev-1", head: str = GENESIS_HEAD) -> HubAccount:
    return HubAccount(
        hub_url="http://127.0.0.1:8470", cert_fingerprint=None, hub_id="hub", hub_epoch="e1",
        device_id=device_id, device_name="Test laptop", user_id=USER, user_name="Test Worker",
        role="worker", team=None, refresh_token="r" * 32,
        device_key=DeviceKey.generate().private_bytes(), chain_head=head,
        enrolled_at="2026-03-02T09:00:00+00:00",
    )


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SyncStore]:
    book, _ = new_casebook(tmp_path / "laptop", author=USER)
    made = SyncStore(book)
    made.save_enrolment(_account())
    yield made
    book.close()


def _case(book: Casebook, n: int) -> tuple[str, list[str]]:
    """A case with its young person, referral and a finalised session; (case id, all ids)."""
    yp = young_person(n)
    ref = referral(yp)
    cs = case(yp, ref, key_worker=USER)
    visit = session(cs.id, discussed=f"Fictional session of case {n}.")
    for record in (yp, ref, cs):
        book.save(record)
    book.save(visit, finalise=True)
    return cs.id, [yp.id, ref.id, cs.id, visit.id]


def _send_all(store: SyncStore, first_seq: int = 1) -> list[str]:
    """Acknowledge every unsent change as if the hub stored them (seqs from ``first_seq``);
    returns the chain heads in order."""
    acks = []
    for offset, change in enumerate(store.pending_changes()):
        wire = json.dumps({"id": change.id, "record_id": change.record_id,
                           "kind": change.kind, "payload": change.payload})
        acks.append(Acknowledged(
            change_id=change.id, wire=wire, head=f"head-{first_seq + offset}",
            hub_seq=first_seq + offset, record_id=change.record_id, header=False,
            payload=change.payload, covers=(change.seq,),
        ))
    store.apply_acknowledgement(acks, acks[-1].head if acks else GENESIS_HEAD)
    return [ack.head for ack in acks]


def _disposal(case_id: str, seq: int = 100) -> PulledRecord:
    return PulledRecord(seq, case_id, "case", "purge", case_id, {"disposed": True}, None)


def _count(store: SyncStore, sql: str, *args: object) -> int:
    with store.casebook.sync_reader() as db:
        return int(db.execute(sql, args).fetchone()[0])


def test_an_ordinary_purge_holds_unsent_work_but_a_disposal_erases_it(store: SyncStore) -> None:
    book = store.casebook
    reassigned, _ = _case(book, 1)
    disposed, ids = _case(book, 2)
    _send_all(store)
    for case_id in (reassigned, disposed):
        book.save(session(case_id, discussed="Fictional unsent note."), finalise=True)
        book.save(session(case_id, discussed="Fictional draft."))

    ordinary = PulledRecord(100, reassigned, "case", "purge", reassigned, None, None)
    result = store.apply_page(0, 101, [ordinary, _disposal(disposed, 101)])

    assert result.held == 2  # the reassigned case's unsent session and draft stay
    assert len(book.records(case_id=reassigned)) == 2
    assert book.records(case_id=disposed) == []
    assert _count(store, "SELECT count(*) FROM records WHERE id IN (?, ?)", ids[0], ids[1]) == 0
    assert _count(store, "SELECT count(*) FROM changes WHERE instr(payload, ?) > 0",
                  disposed) == 0
    assert _count(store, "SELECT count(*) FROM sync_records WHERE record_id IN (?, ?, ?, ?)",
                  *ids) == 0
    assert store.scrub_pending()


def test_a_disposal_is_never_held_back_by_the_question_before_a_large_removal(
    store: SyncStore,
) -> None:
    disposed, _ = _case(store.casebook, 1)
    _send_all(store)

    result = store.apply_page(0, 100, [_disposal(disposed)])  # would remove everything

    assert result.purged == 4 and store.casebook.count() == 0
    ordinary, _ = _case(store.casebook, 2)
    _send_all(store, 10)
    with pytest.raises(NeedsConfirmation):
        store.apply_page(100, 101, [PulledRecord(101, ordinary, "case", "purge", ordinary,
                                                 None, None)])


def test_a_disposal_removes_every_table_row_and_setting_that_names_the_case(
    store: SyncStore,
) -> None:
    book = store.casebook
    disposed, ids = _case(book, 1)
    kept, kept_ids = _case(book, 2)
    _send_all(store)
    held = concern(disposed)
    book.save(held, finalise=True)
    store.hold_changes([c.seq for c in store.pending_changes()], "rejected")
    thrown = session(disposed, discussed="Fictional draft thrown away.")
    book.save(thrown)
    book.discard_draft(thrown.id)
    book.set_setting("draft.session_form", json.dumps({"case_id": disposed, "text": "x"}))
    book.set_setting("draft.dialog", json.dumps({"kind": "concern", "context": {}}))
    book.set_setting("review_weeks." + disposed, "6")
    book.set_setting("review_weeks." + kept, "8")
    plan = visit_plan(USER, SESSION_TIME, linked_case_id=disposed)
    arrived = CheckIn(id=new_id(), visit_id=plan.id, kind=CheckInKind.SAFE, at=SESSION_TIME)
    ended = CheckIn(id=new_id(), visit_id=plan.id, kind=CheckInKind.END_VISIT,
                    at=SESSION_TIME + timedelta(hours=1))
    other_plan = visit_plan(USER, SESSION_TIME)
    for record in (plan, arrived, ended, other_plan):
        book.save(record, finalise=True)
    _send_all(store, 20)  # the visit is over and the hub has it all: it goes with the case
    unknown, conflict = new_id(), new_id()
    with book.sync_transaction() as db:
        db.execute("INSERT INTO visit_watch (visit_id, escalation_starts_at, acknowledged_at) "
                   "VALUES (?, NULL, 'now')", (plan.id,))
        db.execute("INSERT INTO sync_other_records (record_id, kind, case_id, state, hub_seq, "
                   "body) VALUES (?, 'from_the_future', ?, 'put', 50, '{}')", (unknown, disposed))
        db.execute("INSERT INTO sync_conflicts (record_id, case_id, hub_seq, body, received_at) "
                   "VALUES (?, NULL, 51, ?, 'now')",
                   (conflict, json.dumps({"record_id": ids[0], "field": "name"})))
        db.execute("INSERT INTO sync_outgoing (id, request, covers) VALUES (1, ?, '{}')",
                   (json.dumps({"changes": [{"record_id": held.id}]}),))

    store.apply_page(0, 100, [_disposal(disposed)])

    named = [*ids, held.id, thrown.id, unknown, conflict, plan.id, arrived.id, ended.id]
    for table, column in (("records", "id"), ("changes", "record_id"),
                          ("sync_records", "record_id"), ("sync_other_records", "record_id"),
                          ("sync_conflicts", "record_id")):
        marks = ", ".join("?" * len(named))
        assert _count(store, f"SELECT count(*) FROM {table} "
                             f"WHERE {column} IN ({marks})", *named) == 0, table
    assert _count(store, "SELECT count(*) FROM sync_outgoing") == 0
    assert _count(store, "SELECT count(*) FROM visit_watch") == 0
    assert book.get(other_plan.id).record == other_plan  # a visit of no case stays
    assert _count(store, "SELECT count(*) FROM sync_pushed WHERE instr(wire, ?) > 0",
                  disposed) == 0
    assert book.setting("draft.session_form") is None
    assert book.setting("review_weeks." + disposed) is None
    assert book.setting("draft.dialog") is not None  # names no record of the case
    assert book.setting("review_weeks." + kept) == "8"
    assert {r.record.id for r in book.records(case_id=kept)} == set(kept_ids[2:])
    assert store.held() == []
    # The laptop's audit says what went, by id only.
    actions = {(e.action, e.subject_id) for e in book.audit_trail()}
    assert ("case.disposed", disposed) in actions and ("record.disposed", ids[3]) in actions


def test_a_linked_visit_not_over_or_not_sent_stays_until_it_is(store: SyncStore) -> None:
    book = store.casebook
    disposed, ids = _case(book, 1)
    _send_all(store)
    # Planned offline, linked to the case: the worker is out on it when the disposal comes.
    plan = visit_plan(USER, SESSION_TIME, linked_case_id=disposed,
                      location="Fictional cafe on the high street")
    arrived = CheckIn(id=new_id(), visit_id=plan.id, kind=CheckInKind.SAFE, at=SESSION_TIME)
    for record in (plan, arrived):
        book.save(record, finalise=True)
    _send_all(store, 10)  # pushed in the same sync, before the pull brought the disposal

    store.apply_page(0, 100, [_disposal(disposed)])

    assert book.records(case_id=disposed) == []
    assert _count(store, "SELECT count(*) FROM records WHERE id = ?", ids[0]) == 0
    assert book.get(plan.id).record == plan and book.get(arrived.id).record == arrived
    assert store.erase_finished_visits() == 0  # still out
    ended = CheckIn(id=new_id(), visit_id=plan.id, kind=CheckInKind.END_VISIT,
                    at=SESSION_TIME + timedelta(hours=1))
    book.save(ended, finalise=True)
    assert store.erase_finished_visits() == 0  # over, but the hub has not had the end yet
    assert [c.record_id for c in store.pending_changes()] == [ended.id]
    _send_all(store, 20)

    assert store.erase_finished_visits() == 1

    assert _count(store, "SELECT count(*) FROM records WHERE id IN (?, ?, ?)",
                  plan.id, arrived.id, ended.id) == 0
    assert _count(store, "SELECT count(*) FROM changes WHERE record_id IN (?, ?, ?)",
                  plan.id, arrived.id, ended.id) == 0
    assert _count(store, "SELECT count(*) FROM sync_pushed WHERE instr(wire, ?) > 0",
                  "Fictional cafe") == 0
    assert store.erase_finished_visits() == 0 and store.scrub_pending()
    actions = [(e.action, e.subject_id) for e in book.audit_trail()]
    assert ("visit.erasure_deferred", plan.id) in actions


def test_a_refused_change_of_a_disposed_case_is_dropped_not_held(store: SyncStore) -> None:
    book = store.casebook
    disposed, _ = _case(book, 1)
    seqs = [c.seq for c in store.pending_changes()]

    dropped = store.drop_refused(seqs, CASE_DISPOSED)

    assert dropped == 4 and store.pending_changes() == [] and store.held() == []
    assert store.waiting_count() == 0
    assert sum(e.action == "sync.dropped.case_disposed" for e in book.audit_trail()) == 4
    assert disposed  # the records stay until the disposal purge (pulled next) erases them


def test_a_disposal_of_a_case_this_laptop_never_held_changes_nothing(store: SyncStore) -> None:
    _case(store.casebook, 1)
    _send_all(store)
    trail = len(store.casebook.audit_trail())

    result = store.apply_page(0, 100, [_disposal(new_id())])

    assert result.purged == 0 and store.casebook.count() == 4
    assert not store.scrub_pending() and len(store.casebook.audit_trail()) == trail


def _declined(book: Casebook, yp: YoungPerson) -> str:
    """A declined referral (no case) about ``yp``, saved here; its id."""
    ref = referral(yp, decision=ReferralDecision.DECLINED, decided_on=date(2010, 5, 2),
                   received_on=date(2010, 5, 1), decline_reason="Fictional: below threshold.")
    book.save(ref)
    return ref.id


def test_a_disposed_referral_goes_with_its_young_person_unless_a_case_or_referral_needs_them(
    store: SyncStore,
) -> None:
    book = store.casebook
    alone = young_person(1, name="Fictional Alone")
    book.save(alone)
    gone = _declined(book, alone)
    twice = young_person(2, name="Fictional Twice")  # referred twice, both declined
    book.save(twice)
    first, second = _declined(book, twice), _declined(book, twice)
    cased, ids = _case(book, 3)  # a case, and a declined referral about the same person
    before = _declined(book, young_person(3, id=ids[0]))
    _send_all(store)
    book.save(referral(alone, id=gone, decision=ReferralDecision.DECLINED,
                       decided_on=date(2010, 5, 3), received_on=date(2010, 5, 1),
                       decline_reason="Fictional unsent correction."))  # unsent work too

    result = store.apply_page(0, 103, [_disposal(gone, 100), _disposal(first, 101),
                                       _disposal(before, 102)])

    held = {r.record.id for r in book.records()}
    assert gone not in held and alone.id not in held  # the referral and its young person
    assert first not in held and {second, twice.id} <= held  # still referred once
    assert before not in held and set(ids) <= held  # the case keeps its young person
    assert result.purged == 4 and cased in held
    assert _count(store, "SELECT count(*) FROM changes WHERE record_id IN (?, ?)",
                  gone, alone.id) == 0
    assert store.scrub_pending()


def test_a_disposed_case_leaves_its_young_person_to_a_referral_that_never_became_one(
    store: SyncStore,
) -> None:
    book = store.casebook
    disposed, ids = _case(book, 1)
    person = ids[0]
    declined = referral(young_person(1, id=person), decision=ReferralDecision.DECLINED,
                        decided_on=date(2012, 5, 2), received_on=date(2012, 5, 1),
                        decline_reason="Fictional: referred again, declined.")
    assert declined.young_person_id == person
    book.save(declined)
    _send_all(store)

    store.apply_page(0, 100, [_disposal(disposed)])

    held = {r.record.id for r in book.records()}
    assert disposed not in held and ids[1] not in held  # the case and its own referral
    assert {person, declined.id} <= held


def test_the_rebuild_after_a_disposal_runs_once_and_search_still_finds_the_rest(
    store: SyncStore,
) -> None:
    book = store.casebook
    disposed, _ = _case(book, 1)  # written first: the rebuild closes the gap it leaves
    _kept, kept_ids = _case(book, 2)
    for n in range(3):
        book.save(session(disposed, discussed=f"Fictional later note {n}."), finalise=True)
    store.apply_page(0, 100, [_disposal(disposed)])

    assert store.scrub_if_pending() is True

    assert store.scrub_if_pending() is False and not store.scrub_pending()
    assert book.integrity_ok() and book.count() == 4
    assert [hit.record_id for hit in book.search_notes("session of case 2")] == [kept_ids[3]]
    assert book.search_notes("later note") == []


def test_without_a_backup_every_pushed_payload_is_kept(store: SyncStore) -> None:
    _case(store.casebook, 1)
    heads = _send_all(store)

    assert store.trim_pushed(None) == 0

    ((start, rows),) = store.replay_runs(0, 100)
    assert start is None and len(rows) == len(heads) == 4  # from the chain's start


def test_payloads_a_backup_holds_are_removed_and_a_replay_starts_after_them(
    store: SyncStore,
) -> None:
    _case(store.casebook, 1)
    heads = _send_all(store)  # hub seqs 1..4

    assert store.trim_pushed(3) == 3

    assert _count(store, "SELECT count(*) FROM sync_pushed") == 1
    ((start, rows),) = store.replay_runs(0, 100)
    assert start == heads[2] and len(rows) == 1  # chained on the last change trimmed
    assert store.trim_pushed(3) == 0  # nothing new covered: nothing to do
    # A restored hub (it holds what was trimmed) continues from there, not from genesis.
    assert store.reset_for_restored_hub("e2", GENESIS_HEAD) == 1
    account = store.account()
    assert account is not None and account.chain_head == heads[2] and account.cursor == 0


def test_a_replay_skips_an_erased_payload_and_carries_on_from_its_head(
    store: SyncStore,
) -> None:
    book = store.casebook
    first, _ = _case(book, 1)
    heads = _send_all(store)  # 1..4: case 1
    disposed, _ = _case(book, 2)
    heads += _send_all(store, 5)  # 5..8: case 2
    book.save(session(first, discussed="Fictional later session."), finalise=True)
    heads += _send_all(store, 9)  # 9: case 1 again

    store.apply_page(0, 100, [_disposal(disposed)])
    store.reset_for_restored_hub("e2", GENESIS_HEAD)

    runs = store.replay_runs(0, 100)
    # Case 2's four payloads are skipped; the chain carries on from the last one's head.
    assert [(start, len(rows)) for start, rows in runs] == [(None, 4), (heads[7], 1)]
    store.finish_repush()
    account = store.account()
    assert account is not None and account.chain_head == heads[-1]


def test_enrolling_again_after_trimming_starts_a_chain_of_its_own(store: SyncStore) -> None:
    _case(store.casebook, 1)
    _send_all(store)
    store.trim_pushed(2)
    store.set_device_status("sign_in_ended")

    count = store.save_re_enrolment(
        _account("dev-2"), replacing="dev-1", allowed={"sign_in_ended"}, outgoing=[],
        keep_cursor=True,
    )

    account = store.account()
    assert count == 0 and account is not None and account.repush_from is None
    assert account.chain_head == GENESIS_HEAD
    # What the new device pushes next is replayed from genesis after a hub restore.
    store.casebook.save(session(store.casebook.records(kind="case")[0].record.id),
                        finalise=True)
    new_heads = _send_all(store, 20)
    store.reset_for_restored_hub("e2", GENESIS_HEAD)
    runs = store.replay_runs(0, 100)
    assert runs[-1] == (GENESIS_HEAD, runs[-1][1]) and len(runs[-1][1]) == len(new_heads)


# ------------------------------------------------------------------ one copy (issue 18)
def _send_as_engine(store: SyncStore, first_seq: int = 1) -> list[bytes]:
    """Acknowledge every unsent change with the wire the engine really chains (canonical
    bytes); returns those bytes in order."""
    from spokeapp.sync.engine import squash

    items, bad = squash(store.pending_changes())
    assert bad == []
    acks = [
        Acknowledged(
            change_id=item.change.id, wire=item.wire.decode("utf-8"),
            head=f"head-{first_seq + n}", hub_seq=first_seq + n,
            record_id=item.change.record_id, header=False, payload=item.change.payload,
            covers=item.covers, same_as_log=item.same_as_log,
        )
        for n, item in enumerate(items)
    ]
    # The engine's shortcut (no re-read of the log to compare) is what these tests hold to
    # the replay: unsquashed events take it, squashed headers do not.
    assert any(item.same_as_log for item in items)
    assert not any(item.same_as_log for item in items if len(item.covers) > 1)
    store.apply_acknowledgement(acks, acks[-1].head)
    return [item.wire for item in items]


def _replayed(store: SyncStore) -> list[bytes]:
    from spokeapp.sync.protocol import ChangeIn, canonical_change

    return [canonical_change(ChangeIn.model_validate_json(wire))
            for _start, rows in store.replay_runs(0, 1000) for _pos, wire in rows]


def test_a_pushed_session_is_kept_once_and_a_replay_sends_the_same_bytes(
    store: SyncStore,
) -> None:
    book = store.casebook
    case_id, ids = _case(book, 1)
    book.save(session(case_id, discussed="Fictional second session."), finalise=True)
    sent = _send_as_engine(store)

    # The session's body is in ``records`` only: neither the change log nor the copy kept
    # for re-pushing holds it a second (or third) time.
    assert _count(store, "SELECT count(*) FROM changes WHERE instr(payload, ?) > 0",
                  "Fictional second session") == 0
    assert _count(store, "SELECT count(*) FROM sync_pushed WHERE instr(wire, ?) > 0",
                  "Fictional") == 0
    # ... yet a re-push after a hub restore chains exactly what was chained, and the change
    # log still shows every version written here.
    store.reset_for_restored_hub("e2", GENESIS_HEAD)
    assert _replayed(store) == sent
    logged = {c.record_id: c.payload for c in book.changes(unsent_only=False)}
    assert logged[ids[3]] == book.get(ids[3]).record.to_dict()


def test_a_purged_case_is_still_re_pushed_whole_after_a_hub_restore(store: SyncStore) -> None:
    book = store.casebook
    reassigned, _ = _case(book, 1)
    _case(book, 2)  # stays: the purge removes less than half the casebook
    sent = _send_as_engine(store)

    ordinary = PulledRecord(100, reassigned, "case", "purge", reassigned, None, None)
    store.apply_page(0, 100, [ordinary])

    assert book.records(case_id=reassigned) == []
    store.reset_for_restored_hub("e2", GENESIS_HEAD)
    assert _replayed(store) == sent  # the restored hub may not have it: it goes again


def test_a_disposal_blanks_the_copies_kept_as_change_log_rows(store: SyncStore) -> None:
    book = store.casebook
    _case(book, 1)
    disposed, ids = _case(book, 2)
    sent = _send_as_engine(store)

    store.apply_page(0, 100, [_disposal(disposed)])

    assert _count(store, "SELECT count(*) FROM changes WHERE record_id IN (?, ?, ?, ?)",
                  *ids) == 0
    store.reset_for_restored_hub("e2", GENESIS_HEAD)
    assert _replayed(store) == sent[:4]  # case 1 only; case 2's rows are blank


def test_pages_freed_by_a_sync_are_given_back_to_the_file_system(store: SyncStore) -> None:
    book = store.casebook
    _case(book, 1)
    store.save_outgoing("x" * 2_000_000, {})  # a large batch in flight ...
    store.drop_outgoing()  # ... gone: its pages are free
    assert _count(store, "PRAGMA freelist_count") > 400

    store.trim_pushed(None)  # the end of every sync

    assert _count(store, "PRAGMA freelist_count") == 0
