"""The risk form (issue 17): unanswered is not low. An empty form shows no level and no band
colour, finalising names the questions still unanswered, and the level appears once every
question has an answer."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtGui import QPalette

from spokeapp.domain.records import RiskAssessment
from spokeapp.ui.views.risk_form import RiskAssessmentDialog

from .conftest import closed, unlock, wait_closed
from .test_case_work import open_first_case


@pytest.fixture
def opened(qtbot: Any, make_shell: Any, seeded: str) -> Iterator[tuple[Any, RiskAssessmentDialog]]:
    """The risk form for the first case, opened from the case page."""
    shell = make_shell()
    unlock(qtbot, shell)
    main = shell.main_window
    open_first_case(qtbot, main)
    main.case_page.assess_button.click()
    dialog = main.dialog
    assert isinstance(dialog, RiskAssessmentDialog)
    assert dialog.assessed_on.text() == "", "the day of the assessment is never assumed"
    dialog.assessed_on.set_text("today")
    yield shell, dialog
    if not closed(dialog):  # nothing of these tests is worth keeping as a draft
        dialog.dirty = False
        dialog.reject()
    # The case page's background loads finish before the casebook is locked.
    main.tasks.wait()
    qtbot.waitUntil(lambda: not main.tasks.busy, timeout=5000)


def swatch_colour(dialog: RiskAssessmentDialog) -> str:
    image = dialog.result_swatch.pixmap().toImage()
    return image.pixelColor(image.width() // 2, image.height() // 2).name()


def questions(dialog: RiskAssessmentDialog) -> list[tuple[str, str]]:
    return [(i.id, i.text) for i in dialog.tool.indicators()]


def test_an_empty_form_shows_no_level_and_a_neutral_colour(
    qtbot: Any, opened: tuple[Any, RiskAssessmentDialog]
) -> None:
    _shell, dialog = opened
    count = len(questions(dialog))
    shown = dialog.result.text()
    assert shown == f"Not scored yet: {count} questions unanswered"
    assert not any(band.label in shown for band in dialog.tool.bands), "no level at all"
    neutral = dialog.palette().color(QPalette.ColorRole.Mid).name()
    assert swatch_colour(dialog) == neutral
    assert swatch_colour(dialog) not in {band.colour for band in dialog.tool.bands}
    assert dialog.result.accessibleDescription() == shown  # read out the same way

    dialog.set_answer(questions(dialog)[0][0], 0)
    assert dialog.result.text() == f"Not scored yet: {count - 1} questions unanswered"


def test_finalising_an_empty_form_names_the_unanswered_questions(
    qtbot: Any, opened: tuple[Any, RiskAssessmentDialog]
) -> None:
    shell, dialog = opened
    asked = questions(dialog)
    dialog.finalise_button.click()

    summary = dialog.summary.text()
    assert summary.startswith("Answer these questions before finalising: ")
    assert f"\u201c{asked[0][1]}\u201d" in summary and f"and {len(asked) - 3} more" in summary
    assert "fix 1 thing" not in summary and "Answers" not in summary
    listed = dialog.form.errors["answers"].text()
    assert listed.startswith(f"{len(asked)} questions still need an answer:")
    for domain in dialog.tool.domains:
        assert f"{domain.title}: " in listed
    first_no = dialog.groups[asked[0][0]].button(0)
    assert first_no.hasFocus(), "the first unanswered question is ready to answer"
    assert dialog.isVisible() and shell.book.records("risk_assessment") == []


def test_the_last_unanswered_question_is_named_then_the_level_shows(
    qtbot: Any, opened: tuple[Any, RiskAssessmentDialog]
) -> None:
    shell, dialog = opened
    asked = questions(dialog)
    dialog.answer_all(0)
    left_id, left_text = asked[5]
    dialog.groups[left_id].setExclusive(False)  # un-answer one question, as a fresh form has
    dialog.groups[left_id].checkedButton().setChecked(False)
    dialog.groups[left_id].setExclusive(True)
    dialog._update_score()
    assert dialog.result.text() == "Not scored yet: 1 question unanswered"

    dialog.finalise_button.click()
    assert dialog.summary.text() == (
        f"Answer these questions before finalising: \u201c{left_text}\u201d."
    )
    assert dialog.form.errors["answers"].text().startswith("1 question still needs an answer:")
    assert left_text in dialog.form.errors["answers"].text()
    assert dialog.groups[left_id].button(0).hasFocus()

    dialog.set_answer(left_id, 1)
    low = dialog.tool.bands[0]
    assert dialog.result.text().endswith(f": {low.label} risk")
    assert swatch_colour(dialog) == low.colour
    assert not dialog.form.errors["answers"].isVisible(), "the fixed problem goes away"
    dialog.finalise_button.click()
    wait_closed(qtbot, dialog)
    stored = shell.book.records("risk_assessment")[0].record
    assert isinstance(stored, RiskAssessment) and dict(stored.answers)[left_id] == 1


def test_unanswered_questions_and_a_missing_reason_are_both_said(
    qtbot: Any, opened: tuple[Any, RiskAssessmentDialog]
) -> None:
    _shell, dialog = opened
    dialog.set_answer(questions(dialog)[0][0], 2)
    dialog.override.setChecked(True)
    dialog.override_level.setCurrentIndex(dialog.override_level.findData("high"))
    dialog.finalise_button.click()
    summary = dialog.summary.text()
    assert summary.startswith("Answer these questions before finalising: ")
    assert "Reasons for your judgement" in summary
    assert "explain why" in dialog.form.errors["override_reasons"].text()


def test_the_day_of_the_assessment_starts_empty_and_is_refused_until_typed(
    qtbot: Any, opened: tuple[Any, RiskAssessmentDialog]
) -> None:
    shell, dialog = opened
    dialog.assessed_on.set_text("")
    assert dialog.review_due.text() == "Worked out once the date of assessment is typed"
    dialog.answer_all(0)
    dialog.finalise_button.click()
    assert dialog.assessed_on.status.text() == "Date of assessment is needed: type a date."
    assert dialog.summary.text() == (
        "Please fix 1 thing before finalising: Date of assessment.")
    assert not dialog.save_draft(), "a draft holds the day it was done, never a stand-in"
    assert shell.book.records("risk_assessment") == []

    qtbot.keyClicks(dialog.assessed_on.line, "2/3/2025")
    assert dialog.assessed_on.status.text() == "" and dialog.summary.text() == ""
    assert dialog.review_due.text() != "Worked out once the date of assessment is typed"
    dialog.finalise_button.click()
    wait_closed(qtbot, dialog)
    [stored] = shell.book.records("risk_assessment")
    assert str(stored.record.assessed_on) == "2025-03-02"


def test_the_anything_else_question_says_where_to_write_it_down(
    qtbot: Any, opened: tuple[Any, RiskAssessmentDialog]
) -> None:
    """"Something else worries you... (say what in your notes)": the risk form has no notes.
    It names a field the worker can find: Concerns, on a session note."""
    from PySide6.QtWidgets import QLabel

    shell, dialog = opened
    asked = [label.text() for label in dialog.findChildren(QLabel)
             if label.text().startswith("Something else worries you")]
    assert len(asked) == 1
    assert "your notes" not in asked[0]
    assert "(write what it is under Concerns in a session note)" in asked[0]
    form = shell.main_window.session_form
    assert form.form.labels["concerns"] == "Concerns" and "concerns" in form.form.inputs


def test_unticking_my_judgement_takes_its_problems_out_of_the_summary(
    qtbot: Any, opened: tuple[Any, RiskAssessmentDialog]
) -> None:
    """Ticked, finalised, then unticked: the red summary still said "Please fix 2 things
    before finalising: Level in your judgement, Reasons for your judgement"."""
    _shell, dialog = opened
    asked = questions(dialog)
    dialog.answer_all(0)
    dialog.override.setChecked(True)
    dialog.finalise_button.click()
    assert dialog.summary.text() == (
        "Please fix 2 things before finalising: Level in your judgement, Reasons for your "
        "judgement.")
    dialog.override.setChecked(False)
    assert dialog.summary.text() == "" and not dialog.summary.isVisible()
    assert dialog.form.errors["override_reasons"].text() == ""

    # With questions left unanswered too: they stay named, the judgement goes.
    dialog.groups[asked[0][0]].setExclusive(False)
    dialog.groups[asked[0][0]].checkedButton().setChecked(False)
    dialog.groups[asked[0][0]].setExclusive(True)
    dialog.override.setChecked(True)
    dialog.finalise_button.click()
    assert "Reasons for your judgement" in dialog.summary.text()
    dialog.override.setChecked(False)
    assert dialog.summary.text() == (
        f"Answer these questions before finalising: \u201c{asked[0][1]}\u201d.")
    # and answering it leaves nothing to fix
    dialog.set_answer(asked[0][0], 0)
    assert dialog.summary.text() == "" and not dialog.summary.isVisible()
