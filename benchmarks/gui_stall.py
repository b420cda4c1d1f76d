"""Does the window stall while a big sync runs? The longest event-loop stall, measured.

    QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/gui_stall.py [--records 10000]

A real hub runs as its own process (``spoke-hub serve`` on an encrypted SQLite file). One
laptop pushes N session notes; a second laptop of the same worker opens the real main window
and syncs them all down while a "worker" types full-text searches into the Caseload page
every 150 ms. A 5 ms timer on the GUI thread records how late each tick runs: the longest gap
is the longest moment the window could not respond. Target: no stall over 50 ms.
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PySide6.QtCore import QElapsedTimer, QTimer  # noqa: TID251 - measures the Qt event loop
from PySide6.QtWidgets import QApplication  # noqa: TID251 - measures the Qt event loop

from spokeapp.crypto.keyfile import FAST_KDF_FOR_TESTS
from spokeapp.demo_hub import create_demo_hub_database, hub_url_for
from spokeapp.domain.ids import new_id
from spokeapp.domain.records import Case, ContactType, Session, VenueType, YoungPerson
from spokeapp.hub import admin
from spokeapp.store.casebook import Casebook
from spokeapp.sync.engine import SyncEngine
from spokeapp.ui.main_window import CASELOAD, MainWindow
from spokeapp.ui.tasks import TaskRunner

WORDS = ("school bus park cafe library friend phone party night money car worried plan safety "
         "trust family music college station shopping message photo house curfew").split()
PASSPHRASE = "benchmark passphrase, not a secret"


def start_hub(folder: Path) -> tuple[subprocess.Popen[str], str, str]:
    engine, users = create_demo_hub_database(folder)
    from sqlalchemy.orm import Session as DbSession

    with DbSession(engine) as session, session.begin():
        second = admin.create_enrolment_code(session, users.worker_id)
    engine.dispose()
    hub_bin = Path(sys.executable).parent / "spoke-hub"
    proc = subprocess.Popen(
        [str(hub_bin), "serve", "--port", "0", "--database", hub_url_for(folder)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    assert proc.stdout is not None
    for line in proc.stdout:
        if line.startswith("Hub listening on "):
            return proc, line.split("Hub listening on ", 1)[1].strip(), users.worker_code + \
                "|" + second
    raise RuntimeError("the hub did not start")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=10_000)
    args = parser.parse_args()
    rng = random.Random(1)
    app = QApplication.instance() or QApplication([])
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        hub, url, codes = start_hub(root / "hub")
        first_code, second_code = codes.split("|")
        try:
            writer, _ = Casebook.create(root / "writer", PASSPHRASE, kdf=FAST_KDF_FOR_TESTS)
            account = SyncEngine(writer).enrol(url, first_code, "writer laptop")
            writer.author = account.user_id
            yp = YoungPerson(id=new_id(), reference="BENCH-01", name="Bench Person",
                             date_of_birth=datetime(2010, 1, 1).date())
            writer.save(yp)
            case = Case(id=new_id(), young_person_id=yp.id, key_worker=writer.author,
                        opened_on=datetime(2026, 1, 1).date())
            writer.save(case)
            start = datetime(2026, 1, 5, 16, 0, tzinfo=UTC)
            for i in range(args.records):
                writer.save(Session(
                    id=new_id(), case_id=case.id, contact_type=ContactType.ONE_TO_ONE,
                    occurred_at=start + timedelta(hours=i), duration_minutes=45,
                    venue_type=VenueType.CAFE,
                    discussed=" ".join(rng.choice(WORDS) for _ in range(60)),
                ), finalise=True)
            t0 = time.perf_counter()
            report = SyncEngine(writer).sync_once()
            print(f"(first laptop pushed {report.accepted} records in "
                  f"{time.perf_counter() - t0:.1f} s)")
            writer.close()

            reader, _ = Casebook.create(root / "reader", PASSPHRASE, kdf=FAST_KDF_FOR_TESTS)
            account = SyncEngine(reader).enrol(url, second_code, "reader laptop")
            reader.author = account.user_id
            tasks = TaskRunner()
            window = MainWindow(reader, tasks, clock=lambda: datetime.now(UTC), idle_minutes=10)
            window.show()
            window.show_page(CASELOAD)
            for _ in range(20):
                app.processEvents()

            gaps: list[float] = []
            clock = QElapsedTimer()
            clock.start()
            last = [clock.elapsed()]

            long_gaps: list[tuple[float, float]] = []

            def tick() -> None:
                now = clock.elapsed()
                gaps.append(now - last[0])
                if now - last[0] > 30:
                    long_gaps.append((now / 1000, now - last[0]))
                last[0] = now

            ticker = QTimer()
            ticker.setInterval(5)
            ticker.timeout.connect(tick)
            typed = [0]

            def type_search() -> None:
                text = f"{rng.choice(WORDS)} {rng.choice(WORDS)[:3]}"
                window.caseload.search_edit.setText(text)
                typed[0] += 1

            typist = QTimer()
            typist.setInterval(150)
            typist.timeout.connect(type_search)
            done = [False]
            window.sync.finished.connect(lambda _report: done.__setitem__(0, True))
            if os.environ.get("SPOKE_BENCH_DEBUG"):
                import threading
                import traceback

                gui_ident = threading.get_ident()

                def watchdog() -> None:
                    while not done[0]:
                        time.sleep(0.01)
                        if clock.elapsed() - last[0] > 40:
                            print("GUI thread busy at", clock.elapsed() - last[0], "ms:")
                            for ident, frame in sys._current_frames().items():
                                if ident == threading.get_ident():
                                    continue
                                print("thread", (ident == gui_ident and "GUI") or ident)
                                print("".join(traceback.format_stack(frame)[-4:]))
                            time.sleep(0.05)

                threading.Thread(target=watchdog, daemon=True).start()
            ticker.start()
            typist.start()
            t0 = time.perf_counter()
            window.sync.sync_now()
            while not done[0] and time.perf_counter() - t0 < 600:
                app.processEvents()
                time.sleep(0.001)
            elapsed = time.perf_counter() - t0
            ticker.stop()
            typist.stop()
            window.sync.stop()
            tasks.wait()
            pulled = reader.count("session")
            reader.close()
            stalls = sorted(g - 5 for g in gaps)
            if os.environ.get("SPOKE_BENCH_DEBUG"):
                print("long gaps (s since start, ms):", long_gaps, "sync took", elapsed)
            print(f"second laptop pulled {pulled} sessions in {elapsed:.1f} s while "
                  f"{typed[0]} searches were typed")
            print(f"event-loop stall: longest {max(stalls):.0f} ms, p99 "
                  f"{stalls[int(len(stalls) * 0.99)]:.0f} ms over {len(stalls)} ticks   "
                  "[target: none over 50 ms]")
        finally:
            hub.terminate()
            hub.wait(timeout=10)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
