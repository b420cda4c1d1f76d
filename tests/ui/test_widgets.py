"""Shared widgets: the refresh key every refresh button names, the submit key every form names."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QWidget

from spokeapp.ui.widgets import refresh_keys, refresh_shortcut, shown_key, submit_shortcut


def test_refresh_is_f5_everywhere_and_the_systems_own_key_too(qapp: Any) -> None:
    keys = refresh_keys()
    assert keys[0] == QKeySequence("F5")  # what the buttons' labels say, a Mac's included
    assert len(keys) == len(set(key.toString() for key in keys))  # each once: no clash
    for key in QKeySequence.keyBindings(QKeySequence.StandardKey.Refresh):
        assert key in keys


def test_each_refresh_key_refreshes_once(qtbot: Any) -> None:
    page = QWidget()
    qtbot.addWidget(page)
    refreshed: list[str] = []
    refresh_shortcut(page, lambda: refreshed.append("refresh"))
    page.show()
    page.activateWindow()
    qtbot.waitUntil(page.isActiveWindow, timeout=2000)
    qtbot.keyClick(page, Qt.Key.Key_F5)
    assert refreshed == ["refresh"]  # F5 bound twice would have done nothing at all
    for key in refresh_keys()[1:]:
        combination = key[0]
        qtbot.keyClick(page, combination.key(), combination.keyboardModifiers())
    assert len(refreshed) == len(refresh_keys())


def test_a_key_is_written_as_this_system_writes_it(qapp: Any) -> None:
    # Windows and Linux (this machine): Qt's own words, the main Enter key called Enter as on
    # the keyboard. On a Mac the same calls give "⌘↩" and "⌥K" (Qt's native text there).
    assert shown_key("Ctrl+Return") == "Ctrl+Enter"
    assert shown_key("Ctrl+Shift+O") == "Ctrl+Shift+O"
    assert shown_key("Alt+K") == "Alt+K"
    native = QKeySequence("Ctrl+L").toString(QKeySequence.SequenceFormat.NativeText)
    assert shown_key("Ctrl+L") == native


def test_ctrl_with_either_enter_key_submits_once(qtbot: Any) -> None:
    form = QWidget()
    qtbot.addWidget(form)
    submitted: list[str] = []
    submit_shortcut(form, lambda: submitted.append("submit"))
    form.show()
    form.activateWindow()
    qtbot.waitUntil(form.isActiveWindow, timeout=2000)
    qtbot.keyClick(form, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert submitted == ["submit"]
    keypad = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.KeypadModifier
    qtbot.keyClick(form, Qt.Key.Key_Enter, keypad)
    assert submitted == ["submit", "submit"]
    qtbot.keyClick(form, Qt.Key.Key_Return)  # Enter alone is not the form's main action
    assert submitted == ["submit", "submit"]
