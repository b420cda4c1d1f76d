"""Enrolling a laptop again after its sign-in ended (docs/sync.md, "Enrolling again"), against
a real hub on both databases: the laptop becomes a new device of the same person, and what it
wrote while it was shut out reaches the hub exactly once; nothing it pulled or sent before
comes back twice. A code for someone else, a hub it was never enrolled with and a wipe order
are all refused before anything changes (the wipe order is carried out)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from spokeapp.hub.models import Device, HubChange, HubRecord
from spokeapp.store.casebook import Casebook
from spokeapp.store.database import CasebookError
from spokeapp.store.sync_state import HubAccount, SyncStore
from spokeapp.sync.client import DeviceRevoked, EnrolmentRefused, HubClient, HubUnreachable
from spokeapp.sync.engine import SyncEngine
from tests.helpers.hub import Laptop, RunningHub, running_hub, sqlite_url
from tests.helpers.records import case, new_casebook, session, young_person


@pytest.fixture
def worker(hub: RunningHub) -> str:
    return hub.admin.add_user("Test Worker A", "worker", "north")


class LosableAnswers:
    """Real hub clients whose next push answer can be lost on the way back (``lose``), after
    the hub stored the batch (``reach``) or before it arrived."""

    def __init__(self) -> None:
        self.lose = False
        self.reach = True

    def __call__(self, endpoint: Any, device_id: str | None, token: str | None) -> HubClient:
        client = HubClient(endpoint, device_id=device_id, refresh_token=token)
        push = client.push

        def losing_push(request: Any) -> Any:
            if self.lose:
                self.lose = False
                if self.reach:
                    push(request)
                raise HubUnreachable("The connection dropped (test).")
            return push(request)

        client.push = losing_push  # type: ignore[method-assign]
        return client


@pytest.fixture
def answers() -> LosableAnswers:
    return LosableAnswers()


@pytest.fixture
def laptop(hub: RunningHub, worker: str, tmp_path: Path, answers: LosableAnswers,
           ) -> Iterator[tuple[Casebook, SyncEngine]]:
    book, _ = new_casebook(tmp_path / "laptop", author=worker)
    engine = SyncEngine(book, client_factory=answers)
    engine.enrol(hub.base_url, hub.admin.enrolment_code(worker), "Test laptop")
    yield book, engine
    if book.is_open:
        book.close()


def _account(book: Casebook) -> HubAccount:
    account = SyncStore(book).account()
    assert account is not None
    return account


def _write_case(book: Casebook, worker: str, n: int) -> tuple[str, list[str]]:
    """A young person, their case and a finalised session: the case id and the record ids."""
    yp = young_person(n)
    cs = case(yp, key_worker=worker)
    note = session(cs.id)
    book.save(yp)
    book.save(cs)
    book.save(note, finalise=True)
    return cs.id, [yp.id, cs.id, note.id]


def _copy_the_sign_in(hub: RunningHub, book: Casebook, engine: SyncEngine) -> str:
    """Someone copies the laptop's sign-in, then the laptop moves on (as in
    test_engine_tokens): the copy, once used, locks the laptop out."""
    copied = _account(book).refresh_token
    hub.clock.advance(minutes=20)
    return copied


def _use_the_copy(hub: RunningHub, book: Casebook, copied: str) -> None:
    hub.clock.advance(minutes=20)
    stolen = httpx.post(f"{hub.base_url}/v1/token",
                        json={"device_id": _account(book).device_id, "refresh_token": copied})
    assert stolen.json()["error"] == "refresh_reused"


def _hub_records(hub: RunningHub) -> dict[str, tuple[int, str | None]]:
    """Every record on the hub: its seq (a new version would have a new one) and the device
    that wrote that version."""
    with Session(hub.engine) as db:
        return {r.record_id: (r.seq, r.device_id) for r in db.scalars(select(HubRecord))}


def _hub_change_count(hub: RunningHub) -> int:
    with Session(hub.engine) as db:
        return len(db.scalars(select(HubChange.change_id)).all())


def _device(hub: RunningHub, device_id: str) -> Device:
    with Session(hub.engine) as db:
        device = db.get(Device, device_id)
        assert device is not None
        db.expunge(device)
        return device


def test_a_locked_laptop_enrolled_again_sends_what_waited_exactly_once(
    hub: RunningHub, worker: str, laptop: tuple[Casebook, SyncEngine], tmp_path: Path,
) -> None:
    book, engine = laptop
    _first_case, sent = _write_case(book, worker, 1)
    # A second laptop of the same worker writes a case this laptop pulls.
    other_book, _ = new_casebook(tmp_path / "second", author=worker)
    other = SyncEngine(other_book)
    other.enrol(hub.base_url, hub.admin.enrolment_code(worker), "Second laptop")
    pulled_case, pulled = _write_case(other_book, worker, 2)
    assert other.sync_once().ok
    assert engine.sync_once().ok
    copied = _copy_the_sign_in(hub, book, engine)
    assert engine.sync_once().ok
    _use_the_copy(hub, book, copied)
    old_device = _account(book).device_id

    # Shut out, the worker carries on: a new case, and a session in the case it pulled.
    _new_case, written = _write_case(book, worker, 3)
    late = session(pulled_case)
    book.save(late, finalise=True)
    written.append(late.id)
    report = engine.sync_once()
    assert report.error_code == "enrol_again"
    status = engine.status()
    assert status.can_enrol_again and status.waiting == 4
    on_hub = _hub_records(hub)
    assert set(on_hub) == set(sent) | set(pulled)
    local_records = book.count()

    account = engine.enrol(hub.base_url, hub.admin.enrolment_code(worker), "Test laptop")

    assert account.device_id != old_device and account.user_id == worker
    status = engine.status()
    assert not status.can_enrol_again and status.last_error is None
    assert status.waiting == 4  # nothing sent yet, nothing dropped
    report = engine.sync_once()
    assert report.ok, report.error
    assert report.accepted == 4  # exactly what waited
    assert report.duplicates == 3  # what the old device sent, re-sent under the new one
    assert report.conflicts == 0
    after = _hub_records(hub)
    assert set(after) == set(on_hub) | set(written)
    for record_id, (seq, device) in on_hub.items():
        assert after[record_id] == (seq, device)  # not stored again, not re-versioned
    assert {after[r][1] for r in written} == {account.device_id}
    assert _hub_change_count(hub) == len(after)  # one change each: nothing came twice
    assert engine.status().waiting == 0
    assert book.count() == local_records  # the pulled case is not duplicated here either
    # The old device stays as it was on the hub: locked.
    assert _device(hub, old_device).refresh_reused_at is not None
    # The second laptop gets the late session once; a further sync sends nothing.
    assert other.sync_once().ok
    assert other_book.count() == local_records
    again = engine.sync_once()
    assert again.ok and again.accepted == 0 and again.duplicates == 0
    assert _hub_records(hub) == after
    other_book.close()


@pytest.mark.parametrize("reached", [True, False], ids=["stored", "never-arrived"])
def test_a_batch_whose_answer_was_lost_before_the_lock_arrives_once(
    hub: RunningHub, worker: str, laptop: tuple[Casebook, SyncEngine],
    answers: LosableAnswers, reached: bool,
) -> None:
    book, engine = laptop
    _a, sent = _write_case(book, worker, 1)
    assert engine.sync_once().ok
    copied = _copy_the_sign_in(hub, book, engine)
    _b, in_doubt = _write_case(book, worker, 2)
    answers.lose, answers.reach = True, reached
    report = engine.sync_once()  # the batch goes; its answer never comes back
    assert report.error_code == "unreachable"
    _use_the_copy(hub, book, copied)
    _c, written = _write_case(book, worker, 3)
    assert engine.sync_once().error_code == "enrol_again"
    before = _hub_records(hub)
    assert (set(in_doubt) <= set(before)) is reached

    account = engine.enrol(hub.base_url, hub.admin.enrolment_code(worker), "Test laptop")
    report = engine.sync_once()

    assert report.ok, report.error
    assert report.accepted == (3 if reached else 6)
    assert report.duplicates == (6 if reached else 3)
    after = _hub_records(hub)
    assert set(after) == set(sent) | set(in_doubt) | set(written)
    for record_id, row in before.items():
        assert after[record_id] == row
    assert _hub_change_count(hub) == 9
    assert engine.status().waiting == 0
    assert {after[r][1] for r in written} == {account.device_id}
    again = engine.sync_once()
    assert again.ok and again.accepted == 0


def test_a_code_for_someone_else_is_refused_and_changes_nothing(
    hub: RunningHub, worker: str, laptop: tuple[Casebook, SyncEngine],
) -> None:
    book, engine = laptop
    _write_case(book, worker, 1)
    copied = _copy_the_sign_in(hub, book, engine)
    assert engine.sync_once().ok
    _use_the_copy(hub, book, copied)
    _write_case(book, worker, 2)
    assert engine.sync_once().error_code == "enrol_again"
    someone_else = hub.admin.add_user("Test Worker B", "worker", "north")
    their_code = hub.admin.enrolment_code(someone_else)
    account_before, hub_before = _account(book), hub.admin.state()

    with pytest.raises(EnrolmentRefused, match="for someone else"):
        engine.enrol(hub.base_url, their_code, "Test laptop")

    assert _account(book) == account_before
    assert hub.admin.state() == hub_before
    status = engine.status()
    assert status.can_enrol_again and status.waiting == 3
    assert book.author == worker
    # The code was not used up: it still enrols that person's own laptop.
    theirs = Laptop(hub.base_url, name="Their laptop")
    theirs.enrol(their_code)
    assert theirs.user_id == someone_else


def test_a_laptop_told_to_wipe_is_erased_when_it_asks_to_enrol_again(
    hub: RunningHub, worker: str, laptop: tuple[Casebook, SyncEngine], tmp_path: Path,
) -> None:
    book, engine = laptop
    copied = _copy_the_sign_in(hub, book, engine)
    assert engine.sync_once().ok
    _use_the_copy(hub, book, copied)
    _write_case(book, worker, 1)
    assert engine.sync_once().error_code == "enrol_again"
    # The laptop is then reported stolen: the administrator revokes it with wipe.
    hub.admin.revoke(_account(book).device_id, wipe=True)
    code = hub.admin.enrolment_code(worker)
    hub_before = hub.admin.state()

    with pytest.raises(DeviceRevoked):
        engine.enrol(hub.base_url, code, "Test laptop")

    assert not book.is_open
    assert not (tmp_path / "laptop" / "casebook.db").exists()
    assert hub.admin.state() == hub_before  # no new device; the code is still unused
    assert not engine.status().enrolled


def test_only_the_hub_it_was_enrolled_with_can_enrol_it_again(
    hub: RunningHub, worker: str, laptop: tuple[Casebook, SyncEngine], tmp_path: Path,
) -> None:
    book, engine = laptop
    hub.clock.advance(days=181)  # the sign-in expires
    _write_case(book, worker, 1)
    assert engine.sync_once().error_code == "enrol_again"
    with running_hub(sqlite_url(tmp_path / "other-hub")) as elsewhere:
        stranger = elsewhere.admin.add_user("Test Worker A", "worker", "north")
        code = elsewhere.admin.enrolment_code(stranger)
        before = elsewhere.admin.state()
        account_before = _account(book)
        with pytest.raises(EnrolmentRefused, match="different hub"):
            engine.enrol(elsewhere.base_url, code, "Test laptop")
        assert elsewhere.admin.state() == before
    assert _account(book) == account_before
    # With its own hub it works, and the expired laptop's work goes through.
    engine.enrol(hub.base_url, hub.admin.enrolment_code(worker), "Test laptop")
    report = engine.sync_once()
    assert report.ok and report.accepted == 3


def test_a_laptop_revoked_without_wipe_by_an_older_hub_may_enrol_again(
    hub: RunningHub, worker: str, laptop: tuple[Casebook, SyncEngine],
) -> None:
    book, engine = laptop
    _write_case(book, worker, 1)
    with Session(hub.engine) as db, db.begin():  # as hubs before retirement stored it
        db.execute(update(Device).where(Device.id == _account(book).device_id)
                   .values(status="revoked", wipe=False))
    report = engine.sync_once()
    assert report.revoked and not report.wiped and book.is_open
    assert engine.status().can_enrol_again
    engine.enrol(hub.base_url, hub.admin.enrolment_code(worker), "Test laptop")
    report = engine.sync_once()
    assert report.ok and report.accepted == 3


def test_a_laptop_whose_sign_in_still_works_cannot_enrol_again(
    hub: RunningHub, worker: str, laptop: tuple[Casebook, SyncEngine],
) -> None:
    book, engine = laptop
    account = _account(book)
    with pytest.raises(CasebookError, match="already enrolled"):
        engine.enrol(hub.base_url, hub.admin.enrolment_code(worker), "Test laptop")
    assert _account(book) == account
    assert not engine.status().can_enrol_again

