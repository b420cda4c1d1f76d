"""Auto-lock: idle time, sleep and "Lock now" all close the casebook and keep drafts."""

from __future__ import annotations

from typing import Any

import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication

from spokeapp.ui.models.caseload import CASE_ID_ROLE
from spokeapp.ui.shell import LOCKED, UNLOCKED
from spokeapp.ui.signals import emit
from spokeapp.ui.unlock import UnlockWindow

from .conftest import FakeClock, unlock


def test_idle_locks_and_a_half_written_draft_survives(
    qtbot: Any, make_shell: Any, seeded: str
) -> None:
    shell = make_shell(idle_minutes=0.01)  # 600 ms
    unlock(qtbot, shell)
    main = shell.main_window
    book = shell.book
    main.show_page(2)
    form = main.session_form
    form.case_box.setCurrentIndex(1)
    qtbot.keyClicks(form.young_persons_words, "I like meeting at the library")
    assert form.dirty

    qtbot.waitUntil(lambda: shell.state == LOCKED, timeout=5000)
    assert not book.is_open
    assert isinstance(shell.window, UnlockWindow)
    assert "not used for less than a minute" in shell.window.notice.text()
    qtbot.waitUntil(lambda: not shiboken6.isValid(main), timeout=2000)

    unlock(qtbot, shell)
    form = shell.main_window.session_form
    assert form.young_persons_words.toPlainText() == "I like meeting at the library"
    assert form.case_box.currentText().startswith("YP-TEST-01")
    assert "brought back" in form.summary.text()


def test_activity_keeps_spoke_unlocked(qtbot: Any, make_shell: Any, seeded: str) -> None:
    shell = make_shell(idle_minutes=0.01)
    unlock(qtbot, shell)
    form = shell.main_window.session_form
    shell.main_window.show_page(2)
    for _ in range(4):  # typing every ~300 ms for over a second: no lock
        qtbot.keyClicks(form.discussed, "a")
        qtbot.wait(300)
    assert shell.state == UNLOCKED


def test_sleep_is_detected_from_a_clock_jump(
    qtbot: Any, make_shell: Any, seeded: str, sleep_clock: FakeClock
) -> None:
    shell = make_shell(heartbeat_ms=20)
    unlock(qtbot, shell)
    sleep_clock.advance(10)  # a slow heartbeat is not sleep
    shell.autolock.check_for_sleep()
    assert shell.state == UNLOCKED

    sleep_clock.advance(45 * 60)  # the lid was closed for 45 minutes
    qtbot.waitUntil(lambda: shell.state == LOCKED, timeout=2000)
    assert "went to sleep" in shell.window.notice.text()
    assert shell.book is None


def test_application_suspended_locks(qtbot: Any, make_shell: Any, seeded: str) -> None:
    shell = make_shell()
    unlock(qtbot, shell)
    emit(
        QGuiApplication.instance().applicationStateChanged, Qt.ApplicationState.ApplicationSuspended
    )
    assert shell.state == LOCKED


def test_lock_now_shortcut(qtbot: Any, make_shell: Any, seeded: str) -> None:
    shell = make_shell()
    unlock(qtbot, shell)
    book = shell.book
    shell.main_window.lock_action.trigger()
    assert shell.state == LOCKED
    assert not book.is_open
    assert "Spoke is locked" in shell.window.notice.text()


def test_a_half_typed_referral_is_open_again_after_unlocking(
    qtbot: Any, make_shell: Any, seeded: str
) -> None:
    shell = make_shell()
    unlock(qtbot, shell)
    shell.main_window.new_referral()
    dialog = shell.main_window.dialog
    qtbot.keyClicks(dialog.name, "Demo Person Example")
    qtbot.keyClicks(dialog.reason, "Seen with older males near the station (fictional)")
    dialog.consent.setChecked(True)
    shell.main_window.lock_action.trigger()
    assert shell.state == LOCKED

    unlock(qtbot, shell)
    dialog = shell.main_window.dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.name.text() == "Demo Person Example"
    assert dialog.reason.toPlainText() == "Seen with older males near the station (fictional)"
    assert dialog.consent.isChecked()
    assert dialog.dirty  # still not saved: closing it asks before throwing it away
    assert "kept" in dialog.summary.text()
    assert shell.book.setting("draft.dialog") == ""  # taken back out; kept again at next lock


def test_a_half_typed_concern_survives_quitting_spoke(
    qtbot: Any, make_shell: Any, seeded: str
) -> None:
    shell = make_shell()
    unlock(qtbot, shell)
    main = shell.main_window
    case_id = main.caseload_model.index(0, 0).data(CASE_ID_ROLE)
    assert case_id
    main.raise_concern(case_id)
    qtbot.keyClicks(main.dialog.summary_text, "Missing overnight twice this week (fictional)")
    main.dialog.raised_to.setCurrentIndex(main.dialog.raised_to.findData("police"))
    main.dialog.raised_on.set_text("today")
    qtbot.keyClicks(main.dialog.their_reference, "CSC-TEST-0042")
    shell.shutdown()

    again = make_shell()
    unlock(qtbot, again)
    dialog = again.main_window.dialog
    assert dialog is not None and dialog.case_id == case_id
    assert dialog.summary_text.toPlainText() == "Missing overnight twice this week (fictional)"
    assert dialog.their_reference.text() == "CSC-TEST-0042"
    assert dialog.save()  # and it saves as an ordinary concern on the same case
    qtbot.waitUntil(lambda: not again.main_window.tasks.busy, timeout=5000)
    assert [s.record.their_reference for s in again.book.records("safeguarding_concern")] == [
        "CSC-TEST-0042"
    ]
