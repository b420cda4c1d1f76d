"""Child process for the kill-mid-sync test: open an enrolled casebook and run one sync.

    python -m tests.integration.robustness.sync_child PROFILE AUTHOR PULL_LIMIT

Prints ``start`` once the casebook is open and the sync begins, ``phase NAME`` when the engine
reports progress in a new phase (safety, upload, reupload, download), and ``done OK ACCEPTED
DUPLICATES PULLED`` when the run finished. Every line is flushed at once, so the parent knows
where the run was when it killed it. The parent's side is :func:`run_and_kill`.
"""

from __future__ import annotations

import os
import selectors
import signal
import subprocess
import sys
import time
from pathlib import Path

from spokeapp.store.casebook import Casebook
from spokeapp.sync.engine import SyncEngine, SyncEvent
from tests.helpers.records import PASSPHRASE

ROOT = Path(__file__).resolve().parents[3]
START_TIMEOUT_S = 30.0


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


def run_and_kill(
    profile: Path, author: str, pull_limit: int, delay: float, log: Path,
    after_phase: str | None = None,
) -> tuple[bool, str | None, float]:
    """Start a sync child; SIGKILL it ``delay`` s after it starts syncing (or, with
    ``after_phase``, ``delay`` s after it reports reaching that phase).

    Returns (killed mid-run, last phase reported, seconds the run had been going).
    """
    with log.open("ab") as stderr:
        child = subprocess.Popen(
            [sys.executable, "-m", "tests.integration.robustness.sync_child", str(profile),
             author, str(pull_limit)],
            cwd=ROOT, stdout=subprocess.PIPE, stderr=stderr, text=True,
        )
    assert child.stdout is not None
    phase: str | None = None
    started = 0.0
    finished = False
    with selectors.DefaultSelector() as selector:
        selector.register(child.stdout, selectors.EVENT_READ)
        deadline = time.monotonic() + START_TIMEOUT_S
        while not started:
            assert time.monotonic() < deadline, "the sync child did not start"
            if selector.select(timeout=0.5):
                line = child.stdout.readline()
                assert line, f"the sync child died before starting (see {log})"
                if line.strip() == "start":
                    started = time.monotonic()
        kill_at = started + delay if after_phase is None else float("inf")
        while True:
            left = kill_at - time.monotonic()
            if left <= 0:
                break
            if selector.select(timeout=min(left, 60.0)):
                line = child.stdout.readline()
                if not line or line.startswith("done"):
                    finished = True
                    break
                if line.startswith("phase "):
                    phase = line.split()[1]
                    if phase == after_phase:
                        kill_at = time.monotonic() + delay
    elapsed = time.monotonic() - started
    if not finished:
        os.kill(child.pid, signal.SIGKILL)
        assert child.wait(timeout=10) == -signal.SIGKILL
    else:
        child.wait(timeout=30)
    child.stdout.close()
    return not finished, phase, elapsed


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
