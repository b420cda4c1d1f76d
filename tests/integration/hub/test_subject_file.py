"""One young person's file from the hub (``GET /v1/cases/{id}/file`` and ``spoke-hub requests
bundle``): a worker's laptop records the case, a supervisor of the team (and an administrator)
gets everything the hub holds about it; a worker, another team's supervisor and an unknown case
are refused; the information share syncs and a malformed one is refused with 422.

The ``hub`` fixture (conftest.py) runs every test on the embedded SQLite file and on PostgreSQL.
"""

from __future__ import annotations

import json
import re
import stat
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from spokeapp.domain.ids import new_id
from spokeapp.domain.records import (
    Attachment,
    Consent,
    ConsentGivenBy,
    ConsentMethod,
    ReferralDecision,
    ShareWith,
)
from spokeapp.domain.records.casework import (
    CaseStatus,
    GroupSession,
    GroupSetting,
    InformationShare,
    ShareBasis,
)
from spokeapp.hub.cli import main
from spokeapp.hub.db import make_engine
from spokeapp.hub.disposal import restrict
from spokeapp.hub.ledger import lock_writes
from spokeapp.hub.models import AuditEntry
from spokeapp.store.casebook import Casebook
from spokeapp.store.sync_state import SyncStore
from spokeapp.sync.client import HubClient, HubEndpoint, OutOfScope
from spokeapp.sync.engine import SyncEngine, enrolled_account
from tests.helpers.hub import RunningHub
from tests.helpers.lone_working import visit_plan
from tests.helpers.records import amendment, case, new_casebook, referral, session, young_person

OTHER_CHILD = "Quentin Fictionalson"


@pytest.fixture
def books() -> Iterator[list[Casebook]]:
    opened: list[Casebook] = []
    yield opened
    for book in opened:
        book.close()


def _laptop(hub: RunningHub, books: list[Casebook], user: str, folder: Path) -> SyncEngine:
    book, _ = new_casebook(folder, author=user)
    books.append(book)
    engine = SyncEngine(book)
    engine.enrol(hub.base_url, hub.admin.enrolment_code(user), "Test laptop")
    return engine


def _client(book: Casebook) -> HubClient:
    account = enrolled_account(SyncStore(book))
    return HubClient(HubEndpoint(account.hub_url, account.cert_fingerprint),
                     device_id=account.device_id, refresh_token=account.refresh_token)


def _share(case_id: str, worker: str, **changes: object) -> InformationShare:
    fields: dict[str, object] = {
        "id": f"{case_id}-share", "case_id": case_id, "shared_on": date(2026, 3, 2),
        "shared_by": worker, "recipient": "police",
        "recipient_detail": "DC Fictional, Northshire Police", "what": "verbal update",
        "basis": ShareBasis.SAFEGUARDING_CHILD_AT_RISK,
        "reason": "Immediate risk of harm from an adult named in the concern.",
    }
    fields.update(changes)
    return InformationShare(**fields)  # type: ignore[arg-type]


def _worker_case(hub: RunningHub, books: list[Casebook], tmp_path: Path, worker: str
                 ) -> tuple[str, SyncEngine]:
    engine = _laptop(hub, books, worker, tmp_path / "worker")
    book = books[-1]
    other = young_person(9, name=OTHER_CHILD, reference="YP-OTHER")
    other_case = case(other, key_worker=worker)
    yp = young_person(1, reference="YP-FILE")
    ref = referral(yp)
    cs = case(yp, ref, key_worker=worker)
    note = session(cs.id, discussed=f"Talked about the bus; {OTHER_CHILD} was there too.")
    for record in (other, other_case, yp, ref, cs):
        book.save(record)
    book.save(note, finalise=True)
    book.save(amendment(note), finalise=True)
    book.save(Consent(id="consent-file-1", case_id=cs.id, given_on=date(2026, 2, 2),
                      given_by=ConsentGivenBy.YOUNG_PERSON, given_by_name="Test Person Alpha",
                      method=ConsentMethod.VERBAL, explained="Fictional: what is shared.",
                      share_with=(ShareWith.HEALTH,), review_on=date(2026, 8, 2)),
              finalise=True)
    book.save(_share(cs.id, worker), finalise=True)
    assert engine.sync_once().ok
    return cs.id, engine


def test_a_supervisor_gets_everything_the_hub_holds_about_a_case_of_their_team(
    hub: RunningHub, books: list[Casebook], tmp_path: Path
) -> None:
    worker = hub.admin.add_user("Test Worker North", "worker", "north")
    supervisor = hub.admin.add_user("Test Supervisor North", "supervisor", "north")
    case_id, _engine = _worker_case(hub, books, tmp_path, worker)
    sup = _laptop(hub, books, supervisor, tmp_path / "sup")
    assert sup.sync_once().ok
    sup_book = books[-1]
    # The information share synced like any other record.
    pulled = sup_book.get(f"{case_id}-share").record
    assert isinstance(pulled, InformationShare)
    assert pulled.basis is ShareBasis.SAFEGUARDING_CHILD_AT_RISK

    with _client(sup_book) as client:
        bundle = client.case_file(case_id)

    assert bundle["schema"] == "spoke.subject_file/1" and bundle["source"] == "hub"
    assert bundle["young_person"]["content"]["reference"] == "YP-FILE"
    assert bundle["referral"]["content"]["reason"] == "Fictional test referral."
    assert bundle["case"]["id"] == case_id
    kinds = sorted(e["kind"] for e in bundle["casework"] + bundle["consent_and_sharing"])
    assert kinds == ["amendment", "consent", "information_share", "session"]
    note = next(e for e in bundle["casework"] if e["kind"] == "session")
    assert note["amended_by"], "the amendment is linked to the note it corrects"
    assert note["versions"][-1]["by"] == worker and note["versions"][-1]["seq"] is not None
    # Who changed it (each accepted change) is in the audit, with the device.
    changes = [a for a in bundle["audit"] if a["action"] == "record_change"]
    assert len(changes) >= 6 and {a["who"] for a in changes} == {worker}
    # Another young person named in the note is flagged, and left in place.
    flagged = [f for f in bundle["third_party_flags"] if f["kind"] == "other_young_person"]
    assert flagged and OTHER_CHILD in note["content"]["discussed"]
    assert not any("YP-OTHER" in json.dumps(e) for e in bundle["casework"] if e is not note)

    engine = make_engine(hub.database_url)
    try:
        with Session(engine) as session:
            rows = session.execute(select(AuditEntry.actor, AuditEntry.subject, AuditEntry.detail)
                                   .where(AuditEntry.action == "subject_file_export")).all()
    finally:
        engine.dispose()
    assert len(rows) == 1
    actor, subject, detail = rows[0]
    assert (actor, subject) == (supervisor, case_id)
    assert re.fullmatch(r"records=\d+;flags=\d+", detail), "ids and counts only"


def test_workers_other_teams_and_unknown_cases_are_refused_admins_may(
    hub: RunningHub, books: list[Casebook], tmp_path: Path
) -> None:
    worker = hub.admin.add_user("Test Worker North", "worker", "north")
    case_id, _engine = _worker_case(hub, books, tmp_path, worker)
    worker_book = books[0]
    south = hub.admin.add_user("Test Supervisor South", "supervisor", "south")
    south_laptop = hub.laptop(south)
    admin_laptop = hub.laptop(hub.admin.add_user("Test Admin", "admin"))

    with _client(worker_book) as client, pytest.raises(OutOfScope):
        client.case_file(case_id)  # a worker prints their own file from their casebook
    answer = south_laptop.http.get(f"/v1/cases/{case_id}/file", headers=south_laptop.auth)
    assert answer.status_code == 403 and answer.json()["error"] == "out_of_scope"
    assert "Fictional" not in answer.text
    # Another team's case and an id the hub never held: one answer, so nothing is told.
    unknown = south_laptop.http.get(f"/v1/cases/{new_id()}/file", headers=south_laptop.auth)
    assert (unknown.status_code, unknown.json()) == (answer.status_code, answer.json())
    answer = admin_laptop.http.get("/v1/cases/no-such-case/file", headers=admin_laptop.auth)
    assert answer.status_code == 404
    assert south_laptop.http.get(f"/v1/cases/{case_id}/file").status_code == 401

    answer = admin_laptop.http.get(f"/v1/cases/{case_id}/file", headers=admin_laptop.auth)
    assert answer.status_code == 200
    assert answer.json()["young_person"]["content"]["reference"] == "YP-FILE"


def test_a_restricted_case_is_only_filed_by_an_administrator(
    hub: RunningHub, books: list[Casebook], tmp_path: Path
) -> None:
    worker = hub.admin.add_user("Test Worker North", "worker", "north")
    case_id, _engine = _worker_case(hub, books, tmp_path, worker)
    north = hub.laptop(hub.admin.add_user("Test Supervisor North", "supervisor", "north"))
    admin_laptop = hub.laptop(hub.admin.add_user("Test Admin", "admin"))
    assert north.http.get(f"/v1/cases/{case_id}/file", headers=north.auth).status_code == 200
    with Session(hub.engine) as db, db.begin():
        lock_writes(db)
        restrict(db, case_id)

    answer = north.http.get(f"/v1/cases/{case_id}/file", headers=north.auth)
    assert answer.status_code == 409 and answer.json()["error"] == "case_restricted"
    assert "Fictional" not in answer.text
    answer = admin_laptop.http.get(f"/v1/cases/{case_id}/file", headers=admin_laptop.auth)
    assert answer.status_code == 200  # the officer still answers the young person's requests


def test_a_malformed_information_share_is_refused_and_changes_nothing(hub: RunningHub) -> None:
    worker = hub.admin.add_user("Test Worker North", "worker", "north")
    laptop = hub.laptop(worker)
    yp = young_person(1)
    cs = case(yp, key_worker=worker)
    laptop.push_records(yp, cs)
    before = hub.admin.state()

    no_reason = _share(cs.id, worker, reason="risk")
    response = laptop.push(laptop.change(no_reason))
    assert response.status_code == 422 and response.json()["error"] == "invalid_record"
    assert "reason" in response.json()["message"]
    response = laptop.push(laptop.change(kind="information_share", record_id="s-x",
                                         op="finalise", payload={"id": "s-x",
                                                                 "case_id": cs.id}))
    assert response.status_code == 422
    assert hub.admin.state() == before


def _access_request(hub: RunningHub, books: list[Casebook], tmp_path: Path,
                    capsys: pytest.CaptureFixture[str]) -> tuple[str, str]:
    """A north worker's case on the hub and a subject access request for it: (case, request)."""
    worker = hub.admin.add_user("Test Worker North", "worker", "north")
    case_id, _engine = _worker_case(hub, books, tmp_path, worker)
    assert main(["requests", "add", "--kind", "access", "--case", case_id, "--received",
                 "2026-03-01", "--database", hub.database_url]) == 0
    found = re.search(r"request (\d+)", capsys.readouterr().out)
    assert found is not None
    return case_id, found.group(1)


def test_the_requests_bundle_command_writes_the_file_for_the_officer(
    hub: RunningHub, books: list[Casebook], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    case_id, request_id = _access_request(hub, books, tmp_path, capsys)

    out = tmp_path / "officer"
    code = main(["requests", "bundle", request_id, "--out", str(out),
                 "--database", hub.database_url])
    printed = capsys.readouterr()
    assert code == 0, printed.err
    path = out / f"{case_id}-subject-file.json"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    bundle = json.loads(path.read_text(encoding="utf-8"))
    assert bundle["case"]["id"] == case_id
    flags = len(bundle["third_party_flags"])
    assert f"({flags} items flagged for review before release)" in printed.out
    assert "Test Person" not in printed.out  # no names on the terminal line

    assert main(["requests", "bundle", "999", "--out", str(out),
                 "--database", hub.database_url]) == 2
    assert "No request with id 999" in capsys.readouterr().err


def test_a_bundle_that_cannot_be_written_leaves_no_part_of_it_and_no_export_recorded(
    hub: RunningHub, books: list[Casebook], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The officer's folder cannot take the file (here its name is taken by a folder; a full
    disk is the same path): one line says so, no part of the young person's file is left in
    the folder, and the hub's audit does not claim an export that did not happen."""
    case_id, request_id = _access_request(hub, books, tmp_path, capsys)
    out = tmp_path / "officer"
    (out / f"{case_id}-subject-file.json").mkdir(parents=True)

    code = main(["requests", "bundle", request_id, "--out", str(out),
                 "--database", hub.database_url])

    printed = capsys.readouterr()
    assert code == 2
    assert "Could not write the file" in printed.err and "no export was recorded" in printed.err
    assert "Traceback" not in printed.err
    assert [p.name for p in out.iterdir()] == [f"{case_id}-subject-file.json"]  # the folder
    engine = make_engine(hub.database_url)
    try:
        with Session(engine) as db:
            assert db.scalars(select(AuditEntry).where(
                AuditEntry.action == "subject_file_export")).all() == []
    finally:
        engine.dispose()


def _mention_ids(bundle: dict[str, object]) -> set[str]:
    mentions = bundle["mentions"]
    assert isinstance(mentions, list)
    return {str(entry["id"]) for entry in mentions}


def test_the_file_takes_group_work_that_names_them_not_words_containing_their_name(
    hub: RunningHub,
) -> None:
    """Group work and professional activity go into the file only when their topic or notes
    name the young person as a word (not "tomorrow" for a "Tom"), and a supervisor gets only
    those their team wrote: another team's group notes are about other young people and
    outside the supervisor's need-to-know (an administrator, answering a subject access
    request, gets every one)."""
    north_worker = hub.admin.add_user("Test Worker North", "worker", "north")
    south_worker = hub.admin.add_user("Test Worker South", "worker", "south")
    north = hub.laptop(north_worker)
    south = hub.laptop(south_worker)
    yp = young_person(1, preferred_name="Tom", reference="YP-7")
    cs = case(yp, key_worker=north_worker)
    north.push_records(yp, cs)

    def talk(record_id: str, notes: str) -> GroupSession:
        return GroupSession(id=record_id, held_on=date(2026, 5, 1),
                            setting=GroupSetting.SCHOOL, topic="Test awareness talk",
                            young_people_reached=6, notes=notes)

    named = talk("grp-north-named", "Tom came and joined in.")
    by_reference = talk("grp-north-ref", "YP-7 asked about apps.")
    unrelated = talk("grp-north-other",
                     "Custom quiz; Quentin Fictionalson (YP-70) asked to meet tomorrow.")
    other_team = talk("grp-south-named", "Tom and Quentin Fictionalson came.")
    north.push_records(named, by_reference, unrelated)
    south.push_records(other_team)
    supervisor = hub.laptop(hub.admin.add_user("Test Supervisor North", "supervisor", "north"))
    admin = hub.laptop(hub.admin.add_user("Test Admin", "admin"))

    answer = supervisor.http.get(f"/v1/cases/{cs.id}/file", headers=supervisor.auth)
    assert answer.status_code == 200, answer.text
    assert _mention_ids(answer.json()) == {named.id, by_reference.id}
    assert "tomorrow" not in answer.text and "grp-south" not in answer.text

    answer = admin.http.get(f"/v1/cases/{cs.id}/file", headers=admin.auth)
    assert answer.status_code == 200, answer.text
    assert _mention_ids(answer.json()) == {named.id, by_reference.id, other_team.id}
    assert "tomorrow" not in answer.text


def test_the_file_names_the_young_persons_other_cases_to_whoever_may_see_them(
    hub: RunningHub,
) -> None:
    """A young person referred again has a second case with the same details. Subject access
    is for everything held about them, and the file is made case by case: the file of one
    case says which other cases hold them (by id), so the officer makes those files too; a
    supervisor is told only of the cases of their own team."""
    north_worker = hub.admin.add_user("Test Worker North", "worker", "north")
    south_worker = hub.admin.add_user("Test Worker South", "worker", "south")
    north = hub.laptop(north_worker)
    south = hub.laptop(hub.admin.add_user("Test Supervisor South", "supervisor", "south"))
    yp = young_person(1)
    earlier = case(yp, key_worker=north_worker, opened_on=date(2024, 1, 10),
                   closed_on=date(2024, 9, 1), status=CaseStatus.CLOSED)
    again = case(yp, key_worker=north_worker, opened_on=date(2026, 1, 10))
    north.push_records(yp, earlier, again)
    elsewhere = case(yp, key_worker=south_worker, opened_on=date(2026, 2, 1))
    south.push_records(elsewhere)  # a south supervisor opens one for their worker
    supervisor = hub.laptop(hub.admin.add_user("Test Supervisor North", "supervisor", "north"))
    admin = hub.laptop(hub.admin.add_user("Test Admin", "admin"))

    answer = admin.http.get(f"/v1/cases/{again.id}/file", headers=admin.auth)
    assert answer.status_code == 200, answer.text
    notes = " ".join(answer.json()["notes"])
    assert earlier.id in notes and elsewhere.id in notes

    answer = supervisor.http.get(f"/v1/cases/{again.id}/file", headers=supervisor.auth)
    assert answer.status_code == 200, answer.text
    notes = " ".join(answer.json()["notes"])
    assert earlier.id in notes
    assert elsewhere.id not in answer.text, "another team's case is not named to them"

    answer = admin.http.get(f"/v1/cases/{earlier.id}/file", headers=admin.auth)
    notes = " ".join(answer.json()["notes"])
    assert again.id in notes and elsewhere.id in notes


def test_a_referral_that_never_became_a_case_has_a_file_of_its_own(
    hub: RunningHub, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A young person whose referral was declined may ask what the service holds: the hub
    makes the referral's file (the referral, their details, the letter kept with it, group
    work naming them) for the team's supervisor, an administrator and the officer's
    command; everyone else is refused and nothing is shown to them."""
    north_worker = hub.admin.add_user("Test Worker North", "worker", "north")
    north = hub.laptop(north_worker)
    yp = young_person(4, name="Test Person Declined", reference="YP-DECL")
    declined = referral(yp, decision=ReferralDecision.DECLINED, decided_on=date(2026, 2, 2),
                        decline_reason="Fictional: another service already supports them.")
    letter = Attachment(id=new_id(), case_id=None, attached_kind="referral",
                        attached_to=declined.id, title="Fictional referral letter",
                        document_date=date(2026, 1, 30), note="", file_name="letter-test.pdf",
                        media_type="application/pdf", size=4, sha256="0" * 64)
    again = referral(yp, received_on=date(2026, 6, 1), decided_on=date(2026, 6, 2))
    later = case(yp, again, key_worker=north_worker)
    group = GroupSession(id="grp-decl", held_on=date(2026, 5, 1), setting=GroupSetting.SCHOOL,
                         topic="Test awareness talk", young_people_reached=5,
                         notes="YP-DECL asked about apps.")
    north.push_records(yp, declined, letter, again, later, group)
    supervisor = hub.laptop(hub.admin.add_user("Test Supervisor North", "supervisor", "north"))
    south = hub.laptop(hub.admin.add_user("Test Supervisor South", "supervisor", "south"))
    admin = hub.laptop(hub.admin.add_user("Test Admin", "admin"))
    path = f"/v1/referrals/{declined.id}/file"

    answer = supervisor.http.get(path, headers=supervisor.auth)

    assert answer.status_code == 200, answer.text
    bundle = answer.json()
    assert (bundle["schema"], bundle["subject"], bundle["case_id"], bundle["case"]) == (
        "spoke.subject_file/1", "referral", declined.id, None)
    assert bundle["referral"]["content"]["decline_reason"] == declined.decline_reason
    assert bundle["young_person"]["content"]["name"] == "Test Person Declined"
    assert [a["id"] for a in bundle["attachments"]] == [letter.id]
    assert [m["id"] for m in bundle["mentions"]] == [group.id]
    assert any("never became a case" in note for note in bundle["notes"])
    assert any(f"case {later.id}" in note for note in bundle["notes"])
    with Session(hub.engine) as db:
        detail = db.scalars(select(AuditEntry.detail).where(
            AuditEntry.action == "subject_file_export",
            AuditEntry.subject == declined.id)).one()
    assert detail.startswith("subject=referral;records=4;")
    # Another team's supervisor and the worker are refused; an unknown id is 404; a
    # referral that became a case points to the case's file; no token, 401.
    for laptop in (south, north):
        refused = laptop.http.get(path, headers=laptop.auth)
        assert refused.status_code == 403 and refused.json()["error"] == "out_of_scope"
        assert "Declined" not in refused.text
    # To another team's supervisor, north's referral, north's group session and an id the hub
    # never held are answered alike: nothing tells that north holds them, or what they are.
    refused = south.http.get(path, headers=south.auth)
    for other in (group.id, new_id()):
        alike = south.http.get(f"/v1/referrals/{other}/file", headers=south.auth)
        assert (alike.status_code, alike.json()) == (refused.status_code, refused.json())
    assert admin.http.get("/v1/referrals/no-such/file", headers=admin.auth).status_code == 404
    cased = admin.http.get(f"/v1/referrals/{again.id}/file", headers=admin.auth)
    assert cased.status_code == 409 and cased.json()["error"] == "referral_has_case"
    assert supervisor.http.get(path).status_code == 401
    assert admin.http.get(path, headers=admin.auth).status_code == 200

    # The officer records the access request about the referral and writes its file.
    add = ["requests", "add", "--referral", declined.id, "--received", "2026-11-20",
           "--database", hub.database_url]
    assert main([*add, "--kind", "access"]) == 0, capsys.readouterr().err
    request_id = re.search(r"request (\d+)", capsys.readouterr().out).group(1)  # type: ignore[union-attr]
    out = tmp_path / "officer"
    assert main(["requests", "bundle", request_id, "--out", str(out),
                 "--database", hub.database_url]) == 0, capsys.readouterr().err
    written = out / f"{declined.id}-subject-file.json"
    assert stat.S_IMODE(written.stat().st_mode) == 0o600
    assert json.loads(written.read_text(encoding="utf-8"))["referral"]["id"] == declined.id
    assert "Test Person" not in capsys.readouterr().out


def test_a_case_or_referral_naming_another_teams_young_person_gives_their_details_to_nobody(
    hub: RunningHub,
) -> None:
    """A case's and a referral's ids are the laptop's to write. South opening a case (or
    making a referral) that names north's young person and referral must not make south's
    supervisor's file of it carry north's young person: the file holds what a pull would."""
    north_worker = hub.admin.add_user("Test Worker North", "worker", "north")
    south_worker = hub.admin.add_user("Test Worker South", "worker", "south")
    north = hub.laptop(north_worker)
    yp = young_person(7, name="Test Person North Only", reference="YP-NORTH")
    theirs = referral(yp, reason="Fictional reason known to north only.")
    north.push_records(yp, theirs, case(yp, theirs, key_worker=north_worker))
    south = hub.laptop(south_worker)
    pretend = case(yp, theirs, key_worker=south_worker)  # north's ids, south's new case
    made_up = referral(yp)  # a referral of south's naming north's young person
    assert south.push(south.change(pretend), south.change(made_up)).status_code == 200
    supervisor = hub.laptop(hub.admin.add_user("Test Supervisor South", "supervisor", "south"))

    for path in (f"/v1/cases/{pretend.id}/file", f"/v1/referrals/{made_up.id}/file"):
        answer = supervisor.http.get(path, headers=supervisor.auth)
        assert answer.status_code == 200, answer.text
        assert "North Only" not in answer.text and "YP-NORTH" not in answer.text
        assert "known to north only" not in answer.text
        assert answer.json()["young_person"] is None

    # Nor the administrator's (the subject access officer's): the link does not reach them.
    admin = hub.laptop(hub.admin.add_user("Test Admin", "admin"))
    answer = admin.http.get(f"/v1/cases/{pretend.id}/file", headers=admin.auth)
    assert answer.status_code == 200, answer.text
    assert answer.json()["young_person"] is None and "North Only" not in answer.text


def _officers_file(hub: RunningHub, case_id: str, out: Path,
                   capsys: pytest.CaptureFixture[str]) -> str:
    """The officer records an access request about the case and writes its file: its text."""
    assert main(["requests", "add", "--kind", "access", "--case", case_id, "--received",
                 "2026-03-01", "--database", hub.database_url]) == 0
    request_id = re.search(r"request (\d+)", capsys.readouterr().out).group(1)  # type: ignore[union-attr]
    assert main(["requests", "bundle", request_id, "--out", str(out),
                 "--database", hub.database_url]) == 0, capsys.readouterr().err
    return (out / f"{case_id}-subject-file.json").read_text(encoding="utf-8")


def test_the_officers_file_of_a_case_leaves_out_another_teams_visit_linked_to_it(
    hub: RunningHub, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A visit plan of north's worker linked to south's case (her words in it) is not the
    young person's: the officer's file of south's case holds south's own visit, not hers."""
    south_worker = hub.admin.add_user("Test Worker South", "worker", "south")
    south = hub.laptop(south_worker)
    north = hub.laptop(hub.admin.add_user("Test Worker North", "worker", "north"))
    yp = young_person(1, reference="YP-SOUTH")
    theirs = case(yp, key_worker=south_worker)
    south.push_records(yp, theirs)
    own = visit_plan(south_worker, datetime(2026, 2, 2, 10, tzinfo=UTC), linked_case_id=theirs.id,
                     amber_note="Fictional: south's own visit.")
    south.push_records(own)
    planted = visit_plan(north.user_id, datetime(2031, 1, 1, 10, tzinfo=UTC),
                         linked_case_id=theirs.id, amber_note="Fictional words of north Zq")
    north.push_records(planted)

    text = _officers_file(hub, theirs.id, tmp_path / "officer", capsys)

    assert own.id in text
    assert planted.id not in text and "words of north Zq" not in text


def test_the_officers_file_of_a_case_naming_another_teams_referral_leaves_it_out(
    hub: RunningHub, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """North's case of a young person of its own names south's referral: the file the
    officer gives that young person holds their details, not south's referral about someone
    else."""
    south = hub.laptop(hub.admin.add_user("Test Worker South", "worker", "south"))
    north_worker = hub.admin.add_user("Test Worker North", "worker", "north")
    north = hub.laptop(north_worker)
    other = young_person(2, name="Test Person South Only", reference="YP-SOUTH")
    south_referral = referral(other, reason="Fictional reason known to south only.")
    south.push_records(other, south_referral)
    own = young_person(1, reference="YP-NORTH")
    naming = case(own, south_referral, key_worker=north_worker)
    north.push_records(own, naming)

    bundle = json.loads(_officers_file(hub, naming.id, tmp_path / "officer", capsys))

    assert bundle["young_person"]["content"]["reference"] == "YP-NORTH"
    assert bundle["referral"] is None
    assert "known to south only" not in json.dumps(bundle)


def test_a_referral_another_teams_case_names_keeps_its_own_file(hub: RunningHub) -> None:
    """A case of north's naming south's declined referral does not make it a case: south's
    supervisor still makes the referral's file, with south's letter and not north's."""
    south = hub.laptop(hub.admin.add_user("Test Worker South", "worker", "south"))
    north_worker = hub.admin.add_user("Test Worker North", "worker", "north")
    north = hub.laptop(north_worker)
    yp = young_person(4, reference="YP-DECL")
    declined = referral(yp, decision=ReferralDecision.DECLINED, decided_on=date(2026, 2, 2),
                        decline_reason="Fictional: another service supports them.")
    letters = [Attachment(id=new_id(), case_id=None, attached_kind="referral",
                          attached_to=declined.id, title=title, document_date=date(2026, 1, 30),
                          note="", file_name="letter-test.pdf", media_type="application/pdf",
                          size=4, sha256="0" * 64)
               for title in ("Fictional letter of south", "Fictional words of north Zq")]
    south.push_records(yp, declined, letters[0])
    made_up = young_person(9, reference="YP-NORTH")
    north.push_records(made_up, case(made_up, declined, key_worker=north_worker), letters[1])
    supervisor = hub.laptop(hub.admin.add_user("Test Supervisor South", "supervisor", "south"))

    answer = supervisor.http.get(f"/v1/referrals/{declined.id}/file", headers=supervisor.auth)

    assert answer.status_code == 200, answer.text
    assert answer.json()["referral"]["content"]["decline_reason"] == declined.decline_reason
    assert [a["id"] for a in answer.json()["attachments"]] == [letters[0].id]
    assert "words of north Zq" not in answer.text
