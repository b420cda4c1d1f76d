"""Erased means erased on the laptops (issue 16): a case disposed of on the hub leaves no
readable byte on the laptops that held it, and pushed copies go once a hub backup holds them.

Real laptops (SQLCipher casebooks, the real sync engine) against a real hub on a loopback port,
on the embedded SQLite file and on PostgreSQL (the ``hub`` fixture). "No readable byte" is
checked the way someone with the casebook's data key and a hex editor would: every page of the
casebook file and every frame of its WAL is decrypted (``tests/helpers/sqlcipher_scan.py``),
free pages and free space included, and searched for marker strings put in every field of the
case's records, drafts and unsent changes. The markers of a case the laptop keeps ARE found,
which proves the scan reads what is there.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy.orm import Session as DbSession

from spokeapp.crypto.keyfile import KeyFile
from spokeapp.domain.ids import new_id
from spokeapp.domain.records import (
    CaseStatus,
    CheckIn,
    CheckInKind,
    ReferralDecision,
    SupervisionComment,
)
from spokeapp.domain.records.casework import GroupSession, GroupSetting
from spokeapp.hub.disposal import dispose, dispose_activity, lift_restriction, restrict
from spokeapp.hub.disposal import scrub as scrub_hub
from spokeapp.hub.ledger import lock_writes, max_seq, set_meta
from spokeapp.hub.pull import META_BACKUP_COVERS
from spokeapp.store.casebook import DB_NAME, KEY_NAME, Casebook
from spokeapp.store.database import backup_copy
from spokeapp.sync.engine import SyncEngine
from tests.helpers.hub import RunningHub
from tests.helpers.lone_working import visit_plan
from tests.helpers.records import (
    PASSPHRASE,
    SESSION_TIME,
    case,
    concern,
    new_casebook,
    referral,
    session,
    young_person,
)
from tests.helpers.sqlcipher_scan import find_markers

#: A day by which the retention rule (25th birthday or 6 years after closure) makes the
#: closed case due.
FAR_FUTURE = date(2070, 1, 1)


class Laptop:
    """One enrolled casebook with its engine and its data key (for the file scan)."""

    def __init__(self, hub: RunningHub, folder: Path, user_id: str, name: str) -> None:
        self.book, _ = new_casebook(folder / name, author=user_id)
        self.engine = SyncEngine(self.book)
        self.engine.enrol(hub.base_url, hub.admin.enrolment_code(user_id), name)
        self.key = KeyFile.read(self.book.profile / KEY_NAME).unlock(PASSPHRASE)

    def found(self, markers: list[str]) -> set[str]:
        """Which markers (as written, or lower-cased as the search index keeps words) are
        anywhere in the casebook file or its WAL, decrypted page by page."""
        every = [*markers, *(m.lower() for m in markers)]
        hits = find_markers(self.book.profile / DB_NAME, self.key, every)
        return {m for m in markers if m in hits or m.lower() in hits}

    def pushed_copies(self, text: str) -> int:
        """Pushed changes kept for a replay whose wire holds ``text`` (as a replay would send
        them: a copy may be kept as a reference to its change-log row, issue 18)."""
        return sum(text in wire for _start, rows in self.engine.store.replay_runs(0, 10**6)
                   for _pos, wire in rows)


@pytest.fixture
def laptops(hub: RunningHub, tmp_path: Path) -> Iterator[list[Laptop]]:
    made: list[Laptop] = []
    yield made
    for laptop in made:
        laptop.book.close()


class Markers:
    """Unique marker strings, one per field, none a prefix of another."""

    def __init__(self, tag: str) -> None:
        self.tag = tag
        self.made: list[str] = []

    def __call__(self) -> str:
        marker = f"Zyqa{self.tag}{len(self.made):03d}w"
        self.made.append(marker)
        return marker


def _write_case(book: Casebook, worker: str, mark: Markers, dob: date) -> str:
    """A young person, referral, case, finalised session and concern, a marker in every
    free-text field (and a date of birth of its own)."""
    yp = young_person(
        1, reference=f"YP-{mark()}", name=f"Test {mark()}", preferred_name=mark(),
        date_of_birth=dob, needs=f"Fictional needs {mark()}", gender=mark(),
    )
    ref = referral(
        yp, source_agency=f"Test {mark()} Council", reason=f"Fictional reason {mark()}",
        consent_notes=f"Fictional consent {mark()}",
    )
    cs = case(yp, ref, key_worker=worker)
    for record in (yp, ref, cs):
        book.save(record)
    book.save(session(cs.id, discussed=f"Fictional talk {mark()}",
                      young_persons_words=f'"{mark()}"', concerns=f"Fictional {mark()}",
                      actions=f"Fictional {mark()}"), finalise=True)
    book.save(concern(cs.id, summary=f"Fictional concern {mark()}",
                      their_reference=f"REF-{mark()}"), finalise=True)
    return cs.id


def _close(book: Casebook, case_id: str) -> None:
    record = book.get(case_id).record
    book.save(replace(record, status=CaseStatus.CLOSED,  # type: ignore[type-var]
                      closed_on=date(2026, 2, 20)))


def _dispose_on_hub(hub: RunningHub, case_id: str) -> None:
    """What ``spoke-hub retention dispose CASE_ID`` does (spokeapp/hub/disposal.py)."""
    with DbSession(hub.admin.engine) as db, db.begin():
        lock_writes(db)
        dispose(db, case_id, FAR_FUTURE)
    scrub_hub(hub.admin.engine)


def _unsent_work(laptop: Laptop, case_id: str, mark: Markers) -> None:
    """Everything a worker can leave on a laptop for a case without the hub having it."""
    book, store = laptop.book, laptop.engine.store
    # A draft edited many times (earlier versions left in freed space).
    draft = session(case_id, discussed=f"Draft {mark()}")
    for _ in range(5):
        draft = replace(draft, discussed=f"Draft {mark()}", young_persons_words=mark())
        book.save(draft)
    # A draft thrown away (its change-log rows still name it).
    thrown = session(case_id, discussed=f"Thrown away {mark()}")
    book.save(thrown)
    book.discard_draft(thrown.id)
    # A finalised session not yet sent: the hub refuses it (409 case_disposed).
    book.save(session(case_id, discussed=f"Unsent {mark()}", actions=mark()), finalise=True)
    # A concern held back (refused earlier): never sent, kept on the laptop.
    held = concern(case_id, summary=f"Held {mark()}", their_reference=mark())
    book.save(held, finalise=True)
    seqs = [c.seq for c in store.pending_changes() if c.record_id == held.id]
    store.hold_changes(seqs, "rejected")
    # The session form's half-typed draft, kept in the casebook's settings.
    book.set_setting("draft.session_form", json.dumps(
        {"case_id": case_id, "discussed": f"Half typed {mark()}"}))


def test_a_disposed_case_leaves_no_readable_byte_on_the_workers_and_supervisors_laptops(
    hub: RunningHub, laptops: list[Laptop], tmp_path: Path
) -> None:
    worker = hub.admin.add_user("Test Worker A", "worker", "north")
    supervisor = hub.admin.add_user("Test Supervisor", "supervisor", "north")
    work = Laptop(hub, tmp_path, worker, "work-laptop")
    laptops.append(work)
    # A casebook written by an earlier Spoke, before deletes were overwritten: every old
    # version stays in freed space until the casebook is rebuilt.
    with work.book.sync_reader() as db:
        db.execute("PRAGMA secure_delete = OFF")
    gone, kept = Markers("G"), Markers("K")
    disposed = _write_case(work.book, worker, gone, date(2007, 11, 29))
    other = _write_case(work.book, worker, kept, date(2008, 3, 17))
    _close(work.book, disposed)
    assert work.engine.sync_once().ok
    boss = Laptop(hub, tmp_path, supervisor, "supervisor-laptop")
    laptops.append(boss)
    assert boss.engine.sync_once().ok
    assert {row.case_id for row in boss.book.caseload()} == {disposed, other}
    boss.book.save(SupervisionComment(
        id=new_id(), case_id=disposed, author=supervisor, written_at=SESSION_TIME,
        text=f"Fictional comment {gone()}"))  # a draft: never sent
    _unsent_work(work, disposed, gone)
    with work.book.sync_reader() as db:  # an upgrade's backup copy also holds the case
        backup_copy(db, work.book.profile / DB_NAME, work.key, "v7")
    for laptop in (work, boss):  # the scan sees what is there
        assert laptop.found(gone.made[:14]) == set(gone.made[:14])

    # Unsent work on the other case goes in the same push as the refused change.
    work.book.save(session(other, discussed=f"Fictional unsent {kept()}"), finalise=True)

    _dispose_on_hub(hub, disposed)
    worker_sync = work.engine.sync_once()
    boss_sync = boss.engine.sync_once()

    assert worker_sync.ok and worker_sync.scrubbed
    assert worker_sync.dropped == 1 and worker_sync.accepted == 1
    assert boss_sync.ok and boss_sync.scrubbed
    for laptop in (work, boss):
        book = laptop.book
        assert [row.case_id for row in book.caseload()] == [other]
        assert book.records(case_id=disposed) == []
        assert book.search_notes(gone.made[10]) == []
        assert laptop.engine.store.held() == [] and laptop.engine.status().waiting == 0
        assert laptop.pushed_copies(disposed) == 0
        assert laptop.found([*gone.made, "2007-11-29"]) == set()
        assert laptop.found([*kept.made, "2008-03-17"]) == {*kept.made, "2008-03-17"}
    assert work.book.setting("draft.session_form") is None
    assert not [p for p in (work.book.profile / "backups").rglob("*") if p.is_file()]
    # The laptop carries on: new work on the other case reaches the hub.
    work.book.save(session(other, discussed="Fictional session after the disposal."),
                   finalise=True)
    after = work.engine.sync_once()
    assert after.ok and after.accepted == 1 and not after.scrubbed


def test_a_reassigned_cases_notes_leave_the_pushed_copies_once_a_hub_backup_holds_them(
    hub: RunningHub, laptops: list[Laptop], tmp_path: Path
) -> None:
    old = hub.admin.add_user("Test Worker Old", "worker", "north")
    new = hub.admin.add_user("Test Worker New", "worker", "north")
    work = Laptop(hub, tmp_path, old, "old-laptop")
    laptops.append(work)
    moving, staying = Markers("M"), Markers("S")
    moved = _write_case(work.book, old, moving, date(2009, 5, 6))
    _write_case(work.book, old, staying, date(2010, 6, 7))
    assert work.engine.sync_once().ok
    hub.admin.assign_case(moved, new)
    assert work.engine.sync_once().purged == 5
    # The purge removed the case, but the payloads pushed from here are still kept for
    # sending again if the hub is restored from a backup that lacks them.
    assert work.pushed_copies(moving.made[10]) == 1

    with DbSession(hub.admin.engine) as db, db.begin():  # what `spoke-hub backup` records
        lock_writes(db)
        set_meta(db, META_BACKUP_COVERS, str(max_seq(db)))
    report = work.engine.sync_once()

    assert report.ok
    assert work.pushed_copies(moving.made[10]) == 0 and work.pushed_copies(moved) == 0
    assert work.found(moving.made) == set()
    assert work.found(staying.made) == set(staying.made)
    # A hub restored from that backup still gets this laptop's chain continued: nothing is
    # sent again (the backup holds it all) and new work is accepted.
    hub.admin.restore_epoch()
    restored = work.engine.sync_once()
    assert restored.ok and restored.hub_restored and restored.repushed == 0
    work.book.save(session(work.book.caseload()[0].case_id), finalise=True)
    assert work.engine.sync_once().accepted == 1


def test_without_a_hub_backup_every_pushed_copy_is_kept_for_a_restore(
    hub: RunningHub, laptops: list[Laptop], tmp_path: Path
) -> None:
    worker = hub.admin.add_user("Test Worker A", "worker", "north")
    work = Laptop(hub, tmp_path, worker, "work-laptop")
    laptops.append(work)
    mark = Markers("B")
    case_id = _write_case(work.book, worker, mark, date(2009, 5, 6))
    assert work.engine.sync_once().ok

    assert work.engine.sync_once().ok  # the hub knows of no backup

    assert work.pushed_copies(case_id) == 3  # the case, its session and its concern
    hub.admin.restore_epoch()
    restored = work.engine.sync_once()
    assert restored.ok and restored.repushed == 5 and restored.duplicates == 5


def test_a_visit_under_way_outlives_its_disposed_case_until_it_is_over_and_sent(
    hub: RunningHub, laptops: list[Laptop], tmp_path: Path
) -> None:
    worker = hub.admin.add_user("Test Worker A", "worker", "north")
    work = Laptop(hub, tmp_path, worker, "work-laptop")
    laptops.append(work)
    gone = Markers("V")
    disposed = _write_case(work.book, worker, gone, date(2007, 11, 29))
    _close(work.book, disposed)
    assert work.engine.sync_once().ok
    # Offline, the worker plans a visit linked to the case and checks in on it; meanwhile
    # the case is disposed of on the hub, which has not heard of the visit.
    start = datetime.now(UTC) - timedelta(minutes=20)
    place = f"Fictional cafe {gone()}"
    plan = visit_plan(worker, start, linked_case_id=disposed, location=place)
    work.book.save(plan, finalise=True)
    work.book.save(CheckIn(id=new_id(), visit_id=plan.id, kind=CheckInKind.SAFE,
                           at=start + timedelta(minutes=10)), finalise=True)
    _dispose_on_hub(hub, disposed)

    during = work.engine.sync_once()

    assert during.ok and during.scrubbed
    assert work.book.records(case_id=disposed) == []
    assert work.book.get(plan.id).record == plan  # she is still out: her visit stays
    assert work.found(gone.made[:-1]) == set() and work.found([place]) == {place}
    work.book.save(CheckIn(id=new_id(), visit_id=plan.id, kind=CheckInKind.END_VISIT,
                           at=datetime.now(UTC)), finalise=True)

    after = work.engine.sync_once()

    assert after.ok and after.accepted == 1 and after.scrubbed  # the end reached the hub
    assert [r for r in work.book.records() if r.record.id == plan.id] == []
    assert work.found([place]) == set()


def _worker_and_supervisor(hub: RunningHub, laptops: list[Laptop], tmp_path: Path
                           ) -> tuple[str, Laptop, Laptop]:
    """Team north's worker (their id and laptop) and their supervisor's laptop."""
    worker = hub.admin.add_user("Test Worker A", "worker", "north")
    supervisor = hub.admin.add_user("Test Supervisor B", "supervisor", "north")
    work = Laptop(hub, tmp_path, worker, "work-laptop")
    watch = Laptop(hub, tmp_path, supervisor, "supervisor-laptop")
    laptops += [work, watch]
    return worker, work, watch


def test_a_late_visit_of_a_disposed_case_leaves_the_supervisors_laptop_once_erased(
    hub: RunningHub, laptops: list[Laptop], tmp_path: Path
) -> None:
    worker, work, watch = _worker_and_supervisor(hub, laptops, tmp_path)
    gone = Markers("L")
    disposed = _write_case(work.book, worker, gone, date(2007, 11, 29))
    _close(work.book, disposed)
    assert work.engine.sync_once().ok and watch.engine.sync_once().ok
    start = datetime.now(UTC) - timedelta(minutes=20)
    place = f"Fictional cafe {gone()}"
    plan = visit_plan(worker, start, linked_case_id=disposed, location=place)
    work.book.save(plan, finalise=True)
    _dispose_on_hub(hub, disposed)
    assert work.engine.sync_once().ok  # the plan reaches the hub after the disposal
    assert watch.engine.sync_once().ok
    assert watch.book.get(plan.id).record == plan and watch.found([place]) == {place}
    work.book.save(CheckIn(id=new_id(), visit_id=plan.id, kind=CheckInKind.END_VISIT,
                           at=datetime.now(UTC)), finalise=True)
    assert work.engine.sync_once().ok
    assert watch.engine.sync_once().ok
    assert watch.book.get(plan.id).record == plan  # kept until the hub erases it

    _dispose_on_hub(hub, disposed)  # the officer runs the disposal again: the late visit goes
    result = watch.engine.sync_once()

    assert result.ok and result.scrubbed
    assert [r for r in watch.book.records() if r.record.id == plan.id] == []
    assert watch.found([place]) == set()


def test_group_work_and_old_visits_past_the_rule_leave_every_laptop_that_held_them(
    hub: RunningHub, laptops: list[Laptop], tmp_path: Path
) -> None:
    worker, work, watch = _worker_and_supervisor(hub, laptops, tmp_path)
    mark = Markers("G")
    old = GroupSession(id=new_id(), held_on=date(2014, 5, 1), setting=GroupSetting.SCHOOL,
                       topic=f"Fictional talk {mark()}", young_people_reached=8,
                       notes=f"Fictional notes {mark()}")
    recent = GroupSession(id=new_id(), held_on=date(2025, 5, 1), setting=GroupSetting.SCHOOL,
                          topic=f"Fictional talk {mark()}", young_people_reached=8)
    work.book.save(old, finalise=True)
    work.book.save(recent, finalise=True)
    start = datetime(2015, 3, 2, 15, 0, tzinfo=UTC)  # a visit linked to no case, ended
    visit = visit_plan(worker, start, location=f"Fictional hall {mark()}")
    work.book.save(visit, finalise=True)
    for kind, minutes in ((CheckInKind.SAFE, 30), (CheckInKind.END_VISIT, 90)):
        work.book.save(CheckIn(id=new_id(), visit_id=visit.id, kind=kind,
                               at=start + timedelta(minutes=minutes)), finalise=True)
    assert work.engine.sync_once().ok and watch.engine.sync_once().ok
    assert watch.found(mark.made) == set(mark.made)
    assert len(watch.book.records("check_in")) == 2
    with DbSession(hub.admin.engine) as db, db.begin():
        lock_writes(db)
        dispose_activity(db, FAR_FUTURE.replace(year=2026))
    scrub_hub(hub.admin.engine)

    for laptop in (work, watch):
        result = laptop.engine.sync_once()
        assert result.ok and result.scrubbed
        assert [r.record.id for r in laptop.book.records("group_session")] == [recent.id]
        assert laptop.book.records("visit_plan") == []
        assert laptop.book.records("check_in") == []  # the visit's records went with it
        assert laptop.found(mark.made) == {mark.made[2]}  # the recent one's topic only
        assert laptop.book.search_notes("Fictional notes") == []


def test_a_restricted_referral_with_no_case_leaves_the_laptops_until_lifted(
    hub: RunningHub, laptops: list[Laptop], tmp_path: Path
) -> None:
    _worker, work, watch = _worker_and_supervisor(hub, laptops, tmp_path)
    mark = Markers("R")
    person = young_person(3, reference=f"YP-{mark()}", name=f"Test {mark()}",
                          date_of_birth=date(2012, 3, 4))
    declined = referral(person, source_agency=f"Test {mark()} Council",
                        reason=f"Fictional reason {mark()}",
                        decision=ReferralDecision.DECLINED, decided_on=date(2026, 11, 2),
                        decline_reason=f"Fictional {mark()}")
    work.book.save(person)
    work.book.save(declined)
    assert work.engine.sync_once().ok and watch.engine.sync_once().ok
    assert watch.found(mark.made) == set(mark.made)
    with DbSession(hub.admin.engine) as db, db.begin():
        lock_writes(db)
        restrict(db, declined.id)

    for laptop in (work, watch):
        result = laptop.engine.sync_once()
        assert result.ok and result.scrubbed
        assert laptop.book.records("referral") == []
        assert laptop.book.records("young_person") == []
    # Gone from every byte of the supervisor's casebook. The worker's laptop keeps the copies
    # it pushed until a hub backup holds them, as for a restricted or reassigned case
    # (test_a_reassigned_cases_notes_leave_the_pushed_copies_once_a_hub_backup_holds_them).
    assert watch.found(mark.made) == set()

    with DbSession(hub.admin.engine) as db, db.begin():
        lock_writes(db)
        lift_restriction(db, declined.id)
    assert watch.engine.sync_once().ok
    assert [r.record.id for r in watch.book.records("referral")] == [declined.id]
    assert [r.record.id for r in watch.book.records("young_person")] == [person.id]
