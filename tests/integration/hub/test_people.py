"""``GET /v1/people`` (issue 17): the names a laptop may show instead of user ids, need-to-know
like everything else, and kept by the sync engine inside the casebook for offline use.
Against a real hub on loopback; all names are fictional."""

from __future__ import annotations

from pathlib import Path

from spokeapp.present.people import UNKNOWN, load_people, name_of
from spokeapp.sync.engine import SyncEngine
from tests.helpers.hub import Laptop, RunningHub
from tests.helpers.records import new_casebook


def _names(laptop: Laptop) -> list[str]:
    response = laptop.http.get("/v1/people", headers=laptop.auth)
    assert response.status_code == 200, response.text
    return [p["name"] for p in response.json()["people"]]


def test_each_role_gets_only_the_names_it_needs(hub: RunningHub) -> None:
    add = hub.admin.add_user
    able = hub.laptop(add("Test Worker Able", "worker", "team-x"))
    add("Test Worker Baker", "worker", "team-x")
    sup_x = hub.laptop(add("Test Supervisor X", "supervisor", "team-x"))
    add("Test Supervisor Y", "supervisor", "team-y")
    add("Test Worker Yoke", "worker", "team-y")
    admin = hub.laptop(add("Test Admin", "admin", None))
    assert able.http.get("/v1/people").status_code == 401  # not without a token
    # A worker: themselves and their team's supervisors, not their colleagues' names.
    assert _names(able) == ["Test Supervisor X", "Test Worker Able"]
    # A supervisor: their whole team, no other team.
    assert _names(sup_x) == ["Test Supervisor X", "Test Worker Able", "Test Worker Baker"]
    assert _names(admin) == ["Test Admin"]
    for laptop in (able, sup_x, admin):
        laptop.close()


def test_the_engine_keeps_the_names_in_the_casebook_for_offline(
        hub: RunningHub, tmp_path: Path) -> None:
    worker = hub.admin.add_user("Test Worker Able", "worker", "team-x")
    supervisor = hub.admin.add_user("Test Supervisor X", "supervisor", "team-x")
    book, _ = new_casebook(tmp_path / "laptop", author=worker)
    try:
        engine = SyncEngine(book)
        engine.enrol(hub.base_url, hub.admin.enrolment_code(worker), "Test laptop")
        assert name_of(load_people(book), supervisor) == UNKNOWN  # not synced yet
        assert engine.sync_once().ok
        names = load_people(book, engine.store.account())
        assert name_of(names, supervisor) == "Test Supervisor X"
        assert name_of(names, worker, me=worker) == "Test Worker Able (you)"
    finally:
        book.close()
