"""A lost or stolen laptop: ``spoke-hub device report DEVICE`` on SQLite and PostgreSQL hubs.

The report tells the officer which young people's records the laptop held at its last sync
(reference and name), how its casebook is encrypted, when it last contacted the hub, and
whether revocation and wipe have taken effect (docs/data-protection.md, "A laptop is lost or
stolen").
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from spokeapp.domain.records import Case, YoungPerson
from spokeapp.hub.cli import main
from spokeapp.hub.models import AuditEntry
from spokeapp.hub.security import iso
from tests.helpers.hub import Laptop, RunningHub
from tests.helpers.records import case, person_name, session, young_person


@dataclass
class Lost:
    """Worker A's laptop (the one lost) holding two cases, worker A's second laptop, and
    worker C of another team with a case of her own."""

    hub: RunningHub
    laptop: Laptop
    spare: Laptop
    worker: str
    other_worker: str
    people: list[YoungPerson]
    cases: list[Case]
    other_case: Case
    synced_at: str


@pytest.fixture
def lost(hub: RunningHub) -> Lost:
    worker = hub.admin.add_user("Test Worker A", "worker", "north")
    colleague = hub.admin.add_user("Test Worker B", "worker", "north")
    other = hub.admin.add_user("Test Worker C", "worker", "south")
    laptop = hub.laptop(worker, "Demo lost laptop")
    spare = hub.laptop(worker, "Demo spare laptop")
    elsewhere = hub.laptop(other)
    people = [young_person(1), young_person(2)]
    cases = [case(yp, key_worker=worker) for yp in people]
    laptop.push_records(people[0], cases[0], session(cases[0].id))
    spare.push_records(people[1], cases[1])  # reaches the lost laptop by its pull
    yp_other = young_person(3)
    other_case = case(yp_other, key_worker=other)
    elsewhere.push_records(yp_other, other_case)
    hub.clock.advance(minutes=5)
    laptop.refresh()
    synced_at = iso(hub.clock())
    laptop.pull_all()
    # Written after its access token ran out: this never reached the lost laptop.
    hub.clock.advance(hours=2)
    spare.refresh()
    late = young_person(4)
    spare.push_records(late, case(late, key_worker=worker))
    elsewhere.close()
    return Lost(hub, laptop, spare, worker, colleague, people, cases, other_case, synced_at)


def _report(lost: Lost, capsys: pytest.CaptureFixture[str], *extra: str) -> str:
    code = main(["device", "report", lost.laptop.device_id, "--database",
                 lost.hub.database_url, *extra])
    out = capsys.readouterr()
    assert code == 0, out.err
    return out.out


def test_the_report_names_the_cases_the_laptop_held_at_its_last_sync(
    lost: Lost, capsys: pytest.CaptureFixture[str]
) -> None:
    text = _report(lost, capsys)
    for n, held in ((1, lost.cases[0]), (2, lost.cases[1])):
        assert held.id in text
        assert f"YP-TEST-{n:02d}" in text
        assert person_name(n) in text  # names are for the officer, on the terminal
    assert lost.other_case.id not in text  # another team's case never reached it
    assert "YP-TEST-03" not in text
    assert "YP-TEST-04" not in text  # written on the hub after its last contact
    assert "2 case(s)" in text
    assert f"Last contact with the hub: {lost.synced_at}" in text
    assert "SQLCipher 4" in text and "Argon2id" in text and "256-bit" in text
    assert "Wipe: not requested" in text


def test_the_json_report_has_a_stable_shape(
    lost: Lost, capsys: pytest.CaptureFixture[str]
) -> None:
    report = json.loads(_report(lost, capsys, "--json"))
    assert set(report) == {
        "device_id", "device_name", "user_id", "user_role", "team", "enrolled_at",
        "last_contact_at", "last_sync_at", "held_until", "cases", "uncased_records",
        "encryption", "wipe",
    }
    assert report["device_id"] == lost.laptop.device_id
    assert report["user_id"] == lost.worker
    assert report["last_contact_at"] == report["last_sync_at"] == lost.synced_at
    assert report["held_until"] == iso(lost.hub.clock() - timedelta(hours=2, minutes=-15))
    held = {c["case_id"]: c for c in report["cases"]}
    assert set(held) == {lost.cases[0].id, lost.cases[1].id}
    first = held[lost.cases[0].id]
    assert first == {"case_id": lost.cases[0].id, "reference": "YP-TEST-01",
                     "name": person_name(1), "records": 3, "state": "held",
                     "purge_sent_at": None}
    assert held[lost.cases[1].id]["records"] == 2
    assert report["wipe"] == {
        "status": "active", "revoked": False, "wipe_requested": False,
        "wipe_requested_at": None, "wipe_delivered_at": None,
        "may_have_learned_unrecorded": False,
    }


def test_a_supervisors_laptop_held_the_cases_of_their_team_only(
    lost: Lost, capsys: pytest.CaptureFixture[str]
) -> None:
    hub = lost.hub
    supervisor = hub.laptop(hub.admin.add_user("Test Supervisor N", "supervisor", "north"))
    supervisor.pull_all()
    code = main(["device", "report", supervisor.device_id, "--json", "--database",
                 hub.database_url])
    out = capsys.readouterr()
    assert code == 0, out.err
    references = sorted(c["reference"] for c in json.loads(out.out)["cases"])
    assert references == ["YP-TEST-01", "YP-TEST-02", "YP-TEST-04"]  # not team south's
    supervisor.close()


def test_a_case_moved_away_after_its_last_contact_is_still_on_the_laptop(
    lost: Lost, capsys: pytest.CaptureFixture[str]
) -> None:
    lost.hub.admin.assign_case(lost.cases[1].id, lost.other_worker)
    report = json.loads(_report(lost, capsys, "--json"))
    states = {c["case_id"]: c["state"] for c in report["cases"]}
    assert states == {lost.cases[0].id: "held", lost.cases[1].id: "purge_pending"}
    moved = next(c for c in report["cases"] if c["case_id"] == lost.cases[1].id)
    assert moved["reference"] == "YP-TEST-02"
    assert moved["purge_sent_at"] == iso(lost.hub.clock())


def test_a_case_moved_away_before_its_last_sync_was_sent_its_purge(
    lost: Lost, capsys: pytest.CaptureFixture[str]
) -> None:
    lost.hub.admin.assign_case(lost.cases[1].id, lost.other_worker)
    moved_at = iso(lost.hub.clock())
    lost.hub.clock.advance(minutes=1)
    lost.laptop.refresh()
    lost.laptop.pull_all()
    report = json.loads(_report(lost, capsys, "--json"))
    moved = next(c for c in report["cases"] if c["case_id"] == lost.cases[1].id)
    assert (moved["state"], moved["purge_sent_at"]) == ("purge_sent", moved_at)
    assert "purge sent before its last sync" in _report(lost, capsys)


def test_a_wipe_requested_while_its_access_token_was_valid_is_not_confirmed(
    hub: RunningHub, capsys: pytest.CaptureFixture[str]
) -> None:
    hub.clock.now = datetime.now(UTC)  # the audit of the request is on the real clock
    laptop = hub.laptop(hub.admin.add_user("Test Worker A", "worker", "north"))
    hub.admin.revoke(laptop.device_id, wipe=True)
    code = main(["device", "report", laptop.device_id, "--json", "--database",
                 hub.database_url])
    wipe = json.loads(capsys.readouterr().out)["wipe"]
    assert code == 0
    assert wipe["wipe_delivered_at"] is None
    assert wipe["may_have_learned_unrecorded"] is True
    laptop.close()


def test_revoked_with_wipe_is_not_delivered_until_the_laptop_next_contacts_the_hub(
    lost: Lost, capsys: pytest.CaptureFixture[str]
) -> None:
    lost.hub.admin.revoke(lost.laptop.device_id, wipe=True)
    before = json.loads(_report(lost, capsys, "--json"))
    assert before["wipe"]["status"] == "revoked"
    assert before["wipe"]["revoked"] is True
    assert before["wipe"]["wipe_requested"] is True
    assert before["wipe"]["wipe_requested_at"] is not None
    assert before["wipe"]["wipe_delivered_at"] is None
    assert before["last_contact_at"] == lost.synced_at
    assert "Wipe: not yet delivered" in _report(lost, capsys)

    lost.hub.clock.advance(hours=1)
    told = lost.laptop.token_response()  # the laptop comes back online
    assert told.status_code == 401
    assert told.json()["error"] == "device_revoked"
    assert told.json()["wipe"] is True
    after = json.loads(_report(lost, capsys, "--json"))
    assert after["wipe"]["wipe_delivered_at"] is not None
    assert after["last_contact_at"] == iso(lost.hub.clock())
    assert after["last_sync_at"] == lost.synced_at  # told to wipe: it received nothing
    assert after["cases"] == before["cases"]  # what it held is unchanged
    assert "Wipe: delivered" in _report(lost, capsys)


def test_the_report_is_audited_without_names(
    lost: Lost, capsys: pytest.CaptureFixture[str]
) -> None:
    _report(lost, capsys)
    with Session(lost.hub.engine) as db:
        entries = db.scalars(select(AuditEntry).where(
            AuditEntry.action == "device_report")).all()
    assert [(e.actor, e.subject) for e in entries] == [("cli", lost.laptop.device_id)]
    assert "cases=2" in entries[0].detail
    for n in (1, 2):
        assert person_name(n) not in entries[0].detail
        assert f"YP-TEST-{n:02d}" not in entries[0].detail


def test_an_unknown_device_is_a_clear_error(
    hub: RunningHub, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["device", "report", "no-such-device", "--database", hub.database_url])
    out = capsys.readouterr()
    assert code == 2
    assert "No device with id no-such-device" in out.err
    assert out.out == ""
    with Session(hub.engine) as db:
        assert db.scalars(select(AuditEntry).where(
            AuditEntry.action == "device_report")).all() == []
