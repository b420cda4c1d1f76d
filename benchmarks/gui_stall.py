"""Does the window stall while a big sync runs and the worker searches? The longest stall.

    QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/gui_stall.py [--records 50000]
        [--runs 3] [--min-sync-seconds 3]

A real hub runs as its own process (``spoke-hub serve`` on an encrypted SQLite file) holding N
session notes of realistic text (benchmarks/_bench.py ``Vocabulary``), pushed once by a bare
client of the worker. Each run enrols a new, empty laptop of the same worker, opens the real
main window on the Caseload page and syncs everything down while a simulated worker searches
the notes: types a word a letter every 120 ms (each keystroke restarts the page's 250 ms
debounce, as real typing does), then pauses 700 ms so the debounce fires and the search runs,
then types the next word over it. A search counts as run when its results reach the page's
hits table (``CaseloadPage._found`` resets ``hits_model`` for a non-empty search box).

Meanwhile the worker's session note grows a word every ``NOTE_MS`` and its autosave runs every
``AUTOSAVE_MS`` instead of every 5 s (so several run during the sync: each waits for the
casebook while a pulled page is written, off the GUI thread); how many kept the note is
counted and checked.

A 5 ms timer on the GUI thread records how late each tick runs: the longest gap is the
longest moment the window could not respond. Target: no stall over 50 ms, during the whole
sync and while searches run. Checks that searches ran (and some found notes) and that the sync
lasted at least ``--min-sync-seconds``, failing loudly otherwise.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _bench import Figures, Vocabulary, check, percentile
from PySide6.QtCore import QElapsedTimer, QTimer  # noqa: TID251 - measures the Qt event loop
from PySide6.QtWidgets import QApplication  # noqa: TID251 - measures the Qt event loop
from sync_push_pull import (
    MAX_BATCH_CHANGES,
    BareDevice,
    Hub,
    init_database,
    new_laptop,
    serve_hub,
)

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
from spokeapp.ui.main_window import CASELOAD, MainWindow
from spokeapp.ui.tasks import TaskRunner

TARGET_STALL_MS = 50.0
KEY_MS = 120
PAUSE_MS = 700
#: The session note: a word added this often, and kept by its autosave this often (not 5 s).
NOTE_MS = 400
AUTOSAVE_MS = 500
VOCABULARY = Vocabulary()


def fill_hub(hub: Hub, worker: str, records: int, cases: int) -> None:
    """N sessions of realistic notes, pushed by a bare client of ``worker`` (fast setup)."""
    rng = random.Random(1)
    bare = BareDevice(hub, worker)
    people: list[Any] = []
    case_ids = []
    for n in range(cases):
        yp = YoungPerson(id=new_id(), reference=f"STALL-{n:04d}", name=f"Bench Person {n}",
                         date_of_birth=date(2010, 1, 1))
        cs = Case(id=new_id(), young_person_id=yp.id, key_worker=worker,
                  opened_on=date(2026, 1, 4))
        people += [yp, cs]
        case_ids.append(cs.id)
    bare.push(bare.body([bare.change(r) for r in people]))
    start = datetime(2026, 1, 5, 16, 0, tzinfo=UTC)
    for first in range(0, records, MAX_BATCH_CHANGES):
        batch = [bare.change(Session(
            id=new_id(), case_id=case_ids[i % cases], contact_type=ContactType.ONE_TO_ONE,
            occurred_at=start + timedelta(minutes=i), duration_minutes=45,
            venue_type=VenueType.CAFE, venue_chosen_by=ChosenBy.YOUNG_PERSON,
            pace_set_by=ChosenBy.TOGETHER, discussed=VOCABULARY.note_chars(rng, 300),
            young_persons_words=VOCABULARY.note_chars(rng, 60),
            wants_to_meet_again=MeetAgain.YES, concerns="",
            actions=VOCABULARY.note_chars(rng, 40),
        )) for i in range(first, min(records, first + MAX_BATCH_CHANGES))]
        bare.push(bare.body(batch))
    bare.close()


class Typist:
    """Types a word a letter at a time, pauses for the search, types the next one over it."""

    def __init__(self, edit: Any, rng: random.Random) -> None:
        self.edit = edit
        self.rng = rng
        self.word = ""
        self.typed = 0
        self.words = 0
        self.timer = QTimer()
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self.step)

    def start(self) -> None:
        self.timer.start(KEY_MS)

    def stop(self) -> None:
        self.timer.stop()

    def step(self) -> None:
        if self.typed >= len(self.word):  # the pause is over: a new word
            pool = VOCABULARY.middling() if self.rng.random() < 0.5 else VOCABULARY.rare()
            self.word = self.rng.choice(pool)
            self.typed = 0
            self.words += 1
        self.typed += 1
        self.edit.setText(self.word[:self.typed])
        self.timer.start(PAUSE_MS if self.typed >= len(self.word) else KEY_MS)


def one_run(app: QApplication, hub: Hub, folder: Path, worker: str, run: int,
            args: argparse.Namespace, figures: Figures) -> None:
    rng = random.Random(100 + run)
    reader, _engine = new_laptop(hub, folder, worker, f"reader-{run}")
    tasks = TaskRunner()
    window = MainWindow(reader, tasks, clock=lambda: datetime.now(UTC), idle_minutes=10)
    window.show()
    window.show_page(CASELOAD)
    page = window.caseload
    for _ in range(20):
        app.processEvents()

    clock = QElapsedTimer()
    clock.start()
    last = [clock.elapsed()]
    ticks: list[tuple[float, float]] = []  # (when the tick ran, gap before it) in ms

    def tick() -> None:
        now = clock.elapsed()
        ticks.append((now, now - last[0]))
        last[0] = now

    searches: list[tuple[float, float, int]] = []  # (started, finished, hits shown) in ms
    started: list[float] = []

    def search_started() -> None:
        if page.search_edit.text().strip():
            started.append(clock.elapsed())

    def search_shown() -> None:
        if page.search_edit.text().strip() and started:
            searches.append((started[-1], clock.elapsed(), page.hits_model.rowCount()))

    # The page's own debounce timer and results model: a search "ran" when its hits are shown.
    page._search_timer.timeout.connect(search_started)
    page.hits_model.modelReset.connect(search_shown)

    note = window.session_form
    note.autosave.setInterval(AUTOSAVE_MS)
    autosaves: list[float] = []
    note.status.connect(lambda text: autosaves.append(clock.elapsed())
                        if text.startswith("Draft saved") else None)
    writer = QTimer()
    writer.setInterval(NOTE_MS)
    writer.timeout.connect(lambda: note.discussed.insertPlainText(
        rng.choice(VOCABULARY.middling()) + " "))

    ticker = QTimer()
    ticker.setInterval(5)
    ticker.timeout.connect(tick)
    typist = Typist(page.search_edit, rng)
    done: list[Any] = []
    window.sync.finished.connect(done.append)
    ticker.start()
    typist.start()
    writer.start()
    sync_began = clock.elapsed()
    t0 = time.perf_counter()
    window.sync.sync_now()
    while not done and time.perf_counter() - t0 < 900:
        app.processEvents()
        time.sleep(0.001)
    sync_ended = clock.elapsed()
    elapsed = time.perf_counter() - t0
    ticker.stop()
    typist.stop()
    writer.stop()
    note.autosave.stop()
    window.sync.stop()
    tasks.wait()
    pulled = reader.count("session")
    window.close()
    window.deleteLater()
    app.processEvents()
    reader.close()

    during = [gap - 5 for when, gap in ticks if sync_began <= when <= sync_ended]
    saved = [when for when in autosaves if sync_began <= when <= sync_ended]
    in_search = [gap - 5 for when, gap in ticks
                 if any(s <= when <= f + 50 for s, f, _ in searches)]
    found = [n for _s, _f, n in searches]
    print(f"    run {run + 1}: pulled {pulled} sessions in {elapsed:.1f} s; {typist.words} "
          f"words typed, {len(searches)} searches run ({sum(1 for n in found if n)} found "
          f"notes); {len(saved)} autosaves of the note; longest stall {max(during):.0f} ms, "
          f"while searching {max(in_search, default=0):.0f} ms", flush=True)
    check(done and done[0].ok, f"the sync did not finish well: {done}")
    check(pulled >= args.records, f"the laptop pulled {pulled} of {args.records} sessions")
    check(elapsed >= args.min_sync_seconds,
          f"the sync lasted {elapsed:.1f} s, under --min-sync-seconds "
          f"{args.min_sync_seconds}: use more --records")
    check(len(searches) >= 2, f"only {len(searches)} searches ran during the sync")
    check(any(found), "no search found any note: the searches did not see the pulled notes")
    check(len(saved) >= 2, f"only {len(saved)} autosaves of the note ran during the sync")
    figures.add("sync seconds (the whole sync, window open)", elapsed, "s",
                f">= {args.min_sync_seconds:.0f} s (sizing, checked)", None, "{:.1f}")
    figures.add("searches run during the sync", len(searches), "")
    figures.add("autosaves of the session note during the sync", len(saved), "")
    figures.add("search, keystroke pause to hits shown, median",
                percentile([f - s for s, f, _ in searches], 50), "ms")
    figures.add("longest stall during the sync", max(during), "ms",
                f"<= {TARGET_STALL_MS:.0f} ms", lambda v: v <= TARGET_STALL_MS)
    figures.add("longest stall while a search ran", max(in_search, default=0.0), "ms",
                f"<= {TARGET_STALL_MS:.0f} ms", lambda v: v <= TARGET_STALL_MS)
    figures.add("p99 stall during the sync", percentile(during, 99), "ms")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=50_000)
    parser.add_argument("--cases", type=int, default=50)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--min-sync-seconds", type=float, default=3.0,
                        help="fail if the sync was shorter (the stall would mean little)")
    args = parser.parse_args()
    app = QApplication.instance() or QApplication([])
    assert isinstance(app, QApplication)
    figures = Figures(f"window stalls while {args.records} sessions sync and the worker "
                      f"searches, {args.runs} runs")
    with tempfile.TemporaryDirectory(prefix="spoke-stall-") as tmp:
        folder = Path(tmp)
        db_url = f"sqlcipher:///{folder / 'hub.db'}"
        init_database(db_url, folder)
        with serve_hub(db_url, folder) as hub:
            worker = hub.add_user("Bench Worker")
            t0 = time.perf_counter()
            fill_hub(hub, worker, args.records, args.cases)
            print(f"(the hub holds {args.records} sessions, pushed in "
                  f"{time.perf_counter() - t0:.1f} s)", flush=True)
            for run in range(args.runs):
                one_run(app, hub, folder, worker, run, args, figures)
    return 0 if figures.report() else 1


if __name__ == "__main__":
    raise SystemExit(main())
