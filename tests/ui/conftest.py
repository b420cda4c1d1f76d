"""Fixtures for UI tests: real widgets, a real casebook in tmp_path, fast key derivation,
and clocks the tests move by hand instead of sleeping."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
import shiboken6
from PySide6.QtCore import QtMsgType

from spokeapp.crypto.keyfile import FAST_KDF_FOR_TESTS
from spokeapp.domain.ids import new_id
from spokeapp.domain.records import Case, YoungPerson
from spokeapp.store.casebook import Casebook
from spokeapp.ui.shell import UNLOCKED, SpokeShell

PASSPHRASE = "kettle orbit lemon march"
NOW = datetime(2025, 3, 14, 10, 30, tzinfo=UTC)

#: Messages the offscreen platform prints about itself, not about Spoke.
_PLATFORM_NOISE = ("propagateSizeHints", "QFont::setPointSizeF")


class FakeClock:
    """A seconds clock that only moves when a test says so."""

    def __init__(self, start: float = 1000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture(autouse=True)
def no_qt_warnings(qtlog: Any) -> Iterator[None]:
    """Qt warnings are bugs in the UI: fail the test that caused one."""
    yield
    bad = {QtMsgType.QtWarningMsg, QtMsgType.QtCriticalMsg, QtMsgType.QtFatalMsg}
    problems = [
        r.message
        for r in qtlog.records
        if r.type in bad and not any(noise in r.message for noise in _PLATFORM_NOISE)
    ]
    assert not problems, f"Qt warnings: {problems}"


@pytest.fixture(autouse=True)
def close_without_asking(monkeypatch: pytest.MonkeyPatch) -> None:
    """Closing a main window with unsent work asks first (a modal question); tests that do
    not test that question close without it. ``tests/ui/test_close_prompt.py`` puts it back."""
    from spokeapp.ui.main_window import MainWindow

    monkeypatch.setattr(MainWindow, "confirm_close", staticmethod(lambda *_args: True))


@pytest.fixture(autouse=True)
def finalise_without_asking(monkeypatch: pytest.MonkeyPatch) -> None:
    """Finalising and "Home safe" ask first (modal questions); tests that do not test those
    questions go ahead without them. ``tests/ui/test_confirmations.py`` puts them back."""
    from spokeapp.ui import forms
    from spokeapp.ui.views.visits import VisitsPage

    monkeypatch.setattr(forms, "ask_finalise", lambda *_args: forms.FinaliseAnswer(True))
    monkeypatch.setattr(VisitsPage, "confirm_home_safe", staticmethod(lambda _parent: True))


@pytest.fixture
def profile(tmp_path: Path) -> Path:
    return tmp_path / "profile"


def seed_casebook(profile: Path, passphrase: str = PASSPHRASE) -> str:
    """A casebook with two obviously fictional young people; returns the recovery key."""
    book, recovery = Casebook.create(profile, passphrase, kdf=FAST_KDF_FOR_TESTS, clock=lambda: NOW)
    with book:
        for ref, name, risk in (
            ("YP-TEST-01", "Test Person Alpha", "high"),
            ("YP-TEST-02", "Test Person Beta", None),
        ):
            person = YoungPerson(
                id=new_id(), reference=ref, name=name, date_of_birth=date(2010, 1, 1)
            )
            book.save(person)
            book.save(
                Case(
                    id=new_id(),
                    young_person_id=person.id,
                    key_worker="worker",
                    opened_on=date(2025, 1, 6),
                    current_risk_level=risk,
                )
            )
    return recovery


@pytest.fixture
def seeded(profile: Path) -> str:
    return seed_casebook(profile)


@pytest.fixture
def book(tmp_path: Path) -> Iterator[Casebook]:
    """The seeded casebook, open (a file's own ``book`` fixture, where it has one, wins)."""
    seed_casebook(tmp_path / "profile")
    book = Casebook.open(tmp_path / "profile", PASSPHRASE)
    yield book
    book.close()


@pytest.fixture
def sleep_clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def wait_clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def make_shell(
    qtbot: Any, profile: Path, sleep_clock: FakeClock, wait_clock: FakeClock
) -> Iterator[Callable[..., SpokeShell]]:
    """Build and start a shell on the test profile; it is shut down after the test."""
    shells: list[SpokeShell] = []

    def build(**options: Any) -> SpokeShell:
        options.setdefault("kdf", FAST_KDF_FOR_TESTS)
        options.setdefault("clock", lambda: NOW)
        options.setdefault("sleep_clock", sleep_clock)
        options.setdefault("wait_clock", wait_clock)
        shell = SpokeShell(profile, **options)
        shells.append(shell)
        shell.start()  # the shell owns its windows (it replaces them), so qtbot does not
        assert shell.window is not None
        return shell

    yield build
    for shell in shells:
        shell.shutdown()
        if shell.window is not None and shiboken6.isValid(shell.window):
            shell.window.close()
            shell.window.deleteLater()


def system_palette(scheme: str) -> Any:
    """The palette the system gives Qt in its light or dark scheme (``"light"``, ``"dark"``):
    Qt's own Fusion palettes, as on GNOME, and close to Windows 11's and macOS's. Dark is
    Qt's dark platform palette (``qt_fusionPalette`` in qplatformtheme.cpp), role by role."""
    from PySide6.QtGui import QColor, QPalette
    from PySide6.QtWidgets import QStyleFactory

    if scheme == "light":
        style = QStyleFactory.create("Fusion")
        palette = style.standardPalette()
        style.deleteLater()
        return palette
    assert scheme == "dark", scheme
    text, window = QColor(240, 240, 240), QColor(50, 50, 50)
    dark = window.darker(150)
    palette = QPalette(text, window, window.lighter(150), dark, window.darker(130), text,
                       window.darker(140))
    role, disabled = QPalette.ColorRole, QPalette.ColorGroup.Disabled
    blue = QColor(48, 140, 198)
    for each, colour in (
        (role.Midlight, window.darker(130).lighter(110)), (role.Button, window),
        (role.Shadow, dark.darker(135)), (role.HighlightedText, text), (role.Highlight, blue),
        (role.Link, blue), (role.ToolTipBase, QColor(60, 60, 60)), (role.ToolTipText, text),
        (role.PlaceholderText, QColor(240, 240, 240, 128)),
    ):
        palette.setColor(each, colour)
    for each in (role.Text, role.WindowText, role.ButtonText):
        palette.setColor(disabled, each, QColor(130, 130, 130))
    palette.setColor(disabled, role.Base, window)
    palette.setColor(disabled, role.Highlight, QColor(145, 145, 145))
    return palette


@pytest.fixture
def system_scheme(qapp: Any) -> Iterator[Callable[[str], None]]:
    """``system_scheme("dark")``: the system switches to its dark scheme (or back, "light"),
    as Windows 11, macOS and GNOME do by the clock; Qt hands every widget the new palette.
    The application's palette is put back after the test."""
    from PySide6.QtWidgets import QApplication

    before = QApplication.palette()

    def switch(scheme: str) -> None:
        QApplication.setPalette(system_palette(scheme))
        QApplication.processEvents()

    yield switch
    QApplication.setPalette(before)
    QApplication.processEvents()



@pytest.fixture
def chart_follows_scheme(qtbot: Any, system_scheme: Any) -> Callable[[Any], None]:
    """``chart_follows_scheme(chart)``: a chart made in the light scheme is shown, the system
    switches to dark and back, and each time the chart is drawn on the palette's own
    background, dark in dark, with its title readable on it (4.5:1)."""
    from PySide6.QtGui import QPalette

    from spokeapp.present.contrast import TEXT_MIN, contrast_ratio

    def check(chart: Any) -> None:
        qtbot.addWidget(chart)
        chart.show()
        for scheme in ("dark", "light"):
            system_scheme(scheme)
            background = chart.chart().backgroundBrush().color()
            assert background == chart.palette().color(QPalette.ColorRole.Base), scheme
            assert (background.lightness() < 128) == (scheme == "dark")
            title = chart.chart().titleBrush().color().name()
            assert contrast_ratio(title, background.name()) >= TEXT_MIN, scheme

    return check

def closed(widget: Any) -> bool:
    """Hidden, or already deleted (a dialog closed with ``WA_DeleteOnClose``)."""
    return not shiboken6.isValid(widget) or not widget.isVisible()


def wait_closed(qtbot: Any, widget: Any) -> None:
    """Wait for a dialog whose save runs off the GUI thread to close itself."""
    qtbot.waitUntil(lambda: closed(widget), timeout=5000)


def unlock(qtbot: Any, shell: SpokeShell, passphrase: str = PASSPHRASE) -> None:
    """Type the passphrase into the unlock window and wait for the main window (its rows and
    its sync status)."""
    window = shell.window
    window.passphrase.setText(passphrase)  # type: ignore[union-attr]
    window.unlock_button.click()  # type: ignore[union-attr]
    qtbot.waitUntil(lambda: shell.state == UNLOCKED, timeout=5000)
    main = shell.main_window
    assert main is not None
    qtbot.waitUntil(lambda: main.caseload_model.rowCount() > 0, timeout=5000)
    # The sync status is read off the GUI thread once Today's rows are in ("Checking…").
    qtbot.waitUntil(lambda: main.sync.current is not None, timeout=5000)


@pytest.fixture
def main_windows(qtbot: Any) -> Iterator[Callable[..., Any]]:
    """Main windows made as the app makes them (a task runner, a sync bridge on the casebook's
    engine), shown, and closed after the test with their background work finished:
    ``main_windows(book, clock=..., engine=None)``."""
    from spokeapp.sync.engine import SyncEngine
    from spokeapp.ui.main_window import MainWindow
    from spokeapp.ui.sync_bridge import SyncBridge
    from spokeapp.ui.tasks import TaskRunner

    made: list[tuple[Any, Any, Any]] = []

    def build(book: Casebook, *, clock: Callable[[], datetime], engine: Any = None) -> Any:
        tasks = TaskRunner()
        bridge = SyncBridge(engine or SyncEngine(book), clock=clock)
        main = MainWindow(book, tasks, clock=clock, idle_minutes=10, sync=bridge)
        qtbot.addWidget(main)
        main.show()
        made.append((main, tasks, bridge))
        tasks.wait()
        return main

    yield build
    for main, tasks, bridge in made:
        bridge.stop()
        tasks.wait()
        main.close()
