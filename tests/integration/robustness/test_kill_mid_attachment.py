"""A laptop killed while documents move (battery, forced shutdown) loses and repeats nothing.

A child process opens an enrolled casebook and runs ``sync_once`` against a real hub; the test
SIGKILLs it at a random moment after the attachments phase began, again and again, first on the
laptop sending three files, then on a second laptop of the same worker fetching them. After
each kill the casebook passes SQLite's integrity check; then one clean sync must finish, and:

* the hub holds each file once: one row, exactly one row per chunk, complete;
* the second laptop's copies hash to their names and match what was attached, byte for byte.

SPOKE_ATTACHMENT_KILLS changes the number of kills per laptop; SPOKE_SYNC_KILL_SEED replays.
"""

from __future__ import annotations

import os
import random
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from spokeapp.domain.attachments import chunk_count
from spokeapp.hub.models import HubAttachment, HubAttachmentChunk
from spokeapp.store.attachments import AttachmentStore
from spokeapp.store.casebook import Casebook
from spokeapp.sync.engine import SyncEngine
from tests.helpers.hub import RunningHub
from tests.helpers.records import PASSPHRASE
from tests.helpers.sync_world import Device, World, closing_world, open_case
from tests.integration.robustness.sync_child import run_and_kill

KILLS = int(os.environ.get("SPOKE_ATTACHMENT_KILLS", "8"))
SEED = int(os.environ.get("SPOKE_SYNC_KILL_SEED", str(random.SystemRandom().randrange(2**32))))
#: Three files, 160 chunks (10 MB) in all: about a second on loopback, so kills a fraction of
#: a second into the phase land inside it again and again.
SIZES = (80 * 65536 + 17, 50 * 65536, 29 * 65536 + 4000)
MAX_RUNS = 5 * KILLS


def _kill_again_and_again(device: Device, rng: random.Random, log: Path) -> tuple[int, int]:
    """Run the sync child on ``device``'s casebook, killing it inside the attachments phase,
    until KILLS kills landed; returns (kills, runs)."""
    device.book.close()
    kills = runs = 0
    window = 0.25
    while kills < KILLS:
        runs += 1
        assert runs <= MAX_RUNS, f"only {kills} kills landed while files moved in {runs} runs"
        killed, phase, _elapsed = run_and_kill(
            device.profile, device.user_id, 1000, rng.uniform(0.0, window), log,
            after_phase="attachments",
        )
        if killed and phase == "attachments":
            kills += 1
        elif not killed:
            window = max(0.05, 0.8 * window)  # the files had all moved: aim earlier
        book = Casebook.open(device.profile, PASSPHRASE, author=device.user_id)
        try:
            assert book.integrity_ok(), f"casebook damaged after run {runs}"
            store = AttachmentStore(book)
            if not store.uploads_waiting() and not store.downloads_waiting():
                break  # everything moved before KILLS kills landed: the window said so
        finally:
            book.close()
    device.book = Casebook.open(device.profile, PASSPHRASE, author=device.user_id)
    device.engine = SyncEngine(device.book, device.route)
    return kills, runs


def _hub_holds(world: World, sha256: str) -> tuple[int, int, bool]:
    with world.hub_session() as db:
        stored = db.get(HubAttachment, sha256)
        chunks = db.scalar(select(func.count()).select_from(HubAttachmentChunk)
                           .where(HubAttachmentChunk.sha256 == sha256))
        return (0 if stored is None else 1), int(chunks or 0), bool(stored and stored.complete)


@pytest.mark.slow
def test_a_laptop_killed_while_documents_move_finishes_with_one_copy_and_every_byte(
    hub: RunningHub, tmp_path: Path
) -> None:
    rng = random.Random(SEED)
    print(f"SPOKE_SYNC_KILL_SEED={SEED}")
    with closing_world(hub, tmp_path) as world:
        worker = world.add_user("Test Worker A", "worker", "north")
        laptop = world.device(worker, "laptop")
        spare = world.device(worker, "spare-laptop")
        case_id = open_case(laptop.book, worker, 1).id
        files = {}
        for n, size in enumerate(SIZES):
            data = rng.randbytes(size)
            attachment = laptop.book.attach(
                data, case_id=case_id, title=f"Fictional scan {n}",
                document_date=date(2026, 12, 1), file_name=f"scan-{n}.png")
            files[attachment.sha256] = data

        sending = _kill_again_and_again(laptop, rng, tmp_path / "laptop.log")
        report = laptop.sync()
        assert report.ok, report.error
        assert not AttachmentStore(laptop.book).uploads_waiting()
        for sha256, data in files.items():
            assert _hub_holds(world, sha256) == (1, chunk_count(len(data)), True), sending

        fetching = _kill_again_and_again(spare, rng, tmp_path / "spare.log")
        report = spare.sync()
        assert report.ok, report.error
        assert spare.book.integrity_ok()
        assert not AttachmentStore(spare.book).downloads_waiting()
        for sha256, data in files.items():
            assert spare.book.attachment_bytes(sha256) == data
        print(f"sending: {sending[0]} kills in {sending[1]} runs; "
              f"fetching: {fetching[0]} kills in {fetching[1]} runs")
        assert sending[0] >= KILLS // 2 and fetching[0] >= KILLS // 2, (sending, fetching)
