"""Typing a date just works: day first, words beside the field, Tab to the next field, and
text that is not a date is an error on the field, never quietly replaced."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QApplication,
    QLineEdit,
    QStyle,
    QStyleOptionFrame,
    QVBoxLayout,
    QWidget,
)

from spokeapp.present.dates import case_opened
from spokeapp.ui.date_field import DateField
from spokeapp.ui.forms import capture_fields, date_edit, day_of, restore_fields

NOW = datetime(2026, 12, 5, 18, 0)  # a Saturday


def _field(qtbot: Any, **options: Any) -> tuple[QWidget, DateField, QLineEdit]:
    window = QWidget()
    qtbot.addWidget(window)
    field = DateField(clock=lambda: NOW, **options)
    field.set_name("Date raised")
    after = QLineEdit()
    after.setAccessibleName("Next field")
    layout = QVBoxLayout(window)
    layout.addWidget(field)
    layout.addWidget(after)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=2000)
    field.setFocus()
    return window, field, after


def test_a_typed_date_is_read_day_first_and_said_back_in_words(qtbot: Any) -> None:
    _window, field, _after = _field(qtbot)
    qtbot.keyClicks(field.line, "4/12")
    assert field.value() == date(2026, 12, 4)
    assert field.words.text() == "Friday 4 December 2026"
    assert field.words.isVisible() and not field.status.isVisible()
    assert field.line.accessibleDescription() == "Friday 4 December 2026"

    field.line.clear()
    qtbot.keyClicks(field.line, "4 Dec")
    assert field.value() == date(2026, 12, 4)
    field.line.clear()
    qtbot.keyClicks(field.line, "yesterday")
    assert field.words.text() == "Friday 4 December 2026"


def test_tab_moves_to_the_next_field_not_between_date_parts(qtbot: Any) -> None:
    _window, field, after = _field(qtbot)
    qtbot.keyClicks(field.line, "04/12/2026")
    qtbot.keyClick(field.line, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is after
    assert field.text() == "04/12/2026", "what was typed stays as typed"
    assert field.value() == date(2026, 12, 4)


def test_text_that_is_not_a_date_is_an_error_on_the_field_never_replaced(qtbot: Any) -> None:
    _window, field, after = _field(qtbot)
    qtbot.keyClicks(field.line, "4 D")
    assert not field.status.isVisible(), "half-typed text is not called wrong"
    qtbot.keyClicks(field.line, "ecc")
    qtbot.keyClick(field.line, Qt.Key.Key_Tab)  # leaving the field says what is wrong
    assert QApplication.focusWidget() is after
    assert field.text() == "4 Decc"
    assert field.value() is None
    assert field.status.text().startswith("Date raised is not a date Spoke can read")
    assert "4/12/2026" in field.status.text()

    field.setFocus()
    qtbot.keyClick(field.line, Qt.Key.Key_Backspace)
    assert field.value() == date(2026, 12, 4)
    assert field.words.text() == "Friday 4 December 2026"
    assert not field.status.isVisible(), "fixed: the error goes at once"


def test_a_date_and_time_field_takes_yesterday_and_a_time(qtbot: Any) -> None:
    _window, field, _after = _field(qtbot, with_time=True, past_only=True)
    qtbot.keyClicks(field.line, "yesterday 16:30")
    assert field.value() == datetime(2026, 12, 4, 16, 30)
    assert field.words.text() == "Friday 4 December 2026 at 16:30"
    field.line.clear()
    qtbot.keyClicks(field.line, "16:30")
    assert field.moment() == datetime(2026, 12, 5, 16, 30)
    field.line.clear()
    qtbot.keyClicks(field.line, "20:00")
    field.tell()
    assert field.value() is None
    assert "in the future" in field.status.text()


def test_a_past_only_field_refuses_a_day_soon_to_come_and_says_how_to_mean_last_year(
    qtbot: Any,
) -> None:
    """"24/12" typed on 5 December was read as 24 December a year ago, silently."""
    _window, field, after = _field(qtbot, past_only=True)
    qtbot.keyClicks(field.line, "24/12")
    qtbot.keyClick(field.line, Qt.Key.Key_Tab)
    assert field.value() is None
    assert field.status.text() == (
        "Date raised is in the future: it can only be today or earlier. For 24 December last "
        "year, type 24/12/2025.")
    assert QApplication.focusWidget() is after


def test_a_day_read_as_last_year_says_so_beside_the_field(qtbot: Any) -> None:
    window = QWidget()
    qtbot.addWidget(window)
    field = DateField(clock=lambda: datetime(2027, 1, 5, 9, 0), past_only=True, parent=window)
    field.set_text("24/12")
    assert field.value() == date(2026, 12, 24)
    assert field.words.text() == "Thursday 24 December 2026 (last year)"


def test_a_date_and_time_field_in_the_future_says_so_not_that_it_cannot_be_read(
    qtbot: Any,
) -> None:
    _window, field, _after = _field(qtbot, with_time=True, past_only=True)
    qtbot.keyClicks(field.line, "6/12/2026 10:00")
    field.tell()
    assert field.status.text() == "Date raised is in the future: it can only be now or earlier."


def test_a_field_with_an_earliest_day_refuses_one_before_it(qtbot: Any) -> None:
    _window, field, _after = _field(qtbot, with_time=True, past_only=True)
    qtbot.keyClicks(field.line, "1/1/1990 10:00")
    assert field.value() == datetime(1990, 1, 1, 10, 0)
    field.set_earliest(case_opened(date(2026, 9, 23)))  # the case is chosen
    field.tell()
    assert field.value() is None
    assert field.problem() == "is before this case was opened on 23 Sep 2026"
    assert field.status.text() == (
        "Date raised is before this case was opened on 23 Sep 2026.")
    field.set_earliest(None)
    assert field.value() == datetime(1990, 1, 1, 10, 0)


def test_nothing_typed_is_no_date_and_the_form_is_told_it_is_needed(qtbot: Any) -> None:
    edit = date_edit(None, today=date(2026, 12, 5))
    qtbot.addWidget(edit)
    assert edit.text() == "" and edit.value() is None
    assert edit.problem() == "is needed: type a date"
    assert not edit.status.isVisible()
    optional = date_edit(None, today=date(2026, 12, 5), required=False)
    qtbot.addWidget(optional)
    assert optional.problem() is None


def test_a_draft_keeps_what_was_typed_even_when_it_is_not_a_date_yet(qtbot: Any) -> None:
    first = date_edit(date(2026, 12, 5))
    qtbot.addWidget(first)
    assert first.text() == "5/12/2026" and day_of(first) == date(2026, 12, 5)
    first.set_text("4 Decc")
    kept = capture_fields({"raised_on": first})
    assert kept == {"raised_on": "4 Decc"}

    again = date_edit(date(2026, 12, 5))
    qtbot.addWidget(again)
    restore_fields({"raised_on": again}, kept)
    assert again.text() == "4 Decc" and again.value() is None
    restore_fields({"raised_on": again}, {"raised_on": "2026-11-30"})  # an older draft
    assert again.value() == date(2026, 11, 30)


def test_a_form_s_spare_height_leaves_no_gap_under_a_date_but_its_problem_has_room(
    qtbot: Any
) -> None:
    window, field, after = _field(qtbot)
    window.resize(window.width(), 400)  # taller than its fields need, as dialogs often are
    qtbot.waitUntil(lambda: window.height() == 400)
    assert field.height() == field.line.height(), "the spare height went under the date"
    qtbot.keyClicks(field.line, "4 Decc")
    qtbot.keyClick(field.line, Qt.Key.Key_Tab)
    qtbot.waitUntil(field.status.isVisible)
    assert field.status.geometry().bottom() < field.height(), "its problem is cut off"
    assert after.geometry().top() >= field.geometry().bottom()


def _room_for_text(line: QLineEdit) -> int:
    """The width a line edit draws its text (or its example) in: the style's contents rect
    less the line edit's own two-pixel margin each side."""
    option = QStyleOptionFrame()
    line.initStyleOption(option)
    contents = line.style().subElementRect(QStyle.SubElement.SE_LineEditContents, option, line)
    return contents.width() - 4


def test_an_empty_date_shows_its_whole_example_of_what_to_type(qtbot: Any) -> None:
    for with_time in (False, True):
        _window, field, _after = _field(qtbot, with_time=with_time)
        line = field.line
        example = line.placeholderText()
        assert example in ("e.g. 4/12/2026 or yesterday", "e.g. yesterday 16:30")
        assert line.fontMetrics().horizontalAdvance(example) <= _room_for_text(line), (
            f"the example is cut short: {example!r}")
