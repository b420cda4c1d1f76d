"""How long the Caseload page takes to open on a big casebook: 1,000 cases, 50,000 sessions.

    QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/caseload_open.py [--cases 1000]
        [--sessions 50000]

"Open" is what the worker waits for: the caseload query (with last contact and the last risk
assessment, for next review due), the drafts and unsent counts the Today page shows, filling
the Qt model, sorting through the proxy, and the table laid out and painted. Prints the median
of several runs with the target beside it. Builds the casebook with fast key derivation and
without fsync per write (building is not what is measured).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication  # noqa: TID251 - measures the real Qt page

from spokeapp.crypto.keyfile import FAST_KDF_FOR_TESTS
from spokeapp.domain.ids import new_id
from spokeapp.domain.records import (
    AssessmentType,
    Case,
    ChosenBy,
    ContactType,
    MeetAgain,
    RiskAssessment,
    Session,
    VenueType,
    YoungPerson,
)
from spokeapp.resources import load_risk_tool
from spokeapp.store.casebook import Casebook
from spokeapp.ui.main_window import _snapshot
from spokeapp.ui.models.caseload import CaseloadModel
from spokeapp.ui.views.caseload import CaseloadPage

PASSPHRASE = "benchmark passphrase, not a secret"
TARGET_MS = 300


def build(book: Casebook, cases: int, sessions: int) -> None:
    rng = random.Random(7)
    tool = load_risk_tool()
    levels = [band.name for band in tool.bands]
    start = datetime(2024, 1, 8, 16, 0, tzinfo=UTC)
    case_ids = []
    for n in range(cases):
        person = YoungPerson(
            id=new_id(),
            reference=f"BENCH-{n:04d}",
            name=f"Bench Person {n}",
            date_of_birth=date(2010, 1, 1),
        )
        book.save(person)
        case = Case(
            id=new_id(),
            young_person_id=person.id,
            key_worker="bench",
            opened_on=start.date(),
            current_risk_level=rng.choice(levels),
        )
        book.save(case)
        case_ids.append(case.id)
        for k, kind in enumerate((AssessmentType.INITIAL, AssessmentType.REVIEW)):
            book.save(
                RiskAssessment(
                    id=new_id(),
                    case_id=case.id,
                    assessment_type=kind,
                    assessed_on=start.date() + timedelta(days=60 * k + n % 50),
                    tool_id=tool.tool_id,
                    tool_version=tool.version,
                    answers=(),
                    score=0,
                    level=levels[0],
                ),
                finalise=True,
            )
    for i in range(sessions):
        book.save(
            Session(
                id=new_id(),
                case_id=case_ids[i % cases],
                contact_type=ContactType.ONE_TO_ONE,
                occurred_at=start + timedelta(hours=i % 9000, minutes=i % 60),
                duration_minutes=45,
                venue_type=VenueType.CAFE,
                venue_chosen_by=ChosenBy.YOUNG_PERSON,
                pace_set_by=ChosenBy.TOGETHER,
                discussed="Talked about school, friends and getting home safely.",
                young_persons_words="It helps to talk.",
                wants_to_meet_again=MeetAgain.YES,
            ),
            finalise=True,
        )


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=1000)
    parser.add_argument("--sessions", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    app = QApplication.instance() or QApplication(sys.argv[:1])
    with tempfile.TemporaryDirectory() as tmp:
        book, _ = Casebook.create(Path(tmp) / "big", PASSPHRASE, kdf=FAST_KDF_FOR_TESTS)
        book._db().execute("PRAGMA synchronous = OFF")  # building only; measured with FULL
        t0 = time.perf_counter()
        build(book, args.cases, args.sessions)
        book._db().execute("PRAGMA synchronous = FULL")
        print(
            f"(built {args.cases} cases, {args.sessions} sessions in "
            f"{time.perf_counter() - t0:.0f} s)"
        )
        samples, queries = [], []
        for _ in range(args.runs):
            model = CaseloadModel()
            page = CaseloadPage(model, book)
            page.resize(1200, 800)
            page.show()
            app.processEvents()
            started = time.perf_counter()
            snapshot = _snapshot(book)
            queried = time.perf_counter()
            model.set_rows(snapshot.rows, review_weeks=snapshot.review_weeks)
            page.proxy.set_show("all")
            page.table.viewport().repaint()
            app.processEvents()
            done = time.perf_counter()
            assert page.proxy.rowCount() == args.cases
            samples.append((done - started) * 1000)
            queries.append((queried - started) * 1000)
            page.close()
            page.deleteLater()
            app.processEvents()
        book.close()
    median = statistics.median(samples)
    print(f"caseload query + drafts + unsent count median: {statistics.median(queries):.0f} ms")
    print(
        f"caseload open ({args.cases} cases, {args.sessions} sessions) median: "
        f"{median:.0f} ms, worst {max(samples):.0f} ms   [target <= {TARGET_MS} ms]"
    )
    return 0 if median <= TARGET_MS else 1


if __name__ == "__main__":
    raise SystemExit(main())
