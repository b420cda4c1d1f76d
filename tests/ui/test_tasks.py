"""The task runner: background work with answers on the GUI thread, and ``write``, the one way
the UI saves (buttons held while the save runs, released however it ends)."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from PySide6.QtWidgets import QPushButton

from spokeapp.domain.errors import SpokeError
from spokeapp.ui.tasks import TaskRunner


def test_write_runs_off_the_gui_thread_and_holds_its_buttons(qtbot: Any) -> None:
    tasks = TaskRunner()
    button, other = QPushButton("Save"), QPushButton("Close")
    qtbot.addWidget(button)
    qtbot.addWidget(other)
    gui = threading.get_ident()
    ran_on: list[int] = []
    results: list[str] = []

    def save() -> str:
        ran_on.append(threading.get_ident())
        return "saved"

    with qtbot.waitSignal(tasks.idle, timeout=5000):
        tasks.write(save, results.append, busy=(button, other))
        assert not button.isEnabled() and not other.isEnabled(), "no second click meanwhile"
    assert results == ["saved"]
    assert ran_on and ran_on[0] != gui
    assert button.isEnabled() and other.isEnabled()
    assert not tasks.busy


def test_a_failed_write_releases_its_buttons_and_reports_the_error(qtbot: Any) -> None:
    tasks = TaskRunner()
    button = QPushButton("Save")
    qtbot.addWidget(button)
    errors: list[BaseException] = []

    def save() -> None:
        raise SpokeError("disk full")

    tasks.write(save, lambda _r: pytest.fail("not saved"), errors.append, busy=(button,))
    qtbot.waitUntil(lambda: not tasks.busy, timeout=5000)
    assert [str(e) for e in errors] == ["disk full"]
    assert button.isEnabled()


def test_a_button_disabled_before_stays_disabled(qtbot: Any) -> None:
    tasks = TaskRunner()
    button = QPushButton("Save")
    qtbot.addWidget(button)
    button.setEnabled(False)
    tasks.write(lambda: None, busy=(button,))
    qtbot.waitUntil(lambda: not tasks.busy, timeout=5000)
    assert not button.isEnabled()
