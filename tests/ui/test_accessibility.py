"""Keyboard and screen-reader use: every control is named, and Spoke works without a mouse."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)

from spokeapp.present.contrast import TEXT_MIN, contrast_ratio
from spokeapp.ui.first_run import FirstRunWindow
from spokeapp.ui.shell import UNLOCKED
from spokeapp.ui.tasks import TaskRunner
from spokeapp.ui.unlock import UnlockWindow

from .conftest import NOW, PASSPHRASE, unlock

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


# ------------------------------------------------------------------ light and dark
def _declared(widget: QWidget, name: str) -> QColor | None:
    """The colour ``widget``'s own style sheet gives ``name`` ("color", "background"): Qt
    draws with that, whatever its palette says."""
    found = re.search(rf"(?<![-\w]){name}\s*:\s*([^;}}]+)", widget.styleSheet())
    return QColor(found.group(1).strip()) if found else None


def _behind(label: QLabel) -> QColor:
    """The colour under a label's words: the background of the nearest of it and its parents
    that paints one (a filled widget, or one whose style sheet gives it a background), else
    its window's."""
    widget: QWidget | None = label
    while widget is not None:
        declared = _declared(widget, "background")
        if declared is not None:
            return declared
        if widget.autoFillBackground():
            return widget.palette().color(widget.backgroundRole())
        if widget.isWindow():
            break
        widget = widget.parentWidget()
    return label.window().palette().color(QPalette.ColorRole.Window)


def unreadable_words(window: QWidget) -> list[str]:
    """Every label shown in ``window`` whose words are under 4.5:1 (WCAG AA) against what is
    behind them, as the colours Qt draws them with (a disabled label is exempt)."""
    found = []
    for label in window.findChildren(QLabel):
        text = label.text()
        if not label.isVisible() or not label.isEnabled() or not text.strip():
            continue
        if "color" in text:  # rich text with its own colours
            continue  # coloured in its own words: not the palette's to answer for
        words = (_declared(label, "color")
                 or label.palette().color(QPalette.ColorRole.WindowText)).name()
        behind = _behind(label).name()
        ratio = contrast_ratio(words, behind)
        if ratio < TEXT_MIN:
            found.append(f"{text[:50]!r}: {words} on {behind}, {ratio:.1f}:1")
    return found


def _every_screen(qtbot: Any, shell: Any, check: Callable[[QWidget, str], None]) -> None:
    """Unlock (after a refusal), then each main screen in a state with its errors, warnings
    and status colours showing: Today, the case page, the session form and the risk form
    refusing to finalise, Visits with a visit NOT ARMED and a reminder banner, Settings.
    ``check(window, screen)`` looks at each."""
    window = shell.window
    window.unlock_button.click()  # no passphrase: refused, in the error's colour
    assert window.message.isVisible()
    check(window, "unlock")
    unlock(qtbot, shell)
    main = shell.main_window
    main.resize(1280, 900)
    check(main, "Today")
    case_id = main.caseload_model.row_at(0).case_id
    main.open_case(case_id)
    qtbot.waitUntil(lambda: main.case_page.case_id == case_id, timeout=5000)
    check(main, "case page")
    main.record_session_for(case_id)
    main.session_form.finalise_button.click()  # nothing filled in: each problem, in red
    assert main.session_form.isVisible()
    check(main, "session form")
    visits = main.visits
    main.show_page(main.pages.indexOf(visits))
    form = visits.form
    for name, value in (("location", "Example Library, AB1 2CD"), ("mobile", "07700 900123"),
                        ("buddy_name", "Sam Buddy"), ("buddy_phone", "07700 900456")):
        getattr(form, name).setText(value)
    form.case_reference.setCurrentIndex(1)
    form.set_expected_end(NOW + timedelta(hours=2))
    assert form.start(), form.summary.text()
    qtbot.waitUntil(lambda: visits.current is not None, timeout=5000)
    visits.show_banner("Check in now: your check-in is due.")
    check(main, "Visits")
    main.show_page(next(n for n in range(main.pages.count())  # it scrolls: inside an area
                        if main.pages.widget(n).isAncestorOf(main.settings)))
    check(main, "Settings")
    main.assess(case_id)
    dialog = main.dialog
    assert dialog is not None
    dialog.finalise()  # nothing answered: refused, with each problem in red
    check(dialog, "risk form")
    dialog.dirty = False  # type: ignore[attr-defined]
    dialog.reject()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_screen_is_readable_in_the_systems_light_and_dark_schemes(
    qtbot: Any, make_shell: Any, seeded: str, system_scheme: Any, scheme: str
) -> None:
    """Spoke follows the system's scheme (spokeapp/ui/application.py): in either, the words
    on each main screen, errors and status colours included, are 4.5:1 on what is behind
    them."""
    system_scheme(scheme)  # before Spoke starts, as the system gives it
    problems: list[str] = []

    def check(window: QWidget, screen: str) -> None:
        QApplication.processEvents()
        problems.extend(f"{screen}: {problem}" for problem in unreadable_words(window))

    _every_screen(qtbot, make_shell(), check)
    assert problems == []


@pytest.mark.parametrize("switch", [("light", "dark"), ("dark", "light")],
                         ids=["to dark", "to light"])
def test_every_screen_stays_readable_when_the_system_switches_scheme_while_spoke_is_open(
    qtbot: Any, make_shell: Any, seeded: str, system_scheme: Any, switch: tuple[str, str]
) -> None:
    """Windows 11, macOS and GNOME switch to dark (and back) by the clock, with Spoke open.
    Error words kept the old scheme's red (#a4001d on the dark window, 2.3:1), and words with
    a style sheet of their own kept the old palette: black on the dark window."""
    before, after = switch
    system_scheme(before)
    problems: list[str] = []

    def check(window: QWidget, screen: str) -> None:
        system_scheme(after)  # the system switches while this screen shows
        problems.extend(f"{screen}: {problem}" for problem in unreadable_words(window))
        system_scheme(before)  # and back, for the next screen

    _every_screen(qtbot, make_shell(), check)
    assert problems == []
