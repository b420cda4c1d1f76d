"""The hub process killed (SIGKILL) while a laptop pushes batches loses and duplicates nothing.

``spoke-hub serve`` runs as a child process on a real database (encrypted SQLite file or
PostgreSQL). A laptop with thousands of sessions waiting starts pushing; once the first batch
is acknowledged the hub is killed at a random moment, then restarted on the same database,
several times, with more work written in between. After the laptop syncs cleanly: every
session it finalised is on the hub exactly once, and a fresh laptop pulls each record once.
"""

from __future__ import annotations

import os
import random
import threading
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from spokeapp.hub.models import HubChange
from spokeapp.store.casebook import Casebook
from spokeapp.sync.engine import SyncEngine, SyncEvent, SyncReport
from spokeapp.sync.protocol import MAX_BATCH_BYTES
from tests.helpers.hub import HubAdmin, ManualClock, RunningHub, prepare_database, spawn_hub
from tests.helpers.records import session
from tests.helpers.sync_world import closing_world, open_case

KILLS = int(os.environ.get("SPOKE_HUB_KILLS", "4"))
SEED = int(os.environ.get("SPOKE_HUB_KILL_SEED", str(random.SystemRandom().randrange(2**32))))
# Long notes, so batches are bounded by bytes (about PER_BATCH sessions each) and a round is
# about four batches, whatever MAX_BATCH_CHANGES is.
PER_BATCH = 150
NOTE = "A long fictional note about college, the bus and football. " * (
    MAX_BATCH_BYTES // PER_BATCH // 60
)
SESSIONS_PER_ROUND = 4 * PER_BATCH


def _write(book: Casebook, case_id: str, count: int, tag: int, finals: set[str]) -> None:
    for i in range(count):
        visit = session(case_id, discussed=f"Fictional session {tag}.{i}. {NOTE}")
        book.save(visit, finalise=True)
        finals.add(visit.id)


@pytest.mark.slow
def test_a_hub_killed_mid_push_and_restarted_loses_and_duplicates_nothing(
    database_url: str, tmp_path: Path
) -> None:
    rng = random.Random(SEED)
    print(f"SPOKE_HUB_KILL_SEED={SEED}")
    engine, init = prepare_database(database_url)
    admin = HubAdmin(engine, ManualClock(datetime.now(UTC)))  # the hub process uses real time
    finals: set[str] = set()
    outcomes: Counter[str] = Counter()
    try:
        with spawn_hub(database_url) as first:
            hub = RunningHub(first.base_url, database_url, engine, admin.clock, admin, init)
            with closing_world(hub, tmp_path) as world:
                worker = world.add_user("Test Worker A", "worker", "north")
                laptop = world.device(worker, "laptop")
                case_id = open_case(laptop.book, worker, 1).id
                first.kill()

                for round_ in range(KILLS):
                    _write(laptop.book, case_id, SESSIONS_PER_ROUND, round_, finals)
                    with spawn_hub(database_url) as running:
                        laptop.route.base_url = running.base_url
                        batches: list[float] = []  # when each acknowledged batch was noted
                        enough = threading.Event()
                        wanted = rng.randint(1, 3)

                        def on_event(
                            event: SyncEvent, seen: list[float] = batches,
                            flag: threading.Event = enough, n: int = wanted,
                        ) -> None:
                            if event.kind == "progress" and event.phase == "upload":
                                seen.append(time.monotonic())
                                if len(seen) >= n:
                                    flag.set()

                        laptop.engine.set_listener(on_event)
                        result: list[SyncReport] = []
                        syncing = threading.Thread(
                            target=lambda out=result: out.append(laptop.sync())
                        )
                        syncing.start()
                        while not enough.wait(timeout=0.05):
                            assert syncing.is_alive() or not result or result[0].ok, (
                                f"round {round_}: {result[0].error_code}: {result[0].error}"
                            )
                            assert syncing.is_alive(), "the run ended before the batches"
                        # Then the power goes, somewhere inside the next batch.
                        gap = batches[1] - batches[0] if len(batches) > 1 else 0.2
                        time.sleep(rng.uniform(0.0, gap))
                        running.kill()
                        syncing.join(timeout=60)
                        assert not syncing.is_alive()
                        outcomes["finished" if result[0].ok else str(result[0].error_code)] += 1
                        laptop.engine.set_listener(None)
                print(f"runs when the hub was killed: {dict(outcomes)}")
                assert outcomes["unreachable"] >= KILLS // 2, "the kills missed the pushes"

                with spawn_hub(database_url) as running:
                    laptop.route.base_url = running.base_url
                    laptop.engine = SyncEngine(laptop.book, laptop.route)
                    report = next(
                        (r for r in (laptop.sync() for _ in range(3)) if r.ok), None
                    )
                    assert report is not None, "the laptop could not sync after the restarts"
                    assert laptop.engine.status().waiting == 0

                    on_hub = {r.record_id for r in world.hub_rows() if r.kind == "session"}
                    assert finals <= on_hub, f"{len(finals - on_hub)} sessions lost"
                    assert on_hub == finals
                    with world.hub_session() as db:
                        per_record = dict(db.execute(
                            select(HubChange.record_id, func.count()).group_by(HubChange.record_id)
                        ).all())
                        distinct = db.scalar(select(func.count(HubChange.change_id.distinct())))
                        total = db.scalar(select(func.count()).select_from(HubChange))
                    assert distinct == total
                    assert all(per_record[r] == 1 for r in finals), "a session stored twice"

                    world.hub.base_url = running.base_url
                    spare = world.device(worker, "spare-laptop")
                    spare.route.base_url = running.base_url
                    assert spare.sync().ok
                    assert max(Counter(spare.route.pulled).values()) == 1
                    assert spare.replica() == laptop.replica() == world.hub_replica(worker)
                    assert laptop.book.integrity_ok()
    finally:
        engine.dispose()
