"""Unlocking quickly (issue 18): Today's list is shown and painted first and the rest of the
main window is made after it (or at once when asked for); the rest of the app is imported in
the background, waiting while the worker waits for Today; a long Today list fits its rows as
they come into view; the Visits page's periodic refresh reads the casebook off the GUI thread,
and the rest of the window, made from a timer, takes the cases, visits and drafts that Today's
first reading found instead of reading them again on the GUI thread. All data is fictional."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QTimer

from spokeapp.crypto.keyfile import FAST_KDF_FOR_TESTS
from spokeapp.domain.ids import new_id
from spokeapp.domain.records import Case, VisitPlan, YoungPerson
from spokeapp.present.today import Action
from spokeapp.store.casebook import Casebook, CaseloadRow
from spokeapp.ui import shell as shell_module
from spokeapp.ui.main_window import CASELOAD, TODAY
from spokeapp.ui.shell import LOCKED, UNLOCKED, ImportPause
from spokeapp.ui.tasks import TaskRunner
from spokeapp.ui.views import visits as visits_module
from spokeapp.ui.views.today import MEASURED_ROWS, TodayPage
from spokeapp.ui.views.visits import VisitsPage

from .conftest import PASSPHRASE, unlock

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


@pytest.fixture
def book(tmp_path: Path) -> Iterator[Casebook]:
    casebook, _ = Casebook.create(tmp_path / "laptop", "kettle orbit lemon march",
                                  kdf=FAST_KDF_FOR_TESTS)
    yield casebook
    if casebook.is_open:
        casebook.close()


def _rows(count: int) -> list[CaseloadRow]:
    return [
        CaseloadRow(case_id=f"case-{n}", reference=f"YP-{n:04d}", name=f"Person {n}",
                    preferred_name=None, status="open", risk_level=None, last_contact=None,
                    last_assessed=None if n % 2 else date(2025, 1, 1), key_worker="worker")
        for n in range(count)
    ]


def test_a_long_today_list_shows_every_item_with_the_rows_in_view_fitted(
    qtbot: Any, book: Casebook
) -> None:
    page = TodayPage(book, TaskRunner())
    qtbot.addWidget(page)
    page.resize(900, 700)
    page.show()
    page.show_today(_rows(400), NOW)
    assert len(page.items) == page.model.rowCount() > MEASURED_ROWS  # nothing left off
    table = page.list
    for row in (0, MEASURED_ROWS - 1):
        assert table.rowHeight(row) == max(table.sizeHintForRow(row),
                                           table.verticalHeader().minimumSectionSize())
    last = page.model.rowCount() - 1
    table.scrollToBottom()  # scrolled to: fitted then
    assert table.rowHeight(last) == max(table.sizeHintForRow(last),
                                        table.verticalHeader().minimumSectionSize())
    page.show_today(_rows(3), NOW)  # a short list again: every row fitted at once
    assert len(page.items) == page.model.rowCount()
    assert all(table.rowHeight(r) == max(table.sizeHintForRow(r),
                                         table.verticalHeader().minimumSectionSize())
               for r in range(page.model.rowCount()))


def test_the_visits_timer_reads_the_casebook_off_the_gui_thread(
    qtbot: Any, book: Casebook, monkeypatch: pytest.MonkeyPatch
) -> None:
    tasks = TaskRunner()
    page = VisitsPage(book, tasks, clock=lambda: NOW)
    qtbot.addWidget(page)
    threads: list[bool] = []
    real = visits_module.load_visits

    def watched(*args: Any, **kwargs: Any) -> Any:
        threads.append(threading.current_thread() is threading.main_thread())
        return real(*args, **kwargs)

    monkeypatch.setattr(visits_module, "load_visits", watched)
    with qtbot.waitSignal(page.visits_changed, timeout=5000):
        page._timer.timeout.emit()  # what the 30 s timer does
    qtbot.waitUntil(lambda: not tasks.busy)
    assert threads == [False]  # read once, on the task runner's thread
    assert page.views == []
    tasks.wait()


# ------------------------------------------------------------------ Today first, then the rest
def _click_unlock(shell: Any, passphrase: str = PASSPHRASE) -> None:
    shell.window.passphrase.setText(passphrase)
    shell.window.unlock_button.click()


def test_unlocking_shows_todays_list_first_and_the_other_pages_after(
    qtbot: Any, make_shell: Any, seeded: str
) -> None:
    shell = make_shell()
    seen: dict[str, Any] = {}

    def shown(state: str) -> None:
        main = shell.main_window
        if state != UNLOCKED or main is None:
            return
        # The moment the window appears: Today only, the other pages' places held.
        seen["built"] = main.is_built
        seen["current"] = main.pages.currentWidget() is main.today
        seen["pause held"] = shell._import_pause.held  # the background import waits
        main.built.connect(lambda: seen.setdefault("items when whole", len(main.today.items)))

    shell.state_changed.connect(shown)
    _click_unlock(shell)
    qtbot.waitUntil(lambda: shell.state == UNLOCKED, timeout=5000)
    assert seen == {"built": False, "current": True, "pause held": True}
    main = shell.main_window
    qtbot.waitUntil(lambda: "items when whole" in seen, timeout=5000)
    assert main.is_built
    # Both cases need their first risk assessment: on Today before anything else was made.
    assert seen["items when whole"] == 2
    assert not shell._import_pause.held
    assert main.pages.widget(CASELOAD) is main.caseload
    assert main.caseload_model.rowCount() == 2
    assert main.current_page_title == "Today"
    assert [item.reference for item in main.today.items
            if item.action is Action.CASE] == ["YP-TEST-01", "YP-TEST-02"]
    qtbot.waitUntil(lambda: main.sync.current is not None, timeout=5000)  # then the sync


def test_a_page_asked_for_before_the_window_is_whole_opens_at_once(
    qtbot: Any, make_shell: Any, seeded: str
) -> None:
    shell = make_shell()
    asked: list[bool] = []

    def shown(state: str) -> None:
        main = shell.main_window
        if state == UNLOCKED and main is not None:
            asked.append(main.is_built)
            main.show_page(CASELOAD)  # Ctrl+2 the moment the window appeared

    shell.state_changed.connect(shown)
    _click_unlock(shell)
    qtbot.waitUntil(lambda: shell.state == UNLOCKED, timeout=5000)
    main = shell.main_window
    assert asked == [False]
    assert main.is_built
    assert main.pages.currentWidget() is main.caseload
    assert main.current_page_title == "Caseload"
    qtbot.waitUntil(lambda: main.caseload_model.rowCount() == 2, timeout=5000)
    assert len([i for i in main.today.items if i.action is Action.CASE]) == 2  # Today too
    main.show_page(TODAY)
    assert main.pages.currentWidget() is main.today


def test_locking_before_the_window_is_whole_closes_the_casebook_quietly(
    qtbot: Any, make_shell: Any, seeded: str
) -> None:
    shell = make_shell()

    def shown(state: str) -> None:
        if state == UNLOCKED:
            QTimer.singleShot(0, shell.lock)  # before Today is even painted

    shell.state_changed.connect(shown)
    _click_unlock(shell)
    qtbot.waitUntil(lambda: shell.state == LOCKED and shell.book is None, timeout=5000)
    assert not shell._import_pause.held
    shell.state_changed.disconnect(shown)
    _click_unlock(shell)  # and unlocking again works as ever
    qtbot.waitUntil(lambda: shell.main_window is not None, timeout=5000)
    main = shell.main_window
    qtbot.waitUntil(lambda: main.is_built and main.caseload_model.rowCount() == 2,
                    timeout=5000)


def _offered_for_a_visit(main: Any) -> list[str]:
    """The case references the Visits page's plan offers (after "No case")."""
    box = main.visits.form.case_reference
    return [box.itemText(n) for n in range(1, box.count())]


def test_the_rest_of_the_window_reads_no_cases_visits_or_drafts_on_the_gui_thread(
    qtbot: Any, make_shell: Any, seeded: str, profile: Path,
    monkeypatch: pytest.MonkeyPatch
) -> None:
    """The second step runs from a timer once Today is painted: the Visits page is given the
    cases, the visits and the drafts Today's first reading found off the GUI thread (reading a
    big caseload again there held the window still for a moment the worker could click in),
    and a half-filled plan kept when Spoke locked still comes back from them."""
    with Casebook.open(profile, PASSPHRASE) as book:
        book.save(VisitPlan(  # a draft, as the Visits page keeps one when Spoke locks
            id=new_id(), worker=book.author, location="Example Youth Centre", starts_at=NOW,
            expected_end=NOW + timedelta(hours=2), mobile_number="07700 900123",
            buddy_name="Sam Buddy", buddy_phone="07700 900456", case_reference="YP-TEST-02"))
    on_gui: list[str] = []
    watching = threading.Event()
    watching.set()
    for name in ("caseload", "records"):
        real = getattr(Casebook, name)

        def watched(book: Casebook, *args: Any, _real: Any = real, _name: str = name,
                    **kwargs: Any) -> Any:
            if watching.is_set() and threading.current_thread() is threading.main_thread():
                on_gui.append(_name)
            return _real(book, *args, **kwargs)

        monkeypatch.setattr(Casebook, name, watched)
    shell = make_shell()

    def shown(state: str) -> None:
        main = shell.main_window
        if state == UNLOCKED and main is not None:
            main.built.connect(watching.clear)  # the window is whole: the watch is over

    shell.state_changed.connect(shown)
    _click_unlock(shell)
    qtbot.waitUntil(lambda: shell.main_window is not None and not watching.is_set(),
                    timeout=5000)
    main = shell.main_window
    assert on_gui == []
    assert _offered_for_a_visit(main) == ["YP-TEST-01", "YP-TEST-02"]
    plan = main.visits.form
    assert plan.location.text() == "Example Youth Centre"
    assert plan.case_reference.currentText() == "YP-TEST-02"


def test_a_case_opened_after_unlocking_is_offered_for_a_visit(
    qtbot: Any, make_shell: Any, seeded: str
) -> None:
    """The Visits page's cases follow each new reading of the caseload (it read them once,
    when it was made, so a case opened since could not be chosen until Spoke was locked)."""
    shell = make_shell()
    unlock(qtbot, shell)
    main = shell.main_window
    qtbot.waitUntil(lambda: main.is_built, timeout=5000)
    assert _offered_for_a_visit(main) == ["YP-TEST-01", "YP-TEST-02"]
    box = main.visits.form.case_reference
    box.setCurrentIndex(box.findText("YP-TEST-02"))  # a plan being written meanwhile
    person = YoungPerson(id=new_id(), reference="YP-TEST-03", name="Test Person Gamma",
                         date_of_birth=date(2011, 2, 3))
    shell.book.save(person)
    case = Case(id=new_id(), young_person_id=person.id, key_worker="worker",
                opened_on=date(2025, 3, 1))
    shell.book.save(case)
    main._changed(case.id)  # what the window does after any form saves
    qtbot.waitUntil(lambda: main.caseload_model.rowCount() == 3, timeout=5000)
    assert _offered_for_a_visit(main) == ["YP-TEST-01", "YP-TEST-02", "YP-TEST-03"]
    assert box.currentText() == "YP-TEST-02"  # the case chosen stays chosen


def test_a_wrong_passphrase_lets_the_background_import_go_on(
    qtbot: Any, make_shell: Any, seeded: str
) -> None:
    shell = make_shell()
    _click_unlock(shell, "not my passphrase")
    qtbot.waitUntil(lambda: shell.window.passphrase.isEnabled(), timeout=5000)
    assert shell.state == LOCKED
    assert not shell._import_pause.held


def test_the_background_import_waits_while_held_and_goes_on_when_released(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(shell_module, "IMPORT_PAUSE_LIMIT_S", 30.0)
    pause = ImportPause()
    pause.wait()  # not held: goes on at once
    pause.hold()
    started, passed = threading.Event(), threading.Event()

    def importing() -> None:
        started.set()
        pause.wait()
        passed.set()

    thread = threading.Thread(target=importing)
    thread.start()
    assert started.wait(5)
    assert not passed.wait(0.05)  # held (for up to 30 s here)
    pause.release()
    assert passed.wait(5)
    thread.join(5)


def test_todays_part_of_the_window_does_not_wait_for_the_sync_engine_to_load() -> None:
    """The main window's module imports what Today needs, not the sync engine, pydantic or
    httpx (most of the app's import time: imported in the background, or when the rest of
    the window is made)."""
    heavy = ("httpx", "pydantic", "spokeapp.sync.engine", "spokeapp.ui.views.case_page",
             "spokeapp.ui.sync_bridge")
    code = ("import json, sys; import spokeapp.ui.main_window; "
            f"print(json.dumps([m for m in {heavy!r} if m in sys.modules]))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=120, check=True)
    assert json.loads(out.stdout.strip().splitlines()[-1]) == []
