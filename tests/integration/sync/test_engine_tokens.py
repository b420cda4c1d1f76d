"""The device engine and rotating refresh tokens, against a real hub on both databases
(issue 13): the laptop keeps each new refresh token in its casebook before using it, and when
the hub stops accepting its sign-in it says plainly that it must be enrolled again, keeping
everything it has not sent."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from spokeapp.store.casebook import Casebook
from spokeapp.store.sync_state import SyncStore
from spokeapp.sync.engine import SyncEngine
from tests.helpers.hub import RunningHub
from tests.helpers.records import case, new_casebook, session, young_person


@pytest.fixture
def laptop(hub: RunningHub, tmp_path: Path) -> Iterator[tuple[Casebook, SyncEngine, str]]:
    worker = hub.admin.add_user("Test Worker A", "worker", "north")
    book, _ = new_casebook(tmp_path / "laptop", author=worker)
    engine = SyncEngine(book)
    engine.enrol(hub.base_url, hub.admin.enrolment_code(worker), "Test laptop")
    yield book, engine, worker
    book.close()


def _refresh_token(book: Casebook) -> str:
    account = SyncStore(book).account()
    assert account is not None
    return account.refresh_token


def test_each_sync_keeps_the_new_refresh_token_in_the_casebook(
    hub: RunningHub, laptop: tuple[Casebook, SyncEngine, str],
) -> None:
    book, engine, _worker = laptop
    tokens = [_refresh_token(book)]
    for _ in range(3):
        hub.clock.advance(minutes=20)
        assert engine.sync_once().ok
        tokens.append(_refresh_token(book))
    assert len(set(tokens)) == 4  # a new one every time, and the laptop follows
    hub.clock.advance(days=100)
    assert engine.sync_once().ok


def test_a_reused_sign_in_stops_sync_in_plain_words_and_keeps_the_outbox(
    hub: RunningHub, laptop: tuple[Casebook, SyncEngine, str],
) -> None:
    book, engine, worker = laptop
    assert engine.sync_once().ok
    copied = _refresh_token(book)  # someone copies the sign-in ...
    hub.clock.advance(minutes=20)
    assert engine.sync_once().ok  # ... the laptop moves on ...
    yp = young_person(1)
    cs = case(yp, key_worker=worker)
    for record in (yp, cs):
        book.save(record)
    book.save(session(cs.id), finalise=True)
    waiting = engine.status().waiting
    hub.clock.advance(minutes=20)
    account = SyncStore(book).account()
    assert account is not None
    # The copy is used from elsewhere: the hub notices and locks the laptop.
    stolen = httpx.post(f"{hub.base_url}/v1/token",
                        json={"device_id": account.device_id, "refresh_token": copied})
    assert stolen.json()["error"] == "refresh_reused"

    report = engine.sync_once()

    assert not report.ok and report.error_code == "enrol_again"
    assert report.error is not None and "enrolled with the hub again" in report.error
    status = engine.status()
    assert status.last_error == report.error
    assert status.waiting == waiting == 3  # nothing sent, nothing dropped
    assert hub.admin.state()["hub_records"] == 0


def test_a_laptop_idle_past_the_limit_is_told_to_enrol_again(
    hub: RunningHub, laptop: tuple[Casebook, SyncEngine, str],
) -> None:
    _book, engine, _worker = laptop
    hub.clock.advance(days=181)
    report = engine.sync_once()
    assert report.error_code == "enrol_again"
    assert report.error is not None and "not synced for so long" in report.error
