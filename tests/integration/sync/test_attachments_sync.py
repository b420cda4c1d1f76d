"""Attached documents sync like everything else (issue 20, docs/attachments.md).

Real laptops (SQLCipher casebooks, the real sync engine) and a real hub on a loopback port, on
the embedded SQLite file and on PostgreSQL (the ``hub`` fixture):

* a worker attaches a file offline, syncs, and her supervisor's laptop gets the record and
  the bytes; a worker of another team gets neither;
* an upload and a download cut at random points (the fault proxy drops connections, loses
  replies, truncates answers, and the laptop is restarted between runs) finish, the hub holds
  exactly one copy of each chunk, and the bytes arrive whole;
* a check-in written while a file crawls up a 1 Mbit/s link reaches the hub long before the
  file does.
"""

from __future__ import annotations

import os
import random
import threading
import time
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session as DbSession

from spokeapp.domain.attachments import chunk_count
from spokeapp.domain.ids import new_id
from spokeapp.domain.records import CaseStatus, CheckIn, CheckInKind, ReferralDecision
from spokeapp.hub.disposal import dispose
from spokeapp.hub.disposal import scrub as scrub_hub
from spokeapp.hub.ledger import lock_writes
from spokeapp.hub.models import HubAttachment, HubAttachmentChunk, HubRecord
from spokeapp.store.attachments import AttachmentStore
from spokeapp.sync.engine import SyncEvent
from tests.helpers.fault_proxy import FaultPlan
from tests.helpers.hub import RunningHub
from tests.helpers.lone_working import visit_plan
from tests.helpers.records import case, referral, young_person
from tests.helpers.sync_world import Device, World, closing_world, open_case

SEED = int(os.environ.get("SPOKE_ATTACHMENT_SEED", str(random.SystemRandom().randrange(2**32))))
#: One connection in seven meets a fault: a sync makes a few calls before the files move, so
#: rougher plans make most runs end before the first chunk (the test then only costs time).
ROUGH = FaultPlan(
    weights={"drop": 0.05, "lose_reply": 0.05, "truncate": 0.05, "delay": 0.05, "clean": 0.8},
)


def _fictional_bytes(size: int, seed: int) -> bytes:
    return random.Random(seed).randbytes(size)


def _hub_copies(world: World, sha256: str) -> tuple[int, int]:
    """(file rows, chunk rows) the hub holds for ``sha256``."""
    with world.hub_session() as db:
        files = db.scalar(select(func.count()).select_from(HubAttachment)
                          .where(HubAttachment.sha256 == sha256))
        chunks = db.scalar(select(func.count()).select_from(HubAttachmentChunk)
                           .where(HubAttachmentChunk.sha256 == sha256))
    return int(files or 0), int(chunks or 0)


def _synced_until_quiet(device: Device, runs: int = 100) -> int:
    """Sync until a run ends cleanly with no file waiting in either direction."""
    for run in range(1, runs + 1):
        report = device.sync()
        store = AttachmentStore(device.book)
        if report.ok and not store.uploads_waiting() and not store.downloads_waiting():
            return run
        if run % 3 == 0:
            device.restart()  # the laptop died and came back: the engine starts afresh
    raise AssertionError(f"{device.name} still had files to move after {runs} runs")


def test_a_file_attached_offline_reaches_the_supervisor_and_nobody_else(
    hub: RunningHub, tmp_path: Path
) -> None:
    with closing_world(hub, tmp_path) as world:
        worker = world.add_user("Test Worker A", "worker", "north")
        supervisor = world.add_user("Test Supervisor B", "supervisor", "north")
        stranger = world.add_user("Test Worker C", "worker", "south")
        laptop = world.device(worker, "laptop")
        case_id = open_case(laptop.book, worker, 1).id
        letter = b"%PDF-1.4 fictional referral letter for a fictional young person\n" * 3000
        attachment = laptop.book.attach(
            letter, case_id=case_id, title="Referral letter (fictional)",
            document_date=date(2026, 11, 30), file_name="letter.pdf",
        )
        assert laptop.sync().ok
        assert _hub_copies(world, attachment.sha256) == (1, chunk_count(len(letter)))
        assert not AttachmentStore(laptop.book).uploads_waiting()

        office = world.device(supervisor, "supervisor-laptop")
        report = office.sync()
        assert report.ok and report.files_received == 1
        [row] = office.book.attachments(case_id)
        assert row.attachment.title == "Referral letter (fictional)"
        assert row.has_bytes and row.added_by == worker
        assert office.book.attachment_bytes(attachment.sha256) == letter

        elsewhere = world.device(stranger, "other-team-laptop")
        assert elsewhere.sync().ok
        assert elsewhere.book.attachments(case_id) == []
        assert not AttachmentStore(elsewhere.book).downloads_waiting()


def test_transfers_cut_at_random_points_finish_with_one_copy_on_the_hub(
    hub: RunningHub, tmp_path: Path
) -> None:
    print(f"SPOKE_ATTACHMENT_SEED={SEED}")
    with closing_world(hub, tmp_path) as world:
        worker = world.add_user("Test Worker A", "worker", "north")
        laptop = world.device(worker, "laptop")
        spare = world.device(worker, "spare-laptop")
        case_id = open_case(laptop.book, worker, 1).id
        assert laptop.sync().ok  # the case first, cleanly: the faults below are for the files
        photo = _fictional_bytes(20 * 65536 + 123, SEED)  # 21 chunks, the last one short
        drawing = _fictional_bytes(7 * 65536, SEED + 1)
        sent = [
            laptop.book.attach(data, case_id=case_id, title=f"Fictional file {n}",
                               document_date=date(2026, 12, 1), file_name=f"file-{n}.png")
            for n, data in enumerate((photo, drawing))
        ]
        laptop.route.proxy = world.proxy(SEED, ROUGH)
        runs = _synced_until_quiet(laptop)
        for attachment, data in zip(sent, (photo, drawing), strict=True):
            assert _hub_copies(world, attachment.sha256) == (1, chunk_count(len(data))), runs

        spare.route.proxy = world.proxy(SEED + 2, ROUGH)
        _synced_until_quiet(spare)
        for attachment, data in zip(sent, (photo, drawing), strict=True):
            assert spare.book.attachment_bytes(attachment.sha256) == data
        faults = sum(n for fault, n in laptop.route.proxy.counts.items() if fault != "clean")
        assert faults > 0, "the proxy cut nothing: the test proved nothing"


def test_a_check_in_during_a_slow_upload_reaches_the_hub_within_a_chunk(
    hub: RunningHub, tmp_path: Path
) -> None:
    with closing_world(hub, tmp_path) as world:
        worker = world.add_user("Test Worker A", "worker", "north")
        laptop = world.device(worker, "laptop")
        case_id = open_case(laptop.book, worker, 1).id
        plan = visit_plan(worker, datetime.now(UTC) - timedelta(minutes=5))
        laptop.book.save(plan, finalise=True)
        assert laptop.sync().ok
        # 1 Mbit/s each way: the file takes ~8 s to go up; a chunk ~0.5 s.
        laptop.route.proxy = world.proxy(SEED, FaultPlan(weights={"clean": 1.0}))
        laptop.route.proxy.set_bandwidth(1_000_000)
        big = _fictional_bytes(16 * 65536, SEED)
        attachment = laptop.book.attach(big, case_id=case_id, title="Fictional photo",
                                        document_date=date(2026, 12, 1), file_name="p.jpg")
        uploading = threading.Event()

        def on_event(event: SyncEvent) -> None:
            if event.kind == "progress" and event.phase == "attachments" and event.done >= 2:
                uploading.set()

        laptop.engine.set_listener(on_event)
        results = []
        sync = threading.Thread(target=lambda: results.append(laptop.sync()))
        sync.start()
        assert uploading.wait(60), "the upload never started"
        check_in = CheckIn(id=new_id(), visit_id=plan.id, kind=CheckInKind.SAFE,
                           at=datetime.now(UTC))
        laptop.book.save(check_in, finalise=True)
        written = time.monotonic()
        arrived = None
        while arrived is None and sync.is_alive():
            with world.hub_session() as db:
                if db.get(HubRecord, check_in.id) is not None:
                    arrived = time.monotonic() - written
            time.sleep(0.02)
        sync.join(120)
        assert results and results[0].ok, results
        assert arrived is not None, "the check-in waited for the whole file"
        # One chunk (~0.52 s at 1 Mbit/s) plus the check-in's own push: under 2 s even on a
        # busy machine; the benchmark reports the figure against the 1 s goal.
        print(f"check-in reached the hub {arrived:.2f} s after it was written")
        assert arrived < 2.0, f"the check-in took {arrived:.2f} s"
        assert _hub_copies(world, attachment.sha256)[1] == chunk_count(len(big))


def test_a_disposed_case_leaves_no_attachment_bytes_on_the_hub_or_the_laptops(
    hub: RunningHub, tmp_path: Path
) -> None:
    with closing_world(hub, tmp_path) as world:
        worker = world.add_user("Test Worker A", "worker", "north")
        supervisor = world.add_user("Test Supervisor B", "supervisor", "north")
        laptop = world.device(worker, "laptop")
        office = world.device(supervisor, "supervisor-laptop")
        gone_id = open_case(laptop.book, worker, 1).id
        kept_id = open_case(laptop.book, worker, 2).id
        gone = laptop.book.attach(_fictional_bytes(3 * 65536, 1), case_id=gone_id,
                                  title="Fictional consent form", document_date=date(2026, 2, 1),
                                  file_name="consent.pdf")
        kept = laptop.book.attach(_fictional_bytes(65536, 2), case_id=kept_id,
                                  title="Fictional drawing", document_date=date(2026, 2, 1),
                                  file_name="drawing.png")
        record = laptop.book.get(gone_id).record
        laptop.book.save(replace(record, status=CaseStatus.CLOSED,  # type: ignore[type-var]
                                 closed_on=date(2026, 2, 20)))
        assert laptop.sync().ok and office.sync().ok
        assert office.book.attachment_bytes(gone.sha256)

        with DbSession(hub.admin.engine) as db, db.begin():
            lock_writes(db)
            dispose(db, gone_id, date(2070, 1, 1))
        scrub_hub(hub.admin.engine)
        assert _hub_copies(world, gone.sha256) == (0, 0)
        assert _hub_copies(world, kept.sha256) == (1, 1)
        for device in (laptop, office):
            assert device.sync().ok
            with device.book.sync_reader() as db:
                left = {row[0] for row in db.execute(
                    "SELECT DISTINCT sha256 FROM attachment_chunks")}
            assert left == {kept.sha256}, device.name


def test_a_referral_letter_added_before_the_case_follows_the_case_to_its_next_worker(
    hub: RunningHub, tmp_path: Path
) -> None:
    with closing_world(hub, tmp_path) as world:
        first = world.add_user("Test Worker A", "worker", "north")
        second = world.add_user("Test Worker C", "worker", "south")
        laptop = world.device(first, "laptop")
        yp = young_person(7)
        ref = referral(yp, decision=ReferralDecision.PENDING, decided_on=None)
        laptop.book.save(yp)
        laptop.book.save(ref)
        letter = b"Fictional referral letter from a fictional school.\n" * 4000
        attachment = laptop.book.attach(
            letter, case_id=None, attached_kind="referral", attached_to=ref.id,
            title="Referral letter", document_date=date(2026, 1, 5), file_name="letter.txt")
        assert laptop.sync().ok
        accepted = replace(ref, decision=ReferralDecision.ACCEPTED, decided_on=date(2026, 1, 9))
        laptop.book.save(accepted)
        cs = case(yp, accepted, key_worker=first)
        laptop.book.save(cs)
        assert laptop.sync().ok

        hub.admin.assign_case(cs.id, second)  # to a worker of another team
        other = world.device(second, "other-laptop")
        report = other.sync()
        assert report.ok and report.files_received == 1
        assert [row.attachment.id for row in other.book.attachments(cs.id)] == [attachment.id]
        assert other.book.attachment_bytes(attachment.sha256) == letter
