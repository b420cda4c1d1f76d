"""A laptop the hub retired (``spoke-hub device revoke`` without ``--wipe``) sends everything it
holds, pulls nothing more, and then stops syncing, saying so in plain words."""

from __future__ import annotations

from spokeapp.store.casebook import Casebook
from spokeapp.sync.engine import RETIRED_DONE, SyncEngine
from tests.helpers.records import seeded_case, session
from tests.unit.sync.fake_hub import FakeHub


def test_a_retired_laptop_pushes_everything_then_stops(
    engine: SyncEngine, book: Casebook, hub: FakeHub
) -> None:
    _yp, _ref, cs = seeded_case(book)
    book.save(session(cs.id), finalise=True)
    hub.put("r-hub-only", "young_person", {"id": "r-hub-only"}, None)  # must not arrive
    hub.status = "retired"

    report = engine.sync_once()

    assert report.ok and report.retired and report.accepted == 4
    assert len(hub.rows) == 5  # everything written on the laptop reached the hub
    assert book.count() == 4  # and nothing was pulled
    status = engine.status()
    assert status.device_status == "retired" and status.waiting == 0
    assert status.notice == RETIRED_DONE
    assert status.last_error is None

    batches = len(hub.batches)
    hub.online = False  # a retired laptop with nothing to send no longer contacts the hub
    again = engine.sync_once()
    assert again.ok and again.retired and len(hub.batches) == batches


def test_work_written_after_retirement_is_still_sent(
    engine: SyncEngine, book: Casebook, hub: FakeHub
) -> None:
    _yp, _ref, cs = seeded_case(book)
    hub.status = "retired"
    assert engine.sync_once().retired
    book.save(session(cs.id), finalise=True)
    assert engine.status().notice != RETIRED_DONE
    assert "1 record still to send" in (engine.status().notice or "")

    report = engine.sync_once()

    assert report.retired and report.accepted == 1
    assert engine.status().notice == RETIRED_DONE


def test_retired_between_status_and_pull_still_sends_everything(
    engine: SyncEngine, book: Casebook, hub: FakeHub
) -> None:
    seeded_case(book)
    real_push = hub.push

    def push_then_retire(device_id: str, request: object) -> object:
        response = real_push(device_id, request)  # type: ignore[arg-type]
        hub.status = "retired"  # the administrator retires it mid-run
        return response

    hub.push = push_then_retire  # type: ignore[method-assign,assignment]
    report = engine.sync_once()

    assert report.ok and report.retired and report.accepted == 3
    assert engine.status().device_status == "retired"
    assert engine.status().notice == RETIRED_DONE


def test_an_unreachable_retired_hub_keeps_the_work(
    engine: SyncEngine, book: Casebook, hub: FakeHub
) -> None:
    seeded_case(book)
    hub.status = "retired"
    hub.online = False
    report = engine.sync_once()
    assert not report.ok and report.error_code == "unreachable"
    assert engine.status().waiting == 3
