"""Pages that show the same state say the same thing, at once (issue 17).

The Sync page, Today and the status bar all show the bridge's one sync status, refreshed when
the casebook is written, a sync finishes or the network changes; the PINs set on the Visits
page show in Settings and the other way round; a laptop not yet enrolled is told where to
connect. Real widgets, real SQLCipher casebooks, a real hub on loopback where it matters.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from spokeapp.crypto.keyfile import FAST_KDF_FOR_TESTS
from spokeapp.domain.ids import new_id
from spokeapp.domain.records import ContactType, Session, VenueType
from spokeapp.present.pins import pins_set_up
from spokeapp.store.casebook import Casebook
from spokeapp.sync.engine import SyncEngine
from spokeapp.ui.main_window import SYNC, MainWindow
from spokeapp.ui.shell import FIRST_RUN, UNLOCKED
from spokeapp.ui.views.visit_pins import PinSetup
from tests.helpers.hub import RunningHub, running_hub, sqlite_url
from tests.ui.conftest import PASSPHRASE, unlock
from tests.ui.test_sync_panel import _write_a_case_with_a_session


def _enrolled_profile(hub: RunningHub, profile: Path) -> None:
    """An enrolled casebook holding a case and a session not sent yet."""
    worker = hub.admin.add_user("Test Worker", "worker", "Team X")
    book, _ = Casebook.create(profile, PASSPHRASE, kdf=FAST_KDF_FOR_TESTS)
    SyncEngine(book).enrol(hub.base_url, hub.admin.enrolment_code(worker), "Test laptop")
    book.author = worker
    _write_a_case_with_a_session(book)
    book.close()


def _save_a_session(main: MainWindow) -> None:
    """What a page does with a new record: save it through the window's runner, then tell the
    window something was saved."""
    book = main.book
    case_id = book.caseload()[0].case_id
    session = Session(
        id=new_id(), case_id=case_id, contact_type=ContactType.PHONE,
        occurred_at=datetime(2026, 3, 3, 9, 0, tzinfo=UTC), duration_minutes=10,
        venue_type=VenueType.ONLINE, discussed="Fictional follow-up call.",
    )
    main.tasks.write(lambda: book.save(session, finalise=True), lambda _stored: main.refresh())


def _all_say(main: MainWindow, waiting: str, today: str, bar: str) -> Callable[[], bool]:
    return lambda: (
        main.sync_page.waiting.text() == waiting
        and today in main.today.sync_label.text()
        and bar in main.sync_label.text()
    )


def test_a_record_saved_after_a_sync_waits_on_every_page_at_once(
    qtbot: Any, tmp_path: Path, make_shell: Any, profile: Path
) -> None:
    with running_hub(sqlite_url(tmp_path / "hub")) as hub:
        _enrolled_profile(hub, profile)
        shell = make_shell()
        unlock(qtbot, shell)
        main = shell.main_window
        assert main is not None
        qtbot.waitUntil(_all_say(main, "nothing: everything has reached the hub",
                                 "everything has been sent to your hub", "Uploaded just now"),
                        timeout=15_000)
        assert hub.admin.state()["hub_records"] == 3
        assert main.sync_page.last_upload.text() == "just now"

        _save_a_session(main)
        # No sync runs (the next is minutes away), yet every page knows one record waits.
        qtbot.waitUntil(_all_say(main, "1 record", "1 record is waiting to go to your hub",
                                 "1 waiting"), timeout=5000)
        assert not main.sync.running
        assert hub.admin.state()["hub_records"] == 3

        main.show_page(SYNC)
        qtbot.mouseClick(main.sync_page.sync_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(_all_say(main, "nothing: everything has reached the hub",
                                 "everything has been sent to your hub", "Uploaded just now"),
                        timeout=15_000)
        assert hub.admin.state()["hub_records"] == 4
        assert "Connected to" in main.sync_page.account.text()
        shell.lock()


def test_a_hub_that_cannot_be_reached_is_never_called_connected(
    qtbot: Any, tmp_path: Path, make_shell: Any, profile: Path
) -> None:
    with running_hub(sqlite_url(tmp_path / "hub")) as hub:
        _enrolled_profile(hub, profile)
    # The hub has stopped: nothing answers at its address any more.
    shell = make_shell()
    unlock(qtbot, shell)
    main = shell.main_window
    assert main is not None
    page = main.sync_page
    qtbot.waitUntil(lambda: "cannot be reached" in page.account.text(), timeout=15_000)
    assert "Connected" not in page.account.text()
    # The status bar says "Syncing…" until the run's end reaches it, a moment after the
    # page's account line (two signals); then it names the unreachable hub.
    qtbot.waitUntil(lambda: "Hub not reachable" in main.sync_label.text(), timeout=5_000)
    assert page.waiting.text() == "3 records"
    assert page.last_upload.text() == "never"
    assert "3 records are waiting to go to your hub" in main.today.sync_label.text()
    assert "cannot be reached" in main.today.sync_label.text()
    shell.lock()


def test_the_network_going_away_is_said_at_once(
    qtbot: Any, tmp_path: Path, make_shell: Any, profile: Path
) -> None:
    with running_hub(sqlite_url(tmp_path / "hub")) as hub:
        _enrolled_profile(hub, profile)
        shell = make_shell()
        unlock(qtbot, shell)
        main = shell.main_window
        assert main is not None
        page = main.sync_page
        qtbot.waitUntil(lambda: "Connected to" in page.account.text(), timeout=15_000)
        qtbot.waitUntil(lambda: not main.sync.running, timeout=15_000)

        main.sync.network_changed(False)  # what the operating system reports
        assert "cannot be reached" in page.account.text()
        assert "Hub not reachable" in main.sync_label.text()

        main.sync.network_changed(True)  # back: Spoke syncs and finds the hub answering
        qtbot.waitUntil(lambda: "Connected to" in page.account.text(), timeout=15_000)
        assert "Hub not reachable" not in main.sync_label.text()
        shell.lock()


def test_a_laptop_never_connected_is_told_where_to_connect(
    qtbot: Any, make_shell: Any, seeded: str
) -> None:
    shell = make_shell()
    unlock(qtbot, shell)
    main = shell.main_window
    assert main is not None
    words = main.today.sync_label.text()
    assert "everything has been sent" not in words
    assert "4 records are waiting to go to your hub" in words
    assert "not connected to one yet" in words
    assert "Connect to your hub: Sync page, Ctrl+9." in words
    assert main.today.connect_button.isVisible()
    assert main.sync_label.text() == "Not connected to a hub (Ctrl+9 to connect)"

    qtbot.mouseClick(main.today.connect_button, Qt.MouseButton.LeftButton)
    assert main.pages.currentWidget() is main.sync_page
    assert main.sync_page.pages.currentIndex() == 0  # the enrolment form
    assert QApplication.focusWidget() is main.sync_page.hub_url
    shell.lock()


def test_the_first_screen_after_setting_up_a_casebook_says_where_to_connect(
    qtbot: Any, make_shell: Any
) -> None:
    shell = make_shell()
    window = shell.window
    assert shell.state == FIRST_RUN
    window.passphrase.setText(PASSPHRASE)
    window.confirm.setText(PASSPHRASE)
    window.create_button.click()
    qtbot.waitUntil(lambda: window.pages.currentIndex() == 1, timeout=5000)
    window.acknowledge.setChecked(True)
    window.continue_button.click()
    assert shell.state == UNLOCKED
    main = shell.main_window
    assert main is not None and main.pages.currentWidget() is main.today
    # The status is read off the GUI thread: "Checking…" for a moment, then where to connect.
    qtbot.waitUntil(lambda: main.sync.current is not None, timeout=5000)
    words = main.today.sync_label.text()
    assert "not connected to a hub yet" in words and "everything has been sent" not in words
    assert "Connect to your hub: Sync page, Ctrl+9." in words
    assert main.today.connect_button.isVisible()
    shell.lock()


def _pin_box(qtbot: Any, main: MainWindow) -> PinSetup:
    main.visits.open_pins()
    dialog = main.visits.dialog
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible, timeout=5000)
    box = dialog.findChild(PinSetup)
    assert box is not None
    return box


def test_pins_set_on_the_visits_page_show_in_settings_at_once(
    qtbot: Any, make_shell: Any, seeded: str
) -> None:
    shell = make_shell()
    unlock(qtbot, shell)
    main = shell.main_window
    assert main is not None
    settings = main.settings.pins
    assert settings.status.text().startswith("No PINs set up")

    box = _pin_box(qtbot, main)
    for field, value in ((box.pin, "2580"), (box.pin_again, "2580"),
                         (box.duress, "1397"), (box.duress_again, "1397")):
        qtbot.keyClicks(field, value)
    qtbot.keyClick(box.duress_again, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not main.tasks.busy, timeout=5000)
    assert pins_set_up(shell.book)
    assert settings.status.text().startswith("PINs are set up")
    assert settings.remove_button.isEnabled()
    main.visits.dialog.close()

    # And the other way round: removed in Settings, the Visits page's box says so.
    settings.remove_button.click()
    qtbot.waitUntil(lambda: not main.tasks.busy, timeout=5000)
    assert not pins_set_up(shell.book)
    assert _pin_box(qtbot, main).status.text().startswith("No PINs set up")
    main.visits.dialog.close()
    shell.lock()
