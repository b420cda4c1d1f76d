"""A visit shows as watched (ARMED) on the laptop only once the hub has acknowledged its plan."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from spokeapp.store.casebook import Casebook
from spokeapp.sync.engine import SyncEngine
from tests.helpers.records import raw_connection
from tests.unit.sync.fake_hub import FakeHub
from tests.unit.sync.test_engine import _add_safety_change


def _visit_id(profile: Path, change_id: str) -> str:
    conn = raw_connection(profile)
    try:
        return str(conn.execute("SELECT record_id FROM changes WHERE id = ?",
                                (change_id,)).fetchone()[0])
    finally:
        conn.close()


def test_a_plan_is_watched_only_after_the_hub_acknowledged_it(
    engine: SyncEngine, book: Casebook, hub: FakeHub
) -> None:
    visit_id = _visit_id(book.profile, _add_safety_change(book.profile, "visit_plan"))
    assert engine.store.visit_watch(visit_id) is None  # not armed: the hub has not got it

    hub.online = False
    engine.sync_once()
    assert engine.store.visit_watch(visit_id) is None  # still not armed while offline

    hub.online = True
    hub.watching = datetime(2026, 3, 2, 11, 15, tzinfo=UTC)
    assert engine.sync_once().ok
    watch = engine.store.visit_watch(visit_id)
    assert watch is not None and watch.armed
    assert watch.escalation_starts_at == hub.watching
    assert set(engine.store.visit_watches()) == {visit_id}


def test_the_hub_saying_the_visit_is_over_disarms_it(
    engine: SyncEngine, book: Casebook, hub: FakeHub
) -> None:
    hub.watching = datetime(2026, 3, 2, 11, 15, tzinfo=UTC)
    first = _visit_id(book.profile, _add_safety_change(book.profile, "visit_plan"))
    engine.sync_once()
    hub.watching = None  # the fake acknowledges a plan without a watch: nothing changes
    second = _visit_id(book.profile, _add_safety_change(book.profile, "visit_plan"))
    engine.sync_once()
    assert engine.store.visit_watch(second) is None
    watch = engine.store.visit_watch(first)
    assert watch is not None and watch.armed
