"""Screen readers: every focusable control on every page of the main window (a worker's and a
supervisor's) and in every dialog opened from them has a name a screen reader can say.

A name is the widget's accessible name, or what Qt's accessibility layer exposes for it (a
button's text, a QLabel buddy's text): a screen reader hears exactly that. Real casebooks,
syncing through a real hub on loopback.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import (
    QAbstractScrollArea,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QWidget,
)

from spokeapp.ui.main_window import MainWindow
from tests.helpers.hub import RunningHub, running_hub, sqlite_url
from tests.helpers.sync_world import World, finalised_session, open_case

NOW = datetime(2026, 3, 3, 10, 0, tzinfo=UTC)
NOTE = "Fictional note: talked about the bus home and a new older friend."


def clock() -> datetime:
    return NOW


def spoken_name(widget: QWidget) -> str:
    """What a screen reader says for the widget: its accessible name, else Qt's own name for
    it (a button's text, the text of the QLabel whose buddy it is)."""
    if widget.accessibleName().strip():
        return widget.accessibleName()
    interface = QAccessible.queryAccessibleInterface(widget)
    if interface is None:
        return ""
    return interface.text(QAccessible.Text.Name).strip()


def _part_of_another_control(widget: QWidget) -> bool:
    """The line edit inside a spin box or combo box, a scroll area's viewport and Qt's own
    helpers are announced as part of the control that holds them."""
    parent = widget.parentWidget()
    if widget.objectName().startswith("qt_"):
        return True
    if isinstance(parent, (QAbstractSpinBox, QComboBox)):
        return True
    return isinstance(parent, QAbstractScrollArea) and widget is parent.viewport()


def unnamed_focusable(root: QWidget) -> list[str]:
    """Every control a keyboard can reach inside ``root`` that a screen reader cannot name."""
    found = []
    for widget in [root, *root.findChildren(QWidget)]:
        if widget.focusPolicy() == Qt.FocusPolicy.NoFocus or not widget.isVisibleTo(root):
            continue
        if not widget.isEnabled() and not isinstance(widget, QAbstractScrollArea):
            continue  # a greyed-out control is skipped by Tab
        if widget is root or _part_of_another_control(widget):
            continue
        if not spoken_name(widget):
            text = getattr(widget, "text", None)
            shown = text() if callable(text) else widget.objectName()
            found.append(f"{type(widget).__name__} {shown!r}")
    return found


@pytest.fixture
def hub(tmp_path: Path) -> Iterator[RunningHub]:
    with running_hub(sqlite_url(tmp_path / "hub")) as running:
        yield running


@pytest.fixture
def world(hub: RunningHub, tmp_path: Path) -> Iterator[World]:
    world = World(hub, tmp_path / "laptops")
    yield world
    world.close()


@pytest.fixture
def windows(main_windows: Any, world: World) -> Any:
    return lambda device: main_windows(device.book, clock=clock, engine=device.engine)


def settle(qtbot: Any, main: MainWindow) -> None:
    """Let the page's background loads finish and their results arrive on the GUI thread."""
    main._tasks.wait()
    qtbot.wait(10)
    main._tasks.wait()


def walk_pages(qtbot: Any, main: MainWindow) -> dict[str, list[str]]:
    problems: dict[str, list[str]] = {}
    for index in range(main.pages.count()):
        main.show_page(index)
        settle(qtbot, main)
        page = main.pages.widget(index)
        missing = unnamed_focusable(page)
        if missing:
            problems[main.current_page_title] = missing
    window_missing = [
        item for item in unnamed_focusable(main)
        if not any(item in found for found in problems.values())
    ]
    if window_missing:
        problems["(window)"] = window_missing
    return problems


def open_dialogs(main: MainWindow) -> list[QDialog]:
    return [
        widget for widget in QApplication.topLevelWidgets()
        if isinstance(widget, QDialog) and widget.isVisible() and shiboken6.isValid(widget)
    ]


def check_dialog(qtbot: Any, main: MainWindow, name: str, open_it: Any,
                 problems: dict[str, list[str]]) -> None:
    before = set(open_dialogs(main))
    open_it()
    settle(qtbot, main)
    new = [dialog for dialog in open_dialogs(main) if dialog not in before]
    assert new, f"{name}: no dialog opened"
    for dialog in new:
        missing = unnamed_focusable(dialog)
        if missing:
            problems[f"{name} ({dialog.windowTitle()})"] = missing
        dialog.reject()
        settle(qtbot, main)


def test_every_page_and_dialog_names_every_control(
    qtbot: Any, windows: Any, world: World
) -> None:
    worker = world.device(world.add_user("Test Worker A", "worker", "team-x"), "worker-a")
    supervisor = world.device(
        world.add_user("Test Supervisor X", "supervisor", "team-x"), "supervisor-x"
    )
    case = open_case(worker.book, worker.user_id, 1)
    note = finalised_session(worker.book, case.id, NOTE)
    world.settle([worker, supervisor])

    problems: dict[str, list[str]] = {}
    for device in (worker, supervisor):
        main = windows(device)
        who = "worker" if device is worker else "supervisor"
        if device is supervisor:
            assert main.review is not None and main.board is not None
        for page, missing in walk_pages(qtbot, main).items():
            problems[f"{who}: {page}"] = missing

        main.open_case(case.id)
        qtbot.waitUntil(lambda m=main: m.case_page.data is not None, timeout=5000)
        settle(qtbot, main)
        openers: dict[str, Any] = {
            "new referral": main.new_referral,
            "risk assessment": lambda m=main: m.assess(case.id),
            "concern": lambda m=main: m.raise_concern(case.id),
            "consent": lambda m=main: m.record_consent(case.id),
            "amendment": lambda m=main: m.amend(case.id, note.id),
            "young person's details": lambda m=main: m.correct_details(case.id),
            "area": lambda m=main: m.set_case_area(case.id),
            "closure": lambda m=main: m.close_case(case.id),
            "group session": main.new_group,
            "professional activity": main.new_professional,
            "PINs": main.visits.open_pins,
        }
        if device is supervisor:
            openers["reassign"] = lambda m=main: m.reassign(case.id)
            review = main.review
            assert review is not None
            main.show_page(main.pages.indexOf(review))
            qtbot.waitUntil(lambda r=review: r.current_item() is not None, timeout=5000)
            openers["case supervision"] = review.record_supervision
        for name, open_it in openers.items():
            check_dialog(qtbot, main, f"{who}: {name}", open_it, problems)

    assert problems == {}, "\n".join(f"{k}: {v}" for k, v in problems.items())


def test_the_walker_hears_a_label_buddy_and_flags_a_silent_box(qtbot: Any) -> None:
    dialog = QDialog()
    qtbot.addWidget(dialog)
    layout = QFormLayout(dialog)
    named = QLineEdit(dialog)
    label = QLabel("&Buddy's phone:", dialog)
    label.setBuddy(named)
    layout.addRow(label, named)
    silent = QLineEdit(dialog)
    layout.addRow(silent)
    dialog.show()
    assert spoken_name(named) == "Buddy's phone:"  # what a screen reader says
    assert unnamed_focusable(dialog) == ["QLineEdit ''"]
    silent.setAccessibleName("Vehicle")
    assert unnamed_focusable(dialog) == []
