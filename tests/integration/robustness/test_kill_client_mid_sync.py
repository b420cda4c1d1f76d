"""A laptop killed mid-sync (battery, forced shutdown) loses and duplicates nothing.

A child process opens an enrolled casebook with thousands of sessions waiting and runs
``sync_once`` against a real hub; the test SIGKILLs it at a random moment (at least
``KILLS`` times, in the upload and in the download phase), writing more sessions, drafts and
header edits between runs. Before each run aimed at the download, a second laptop of the same
worker (the desk) syncs a batch of its own sessions, so the laptop has whole pages to pull
(its own records are not pulled back, so without them the pull is one empty page). Then one
clean sync on the same casebook must complete, and:

* every session either laptop finalised is on the hub, exactly once (one accepted change per
  record; change ids unique), with the body the worker wrote;
* a fresh second laptop of the same worker pulls each record once and ends up identical;
* the casebook passes SQLite's integrity check after every kill, and nothing waits or is held.

SPOKE_SYNC_KILLS changes the number of kills; SPOKE_SYNC_KILL_SEED replays a run.
"""

from __future__ import annotations

import os
import random
from collections import Counter
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import func, select

from spokeapp.hub.models import HubChange
from spokeapp.store.casebook import Casebook
from spokeapp.sync.engine import SyncEngine
from tests.helpers.hub import RunningHub
from tests.helpers.records import PASSPHRASE, session
from tests.helpers.sync_world import closing_world, open_case
from tests.integration.robustness.sync_child import run_and_kill

KILLS = int(os.environ.get("SPOKE_SYNC_KILLS", "30"))
SEED = int(os.environ.get("SPOKE_SYNC_KILL_SEED", str(random.SystemRandom().randrange(2**32))))
FIRST_SESSIONS = 2500
MORE_SESSIONS = 150
PULL_LIMIT = 200
#: Sessions the desk syncs before each run aimed at the download: three pages to pull.
DESK_SESSIONS = 3 * PULL_LIMIT
#: Runs allowed to land KILLS kills mid-sync. Syncs keep getting faster, so more runs finish
#: before their kill (29 kills in 91 runs after the hub's fourth speed round): a run that
#: finishes is harmless, it only costs time, so the bound is generous (~60 kills expected).
MAX_RUNS = 6 * KILLS


def _add_work(book: Casebook, case_id: str, count: int, n: int, finals: dict[str, dict]) -> None:
    for i in range(count):
        visit = session(case_id, discussed=f"Fictional session {n}.{i}: the bus home.",
                        duration_minutes=30 + i % 60)
        book.save(visit, finalise=True)
        finals[visit.id] = visit.to_dict()
    book.save(session(case_id, discussed=f"Half-written note {n}."))  # a draft stays local
    header = book.get(case_id).record
    book.save(replace(header, current_risk_level=["low", "medium", "high"][n % 3]))  # type: ignore[type-var]


@pytest.mark.slow
def test_a_laptop_killed_mid_sync_again_and_again_loses_and_duplicates_nothing(
    hub: RunningHub, tmp_path: Path
) -> None:
    rng = random.Random(SEED)
    print(f"SPOKE_SYNC_KILL_SEED={SEED}")
    finals: dict[str, dict] = {}
    with closing_world(hub, tmp_path) as world:
        worker = world.add_user("Test Worker A", "worker", "north")
        laptop = world.device(worker, "laptop")
        case_id = open_case(laptop.book, worker, 1).id
        _add_work(laptop.book, case_id, FIRST_SESSIONS, 0, finals)
        laptop.book.close()
        desk = world.device(worker, "desk")
        desk_case = open_case(desk.book, worker, 2).id

        kills, runs, window = 0, 0, 2.0
        phases: Counter[str | None] = Counter()
        while kills < KILLS:
            runs += 1
            assert runs <= MAX_RUNS, f"only {kills} kills landed mid-sync in {runs} runs"
            # Every third run aims inside the download, which pulls what the desk has just
            # synced (kills spread over the whole run rarely land there); the rest anywhere.
            aim_download = runs % 3 == 0
            if aim_download:
                _add_work(desk.book, desk_case, DESK_SESSIONS, runs, finals)
                assert desk.sync().ok
            killed, phase, elapsed = run_and_kill(
                laptop.profile, worker, PULL_LIMIT,
                rng.uniform(0.0, 0.15) if aim_download else rng.uniform(0.0, window),
                tmp_path / "child.log", after_phase="download" if aim_download else None,
            )
            if killed:
                kills += 1
                phases[phase] += 1
            elif not aim_download:  # finished first: aim inside the (shorter) runs from now on
                window = max(0.2, 0.9 * elapsed)
            book = Casebook.open(laptop.profile, PASSPHRASE, author=worker)
            try:
                assert book.integrity_ok(), f"casebook damaged after run {runs}"
                _add_work(book, case_id, MORE_SESSIONS if rng.random() < 0.7 else 0, runs,
                          finals)
            finally:
                book.close()
        print(f"{kills} kills in {runs} runs; last phase before each kill: {dict(phases)}")
        assert phases["upload"] and phases["download"], phases

        laptop.book = Casebook.open(laptop.profile, PASSPHRASE, author=worker)
        laptop.engine = SyncEngine(laptop.book, laptop.route)
        report = laptop.sync()
        assert report.ok, report.error
        assert laptop.book.integrity_ok()
        status = laptop.engine.status()
        assert status.waiting == 0 and status.held == 0 and status.open_conflicts == 0

        # Every finalised session is on the hub once, as written.
        on_hub = {r.record_id: r for r in world.hub_rows() if r.kind == "session"}
        assert set(finals) <= set(on_hub), f"{len(set(finals) - set(on_hub))} sessions lost"
        assert len(on_hub) == len(finals), "the hub holds sessions nobody finalised"
        for record_id, body in finals.items():
            assert on_hub[record_id].body == body
        with world.hub_session() as db:
            per_record = db.execute(
                select(HubChange.record_id, func.count())
                .where(HubChange.record_id.in_(select(HubChange.record_id).distinct()))
                .group_by(HubChange.record_id)
            ).all()
            ids = db.scalar(select(func.count(HubChange.change_id.distinct())))
            total = db.scalar(select(func.count()).select_from(HubChange))
        assert ids == total
        twice = [r for r, n in per_record if r in finals and n != 1]
        assert not twice, f"{len(twice)} sessions were stored more than once"

        # A fresh laptop of the same worker gets everything once and agrees exactly.
        spare = world.device(worker, "spare-laptop")
        assert spare.sync().ok
        pulled = Counter(spare.route.pulled)
        assert not [r for r, n in pulled.items() if n > 1], "a record was pulled twice"
        assert spare.replica() == laptop.replica() == world.hub_replica(worker)
