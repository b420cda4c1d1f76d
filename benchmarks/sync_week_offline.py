"""A week offline synced in one go: 60 sessions, 250 check-ins and 12 risk assessments.

    .venv/bin/python benchmarks/sync_week_offline.py [--runs 5]

There is no ``check_in`` record kind yet, so the 250 check-ins are **sessions of contact type
phone or text** (10 minutes, a short note) standing in for them. The laptop already holds its
12 cases (synced before going offline); the figure is one ``SyncEngine.sync_once`` (push all
322 records in signed, chained batches, then pull the page back) against ``spoke-hub serve``
on an encrypted SQLite file on loopback. Target: <= 0.3 s end to end. Fictional data only.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from sync_push_pull import (
    START,
    init_database,
    new_laptop,
    open_cases,
    serve_hub,
    session_record,
)

from spokeapp.domain.ids import new_id
from spokeapp.domain.records import AssessmentType, ContactType, RiskAssessment

TARGET_S = 0.3


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    rng = random.Random(11)
    timings: list[float] = []
    with tempfile.TemporaryDirectory(prefix="spoke-bench-week-") as tmp:
        folder = Path(tmp)
        db_url = f"sqlcipher:///{folder / 'hub.db'}"
        init_database(db_url, folder)
        with serve_hub(db_url, folder) as hub:
            for run in range(args.runs):
                worker = hub.add_user(f"Bench Worker {run}")
                book, engine = new_laptop(hub, folder, worker, f"laptop-{run}")
                cases = open_cases(book, worker, 12, tag=f"WEEK{run}")
                assert engine.sync_once().ok
                for i in range(60):
                    book.save(session_record(rng, cases[i % 12], START + timedelta(hours=i)),
                              finalise=True)
                for i in range(250):
                    contact = ContactType.PHONE if i % 2 else ContactType.TEXT
                    book.save(session_record(rng, cases[i % 12],
                                             START + timedelta(minutes=37 * i), contact),
                              finalise=True)
                for i in range(12):
                    book.save(RiskAssessment(
                        id=new_id(), case_id=cases[i], assessment_type=AssessmentType.REVIEW,
                        assessed_on=date(2026, 1, 9), tool_id="bench-tool", tool_version=1,
                        answers=(("online-contact", 1), ("older-friends", 2), ("missing", 0)),
                        score=3, level="medium"), finalise=True)
                started = time.perf_counter()
                report = engine.sync_once()
                elapsed = time.perf_counter() - started
                assert report.ok and report.accepted == 322, report
                timings.append(elapsed)
                book.close()
    best, median = min(timings), statistics.median(timings)
    print(f"week offline (60 sessions + 250 phone/text sessions as check-ins + 12 risk "
          f"assessments = 322 records), one sync_once, {args.runs} runs:")
    print(f"    median {median:.3f} s, best {best:.3f} s, all "
          f"{', '.join(f'{t:.3f}' for t in timings)}   target <= {TARGET_S} s   "
          f"{'OK' if median <= TARGET_S else 'MISSED'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
