"""A worker's laptop syncing the cases it opened offline: the whole sync the worker waits for.

    .venv/bin/python benchmarks/hub_new_cases.py [--cases 50] [--runs 5]

Each run: a fresh hub (``spoke-hub serve`` in its own process on an encrypted embedded
database, durable), an enrolled laptop (encrypted casebook, ``synchronous = FULL``) that opens
``--cases`` cases offline - each a young person, an accepted referral and the case, as the
app saves them - then one ``SyncEngine.sync_once`` timed whole (the push of 3 x cases headers
and the pull after it). A second laptop then pulls everything and the benchmark checks that
every young person and referral arrived filed under its case (the hub links them when the case
arrives), so the figure is of the path that files them, not of a refused or partial push.

Prints min / median / max of the sync's seconds and the hub's CPU seconds for it. No target:
issue 18's push target is for sessions (``sync_push_pull.py``); this is the shape a worker's
first sync after opening cases has. Fictional data only.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _bench import Figures, check
from sync_push_pull import fresh_hub, hub_cpu, new_laptop


def one_run(cases: int, figures: Figures) -> None:
    with fresh_hub("spoke-bench-cases-", cases) as world:
        hub, book, engine = world.hub, world.book, world.engine
        cpu_before = hub_cpu(hub)
        started = time.perf_counter()
        report = engine.sync_once()
        seconds = time.perf_counter() - started
        hub_seconds = hub_cpu(hub) - cpu_before
        book.close()
        check(report.ok and report.accepted == 3 * cases,
              f"the sync did not push all {3 * cases} headers: {report}")
        other, other_engine = new_laptop(hub, world.folder, world.worker, "laptop-b")
        check(other_engine.sync_once().ok, "the second laptop's pull failed")
        filed = {
            str(row[0]): row[1] for row in other._db().execute(
                "SELECT record_id, hub_case_id FROM sync_records")
        }
        cases_of = {
            str(row[0]): str(row[1]) for row in other._db().execute(
                "SELECT json_extract(body, '$.young_person_id'), id FROM records "
                "WHERE kind = 'case'")
        }
        other.close()
        check(set(cases_of.values()) == set(world.case_ids),
              "the second laptop did not pull every case")
        check(all(filed.get(person) == case_id for person, case_id in cases_of.items()),
              "a young person did not arrive filed under its case")
    print(f"    {seconds:.3f} s for {3 * cases} headers ({cases} cases); hub CPU "
          f"{hub_seconds:.3f} s", flush=True)
    figures.add(f"sync of {cases} cases opened offline ({3 * cases} headers), seconds",
                seconds, "s", fmt="{:.3f}")
    figures.add("the hub's CPU seconds during it", hub_seconds, "s", fmt="{:.3f}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=50)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    figures = Figures(f"a laptop syncing {args.cases} cases it opened offline, "
                      f"hub in its own process")
    for _ in range(args.runs):
        one_run(args.cases, figures)
    figures.report()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
