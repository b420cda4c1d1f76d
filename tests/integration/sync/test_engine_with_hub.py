"""Laptops running the real sync engine against a real hub on a free loopback port.

The ``hub`` fixture (conftest.py) runs every test on the embedded SQLite file and on PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import httpx
import pytest

from spokeapp.domain.records import CaseStatus, Session
from spokeapp.store.casebook import DB_NAME, KEY_NAME, Casebook
from spokeapp.sync.client import HubApi, HubClient, HubEndpoint, HubUnreachable
from spokeapp.sync.engine import SyncEngine
from spokeapp.sync.protocol import PushRequest, PushResponse
from tests.helpers.hub import RunningHub
from tests.helpers.records import case, new_casebook, referral, session, young_person


class Laptops:
    """Casebooks with engines, enrolled for hub users; closed at the end of the test."""

    def __init__(self, hub: RunningHub, folder: Path) -> None:
        self.hub = hub
        self.folder = folder
        self.books: list[Casebook] = []

    def new(self, user_id: str, name: str, factory: object = None) -> tuple[Casebook, SyncEngine]:
        book, _ = new_casebook(self.folder / name, author=user_id)
        self.books.append(book)
        engine = SyncEngine(book, factory) if factory is not None else SyncEngine(book)  # type: ignore[arg-type]
        engine.enrol(self.hub.base_url, self.hub.admin.enrolment_code(user_id), name)
        return book, engine

    def close(self) -> None:
        for book in self.books:
            book.close()


@pytest.fixture
def laptops(hub: RunningHub, tmp_path: Path) -> Iterator[Laptops]:
    made = Laptops(hub, tmp_path / "laptops")
    yield made
    made.close()


def _open_case(book: Casebook, worker: str, n: int) -> tuple[str, Session]:
    yp = young_person(n)
    ref = referral(yp)
    cs = case(yp, ref, key_worker=worker)
    for record in (yp, ref, cs):
        book.save(record)
    visit = session(cs.id, discussed=f"Fictional session {n} about the bus home.")
    book.save(visit, finalise=True)
    return cs.id, visit


def test_work_written_on_one_laptop_appears_on_the_workers_other_laptop(
    hub: RunningHub, laptops: Laptops
) -> None:
    worker = hub.admin.add_user("Test Worker A", "worker", "north")
    book, engine = laptops.new(worker, "work-laptop")
    _case_id, visit = _open_case(book, worker, 1)

    pushed = engine.sync_once()

    assert pushed.ok and pushed.accepted == 4 and engine.status().waiting == 0
    other, other_engine = laptops.new(worker, "spare-laptop")
    pulled = other_engine.sync_once()
    assert pulled.ok and pulled.pulled == 4
    assert [row.reference for row in other.caseload()] == ["YP-TEST-01"]
    assert other.get(visit.id).record == visit and other.get(visit.id).state == "final"
    assert {hit.record_id for hit in other.search_notes("bus home")} == {visit.id}
    assert other_engine.status().last_download is not None


def test_a_note_pasted_with_nul_characters_syncs_without_them(
    hub: RunningHub, laptops: Laptops
) -> None:
    """Text pasted from another program can carry NUL, which no PostgreSQL text holds and the
    hub therefore refuses: the laptop drops it when the note is saved, so the note syncs
    (it would otherwise wait on the laptop, refused, for ever)."""
    worker = hub.admin.add_user("Test Worker A", "worker", "north")
    book, engine = laptops.new(worker, "work-laptop")
    case_id, _visit = _open_case(book, worker, 1)
    pasted = session(case_id, discussed="Fictional\x00 talk about\x00 the bus\x00 home.")

    saved = book.save(pasted, finalise=True)

    assert saved.record.discussed == "Fictional talk about the bus home."
    assert book.get(pasted.id).record.discussed == "Fictional talk about the bus home."
    report = engine.sync_once()
    assert report.ok and report.accepted == 5 and engine.status().waiting == 0
    other, other_engine = laptops.new(worker, "spare-laptop")
    assert other_engine.sync_once().ok
    assert other.get(pasted.id).record.discussed == "Fictional talk about the bus home."


class _LosesFirstAnswer:
    """A connection whose first push reaches the hub but whose answer never comes back."""

    def __init__(self) -> None:
        self.lost = False

    def __call__(self, endpoint: HubEndpoint, device: str | None, token: str | None) -> HubApi:
        client = HubClient(endpoint, device_id=device, refresh_token=token)
        real_push = client.push

        def push(request: PushRequest) -> PushResponse:
            response = real_push(request)
            if not self.lost:
                self.lost = True
                raise HubUnreachable("The connection dropped.")
            return response

        client.push = push  # type: ignore[method-assign]
        return client


def test_a_lost_acknowledgement_is_resent_and_nothing_is_stored_twice(
    hub: RunningHub, laptops: Laptops
) -> None:
    worker = hub.admin.add_user("Test Worker A", "worker", "north")
    book, engine = laptops.new(worker, "work-laptop", _LosesFirstAnswer())
    _open_case(book, worker, 1)

    first = engine.sync_once()
    assert first.error_code == "unreachable" and engine.status().waiting == 4
    stored = hub.admin.state()
    assert stored["hub_records"] == 4  # the hub did store them

    second = engine.sync_once()

    assert second.ok and second.duplicates == 4 and second.accepted == 0
    assert hub.admin.state()["hub_records"] == 4
    assert hub.admin.state()["hub_changes"] == stored["hub_changes"]
    assert engine.status().waiting == 0


class _PushAnsweredWithRedirect(httpx.BaseTransport):
    """Something in front of the hub (a misconfigured proxy, or an attacker on the path to a
    loopback hub) that lets each push through to the hub, then replaces the hub's answer
    with a redirect elsewhere."""

    def __init__(self) -> None:
        self.real = httpx.HTTPTransport()
        self.redirecting = True
        self.elsewhere: list[str] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.host != "127.0.0.1":
            self.elsewhere.append(str(request.url))
        response = self.real.handle_request(request)
        if self.redirecting and request.url.path == "/v1/sync/push":
            response.read()
            response.close()
            return httpx.Response(302, headers={"Location": "http://hub.evil.example/v1/push"})
        return response

    def close(self) -> None:
        self.real.close()


def test_a_push_answered_with_a_redirect_is_resent_later_not_held(
    hub: RunningHub, laptops: Laptops
) -> None:
    """The hub stored the batch; the answer that came back was a redirect. Nothing the
    worker wrote may be held back as refused: the batch is an acknowledgement lost, sent
    again at the next sync (duplicates), and the redirect is never followed."""
    transport = _PushAnsweredWithRedirect()

    def factory(endpoint: HubEndpoint, device: str | None, token: str | None) -> HubApi:
        return HubClient(endpoint, device_id=device, refresh_token=token, transport=transport)

    worker = hub.admin.add_user("Test Worker A", "worker", "north")
    book, engine = laptops.new(worker, "work-laptop", factory)
    _open_case(book, worker, 1)

    first = engine.sync_once()

    assert first.error_code == "unreachable" and first.held == 0
    assert engine.status().held == 0 and engine.status().waiting == 4
    assert hub.admin.state()["hub_records"] == 4  # the hub did store them
    transport.redirecting = False
    second = engine.sync_once()
    assert second.ok and second.duplicates == 4 and second.accepted == 0
    assert engine.status().waiting == 0 and engine.status().held == 0
    assert transport.elsewhere == []


def test_a_supervisor_receives_the_teams_cases_but_not_other_teams(
    hub: RunningHub, laptops: Laptops
) -> None:
    north = hub.admin.add_user("Test Worker North", "worker", "north")
    south = hub.admin.add_user("Test Worker South", "worker", "south")
    supervisor = hub.admin.add_user("Test Supervisor", "supervisor", "north")
    north_book, north_engine = laptops.new(north, "north-laptop")
    south_book, south_engine = laptops.new(south, "south-laptop")
    _open_case(north_book, north, 1)
    _open_case(south_book, south, 2)
    assert north_engine.sync_once().ok and south_engine.sync_once().ok

    sup_book, sup_engine = laptops.new(supervisor, "supervisor-laptop")
    assert sup_engine.sync_once().ok

    assert [row.reference for row in sup_book.caseload()] == ["YP-TEST-01"]


def test_a_reassigned_case_leaves_the_old_laptop_and_reaches_the_new_worker(
    hub: RunningHub, laptops: Laptops
) -> None:
    old = hub.admin.add_user("Test Worker Old", "worker", "north")
    new = hub.admin.add_user("Test Worker New", "worker", "north")
    old_book, old_engine = laptops.new(old, "old-laptop")
    for n in (1, 2, 3):
        _open_case(old_book, old, n)
    moving, visit = _open_case(old_book, old, 4)
    assert old_engine.sync_once().ok
    new_book, new_engine = laptops.new(new, "new-laptop")

    hub.admin.assign_case(moving, new)
    purged = old_engine.sync_once()
    received = new_engine.sync_once()

    assert purged.ok and purged.purged == 4
    assert "YP-TEST-04" not in {row.reference for row in old_book.caseload()}
    assert old_book.records(case_id=moving) == [] and old_book.search_notes("session 4") == []
    assert len(old_book.caseload()) == 3
    assert received.ok and [row.reference for row in new_book.caseload()] == ["YP-TEST-04"]
    assert new_book.get(visit.id).record == visit


def test_the_same_field_changed_on_two_laptops_is_a_visible_conflict_on_both(
    hub: RunningHub, laptops: Laptops
) -> None:
    worker = hub.admin.add_user("Test Worker A", "worker", "north")
    supervisor = hub.admin.add_user("Test Supervisor", "supervisor", "north")
    book, engine = laptops.new(worker, "work-laptop")
    case_id, _ = _open_case(book, worker, 1)
    assert engine.sync_once().ok
    sup_book, sup_engine = laptops.new(supervisor, "supervisor-laptop")
    assert sup_engine.sync_once().ok
    original = book.get(case_id).record
    assert original.__class__.__name__ == "Case"

    book.save(replace(original, current_risk_level="high"))  # type: ignore[type-var]
    sup_book.save(replace(original, current_risk_level="medium"))  # type: ignore[type-var]
    assert engine.sync_once().ok
    clash = sup_engine.sync_once()
    assert clash.ok and clash.conflicts == 1
    assert engine.sync_once().ok

    for eng, b in ((engine, book), (sup_engine, sup_book)):
        (conflict,) = eng.store.conflicts()
        assert conflict.body["field"] == "current_risk_level"
        assert conflict.body["hub_value"] == "high" and conflict.body["device_value"] == "medium"
        assert eng.status().open_conflicts == 1
        # The hub's value is what both laptops now show; nothing was silently lost.
        assert b.get(case_id).record.current_risk_level == "high"  # type: ignore[attr-defined]

    sup_engine.resolve_conflict(conflict.record_id)
    assert sup_engine.sync_once().ok and engine.sync_once().ok
    assert engine.status().open_conflicts == 0 and sup_engine.status().open_conflicts == 0


def test_a_restored_hub_gets_every_change_again_without_duplicates(
    hub: RunningHub, laptops: Laptops
) -> None:
    worker = hub.admin.add_user("Test Worker A", "worker", "north")
    book, engine = laptops.new(worker, "work-laptop")
    case_id, _ = _open_case(book, worker, 1)
    assert engine.sync_once().ok
    closed = replace(book.get(case_id).record, status=CaseStatus.CLOSED,  # type: ignore[type-var]
                     closed_on=book.get(case_id).record.opened_on)  # type: ignore[attr-defined]
    book.save(closed)
    assert engine.sync_once().ok
    before = hub.admin.state()

    hub.admin.restore_epoch()
    report = engine.sync_once()

    assert report.ok and report.hub_restored
    assert report.repushed == 5 and report.duplicates == 5 and report.accepted == 0
    after = hub.admin.state()
    assert after["hub_records"] == before["hub_records"]
    assert after["hub_changes"] == before["hub_changes"]
    assert book.get(case_id).record.status is CaseStatus.CLOSED  # type: ignore[attr-defined]
    account = engine.store.account()
    assert account is not None and account.cursor == after["max_seq"]
    book.save(session(case_id), finalise=True)
    assert engine.sync_once().accepted == 1  # and the laptop carries on normally


def test_a_laptop_revoked_with_wipe_erases_its_casebook(
    hub: RunningHub, laptops: Laptops
) -> None:
    worker = hub.admin.add_user("Test Worker A", "worker", "north")
    book, engine = laptops.new(worker, "lost-laptop")
    _open_case(book, worker, 1)
    assert engine.sync_once().ok
    account = engine.store.account()
    assert account is not None
    hub.admin.revoke(account.device_id, wipe=True)

    report = engine.sync_once()

    assert report.wiped
    assert not (book.profile / DB_NAME).exists() and not (book.profile / KEY_NAME).exists()
