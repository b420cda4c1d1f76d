"""Local authority areas through a real hub (SQLite and PostgreSQL): ``spoke-hub areas``, the
list a laptop gets (``GET /v1/areas``), the sync engine keeping it in the casebook, and the
hub's report per area. Every name, district and record is fictional."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from spokeapp.domain.areas import Area
from spokeapp.domain.records import (
    Case,
    CaseStatus,
    Closure,
    ClosureReason,
    Outcome,
    SignOff,
    SignOffOutcome,
)
from spokeapp.hub import cli
from spokeapp.hub.models import AuditEntry
from spokeapp.store.areas import load_areas
from spokeapp.sync.engine import SyncEngine
from tests.helpers.hub import Laptop, RunningHub
from tests.helpers.records import case, new_casebook, referral, young_person

PERIOD = {"from": "2026-04-01", "to": "2026-06-30"}


def _cli(hub: RunningHub, *args: str) -> int:
    return cli.main([*args, "--database", hub.database_url])


def test_areas_are_added_listed_and_removed_with_spoke_hub(
        hub: RunningHub, capsys: pytest.CaptureFixture[str]) -> None:
    assert _cli(hub, "areas", "list") == 0
    assert "No areas listed" in capsys.readouterr().out
    assert _cli(hub, "areas", "add", "Example  Shire", "--districts", "ex2, EX1,ex1 1aa") == 1
    assert "\"ex1 1aa\" is not a postcode district" in capsys.readouterr().err
    assert _cli(hub, "areas", "add", "Example  Shire", "--districts", "ex2, EX1") == 0
    assert "Added area Example Shire (postcode districts: EX1, EX2)" in capsys.readouterr().out
    assert _cli(hub, "areas", "add", "Sample City", "--districts", "SC1") == 0
    assert _cli(hub, "areas", "add", "sample city") == 1  # the same name, other capitals
    assert "already listed" in capsys.readouterr().err
    assert _cli(hub, "areas", "add", "Sample City", "--districts", "SC1,SC2") == 0
    assert "Updated area Sample City" in capsys.readouterr().out
    assert _cli(hub, "areas", "list") == 0
    assert capsys.readouterr().out.splitlines() == ["Example Shire\tEX1,EX2",
                                                    "Sample City\tSC1,SC2"]
    assert _cli(hub, "areas", "remove", "Sample City") == 0
    assert _cli(hub, "areas", "remove", "Sample City") == 1
    assert "No area named" in capsys.readouterr().err
    with Session(hub.engine) as session:
        actions = session.scalars(select(AuditEntry.action).where(
            AuditEntry.action.like("area_%")).order_by(AuditEntry.id)).all()
    assert actions == ["area_add", "area_add", "area_update", "area_remove"]


def test_any_enrolled_laptop_gets_the_list_and_the_engine_keeps_it_offline(
        hub: RunningHub, tmp_path: Path) -> None:
    worker = hub.admin.add_user("Test Worker A", "worker", "north")
    laptop = hub.laptop(worker)
    assert laptop.http.get("/v1/areas").status_code == 401  # not without a token
    empty = laptop.http.get("/v1/areas", headers=laptop.auth)
    assert empty.status_code == 200 and empty.json() == {"areas": []}

    book, _ = new_casebook(tmp_path / "laptop", author=worker)
    try:
        engine = SyncEngine(book)
        engine.enrol(hub.base_url, hub.admin.enrolment_code(worker), "Test laptop")
        assert load_areas(book) is None  # never synced: no list yet (the form says why)
        assert engine.sync_once().ok
        assert load_areas(book) == []  # the hub lists none
        assert _cli(hub, "areas", "add", "Sample City", "--districts", "SC1") == 0
        assert _cli(hub, "areas", "add", "Example Shire", "--districts", "EX1,EX2") == 0
        assert engine.sync_once().ok
        expected = [Area("Example Shire", ("EX1", "EX2")), Area("Sample City", ("SC1",))]
        assert load_areas(book) == expected
        # Removed on the hub: gone from the laptop at its next sync.
        assert _cli(hub, "areas", "remove", "Sample City") == 0
        assert engine.sync_once().ok
        assert load_areas(book) == expected[:1]
    finally:
        book.close()
    laptop.close()


def _closure(cs: Case, n: int, outcome: Outcome, closed_on: date) -> Closure:
    return Closure(id=f"clo-area-{n}", case_id=cs.id, closed_on=closed_on,
                   reason=ClosureReason.OUTCOMES_MET if outcome is Outcome.LOWER
                   else ClosureReason.MOVED_AWAY, outcome=outcome,
                   closing_assessment_id=f"ra-area-{n}")


def test_the_hubs_report_counts_cases_closures_and_outcomes_per_area(hub: RunningHub) -> None:
    hub.clock.now = datetime(2026, 4, 2, 9, tzinfo=UTC)
    worker = hub.admin.add_user("Test Worker A", "worker", "north")
    supervisor = hub.admin.add_user("Test Supervisor", "supervisor", "north")
    a: Laptop = hub.laptop(worker)
    sup: Laptop = hub.laptop(supervisor)
    admin = hub.laptop(hub.init.admin_id)
    shire, city = "Example Shire", "Sample City"
    people = [young_person(n) for n in range(1, 7)]
    refs = [referral(p) for p in people]
    cases = [
        # 1: Example Shire, new in the period, still open.
        case(people[0], refs[0], key_worker=worker, opened_on=date(2026, 4, 12),
             local_authority=shire),
        # 2: Example Shire, from before, closed in the period at lower risk.
        case(people[1], refs[1], key_worker=worker, opened_on=date(2026, 1, 10),
             status=CaseStatus.CLOSED, closed_on=date(2026, 5, 20), local_authority=shire),
        # 3: Sample City, new, closed in the period at the same risk.
        case(people[2], refs[2], key_worker=worker, opened_on=date(2026, 5, 1),
             status=CaseStatus.CLOSED, closed_on=date(2026, 6, 10), local_authority=city),
        # 4: no area (an older case), from before, open.
        case(people[3], refs[3], key_worker=worker, opened_on=date(2026, 2, 1)),
        # 5: Example Shire, opened after the period: not counted.
        case(people[4], refs[4], key_worker=worker, opened_on=date(2026, 7, 5),
             local_authority=shire),
        # 6: Sample City, closed before the period: not counted.
        case(people[5], refs[5], key_worker=worker, opened_on=date(2025, 10, 1),
             status=CaseStatus.CLOSED, closed_on=date(2026, 3, 1), local_authority=city),
    ]
    closures = [_closure(cases[1], 2, Outcome.LOWER, date(2026, 5, 20)),
                _closure(cases[2], 3, Outcome.SAME, date(2026, 6, 10)),
                _closure(cases[5], 6, Outcome.LOWER, date(2026, 3, 1))]
    for p, r, c in zip(people, refs, cases, strict=True):
        a.push_records(p, r, c)
    a.push_records(*closures)
    sup.push_records(*(SignOff(
        id=f"so-{c.id}", case_id=c.case_id, request_id=c.id, request_kind="closure",
        outcome=SignOffOutcome.APPROVED, decided_by=supervisor,
        decided_at=datetime(2026, 6, 20, 9, tzinfo=UTC)) for c in closures))

    response = admin.http.get("/v1/reports", params={**PERIOD, "scope": "hub"},
                              headers=admin.auth)
    assert response.status_code == 200, response.text
    figures = {f["key"]: f for f in response.json()["figures"]}
    table = _area_rows(figures)
    columns = ("open", "new", "before", "closed", "lower", "not_lower", "not_closed")
    # Counted by hand from the six cases above.
    assert table == {
        "Example Shire": dict(zip(columns, (2, 1, 1, 1, 1, 0, 1), strict=True)),
        "Sample City": dict(zip(columns, (1, 1, 0, 1, 0, 1, 0), strict=True)),
        "Not known or not recorded": dict(zip(columns, (1, 0, 1, 0, 0, 0, 1), strict=True)),
        "All areas": dict(zip(columns, (4, 2, 2, 2, 1, 1, 2), strict=True)),
    }
    # The same cases as the other sections.
    assert (figures["one_to_one.cases_opened"]["count"], figures["closures.closed"]["count"],
            figures["closures.lower"]["count"]) == (2, 2, 1)
    # The funder form: every count here is under 5, so none is shown but the zeros, and the
    # sums published with it say so.
    funder = admin.http.get("/v1/reports", params={**PERIOD, "scope": "hub", "funder": "true"},
                            headers=admin.auth).json()
    shown = {f["key"]: f for f in funder["figures"]}
    assert shown["areas.1.open"]["count"] is None and shown["areas.1.open"]["value"] == "<5"
    assert shown["areas.1.not_lower"]["value"] == "0"
    for laptop in (a, sup, admin):
        laptop.close()


def _area_rows(figures: dict[str, Any]) -> dict[str, dict[str, int]]:
    rows: dict[str, dict[str, int]] = {}
    for key, figure in figures.items():
        if not key.startswith("areas."):
            continue
        _, _row, column = key.split(".")
        name = figure["label"].rsplit(": ", 1)[0]
        rows.setdefault(name, {})[column] = figure["count"]
    return rows
