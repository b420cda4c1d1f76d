"""Keyboard and screen-reader use: every control is named, and Spoke works without a mouse."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)

from spokeapp.ui.first_run import FirstRunWindow
from spokeapp.ui.shell import UNLOCKED
from spokeapp.ui.tasks import TaskRunner
from spokeapp.ui.unlock import UnlockWindow

from .conftest import PASSPHRASE

CONTROLS = (QAbstractButton, QLineEdit, QComboBox, QPlainTextEdit, QAbstractSpinBox)


def unnamed_controls(window: QWidget) -> list[str]:
    found = []
    for control in window.findChildren(QWidget):
        if not isinstance(control, CONTROLS) or isinstance(control.parent(), CONTROLS):
            continue  # the line edit inside a spin box or combo box is part of that control
        if control.objectName().startswith("qt_"):
            continue  # Qt's own helpers, such as a scroll area's corner buttons
        if not control.accessibleName():
            found.append(f"{type(control).__name__} {getattr(control, 'text', str)()!r}")
    return found


def test_every_control_has_a_name(qtbot: Any) -> None:
    tasks = TaskRunner()
    first_run = FirstRunWindow(lambda _p: (None, ""), tasks)
    locked = UnlockWindow(lambda _p: None, lambda _k, _p: None, tasks)
    for window in (first_run, locked):
        qtbot.addWidget(window)
        assert unnamed_controls(window) == []


def test_keyboard_only(qtbot: Any, make_shell: Any, seeded: str) -> None:
    shell = make_shell()
    window = shell.window
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=2000)
    assert window.passphrase.hasFocus(), "the passphrase box is ready for typing"
    qtbot.keyClicks(window.passphrase, PASSPHRASE)
    qtbot.keyClick(window.passphrase, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: shell.state == UNLOCKED, timeout=5000)

    main = shell.main_window
    assert unnamed_controls(main) == []
    main.activateWindow()
    qtbot.waitUntil(main.isActiveWindow, timeout=2000)
    qtbot.keyClick(main, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    assert main.current_page_title == "Caseload"
    qtbot.keyClick(main, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    assert main.current_page_title == "Record a session"
    qtbot.keyClick(main, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert shell.state != UNLOCKED
