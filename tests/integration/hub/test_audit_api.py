"""``GET /v1/audit`` and ``GET /v1/devices/{id}/report`` on SQLite and PostgreSQL hubs with real
enrolled laptops: who sees which entries, filters, pages, flagged access, shares, the report."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from spokeapp.domain.ids import new_id
from spokeapp.domain.records import Case, YoungPerson
from spokeapp.domain.records.casework import InformationShare, ShareBasis
from spokeapp.hub.models import AuditEntry
from tests.helpers.hub import Laptop, RunningHub, run_cli
from tests.helpers.records import case, concern, young_person


@dataclass
class World:
    """Two teams: in team-x a supervisor and worker Able (one case, a share on it); in team-y
    worker Baker (one case); and an administrator. Each with an enrolled laptop."""

    hub: RunningHub
    admin: Laptop
    sup_x: Laptop
    able: Laptop
    baker: Laptop
    x_person: YoungPerson
    x_case: Case
    y_case: Case
    share: InformationShare


def _share(case_id: str, worker: str) -> InformationShare:
    return InformationShare(
        id=new_id(), case_id=case_id, shared_on=date(2026, 3, 2), shared_by=worker,
        recipient="other", recipient_detail="DC Fictional Example, Demo Police",
        what="verbal update", basis=ShareBasis.SAFEGUARDING_CHILD_AT_RISK,
        reason="Fictional test reason: a child at risk of harm tonight.",
    )


@pytest.fixture
def world(hub: RunningHub) -> World:
    admin = hub.laptop(hub.admin.add_user("Test Admin Ada", "admin"), "Ada's test laptop")
    sup_x = hub.laptop(hub.admin.add_user("Test Supervisor Xena", "supervisor", "team-x"),
                       "Xena's test laptop")
    able = hub.laptop(hub.admin.add_user("Test Worker Able", "worker", "team-x"),
                      "Able's test laptop")
    baker = hub.laptop(hub.admin.add_user("Test Worker Baker", "worker", "team-y"),
                       "Baker's test laptop")
    x_person, y_person = young_person(1), young_person(2)
    x_case = case(x_person, key_worker=able.user_id)
    y_case = case(y_person, key_worker=baker.user_id)
    share = _share(x_case.id, able.user_id)
    assert able.push_records(x_person, x_case, concern(x_case.id), share).status_code == 200
    assert baker.push_records(y_person, y_case).status_code == 200
    views = [{"seq": 1, "case_id": x_case.id, "at": "2026-03-02T09:00:00+00:00"}]
    assert sup_x.http.post("/v1/audit/case-views", json={"views": views},
                           headers=sup_x.auth).status_code == 200
    return World(hub, admin, sup_x, able, baker, x_person, x_case, y_case, share)


def _get(laptop: Laptop, **params: Any) -> Any:
    response = laptop.http.get("/v1/audit", params=params, headers=laptop.auth)
    assert response.status_code == 200, response.text
    return response.json()


def _audit_views(hub: RunningHub) -> list[AuditEntry]:
    with Session(hub.engine) as session:
        return list(session.scalars(
            select(AuditEntry).where(AuditEntry.action == "audit_view")).all())


def test_admin_sees_every_entry_named_with_case_reference_and_laptop(world: World) -> None:
    page = _get(world.admin)
    entries = page["entries"]
    assert page["scope"] == "hub" and page["next_cursor"] is None
    assert [e["when"] for e in entries] == sorted(e["when"] for e in entries)
    changes = [e for e in entries if e["action"] == "record_change"]
    assert {e["who_name"] for e in changes} == {"Test Worker Able", "Test Worker Baker"}
    [view] = [e for e in entries if e["action"] == "case_view"]
    assert view["who_name"] == "Test Supervisor Xena"
    assert (view["case_id"], view["case_reference"]) == (world.x_case.id, "YP-TEST-01")
    assert view["device_name"] == "Xena's test laptop"
    # A share: recipient and basis only, never the reason or the recipient's name.
    [share] = [e for e in entries if e["action"] == "share"]
    assert share["who_name"] == "Test Worker Able" and share["case_reference"] == "YP-TEST-01"
    assert "recipient=other" in share["detail"]
    assert "basis=safeguarding_child_at_risk" in share["detail"]
    assert "Fictional" not in json.dumps(entries)
    # Reading the audit was audited: by whom, the scope, and the filters by id.
    [read] = _audit_views(world.hub)
    assert read.actor == world.admin.user_id and read.subject == "hub"
    assert read.detail == f"cursor=0 rows={len(entries)}"


def test_a_supervisor_sees_their_team_only_and_a_worker_is_refused(world: World) -> None:
    page = _get(world.sup_x)
    assert page["scope"] == "team:team-x"
    entries = page["entries"]
    assert world.y_case.id not in {e["subject"] for e in entries}
    assert "Test Worker Baker" not in {e["who_name"] for e in entries}
    assert world.baker.device_id not in {e["device"] for e in entries}
    changes = {e["subject"] for e in entries if e["action"] == "record_change"}
    assert changes == {world.x_case.id}
    assert {"case_view", "share", "enrol"} <= {e["action"] for e in entries}
    # Asking for the other team's case by id or by reference finds nothing.
    assert _get(world.sup_x, case=world.y_case.id)["entries"] == []
    assert _get(world.sup_x, case="YP-TEST-02")["entries"] == []
    assert _get(world.sup_x, person=world.baker.user_id)["entries"] == []

    before = len(_audit_views(world.hub))
    refused = world.able.http.get("/v1/audit", headers=world.able.auth)
    assert refused.status_code == 403
    assert refused.json()["error"] == "out_of_scope"
    assert len(_audit_views(world.hub)) == before  # nothing read, nothing recorded


def test_filters_narrow_the_listing(world: World) -> None:
    admin, able = world.admin, world.able
    by_id = _get(admin, person=able.user_id)["entries"]
    by_name = _get(admin, person="test worker able")["entries"]
    assert by_id == by_name and {e["who_id"] for e in by_id} == {able.user_id}
    by_case = _get(admin, case=world.x_case.id)["entries"]
    assert by_case == _get(admin, case="YP-TEST-01")["entries"]
    assert {e["case_id"] for e in by_case} == {world.x_case.id}
    assert {e["action"] for e in by_case} == {"record_change", "case_view", "share"}
    assert {e["action"] for e in _get(admin, action=["case_view", "share"])["entries"]} == {
        "case_view", "share"}
    assert {e["device"] for e in _get(admin, device=world.baker.device_id)["entries"]} == {
        world.baker.device_id}
    # Pushes are on the hub's clock (2026-03-02); the administrator's commands on today's.
    assert _get(admin, action="record_change", since="2026-03-03")["entries"] == []
    early = _get(admin, since="2026-03-02", until="2026-03-02")["entries"]
    assert early and {e["when"][:10] for e in early} == {"2026-03-02"}
    # The read is recorded with the person and case by id, never the name typed.
    details = [e.detail for e in _audit_views(world.hub)]
    assert f"person={able.user_id} cursor=0" in " | ".join(details)
    assert f"case={world.x_case.id} cursor=0" in " | ".join(details)
    assert not any("able" in d.lower() or "YP-TEST" in d for d in details)


@pytest.mark.parametrize("params, words", [
    ({"since": "2026-02-30"}, "no such day"),
    ({"until": "02/03/2026"}, "YYYY-MM-DD"),
    ({"since": "2026-03-05", "until": "2026-03-01"}, "since is after until"),
    ({"action": "Case View"}, "action"),
    ({"cursor": "soon"}, "cursor"),
    ({"limit": "501"}, "limit"),
])
def test_a_bad_filter_is_422_with_a_reason_and_reads_nothing(
        world: World, params: dict[str, str], words: str) -> None:
    response = world.admin.http.get("/v1/audit", params=params, headers=world.admin.auth)
    assert response.status_code == 422
    assert words in response.json()["message"]
    assert _audit_views(world.hub) == []


def test_pages_follow_the_cursor_to_the_whole_listing(world: World) -> None:
    # Not audit_view: each read adds one of those at the end of the listing.
    actions = ["record_change", "case_view", "share", "enrol", "push"]
    whole = _get(world.admin, action=actions, limit=500)["entries"]
    assert len(whole) > 5
    pages, cursor = [], None
    while True:
        page = _get(world.admin, action=actions, limit=2,
                    **({"cursor": cursor} if cursor else {}))
        pages.append(page["entries"])
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert all(len(p) == 2 for p in pages[:-1]) and 1 <= len(pages[-1]) <= 2
    assert [e for p in pages for e in p] == whole


def _post_views(laptop: Laptop, cases: int, spread: timedelta, prefix: str) -> None:
    start = datetime(2026, 3, 2, 14, 0, tzinfo=UTC)
    step = spread / max(cases - 1, 1)
    views = [{"seq": 10 + n, "case_id": f"{prefix}-{n}", "at": (start + step * n).isoformat()}
             for n in range(cases)]
    response = laptop.http.post("/v1/audit/case-views", json={"views": views},
                                headers=laptop.auth)
    assert response.status_code == 200, response.text


def test_25_views_in_30_minutes_are_flagged_and_the_account_named(world: World) -> None:
    _post_views(world.sup_x, 25, timedelta(minutes=30), "case-test")
    page = _get(world.admin, action="case_view")
    flagged = [e for e in page["entries"] if e["flagged"]]
    assert len(flagged) == 5 and {e["who_name"] for e in flagged} == {"Test Supervisor Xena"}
    [account] = page["flagged_accounts"]
    assert (account["who_name"], account["cases"]) == ("Test Supervisor Xena", 25)
    assert (page["flag_cases"], page["flag_window_minutes"]) == (20, 60)
    only = _get(world.admin, flagged_only="true")["entries"]
    assert only == flagged
    # Her supervisor's own listing flags her too (her views are by a person of the team).
    assert len([e for e in _get(world.sup_x)["entries"] if e["flagged"]]) == 5


def test_device_report_for_an_admin_is_the_command_s_json(world: World) -> None:
    hub, admin = world.hub, world.admin
    url = f"/v1/devices/{world.able.device_id}/report"
    response = admin.http.get(url, headers=admin.auth)
    assert response.status_code == 200, response.text
    report = response.json()
    assert [(c["case_id"], c["reference"], c["name"]) for c in report["cases"]] == [
        (world.x_case.id, "YP-TEST-01", world.x_person.name)]
    cli = run_cli("device", "report", world.able.device_id, "--json",
                  "--database", hub.database_url)
    assert cli.returncode == 0, cli.stderr
    assert json.loads(cli.stdout) == report
    with Session(hub.engine) as session:
        actors = session.scalars(select(AuditEntry.actor).where(
            AuditEntry.action == "device_report").order_by(AuditEntry.id)).all()
    assert actors == [admin.user_id, "cli"]

    listed = admin.http.get("/v1/devices", headers=admin.auth).json()["devices"]
    assert {(d["user_name"], d["name"]) for d in listed} >= {
        ("Test Worker Able", "Able's test laptop")}
    assert admin.http.get("/v1/devices/nope/report", headers=admin.auth).status_code == 404
    for other in (world.sup_x, world.able):
        assert other.http.get(url, headers=other.auth).status_code == 403
        assert other.http.get("/v1/devices", headers=other.auth).status_code == 403


def test_csv_export_names_people_and_neutralises_formulas(world: World) -> None:
    formula = '=HYPERLINK("http://example.invalid","Demo")'
    response = world.sup_x.http.post(
        "/v1/audit/case-views", headers=world.sup_x.auth,
        json={"views": [{"seq": 5, "case_id": formula, "at": "2026-03-02T10:00:00+00:00"}]})
    assert response.status_code == 200
    exported = world.admin.http.get("/v1/audit/export", params={"action": "case_view"},
                                    headers=world.admin.auth)
    assert exported.status_code == 200, exported.text
    assert exported.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(exported.text)))
    assert rows[0][:4] == ["when", "who", "who_id", "action"]
    assert {r[1] for r in rows[1:]} == {"Test Supervisor Xena"}
    assert ["'" + formula] == [r[5] for r in rows[1:] if "HYPERLINK" in r[5]]
    assert not any(cell[:1] in ("=", "+", "-", "@") for row in rows for cell in row)
    with Session(world.hub.engine) as session:
        [entry] = session.scalars(select(AuditEntry).where(
            AuditEntry.action == "audit_export")).all()
    assert entry.actor == world.admin.user_id and entry.detail.endswith("rows=2")
    refused = world.able.http.get("/v1/audit/export", headers=world.able.auth)
    assert refused.status_code == 403
