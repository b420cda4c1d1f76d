"""How long a worker waits for "Give your casebook a new key" (Settings) on a real casebook.

    .venv/bin/python benchmarks/casebook_key_renewal.py [--cases 1000] [--sessions 50000]
        [--runs 3]

One casebook with the shipped key derivation (Argon2id at its real cost) and SQLCipher as
shipped (``synchronous = FULL``), filled by ``caseload_open.build`` (``--cases`` cases with
their young people and two risk assessments each, ``--sessions`` finalised sessions), then
``--runs`` renewals one after another, each timed in its two parts as the Settings page runs
them: ``prepare_key_renewal`` (the passphrase checked, a new key file made: what the worker
waits for before the new recovery key is shown) and ``renew_key`` (the database re-encrypted in
place, its WAL emptied, the key file replaced: what she waits for after ticking that she wrote
the key down). Each run checks that the key file's data key changed, that the database opens
with the new key only, and that every session is still there.

No target: docs/architecture.md ("Keys") quotes the figure. Prints min / median / max.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from _bench import Figures, check
from caseload_open import PASSPHRASE, build

from spokeapp.crypto.keyfile import KeyFile
from spokeapp.store.casebook import DB_NAME, KEY_NAME, Casebook
from spokeapp.store.database import CasebookError, connect


def _opens(profile: Path, key: bytes) -> bool:
    try:
        connect(profile / DB_NAME, key).close()
    except CasebookError:
        return False
    return True


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=1000)
    parser.add_argument("--sessions", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    figures = Figures(f"casebook key renewal, {args.cases:,} cases / {args.sessions:,} sessions")
    with tempfile.TemporaryDirectory(prefix="spoke-bench-renew-") as folder:
        profile = Path(folder) / "profile"
        book, _recovery = Casebook.create(profile, PASSPHRASE, author="bench")
        with book:
            build(book, args.cases, args.sessions)
            print(f"casebook: {(profile / DB_NAME).stat().st_size / 1e6:.0f} MB", flush=True)
            for _ in range(args.runs):
                old = KeyFile.read(profile / KEY_NAME).unlock(PASSPHRASE)
                started = time.perf_counter()
                renewal = book.prepare_key_renewal(PASSPHRASE)
                prepared = time.perf_counter()
                book.renew_key(renewal)
                done = time.perf_counter()
                new = KeyFile.read(profile / KEY_NAME).unlock(PASSPHRASE)
                check(new == renewal.data_key and new != old, "the key file was not renewed")
                check(_opens(profile, new) and not _opens(profile, old),
                      "the casebook does not open with the new key only")
                check(len(book.records(kind="session")) == args.sessions,
                      "sessions went missing")
                figures.add("passphrase checked, new key made", prepared - started, "s",
                            fmt="{:.2f}")
                figures.add("casebook re-encrypted", done - prepared, "s", fmt="{:.2f}")
    figures.report()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
