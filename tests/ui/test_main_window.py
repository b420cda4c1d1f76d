"""The main window (spokeapp/ui/main_window.py): the order Tab visits it in, and the list of
pages on a small laptop screen."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from spokeapp.store.casebook import Casebook
from spokeapp.ui.main_window import CASE, CASELOAD, SHORTCUT_ROLE, TODAY, MainWindow

from .conftest import NOW, PASSPHRASE, seed_casebook


@pytest.fixture
def main(main_windows: Any, tmp_path: Path) -> Iterator[MainWindow]:
    seed_casebook(tmp_path / "profile")
    book = Casebook.open(tmp_path / "profile", PASSPHRASE)
    window: MainWindow = main_windows(book, clock=lambda: NOW)
    yield window
    window.tasks.wait()


def tab_stops(window: MainWindow) -> list[QWidget]:
    """Where Tab goes from the list of pages, one press at a time, until it is back there:
    what Qt's Tab visits (shown, enabled, taking Tab, not standing in for another widget)."""
    stops: list[QWidget] = []
    widget = window.nav.nextInFocusChain()
    while widget is not window.nav:
        if (widget.isVisible() and widget.isEnabled() and widget.focusProxy() is None
                and widget.focusPolicy() & Qt.FocusPolicy.TabFocus
                and widget.window() is window):
            stops.append(widget)
        widget = widget.nextInFocusChain()
    return stops


def test_tab_goes_from_the_page_list_into_the_page_and_lock_now_comes_last(
    qtbot: Any, main: MainWindow
) -> None:
    """On every page Tab went from the list of pages to Lock now in the status bar, and only
    then into the page; Lock now has Ctrl+L, so it is the last stop before the list again."""
    main.open_case(main.caseload_model.row_at(0).case_id)
    qtbot.waitUntil(lambda: main.case_page.case_id is not None, timeout=5000)
    for page in (TODAY, CASELOAD, CASE):
        main.show_page(page)
        qtbot.wait(20)
        stops = tab_stops(main)
        shown = main.pages.currentWidget()
        assert shown.isAncestorOf(stops[0]), (page, stops[0].accessibleName())
        assert stops[-1] is main.lock_button, (page, stops[-1].accessibleName())
        assert all(shown.isAncestorOf(w) for w in stops[:-1]), "the page, then the status bar"
    # and a real key press from the list goes into the page, not to the status bar
    main.show_page(CASELOAD)
    main.activateWindow()
    qtbot.waitUntil(main.isActiveWindow, timeout=2000)
    main.nav.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.keyClick(main.nav, Qt.Key.Key_Tab)
    assert main.focusWidget() is main.caseload.filter_edit


def test_maximised_on_a_small_screen_the_page_list_gives_the_page_room(
    qtbot: Any, main: MainWindow
) -> None:
    """The page list stayed 265 px wide (titles and their shortcuts) however small the
    screen: at 1024x600 the case page was left two of its timeline's four columns.
    (Maximised as a 1024-wide screen would have it: the test screen is too narrow for the
    window's least width, and its maximising would not hold.)"""
    main.hide()
    main.setWindowState(Qt.WindowState.WindowNoState)
    main.resize(1300, 700)
    metrics = main.nav.fontMetrics()
    whole = main.nav.width()
    for row in range(main.nav.count()):  # room for each title and its shortcut
        item = main.nav.item(row)
        assert metrics.horizontalAdvance(item.text() + str(item.data(SHORTCUT_ROLE))) < whole

    main.resize(1024, 600)
    main.setWindowState(Qt.WindowState.WindowMaximized)
    assert main.nav.width() <= whole - metrics.horizontalAdvance("Ctrl+0")
    for row in range(main.nav.count()):  # each title still whole
        text = main.nav.item(row).text()
        assert metrics.horizontalAdvance(text) + metrics.height() <= main.nav.width(), text

    main.setWindowState(Qt.WindowState.WindowNoState)  # restored: shortcuts back
    assert main.nav.width() == whole
    main.resize(1366, 768)
    main.setWindowState(Qt.WindowState.WindowMaximized)  # a screen wide enough for both
    assert main.nav.width() == whole
