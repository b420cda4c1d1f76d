"""Child process for the kill-mid-sync test: open an enrolled casebook and run one sync.

    python -m tests.integration.robustness.sync_child PROFILE AUTHOR PULL_LIMIT

Prints ``start`` once the casebook is open and the sync begins, ``phase NAME`` when the engine
reports progress in a new phase (safety, upload, reupload, download), and ``done OK ACCEPTED
DUPLICATES PULLED`` when the run finished. Every line is flushed at once, so the parent knows
where the run was when it killed it.
"""

from __future__ import annotations

import sys
from pathlib import Path

from spokeapp.store.casebook import Casebook
from spokeapp.sync.engine import SyncEngine, SyncEvent
from tests.helpers.records import PASSPHRASE


def _emit(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def main(argv: list[str]) -> int:
    profile, author, pull_limit = Path(argv[0]), argv[1], int(argv[2])
    book = Casebook.open(profile, PASSPHRASE, author=author)
    phase: list[str | None] = [None]

    def on_event(event: SyncEvent) -> None:
        if event.kind == "progress" and event.phase != phase[0]:
            phase[0] = event.phase
            _emit(f"phase {event.phase}")

    engine = SyncEngine(book, on_event=on_event, pull_limit=pull_limit)
    _emit("start")
    report = engine.sync_once()
    _emit(f"done {int(report.ok)} {report.accepted} {report.duplicates} {report.pulled}")
    book.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
