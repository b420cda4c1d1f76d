"""``GET /v1/reports`` through a real hub on loopback: figures per scope, and who may ask."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from spokeapp.domain.records import (
    CaseStatus,
    CheckIn,
    CheckInKind,
    Closure,
    ClosureReason,
    GroupSession,
    GroupSetting,
    Outcome,
    ReferralDecision,
    SignOff,
    SignOffOutcome,
    VisitPlan,
)
from spokeapp.hub.models import AuditEntry
from spokeapp.sync.client import HubClient, HubEndpoint, OutOfScope
from spokeapp.sync.reports import report_from_response
from tests.helpers.hub import Laptop, RunningHub
from tests.helpers.records import case, referral, session, young_person

PERIOD = {"from": "2026-04-01", "to": "2026-06-30"}


@dataclass
class Service:
    hub: RunningHub
    a: Laptop
    b: Laptop
    c: Laptop
    sup_x: Laptop
    sup_y: Laptop
    admin: Laptop
    ids: dict[str, str]


@pytest.fixture
def service(hub: RunningHub) -> Iterator[Service]:
    """Team X: workers A and B and supervisor X; team Y: worker C and supervisor Y."""
    hub.clock.now = datetime(2026, 4, 2, 9, tzinfo=UTC)  # the records arrive in the period
    add = hub.admin.add_user
    ids = {
        "a": add("Test Worker A", "worker", "team-x"),
        "b": add("Test Worker B", "worker", "team-x"),
        "c": add("Test Worker C", "worker", "team-y"),
    }
    a, b, c = (hub.laptop(ids[k]) for k in "abc")
    sup_x = hub.laptop(add("Test Supervisor X", "supervisor", "team-x"))
    sup_y = hub.laptop(add("Test Supervisor Y", "supervisor", "team-y"))
    admin = hub.laptop(hub.init.admin_id)

    # A: an accepted referral and its case opened in the period, a session, a group talk;
    # a declined referral; a visit with one check-in on time and one late.
    yp1, yp2 = young_person(1), young_person(2)
    r1 = referral(yp1, received_on=date(2026, 4, 10), decided_on=date(2026, 4, 12))
    c1 = case(yp1, r1, key_worker=ids["a"], opened_on=date(2026, 4, 12))
    r2 = referral(yp2, received_on=date(2026, 4, 15), decision=ReferralDecision.DECLINED,
                  decided_on=date(2026, 4, 16), decline_reason="Test: out of area")
    talk = GroupSession(id="grp-a", held_on=date(2026, 5, 1), setting=GroupSetting.SCHOOL,
                        topic="Test awareness talk", young_people_reached=12)
    a.push_records(yp1, r1, c1, session(c1.id, occurred_at=datetime(2026, 4, 20, 16,
                                                                        tzinfo=UTC)),
                   yp2, r2, talk)
    start = datetime(2026, 5, 6, 9, tzinfo=UTC)
    plan = VisitPlan(id="vis-a", worker=ids["a"], location="Test Street", starts_at=start,
                     expected_end=start + timedelta(hours=4), mobile_number="07700 900123",
                     buddy_name="Test Buddy", buddy_phone="07700 900456")
    a.push_records(plan)
    a.push_records(
        CheckIn(id="chk-a1", visit_id="vis-a", kind=CheckInKind.SAFE,
                at=start + timedelta(minutes=55)),
        CheckIn(id="chk-a2", visit_id="vis-a", kind=CheckInKind.SAFE,
                at=start + timedelta(minutes=130)),
    )
    # B: a case referred and opened before the period, closed in it at lower risk.
    yp3 = young_person(3)
    r3 = referral(yp3)
    c3 = case(yp3, r3, key_worker=ids["b"], opened_on=date(2026, 1, 10),
              status=CaseStatus.CLOSED, closed_on=date(2026, 5, 20))
    closure = Closure(id="clo-b", case_id=c3.id, closed_on=date(2026, 5, 20),
                      reason=ClosureReason.OUTCOMES_MET, outcome=Outcome.LOWER,
                      closing_assessment_id="ra-test-closing")
    b.push_records(yp3, r3, c3, closure)
    ids["case_b"] = c3.id
    # C, in team Y: a referral, a case and a bigger talk.
    yp4 = young_person(4)
    r4 = referral(yp4, received_on=date(2026, 6, 1), decided_on=date(2026, 6, 2))
    c4 = case(yp4, r4, key_worker=ids["c"], opened_on=date(2026, 6, 2))
    ids["case_c"] = c4.id
    c.push_records(yp4, r4, c4, GroupSession(
        id="grp-c", held_on=date(2026, 6, 3), setting=GroupSetting.YOUTH_CLUB,
        topic="Test group work", young_people_reached=30))
    yield Service(hub, a, b, c, sup_x, sup_y, admin, ids)
    for laptop in (a, b, c, sup_x, sup_y, admin):
        laptop.close()


def _get(laptop: Laptop, **params: Any) -> httpx.Response:
    return laptop.http.get("/v1/reports", params={**PERIOD, **params}, headers=laptop.auth)


def _figures(laptop: Laptop, **params: Any) -> dict[str, Any]:
    response = _get(laptop, **params)
    assert response.status_code == 200, response.text
    return {f["key"]: f for f in response.json()["figures"]}


def _counts(laptop: Laptop, **params: Any) -> dict[str, int | None]:
    return {k: f["count"] for k, f in _figures(laptop, **params).items()}


def test_a_supervisor_gets_their_teams_figures(service: Service) -> None:
    counts = _counts(service.sup_x)  # the default scope: the supervisor's own team
    assert counts == _counts(service.sup_x, scope="team:team-x")
    assert {k: counts[k] for k in (
        "referrals.received", "referrals.accepted", "referrals.declined", "referrals.waiting",
        "one_to_one.active", "one_to_one.new", "one_to_one.contacts",
        "groups.sessions", "groups.young_people", "closures.closed", "closures.awaiting",
        "caseload.total", "lone.visits", "lone.check_ins", "lone.on_time", "lone.late",
    )} == {
        "referrals.received": 2, "referrals.accepted": 1, "referrals.declined": 1,
        "referrals.waiting": 0, "one_to_one.active": 2, "one_to_one.new": 1,
        "one_to_one.contacts": 1, "groups.sessions": 1, "groups.young_people": 12,
        "closures.closed": 0, "closures.awaiting": 1,  # B's closure is not signed off yet
        "caseload.total": 1, "lone.visits": 1, "lone.check_ins": 2, "lone.on_time": 1,
        "lone.late": 1,
    }
    figures = _figures(service.sup_x)
    # Workers by name, alphabetically; no user id anywhere in the report.
    caseload = {f["label"]: f["count"] for k, f in figures.items()
                if k.startswith("caseload.worker.")}
    assert caseload == {"Test Worker A": 1, "Test Worker B": 0}
    assert not any(uid in repr(figures) for uid in service.ids.values())
    assert _get(service.sup_x).json()["scope_name"] == "Team team-x"
    # One worker of the team, as the supervisor sees it.
    own = _counts(service.sup_x, scope=f"worker:{service.ids['a']}")
    assert (own["referrals.received"], own["caseload.total"]) == (2, 1)
    response = _get(service.sup_x, scope=f"worker:{service.ids['a']}", format="csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert {r["scope"] for r in rows} == {"Test Worker A"}
    assert service.ids["a"] not in response.text


def test_a_supervisor_cannot_report_on_another_team(service: Service) -> None:
    for scope in ("team:team-y", f"worker:{service.ids['c']}", "hub", "worker:no-such-user"):
        response = _get(service.sup_x, scope=scope)
        assert response.status_code == 403, scope
        assert response.json()["error"] == "out_of_scope"
        assert "Test Worker C" not in response.text
    # ...while team Y's supervisor sees exactly team Y.
    counts = _counts(service.sup_y, scope="team:team-y")
    assert (counts["referrals.received"], counts["groups.young_people"]) == (1, 30)


def test_a_worker_reports_on_their_own_work_only(service: Service) -> None:
    counts = _counts(service.a)
    assert counts == _counts(service.a, scope=f"worker:{service.ids['a']}")
    assert (counts["referrals.received"], counts["referrals.declined"],
            counts["groups.young_people"], counts["lone.on_time"]) == (2, 1, 12, 1)
    for scope in (f"worker:{service.ids['b']}", "team:team-x", "hub"):
        assert _get(service.a, scope=scope).status_code == 403, scope


def test_an_admin_aggregates_the_hub(service: Service) -> None:
    counts = _counts(service.admin)
    assert (counts["referrals.received"], counts["groups.sessions"],
            counts["groups.young_people"], counts["caseload.total"]) == (3, 2, 42, 2)
    assert _counts(service.admin, scope="team:team-y")["referrals.received"] == 1
    with Session(service.hub.engine) as db:
        actions = {(row.action, row.subject)
                   for row in db.execute(select(AuditEntry.action, AuditEntry.subject))}
    assert ("report", "hub") in actions


def test_funder_form_and_csv(service: Service) -> None:
    figures = _figures(service.sup_x, funder="true")
    assert figures["referrals.received"]["value"] == "<5"
    assert figures["referrals.received"]["count"] is None
    assert figures["groups.young_people"]["value"] == "12"
    response = _get(service.sup_x, funder="true", format="csv")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    rows = {r["key"]: r for r in csv.DictReader(io.StringIO(response.text))}
    assert rows["referrals.received"]["count"] == "<5"
    assert rows["groups.young_people"]["count"] == "12"
    assert rows["referrals.received"]["scope"] == "Team team-x"


def test_bad_requests_are_refused_without_figures(service: Service) -> None:
    assert _get(service.sup_x, scope="region:north").status_code == 422
    assert service.sup_x.http.get(
        "/v1/reports", params={"from": "2026-06-30", "to": "2026-04-01"},
        headers=service.sup_x.auth,
    ).status_code == 422
    assert service.sup_x.http.get("/v1/reports", params=PERIOD).status_code == 401


def test_a_workers_own_report_never_shows_duress(service: Service) -> None:
    before = _figures(service.a)
    service.a.push_records(
        CheckIn(id="chk-a3", visit_id="vis-a", kind=CheckInKind.DURESS,
                at=datetime(2026, 5, 6, 11, 30, tzinfo=UTC)),
    )
    after = _figures(service.a)
    # Exactly what a safe check-in gives: one more check-in, on time, and nothing else.
    assert after["lone.check_ins"]["count"] == before["lone.check_ins"]["count"] + 1
    assert after["lone.alarms"] == before["lone.alarms"]
    assert after["lone.alarms"]["count"] == 0
    supervisor = _counts(service.sup_x, scope=f"worker:{service.ids['a']}")
    assert supervisor["lone.alarms"] == 1


def _client(service: Service, laptop: Laptop) -> HubClient:
    return HubClient(HubEndpoint(service.hub.base_url), device_id=laptop.device_id,
                     refresh_token=laptop.refresh_token)


def test_a_laptop_rebuilds_the_hubs_report_exactly(service: Service) -> None:
    # The app's team report is counted on the hub; the laptop rebuilds it and applies the
    # funder form itself, and must then show exactly what the hub's own funder form shows.
    with _client(service, service.sup_x) as client:
        report = report_from_response(client.report(date(2026, 4, 1), date(2026, 6, 30)))
    assert str(report.scope) == "team:team-x"
    assert {f.key: f.count for f in report.figures} == _counts(service.sup_x)
    hub_funder = _figures(service.sup_x, funder="true")
    assert {f.key: (f.value, f.share) for f in report.shown(funder=True)} == {
        k: (f["value"], f["share"]) for k, f in hub_funder.items()
    }
    assert report.groups, "the sums among the figures travel, so suppression can be applied"


def test_a_laptop_asking_for_another_teams_report_is_refused(service: Service) -> None:
    with _client(service, service.sup_x) as client, pytest.raises(OutOfScope):
        client.report(date(2026, 4, 1), date(2026, 6, 30), "team:team-y")


def test_a_closure_counts_as_closed_once_a_supervisor_signs_it_off(service: Service) -> None:
    before = _counts(service.sup_x)
    assert (before["closures.closed"], before["closures.awaiting"]) == (0, 1)
    service.sup_x.push_records(SignOff(
        id="so-b", case_id=service.ids["case_b"],
        request_id="clo-b", request_kind="closure", outcome=SignOffOutcome.APPROVED,
        decided_by=service.sup_x.user_id, decided_at=datetime(2026, 4, 2, 9, tzinfo=UTC)))
    after = _counts(service.sup_x)
    # Approved: closed 1, at lower risk 1, nothing awaiting.
    assert (after["closures.closed"], after["closures.lower"], after["closures.awaiting"]) == (
        1, 1, 0)
    assert _figures(service.sup_x)["closures.lower"]["share"] == "100%"


def test_a_sign_off_in_another_teams_case_does_not_count_for_a_closure(
    service: Service,
) -> None:
    """Supervisor Y, who once held team X's case (say) and so knows its closure's id, signs
    it off from a case of her own team: the hub lets that through as it would an id it does
    not hold (docs/sync.md: it links nothing), so a report must not pair it with team X's
    closure either. A decision counts only for a closure of its own case."""
    forged = SignOff(
        id="so-y", case_id=service.ids["case_c"], request_id="clo-b", request_kind="closure",
        outcome=SignOffOutcome.APPROVED, decided_by=service.sup_y.user_id,
        decided_at=datetime(2026, 4, 2, 9, tzinfo=UTC))
    assert service.sup_y.push_records(forged).json()["results"][0]["status"] == "accepted"
    for laptop, scope in ((service.admin, "hub"), (service.sup_x, "team:team-x")):
        counts = _counts(laptop, scope=scope)
        assert (counts["closures.closed"], counts["closures.awaiting"]) == (0, 1), scope


def test_the_json_names_the_organisation_for_the_pdf(service: Service) -> None:
    body = _get(service.admin).json()
    assert body["organisation"]
    assert body["scope_name"] == "The whole service"
    benchmarks = [f for f in body["figures"] if f["benchmark"]]
    assert [f["count"] for f in benchmarks] == [20, 5]  # 20 a year; 91 days: 4.98 -> 5
