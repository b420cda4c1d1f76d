"""How long an administrator waits for ``spoke-hub rekey`` on a hub of real size.

    .venv/bin/python benchmarks/hub_rekey.py [--records 100000] [--runs 3]

One embedded hub made by ``spoke-hub init`` (SQLCipher, ``synchronous = FULL``), filled with
``--records`` fictional session records of ~900 bytes each in ``hub_records`` (straight into
the table: what is measured is the copy, not the pushes), then ``--runs`` key changes one
after another, each timed whole as ``rekey()`` runs it: the new key file, the copy under it,
its check, the two renames and the audit entry. Each run checks that the key file changed,
that the database opens with the new key only, and that every record was copied.

No target: docs/hub-admin.md, "Changing the database key", quotes the figure. Prints min /
median / max of the seconds and the database's size.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import sqlcipher3.dbapi2 as sqlcipher_dbapi
from _bench import Figures, check

from spokeapp.hub.cli import main as hub_main
from spokeapp.hub.db import read_key_file
from spokeapp.hub.rekey import rekey

NOTE = "Fictional session note for a benchmark, nobody real. " * 16


def _fill(db: Path, key: bytes, records: int) -> None:
    connection = sqlcipher_dbapi.connect(str(db))
    try:
        connection.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
        connection.execute("BEGIN")
        connection.executemany(
            "INSERT INTO hub_records (record_id, kind, case_id, state, body, author_user, "
            "device_id, seq, hub_time) VALUES (?, 'session', NULL, 'final', ?, 'u-bench', "
            "NULL, ?, '2026-01-01T00:00:00+00:00')",
            ((f"bench-{i:08d}", f'{{"id": "bench-{i:08d}", "discussed": "{NOTE}"}}', 1000 + i)
             for i in range(records)))
        connection.execute("COMMIT")
    finally:
        connection.close()


def _opens(db: Path, key: bytes) -> bool:
    connection = sqlcipher_dbapi.connect(str(db))
    try:
        connection.execute("PRAGMA cipher_log_level = NONE")
        connection.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
        return int(connection.execute(
            "SELECT count(*) FROM hub_records WHERE kind = 'session'").fetchone()[0]) >= 0
    except sqlcipher_dbapi.DatabaseError:
        return False
    finally:
        connection.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    figures = Figures(f"spoke-hub rekey, embedded hub of {args.records:,} records")
    with tempfile.TemporaryDirectory(prefix="spoke-bench-rekey-") as folder:
        db = Path(folder) / "hub.db"
        url = f"sqlcipher:///{db}"
        check(hub_main(["init", "--database", url, "--organisation", "Bench Charity",
                        "--admin", "Bench Admin"]) == 0, "spoke-hub init failed")
        _fill(db, read_key_file(db.with_suffix(".key")), args.records)
        print(f"hub database: {db.stat().st_size / 1e6:.0f} MB", flush=True)
        for _ in range(args.runs):
            old = read_key_file(db.with_suffix(".key"))
            started = time.perf_counter()
            result = rekey(url)
            seconds = time.perf_counter() - started
            new = read_key_file(db.with_suffix(".key"))
            check(new != old and _opens(db, new) and not _opens(db, old),
                  "the database does not open with the new key only")
            check(not result.finished_interrupted and result.rows >= args.records,
                  f"only {result.rows} rows were copied")
            figures.add("rekey, whole", seconds, "s", fmt="{:.2f}")
    figures.report()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
