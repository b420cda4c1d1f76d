"""The floor under the pull figure: what storing N pulled records costs the casebook alone.

    .venv/bin/python benchmarks/pull_floor.py [--records 10000] [--runs 3]

``sync_push_pull.py`` times a whole pull (the hub's pages over HTTP, JSON, record rules, the
casebook's writes). This times only the last part, with nothing else running: a fresh,
encrypted casebook (SQLCipher, ``synchronous = FULL``, WAL, ``secure_delete``, as the app
opens it), enrolled, takes N session records (~400 bytes of notes each, as in
``sync_push_pull.py``, 50 cases) through ``SyncStore.apply_page`` in pages of 2,000, one
transaction each, exactly as the engine applies a pull (the records, the notes index,
``sync_records``, the cursor). The pages are built before the clock starts, so no HTTP, no
JSON parsing of the wire and no hub are in the figure.

Prints the casebook's rate (records/s, min / median / max over ``--runs``) beside the pull
target of issue 18 (24,000 records/s for the whole sync at 10,000): a whole sync can go no
faster than its casebook writes. Also printed, for the record (not a design option: search
needs it): the same with the notes index replaced by a view that takes the inserts and
keeps nothing; and how long reading and checking the records takes alone (the Python part
of applying them). Fictional data only.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _bench import Figures, check
from sync_push_pull import START, session_record

from spokeapp.crypto.device_keys import DeviceKey
from spokeapp.crypto.keyfile import FAST_KDF_FOR_TESTS
from spokeapp.domain.ids import new_id
from spokeapp.domain.records import Case, YoungPerson, record_from_dict
from spokeapp.store.casebook import Casebook
from spokeapp.store.sync_state import HubAccount, PulledRecord, SyncStore
from spokeapp.sync.protocol import GENESIS_HEAD, MAX_PULL_LIMIT

PULL_TARGET = 24_000
WORKER = "bench-worker"


def pages(records: int, rng: random.Random) -> list[list[PulledRecord]]:
    """The pull as the hub would send it: 50 young people and cases, then the sessions."""
    rows: list[PulledRecord] = []
    case_ids = []
    for n in range(50):
        person = YoungPerson(id=new_id(), reference=f"FLOOR-{n:03d}", name=f"Floor Person {n}",
                             date_of_birth=date(2010, 1, 1))
        case = Case(id=new_id(), young_person_id=person.id, key_worker=WORKER,
                    opened_on=START.date())
        case_ids.append(case.id)
        rows.append(PulledRecord(len(rows) + 1, person.id, "young_person", "put", None,
                                 person.to_dict(), WORKER))
        rows.append(PulledRecord(len(rows) + 1, case.id, "case", "put", case.id,
                                 case.to_dict(), WORKER))
    for i in range(records):
        session = session_record(rng, case_ids[i % 50], START + timedelta(minutes=i))
        rows.append(PulledRecord(len(rows) + 1, session.id, "session", "finalise",
                                 session.case_id, session.to_dict(), WORKER))
    return [rows[i:i + MAX_PULL_LIMIT] for i in range(0, len(rows), MAX_PULL_LIMIT)]


def enrolled_casebook(folder: Path) -> tuple[Casebook, SyncStore]:
    """A fresh, encrypted casebook as the app opens it, enrolled with a (fictional) hub, for
    pulled pages to be applied to. The caller closes the casebook."""
    book, _recovery = Casebook.create(folder, "floor passphrase, not a secret",
                                      author=WORKER, kdf=FAST_KDF_FOR_TESTS)
    sync = SyncStore(book)
    sync.save_enrolment(HubAccount(
        hub_url="http://127.0.0.1:8470", cert_fingerprint=None, hub_id="hub",
        hub_epoch="e1", device_id="floor-laptop", device_name="Floor laptop",
        user_id=WORKER, user_name="Floor Worker", role="worker", team=None,
        refresh_token="r" * 32, device_key=DeviceKey.generate().private_bytes(),
        chain_head=GENESIS_HEAD, enrolled_at="2026-03-02T09:00:00+00:00"))
    return book, sync


def one_run(folder: Path, batches: list[list[PulledRecord]], notes_index: bool) -> float:
    """Seconds to apply every page to a fresh, enrolled casebook."""
    book, sync = enrolled_casebook(folder)
    try:
        if not notes_index:  # inserts into the notes index go nowhere
            db = book._db()
            db.execute("DROP TABLE notes_fts")
            db.execute("CREATE VIEW notes_fts AS SELECT 0 AS rowid, '' AS text WHERE 0")
            db.execute("CREATE TRIGGER notes_fts_nowhere INSTEAD OF INSERT ON notes_fts "
                       "BEGIN SELECT 1; END")
        started = time.perf_counter()
        cursor = 0
        for page in batches:
            result = sync.apply_page(cursor, page[-1].seq, page)
            check(result.applied == len(page), f"applied {result.applied} of {len(page)}")
            cursor = page[-1].seq
        seconds = time.perf_counter() - started
        total = sum(len(page) for page in batches)
        check(book.count() == total, f"the casebook holds {book.count()} of {total} records")
        if notes_index:
            check(book.search_notes(batches[-1][-1].payload["discussed"].split()[0]),  # type: ignore[index]
                  "the pulled notes are not in the notes index")
        return seconds
    finally:
        book.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    batches = pages(args.records, random.Random(18))
    total = sum(len(page) for page in batches)
    figures = Figures(f"storing {total} pulled records in the casebook alone, "
                      f"pages of {MAX_PULL_LIMIT}")
    for run in range(args.runs):
        with tempfile.TemporaryDirectory(prefix="spoke-bench-floor-") as tmp:
            seconds = one_run(Path(tmp) / "with", batches, notes_index=True)
            bare = one_run(Path(tmp) / "without", batches, notes_index=False)
        started = time.perf_counter()
        for page in batches:
            for row in page:
                record_from_dict(row.kind, row.payload or {}).searchable_text()
        parsing = time.perf_counter() - started
        print(f"    run {run + 1}: {seconds:.3f} s ({total / seconds:,.0f} records/s), of which "
              f"reading and checking the records ~{parsing:.3f} s; without the notes index "
              f"{bare:.3f} s", flush=True)
        figures.add("casebook writes of a pull, records/s", total / seconds, "records/s",
                    f">= {PULL_TARGET} (the whole sync's target; a ceiling for it)",
                    lambda v: v >= PULL_TARGET)
        figures.add("casebook writes of a pull, seconds", seconds, "s", fmt="{:.3f}")
        figures.add("the same without the notes index (for the record)", total / bare,
                    "records/s")
        figures.add("of which reading and checking the records (Python)", parsing, "s",
                    fmt="{:.3f}")
    figures.report()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
