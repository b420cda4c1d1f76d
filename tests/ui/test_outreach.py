"""The Group and professional work page: a long topic never widens the table past the page."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import Qt

from spokeapp.domain.ids import new_id
from spokeapp.domain.records import MAX_TOPIC_CHARS, GroupSession, GroupSetting
from spokeapp.store.casebook import Casebook
from spokeapp.ui.tasks import TaskRunner
from spokeapp.ui.views.outreach import OutreachPage


def test_a_long_topic_is_cut_short_in_the_table_never_widening_it(
    qtbot: Any, book: Casebook
) -> None:
    """A long topic made its column as wide as the whole text: the table scrolled sideways
    and the head counts went off the page."""
    topic = ("Staying safe online and on the way home from school, " * 10)[:MAX_TOPIC_CHARS]
    book.save(GroupSession(id=new_id(), held_on=date(2025, 3, 1), setting=GroupSetting.SCHOOL,
                           topic=topic, young_people_reached=24), finalise=True)
    page = OutreachPage(book, TaskRunner(max_threads=1))
    qtbot.addWidget(page)
    page.resize(900, 500)
    page.show()
    qtbot.waitExposed(page)
    page.refresh()
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=5000)
    qtbot.wait(20)  # the columns are measured after the rows arrive

    table = page.table
    headers = [page.proxy.headerData(n, Qt.Orientation.Horizontal)
               for n in range(page.proxy.columnCount())]
    topic_column, reached_column = headers.index("Topic"), headers.index("Reached")
    assert table.horizontalScrollBar().maximum() == 0, "no sideways scrolling"
    assert table.horizontalHeader().length() <= table.viewport().width()
    reached = table.visualRect(page.proxy.index(0, reached_column))
    assert reached.right() <= table.viewport().width(), "the head count is on the page"
    topic_cell = page.proxy.index(0, topic_column)
    assert table.columnWidth(topic_column) < table.fontMetrics().horizontalAdvance(topic)
    assert topic_cell.data(Qt.ItemDataRole.ToolTipRole) == topic, "whole in its tooltip"
