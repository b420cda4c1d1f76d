"""The Sync page against a real hub on loopback: enrol with a code, sync, see it in plain words."""

from __future__ import annotations

import threading
import traceback
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from PySide6.QtCore import Qt

from spokeapp.crypto.keyfile import FAST_KDF_FOR_TESTS
from spokeapp.domain.ids import new_id
from spokeapp.domain.records import Case, ContactType, Session, VenueType, YoungPerson
from spokeapp.present.sync_words import account_words, today_words, waiting_words
from spokeapp.store.casebook import Casebook
from spokeapp.sync.engine import SyncEngine, SyncStatus
from spokeapp.ui.sync_bridge import SyncBridge
from spokeapp.ui.views.sync_panel import CHECKING_PAGE, SyncPanel, status_summary, when_text
from tests.helpers.hub import RunningHub, running_hub, sqlite_url
from tests.ui.conftest import unlock

PASSPHRASE = "kettle orbit lemon march"


@pytest.fixture
def hub(tmp_path: Path) -> Iterator[RunningHub]:
    with running_hub(sqlite_url(tmp_path / "hub")) as running:
        yield running


@pytest.fixture
def book(tmp_path: Path) -> Iterator[Casebook]:
    casebook, _ = Casebook.create(tmp_path / "laptop", PASSPHRASE, kdf=FAST_KDF_FOR_TESTS)
    yield casebook
    if casebook.is_open:
        casebook.close()


def _write_a_case_with_a_session(book: Casebook) -> None:
    yp = YoungPerson(
        id=new_id(), reference="YP-TEST-01", name="Test Person Alpha",
        date_of_birth=datetime(2010, 5, 1).date(),
    )
    book.save(yp)
    case = Case(id=new_id(), young_person_id=yp.id, key_worker=book.author,
                opened_on=datetime(2026, 3, 1).date())
    book.save(case)
    book.save(Session(
        id=new_id(), case_id=case.id, contact_type=ContactType.ONE_TO_ONE,
        occurred_at=datetime(2026, 3, 2, 16, 0, tzinfo=UTC), duration_minutes=45,
        venue_type=VenueType.CAFE, discussed="Fictional test session notes.",
    ), finalise=True)


def test_enrol_then_sync_now_shows_everything_reached_the_hub(
    qtbot, hub: RunningHub, book: Casebook
) -> None:
    worker = hub.admin.add_user("Test Worker", "worker", "Team X")
    bridge = SyncBridge(SyncEngine(book))
    panel = SyncPanel(book, bridge)
    qtbot.addWidget(panel)
    panel.show()
    _first_reading(qtbot, bridge)
    assert panel.pages.currentIndex() == 0  # not enrolled: the enrolment form

    panel.hub_url.setText(hub.base_url)
    panel.code.setText(hub.admin.enrolment_code(worker))
    qtbot.mouseClick(panel.enrol_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.pages.currentIndex() == 1, timeout=15_000)
    assert "as Test Worker" in panel.account.text()
    assert book.author == worker
    qtbot.waitUntil(lambda: not bridge.running, timeout=15_000)

    _write_a_case_with_a_session(book)
    panel.show_status(bridge.status())
    assert panel.waiting.text() == "3 records"
    # F5 on the page is "Sync now" (the button's tooltip says so; other tests click it).
    assert "(F5)" in panel.sync_button.toolTip()
    panel.activateWindow()
    qtbot.keyClick(panel, Qt.Key.Key_F5)
    qtbot.waitUntil(lambda: "everything has reached the hub" in panel.waiting.text(),
                    timeout=15_000)
    assert panel.last_upload.text() == "just now"
    assert panel.last_download.text() == "just now"
    assert not panel.problem.isVisible()
    bridge.stop()


def test_a_wrong_enrolment_code_is_explained_and_nothing_changes(
    qtbot, hub: RunningHub, book: Casebook
) -> None:
    bridge = SyncBridge(SyncEngine(book))
    panel = SyncPanel(book, bridge)
    qtbot.addWidget(panel)
    panel.show()
    _first_reading(qtbot, bridge)
    panel.hub_url.setText(hub.base_url)
    panel.code.setText("WRONG-CODE-123")
    qtbot.mouseClick(panel.enrol_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.enrol_button.isEnabled(), timeout=15_000)
    assert panel.enrol_message.isVisible()
    assert "Enrolling" not in panel.enrol_message.text()
    assert panel.pages.currentIndex() == 0
    assert not bridge.status().enrolled
    bridge.stop()


def test_plain_http_to_a_hub_elsewhere_is_refused_before_anything_is_sent(
    qtbot, book: Casebook
) -> None:
    bridge = SyncBridge(SyncEngine(book))
    panel = SyncPanel(book, bridge)
    qtbot.addWidget(panel)
    panel.show()
    _first_reading(qtbot, bridge)
    panel.hub_url.setText("http://hub.example-charity.invalid")
    panel.code.setText("ABCD-EFGH")
    qtbot.mouseClick(panel.enrol_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.enrol_button.isEnabled(), timeout=15_000)
    assert "https" in panel.enrol_message.text().lower()
    assert not bridge.status().enrolled
    bridge.stop()


def test_status_words() -> None:
    now = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
    assert when_text(None, now) == "never"
    assert when_text(datetime(2026, 3, 2, 11, 59, 30, tzinfo=UTC), now) == "just now"
    assert when_text(datetime(2026, 3, 2, 11, 55, tzinfo=UTC), now) == "5 minutes ago"
    assert when_text(datetime(2026, 2, 27, 12, 0, tzinfo=UTC), now).startswith("3 days ago")
    status = SyncStatus(enrolled=True, last_upload=now, last_download=None, waiting=4)
    line = status_summary(status, now)
    assert "Uploaded just now" in line and "downloaded never" in line and "4 waiting" in line
    assert status_summary(SyncStatus(enrolled=False), now) == (
        "Not connected to a hub (Ctrl+9 to connect)")
    down = SyncStatus(enrolled=True, hub_url="https://hub", user_name="A", hub_reachable=False,
                      last_error="Spoke cannot reach the hub")
    assert status_summary(down, now).startswith("Hub not reachable · Uploaded never")
    assert "problem" not in status_summary(down, now)  # said once, plainly
    assert account_words(down) == (
        "Enrolled with https://hub as A. The hub cannot be reached right now.")
    assert account_words(replace(down, hub_reachable=True)) == "Connected to https://hub as A."
    assert account_words(replace(down, hub_reachable=None)) == "Enrolled with https://hub as A."
    assert waiting_words(down) == "nothing yet"  # never uploaded: not "everything reached"
    assert waiting_words(replace(down, last_upload=now)) == (
        "nothing: everything has reached the hub")
    assert "everything has reached" not in waiting_words(replace(down, last_upload=now, held=1))
    assert "everything has been sent" not in today_words(SyncStatus(enrolled=False))
    assert today_words(SyncStatus(enrolled=False)).endswith(
        "Connect to your hub: Sync page, Ctrl+9.")
    assert today_words(replace(down, waiting=1)).startswith(
        "1 record is waiting to go to your hub.")


def test_enter_in_the_enrolment_code_field_enrols(
    qtbot, hub: RunningHub, book: Casebook
) -> None:
    worker = hub.admin.add_user("Test Worker", "worker", "Team X")
    bridge = SyncBridge(SyncEngine(book))
    panel = SyncPanel(book, bridge)
    qtbot.addWidget(panel)
    panel.show()
    _first_reading(qtbot, bridge)
    qtbot.keyClicks(panel.code, "ABCD")
    qtbot.keyClick(panel.code, Qt.Key.Key_Return)
    assert "Enter the hub's address" in panel.enrol_message.text()

    qtbot.keyClicks(panel.hub_url, hub.base_url)
    panel.code.clear()
    qtbot.keyClicks(panel.code, hub.admin.enrolment_code(worker))
    qtbot.keyClick(panel.code, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: panel.pages.currentIndex() == 1, timeout=15_000)
    assert "as Test Worker" in panel.account.text()
    qtbot.waitUntil(lambda: not bridge.running, timeout=15_000)
    qtbot.waitUntil(lambda: "Connected to" in panel.account.text(), timeout=15_000)
    bridge.stop()


def _first_reading(qtbot, bridge: SyncBridge) -> None:
    """The bridge reads the status off the GUI thread: wait for its first reading."""
    qtbot.waitUntil(lambda: bridge.current is not None, timeout=5000)


def _count_gui_thread_reads(book: Casebook, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every use of the casebook's connection on the GUI (main) thread, from now on."""
    on_gui: list[str] = []
    connection = book._db

    def counted() -> Any:
        if threading.current_thread() is threading.main_thread():
            on_gui.append("".join(traceback.format_stack(limit=6)))
        return connection()

    monkeypatch.setattr(book, "_db", counted)
    return on_gui


def test_the_sync_status_is_never_read_on_the_gui_thread(
    qtbot, book: Casebook, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 18: the window opens and the 15 s timer ticks without a casebook read on the GUI
    thread; the pages say "Checking…" until the first reading, then the same words as ever."""
    _write_a_case_with_a_session(book)
    on_gui = _count_gui_thread_reads(book, monkeypatch)
    bridge = SyncBridge(SyncEngine(book), tick_ms=5)
    panel = SyncPanel(book, bridge)  # the window's first look
    qtbot.addWidget(panel)
    assert panel.pages.currentIndex() == CHECKING_PAGE
    assert panel.checking.text() == "Checking…"
    ticks = []
    bridge._timer.timeout.connect(lambda: ticks.append(1))
    bridge.start()
    qtbot.waitUntil(lambda: len(ticks) >= 5 and bridge.current is not None, timeout=5000)
    assert panel.pages.currentIndex() == 0  # not enrolled: the enrolment form
    assert bridge.current is not None and bridge.current.waiting == 3
    _write_a_case_with_a_session(book)
    on_gui.clear()  # the test's own write above
    with qtbot.waitSignal(bridge.status_changed, timeout=5000):
        bridge.refresh_status()  # after a write: read on another thread
    assert bridge.current.waiting == 6
    n = len(ticks)
    qtbot.waitUntil(lambda: len(ticks) >= n + 5, timeout=5000)
    bridge.stop()
    assert on_gui == []


def test_the_status_bar_and_today_say_checking_until_the_first_reading(
    qtbot, book: Casebook, main_windows
) -> None:
    main = main_windows(book, clock=lambda: datetime.now(UTC))
    assert main.sync_label.text() == "Checking…"  # not "Not connected": not known yet
    assert main.today.sync_label.text() == "Checking…"
    assert main.today.connect_button.isHidden()
    qtbot.waitUntil(lambda: main.sync.current is not None, timeout=5000)
    assert main.sync_label.text() == status_summary(main.sync.current, datetime.now(UTC))
    assert main.today.sync_label.text() == today_words(main.sync.current)
    assert not main.today.connect_button.isHidden()


def test_unlocking_an_enrolled_laptop_syncs_and_the_status_bar_says_so(
    qtbot, tmp_path: Path, make_shell, profile: Path
) -> None:
    with running_hub(sqlite_url(tmp_path / "hub")) as hub:
        worker = hub.admin.add_user("Test Worker", "worker", "Team X")
        book, _ = Casebook.create(profile, PASSPHRASE, kdf=FAST_KDF_FOR_TESTS)
        SyncEngine(book).enrol(hub.base_url, hub.admin.enrolment_code(worker), "Test laptop")
        book.author = worker
        _write_a_case_with_a_session(book)
        book.close()
        assert hub.admin.state()["hub_records"] == 0

        shell = make_shell()
        unlock(qtbot, shell)
        main = shell.main_window
        assert main is not None
        qtbot.waitUntil(lambda: hub.admin.state()["hub_records"] == 3, timeout=15_000)
        qtbot.waitUntil(lambda: "Uploaded just now" in main.sync_label.text(), timeout=15_000)
        assert "waiting" not in main.sync_label.text()
        main.show_page(main.pages.indexOf(main.sync_page))
        assert main.sync_page.pages.currentIndex() == 1
        assert "as Test Worker" in main.sync_page.account.text()
        shell.lock()
        assert not shell.book


def test_a_retired_laptop_says_so_in_plain_words(qtbot, hub: RunningHub, book: Casebook) -> None:
    worker = hub.admin.add_user("Test Worker", "worker", "Team X")
    engine = SyncEngine(book)
    account = engine.enrol(hub.base_url, hub.admin.enrolment_code(worker), "Test laptop")
    book.author = worker
    _write_a_case_with_a_session(book)
    hub.admin.revoke(account.device_id, wipe=False)
    bridge = SyncBridge(engine)
    panel = SyncPanel(book, bridge)
    qtbot.addWidget(panel)
    panel.show()
    _first_reading(qtbot, bridge)
    qtbot.mouseClick(panel.sync_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "retired" in panel.problem.text(), timeout=15_000)
    assert "everything on it has been sent" in panel.problem.text()
    assert hub.admin.state()["hub_records"] == 3  # what it held reached the hub first
    assert status_summary(bridge.status(), datetime.now(UTC)).startswith(
        "This laptop has been retired"
    )
    bridge.stop()


def _lock_out(hub: RunningHub, engine: SyncEngine) -> None:
    """Someone copies the laptop's sign-in and uses it after the laptop moved on: the hub
    locks the laptop (docs/sync.md, "Refresh tokens")."""
    assert engine.sync_once().ok
    account = engine.store.account()
    assert account is not None
    hub.clock.advance(minutes=20)
    assert engine.sync_once().ok
    hub.clock.advance(minutes=20)
    stolen = httpx.post(f"{hub.base_url}/v1/token", json={
        "device_id": account.device_id, "refresh_token": account.refresh_token})
    assert stolen.json()["error"] == "refresh_reused"


def test_a_laptop_shut_out_by_the_hub_is_enrolled_again_from_the_keyboard(
    qtbot, hub: RunningHub, book: Casebook
) -> None:
    worker = hub.admin.add_user("Test Worker", "worker", "Team X")
    engine = SyncEngine(book)
    old = engine.enrol(hub.base_url, hub.admin.enrolment_code(worker), "Test laptop")
    book.author = worker
    _lock_out(hub, engine)
    _write_a_case_with_a_session(book)  # written while shut out
    bridge = SyncBridge(engine)
    panel = SyncPanel(book, bridge)
    qtbot.addWidget(panel)
    panel.show()
    _first_reading(qtbot, bridge)
    assert not panel.again_box.isVisible()

    qtbot.mouseClick(panel.sync_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.again_box.isVisible(), timeout=15_000)

    assert panel.again_box.accessibleName() == "Enrol this laptop again"
    assert panel.again_url.text() == hub.base_url  # filled in with the hub it knows
    assert panel.again_code.accessibleName() == "New enrolment code"
    assert panel.again_button.accessibleName() == "Enrol this laptop again"
    words = panel.again_words.text()
    assert "used from somewhere else" in panel.again_reason.text()
    assert "3 records waiting to upload stay safe on this laptop" in words
    assert "will be sent as soon as it is enrolled again" in words
    assert panel.waiting.text() == "3 records"
    assert status_summary(bridge.status(), datetime.now(UTC)).startswith(
        "This laptop must be enrolled again")
    assert hub.admin.state()["hub_records"] == 0

    # A code for someone else first: refused in plain words, the form stays.
    someone_else = hub.admin.add_user("Other Worker", "worker", "Team X")
    qtbot.keyClicks(panel.again_code, hub.admin.enrolment_code(someone_else))
    qtbot.keyClick(panel.again_code, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: panel.again_button.isEnabled(), timeout=15_000)
    assert "for someone else" in panel.again_message.text()
    assert panel.again_box.isVisible()

    panel.again_code.clear()
    qtbot.keyClicks(panel.again_code, hub.admin.enrolment_code(worker))
    qtbot.keyClick(panel.again_code, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not panel.again_box.isVisible(), timeout=15_000)
    qtbot.waitUntil(lambda: "everything has reached the hub" in panel.waiting.text(),
                    timeout=15_000)
    assert hub.admin.state()["hub_records"] == 3
    account = engine.store.account()
    assert account is not None and account.device_id != old.device_id
    assert not panel.problem.isVisible()
    assert "Connected to" in panel.account.text()  # the hub answered the last sync
    bridge.stop()


def test_the_case_timeline_shows_which_records_have_reached_the_hub(
    qtbot, hub: RunningHub, book: Casebook
) -> None:
    from spokeapp.present.case_page import load_case
    from spokeapp.resources import load_risk_tool
    from spokeapp.ui.tasks import TaskRunner
    from spokeapp.ui.views.case_page import CasePage

    worker = hub.admin.add_user("Test Worker", "worker", "Team X")
    engine = SyncEngine(book)
    engine.enrol(hub.base_url, hub.admin.enrolment_code(worker), "Test laptop")
    book.author = worker
    _write_a_case_with_a_session(book)
    case_id = book.caseload()[0].case_id
    tasks = TaskRunner()
    page = CasePage(book, tasks, load_risk_tool(), today=datetime(2026, 3, 3).date())
    qtbot.addWidget(page)

    def statuses() -> list[str]:
        model = page.timeline_model
        return [str(model.index(r, 3).data()) for r in range(model.rowCount())]

    page.show_case(load_case(book, case_id))
    assert any(s == "Final, waiting to sync" for s in statuses())
    assert engine.sync_once().ok
    page.show_case(load_case(book, case_id))
    assert any(s == "Final" for s in statuses())  # on the hub: nothing waiting
    assert not any("waiting to sync" in s for s in statuses())
    qtbot.waitUntil(lambda: not tasks.busy, timeout=5000)  # before the casebook closes


def test_a_late_progress_word_after_the_sync_ended_is_not_left_on_screen(
    qtbot, book: Casebook
) -> None:
    from spokeapp.ui.signals import emit

    bridge = SyncBridge(SyncEngine(book))
    panel = SyncPanel(book, bridge)
    qtbot.addWidget(panel)
    panel.show()
    _first_reading(qtbot, bridge)
    bridge.running = True
    emit(bridge.running_changed, True)
    emit(bridge.progress, "download", 3, 10)
    assert not panel.progress_bar.isHidden()
    bridge.running = False
    emit(bridge.running_changed, False)
    emit(bridge.progress, "download", 10, 10)  # queued from the engine thread, arrives late
    assert panel.progress_bar.isHidden()
    assert panel.phase.text() == ""
    bridge.stop()


def test_a_hub_that_cannot_be_reached_while_enrolling_says_what_to_do_next(
    qtbot, book: Casebook
) -> None:
    """Enrolling with a hub address that answers nothing said the sync's words: "Your work is
    safe on this laptop and will be sent at the next sync" - but a laptop not enrolled sends
    nothing at any sync."""
    import socket

    with socket.socket() as probe:  # a port on this computer that nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    bridge = SyncBridge(SyncEngine(book))
    panel = SyncPanel(book, bridge)
    qtbot.addWidget(panel)
    panel.show()
    _first_reading(qtbot, bridge)
    panel.hub_url.setText(f"http://127.0.0.1:{port}")
    panel.code.setText("ABCD-EFGH")
    qtbot.mouseClick(panel.enrol_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.enrol_button.isEnabled(), timeout=30_000)
    words = panel.enrol_message.text()
    assert words.startswith("Spoke cannot reach a hub at that address")
    assert "Check the hub address and your connection" in words
    assert "next sync" not in words
    assert not bridge.status().enrolled
    bridge.stop()
