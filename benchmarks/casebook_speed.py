"""Casebook speed on this machine: unlock, save, full-text search, and SQLCipher's overhead.

    .venv/bin/python benchmarks/casebook_speed.py [--notes 20000] [--runs 3]

Prints each figure as min / median / max over ``--runs`` (the casebooks are built once; each
run repeats the measurements) with the target from the issue beside it, judged on the median.
Uses the real Argon2id parameters for the unlock figure and fast ones elsewhere (the KDF is
measured on its own).

Notes are realistic text, not a 36-word list that made almost every note match (so every
search stopped after the first 50 rows): a made-up vocabulary of 4,000 words built from
syllables, drawn with a Zipf frequency (benchmarks/_bench.py ``Vocabulary``). Searches are
typed as a worker types them (the app's rule: every word must appear, the last may be a
prefix) and reported apart, each with the hits it found (the 50 the app lists, and how many
notes match in all):

* common word: one of the 20 most frequent words (in most notes);
* rare word: one from the rarest half of the vocabulary (a handful of notes);
* phrase: three consecutive words copied from a note that was written (at least that note).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlcipher3

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _bench import Figures, Vocabulary, check, percentile

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
from spokeapp.store.casebook import Casebook, fts_query
from spokeapp.store.database import CACHE_KIB, migrate

PASSPHRASE = "benchmark passphrase, not a secret"
VOCABULARY = Vocabulary()
WRITTEN: list[str] = []  # a sample of the notes written, to copy phrases from


def note(rng: random.Random, words: int = 60) -> str:
    text = VOCABULARY.note(rng, words)
    if len(WRITTEN) < 2000 and rng.random() < 0.1:
        WRITTEN.append(text)
    return text


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


def timed(fn: Callable[[], object]) -> float:
    t0 = time.perf_counter()
    fn()
    return (time.perf_counter() - t0) * 1000


def plain_casebook(folder: Path) -> Casebook:
    """The same schema and code on plain SQLite, for the encryption-overhead comparison: the
    SQLite inside sqlcipher3 with no key, so the comparison is of encryption alone, not also
    of two SQLite versions (Python's own sqlite3 links the system's)."""
    folder.mkdir(parents=True)
    path = folder / "plain.db"
    conn = sqlcipher3.connect(str(path), isolation_level=None, check_same_thread=False)
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
        book.search_notes(rng.choice(VOCABULARY.middling()) + " "
                          + rng.choice(VOCABULARY.middling())[:3])
        book.save(session(rng, rng.choice(case_ids), when + timedelta(minutes=i)), finalise=True)
        samples.append((time.perf_counter() - t0) * 1000)
    return samples


def matches(book: Casebook, text: str) -> int:
    """How many notes match ``text`` in all (the app lists the newest 50)."""
    query = fts_query(text)
    assert query is not None
    row = book._db().execute("SELECT count(*) FROM notes_fts WHERE notes_fts MATCH ?",
                             (query,)).fetchone()
    return int(row[0])


def search_queries(rng: random.Random, count: int, written: list[str]
                   ) -> dict[str, list[str]]:
    phrases = []
    for _ in range(count):
        words = rng.choice(written).split()
        start = rng.randrange(len(words) - 3)
        phrases.append(" ".join(words[start:start + 3]))
    return {
        "common word": [rng.choice(VOCABULARY.common()) for _ in range(count)],
        "rare word": [rng.choice(VOCABULARY.rare()) for _ in range(count)],
        "phrase (3 words)": phrases,
    }


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--notes", type=int, default=20_000)
    parser.add_argument("--saves", type=int, default=500)
    parser.add_argument("--searches", type=int, default=100, help="per kind of query and run")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    rng = random.Random(42)
    figures = Figures(f"casebook speed, {args.runs} runs")
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        real = root / "real"
        book, _ = Casebook.create(real, PASSPHRASE)
        book.close()
        enc, _ = Casebook.create(root / "enc", PASSPHRASE, kdf=FAST_KDF_FOR_TESTS)
        case_ids = fill(enc, rng, 200, 200)
        fts, _ = Casebook.create(root / "fts", PASSPHRASE, kdf=FAST_KDF_FOR_TESTS)
        t0 = time.perf_counter()
        WRITTEN.clear()
        fill(fts, rng, 100, args.notes)
        written = list(WRITTEN)  # phrases are copied from notes in this casebook only
        notes = fts.count("session")
        print(f"(wrote {args.notes} session notes of {len(VOCABULARY.words)}-word Zipf text in "
              f"{time.perf_counter() - t0:.1f} s)", flush=True)
        indexed = fts._db().execute("SELECT count(*) FROM notes_fts").fetchone()[0]
        check(indexed >= notes, f"the full-text index holds {indexed} rows for {notes} notes")
        plain = plain_casebook(root / "plain")
        plain_ids = fill(plain, random.Random(1), 200, 2000)
        enc2, _ = Casebook.create(root / "enc2", PASSPHRASE, kdf=FAST_KDF_FOR_TESTS)
        enc_ids = fill(enc2, random.Random(1), 200, 2000)
        mix(plain, random.Random(3), plain_ids, 30)
        mix(enc2, random.Random(3), enc_ids, 30)

        for run in range(args.runs):
            print(f"--- run {run + 1} of {args.runs}", flush=True)
            # Unlock with the real KDF: key derivation + open + first query.
            unlocks = []
            for _ in range(5):
                t0 = time.perf_counter()
                b = Casebook.open(real, PASSPHRASE)
                b.caseload()
                unlocks.append((time.perf_counter() - t0) * 1000)
                b.close()
            figures.add("unlock (Argon2id + open + first query), median of 5",
                        statistics.median(unlocks), "ms", "<= 500 ms", lambda v: v <= 500)

            saves = [
                timed(lambda: enc.save(session(rng, rng.choice(case_ids), datetime.now(UTC)),
                                       finalise=True))
                for _ in range(args.saves)
            ]
            figures.add("save a session (+ change entry + audit row) p95", percentile(saves, 95),
                        "ms", "<= 3 ms", lambda v: v <= 3, "{:.2f}")

            for kind, queries in search_queries(rng, args.searches, written).items():
                times, shown, found = [], [], []
                for text in queries:
                    started = time.perf_counter()
                    hits = fts.search_notes(text)
                    times.append((time.perf_counter() - started) * 1000)
                    shown.append(len(hits))
                    found.append(matches(fts, text))
                med = statistics.median(found)
                print(f"    {kind:<17} e.g. {queries[0]!r:<24} notes matching: median {med:.0f}"
                      f" (min {min(found)}, max {max(found)}) of {notes}; listed: median "
                      f"{statistics.median(shown):.0f}", flush=True)
                if kind == "common word":
                    check(med >= notes * 0.2, f"common words match only {med} of {notes} notes")
                    check(min(shown) == 50, "a common-word search listed fewer than 50 hits")
                elif kind == "rare word":
                    check(med <= notes * 0.01,
                          f"rare words match {med} of {notes} notes (not rare)")
                else:
                    check(min(found) >= 1, "a phrase copied from a note found nothing")
                figures.add(f"full-text search, {kind}, p50", percentile(times, 50), "ms",
                            "<= 10 ms", lambda v: v <= 10, "{:.2f}")
                figures.add(f"full-text search, {kind}, p95", percentile(times, 95), "ms",
                            "<= 10 ms", lambda v: v <= 10, "{:.2f}")
                figures.add(f"full-text search, {kind}, notes matching (median)", med,
                            f"of {notes}")

            p = statistics.median(mix(plain, random.Random(5 + run), plain_ids, 300))
            e = statistics.median(mix(enc2, random.Random(5 + run), enc_ids, 300))
            print(f"    realistic mix median: SQLCipher {e:.2f} ms vs plain SQLite {p:.2f} ms",
                  flush=True)
            figures.add("realistic mix, SQLCipher / plain SQLite", e / p, "x", "<= 1.3x",
                        lambda v: v <= 1.3, "{:.2f}")
        for book_ in (enc, fts, plain, enc2):
            book_.close()
    return 0 if figures.report() else 1


if __name__ == "__main__":
    raise SystemExit(main())
