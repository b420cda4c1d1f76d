"""A laptop that dies mid-write (battery, crash, forced shutdown) loses nothing it reported saved.

A child process writes to one casebook in a loop and reports each write only after ``save``
returned; the test kills it with SIGKILL at random moments, again and again, and after every
kill opens the casebook: it must pass SQLite's integrity check and hold every reported write.
Set SPOKE_CRASH_SEED to replay a run and SPOKE_CRASH_KILLS to kill more often.
"""

from __future__ import annotations

import os
import random
import selectors
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from spokeapp.store.casebook import Casebook
from tests.helpers.crash_writer import token
from tests.helpers.records import PASSPHRASE, new_casebook, seeded_case

ROOT = Path(__file__).resolve().parents[2]
KILLS = int(os.environ.get("SPOKE_CRASH_KILLS", "50"))
MIN_WRITES_BEFORE_KILL = 3
CHILD_TIMEOUT_S = 30.0


@dataclass
class Expected:
    """What the child has reported, and so what must survive any crash."""

    finals: set[str] = field(default_factory=set)
    drafts: dict[str, int] = field(default_factory=dict)  # id -> lowest acceptable revision
    discarding: set[str] = field(default_factory=set)  # discard may or may not have happened
    discarded: set[str] = field(default_factory=set)
    headers: dict[str, int] = field(default_factory=dict)
    reported: int = 0

    def apply(self, line: str) -> None:
        op, record_id, *rest = line.split()
        self.reported += 1
        if op == "final":
            self.drafts.pop(record_id, None)
            self.finals.add(record_id)
        elif op == "draft":
            self.drafts[record_id] = int(rest[0])
        elif op == "header":
            self.headers[record_id] = int(rest[0])
        elif op == "discarding":
            self.discarding.add(record_id)
        elif op == "discarded":
            self.discarding.discard(record_id)
            self.drafts.pop(record_id, None)
            self.discarded.add(record_id)
        else:  # pragma: no cover - protocol error in the child
            raise AssertionError(f"unexpected line from child: {line!r}")


def _run_child_and_kill(
    profile: Path, case_id: str, yp_id: str, rng: random.Random, stderr_path: Path
) -> list[str]:
    """Start a writer, let it report a few writes, kill it at a random moment; return the
    complete lines it printed."""
    with stderr_path.open("wb") as stderr:
        child = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.helpers.crash_writer",
                str(profile),
                case_id,
                yp_id,
                str(rng.randrange(2**32)),
            ],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=stderr,
            bufsize=0,
        )
    assert child.stdout is not None
    out = b""
    wanted = MIN_WRITES_BEFORE_KILL + rng.randrange(8)
    kill_at: float | None = None
    give_up = time.monotonic() + CHILD_TIMEOUT_S
    with selectors.DefaultSelector() as selector:
        selector.register(child.stdout, selectors.EVENT_READ)
        while True:
            now = time.monotonic()
            if kill_at is not None and now >= kill_at:
                break
            assert now < give_up, f"child wrote nothing for {CHILD_TIMEOUT_S}s: " + (
                stderr_path.read_text(errors="replace")
            )
            timeout = (kill_at if kill_at is not None else give_up) - now
            if selector.select(timeout):
                chunk = os.read(child.stdout.fileno(), 65536)
                if not chunk:  # the child exited by itself: a bug, not a crash we caused
                    child.wait()
                    pytest.fail(
                        f"crash writer exited with {child.returncode}: "
                        + stderr_path.read_text(errors="replace")
                    )
                out += chunk
            if kill_at is None and out.count(b"\n") >= wanted:
                # The random moment: anywhere in the next few writes (each is a few ms).
                kill_at = time.monotonic() + rng.uniform(0.0, 0.04)
    os.kill(child.pid, signal.SIGKILL)
    out += child.stdout.read()  # lines printed before the kill landed
    child.stdout.close()
    assert child.wait() == -signal.SIGKILL
    return [line for line in out.decode().split("\n")[:-1] if line]  # ignore a partial tail


def _check_survivors(profile: Path, expected: Expected, context: str) -> None:
    with Casebook.open(profile, PASSPHRASE, author="crash-checker") as book:
        assert book.integrity_ok(), context
        stored = {s.record.id: s for s in book.records()}
        for record_id in expected.finals:
            got = stored.get(record_id)
            assert got is not None, f"reported final {record_id} lost; {context}"
            assert got.state == "final", context
            assert token(record_id) in got.record.discussed, context
        for record_id, revision in expected.drafts.items():
            got = stored.get(record_id)
            if got is None:
                assert record_id in expected.discarding, f"draft {record_id} lost; {context}"
                continue
            assert got.revision >= revision, f"draft {record_id} went back; {context}"
            assert got.state in {"draft", "final"}, context  # finalised after its last report
        for record_id in expected.discarded:
            assert record_id not in stored, f"discarded draft {record_id} is back; {context}"
        for record_id, revision in expected.headers.items():
            assert stored[record_id].revision >= revision, f"header update lost; {context}"
        logged = {c.record_id for c in book.changes(include_local_only=True, unsent_only=False)}
        assert expected.finals | set(expected.drafts) | expected.discarded <= logged, context
        # The search index must agree with the records after recovery.
        if expected.finals:
            sample = max(expected.finals)
            hits = {h.record_id for h in book.search_notes(token(sample))}
            assert hits == {sample}, context


@pytest.mark.slow
def test_sigkill_during_writes_never_loses_a_reported_write(tmp_path: Path) -> None:
    seed = int(os.environ.get("SPOKE_CRASH_SEED", str(random.SystemRandom().randrange(2**32))))
    rng = random.Random(seed)
    profile = tmp_path / "profile"
    book, _recovery = new_casebook(profile)  # FAST_KDF, so every child unlocks quickly
    with book:
        yp, _ref, cs = seeded_case(book)
    expected = Expected(headers={yp.id: 1, cs.id: 1})

    started = time.monotonic()
    for kill in range(1, KILLS + 1):
        lines = _run_child_and_kill(profile, cs.id, yp.id, rng, tmp_path / "child-stderr.txt")
        assert len(lines) >= MIN_WRITES_BEFORE_KILL
        for line in lines:
            expected.apply(line)
        _check_survivors(profile, expected, f"after kill {kill} (SPOKE_CRASH_SEED={seed})")

    elapsed = time.monotonic() - started
    print(
        f"\n{KILLS} kills, {expected.reported} reported writes, {len(expected.finals)} final, "
        f"{len(expected.drafts)} drafts, {len(expected.discarded)} discarded in "
        f"{elapsed:.1f}s (SPOKE_CRASH_SEED={seed})"
    )
    assert expected.finals and expected.drafts and expected.discarded
