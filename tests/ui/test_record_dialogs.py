"""Group work and work with professionals, as a worker types them: a date from long ago or a
head count of thousands is refused in words, the topic stops at its limit and says so, the
training dialog's words say what is wrong, each main button names what it saves, and Tab goes
down each form as it is drawn."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget

from spokeapp.store.casebook import Casebook
from spokeapp.ui.forms import RecordDialog
from spokeapp.ui.views.record_dialogs import (
    ConsentDialog,
    GroupSessionDialog,
    ProfessionalActivityDialog,
)

TODAY = date(2026, 12, 5)


@pytest.fixture(autouse=True)
def discard_without_asking(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(RecordDialog, "ask_discard", staticmethod(lambda _parent: True))


def _shown(qtbot: Any, dialog: RecordDialog) -> Any:
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def _group(qtbot: Any, book: Casebook) -> Any:
    dialog = _shown(qtbot, GroupSessionDialog(book, today=TODAY))
    dialog.setting.setCurrentIndex(dialog.setting.findData("school"))
    return dialog


def _professional(qtbot: Any, book: Casebook) -> Any:
    dialog = _shown(qtbot, ProfessionalActivityDialog(book, today=TODAY))
    dialog.activity_type.setCurrentIndex(dialog.activity_type.findData("training"))
    return dialog


def _saved(qtbot: Any, dialog: Any, book: Casebook, kind: str) -> list[Any]:
    qtbot.waitUntil(lambda: not dialog.saving, timeout=5000)
    return [s.record for s in book.records(kind)]


def test_a_group_session_from_long_ago_or_of_thousands_is_not_finalised(
    qtbot: Any, book: Casebook
) -> None:
    """1/1/1901 with 10,000 young people was finalised as typed."""
    dialog = _group(qtbot, book)
    dialog.held_on.set_text("1/1/1901")
    qtbot.keyClicks(dialog.topic, "Staying safe online (fictional)")
    dialog.reached.setFocus()
    dialog.reached.selectAll()
    qtbot.keyClicks(dialog.reached, "10000")
    assert dialog.reached.value() == 1000, "the box takes no more than 1,000"

    assert not dialog.save()
    assert dialog.held_on.status.text() == (
        "Date is more than 2 years ago: check the year (the earliest Spoke takes is "
        "5 Dec 2024).")
    assert dialog.summary.text() == "Please fix 1 thing before saving: Date."
    assert _saved(qtbot, dialog, book, "group_session") == []

    dialog.held_on.set_text("5/12/2024")  # two years ago to the day: catching up is fine
    dialog.reached.setValue(240)
    assert dialog.save()
    (stored,) = _saved(qtbot, dialog, book, "group_session")
    assert stored.held_on == date(2024, 12, 5) and stored.young_people_reached == 240


@pytest.mark.parametrize("make", [_group, _professional])
def test_a_topic_stops_at_its_limit_and_says_so(qtbot: Any, book: Casebook, make: Any) -> None:
    """A 3,000-character topic was finalised (and widened the Group and professional work
    table)."""
    dialog = make(qtbot, book)
    count = next(label for label in dialog.findChildren(QWidget)
                 if label.accessibleName() == "Length of the topic")
    assert count.text() == "A few words, at most 200 characters."
    assert count.isVisible()
    dialog.topic.setFocus()
    qtbot.keyClicks(dialog.topic, "T" * 160)
    assert count.text() == "160 of 200 characters."
    dialog.topic.insert("x" * 3000)  # as a paste: the box takes what fits
    assert len(dialog.topic.text()) == 200
    assert count.text() == (
        "200 of 200 characters: the most a topic can have. Write the rest in the notes.")
    assert dialog.topic.accessibleDescription() == count.text()
    dialog.dirty = False


def test_the_training_dialog_says_in_words_that_someone_must_have_come(
    qtbot: Any, book: Casebook
) -> None:
    """It said "Attendees count at least one attendee."."""
    dialog = _professional(qtbot, book)
    dialog.held_on.set_text("yesterday")
    qtbot.keyClicks(dialog.topic, "Spotting exploitation (fictional)")
    assert not dialog.save()
    assert dialog.attendees_error.text() == (
        "Attendees must be at least 1: type how many came from each profession.")
    assert all(spin.maximum() == 1000 for spin in dialog.counts.values())
    dialog.dirty = False


def _words_lines(field: Any) -> int:
    words = field.words
    return round(words.heightForWidth(words.width()) / words.fontMetrics().lineSpacing())


def test_the_training_dialog_shows_the_date_in_words_whole(qtbot: Any, book: Casebook) -> None:
    """At 1366x768 and 1024x600 the words beside the date, "Thursday 4 December 2025 (last
    year)", were wrapped onto four lines beside a field one line tall: cut off above and
    below. It opens wider now, and where it is narrow the field is as tall as its words."""
    dialog = _shown(qtbot, ProfessionalActivityDialog(book, today=date(2027, 1, 5)))
    field = dialog.held_on
    field.set_text("24/12")  # read as last year's
    words = field.words
    assert words.text() == "Thursday 24 December 2026 (last year)"

    def whole() -> bool:
        return (words.height() >= words.heightForWidth(words.width())  # every line drawn
                and field.rect().contains(words.geometry()))  # none cut off by the field

    qtbot.waitUntil(whole, timeout=2000)
    assert _words_lines(field) <= 2, "room beside the date for its words as the dialog opens"
    narrow = dialog.fontMetrics().averageCharWidth() * 72  # as narrow as it used to open
    dialog.resize(narrow, dialog.height())
    qtbot.waitUntil(lambda: dialog.width() == narrow)
    qtbot.waitUntil(whole, timeout=2000)
    assert _words_lines(field) >= 3, "the words wrap onto more lines, the field grows with them"
    dialog.dirty = False


def test_each_main_button_names_what_it_saves(qtbot: Any, book: Casebook) -> None:
    """The group dialog said "Save session", the training one only "Save"."""
    group = _group(qtbot, book)
    professional = _professional(qtbot, book)
    assert group.save_button.text() == "&Save group session (Ctrl+Enter)"
    assert group.save_button.accessibleName() == "Save group session"
    assert professional.save_button.text() == "&Save work with professionals (Ctrl+Enter)"
    assert professional.save_button.accessibleName() == "Save work with professionals"


def _tab_walk(qtbot: Any, dialog: Any, start: QWidget, stop: QWidget) -> list[QWidget]:
    """The widgets Tab visits from ``start`` until ``stop`` (both included)."""
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow, timeout=2000)
    start.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is not None, timeout=2000)
    seen: list[QWidget] = [QApplication.focusWidget()]
    for _ in range(40):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        seen.append(QApplication.focusWidget())
        if seen[-1] is stop:
            break
    return seen


def test_tab_goes_down_the_training_form_as_it_is_drawn(qtbot: Any, book: Casebook) -> None:
    """From the topic Tab went to the notes at the bottom, then back up to the counts."""
    dialog = _professional(qtbot, book)
    walked = _tab_walk(qtbot, dialog, dialog.topic, dialog.notes)
    counts = list(dialog.counts.values())
    assert walked == [dialog.topic, *counts, dialog.notes]
    dialog.dirty = False


def test_tab_goes_through_the_agencies_before_the_review_day(
    qtbot: Any, book: Casebook
) -> None:
    dialog = _shown(qtbot, ConsentDialog(book, book.caseload()[0].case_id, today=TODAY))
    walked = _tab_walk(qtbot, dialog, dialog.explained, dialog.review)
    assert walked == [dialog.explained, *dialog.shares.values(), dialog.review]
    dialog.dirty = False
