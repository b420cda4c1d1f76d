"""The case page (spokeapp/ui/views/case_page.py): when Spoke locks while it is still reading,
with names hidden, its columns at a small laptop's size, and the order Tab visits it in."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QRect, Qt
from PySide6.QtWidgets import QApplication, QLabel, QScrollArea, QStyle, QTableView, QWidget

import spokeapp.ui.views.case_page as case_page_module
from spokeapp.domain.ids import new_id
from spokeapp.domain.records import (
    AssessmentType,
    Consent,
    ConsentGivenBy,
    ConsentMethod,
    RaisedTo,
    RiskAssessment,
    ShareWith,
)
from spokeapp.present.case_page import load_case
from spokeapp.resources import load_risk_tool
from spokeapp.store.casebook import Casebook
from spokeapp.ui.tasks import TaskRunner
from spokeapp.ui.views.case_page import CasePage
from tests.helpers.records import (
    SESSION_TIME,
    case,
    concern,
    new_casebook,
    referral,
    seeded_case,
    session,
    young_person,
)


def test_locking_while_the_earlier_versions_load_shows_no_error(
    qtbot: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    book, _ = new_casebook(tmp_path / "book")
    _yp, _ref, cs = seeded_case(book)
    reading, go_on = threading.Event(), threading.Event()
    real_load_history = case_page_module.load_history

    def slow_history(casebook: Casebook, person_id: str) -> Any:
        reading.set()
        go_on.wait(10)
        return real_load_history(casebook, person_id)  # the casebook is locked by now

    monkeypatch.setattr(case_page_module, "load_history", slow_history)
    tasks = TaskRunner()
    page = CasePage(book, tasks, load_risk_tool(), today=date(2026, 3, 3))
    qtbot.addWidget(page)
    page.show_case(load_case(book, cs.id))
    assert reading.wait(10)
    book.close()  # Spoke locks (idle, or the worker pressed Ctrl+L) while it reads
    go_on.set()
    # Before: "The casebook is locked." was raised into Qt's event loop (pytest-qt fails the
    # test on it; a user saw a crash report at every lock with a case open).
    qtbot.waitUntil(lambda: not tasks.busy, timeout=10_000)
    assert page.data is not None and page.data.case.id == cs.id  # the page kept what it had


# --------------------------------------------------------------------------- names hidden
def _case_with_names(book: Casebook) -> tuple[str, str]:
    """A case whose records say the young person's name: in the consent, the referral's
    consent notes, their needs and a session note. Returns (case id, the young person's
    reference)."""
    yp = young_person(1, preferred_name="Alpha", needs="Alpha prefers texts to calls.")
    ref = referral(yp, consent_to_share=True,
                   consent_notes="Test Person Alpha agreed with her aunt there.")
    cs = case(yp, ref)
    for record in (yp, ref, cs):
        book.save(record)
    book.save(Consent(
        id="consent-1", case_id=cs.id, given_on=date(2026, 1, 12),
        given_by=ConsentGivenBy.YOUNG_PERSON, given_by_name="Test Person Alpha",
        method=ConsentMethod.VERBAL, explained="Told Alpha who we would tell and why.",
        share_with=(ShareWith.POLICE,), review_on=date(2026, 7, 12),
    ), finalise=True)
    book.save(session(cs.id, discussed="Alpha chose the library; her bus was late."),
              finalise=True)
    return cs.id, yp.reference


def _everything_shown(page: CasePage) -> str:
    """Every word the case page shows: its labels, each timeline row with its tooltip, and
    each record as the detail pane shows it when the row is selected."""
    QApplication.processEvents()  # rows just added to "About them" are shown by then
    words = [label.text() for label in page.findChildren(QLabel) if label.isVisibleTo(page)]
    model = page.timeline_model
    for row in range(model.rowCount()):
        for column in range(model.columnCount()):
            index = model.index(row, column)
            words += [str(index.data() or ""), str(index.data(Qt.ItemDataRole.ToolTipRole) or "")]
        page.select_record(model.rows[row].key)
        words.append(page.detail.toPlainText())
    return "\n".join(words)


def test_hide_names_leaves_the_young_persons_name_off_the_whole_case_page(
    qtbot: Any, tmp_path: Path
) -> None:
    """Names hidden (View > Hide names, for working where others see the screen), "About
    them", the timeline and the selected record still said "Given by Test Person Alpha"."""
    book, _ = new_casebook(tmp_path / "book")
    case_id, reference = _case_with_names(book)
    tasks = TaskRunner()
    page = CasePage(book, tasks, load_risk_tool(), today=date(2026, 3, 3))
    qtbot.addWidget(page)
    page.show()
    page.show_case(load_case(book, case_id))
    assert "Given by Test Person Alpha" in _everything_shown(page)  # names shown: as written

    page.set_hide_names(True)
    shown = _everything_shown(page)
    assert "Alpha" not in shown and "Test Person" not in shown
    assert "Given by the young person on 12 Jan 2026 (verbal)" in shown
    assert f"{reference} chose the library" in shown  # a worker's words, the name left out
    assert f"{reference} agreed with her aunt there" in shown
    assert page.title.text() == reference
    # The Amend dialog shows the record as the detail pane does.
    consent = next(s.record for s in page.data.records if isinstance(s.record, Consent))
    assert "Alpha" not in page.describe_plain(consent)
    qtbot.waitUntil(lambda: not tasks.busy, timeout=5000)  # before the casebook closes
    book.close()


# --------------------------------------------------------------------------- layout
def _weekly_sessions(book: Casebook, case_id: str, weeks: int) -> None:
    """A session a week for ``weeks`` weeks up to SESSION_TIME, finalised."""
    for week in range(weeks):
        book.save(session(case_id, occurred_at=SESSION_TIME - timedelta(days=7 * week),
                          discussed="Talked about staying at a friend's and the bus home."),
                  finalise=True)


@pytest.fixture
def busy_case(qtbot: Any, tmp_path: Path) -> Iterator[tuple[CasePage, Any]]:
    """A case with a few months of sessions and two assessments, on the case page at the
    size it has in a 1024x600 laptop's window (maximised, beside the list of pages); every
    record on the hub already."""
    book, _ = new_casebook(tmp_path / "book")
    _yp, _ref, cs = seeded_case(book)
    _weekly_sessions(book, cs.id, 8)
    tool = load_risk_tool()
    for day, kind in ((date(2026, 1, 12), AssessmentType.INITIAL),
                      (date(2026, 2, 23), AssessmentType.REVIEW)):
        scored = tool.score({})
        book.save(RiskAssessment(
            id=new_id(), case_id=cs.id, assessment_type=kind, assessed_on=day,
            tool_id=tool.tool_id, tool_version=tool.version, answers=(), score=scored.score,
            level=scored.level), finalise=True)
    tasks = TaskRunner()
    page = CasePage(book, tasks, tool, today=date(2026, 3, 3))
    qtbot.addWidget(page)
    page.resize(780, 540)
    page.show()
    qtbot.waitExposed(page)
    data = load_case(book, cs.id)
    data.unsent = set()  # synced
    page.show_case(data)
    qtbot.wait(100)
    yield page, data
    qtbot.waitUntil(lambda: not tasks.busy, timeout=5000)
    book.close()


def test_the_timeline_summary_keeps_room_to_be_read_and_nothing_scrolls_sideways(
    busy_case: tuple[CasePage, Any],
) -> None:
    """At 1366x768 the Summary column was 26 px wide ("…" in every row, the header "nm") and
    Status was cut to "Final, on the h"; at 1024x600 only When and What were in view, and
    "About them" had to be scrolled sideways to read the ends of its lines."""
    page, _data = busy_case
    table, header = page.timeline, page.timeline.horizontalHeader()
    width = table.viewport().width()
    when, what, summary, status = (header.sectionSize(c) for c in range(4))
    assert when + what + summary + status <= width + 1, "every column in view"
    assert summary >= width // 3 - 2, f"Summary {summary} px of {width}"
    assert summary >= table.fontMetrics().averageCharWidth() * 20
    assert _cut_short(table, 0) == [], "the day and time are never cut short"
    statuses = {row.cells[3] for row in page.timeline_model.rows} - {""}
    assert statuses == {"Final"}, "a record on the hub says only that it is final"
    assert _cut_short(table, 3) == [], "Status shown whole"
    assert status >= table.sizeHintForColumn(3), "on one line, as there is room"
    about = page.splitter.widget(0)
    assert isinstance(about, QScrollArea)
    assert not about.horizontalScrollBar().isVisible()
    assert about.widget().width() <= about.viewport().width(), "About them wraps, whole"


def _cut_short(table: QTableView, column: int) -> list[str]:
    """The words of ``column`` a worker sees cut short ("…"): wider than their cell on one
    line in a table that does not wrap, or, wrapped, wider or taller than their row."""
    metrics, model = table.fontMetrics(), table.model()
    margin = table.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, table) + 1
    room = table.horizontalHeader().sectionSize(column) - 2 * margin - 1  # less the grid line
    cut = []
    for row in range(model.rowCount()):
        text = str(model.index(row, column).data() or "")
        if metrics.horizontalAdvance(text) <= room:
            continue
        drawn = metrics.boundingRect(QRect(0, 0, room, 10_000), Qt.TextFlag.TextWordWrap, text)
        if (not table.wordWrap() or drawn.width() > room
                or drawn.height() > table.rowHeight(row) - 1):
            cut.append(text)
    return cut


#: The case page's size in a maximised window, beside the list of pages (measured).
PAGE_AT = {"1366x768": (1073, 702), "1024x600": (798, 534)}


@pytest.mark.parametrize("screen", PAGE_AT)
def test_a_new_worker_s_timeline_shows_what_and_status_whole_at_a_small_laptop_s_size(
    qtbot: Any, tmp_path: Path, screen: str
) -> None:
    """At 1024x600 What was cut to "Session: …" and Status to "Final, wai…" in every row of
    a worker's first cases (every record still waiting to sync): the Summary kept a third of
    the width. Now When, What and Status wrap onto a second line rather than being cut short,
    and the Summary, whole in the detail below and the row's tooltip, gives way; at 1366x768
    it keeps its third."""
    book, _ = new_casebook(tmp_path / "book")
    _yp, _ref, cs = seeded_case(book)
    _weekly_sessions(book, cs.id, 6)
    book.save(concern(cs.id, raised_to=RaisedTo.CHILDRENS_SOCIAL_CARE), finalise=True)
    tasks = TaskRunner()
    page = CasePage(book, tasks, load_risk_tool(), today=date(2026, 3, 3))
    qtbot.addWidget(page)
    page.resize(*PAGE_AT[screen])
    page.show()
    qtbot.waitExposed(page)
    page.show_case(load_case(book, cs.id))  # nothing synced yet
    qtbot.wait(100)
    table, header = page.timeline, page.timeline.horizontalHeader()
    whats = {row.cells[1] for row in page.timeline_model.rows}
    assert "Concern raised with Children's social care" in whats
    assert "Session: One-to-one" in whats
    assert {row.cells[3] for row in page.timeline_model.rows} - {""} == {
        "Final, waiting to sync"}
    for column, name in ((0, "When"), (1, "What"), (3, "Status")):
        assert _cut_short(table, column) == [], f"{name} cut short at {screen}"
    margin = table.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, table)
    room = header.sectionSize(0) - 2 * (margin + 1) - 1
    for row in page.timeline_model.rows:  # wrapped, a day stays whole above its time
        day = row.cells[0].split(", ")[0] + ","
        assert table.fontMetrics().horizontalAdvance(day) <= room, row.cells[0]
    width = table.viewport().width()
    assert sum(header.sectionSize(c) for c in range(4)) <= width + 1, "nothing off to the side"
    summary = header.sectionSize(2)
    assert summary >= table.fontMetrics().averageCharWidth() * 15, "the Summary still reads"
    if screen == "1366x768":
        assert summary >= width // 3 - 2, f"Summary {summary} px of {width}"
    qtbot.waitUntil(lambda: not tasks.busy, timeout=5000)
    book.close()


def test_tab_follows_the_case_page_top_to_bottom_then_left_to_right(
    busy_case: tuple[CasePage, Any],
) -> None:
    """Tab went from Correct details (bottom left) to the chart, the documents, then the top
    buttons, Consent, Amend and Close, the timeline, and Area and File last."""
    page, _data = busy_case
    page.select_record(page.timeline_model.rows[0].key)  # Amend selected is enabled

    def stops() -> list[QWidget]:
        found, widget = [], page.consent_button
        while True:
            if (widget.isVisibleTo(page) and widget.isEnabled() and widget.focusProxy() is None
                    and widget.focusPolicy() & Qt.FocusPolicy.TabFocus):  # as Qt's Tab does
                found.append(widget)
            widget = widget.nextInFocusChain()
            if widget is page.consent_button:
                return found

    def named(widgets: list[QWidget]) -> list[str]:
        return [f"{type(w).__name__}: {w.accessibleName()}" for w in widgets]

    order = stops()
    documents = [w for w in order if page.documents.isAncestorOf(w)]
    assert documents, "the documents' buttons are reached"
    about = page.splitter.widget(0)
    assert named(order) == named([
        page.consent_button, page.area_button, page.file_button,  # beside the title
        page.session_button, page.assess_button, page.concern_button,  # first row
        page.amend_button, page.close_button,  # second row
        about, page.correct_button, page.chart, *documents,  # the left-hand column
        page.timeline, page.detail,  # then the right-hand one
    ])
    assert about.accessibleName(), "the scrolling column is named for screen readers"


def test_the_risk_chart_follows_the_system_into_dark_mode_and_back(
    system_scheme: Any, chart_follows_scheme: Any
) -> None:
    """Drawn in daylight, the chart stayed a white slab with black words in the dark window
    when the system switched to dark at dusk; it is drawn again in the new colours."""
    from spokeapp.ui.views.case_page import RiskChart

    system_scheme("light")
    chart_follows_scheme(RiskChart())
