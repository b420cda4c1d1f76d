"""Supervisors' case views reach the hub's audit trail; admins read it with ``spoke-hub audit``."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from spokeapp.crypto.keyfile import FAST_KDF_FOR_TESTS
from spokeapp.store.casebook import Casebook
from spokeapp.store.sync_state import SyncStore
from spokeapp.sync.case_views import report_case_views
from spokeapp.sync.client import HubClient, HubEndpoint, OutOfScope
from spokeapp.sync.engine import SyncEngine
from tests.helpers.hub import RunningHub, run_cli


def _enrolled(hub: RunningHub, folder: Path, user_id: str) -> Casebook:
    book, _ = Casebook.create(folder, "test passphrase one", kdf=FAST_KDF_FOR_TESTS)
    SyncEngine(book).enrol(hub.base_url, hub.admin.enrolment_code(user_id), "Test laptop")
    return book


def _client(book: Casebook) -> HubClient:
    account = SyncStore(book).account()
    assert account is not None
    return HubClient(HubEndpoint(account.hub_url, account.cert_fingerprint),
                     device_id=account.device_id, refresh_token=account.refresh_token)


def test_each_case_view_is_recorded_once_and_admins_can_read_it(
    hub: RunningHub, tmp_path: Path
) -> None:
    sup_id = hub.admin.add_user("Test Supervisor X", "supervisor", "team-x")
    book = _enrolled(hub, tmp_path / "sup", sup_id)
    with book, _client(book) as client:
        for case_id in ("case-test-1", "case-test-2", "case-test-1"):
            book.view_case(case_id)
        assert report_case_views(book, client) == 3
        assert report_case_views(book, client) == 0  # nothing new: nothing sent
        book.view_case("case-test-2")
        book.set_setting("sync.case_views_reported", "0")  # as if an answer had been lost
        assert report_case_views(book, client) == 4  # all sent again...

    result = run_cli("audit", "--database", hub.database_url, "--action", "case_view")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 4  # ...and recorded once each
    assert [line.split("\t")[1:4] for line in lines] == [
        [sup_id, "case_view", "case-test-1"], [sup_id, "case_view", "case-test-2"],
        [sup_id, "case_view", "case-test-1"], [sup_id, "case_view", "case-test-2"],
    ]
    assert "device=" in lines[0] and "at=" in lines[0]


def test_a_workers_laptop_does_not_send_views(hub: RunningHub, tmp_path: Path) -> None:
    worker_id = hub.admin.add_user("Test Worker Able", "worker", "team-x")
    book = _enrolled(hub, tmp_path / "w", worker_id)
    with book, _client(book) as client:
        book.view_case("case-test-1")
        with pytest.raises(OutOfScope):
            report_case_views(book, client)
        assert book.setting("sync.case_views_reported") is None


def test_out_of_order_views_are_refused_and_change_nothing(hub: RunningHub,
                                                           tmp_path: Path) -> None:
    sup = hub.laptop(hub.admin.add_user("Test Supervisor X", "supervisor", "team-x"))
    body = {"views": [{"seq": 5, "case_id": "c1", "at": "2026-03-02T10:00:00+00:00"},
                      {"seq": 4, "case_id": "c2", "at": "2026-03-02T10:00:00+00:00"}]}
    response = sup.http.post("/v1/audit/case-views", json=body, headers=sup.auth)
    assert response.status_code == 400
    assert sup.http.post("/v1/audit/case-views", json={"views": []},
                         headers=sup.auth).status_code == 422
    assert sup.http.post("/v1/audit/case-views", json=body).status_code == 401
    result = run_cli("audit", "--database", hub.database_url, "--action", "case_view")
    assert result.stdout.strip() == "No audit entries match."


def test_sync_sends_a_supervisors_case_views(hub: RunningHub, tmp_path: Path) -> None:
    sup_id = hub.admin.add_user("Test Supervisor X", "supervisor", "team-x")
    book = _enrolled(hub, tmp_path / "sup", sup_id)
    with book:
        book.view_case("case-test-7")
        report = SyncEngine(book).sync_once()
        assert report.ok, report.error
        assert book.setting("sync.case_views_reported") is not None
    result = run_cli("audit", "--database", hub.database_url, "--action", "case_view")
    assert [line.split("\t")[3] for line in result.stdout.strip().splitlines()] == [
        "case-test-7"
    ]


def test_the_same_views_sent_sixteen_times_at_once_are_recorded_once(
    hub: RunningHub,
) -> None:
    """A laptop that retries while its first report is still being written (or an attacker
    replaying it) must not double the audit trail, and no copy may fail with a 5xx."""
    sup = hub.laptop(hub.admin.add_user("Test Supervisor X", "supervisor", "team-x"))
    body = {"views": [{"seq": 1, "case_id": "case-test-1", "at": "2026-03-02T10:00:00+00:00"},
                      {"seq": 2, "case_id": "case-test-2", "at": "2026-03-02T10:01:00+00:00"}]}
    auth = sup.auth
    barrier = threading.Barrier(16)

    def send(_: int) -> httpx.Response:
        with httpx.Client(base_url=hub.base_url, timeout=30) as http:
            barrier.wait()
            return http.post("/v1/audit/case-views", json=body, headers=auth)

    with ThreadPoolExecutor(16) as pool:
        answers = list(pool.map(send, range(16)))
    assert [a.status_code for a in answers] == [200] * 16
    assert sum(a.json()["recorded"] for a in answers) == 2
    result = run_cli("audit", "--database", hub.database_url, "--action", "case_view")
    assert len(result.stdout.strip().splitlines()) == 2


def test_a_view_of_another_teams_case_or_of_no_case_says_so_in_the_trail(
    hub: RunningHub,
) -> None:
    """A view is the laptop's report: one naming another team's case is recorded but marked,
    so that team's readers see it came from outside; one naming no case on the hub too."""
    from tests.helpers.records import case, young_person

    north_worker = hub.admin.add_user("Test Worker North", "worker", "north")
    south_worker = hub.admin.add_user("Test Worker South", "worker", "south")
    north_case = case(young_person(1), key_worker=north_worker)
    south_case = case(young_person(2), key_worker=south_worker)
    hub.laptop(north_worker).push_records(north_case)
    hub.laptop(south_worker).push_records(south_case)
    sup = hub.laptop(hub.admin.add_user("Test Supervisor South", "supervisor", "south"))
    at = "2026-03-02T10:00:00+00:00"
    body = {"views": [{"seq": 1, "case_id": south_case.id, "at": at},
                      {"seq": 2, "case_id": north_case.id, "at": at},
                      {"seq": 3, "case_id": "case-not-on-hub", "at": at}]}

    response = sup.http.post("/v1/audit/case-views", json=body, headers=sup.auth)

    assert response.status_code == 200 and response.json()["recorded"] == 3
    result = run_cli("audit", "--database", hub.database_url, "--action", "case_view")
    details = {line.split("\t")[3]: line.split("\t")[-1]
               for line in result.stdout.strip().splitlines()}
    assert "scope=" not in details[south_case.id] and "case=" not in details[south_case.id]
    assert "scope=outside" in details[north_case.id]
    assert "case=not_on_hub" in details["case-not-on-hub"]
