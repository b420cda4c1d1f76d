"""Unlocking quickly (issue 18): a long Today list fits its rows as they come into view, and
the Visits page's periodic refresh reads the casebook off the GUI thread."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from spokeapp.crypto.keyfile import FAST_KDF_FOR_TESTS
from spokeapp.store.casebook import Casebook, CaseloadRow
from spokeapp.ui.tasks import TaskRunner
from spokeapp.ui.views import visits as visits_module
from spokeapp.ui.views.today import MEASURED_ROWS, TodayPage
from spokeapp.ui.views.visits import VisitsPage

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


@pytest.fixture
def book(tmp_path: Path) -> Iterator[Casebook]:
    casebook, _ = Casebook.create(tmp_path / "laptop", "kettle orbit lemon march",
                                  kdf=FAST_KDF_FOR_TESTS)
    yield casebook
    if casebook.is_open:
        casebook.close()


def _rows(count: int) -> list[CaseloadRow]:
    return [
        CaseloadRow(case_id=f"case-{n}", reference=f"YP-{n:04d}", name=f"Person {n}",
                    preferred_name=None, status="open", risk_level=None, last_contact=None,
                    last_assessed=None if n % 2 else date(2025, 1, 1), key_worker="worker")
        for n in range(count)
    ]


def test_a_long_today_list_shows_every_item_with_the_rows_in_view_fitted(
    qtbot: Any, book: Casebook
) -> None:
    page = TodayPage(book, TaskRunner())
    qtbot.addWidget(page)
    page.resize(900, 700)
    page.show()
    page.show_today(_rows(400), NOW)
    assert len(page.items) == page.model.rowCount() > MEASURED_ROWS  # nothing left off
    table = page.list
    for row in (0, MEASURED_ROWS - 1):
        assert table.rowHeight(row) == max(table.sizeHintForRow(row),
                                           table.verticalHeader().minimumSectionSize())
    last = page.model.rowCount() - 1
    table.scrollToBottom()  # scrolled to: fitted then
    assert table.rowHeight(last) == max(table.sizeHintForRow(last),
                                        table.verticalHeader().minimumSectionSize())
    page.show_today(_rows(3), NOW)  # a short list again: every row fitted at once
    assert len(page.items) == page.model.rowCount()
    assert all(table.rowHeight(r) == max(table.sizeHintForRow(r),
                                         table.verticalHeader().minimumSectionSize())
               for r in range(page.model.rowCount()))


def test_the_visits_timer_reads_the_casebook_off_the_gui_thread(
    qtbot: Any, book: Casebook, monkeypatch: pytest.MonkeyPatch
) -> None:
    tasks = TaskRunner()
    page = VisitsPage(book, tasks, clock=lambda: NOW)
    qtbot.addWidget(page)
    threads: list[bool] = []
    real = visits_module.load_visits

    def watched(*args: Any, **kwargs: Any) -> Any:
        threads.append(threading.current_thread() is threading.main_thread())
        return real(*args, **kwargs)

    monkeypatch.setattr(visits_module, "load_visits", watched)
    with qtbot.waitSignal(page.visits_changed, timeout=5000):
        page._timer.timeout.emit()  # what the 30 s timer does
    qtbot.waitUntil(lambda: not tasks.busy)
    assert threads == [False]  # read once, on the task runner's thread
    assert page.views == []
    tasks.wait()
