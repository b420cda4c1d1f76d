"""Casebook speed on this machine: unlock, save, full-text search, and SQLCipher's overhead.

    .venv/bin/python benchmarks/casebook_speed.py [--notes 20000]

Prints one line per figure with the target from the issue beside it. Uses the real Argon2id
parameters for the unlock figure and fast ones elsewhere (the KDF is measured on its own).
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from spokeapp.crypto.keyfile import FAST_KDF_FOR_TESTS
from spokeapp.domain.ids import new_id
from spokeapp.domain.records import (
    Case,
    ChosenBy,
    ContactType,
    MeetAgain,
    Session,
    VenueType,
    YoungPerson,
)
from spokeapp.store.casebook import Casebook
from spokeapp.store.database import CACHE_KIB, migrate

PASSPHRASE = "benchmark passphrase, not a secret"
WORDS = (
    "school bus park cafe library friend older phone app party night late money gift car "
    "worried happy plan safety trust family sister brother football music college train "
    "station shopping centre snapchat instagram message photo boyfriend house key curfew"
).split()


def note(rng: random.Random, words: int = 60) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words))


def session(rng: random.Random, case_id: str, when: datetime) -> Session:
    return Session(
        id=new_id(), case_id=case_id, contact_type=ContactType.ONE_TO_ONE, occurred_at=when,
        duration_minutes=45, venue_type=VenueType.CAFE, venue_chosen_by=ChosenBy.YOUNG_PERSON,
        pace_set_by=ChosenBy.TOGETHER, discussed=note(rng), young_persons_words=note(rng, 12),
        wants_to_meet_again=MeetAgain.YES, concerns="", actions="Meet next week.",
    )


def fill(book: Casebook, rng: random.Random, cases: int, sessions: int) -> list[str]:
    case_ids = []
    start = datetime(2026, 1, 5, 16, 0, tzinfo=UTC)
    for n in range(cases):
        yp = YoungPerson(
            id=new_id(), reference=f"BENCH-{n:04d}", name=f"Bench Person {n}",
            date_of_birth=datetime(2010, 1, 1).date(),
        )
        book.save(yp)
        case = Case(id=new_id(), young_person_id=yp.id, key_worker="bench",
                    opened_on=start.date())
        book.save(case)
        case_ids.append(case.id)
    for i in range(sessions):
        book.save(session(rng, case_ids[i % cases], start + timedelta(hours=i)), finalise=True)
    return case_ids


def percentile(samples: list[float], pct: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


def timed(fn: Callable[[], object]) -> float:
    t0 = time.perf_counter()
    fn()
    return (time.perf_counter() - t0) * 1000


def plain_casebook(folder: Path) -> Casebook:
    """The same schema and code on plain SQLite, for the encryption-overhead comparison."""
    folder.mkdir(parents=True)
    path = folder / "plain.db"
    conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
    conn.execute("PRAGMA temp_store = MEMORY")
    conn.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    migrate(conn, path, b"")
    conn.execute("INSERT INTO meta (key, value) VALUES ('device_id', 'plain')")
    return Casebook(conn, folder, author="bench")


def mix(book: Casebook, rng: random.Random, case_ids: list[str], rounds: int) -> list[float]:
    """A worker's realistic mix: list the caseload, open a case, search, save a session."""
    samples = []
    when = datetime(2026, 6, 1, tzinfo=UTC)
    for i in range(rounds):
        t0 = time.perf_counter()
        book.caseload()
        book.view_case(rng.choice(case_ids))
        book.search_notes(rng.choice(WORDS) + " " + rng.choice(WORDS)[:3])
        book.save(session(rng, rng.choice(case_ids), when + timedelta(minutes=i)), finalise=True)
        samples.append((time.perf_counter() - t0) * 1000)
    return samples


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--notes", type=int, default=20_000)
    parser.add_argument("--saves", type=int, default=500)
    args = parser.parse_args()
    rng = random.Random(42)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        # Unlock with the real KDF: key derivation + open + first query.
        real = root / "real"
        book, _ = Casebook.create(real, PASSPHRASE)
        book.close()
        unlocks = []
        for _ in range(7):
            t0 = time.perf_counter()
            b = Casebook.open(real, PASSPHRASE)
            b.caseload()
            unlocks.append((time.perf_counter() - t0) * 1000)
            b.close()
        print(f"unlock (Argon2id + open + first query) median: {statistics.median(unlocks):.0f} ms"
              "   [target <= 500 ms]")

        enc, _ = Casebook.create(root / "enc", PASSPHRASE, kdf=FAST_KDF_FOR_TESTS)
        case_ids = fill(enc, rng, 200, 200)
        saves = [
            timed(lambda: enc.save(session(rng, rng.choice(case_ids), datetime.now(UTC)),
                                   finalise=True))
            for _ in range(args.saves)
        ]
        print(f"save a session (+ change entry + audit row) p50 {percentile(saves, 50):.2f} ms, "
              f"p95 {percentile(saves, 95):.2f} ms   [target p95 <= 3 ms]")

        fts, _ = Casebook.create(root / "fts", PASSPHRASE, kdf=FAST_KDF_FOR_TESTS)
        t0 = time.perf_counter()
        fill(fts, rng, 100, args.notes)
        print(f"(wrote {args.notes} session notes in {time.perf_counter() - t0:.1f} s)")
        searches = [timed(lambda: fts.search_notes(f"{rng.choice(WORDS)} {rng.choice(WORDS)}"))
                    for _ in range(200)]
        print(f"full-text search over {fts.count('session')} notes: p50 "
              f"{percentile(searches, 50):.2f} ms, p95 {percentile(searches, 95):.2f} ms   "
              "[target <= 10 ms]")

        plain = plain_casebook(root / "plain")
        plain_ids = fill(plain, random.Random(1), 200, 2000)
        enc, _ = Casebook.create(root / "enc2", PASSPHRASE, kdf=FAST_KDF_FOR_TESTS)
        enc_ids = fill(enc, random.Random(1), 200, 2000)
        mix(plain, random.Random(3), plain_ids, 30)
        mix(enc, random.Random(3), enc_ids, 30)
        p = statistics.median(mix(plain, random.Random(5), plain_ids, 300))
        e = statistics.median(mix(enc, random.Random(5), enc_ids, 300))
        print(f"realistic mix median: SQLCipher {e:.2f} ms vs plain SQLite {p:.2f} ms = "
              f"{e / p:.2f}x   [target <= 1.3x]")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
