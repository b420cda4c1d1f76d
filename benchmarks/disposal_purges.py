"""What a laptop's sync spends on disposal purges: the first `spoke-hub retention
dispose-activity` after years of group work sends every laptop one purge per record.

    .venv/bin/python benchmarks/disposal_purges.py [--records 10000] [--purges 300] [--runs 3]

A fresh, encrypted casebook (SQLCipher, WAL, ``synchronous = FULL``, as the app opens it)
takes ``--records`` pulled sessions (50 cases) and ``--purges`` pulled group sessions through
``SyncStore.apply_page``, as a laptop holds its own and its team's work; then one page of
``--purges`` disposal purges (C1: ``{"disposed": true}``, one per group session, as the hub's
pull sends them) is applied and timed: what the worker waits for in that sync. It checks that
every group session went and every session stayed. Printed: seconds for the page, min /
median / max over ``--runs``; no target (a sync of a few seconds at most, once). Fictional data
only.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _bench import Figures, check
from pull_floor import WORKER, enrolled_casebook, pages

from spokeapp.domain.ids import new_id
from spokeapp.domain.records.casework import GroupSession, GroupSetting
from spokeapp.store.sync_state import PulledRecord


def one_run(folder: Path, records: int, purges: int, rng: random.Random) -> float:
    """Seconds to apply the page of disposal purges."""
    book, sync = enrolled_casebook(folder)
    try:
        batches = pages(records, rng)
        seq = batches[-1][-1].seq
        groups = [GroupSession(id=new_id(), held_on=date(2014, 5, 1),
                               setting=GroupSetting.SCHOOL, topic="Fictional talk",
                               young_people_reached=5, notes="Fictional group notes.")
                  for _ in range(purges)]
        batches.append([PulledRecord(seq + n + 1, g.id, "group_session", "finalise", None,
                                     g.to_dict(), WORKER) for n, g in enumerate(groups)])
        cursor = 0
        for page in batches:
            sync.apply_page(cursor, page[-1].seq, page)
            cursor = page[-1].seq
        check(len(book.records("group_session")) == purges, "the group sessions were not stored")
        disposals = [PulledRecord(cursor + n + 1, g.id, "case", "purge", g.id,
                                  {"disposed": True}, None) for n, g in enumerate(groups)]
        started = time.perf_counter()
        sync.apply_page(cursor, disposals[-1].seq, disposals)
        seconds = time.perf_counter() - started
        check(book.records("group_session") == [], "a disposed group session is still there")
        check(len(book.records("session")) == records, "a session went with the purges")
        return seconds
    finally:
        book.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--purges", type=int, default=300)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    figures = Figures(f"{args.purges} disposal purges on a laptop holding {args.records} "
                      "sessions and the group sessions")
    for run in range(args.runs):
        with tempfile.TemporaryDirectory(prefix="spoke-bench-purges-") as tmp:
            seconds = one_run(Path(tmp) / "book", args.records, args.purges,
                              random.Random(run))
        print(f"    run {run + 1}: {seconds:.3f} s", flush=True)
        figures.add("the page of disposal purges, seconds", seconds, "s", fmt="{:.3f}")
    figures.report()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
