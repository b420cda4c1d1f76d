"""The supervisor's team view, counted on a real hub from what the workers' laptops pushed."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import pytest

from spokeapp.crypto.keyfile import FAST_KDF_FOR_TESTS
from spokeapp.domain.ids import new_id
from spokeapp.domain.records import AssessmentType, Case, CaseStatus, RiskAssessment
from spokeapp.store.casebook import Casebook
from spokeapp.sync.client import OutOfScope
from spokeapp.sync.engine import SyncEngine
from spokeapp.sync.team import fetch_team
from tests.helpers.hub import Laptop, RunningHub
from tests.helpers.records import case, session, young_person

TODAY = date(2026, 3, 2)  # the hub's ManualClock starts on this (fictional) day


def _assessment(case_id: str, assessed_on: date, level: str = "high") -> RiskAssessment:
    return RiskAssessment(
        id=new_id(), case_id=case_id, assessment_type=AssessmentType.INITIAL,
        assessed_on=assessed_on, tool_id="default", tool_version=1, answers=(), score=20,
        level=level,
    )


def _open_cases(laptop: Laptop, worker_id: str, count: int, level: str | None,
                first: int) -> list[Case]:
    cases = []
    for n in range(first, first + count):
        yp = young_person(n)
        c = case(yp, key_worker=worker_id, current_risk_level=level,
                 opened_on=date(2025, 11, 1))
        laptop.push_records(yp, c)
        cases.append(c)
    return cases


def test_team_view_counts_caseloads_reviews_notes_and_silent_laptops(hub: RunningHub) -> None:
    add = hub.admin.add_user
    a_id = add("Test Worker Able", "worker", "team-x")
    b_id = add("Test Worker Baker", "worker", "team-x")
    y_id = add("Test Worker Yonder", "worker", "team-y")
    a, b, y = hub.laptop(a_id), hub.laptop(b_id), hub.laptop(y_id)
    sup_x = hub.laptop(add("Test Supervisor X", "supervisor", "team-x"))

    # Able: 13 open cases (over the 10-12 guide), 12 high and 1 medium.
    able = _open_cases(a, a_id, 12, "high", 1) + _open_cases(a, a_id, 1, "medium", 50)
    # One assessed recently, one assessed long ago (review overdue), the rest never assessed.
    recent = _assessment(able[0].id, TODAY - timedelta(weeks=2))
    stale = _assessment(able[1].id, TODAY - timedelta(weeks=10))
    notes = [session(able[0].id), session(able[0].id), session(able[1].id)]
    a.push_records(recent, stale, *notes)
    # Baker: 2 cases, 1 of them closed, no notes.
    _open_cases(b, b_id, 1, None, 80)
    yp = young_person(81)
    b.push_records(yp, replace(case(yp, key_worker=b_id, opened_on=date(2025, 11, 1)),
                               status=CaseStatus.CLOSED, closed_on=date(2026, 2, 1)))
    y.push_records(*_open_cases(y, y_id, 1, "low", 90))

    # Baker's laptop last made contact 4 days ago; everything else just now.
    hub.clock.advance(days=4)
    for laptop in (a, sup_x):
        laptop.refresh()
        assert laptop.pull().status_code == 200  # contact: the hub notes "last seen"

    response = sup_x.http.get("/v1/team", headers=sup_x.auth)
    assert response.status_code == 200, response.text
    view = response.json()
    assert view["team"] == "team-x"
    by_name = {w["name"]: w for w in view["workers"]}
    assert set(by_name) == {"Test Worker Able", "Test Worker Baker", "Test Supervisor X"}
    able_row, baker_row = by_name["Test Worker Able"], by_name["Test Worker Baker"]
    assert able_row["active_cases"] == 13 and able_row["load"] == "over"
    assert able_row["risk_levels"] == {"high": 12, "medium": 1}
    assert able_row["reviews_overdue"] == 1  # assessed 10 weeks ago; the default is 8
    assert able_row["no_assessment_yet"] == 11  # opened in November, never assessed
    assert able_row["unreviewed_notes"] == 5  # 3 sessions + 2 assessments, none reviewed
    assert able_row["silent_devices"] == []
    assert any("caseload above" in w for w in able_row["warnings"])
    assert baker_row["active_cases"] == 1 and baker_row["load"] == "under"
    assert baker_row["risk_levels"] == {"unassessed": 1}
    assert baker_row["silent_devices"] == ["Test laptop"]
    assert baker_row["warnings"][0].startswith("laptop silent for 3+ days")
    # Nothing of case content travels: only counts, names of staff and laptops.
    assert "Demo" not in response.text and able[0].id not in response.text


def test_only_a_supervisor_sees_their_own_team(hub: RunningHub) -> None:
    add = hub.admin.add_user
    worker = hub.laptop(add("Test Worker Able", "worker", "team-x"))
    sup_y = hub.laptop(add("Test Supervisor Y", "supervisor", "team-y"))
    admin = hub.laptop(hub.init.admin_id)

    assert worker.http.get("/v1/team", headers=worker.auth).status_code == 403
    other = sup_y.http.get("/v1/team", params={"team": "team-x"}, headers=sup_y.auth)
    assert other.status_code == 403 and other.json()["error"] == "out_of_scope"
    own = sup_y.http.get("/v1/team", headers=sup_y.auth)
    assert own.status_code == 200 and own.json()["team"] == "team-y"
    assert admin.http.get("/v1/team", headers=admin.auth).status_code == 400
    counted = admin.http.get("/v1/team", params={"team": "team-x"}, headers=admin.auth)
    assert counted.status_code == 200
    assert [w["name"] for w in counted.json()["workers"]] == ["Test Worker Able"]
    assert hub.admin.state()  # the hub is still consistent after refusals


def test_the_app_fetches_its_team_through_its_enrolment(hub: RunningHub, tmp_path: Path) -> None:
    add = hub.admin.add_user
    add("Test Worker Able", "worker", "team-x")
    sup_id = add("Test Supervisor X", "supervisor", "team-x")
    worker_id = add("Test Worker Other", "worker", "team-x")
    book, _ = Casebook.create(tmp_path / "sup", "test passphrase one", kdf=FAST_KDF_FOR_TESTS)
    with book:
        SyncEngine(book).enrol(hub.base_url, hub.admin.enrolment_code(sup_id), "Test laptop")
        view = fetch_team(book)
        assert view.team == "team-x"
        assert {w.name for w in view.workers} >= {"Test Worker Able", "Test Worker Other"}
        # Asking for the team rotated the laptop's sign-in; the new one was kept, so the next
        # sync, long after the hub's grace for a lost answer, is not taken for a copied token.
        hub.clock.advance(hours=1)
        report = SyncEngine(book).sync_once()
        assert report.error_code is None, report.error_code
        assert fetch_team(book).team == "team-x"
    wbook, _ = Casebook.create(tmp_path / "w", "test passphrase two", kdf=FAST_KDF_FOR_TESTS)
    with wbook:
        SyncEngine(wbook).enrol(hub.base_url, hub.admin.enrolment_code(worker_id), "Test laptop")
        with pytest.raises(OutOfScope):
            fetch_team(wbook)
