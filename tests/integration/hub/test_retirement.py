"""Retirement and revocation on a real hub (SQLite and PostgreSQL).

``spoke-hub device revoke DEVICE`` retires a laptop: it keeps its tokens and its pushes are
accepted (nothing written on it is lost), but pulls are refused ``401 device_retired``; the
device engine sends everything waiting and stops. ``--wipe`` revokes it: every call refused
``401 device_revoked`` with ``wipe = true``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from spokeapp.store.casebook import DB_NAME, Casebook
from spokeapp.sync.engine import RETIRED_DONE, SyncEngine
from tests.helpers.hub import RunningHub
from tests.helpers.records import case, concern, new_casebook, referral, session, young_person


def test_a_retired_device_still_pushes_but_pulls_nothing(hub: RunningHub) -> None:
    worker = hub.admin.add_user("Test Worker A", "worker", "north")
    laptop = hub.laptop(worker)
    yp = young_person(1)
    cs = case(yp, key_worker=worker)
    laptop.push_records(yp, cs)
    hub.admin.revoke(laptop.device_id)  # no --wipe: retired

    assert laptop.token_response().status_code == 200
    laptop.refresh()
    pushed = laptop.push(laptop.change(session(cs.id)))
    assert pushed.status_code == 200, pushed.text
    assert [r["status"] for r in pushed.json()["results"]] == ["accepted"]
    pulled = laptop.pull()
    assert pulled.status_code == 401
    assert pulled.json()["error"] == "device_retired"
    status = laptop.http.get("/v1/device", headers=laptop.auth)
    assert status.json() == {"device_id": laptop.device_id, "status": "retired", "wipe": False}
    assert hub.admin.state()["hub_records"] == 3


def test_wipe_overrides_retirement_and_retirement_never_softens_a_wipe(
    hub: RunningHub,
) -> None:
    worker = hub.admin.add_user("Test Worker A", "worker", "north")
    laptop = hub.laptop(worker)
    hub.admin.revoke(laptop.device_id)
    hub.admin.revoke(laptop.device_id, wipe=True)
    hub.admin.revoke(laptop.device_id)  # a later plain revoke does not undo the wipe
    for response in (laptop.pull(), laptop.token_response(),
                     laptop.push(laptop.change(concern("c-1")))):
        assert response.status_code == 401
        assert response.json()["error"] == "device_revoked"
        assert response.json()["wipe"] is True


@pytest.fixture
def book(tmp_path: Path) -> Iterator[Casebook]:
    made, _ = new_casebook(tmp_path / "laptop")
    with made:
        yield made


def test_the_device_engine_sends_everything_then_stops_when_retired(
    hub: RunningHub, book: Casebook
) -> None:
    worker = hub.admin.add_user("Test Worker A", "worker", "north")
    engine = SyncEngine(book)
    account = engine.enrol(hub.base_url, hub.admin.enrolment_code(worker), "old-laptop")
    yp = young_person(1)
    ref = referral(yp)
    cs = case(yp, ref, key_worker=worker)
    for record in (yp, ref, cs):
        book.save(record)
    assert engine.sync_once().ok
    other = hub.laptop(worker, "new laptop")
    other.push_records(concern(cs.id))  # written elsewhere: must not reach the retired one
    visit = session(cs.id)
    book.save(visit, finalise=True)  # written after the last sync: must not be lost
    hub.admin.revoke(account.device_id)

    report = engine.sync_once()

    assert report.ok and report.retired and report.accepted == 1
    assert {c["record_id"] for c in other.pull_all()} >= {visit.id}
    assert book.count() == 4  # the other laptop's concern never arrived
    status = engine.status()
    assert status.device_status == "retired" and status.waiting == 0
    assert status.notice == RETIRED_DONE
    assert engine.sync_once().retired and book.is_open
    assert (book.profile / DB_NAME).exists()
    other.close()
