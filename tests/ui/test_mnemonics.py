"""One Alt shortcut, one control (issue 17: Alt+H was both "high-risk visit" and "Buddy's
phone" on the visit plan, and silently ticked high-risk). And one control per key shortcut:
Ctrl+Shift+S was both the Record menu's "Session note" and the Sync page's "Sync now", so on
the Sync page the key did nothing at all (Qt calls that ambiguous and fires neither).

The walker opens every page of a worker's, a supervisor's and an admin's main window and every
dialog reachable from them, and fails on two controls with the same Alt+letter in the same
window, naming both. Controls on different pages of a stack (the main window's pages, a tab
widget's tabs, a wizard's pages) are never on screen together, so they may share a letter; the
menu bar's letters are on screen with every page.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractButton,
    QCheckBox,
    QDialog,
    QGroupBox,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMenu,
    QPushButton,
    QStackedWidget,
    QTabBar,
    QVBoxLayout,
    QWidget,
    QWizardPage,
)

from tests.helpers.hub import RunningHub, running_hub, sqlite_url

from .conftest import unlock
from .walk import Walk, walk_board, walk_supervisor_and_admin, walk_worker


# ---------------------------------------------------------------------------------- the walker
def mnemonic(text: str) -> str | None:
    """The letter after a single ``&`` ("&&" is a literal ampersand), lower case."""
    plain = text.replace("&&", "")
    at = plain.find("&")
    if at < 0 or at + 1 >= len(plain):
        return None
    return plain[at + 1].lower()


def _describe(widget: QWidget, text: str) -> str:
    return f"{type(widget).__name__} {text.replace('&&', '&')!r}"


def owners(window: QWidget) -> list[tuple[str, str, QWidget]]:
    """Every (letter, description, widget) that Alt+letter reaches in ``window`` itself (not
    in the dialogs it owns, which are windows of their own)."""
    found: list[tuple[str, str, QWidget]] = []
    for widget in window.findChildren(QWidget):
        if widget.window() is not window:
            continue
        texts: list[str] = []
        takes_alt = isinstance(widget, QLabel) and widget.buddy() is not None
        if isinstance(widget, QAbstractButton) or takes_alt:
            texts.append(widget.text())
        elif isinstance(widget, QGroupBox):
            texts.append(widget.title())
        elif isinstance(widget, QTabBar):
            texts.extend(widget.tabText(n) for n in range(widget.count()))
        for text in texts:
            letter = mnemonic(text)
            if letter is not None:
                found.append((letter, _describe(widget, text), widget))
    if isinstance(window, QMainWindow):
        for action in window.menuBar().actions():
            letter = mnemonic(action.text())
            if letter is not None:
                found.append((letter, f"menu {action.text()!r}", window.menuBar()))
    return found


def _page_in(widget: QWidget, stack: QWidget) -> QWidget | None:
    """The child of ``stack`` that holds ``widget`` (None: ``widget`` is not inside it)."""
    child: QWidget | None = widget
    while child is not None and child.parentWidget() is not stack:
        child = child.parentWidget()
    return child


def _never_together(a: QWidget, b: QWidget) -> bool:
    """On different pages of a stack (or of a wizard): never on screen at the same time."""
    for side, other in ((a, b), (b, a)):
        ancestor = side.parentWidget()
        while ancestor is not None:
            if isinstance(ancestor, QStackedWidget):
                mine, theirs = _page_in(side, ancestor), _page_in(other, ancestor)
                if mine is not None and theirs is not None and mine is not theirs:
                    return True
            ancestor = ancestor.parentWidget()
    page_a = next((w for w in _ancestors(a) if isinstance(w, QWizardPage)), None)
    page_b = next((w for w in _ancestors(b) if isinstance(w, QWizardPage)), None)
    return page_a is not None and page_b is not None and page_a is not page_b


def _ancestors(widget: QWidget) -> Iterator[QWidget]:
    current: QWidget | None = widget
    while current is not None:
        yield current
        current = current.parentWidget()


def _menu_actions(actions: list[QAction]) -> Iterator[QAction]:
    for action in actions:
        yield action
        menu = action.menu()
        if isinstance(menu, QMenu):
            yield from _menu_actions(menu.actions())


def key_owners(window: QWidget) -> list[tuple[str, str, QWidget]]:
    """Every (key sequence, description, widget) of ``window``'s own key shortcuts: buttons',
    ``QShortcut``s' and its actions' (the menu bar's, on screen with every page)."""
    found: list[tuple[str, str, QWidget]] = []

    def add(sequence: QKeySequence, description: str, widget: QWidget) -> None:
        if not sequence.isEmpty():
            found.append((sequence.toString(), description, widget))

    for widget in window.findChildren(QWidget):
        # A button's "&" letter is a shortcut too: those are the Alt letters above.
        if (widget.window() is window and isinstance(widget, QAbstractButton)
                and widget.shortcut() != QKeySequence.mnemonic(widget.text())):
            add(widget.shortcut(), _describe(widget, widget.text()), widget)
    for shortcut in window.findChildren(QShortcut):
        parent = shortcut.parent()
        if isinstance(parent, QWidget) and parent.window() is window and shortcut.isEnabled():
            for sequence in shortcut.keys():  # noqa: SIM118 (a QShortcut, not a dict)
                add(sequence, f"a shortcut on {type(parent).__name__}", parent)
    bar = window.menuBar() if isinstance(window, QMainWindow) else None
    actions = list(window.actions()) + (list(bar.actions()) if bar is not None else [])
    for action in _menu_actions(actions):
        for sequence in action.shortcuts():
            add(sequence, f"menu item {action.text()!r}", bar if bar is not None else window)
    return found


def clashes(window: QWidget) -> list[str]:
    """Two controls of ``window`` with the same Alt+letter or the same key shortcut, that can
    be on screen together."""
    found = [(f"Alt+{letter.upper()}", text, widget) for letter, text, widget in owners(window)]
    found += key_owners(window)
    problems = []
    for n, (key, first, a) in enumerate(found):
        for other_key, second, b in found[n + 1:]:
            if key == other_key and a is not b and not _never_together(a, b):
                title = window.windowTitle() or type(window).__name__
                problems.append(f"{title}: {key} is both {first} and {second}")
    return problems


# ------------------------------------------------------------------------- the walker, tested
def test_the_walker_names_both_controls_of_a_clash_and_ignores_other_pages(qtbot: Any) -> None:
    window = QDialog()
    window.setWindowTitle("Test form")
    qtbot.addWidget(window)
    layout = QVBoxLayout(window)
    high = QCheckBox("A &high-risk visit", window)
    phone = QLineEdit(window)
    label = QLabel("Buddy's p&hone", window)
    label.setBuddy(phone)
    for widget in (high, label, phone):
        layout.addWidget(widget)
    stack = QStackedWidget(window)
    stack.addWidget(QPushButton("&Save", stack))
    stack.addWidget(QPushButton("&Send", stack))
    layout.addWidget(stack)

    assert clashes(window) == [
        "Test form: Alt+H is both QCheckBox 'A &high-risk visit' and QLabel \"Buddy's p&hone\""
    ]
    label.setText("Buddy's &phone")
    assert clashes(window) == [], "the two pages of a stack are never shown together"
    layout.addWidget(QPushButton("&Print", window))
    assert clashes(window) == [
        "Test form: Alt+P is both QLabel \"Buddy's &phone\" and QPushButton '&Print'"
    ]


def test_the_walker_finds_a_key_shortcut_given_twice(qtbot: Any) -> None:
    window = QMainWindow()
    window.setWindowTitle("Test window")
    qtbot.addWidget(window)
    menu = window.menuBar().addMenu("&Record")
    menu.addAction("Session note").setShortcut(QKeySequence("Ctrl+Shift+S"))
    stack = QStackedWidget(window)
    window.setCentralWidget(stack)
    sync = QPushButton("Sync now", stack)
    sync.setShortcut(QKeySequence("Ctrl+Shift+S"))
    stack.addWidget(sync)
    other = QPushButton("Refresh", stack)
    other.setShortcut(QKeySequence("F5"))
    stack.addWidget(other)
    QShortcut(QKeySequence("F5"), sync)  # another page: never on screen with "Refresh"

    assert clashes(window) == [
        "Test window: Ctrl+Shift+S is both QPushButton 'Sync now' and menu item 'Session note'"
    ]


# ------------------------------------------------------------------------------ the walks
def test_every_page_and_dialog_of_a_worker_s_window_has_its_own_letters(
    qtbot: Any, make_shell: Any, seeded: str
) -> None:
    walk = Walk(clashes)
    expected = walk_worker(qtbot, make_shell(), walk)
    assert len(walk.seen) >= expected, walk.seen
    assert not walk.problems, walk.report()


@pytest.fixture
def hub(tmp_path: Path) -> Iterator[RunningHub]:
    with running_hub(sqlite_url(tmp_path / "hub")) as running:
        yield running


def test_every_page_and_dialog_of_a_supervisor_s_and_an_admin_s_window(
    qtbot: Any, tmp_path: Path, hub: RunningHub, main_windows: Any
) -> None:
    walk = Walk(clashes)
    expected = walk_supervisor_and_admin(qtbot, tmp_path, hub, main_windows, walk)
    assert len(walk.seen) >= expected, walk.seen
    assert not walk.problems, walk.report()


def test_the_board_s_resolve_and_debrief_dialogs_have_their_own_letters(
    qtbot: Any, tmp_path: Path
) -> None:
    walk = Walk(clashes)
    expected = walk_board(qtbot, tmp_path, walk)
    assert len(walk.seen) == expected, walk.seen
    assert not walk.problems, walk.report()


def test_on_the_visit_plan_alt_h_is_only_the_high_risk_box(
    qtbot: Any, make_shell: Any, seeded: str
) -> None:
    """The trip-up itself: Alt+H was also "Buddy's phone" and ticked high-risk instead."""
    shell = make_shell()
    unlock(qtbot, shell)
    main = shell.main_window
    main.show_page(main.pages.indexOf(main.visits))
    plan = main.visits.form
    on_page = [(letter, widget) for letter, _text, widget in owners(main)
               if main.visits.isAncestorOf(widget)]
    assert [widget for letter, widget in on_page if letter == "h"] == [plan.high_risk]
    phone_labels = [w for _l, w in on_page
                    if isinstance(w, QLabel) and w.buddy() is plan.buddy_phone]
    assert [mnemonic(w.text()) for w in phone_labels] == ["n"]
