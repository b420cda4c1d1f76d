"""What every record form shares: a field's problem goes as soon as the field is edited, the
summary counts what is left, and it lists the fields in the order they are on the form."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from PySide6.QtWidgets import QLineEdit, QWidget

from spokeapp.domain.errors import Problem, ValidationError
from spokeapp.present.contrast import DARK, LIGHT, TEXT_MIN, contrast_ratio
from spokeapp.store.casebook import Casebook
from spokeapp.ui.forms import FieldForm, date_edit, text_box
from spokeapp.ui.views.record_dialogs import ConcernDialog
from spokeapp.ui.widgets import Message

TODAY = date(2026, 12, 5)


@pytest.fixture(autouse=True)
def discard_without_asking(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ConcernDialog, "ask_discard", staticmethod(lambda _parent: True))


def _concern(qtbot: Any, book: Casebook) -> ConcernDialog:
    dialog = ConcernDialog(book, book.caseload()[0].case_id, today=TODAY)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.raised_to.setCurrentIndex(dialog.raised_to.findData("police"))
    return dialog


def test_a_fixed_field_loses_its_error_and_the_summary_counts_what_is_left(
    qtbot: Any, book: Casebook
) -> None:
    dialog = _concern(qtbot, book)
    dialog.raised_on.set_text("")  # cleared: the record needs a date
    dialog.save()
    assert dialog.summary.text() == (
        "Please fix 2 things before saving: Date raised, What the concern is."
    )
    assert dialog.raised_on.status.text() == "Date raised is needed: type a date."
    summary_error = dialog.form.errors["summary"]
    assert summary_error.text() == "What the concern is is required."
    assert book.records("safeguarding_concern") == []

    qtbot.keyClicks(dialog.raised_on.line, "yesterday")
    assert dialog.raised_on.words.text() == "Friday 4 December 2026"
    assert not dialog.raised_on.status.isVisible(), "the error went at once"
    assert dialog.summary.text() == "Please fix 1 thing before saving: What the concern is."

    qtbot.keyClicks(dialog.summary_text, "Fictional: seen with an older adult near the station.")
    assert not summary_error.isVisible()
    assert not dialog.summary.isVisible(), "nothing left to fix: no summary"

    assert dialog.save()
    qtbot.waitUntil(lambda: len(book.records("safeguarding_concern")) == 1, timeout=5000)
    assert book.records("safeguarding_concern")[0].record.raised_on == date(2026, 12, 4)


def test_text_that_is_not_a_date_is_refused_never_saved_as_another_date(
    qtbot: Any, book: Casebook
) -> None:
    dialog = _concern(qtbot, book)
    dialog.raised_on.set_text("last Tuesday-ish")
    qtbot.keyClicks(dialog.summary_text, "Fictional concern.")
    assert not dialog.save()
    assert dialog.raised_on.text() == "last Tuesday-ish", "what was typed is kept as typed"
    assert "Date raised is not a date Spoke can read" in dialog.raised_on.status.text()
    assert dialog.summary.text() == "Please fix 1 thing before saving: Date raised."
    assert dialog.raised_on.line.hasFocus() or not dialog.isActiveWindow()
    assert book.records("safeguarding_concern") == []


def test_the_summary_lists_fields_in_the_order_of_the_form(qtbot: Any) -> None:
    owner = QWidget()
    qtbot.addWidget(owner)
    form = FieldForm(owner, {"first": "First", "second": "Second", "third": "Third"})
    form.add("first", "&First", QLineEdit())
    form.add("second", "&Second", text_box())
    form.add("third", "&Third", date_edit(None, today=TODAY))
    summary = Message(owner)
    problems = [
        Problem("third", "is needed: type a date"),
        Problem("elsewhere", "must match the case"),
        Problem("first", "is required"),
        Problem("second", "is required"),
    ]
    form.show_problems(ValidationError(problems), summary, "saving")
    assert summary.text() == (
        "Please fix 4 things before saving: First, Second, Third. Elsewhere must match the case."
    )
    first = form.inputs["first"]
    assert isinstance(first, QLineEdit)
    qtbot.keyClicks(first, "x")
    assert summary.text() == (
        "Please fix 3 things before saving: Second, Third. Elsewhere must match the case."
    )
    assert not form.errors["first"].isVisible()


@pytest.mark.parametrize("kind", ["concern", "consent", "group", "professionals"])
def test_no_form_fills_in_the_day_it_happened(qtbot: Any, book: Casebook, kind: str) -> None:
    """The day is a fact the worker gives (issue 17): empty, with how to type it shown, and
    refused with a message until it is typed."""
    from spokeapp.ui.views.record_dialogs import (
        ConsentDialog,
        GroupSessionDialog,
        ProfessionalActivityDialog,
    )

    case_id = book.caseload()[0].case_id
    dialog: Any = {
        "concern": lambda: ConcernDialog(book, case_id, today=TODAY),
        "consent": lambda: ConsentDialog(book, case_id, today=TODAY),
        "group": lambda: GroupSessionDialog(book, today=TODAY),
        "professionals": lambda: ProfessionalActivityDialog(book, today=TODAY),
    }[kind]()
    qtbot.addWidget(dialog)
    dialog.show()
    field = {"concern": "raised_on", "consent": "given_on"}.get(kind, "held_on")
    date_field = dialog.form.inputs[field]
    assert date_field.text() == ""
    assert date_field.line.placeholderText() == "e.g. 4/12/2026 or yesterday"

    assert not dialog.save()
    label = dialog.form.labels[field]
    assert date_field.status.text() == f"{label} is needed: type a date."
    assert dialog.summary.text().startswith("Please fix ")
    assert dialog.summary.text().split(": ", 1)[1].startswith(label), "the first field first"

    qtbot.keyClicks(date_field.line, "yesterday")
    assert date_field.status.text() == ""
    assert label not in dialog.summary.text().split(": ", 1)[-1].split(", ")
    dialog.dirty = False


@pytest.mark.parametrize("kind", ["concern", "group"])
def test_a_hint_sits_right_under_its_field_however_tall_the_dialog(
    qtbot: Any, book: Casebook, kind: str
) -> None:
    """A dialog taller than its fields need gave the spare height to the hints, which drew
    their words in the middle of it: a gap away from the field they are about."""
    from PySide6.QtCore import QSize
    from PySide6.QtWidgets import QLabel, QStyle

    from spokeapp.ui.views.record_dialogs import GroupSessionDialog

    case_id = book.caseload()[0].case_id
    dialog: Any = {
        "concern": lambda: ConcernDialog(book, case_id, today=TODAY),
        "group": lambda: GroupSessionDialog(book, today=TODAY),
    }[kind]()
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.resize(dialog.width(), dialog.height() + 200)
    qtbot.wait(50)
    field = {"concern": "their_reference", "group": "young_people_reached"}[kind]
    widget = dialog.form.inputs[field]
    hint = widget.toolTip()
    note = next(label for label in widget.parentWidget().findChildren(QLabel)
                if label.text() == hint)
    words = QStyle.alignedRect(
        note.layoutDirection(), note.alignment(),
        QSize(note.width(), note.heightForWidth(note.width())), note.contentsRect())
    gap = note.mapTo(dialog, words.topLeft()).y() - widget.mapTo(
        dialog, widget.rect().bottomLeft()).y()
    assert gap <= note.fontMetrics().lineSpacing() // 2, f"{gap} px between field and hint"
    dialog.dirty = False


@pytest.mark.parametrize("palette", [LIGHT, DARK], ids=lambda p: p.name)
def test_a_hint_under_a_field_is_muted_but_readable(qtbot: Any, palette: Any) -> None:
    """Hints were drawn as disabled text: #bebebe on #ececec, 1.6:1, the safety hint on
    Visits ("Never a young person's name...") among them. Now muted, but 4.5:1 (WCAG AA)
    against the window in light and dark alike; and not "unavailable" to a screen reader."""
    from PySide6.QtGui import QColor, QPalette
    from PySide6.QtWidgets import QLabel

    def coloured(window: str, text: str) -> QPalette:
        colours = QPalette()
        for role, colour in ((QPalette.ColorRole.Window, window),
                             (QPalette.ColorRole.WindowText, text)):
            for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive,
                          QPalette.ColorGroup.Disabled):
                colours.setColor(group, role, QColor(colour))
        colours.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.WindowText,
                         QColor("#bebebe" if palette is LIGHT else "#6e6e6e"))
        return colours

    owner = QWidget()
    qtbot.addWidget(owner)
    text = "#000000" if palette is LIGHT else "#ffffff"
    owner.setPalette(coloured(palette.window, text))
    form = FieldForm(owner, {"location": "Where"})
    hint = "Never a young person's name: your buddy and the on-call manager read this."
    form.add("location", "&Where", QLineEdit(), hint=hint)
    owner.show()
    note = next(label for label in owner.findChildren(QLabel) if label.text() == hint)

    def drawn(label: QLabel) -> str:
        group = (QPalette.ColorGroup.Active if label.isEnabled()
                 else QPalette.ColorGroup.Disabled)
        return label.palette().color(group, QPalette.ColorRole.WindowText).name()

    assert note.isEnabled(), "a disabled label is read out as unavailable"
    ratio = contrast_ratio(drawn(note), palette.window)
    assert ratio >= TEXT_MIN, f"{drawn(note)} on {palette.window}: {ratio:.2f}:1"
    assert ratio < contrast_ratio(text, palette.window), "still quieter than the field's words"

    # Switched to the other palette while it shows (dark mode turned on): still readable.
    other = DARK if palette is LIGHT else LIGHT
    owner.setPalette(coloured(other.window, "#ffffff" if other is DARK else "#000000"))
    qtbot.wait(10)
    assert contrast_ratio(drawn(note), other.window) >= TEXT_MIN
