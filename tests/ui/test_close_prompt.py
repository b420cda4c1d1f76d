"""Closing Spoke with an alarm, a plan, a check-in or records the hub has not got yet asks
first and names them (issue 13). The real question box, answered with its own buttons."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from spokeapp.crypto.keyfile import FAST_KDF_FOR_TESTS
from spokeapp.domain.ids import new_id
from spokeapp.domain.records import Alarm, AlarmKind, VisitPlan
from spokeapp.present.visits import clock_text
from spokeapp.store.casebook import Casebook
from spokeapp.sync.engine import SyncEngine
from spokeapp.ui import main_window
from spokeapp.ui.main_window import CLOSE_ANYWAY_TEXT, KEEP_OPEN_TEXT, MainWindow
from spokeapp.ui.sync_bridge import SyncBridge
from spokeapp.ui.tasks import TaskRunner

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
PASSPHRASE = "kettle orbit lemon march"


def clock() -> datetime:
    return NOW


@pytest.fixture
def book(tmp_path: Path) -> Iterator[Casebook]:
    casebook, _ = Casebook.create(tmp_path / "laptop", PASSPHRASE, kdf=FAST_KDF_FOR_TESTS,
                                  clock=clock)
    yield casebook
    if casebook.is_open:
        casebook.close()


@pytest.fixture
def window(qtbot: Any, book: Casebook, monkeypatch: pytest.MonkeyPatch) -> Iterator[MainWindow]:
    monkeypatch.setattr(MainWindow, "confirm_close", staticmethod(main_window.confirm_close))
    tasks = TaskRunner()
    bridge = SyncBridge(SyncEngine(book), clock=clock)  # never enrolled: nothing goes out
    main = MainWindow(book, tasks, clock=clock, idle_minutes=10, sync=bridge)
    qtbot.addWidget(main)
    main.show()
    yield main
    bridge.stop()
    tasks.wait()


def answer_with(button_text: str, seen: list[str]) -> Callable[[], None]:
    """Click ``button_text`` in the question box once it is up; keep its text in ``seen``."""

    def answer() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(20, answer)
            return
        seen.append(box.text())
        button = next(b for b in box.buttons() if b.text() == button_text)
        button.click()

    return answer


def test_closing_with_an_unsent_alarm_asks_and_names_it(
    qtbot: Any, book: Casebook, window: MainWindow
) -> None:
    plan = VisitPlan(
        id=new_id(), worker=book.author, location="Example Library, AB1 2CD",
        starts_at=NOW - timedelta(minutes=30), expected_end=NOW + timedelta(hours=2),
        mobile_number="07700 900123", buddy_name="Demo Buddy", buddy_phone="07700 900456",
        case_reference="YP-0007",
    )
    book.save(plan, finalise=True)
    alarm = Alarm(id=new_id(), visit_id=plan.id, raised_at=NOW, kind=AlarmKind.PANIC)
    book.save(alarm, finalise=True)
    items = window.unsent_items()
    assert items[:2] == [
        f"Your ALARM at {clock_text(NOW)} (Example Library, AB1 2CD)",
        "Your visit plan for Example Library, AB1 2CD: the hub is not watching it",
    ]

    seen: list[str] = []
    QTimer.singleShot(0, answer_with(KEEP_OPEN_TEXT, seen))
    assert not window.close()  # "Keep Spoke open"
    assert window.isVisible()
    assert seen and "These have not reached the hub yet:" in seen[0]
    assert f"- Your ALARM at {clock_text(NOW)}" in seen[0]
    assert "Nobody has been alerted about your alarm: if you are in danger, call 999." in seen[0]

    QTimer.singleShot(0, answer_with(CLOSE_ANYWAY_TEXT, seen))
    assert window.close()  # "Close anyway"
    assert not window.isVisible()


def test_closing_with_nothing_unsent_does_not_ask(
    qtbot: Any, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[list[str]] = []
    monkeypatch.setattr(MainWindow, "confirm_close",
                        staticmethod(lambda _parent, items: asked.append(items) or False))
    assert window.unsent_items() == []
    assert window.close()
    assert asked == []


def test_notes_not_sent_are_named_only_on_a_laptop_enrolled_with_a_hub(
    qtbot: Any, book: Casebook, window: MainWindow, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Never enrolled: nothing will ever be sent, so a session note alone does not stop the
    worker at every close. Enrolled: the same note is named before closing."""
    from tests.helpers.hub import running_hub, sqlite_url
    from tests.helpers.records import case, referral, session, young_person

    yp = young_person(1)
    ref = referral(yp)
    the_case = case(yp, ref)
    for record in (yp, ref, the_case):
        book.save(record)
    book.save(session(the_case.id), finalise=True)
    assert window.unsent_items() == []

    asked: list[list[str]] = []
    monkeypatch.setattr(MainWindow, "confirm_close",
                        staticmethod(lambda _parent, items: asked.append(items) or False))
    with running_hub(sqlite_url(tmp_path / "hub")) as hub:
        worker = hub.admin.add_user("Test Worker", "worker", "team-x")
        SyncEngine(book).enrol(hub.base_url, hub.admin.enrolment_code(worker), "Test laptop")
    items = window.unsent_items()
    assert len(items) == 1 and items[0].startswith("Other records not sent yet:")
    assert "1 session" in items[0]
    assert not window.close()  # the worker chose to keep Spoke open
    assert asked == [items]
