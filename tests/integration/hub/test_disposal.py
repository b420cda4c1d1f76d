"""Disposal on SQLite and PostgreSQL hubs, with cases pushed by real enrolled laptops
(docs/data-protection.md, "Retention, legal hold and disposal"): ``spoke-hub retention
dispose`` erases a due case so that no byte of it is left in the database files (scanned
page by page, free pages and WAL included), every laptop's pull carries the disposal purge,
a push of the case is refused with 409 ``case_disposed``, the report figures for a past period
are the same before and after, and a blocked, repeated or unknown disposal exits 2 and
changes nothing. Lone-working visits linked to the case go with it, but never while one is
not over or its welfare debrief is not done. Erasure requests are carried out the same way;
``spoke-hub backup`` tells laptops (``backup_seq``) which changes its copy holds."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select, text, update
from sqlalchemy.orm import Session

from spokeapp.domain.ids import new_id
from spokeapp.domain.records import (
    ActivityType,
    Alarm,
    AlarmResolution,
    Attachment,
    Case,
    CaseStatus,
    CheckIn,
    CheckInKind,
    Closure,
    ClosureReason,
    Outcome,
    Profession,
    Referral,
    ReferralDecision,
    VisitPlan,
    WelfareDebrief,
    WelfareDebriefDone,
    YoungPerson,
)
from spokeapp.domain.records.casework import GroupSession, GroupSetting, ProfessionalActivity
from spokeapp.domain.records.supervision import SupervisionComment
from spokeapp.hub.backup import backup, restore
from spokeapp.hub.cli import main
from spokeapp.hub.db import embedded_path, is_embedded, make_engine, read_key
from spokeapp.hub.lone_working import Watcher
from spokeapp.hub.models import (
    AuditEntry,
    Disposal,
    HubChange,
    HubMeta,
    HubRecord,
    HubTombstone,
    LoneWorkingDelivery,
    LoneWorkingRecord,
    LoneWorkingWatch,
    ReportResidue,
    SubjectRequest,
)
from tests.helpers.hub import (
    Laptop,
    RunningHub,
    running_hub,
    sqlite_url,
)
from tests.helpers.lone_working import visit_plan
from tests.helpers.records import case, referral, session, young_person
from tests.helpers.sqlcipher_scan import find_markers

PERIOD = {"from": "2014-01-01", "to": "2015-12-31"}


@dataclass
class World:
    """Team north: worker W (two closed cases: one to dispose of, one kept) and supervisor S;
    team south: worker V (never held the case)."""

    worker: Laptop
    supervisor: Laptop
    other: Laptop
    gone: Case
    gone_person: YoungPerson
    gone_referral: Referral
    kept: Case
    gone_markers: list[str]
    kept_markers: list[str]


def _case_with_markers(tag: str, worker: str, supervisor: str, laptop: Laptop,
                       supervisor_laptop: Laptop, n: int, dob: date
                       ) -> tuple[YoungPerson, Referral, Case, list[str]]:
    """A closed 2015 case whose every text field carries a marker unique to ``tag``."""
    markers = [f"Name{tag}Zq", f"REF-{tag}-Zq", f"Pref{tag}Zq", f"Needs{tag}Zq",
               f"Agency{tag}Zq", f"Reason{tag}Zq", f"Discussed{tag}Zq", f"Words{tag}Zq",
               f"Concerns{tag}Zq", f"Detail{tag}Zq", f"Comment{tag}Zq", dob.isoformat()]
    yp = young_person(n, name=markers[0], reference=markers[1], preferred_name=markers[2],
                      needs=markers[3], date_of_birth=dob)
    ref = referral(yp, source_agency=markers[4], reason=markers[5],
                   received_on=date(2014, 2, 3), decided_on=date(2014, 2, 4))
    opened = case(yp, ref, key_worker=worker, opened_on=date(2014, 2, 5))
    meeting = session(opened.id, discussed=markers[6], young_persons_words=markers[7],
                      concerns=markers[8],
                      occurred_at=datetime(2014, 3, 4, 16, 0, tzinfo=UTC))
    closure = Closure(id=f"clo-{tag}", case_id=opened.id, closed_on=date(2015, 1, 1),
                      reason=ClosureReason.OUTCOMES_MET, outcome=Outcome.LOWER,
                      closing_assessment_id=f"ra-{tag}", reason_detail=markers[9])
    closed = replace(opened, status=CaseStatus.CLOSED, closed_on=date(2015, 1, 1))
    laptop.push_records(yp, ref, opened, meeting, closure)
    pulled = laptop.pull_all()
    base = next(c for c in pulled if c["record_id"] == opened.id)
    response = laptop.push(laptop.change(closed, base_seq=base["seq"], base=opened.to_dict()))
    assert response.status_code == 200, response.text
    supervisor_laptop.pull_all()
    supervisor_laptop.push_records(SupervisionComment(
        id=f"com-{tag}", case_id=opened.id, author=supervisor,
        written_at=datetime(2014, 3, 5, 9, 0, tzinfo=UTC), text=markers[10],
        about_id=meeting.id, about_kind="session"))
    return yp, ref, closed, markers


@pytest.fixture
def world(hub: RunningHub) -> World:
    worker = hub.admin.add_user("Test Worker North", "worker", "north")
    supervisor = hub.admin.add_user("Test Supervisor North", "supervisor", "north")
    other = hub.admin.add_user("Test Worker South", "worker", "south")
    w, s, v = hub.laptop(worker), hub.laptop(supervisor), hub.laptop(other)
    gone_person, gone_referral, gone, gone_markers = _case_with_markers(
        "Gone", worker, supervisor, w, s, 1, date(1987, 7, 23))
    _, _, kept, kept_markers = _case_with_markers(
        "Kept", worker, supervisor, w, s, 2, date(1986, 9, 14))
    for laptop in (w, s, v):
        laptop.pull_all()
    return World(w, s, v, gone, gone_person, gone_referral, kept, gone_markers, kept_markers)


def _cli(hub: RunningHub, capsys: pytest.CaptureFixture[str], *args: str
         ) -> tuple[int, str, str]:
    code = main([*args, "--database", hub.database_url])
    out = capsys.readouterr()
    return code, out.out, out.err


def _scan(hub: RunningHub, markers: list[str]) -> set[str]:
    """Which markers any byte of the hub's database files still holds."""
    if is_embedded(hub.database_url):
        path = embedded_path(hub.database_url)
        return find_markers(path, read_key(path), markers)
    with hub.engine.connect() as connection:
        auto = connection.execution_options(isolation_level="AUTOCOMMIT")
        auto.execute(text("CHECKPOINT"))  # what the other case has is on disk too
        oid, data = auto.execute(text(
            "SELECT d.oid, current_setting('data_directory') FROM pg_database d "
            "WHERE d.datname = current_database()")).one()
    found: set[str] = set()
    for file in (Path(str(data)) / "base" / str(oid)).rglob("*"):
        if file.is_file():
            content = file.read_bytes()
            found.update(m for m in markers if m.encode() in content)
    return found


def _report(laptop: Laptop) -> list[tuple[str, Any, Any]]:
    response = laptop.http.get("/v1/reports", params={**PERIOD, "scope": "team:north"},
                               headers=laptop.auth)
    assert response.status_code == 200, response.text
    return [(f["key"], f["count"], f["value"]) for f in response.json()["figures"]]


def _count(hub: RunningHub, model: Any, *where: Any) -> int:
    with Session(hub.engine) as s:
        return s.scalar(select(func.count()).select_from(model).where(*where)) or 0


def test_disposal_erases_every_byte_tells_every_laptop_and_keeps_the_report(
        hub: RunningHub, world: World, capsys: pytest.CaptureFixture[str]) -> None:
    assert _scan(hub, world.gone_markers + world.kept_markers) == set(
        world.gone_markers + world.kept_markers)  # the scan sees what is there
    before = _report(world.supervisor)
    counts = {key: count for key, count, _ in before}
    # Both cases count: two referrals, two young people, two contacts, two closures (awaiting
    # sign-off: no supervisor signed them off).
    assert (counts["referrals.received"], counts["one_to_one.active"],
            counts["one_to_one.contacts"], counts["closures.awaiting"]) == (2, 2, 2, 2)
    changes_before = _count(hub, HubChange)

    code, out, err = _cli(hub, capsys, "retention", "dispose", world.gone.id)

    assert code == 0, err
    assert f"Case {world.gone.id} disposed of" in out and "every laptop (4 people)" in out
    assert _scan(hub, world.gone_markers) == set()
    assert _scan(hub, world.kept_markers) == set(world.kept_markers)
    # Nothing of the case is served or stored; the change ids stay, with no payload.
    assert _count(hub, HubRecord, HubRecord.case_id == world.gone.id) == 0
    assert _count(hub, HubRecord, HubRecord.record_id.in_(
        [world.gone.id, world.gone_person.id, world.gone_referral.id])) == 0
    assert _count(hub, HubChange) == changes_before
    # Every laptop, also one that never held the case, pulls the disposal purge.
    for laptop in (world.worker, world.supervisor, world.other):
        purges = [c for c in laptop.pull_all() if c["op"] == "purge"]
        assert [(p["case_id"], p["payload"]) for p in purges] == [
            (world.gone.id, {"disposed": True})]
    assert _count(hub, HubTombstone, HubTombstone.disposed.is_(True)) == 4  # + the admin
    # The past period's figures are the same.
    assert _report(world.supervisor) == before
    assert _count(hub, ReportResidue) == 4  # referral, case, session, closure: no person
    with Session(hub.engine) as s:
        disposal = s.get(Disposal, world.gone.id)
        assert disposal is not None
        assert (disposal.basis, disposal.disposed_by, disposal.request_id) == (
            "retention", "cli", None)
        details = s.scalars(select(AuditEntry.detail).where(
            AuditEntry.action == "case_disposed", AuditEntry.subject == world.gone.id)).all()
    assert len(details) == 1 and details[0].startswith("basis=retention;records=6;")
    # A second run is refused, and changes nothing.
    audits = _count(hub, AuditEntry)
    code, out, err = _cli(hub, capsys, "retention", "dispose", world.gone.id)
    assert code == 2 and "already disposed of" in err
    assert _count(hub, AuditEntry) == audits
    code, out, err = _cli(hub, capsys, "retention", "scrub")  # may be run again at any time
    assert code == 0 and "cleaned" in out, err
    assert _scan(hub, world.kept_markers) == set(world.kept_markers)


def _ended_visit(laptop: Laptop, linked: Case, tag: str, start: datetime) -> VisitPlan:
    """A visit linked to ``linked``, with a check-in and its end, every text a marker."""
    plan = visit_plan(laptop.user_id, start, location=f"Place{tag}Zq",
                      amber_note=f"Amber{tag}Zq", buddy_name=f"Buddy{tag}Zq",
                      case_reference=f"YP-{tag}9", linked_case_id=linked.id)
    laptop.push_records(
        plan,
        CheckIn(id=new_id(), visit_id=plan.id, kind=CheckInKind.SAFE,
                at=start + timedelta(minutes=30)),
        CheckIn(id=new_id(), visit_id=plan.id, kind=CheckInKind.END_VISIT,
                at=start + timedelta(minutes=90)))
    return plan


def _visit_markers(tag: str) -> list[str]:
    return [f"Place{tag}Zq", f"Amber{tag}Zq", f"Buddy{tag}Zq", f"YP-{tag}9"]


def test_visits_linked_to_a_disposed_case_go_with_it_and_keep_their_figures(
        hub: RunningHub, world: World, capsys: pytest.CaptureFixture[str]) -> None:
    gone = _ended_visit(world.worker, world.gone, "VisitGone",
                        datetime(2014, 3, 4, 15, 0, tzinfo=UTC))
    kept = _ended_visit(world.worker, world.kept, "VisitKept",
                        datetime(2014, 3, 11, 15, 0, tzinfo=UTC))
    markers = _visit_markers("VisitGone") + _visit_markers("VisitKept")
    assert _scan(hub, markers) == set(markers)
    before = _report(world.supervisor)
    counts = {key: count for key, count, _ in before}
    assert (counts["lone.visits"], counts["lone.check_ins"]) == (2, 4)
    # A notice about the visit still being retried (a mail server down) holds it back.
    with Session(hub.engine) as s, s.begin():
        s.add(LoneWorkingDelivery(
            id=new_id(), alert_id=new_id(), visit_id=gone.id, channel="email",
            target="on-call@example.org", status="pending", attempts=2,
            next_attempt_at="2026-01-01T00:00:00+00:00", created_at="2026-01-01T00:00:00+00:00",
            role="on_call_manager"))
    code, _, err = _cli(hub, capsys, "retention", "dispose", world.gone.id)
    assert code == 2 and f"notices about visit {gone.id} are still being sent" in err
    with Session(hub.engine) as s, s.begin():
        s.execute(update(LoneWorkingDelivery).values(status="sent"))

    code, out, err = _cli(hub, capsys, "retention", "dispose", world.gone.id)

    assert code == 0, err
    assert "1 linked lone-working visit with them" in out
    assert _scan(hub, markers) == set(_visit_markers("VisitKept"))
    with Session(hub.engine) as s:
        lone = [LoneWorkingRecord.visit_id == gone.id]
        assert s.scalar(select(func.count()).select_from(LoneWorkingRecord).where(*lone)) == 0
        assert s.get(LoneWorkingWatch, gone.id) is None
        assert s.get(LoneWorkingWatch, kept.id) is not None
        assert s.scalar(select(func.count()).select_from(LoneWorkingDelivery)) == 0
        detail = s.scalars(select(AuditEntry.detail).where(
            AuditEntry.action == "case_disposed")).one()
    assert "records=9;" in detail and ";visits=1" in detail  # 6 of the case, 3 of the visit
    # The past period's figures are the same: the visit is counted from the residue.
    assert _report(world.supervisor) == before
    # A laptop enrolled after the disposal is not given the visit back; the other one, yes.
    fresh = hub.laptop(world.supervisor.user_id, name="Test laptop, enrolled later")
    pulled = {c["record_id"] for c in fresh.pull_all()}
    assert gone.id not in pulled and kept.id in pulled
    # A late check-in of the erased visit is not refused (it would take the laptop's other
    # safety records with it) and brings nothing of the visit back.
    late = CheckIn(id=new_id(), visit_id=gone.id, kind=CheckInKind.HOME_SAFE,
                   at=datetime(2014, 3, 4, 17, 0, tzinfo=UTC))
    assert world.worker.push(world.worker.change(late)).status_code == 200
    with Session(hub.engine) as s:
        assert s.get(LoneWorkingWatch, gone.id) is None
    assert _scan(hub, _visit_markers("VisitGone")) == set()


def test_a_visit_linked_to_a_disposed_case_that_reaches_the_hub_late_goes_once_over(
        hub: RunningHub, world: World, capsys: pytest.CaptureFixture[str]) -> None:
    assert _cli(hub, capsys, "retention", "dispose", world.gone.id)[0] == 0
    for laptop in (world.supervisor, world.other):
        laptop.pull_all()
    # A visit planned offline, linked to the case, reaches the hub after the disposal while
    # she is out: it is stored and watched (refusing it would take her other safety records
    # with it). Her next check-in is not due yet, so the hub's watcher alerts nobody.
    start = datetime.now(UTC) - timedelta(minutes=20)
    plan = visit_plan(world.worker.user_id, start, location="PlaceLateZq",
                      amber_note="AmberLateZq", buddy_name="BuddyLateZq",
                      case_reference="YP-Late9", linked_case_id=world.gone.id)
    world.worker.push_records(plan, CheckIn(id=new_id(), visit_id=plan.id,
                                            kind=CheckInKind.SAFE,
                                            at=start + timedelta(minutes=10)))
    year = (f"{start.year}-01-01", f"{start.year}-12-31")
    markers = _visit_markers("Late")
    assert plan.id in {c["record_id"] for c in world.supervisor.pull_all()}
    code, out, err = _cli(hub, capsys, "retention", "review")
    assert code == 0, err
    late_line = next(line for line in out.splitlines() if line.startswith("LATE"))
    assert f"visit {plan.id}" in late_line and f"linked to case {world.gone.id}" in late_line
    assert "not yet: " in late_line and "is not over" in late_line
    audits = _count(hub, AuditEntry)

    code, out, err = _cli(hub, capsys, "retention", "dispose", world.gone.id)

    # Not while she may still be out: nothing changes.
    assert code == 2, out
    assert "reached the hub afterwards" in err and f"visit {plan.id} linked to the case is " \
        "not over" in err and "Nothing changed" in err
    assert _scan(hub, markers) == set(markers)
    assert _count(hub, AuditEntry) == audits
    world.worker.push_records(CheckIn(id=new_id(), visit_id=plan.id,
                                      kind=CheckInKind.END_VISIT,
                                      at=datetime.now(UTC)))
    code, out, err = _cli(hub, capsys, "retention", "review", "--json")
    assert code == 0, err
    assert json.loads(out)["late_visits"] == [{
        "visit_id": plan.id, "case_id": world.gone.id,
        "disposed_on": datetime.now(UTC).date().isoformat(), "waiting_for": []}]
    before = _report_of(world.supervisor, *year)
    counts = {key: count for key, count, _ in before}
    assert (counts["lone.visits"], counts["lone.check_ins"]) == (1, 2)

    code, out, err = _cli(hub, capsys, "retention", "dispose", world.gone.id)

    assert code == 0, err
    assert (f"Case {world.gone.id} was already disposed of; 1 lone-working visit linked to it "
            "that reached the hub afterwards erased (3 records)") in out
    assert _scan(hub, markers) == set()
    with Session(hub.engine) as s:
        assert s.get(LoneWorkingWatch, plan.id) is None
        assert s.scalar(select(func.count()).select_from(LoneWorkingRecord).where(
            LoneWorkingRecord.visit_id == plan.id)) == 0
        detail = s.scalars(select(AuditEntry.detail).where(
            AuditEntry.action == "late_visits_disposed",
            AuditEntry.subject == world.gone.id)).one()
    assert detail.startswith("visits=1;records=3;tombstones=4;")
    # The figures for the visit's period stand; every laptop is told to erase it again, and
    # one enrolled now is not given it.
    assert _report_of(world.supervisor, *year) == before
    for laptop in (world.supervisor, world.other):
        purges = [c for c in laptop.pull_all() if c["op"] == "purge"]
        assert [(p["case_id"], p["payload"]) for p in purges] == [
            (world.gone.id, {"disposed": True})]
    fresh = hub.laptop(world.supervisor.user_id, name="Test laptop, enrolled later")
    assert plan.id not in {c["record_id"] for c in fresh.pull_all()}
    code, out, err = _cli(hub, capsys, "retention", "review")
    assert code == 0 and "LATE" not in out, err
    code, _, err = _cli(hub, capsys, "retention", "dispose", world.gone.id)
    assert code == 2 and "already disposed of" in err


@pytest.fixture
def test_ticks_the_watch(monkeypatch: pytest.MonkeyPatch) -> None:
    """The hub's own escalation watch off (read when the hub starts, so asked for before
    ``hub``): the test ticks a watcher itself and looks between its rounds. With the hub's
    own watch on, the resolution woke it and it could store the all-clear first, under load."""
    monkeypatch.setenv("SPOKE_HUB_WATCH_SECONDS", "0")


def test_a_linked_visit_not_over_or_not_debriefed_blocks_the_disposal(
        test_ticks_the_watch: None, hub: RunningHub, world: World,
        capsys: pytest.CaptureFixture[str]) -> None:
    now = datetime.now(UTC)
    out_now = visit_plan(world.worker.user_id, now - timedelta(minutes=10),
                         linked_case_id=world.gone.id)
    world.worker.push_records(out_now)
    audits = _count(hub, AuditEntry)

    code, _, err = _cli(hub, capsys, "retention", "dispose", world.gone.id)

    assert code == 2, err
    assert f"visit {out_now.id} linked to the case is not over (armed)" in err
    assert "Nothing changed" in err
    assert _count(hub, Disposal) == 0 and _count(hub, AuditEntry) == audits
    assert _scan(hub, world.gone_markers) == set(world.gone_markers)
    # She ends it; a second visit had a panic alarm, resolved: its debrief is still to do.
    alarmed = visit_plan(world.worker.user_id, now - timedelta(minutes=5),
                         linked_case_id=world.gone.id)
    world.worker.push_records(
        CheckIn(id=new_id(), visit_id=out_now.id, kind=CheckInKind.END_VISIT, at=now),
        alarmed, Alarm(id=new_id(), visit_id=alarmed.id, raised_at=now),
        CheckIn(id=new_id(), visit_id=alarmed.id, kind=CheckInKind.END_VISIT, at=now))
    watcher = Watcher(hub.engine)
    alerts, _ = watcher.tick()  # the hub alerts the top tier at once
    assert alerts >= 1
    world.supervisor.push_records(AlarmResolution(
        id=new_id(), visit_id=alarmed.id, by=world.supervisor.user_id, at=datetime.now(UTC),
        note="Phoned her: safe, the alarm was pressed by mistake."))
    code, _, err = _cli(hub, capsys, "retention", "dispose", world.gone.id)
    assert code == 2, err
    # The people alerted have not been stood down yet: erasing the visit would lose that.
    assert f"the hub has still to tell the people alerted about visit {alarmed.id}" in err
    assert f"the welfare debrief of visit {alarmed.id} is not done yet" in err
    assert "not over" not in err
    watcher.tick()  # the all-clear is stored (and its notices, had anyone been reachable)
    code, _, err = _cli(hub, capsys, "retention", "dispose", world.gone.id)
    assert code == 2 and "still to tell" not in err
    assert f"the welfare debrief of visit {alarmed.id} is not done yet" in err
    debrief = next(WelfareDebrief.from_dict(c["payload"]) for c in world.supervisor.pull_all()
                   if c["kind"] == "welfare_debrief")
    world.supervisor.push_records(WelfareDebriefDone(
        id=new_id(), debrief_id=debrief.id, visit_id=alarmed.id, by=world.supervisor.user_id,
        at=now, note="Talked it through with her; nothing more needed."))

    code, out, err = _cli(hub, capsys, "retention", "dispose", world.gone.id)

    assert code == 0, err
    assert "2 linked lone-working visits with them" in out
    with Session(hub.engine) as s:
        assert s.scalar(select(func.count()).select_from(LoneWorkingRecord).where(
            LoneWorkingRecord.visit_id.in_([out_now.id, alarmed.id]))) == 0


def test_a_push_of_a_disposed_case_is_refused_and_writes_nothing(
        hub: RunningHub, world: World, capsys: pytest.CaptureFixture[str]) -> None:
    assert _cli(hub, capsys, "retention", "dispose", world.gone.id)[0] == 0
    late_note = session(world.gone.id, discussed="Late note, written offline.")
    seq = _count(hub, HubRecord)
    for change in (world.worker.change(late_note), world.worker.change(world.gone_person),
                   world.worker.change(world.gone)):
        response = world.worker.push(change)
        assert response.status_code == 409, response.text
        assert response.json()["error"] == "case_disposed"
        assert world.gone.id in response.json()["message"]
    assert _count(hub, HubRecord) == seq
    assert _scan(hub, ["Late note, written offline."]) == set()
    # The rest of the laptop's work still goes through.
    assert world.worker.push(world.worker.change(session(world.kept.id))).status_code == 200


def test_a_blocked_or_unknown_disposal_exits_2_and_changes_nothing(
        hub: RunningHub, world: World, capsys: pytest.CaptureFixture[str]) -> None:
    audits = _count(hub, AuditEntry)
    code, _, err = _cli(hub, capsys, "retention", "dispose", world.gone.id,
                        "--as-of", "2010-01-01")
    assert code == 2 and "not due until" in err
    code, _, err = _cli(hub, capsys, "retention", "dispose", "no-such-case")
    assert code == 2 and "No case with id" in err
    assert _cli(hub, capsys, "retention", "hold", world.gone.id, "--reason",
                "Fictional inquiry: keep this file")[0] == 0
    code, _, err = _cli(hub, capsys, "retention", "dispose", world.gone.id)
    assert code == 2 and "legal hold" in err
    assert _count(hub, AuditEntry) == audits + 1  # the hold only
    assert _count(hub, Disposal) == 0
    assert _scan(hub, world.gone_markers) == set(world.gone_markers)


def test_an_erasure_request_is_carried_out_and_fulfilled(
        hub: RunningHub, world: World, capsys: pytest.CaptureFixture[str]) -> None:
    # Born 2012: not due under the retention rule for years; an erasure request does not wait.
    young = young_person(5, reference="YP-ERASE", date_of_birth=date(2012, 1, 1))
    opened = case(young, key_worker=world.worker.user_id, opened_on=date(2025, 1, 1))
    world.worker.push_records(young, opened)
    code, _, _ = _cli(hub, capsys, "requests", "add", "--kind", "erasure", "--case",
                        opened.id, "--received", "2026-01-02")
    assert code == 0
    with Session(hub.engine) as s:
        request_id = s.scalars(select(SubjectRequest.id)).one()
    code, _, err = _cli(hub, capsys, "requests", "carry-out", str(request_id))
    assert code == 2 and "still open: close the case first" in err
    with Session(hub.engine) as s:
        assert s.get(SubjectRequest, request_id).status == "open"  # type: ignore[union-attr]
    assert _count(hub, Disposal) == 0
    closed = replace(opened, status=CaseStatus.CLOSED, closed_on=date(2026, 1, 3))
    base = next(c for c in world.worker.pull_all() if c["record_id"] == opened.id)
    assert world.worker.push(world.worker.change(
        closed, base_seq=base["seq"], base=opened.to_dict())).status_code == 200
    assert _scan(hub, ["YP-ERASE"]) == {"YP-ERASE"}
    code, out, err = _cli(hub, capsys, "requests", "carry-out", str(request_id))
    assert code == 0, err
    assert f"Case {opened.id} disposed of" in out
    assert _scan(hub, ["YP-ERASE"]) == set()
    with Session(hub.engine) as s:
        disposal = s.get(Disposal, opened.id)
        row = s.get(SubjectRequest, request_id)
        assert disposal is not None and row is not None
        assert (disposal.basis, disposal.request_id) == ("erasure_request", request_id)
        assert row.status == "fulfilled"
    purges = [c for c in world.worker.pull_all() if c["op"] == "purge"]
    assert [(p["case_id"], p["payload"]) for p in purges] == [(opened.id, {"disposed": True})]


def test_a_pull_says_which_changes_the_newest_backup_holds(
        hub: RunningHub, world: World, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    page = world.worker.pull(after=0).json()
    assert page["backup_seq"] is None
    if not is_embedded(hub.database_url):
        return  # spoke-hub backup copies the embedded hub only (pg_dump for PostgreSQL)
    top = page["max_seq"]
    code, _, err = _cli(hub, capsys, "backup", str(tmp_path / "copy.db"))
    assert code == 0, err
    assert world.worker.pull(after=0).json()["backup_seq"] == top
    world.worker.push_records(session(world.kept.id))
    page = world.worker.pull(after=0).json()
    assert page["max_seq"] > top and page["backup_seq"] == top


def test_a_restriction_takes_the_case_off_every_laptop_until_lifted(
        hub: RunningHub, world: World, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, _ = _cli(hub, capsys, "requests", "add", "--kind", "restriction", "--case",
                      world.kept.id, "--received", "2026-01-02")
    assert code == 0
    with Session(hub.engine) as s:
        request_id = s.scalars(select(SubjectRequest.id)).one()
    stored = _count(hub, HubRecord, HubRecord.case_id == world.kept.id)

    code, out, err = _cli(hub, capsys, "requests", "carry-out", str(request_id))

    assert code == 0, err
    assert "is restricted" in out
    for laptop in (world.worker, world.supervisor):
        purges = [c for c in laptop.pull_all() if c["op"] == "purge"]
        assert [(p["case_id"], p["payload"]) for p in purges] == [(world.kept.id, None)]
        everything = laptop.pull(after=0).json()["changes"]
        assert not [c for c in everything
                    if c["case_id"] == world.kept.id and c["op"] != "purge"]
    response = world.worker.push(world.worker.change(session(world.kept.id)))
    assert response.status_code == 409 and response.json()["error"] == "case_restricted"
    # The hub keeps the data; the request is fulfilled.
    assert _count(hub, HubRecord, HubRecord.case_id == world.kept.id) == stored
    assert _scan(hub, world.kept_markers) == set(world.kept_markers)
    with Session(hub.engine) as s:
        row = s.get(SubjectRequest, request_id)
        assert row is not None and row.status == "fulfilled"
    code, _, err = _cli(hub, capsys, "requests", "carry-out", str(request_id))
    assert code == 2 and "cannot change again" in err

    code, out, err = _cli(hub, capsys, "requests", "lift-restriction", world.kept.id)

    assert code == 0, err
    back = {c["record_id"] for c in world.worker.pull_all() if c["case_id"] == world.kept.id}
    assert len(back) == stored and world.kept.id in back
    assert world.worker.push(world.worker.change(session(world.kept.id))).status_code == 200
    code, _, err = _cli(hub, capsys, "requests", "lift-restriction", world.kept.id)
    assert code == 2 and "not restricted" in err


def test_a_restored_hub_says_its_backup_holds_what_it_restored(tmp_path: Path) -> None:
    url = sqlite_url(tmp_path / "hub")
    with running_hub(url) as hub:
        laptop = hub.laptop(hub.admin.add_user("Test Worker Restore", "worker", "north"))
        copy = backup(url, tmp_path / "monday.db")
        laptop.push_records(young_person(1))
        page = laptop.pull(after=0).json()
        assert page["backup_seq"] == copy.max_seq < page["max_seq"]
        laptop.close()
    restore(url, tmp_path / "monday.db")
    engine = make_engine(url)
    try:
        with Session(engine) as s:
            covers = s.get(HubMeta, "backup_covers_seq")
            assert covers is not None and covers.value == str(copy.max_seq)
    finally:
        engine.dispose()


# ------------------------------------------------------------------ referrals with no case
def _declined(laptop: Laptop, tag: str, person: YoungPerson | None = None, *,
              dob: date = date(1990, 6, 1), decided: date = date(2010, 5, 2)
              ) -> tuple[YoungPerson, Referral, list[str]]:
    """A declined referral that never became a case (and its young person, unless
    ``person`` is already on the hub), every text a marker unique to ``tag``."""
    markers = [f"Agency{tag}Zq", f"Reason{tag}Zq", f"Decline{tag}Zq", f"Consent{tag}Zq"]
    yp = person or young_person(7, name=f"Name{tag}Zq", reference=f"REF-{tag}-Zq",
                                needs=f"Needs{tag}Zq", date_of_birth=dob)
    if person is None:
        markers += [f"Name{tag}Zq", f"REF-{tag}-Zq", f"Needs{tag}Zq", dob.isoformat()]
    ref = referral(yp, source_agency=markers[0], reason=markers[1],
                   decision=ReferralDecision.DECLINED, decline_reason=markers[2],
                   consent_notes=markers[3], received_on=decided - timedelta(days=1),
                   decided_on=decided)
    laptop.push_records(*([] if person else [yp]), ref)
    return yp, ref, markers


def _letter(ref: Referral, title: str) -> Attachment:
    """A letter attached to the referral (no case), its file not uploaded."""
    return Attachment(id=new_id(), case_id=None, attached_kind="referral", attached_to=ref.id,
                      title=title, document_date=date(2010, 5, 1), note="",
                      file_name="letter-test.pdf", media_type="application/pdf", size=4,
                      sha256="0" * 64)


def _report_of(laptop: Laptop, start: str, end: str) -> list[tuple[str, Any, Any]]:
    response = laptop.http.get("/v1/reports", params={"from": start, "to": end,
                                                      "scope": "team:north"},
                               headers=laptop.auth)
    assert response.status_code == 200, response.text
    return [(f["key"], f["count"], f["value"]) for f in response.json()["figures"]]


def test_a_declined_referral_with_no_case_is_reviewed_held_and_disposed_of(
        hub: RunningHub, world: World, capsys: pytest.CaptureFixture[str]) -> None:
    alone, alone_ref, markers = _declined(world.worker, "Alone")
    world.worker.push_records(_letter(alone_ref, "LetterAloneZq"))
    markers.append("LetterAloneZq")
    _, again, again_markers = _declined(world.worker, "Again", world.gone_person,
                                        decided=date(2016, 1, 10))
    waiting_person = young_person(8, reference="YP-WAITING", date_of_birth=date(1990, 1, 1))
    waiting = referral(waiting_person, received_on=date(2010, 3, 1),
                       decision=ReferralDecision.PENDING, decided_on=None)
    world.worker.push_records(waiting_person, waiting)
    for laptop in (world.worker, world.supervisor, world.other):
        laptop.pull_all()
    assert _scan(hub, markers + again_markers) == set(markers + again_markers)
    before = _report_of(world.supervisor, "2010-01-01", "2010-12-31")
    assert dict((k, c) for k, c, _ in before)["referrals.received"] == 2

    # The review lists the declined ones by reference and age, never name or date of birth.
    code, out, err = _cli(hub, capsys, "retention", "review", "--as-of", "2026-12-01",
                          "--json")
    assert code == 0, err
    listed = json.loads(out)
    assert [(r["referral_id"], r["age"], r["due_since"], r["reason"])
            for r in listed["referrals_due"]] == [
        (alone_ref.id, 36, "2016-05-02", "6 years after the decision on 2016-05-02"),
        (again.id, 39, "2022-01-10", "6 years after the decision on 2022-01-10")]
    assert "NameAloneZq" not in out and "1990-06-01" not in out
    code, out, _ = _cli(hub, capsys, "retention", "review", "--as-of", "2016-05-01")
    assert alone_ref.id not in out  # not due the day before
    # A legal hold keeps it; a referral not decided is never due.
    assert _cli(hub, capsys, "retention", "hold", alone_ref.id, "--reason",
                "Fictional inquiry: keep this referral")[0] == 0
    code, out, _ = _cli(hub, capsys, "retention", "review", "--as-of", "2026-12-01")
    assert f"HELD\tREF-Alone-Zq\treferral {alone_ref.id} (declined, no case)\tage 36" in out
    code, _, err = _cli(hub, capsys, "retention", "dispose", alone_ref.id)
    assert code == 2 and "Referral" in err and "legal hold" in err
    assert _cli(hub, capsys, "retention", "release", alone_ref.id, "--reason",
                "Fictional inquiry closed now")[0] == 0
    code, _, err = _cli(hub, capsys, "retention", "dispose", waiting.id)
    assert code == 2 and "the referral is not decided yet" in err
    assert _count(hub, Disposal) == 0

    code, out, err = _cli(hub, capsys, "retention", "dispose", alone_ref.id)

    assert code == 0, err
    assert f"Referral {alone_ref.id} disposed of: 3 records erased" in out  # with the letter
    assert _scan(hub, markers) == set()
    assert _count(hub, HubRecord, HubRecord.record_id.in_([alone_ref.id, alone.id])) == 0
    for laptop in (world.worker, world.supervisor, world.other):
        purges = [c for c in laptop.pull_all() if c["op"] == "purge"]
        assert [(p["case_id"], p["payload"]) for p in purges] == [
            (alone_ref.id, {"disposed": True})]
    assert _report_of(world.supervisor, "2010-01-01", "2010-12-31") == before
    with Session(hub.engine) as s:
        disposal = s.get(Disposal, alone_ref.id)
        assert disposal is not None and (disposal.subject, disposal.basis) == (
            "referral", "retention")
        assert s.scalars(select(AuditEntry.detail).where(
            AuditEntry.action == "referral_disposed")).one().startswith(
            "basis=retention;records=3;")
    # A laptop that had not pulled cannot put it back.
    late = replace(alone_ref, consent_notes="Late words, written offline.")
    response = world.worker.push(world.worker.change(late))
    assert response.status_code == 409, response.text
    assert f"referral {alone_ref.id} was disposed of" in response.json()["message"]
    response = world.worker.push(world.worker.change(_letter(alone_ref, "Late letter")))
    assert response.status_code == 409, response.text  # nor attach a document to it
    assert _scan(hub, ["Late words, written offline.", "Late letter"]) == set()
    # A young person a case still needs stays when their declined referral goes.
    assert _cli(hub, capsys, "retention", "dispose", again.id)[0] == 0
    assert _scan(hub, again_markers) == set()
    assert _count(hub, HubRecord, HubRecord.record_id == world.gone_person.id) == 1


def test_a_disposed_case_leaves_its_young_person_to_a_declined_referral(
        hub: RunningHub, world: World, capsys: pytest.CaptureFixture[str]) -> None:
    _, again, again_markers = _declined(world.worker, "Again", world.gone_person,
                                        decided=date(2016, 1, 10))
    world.worker.pull_all()

    assert _cli(hub, capsys, "retention", "dispose", world.gone.id)[0] == 0

    with Session(hub.engine) as s:
        person = s.get(HubRecord, world.gone_person.id)
        assert person is not None and person.case_id is None  # the referral's now
    assert _scan(hub, again_markers) == set(again_markers)
    assert _count(hub, HubRecord, HubRecord.record_id == again.id) == 1
    pulled = world.worker.pull_all()
    assert world.gone_person.id in [c["record_id"] for c in pulled if c["op"] == "put"]


def test_an_erasure_request_about_a_referral_with_no_case(
        hub: RunningHub, world: World, capsys: pytest.CaptureFixture[str]) -> None:
    # Declined last month: years from due under the rule; an erasure request does not wait.
    _, recent, markers = _declined(world.worker, "Recent", dob=date(2011, 2, 3),
                                   decided=date(2026, 11, 2))
    waiting_person = young_person(8, date_of_birth=date(2012, 1, 1))
    waiting = referral(waiting_person, received_on=date(2026, 11, 1),
                       decision=ReferralDecision.WAITING_LIST, decided_on=date(2026, 11, 2))
    world.worker.push_records(waiting_person, waiting)
    add = ("requests", "add", "--kind", "erasure", "--received", "2026-11-20")
    code, _, err = _cli(hub, capsys, *add, "--referral", world.gone_referral.id)
    assert code == 2 and "became a case: record the request with --case" in err
    assert _count(hub, SubjectRequest) == 0
    code, out, err = _cli(hub, capsys, *add, "--referral", waiting.id)
    assert code == 0 and f"for referral {waiting.id}" in out, err
    code, out, err = _cli(hub, capsys, *add, "--referral", recent.id)
    assert code == 0, err
    with Session(hub.engine) as s:
        first, second = s.scalars(select(SubjectRequest.id).order_by(SubjectRequest.id))
    code, out, _ = _cli(hub, capsys, "requests", "list", "--as-of", "2026-11-21")
    assert f"erasure\treferral {recent.id}\treceived 2026-11-20" in out

    code, _, err = _cli(hub, capsys, "requests", "carry-out", str(first))
    assert code == 2 and "the referral is on the waiting list" in err
    code, out, err = _cli(hub, capsys, "requests", "carry-out", str(second))

    assert code == 0, err
    assert f"Referral {recent.id} disposed of" in out
    assert _scan(hub, markers) == set()
    with Session(hub.engine) as s:
        disposal = s.get(Disposal, recent.id)
        request = s.get(SubjectRequest, second)
        assert disposal is not None and request is not None
        assert (disposal.basis, disposal.request_id, request.status) == (
            "erasure_request", second, "fulfilled")
        assert request.closing_note == "carried out: referral disposed of"


def _activity(tag: str, held_on: date, *, training: bool = False
              ) -> GroupSession | ProfessionalActivity:
    """Group work (or training) whose topic and notes are markers unique to ``tag``."""
    if training:
        return ProfessionalActivity(
            id=new_id(), held_on=held_on, activity_type=ActivityType.TRAINING,
            topic=f"Topic{tag}Zq", attendees_by_profession=((next(iter(Profession)), 7),),
            notes=f"Notes{tag}Zq")
    return GroupSession(id=new_id(), held_on=held_on, setting=GroupSetting.SCHOOL,
                        topic=f"Topic{tag}Zq", young_people_reached=9,
                        notes=f"Notes{tag}Zq named in passing.")


def _escalated(hub: RunningHub, visit_id: str) -> None:
    """Let the hub's escalation of an overdue visit happen now: tick a watcher of our own
    until the visit's alerts are stored and no watcher holds it (the hub's own may be the
    one that does it; both run the same rounds)."""
    watcher = Watcher(hub.engine, clock=hub.clock)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        watcher.tick()
        with Session(hub.engine) as s:
            watch = s.get(LoneWorkingWatch, visit_id)
            alerts = s.scalar(select(func.count()).select_from(LoneWorkingRecord).where(
                LoneWorkingRecord.visit_id == visit_id,
                LoneWorkingRecord.kind == "escalation_alert"))
        if watch is not None and watch.claimed_by is None and alerts:
            return
    raise AssertionError(f"visit {visit_id} was not escalated")


def test_group_work_and_training_past_the_rule_are_disposed_of_everywhere(
        hub: RunningHub, world: World, capsys: pytest.CaptureFixture[str]) -> None:
    """Group work and training have no case, but their notes may name young people and
    professionals: kept ``years_after_closure`` years after they were held, then erased on
    the hub and every laptop, their figures kept, a legal hold respected."""
    old = _activity("GroupOld", date(2014, 5, 1))
    trained = _activity("TrainOld", date(2015, 1, 10), training=True)
    held = _activity("GroupHeld", date(2014, 2, 2))
    recent = _activity("GroupNew", date(2021, 6, 1))
    world.worker.push_records(old, trained, held, recent)
    # Lone-working visits linked to no case: one ended in 2015, one never ended (nobody
    # stood it down: it waits), one linked to a case (it goes with the case, not here).
    ended = visit_plan(world.worker.user_id, datetime(2015, 3, 2, 15, 0, tzinfo=UTC),
                       location="PlaceVisitOldZq", buddy_name="BuddyVisitOldZq")
    never = visit_plan(world.worker.user_id, datetime(2015, 4, 2, 15, 0, tzinfo=UTC),
                       location="PlaceVisitOpenZq")
    linked = _ended_visit(world.worker, world.kept, "VisitLinked",
                          datetime(2014, 3, 11, 15, 0, tzinfo=UTC))
    world.worker.push_records(
        ended, CheckIn(id=new_id(), visit_id=ended.id, kind=CheckInKind.SAFE,
                       at=datetime(2015, 3, 2, 15, 30, tzinfo=UTC)),
        CheckIn(id=new_id(), visit_id=ended.id, kind=CheckInKind.END_VISIT,
                at=datetime(2015, 3, 2, 16, 30, tzinfo=UTC)),
        never)
    _escalated(hub, never.id)  # before the figures are read: the hub's watch does it anyway
    for laptop in (world.worker, world.supervisor, world.other):
        laptop.pull_all()
    gone = ["TopicGroupOldZq", "NotesGroupOldZq", "TopicTrainOldZq", "NotesTrainOldZq",
            "PlaceVisitOldZq", "BuddyVisitOldZq"]
    stay = ["TopicGroupHeldZq", "NotesGroupHeldZq", "TopicGroupNewZq", "NotesGroupNewZq",
            "PlaceVisitOpenZq", *_visit_markers("VisitLinked")]
    assert _scan(hub, gone + stay) == set(gone + stay)
    before = _report(world.supervisor)
    counts = {key: count for key, count, _ in before}
    assert (counts["groups.sessions"], counts["professionals.trained"]) == (2, 7)
    assert (counts["lone.visits"], counts["lone.check_ins"]) == (3, 4)
    code, _, err = _cli(hub, capsys, "retention", "hold", linked.id, "--reason",
                        "Fictional: a visit the case still needs.")
    assert code == 2 and f"linked to case {world.kept.id}: it goes with the case" in err
    code, _, err = _cli(hub, capsys, "retention", "hold", held.id, "--reason",
                        "Fictional inquiry asked for the 2014 group notes.")
    assert code == 0, err
    # Not due yet on the day before the sixth anniversary of the later one.
    code, _, err = _cli(hub, capsys, "retention", "dispose-activity", "--as-of", "2020-04-30")
    assert code == 2 and "No group work, training or lone-working visit is due" in err

    code, out, err = _cli(hub, capsys, "retention", "review", "--as-of", "2026-12-01")

    assert code == 0, err
    assert ("DUE\tgroup work, training and visits\t4 records held from 2014-05-01 to "
            "2015-04-02\t6 years after they were held") in out
    assert f"HELD\tgroup work\trecord {held.id} held on 2014-02-02" in out
    assert "Topic" not in out and "Notes" not in out  # ids and days only
    code, out, err = _cli(hub, capsys, "retention", "dispose-activity", "--as-of", "2026-12-01")
    assert code == 0, err
    assert "Disposed of 5 group work, training and lone-working records" in out
    assert "(1 visit)" in out and "1 visit due is not over yet" in out
    assert "every laptop (4 people)" in out and "cleaned" in out
    assert _scan(hub, gone + stay) == set(stay)
    assert _report(world.supervisor) == before  # the figures for 2014-15 stand
    for laptop in (world.worker, world.supervisor, world.other):
        purges = {(c["case_id"], json.dumps(c["payload"])) for c in laptop.pull_all()
                  if c["op"] == "purge"}
        assert purges == {(rid, '{"disposed": true}') for rid in (old.id, trained.id,
                                                                    ended.id)}
    fresh = hub.laptop(world.worker.user_id, name="Test laptop, enrolled later")
    pulled = {c["record_id"] for c in fresh.pull_all() if c["op"] != "purge"}
    assert old.id not in pulled and held.id in pulled and recent.id in pulled
    # A laptop that has not pulled cannot put it back; a second run finds nothing due.
    again = world.other.push(world.other.change(old))
    assert again.status_code == 409 and again.json()["error"] == "case_disposed"
    with Session(hub.engine) as s:
        assert s.get(HubRecord, old.id) is None
        detail = s.scalars(select(AuditEntry.detail).where(
            AuditEntry.action == "activity_disposed")).one()
    assert detail.startswith("group_sessions=1;professional_activity=1;visits=1;records=5;"
                             "tombstones=12;residue=5;")
    assert detail.endswith(";visits_not_over=1")
    with Session(hub.engine) as s:
        assert s.get(LoneWorkingWatch, ended.id) is None
        assert s.get(LoneWorkingWatch, never.id) is not None
    code, _, err = _cli(hub, capsys, "retention", "dispose-activity", "--as-of", "2026-12-01")
    assert code == 2 and "(1 visits due are not over yet)" in err


def test_a_restriction_takes_a_declined_referral_off_every_laptop_until_lifted(
        hub: RunningHub, world: World, capsys: pytest.CaptureFixture[str]) -> None:
    person, ref, markers = _declined(world.worker, "Restrict", dob=date(2011, 2, 3),
                                     decided=date(2026, 11, 2))
    letter = _letter(ref, "Letter from the school, fictional")
    world.worker.push_records(letter)
    ours = {ref.id, person.id, letter.id}
    assert ours <= {c["record_id"] for c in world.supervisor.pull_all()}
    world.worker.pull_all()
    status = f"/v1/attachments/{letter.sha256}"
    assert world.supervisor.http.get(status, headers=world.supervisor.auth).status_code == 200
    code, out, err = _cli(hub, capsys, "requests", "add", "--kind", "restriction",
                          "--referral", ref.id, "--received", "2026-11-20")
    assert code == 0, err
    with Session(hub.engine) as s:
        request_id = s.scalars(select(SubjectRequest.id)).one()

    code, out, err = _cli(hub, capsys, "requests", "carry-out", str(request_id))

    assert code == 0, err
    assert f"Referral {ref.id} is restricted" in out
    for laptop in (world.worker, world.supervisor):
        purges = [(c["case_id"], c["payload"]) for c in laptop.pull_all() if c["op"] == "purge"]
        assert purges == [(ref.id, None)]
    fresh = hub.laptop(world.supervisor.user_id, name="Test laptop, enrolled later")
    assert not ours & {c["record_id"] for c in fresh.pull_all() if c["op"] != "purge"}
    assert world.supervisor.http.get(status, headers=world.supervisor.auth).status_code == 404
    # Nothing of it is pushed either: an edit, a new letter on it.
    for change in (world.worker.change(replace(ref, reason="Edited while restricted.")),
                   world.worker.change(_letter(ref, "Another fictional letter"))):
        refused = world.worker.push(change)
        assert refused.status_code == 409 and refused.json()["error"] == "case_restricted"
    # The hub keeps it, and the officer (only) can still answer the young person from it.
    assert _scan(hub, markers) == set(markers)
    path = f"/v1/referrals/{ref.id}/file"
    refused = world.supervisor.http.get(path, headers=world.supervisor.auth)
    assert refused.status_code == 409 and refused.json()["error"] == "case_restricted"
    admin = hub.laptop(hub.admin.add_user("Test Admin", "admin"))
    assert admin.http.get(path, headers=admin.auth).status_code == 200
    code, _, err = _cli(hub, capsys, "requests", "carry-out", str(request_id))
    assert code == 2 and "cannot change again" in err

    code, out, err = _cli(hub, capsys, "requests", "lift-restriction", ref.id)

    assert code == 0, err
    assert f"Lifted the restriction on referral {ref.id}" in out
    assert ours <= {c["record_id"] for c in world.supervisor.pull_all()}
    back = next(c for c in world.worker.pull_all() if c["record_id"] == ref.id)
    edit = world.worker.change(replace(ref, reason="Edited after the restriction."),
                               base_seq=back["seq"], base=back["payload"])
    assert world.worker.push(edit).status_code == 200
    code, _, err = _cli(hub, capsys, "requests", "lift-restriction", ref.id)
    assert code == 2 and "not restricted" in err


# ------------------------------------------------------------------ links between teams
@dataclass
class Teams:
    """Team north: worker A and supervisor NS; team south: worker B and supervisor SS."""

    north: Laptop
    north_supervisor: Laptop
    south: Laptop
    south_supervisor: Laptop


@pytest.fixture
def teams(hub: RunningHub) -> Teams:
    return Teams(
        hub.laptop(hub.admin.add_user("Test Worker A North", "worker", "north")),
        hub.laptop(hub.admin.add_user("Test Supervisor North", "supervisor", "north")),
        hub.laptop(hub.admin.add_user("Test Worker B South", "worker", "south")),
        hub.laptop(hub.admin.add_user("Test Supervisor South", "supervisor", "south")))


def _handed_to_south(hub: RunningHub, teams: Teams, tag: str, *, dob: date = date(2010, 5, 6),
                     opened_on: date = date(2026, 1, 10)
                     ) -> tuple[YoungPerson, Referral, Case]:
    """North's worker opens a case (young person and referral, every text a marker); the
    administrator hands it to south's worker; north's laptop lets it go."""
    yp = young_person(1, name=f"Name{tag}Zq", reference=f"REF-{tag}-Zq", date_of_birth=dob)
    ref = referral(yp, reason=f"Reason{tag}Zq", received_on=opened_on - timedelta(days=5),
                   decided_on=opened_on - timedelta(days=1))
    opened = case(yp, ref, key_worker=teams.north.user_id, opened_on=opened_on)
    teams.north.push_records(yp, ref, opened)
    hub.admin.assign_case(opened.id, teams.south.user_id)
    assert [c["case_id"] for c in teams.north.pull_all() if c["op"] == "purge"] == [opened.id]
    return yp, ref, replace(opened, key_worker=teams.south.user_id)


def _closed_by(hub: RunningHub, laptop: Laptop, opened: Case, closed_on: date) -> Case:
    """``laptop`` closes the case (an edit of the hub's version, as pulled)."""
    laptop.pull_all()
    with Session(hub.engine) as s:
        row = s.get(HubRecord, opened.id)
        assert row is not None
        seq, body = row.seq, dict(row.body)
    closed = replace(opened, status=CaseStatus.CLOSED, closed_on=closed_on)
    response = laptop.push(laptop.change(closed, base_seq=seq, base=body))
    assert response.status_code == 200, response.text
    return closed


def _erasure(hub: RunningHub, capsys: pytest.CaptureFixture[str], case_id: str
             ) -> tuple[int, str, str]:
    """Record an erasure request about the case and carry it out."""
    code, _, err = _cli(hub, capsys, "requests", "add", "--kind", "erasure", "--case",
                          case_id, "--received", "2026-03-01")
    assert code == 0, err
    with Session(hub.engine) as s:
        request_id = max(s.scalars(select(SubjectRequest.id)))
    return _cli(hub, capsys, "requests", "carry-out", str(request_id))


def _team_report(laptop: Laptop, team: str, start: str = "2026-01-01",
                 end: str = "2026-03-31") -> list[tuple[str, Any, Any]]:
    response = laptop.http.get("/v1/reports", params={"from": start, "to": end,
                                                      "scope": f"team:{team}"},
                               headers=laptop.auth)
    assert response.status_code == 200, response.text
    return [(f["key"], f["count"], f["value"]) for f in response.json()["figures"]]


def _pulled_ids(laptop: Laptop) -> set[str]:
    return {c["record_id"] for c in laptop.pull_all() if c["op"] != "purge"}


def test_an_erasure_gives_nothing_to_another_teams_case_naming_the_young_person(
        hub: RunningHub, teams: Teams, capsys: pytest.CaptureFixture[str]) -> None:
    """North's worker opened a case about a young person whose case then went to south;
    her own case names them (offline work, or the ids she knew). Their erasure erases them:
    it does not hand them, or their referral, to her case."""
    yp, ref, moved = _handed_to_south(hub, teams, "Moved")
    own = case(yp, ref, key_worker=teams.north.user_id, opened_on=date(2026, 2, 1))
    assert teams.north.push(teams.north.change(own)).status_code == 200  # no new error
    assert not {yp.id, ref.id} & _pulled_ids(teams.north)
    _closed_by(hub, teams.south, moved, date(2026, 2, 20))
    south, north = (_team_report(teams.south_supervisor, "south"),
                    _team_report(teams.north_supervisor, "north"))

    code, out, err = _erasure(hub, capsys, moved.id)

    assert code == 0, err
    assert f"Case {moved.id} disposed of: 3 records erased on the hub;" in out
    assert "kept for another case" not in out
    assert (f"Links between it and 1 record of another team were ignored; those records are "
            f"left to the team that holds them: case {own.id}.") in out
    assert "NameMovedZq" not in out and "REF-Moved-Zq" not in out
    assert _count(hub, HubRecord, HubRecord.record_id.in_([yp.id, ref.id])) == 0
    assert _scan(hub, ["NameMovedZq", "REF-Moved-Zq", "ReasonMovedZq"]) == set()
    assert not {yp.id, ref.id} & _pulled_ids(teams.north)
    assert not {yp.id, ref.id} & _pulled_ids(teams.north_supervisor)
    # Past figures stay where they were: south's referral is not counted for north.
    assert _team_report(teams.south_supervisor, "south") == south
    assert _team_report(teams.north_supervisor, "north") == north
    # Her own case is still hers and takes her work: its link points at nothing now.
    assert teams.north.push(teams.north.change(session(own.id))).status_code == 200


def test_another_teams_erasure_leaves_her_case_header_editable(
        hub: RunningHub, teams: Teams, capsys: pytest.CaptureFixture[str]) -> None:
    """North's worker's own case names a young person (and referral) south holds: links her
    laptop wrote, which the push stores unchecked. South's erasure of them did not change
    her case, so her edits of its header are accepted as for any case she holds (the link
    to the erased records is treated as absent): they used to be refused 409
    ``case_disposed`` while her sessions were accepted. A record that newly names an
    erased one is still refused (contract C3), and nothing erased comes back."""
    yp, ref, moved = _handed_to_south(hub, teams, "Header")
    own = case(yp, ref, key_worker=teams.north.user_id, opened_on=date(2026, 2, 1))
    mine = young_person(7, reference="YP-NORTH-OWN")
    other = case(mine, key_worker=teams.north.user_id, opened_on=date(2026, 2, 2))
    teams.north.push_records(own, mine, other)
    _closed_by(hub, teams.south, moved, date(2026, 2, 20))
    code, _, err = _erasure(hub, capsys, moved.id)
    assert code == 0, err
    assert _count(hub, HubRecord, HubRecord.record_id.in_([yp.id, ref.id])) == 0

    closed = _closed_by(hub, teams.north, own, date(2026, 3, 5))  # 200, else it fails there

    with Session(hub.engine) as s:
        row = s.get(HubRecord, own.id)
        assert row is not None
        assert (row.body["status"], row.body["young_person_id"], row.body["referral_id"]) \
            == ("closed", yp.id, ref.id)  # her link as she wrote it, pointing at nothing
    assert closed.id == own.id
    # A new record naming the erased young person, or an edit that newly names them, is
    # refused as before and stores nothing.
    again = referral(yp, decision=ReferralDecision.PENDING, decided_on=None)
    refused = teams.north.push(teams.north.change(again))
    assert refused.status_code == 409 and refused.json()["error"] == "case_disposed"
    with Session(hub.engine) as s:
        held = s.get(HubRecord, other.id)
        assert held is not None
        seq, body = held.seq, dict(held.body)
    renamed = teams.north.change(replace(other, young_person_id=yp.id), base_seq=seq,
                                 base=body)
    refused = teams.north.push(renamed)
    assert refused.status_code == 409 and refused.json()["error"] == "case_disposed"
    assert _count(hub, HubRecord, HubRecord.record_id.in_([yp.id, ref.id, again.id])) == 0
    with Session(hub.engine) as s:
        kept = s.get(HubRecord, other.id)
        assert kept is not None and kept.body["young_person_id"] == mine.id
    assert not {yp.id, ref.id} & _pulled_ids(teams.north)
    assert not {yp.id, ref.id} & _pulled_ids(teams.north_supervisor)


def test_an_erasure_gives_nothing_to_another_teams_referral_naming_the_young_person(
        hub: RunningHub, teams: Teams, capsys: pytest.CaptureFixture[str]) -> None:
    """A declined referral of north's naming south's young person does not keep them at
    their erasure (with what south added since) for north."""
    yp, _, moved = _handed_to_south(hub, teams, "Named")
    theirs = referral(yp, decision=ReferralDecision.DECLINED, decline_reason="Fictional.",
                      decided_on=date(2026, 1, 9))
    assert teams.north.push(teams.north.change(theirs)).status_code == 200
    held = next(c for c in teams.south.pull_all() if c["record_id"] == yp.id)
    corrected = replace(yp, safe_numbers=("07700900999",), safe_number_whose=("aunt",),
                        safe_number_times=("evenings",))
    assert teams.south.push(teams.south.change(
        corrected, base_seq=held["seq"], base=held["payload"])).status_code == 200
    _closed_by(hub, teams.south, moved, date(2026, 3, 1))

    code, out, err = _erasure(hub, capsys, moved.id)

    assert code == 0, err
    assert f"referral {theirs.id}" in out and "ignored" in out
    assert _count(hub, HubRecord, HubRecord.record_id == yp.id) == 0
    assert yp.id not in _pulled_ids(teams.north)
    assert _scan(hub, ["NameNamedZq", "07700900999"]) == set()


def test_a_young_person_kept_for_their_teams_referral_stays_with_that_team(
        hub: RunningHub, teams: Teams, capsys: pytest.CaptureFixture[str]) -> None:
    """The case came from north, whose worker first wrote the young person. South declined
    a new referral about them; the case's disposal keeps them, with no case, for it: they
    stay with south (the case's key worker holds them) and never go back to north."""
    yp, _, moved = _handed_to_south(hub, teams, "Stays")
    again = referral(yp, decision=ReferralDecision.DECLINED, decline_reason="Fictional.",
                     received_on=date(2026, 2, 25), decided_on=date(2026, 2, 26))
    teams.south.push_records(again)
    teams.south_supervisor.pull_all()
    _closed_by(hub, teams.south, moved, date(2026, 3, 1))

    code, out, err = _erasure(hub, capsys, moved.id)

    assert code == 0, err
    assert "(1 kept for another case)" in out
    with Session(hub.engine) as s:
        kept = s.get(HubRecord, yp.id)
        assert kept is not None and kept.case_id is None
    assert yp.id not in _pulled_ids(teams.north)
    assert yp.id not in _pulled_ids(teams.north_supervisor)
    assert yp.id in _pulled_ids(teams.south_supervisor)
    pulled = next(c for c in teams.south.pull_all() if c["record_id"] == yp.id)
    assert pulled["author"] == teams.north.user_id  # still shown as who wrote it


def test_disposing_of_a_case_naming_another_teams_referral_leaves_that_referral(
        hub: RunningHub, teams: Teams, capsys: pytest.CaptureFixture[str]) -> None:
    """North's closed case names south's pending referral: its disposal erases north's
    case, not south's referral or the letter with it; south decides it as before and its
    figures stay south's."""
    person = young_person(2, reference="YP-PENDING", date_of_birth=date(2012, 6, 1))
    pending = referral(person, decision=ReferralDecision.PENDING, decided_on=None,
                       received_on=date(2026, 2, 1), reason="ReasonPendingZq")
    letter = _letter(pending, "LetterPendingZq")
    teams.south.push_records(person, pending, letter)
    feb = ("2026-02-01", "2026-02-28")
    south, north = (_team_report(teams.south_supervisor, "south", *feb),
                    _team_report(teams.north_supervisor, "north", *feb))
    made_up = young_person(9, reference="YP-N9", date_of_birth=date(1960, 1, 1))
    old = case(made_up, pending, key_worker=teams.north.user_id, opened_on=date(2001, 1, 1),
               status=CaseStatus.CLOSED, closed_on=date(2001, 1, 2))
    teams.north.push_records(made_up, old)

    code, out, err = _cli(hub, capsys, "retention", "dispose", old.id)

    assert code == 0, err
    assert f"Case {old.id} disposed of: 2 records erased on the hub;" in out
    assert f"ignored; those records are left to the team that holds them: referral " \
           f"{pending.id}." in out
    assert _count(hub, HubRecord, HubRecord.record_id.in_(
        [pending.id, letter.id, person.id])) == 3
    assert _scan(hub, ["ReasonPendingZq", "LetterPendingZq"]) == {
        "ReasonPendingZq", "LetterPendingZq"}
    decided = replace(pending, decision=ReferralDecision.ACCEPTED, decided_on=date(2026, 3, 1))
    held = next(c for c in teams.south.pull_all() if c["record_id"] == pending.id)
    response = teams.south.push(teams.south.change(decided, base_seq=held["seq"],
                                                   base=held["payload"]))
    assert response.status_code == 200, response.text
    assert _team_report(teams.south_supervisor, "south", *feb) == south
    assert _team_report(teams.north_supervisor, "north", *feb) == north


def test_another_teams_visit_linked_to_a_case_neither_blocks_nor_goes_with_its_disposal(
        hub: RunningHub, teams: Teams, capsys: pytest.CaptureFixture[str]) -> None:
    """A visit plan of north's, planned years ahead and linked to south's case, does not
    hold up south's disposal; it stays north's worker's (watched for her as before)."""
    yp, _, moved = _handed_to_south(hub, teams, "Planned", dob=date(1990, 1, 1),
                                    opened_on=date(2014, 1, 10))
    plan = visit_plan(teams.north.user_id, datetime(2031, 1, 1, 10, tzinfo=UTC),
                      linked_case_id=moved.id, amber_note="AmberPlannedZq")
    teams.north.push_records(plan)
    _closed_by(hub, teams.south, moved, date(2015, 1, 1))

    code, out, err = _cli(hub, capsys, "retention", "dispose", moved.id, "--as-of",
                          "2026-03-02")

    assert code == 0, err
    assert f"Case {moved.id} disposed of" in out and "lone-working visit" not in out
    assert f"visit {plan.id}." in out and "ignored" in out
    assert _count(hub, HubRecord, HubRecord.record_id.in_([moved.id, yp.id])) == 0
    with Session(hub.engine) as s:
        assert s.get(HubRecord, plan.id) is not None
        assert s.get(LoneWorkingWatch, plan.id) is not None
    # With the case gone it names nothing: listed as late, erased once it is over.
    code, out, _ = _cli(hub, capsys, "retention", "review", "--as-of", "2026-03-02")
    assert f"LATE\tvisit {plan.id}\tlinked to case {moved.id}" in out and "not yet" in out


def test_a_hold_on_another_teams_visit_linked_to_a_disposed_case_keeps_it(
        hub: RunningHub, teams: Teams, capsys: pytest.CaptureFixture[str]) -> None:
    """North's visit is linked to south's case; she is not in its audience, so the visit is
    hers, held by its own id. Once south's case is disposed of the visit is linked to a
    disposed case (listed LATE); its legal hold keeps it there as it would anywhere else:
    ``retention dispose`` of the case refuses to erase it until the hold is released."""
    _, _, moved = _handed_to_south(hub, teams, "HeldVisit", dob=date(1990, 1, 1),
                                   opened_on=date(2014, 1, 10))
    plan = _ended_visit(teams.north, moved, "HeldVisit",
                        datetime(2015, 2, 3, 15, tzinfo=UTC))
    code, _, err = _cli(hub, capsys, "retention", "hold", plan.id, "--reason",
                        "Fictional inquiry about this visit.")
    assert code == 0, err
    _closed_by(hub, teams.south, moved, date(2015, 1, 1))
    code, out, err = _cli(hub, capsys, "retention", "dispose", moved.id, "--as-of",
                          "2026-03-02")
    assert code == 0, err
    assert f"visit {plan.id}." in out and "ignored" in out
    code, out, _ = _cli(hub, capsys, "retention", "review", "--as-of", "2026-03-02")
    late_line = next(line for line in out.splitlines() if line.startswith("LATE"))
    assert f"visit {plan.id}" in late_line and "legal hold since" in late_line
    markers = _visit_markers("HeldVisit")
    audits = _count(hub, AuditEntry)

    code, _, err = _cli(hub, capsys, "retention", "dispose", moved.id)

    assert code == 2 and f"visit {plan.id} is under legal hold since" in err
    assert "Nothing changed" in err
    assert _scan(hub, markers) == set(markers)
    assert _count(hub, AuditEntry) == audits
    code, _, err = _cli(hub, capsys, "retention", "release", plan.id, "--reason",
                        "Fictional inquiry is over.")
    assert code == 0, err
    code, out, err = _cli(hub, capsys, "retention", "dispose", moved.id)
    assert code == 0, err
    assert "1 lone-working visit linked to it that reached the hub afterwards erased" in out
    assert _scan(hub, markers) == set()


def test_restricting_a_referral_leaves_another_teams_young_person_it_names(
        hub: RunningHub, teams: Teams, capsys: pytest.CaptureFixture[str]) -> None:
    """North's referral names a young person south holds with no case: restricting north's
    referral keeps north's referral off the laptops, not south's young person."""
    person = young_person(3, reference="YP-SOUTH-ONLY")
    teams.south.push_records(person)
    held = next(c for c in teams.south.pull_all() if c["record_id"] == person.id)
    theirs = referral(person, decision=ReferralDecision.DECLINED, decline_reason="Fictional.",
                      decided_on=date(2026, 2, 2))
    teams.north.push_records(theirs)
    code, _, err = _cli(hub, capsys, "requests", "add", "--kind", "restriction",
                        "--referral", theirs.id, "--received", "2026-03-01")
    assert code == 0, err
    with Session(hub.engine) as s:
        request_id = s.scalars(select(SubjectRequest.id)).one()

    code, out, err = _cli(hub, capsys, "requests", "carry-out", str(request_id))

    assert code == 0, err
    assert f"Referral {theirs.id} is restricted" in out
    assert theirs.id not in _pulled_ids(teams.north)
    edit = teams.south.change(replace(person, needs="Fictional: updated by south."),
                              base_seq=held["seq"], base=held["payload"])
    response = teams.south.push(edit)
    assert response.status_code == 200, response.text
    fresh = hub.laptop(teams.south_supervisor.user_id, name="Test laptop, enrolled later")
    assert person.id in _pulled_ids(fresh)
