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


def test_a_message_never_makes_a_window_taller_than_the_screen(qtbot: Any) -> None:
    """A long message grows a small window to show it, but never past the screen's free
    area: the window's foot (its buttons) stays on the screen."""
    from PySide6.QtWidgets import QDialog, QVBoxLayout

    from spokeapp.ui.widgets import Message

    dialog = QDialog()
    qtbot.addWidget(dialog)
    message = Message(dialog)
    QVBoxLayout(dialog).addWidget(message)
    dialog.resize(360, 200)
    dialog.show()
    qtbot.waitExposed(dialog)
    message.show_error("Something needs fixing before this can be saved. " * 20)
    assert dialog.height() > 200, "it grew to show the message"
    free = dialog.screen().availableGeometry()
    assert free.contains(dialog.frameGeometry()), (dialog.frameGeometry(), free)
    message.show_error("Something needs fixing before this can be saved. " * 200)
    assert free.contains(dialog.frameGeometry()), (dialog.frameGeometry(), free)


def test_a_message_on_a_page_leaves_the_main_windows_size_alone(
    qtbot: Any, main_windows: Any, tmp_path: Any
) -> None:
    """At 1024x600, an error on a page (Finalise on an empty session, Enrol with empty
    fields) made the main window jump from 865x459 to 865x615: the status bar and Lock now
    went off the bottom of the screen."""
    from spokeapp.store.casebook import Casebook
    from spokeapp.ui.main_window import SYNC

    from .conftest import NOW, PASSPHRASE, seed_casebook

    seed_casebook(tmp_path / "profile")
    main = main_windows(Casebook.open(tmp_path / "profile", PASSPHRASE), clock=lambda: NOW)
    main.showNormal()
    main.resize(865, 459)
    main.show_page(SYNC)
    qtbot.wait(20)
    before = main.size()
    main.sync_page.enrol_message.show_error(
        "Type the hub's address, the enrolment code and the fingerprint your "
        "administrator gave you. " * 4)
    qtbot.wait(20)
    assert main.size() == before
    free = main.screen().availableGeometry()
    assert main.frameGeometry().bottom() <= free.bottom()
    main.tasks.wait()
