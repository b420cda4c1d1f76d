"""A laptop does not download its own just-pushed records back (docs/sync.md, "Own records are
not pulled back"), yet learns everything else: real engine, real SQLCipher casebooks, a real hub
on loopback (the ``hub`` fixture runs every test on the embedded SQLite file and PostgreSQL).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from spokeapp.domain.ids import new_id
from spokeapp.domain.records import Session, SupervisionComment
from spokeapp.store.casebook import Casebook
from spokeapp.sync.client import HubApi, HubClient, HubEndpoint
from spokeapp.sync.engine import SyncEngine
from spokeapp.sync.protocol import OwnWindow, PullResponse
from tests.helpers.hub import Laptop, RunningHub
from tests.helpers.records import case, new_casebook, referral, session, young_person

AT = datetime(2026, 3, 3, 10, 0, tzinfo=UTC)


class _Watched:
    """Client factory that records every pulled record id, every pull's query, and can run
    ``before_pull`` once, just before the run's first pull (another device writing between
    this laptop's push and its pull)."""

    def __init__(self) -> None:
        self.pulled: list[str] = []
        self.windows: list[OwnWindow | None] = []
        self.before_pull: Callable[[], None] | None = None

    def __call__(self, endpoint: HubEndpoint, device: str | None, token: str | None) -> HubApi:
        client = HubClient(endpoint, device_id=device, refresh_token=token)
        real_pull = client.pull

        def pull(after: int, limit: int = 2000, **options: Any) -> PullResponse:
            hook, self.before_pull = self.before_pull, None
            if hook is not None:
                hook()
            self.windows.append(options.get("own"))
            page = real_pull(after, limit, **options)
            self.pulled.extend(c.record_id for c in page.changes)
            return page

        client.pull = pull  # type: ignore[method-assign]
        return client


class Laptops:
    def __init__(self, hub: RunningHub, folder: Path) -> None:
        self.hub = hub
        self.folder = folder
        self.books: list[Casebook] = []

    def new(self, user_id: str, name: str) -> tuple[Casebook, SyncEngine, _Watched]:
        book, _ = new_casebook(self.folder / name, author=user_id)
        self.books.append(book)
        watched = _Watched()
        engine = SyncEngine(book, watched)
        engine.enrol(self.hub.base_url, self.hub.admin.enrolment_code(user_id), name)
        return book, engine, watched

    def close(self) -> None:
        for book in self.books:
            book.close()


@pytest.fixture
def laptops(hub: RunningHub, tmp_path: Path) -> Iterator[Laptops]:
    made = Laptops(hub, tmp_path / "laptops")
    yield made
    made.close()


def _open_case(book: Casebook, worker: str, n: int) -> str:
    yp = young_person(n)
    ref = referral(yp)
    cs = case(yp, ref, key_worker=worker)
    for record in (yp, ref, cs):
        book.save(record)
    return cs.id


def _sessions(book: Casebook, case_id: str, count: int) -> list[Session]:
    made = [session(case_id, discussed=f"Fictional session {n} about the bus home.")
            for n in range(count)]
    for visit in made:
        book.save(visit, finalise=True)
    return made


def _hub_seqs(hub: RunningHub, user_id: str) -> dict[str, int]:
    """Every record id in ``user_id``'s scope with its seq on the hub, by a fresh raw laptop."""
    reader = hub.laptop(user_id, "reader")
    try:
        return {c["record_id"]: c["seq"] for c in reader.pull_all()}
    finally:
        reader.close()


def test_pushed_records_are_not_downloaded_back_and_the_cursor_still_reaches_the_top(
    hub: RunningHub, laptops: Laptops
) -> None:
    worker = hub.admin.add_user("Test Worker A", "worker", "north")
    book, engine, watched = laptops.new(worker, "work-laptop")
    case_id = _open_case(book, worker, 1)
    visits = _sessions(book, case_id, 30)

    report = engine.sync_once()

    assert report.ok and report.accepted == 33
    own = {v.id for v in visits}
    assert own.isdisjoint(watched.pulled)  # none of the 30 notes came back
    assert watched.windows and watched.windows[0] is not None
    assert watched.windows[0].whole  # 30 seqs in a row, nothing between: left out by seq
    account = engine.store.account()
    assert account is not None and account.cursor == hub.admin.state()["max_seq"]
    # The acknowledgement recorded each note's seq on the hub.
    seqs = _hub_seqs(hub, worker)
    assert all(engine.store.hub_seq(v.id) == seqs[v.id] for v in visits)
    assert {r.record.id for r in book.records(case_id=case_id)} >= own
    assert {hit.record_id for hit in book.search_notes("bus home")} == own

    # A second laptop of the same worker still gets every one of them.
    spare, spare_engine, spare_watched = laptops.new(worker, "spare-laptop")
    pulled = spare_engine.sync_once()
    assert pulled.ok and pulled.pulled == 33 and own <= set(spare_watched.pulled)
    assert {hit.record_id for hit in spare.search_notes("bus home")} == own

    # Nothing new: the next sync pulls nothing and stays at the top.
    again = engine.sync_once()
    assert again.ok and again.pulled == 0
    assert engine.store.account().cursor == hub.admin.state()["max_seq"]  # type: ignore[union-attr]


def test_what_another_device_writes_between_the_push_and_the_pull_still_arrives(
    hub: RunningHub, laptops: Laptops
) -> None:
    worker = hub.admin.add_user("Test Worker A", "worker", "north")
    supervisor = hub.admin.add_user("Test Supervisor", "supervisor", "north")
    book, engine, watched = laptops.new(worker, "work-laptop")
    case_id = _open_case(book, worker, 1)
    first = _sessions(book, case_id, 3)
    assert engine.sync_once().ok
    spare, spare_engine, _ = laptops.new(worker, "spare-laptop")
    assert spare_engine.sync_once().ok
    sup = hub.laptop(supervisor, "supervisor-laptop")

    # The worker's other laptop edits the case header and adds a note, and the supervisor
    # comments, after this laptop's push and before its pull.
    edited = replace(spare.get(case_id).record, current_risk_level="high")  # type: ignore[type-var]
    spare.save(edited)
    (theirs,) = _sessions(spare, case_id, 1)
    comment = SupervisionComment(id=new_id(), case_id=case_id, author=supervisor, written_at=AT,
                                 text="Fictional supervision comment.", about_id=first[0].id,
                                 about_kind="session")

    def others_write() -> None:
        assert spare_engine.sync_once().ok
        sup.push_records(comment)

    watched.before_pull = others_write
    watched.pulled.clear()
    mine = _sessions(book, case_id, 5)
    report = engine.sync_once()
    sup.close()

    assert report.ok and report.accepted == 5
    assert {v.id for v in mine}.isdisjoint(watched.pulled)
    assert {theirs.id, comment.id, case_id} <= set(watched.pulled)
    assert book.get(case_id).record.current_risk_level == "high"  # type: ignore[attr-defined]
    assert book.get(theirs.id).record == theirs
    assert book.get(comment.id) is not None
    assert engine.store.account().cursor == hub.admin.state()["max_seq"]  # type: ignore[union-attr]


def test_a_header_pushed_between_the_notes_makes_a_gap_and_comes_back_checked(
    hub: RunningHub, laptops: Laptops
) -> None:
    """A case edit saved between two notes is pushed between them: its seq lies inside the
    window, so the window has a gap and the laptop does not say ``whole``; the hub checks
    each row, sends the header back (the hub may have merged it) and leaves the notes out."""
    worker = hub.admin.add_user("Test Worker A", "worker", "north")
    book, engine, watched = laptops.new(worker, "work-laptop")
    case_id = _open_case(book, worker, 1)
    assert engine.sync_once().ok
    watched.windows.clear()
    watched.pulled.clear()

    (first,) = _sessions(book, case_id, 1)
    book.save(replace(book.get(case_id).record, current_risk_level="high"))  # type: ignore[type-var]
    (second,) = _sessions(book, case_id, 1)
    report = engine.sync_once()

    assert report.ok and report.accepted == 3
    (window,) = watched.windows
    seqs = _hub_seqs(hub, worker)
    assert window == OwnWindow(seqs[first.id], seqs[second.id], whole=False)
    assert seqs[first.id] < seqs[case_id] < seqs[second.id]
    assert case_id in watched.pulled and not {first.id, second.id} & set(watched.pulled)
    assert book.get(case_id).record.current_risk_level == "high"  # type: ignore[attr-defined]
    assert engine.store.account().cursor == hub.admin.state()["max_seq"]  # type: ignore[union-attr]


def test_a_case_moved_away_and_back_while_offline_keeps_the_note_pushed_after(
    hub: RunningHub, laptops: Laptops
) -> None:
    """The purge for the case leaving (before the note's seq) must not take the note the hub
    stored after the case came back: the pull no longer brings it back."""
    worker = hub.admin.add_user("Test Worker A", "worker", "north")
    other = hub.admin.add_user("Test Worker B", "worker", "north")
    book, engine, watched = laptops.new(worker, "work-laptop")
    moving = _open_case(book, worker, 1)
    older = _sessions(book, moving, 2)
    for n in (2, 3, 4):  # so the purge is not "most of the casebook" (no question asked)
        _sessions(book, _open_case(book, worker, n), 1)
    assert engine.sync_once().ok

    hub.admin.assign_case(moving, other)
    hub.admin.assign_case(moving, worker)
    watched.pulled.clear()
    (later,) = _sessions(book, moving, 1)
    report = engine.sync_once()

    assert report.ok and report.accepted == 1 and report.purged > 0
    assert later.id not in watched.pulled
    assert book.get(later.id).record == later  # kept through the purge
    assert {v.id for v in older} <= set(watched.pulled)  # re-sent by the hub, re-applied
    assert all(book.get(v.id).record == v for v in older)
    assert engine.store.account().cursor == hub.admin.state()["max_seq"]  # type: ignore[union-attr]


def test_a_restored_hub_is_pulled_whole_and_nothing_is_lost(
    hub: RunningHub, laptops: Laptops
) -> None:
    worker = hub.admin.add_user("Test Worker A", "worker", "north")
    book, engine, watched = laptops.new(worker, "work-laptop")
    case_id = _open_case(book, worker, 1)
    visits = _sessions(book, case_id, 4)
    assert engine.sync_once().ok

    hub.admin.restore_epoch()
    watched.windows.clear()
    (later,) = _sessions(book, case_id, 1)
    report = engine.sync_once()

    assert report.ok and report.hub_restored
    assert watched.windows and all(window is None for window in watched.windows)
    assert all(book.get(v.id).record == v for v in [*visits, later])
    assert engine.store.account().cursor == hub.admin.state()["max_seq"]  # type: ignore[union-attr]


def test_an_older_laptop_without_the_window_still_gets_its_own_records(
    hub: RunningHub,
) -> None:
    worker = hub.admin.add_user("Test Worker A", "worker", "north")
    laptop: Laptop = hub.laptop(worker)
    try:
        yp = young_person(1)
        cs = case(yp, key_worker=worker)
        notes = [session(cs.id) for _ in range(3)]
        laptop.push_records(yp, cs, *notes)
        assert {n.id for n in notes} <= {c["record_id"] for c in laptop.pull_all()}
    finally:
        laptop.close()
