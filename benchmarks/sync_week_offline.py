"""A week offline synced in one go: 60 sessions, 250 check-ins and 12 risk assessments.

    .venv/bin/python benchmarks/sync_week_offline.py [--runs 5]

The 250 check-ins are real ``check_in`` records (safe, with every tenth an extension and the
last one home safe) on one ``visit_plan`` written during the same week, so 323 records in all.
Safety kinds (the plan and its check-ins) travel first and alone, then the rest. The laptop
already holds its 12 cases (synced before going offline); the figure is one
``SyncEngine.sync_once`` (push all 323 records in signed, chained batches, then pull the page
back) against ``spoke-hub serve`` on an encrypted SQLite file on loopback. Target: <= 0.3 s
end to end. Fictional data only.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _bench import check, spread
from sync_push_pull import (
    START,
    init_database,
    new_laptop,
    open_cases,
    serve_hub,
    session_record,
)

from spokeapp.domain.ids import new_id
from spokeapp.domain.records import (
    AssessmentType,
    CheckIn,
    CheckInKind,
    RiskAssessment,
    VisitPlan,
)

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
                visit = VisitPlan(
                    id=new_id(), worker=worker, location="Fictional Cafe, High Street",
                    starts_at=START, expected_end=START + timedelta(hours=12),
                    mobile_number="07700 900123", buddy_name="Fictional Buddy",
                    buddy_phone="07700 900456", case_reference="YP-0007",
                    linked_case_id=cases[0], check_in_interval_minutes=5,
                )
                book.save(visit, finalise=True)
                for i in range(250):
                    kind = (CheckInKind.HOME_SAFE if i == 249 else
                            CheckInKind.EXTEND if i % 10 == 9 else CheckInKind.SAFE)
                    at: datetime = START + timedelta(minutes=2, seconds=170 * i)
                    book.save(CheckIn(id=new_id(), visit_id=visit.id, kind=kind, at=at,
                                      extend_minutes=15 if kind is CheckInKind.EXTEND
                                      else None), finalise=True)
                for i in range(12):
                    book.save(RiskAssessment(
                        id=new_id(), case_id=cases[i], assessment_type=AssessmentType.REVIEW,
                        assessed_on=date(2026, 1, 9), tool_id="bench-tool", tool_version=1,
                        answers=(("online-contact", 1), ("older-friends", 2), ("missing", 0)),
                        score=3, level="medium"), finalise=True)
                started = time.perf_counter()
                report = engine.sync_once()
                elapsed = time.perf_counter() - started
                check(report.ok and report.accepted == 323,
                      f"the week's 323 records were not all pushed: {report}")
                timings.append(elapsed)
                book.close()
    median = statistics.median(timings)
    print(f"week offline (60 sessions + 1 visit plan with 250 check-ins + 12 risk "
          f"assessments = 323 records), one sync_once, {args.runs} runs:")
    print(f"    {spread(timings, '{:.3f}')} s (all "
          f"{', '.join(f'{t:.3f}' for t in timings)})   target <= {TARGET_S} s on the median  "
          f"{'OK' if median <= TARGET_S else 'MISSED'}")
    return 0 if median <= TARGET_S else 1


if __name__ == "__main__":
    sys.exit(main())
