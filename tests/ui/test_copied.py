"""Text copied out of an open casebook leaves the clipboard when the casebook closes."""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QGuiApplication

from .conftest import unlock

MARKER = "Fictional note: met at the bus station (test marker 7Q)"


def _copy_from_a_note(qtbot: Any, shell: Any) -> None:
    main = shell.main_window
    main.page_actions[2].trigger()
    form = main.session_form
    qtbot.waitUntil(form.discussed.isVisible)
    form.discussed.setFocus()
    qtbot.keyClicks(form.discussed, MARKER)
    form.discussed.selectAll()
    form.discussed.copy()  # what Ctrl+C does
    assert QGuiApplication.clipboard().text() == MARKER


def test_text_copied_from_a_note_is_gone_from_the_clipboard_once_spoke_locks(
    qtbot: Any, make_shell: Any, seeded: str
) -> None:
    shell = make_shell()
    unlock(qtbot, shell)
    _copy_from_a_note(qtbot, shell)

    shell.lock()

    assert QGuiApplication.clipboard().text() == ""


def test_and_once_spoke_quits(qtbot: Any, make_shell: Any, seeded: str) -> None:
    shell = make_shell()
    unlock(qtbot, shell)
    _copy_from_a_note(qtbot, shell)

    shell.shutdown()

    assert QGuiApplication.clipboard().text() == ""


def test_what_was_on_the_clipboard_before_unlocking_is_left_alone(
    qtbot: Any, make_shell: Any, seeded: str
) -> None:
    QGuiApplication.clipboard().setText("Copied in another program before Spoke opened")
    shell = make_shell()
    unlock(qtbot, shell)

    shell.lock()

    assert QGuiApplication.clipboard().text() == "Copied in another program before Spoke opened"
    QGuiApplication.clipboard().clear()
