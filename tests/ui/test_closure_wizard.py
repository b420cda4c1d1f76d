"""Closing a case, as the worker reads it: each step headed the same way, the last step
saying what happens next (the supervisor signs the closure off) instead of "it is final", a
day closed before the case opened refused on the first step, a refusal leaving nothing stored
(and a second try working), and nothing typed thrown away without asking."""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWizard

from spokeapp.domain.records import Case, CaseStatus, Closure
from spokeapp.resources import load_risk_tool
from spokeapp.store.casebook import Casebook
from spokeapp.ui.views.closure_wizard import ClosureWizard

TODAY = date(2025, 3, 14)  # the seeded cases were opened on 6 January 2025


@pytest.fixture(autouse=True)
def discard_without_asking(monkeypatch: pytest.MonkeyPatch) -> None:
    """A wizard left with typed words (a test that failed half-way) closes without the modal
    question; the tests of that question put their own answer in."""
    monkeypatch.setattr(ClosureWizard, "ask_discard", staticmethod(lambda _parent: True),
                        raising=False)


def _wizard(qtbot: Any, book: Casebook) -> ClosureWizard:
    case = book.get(book.caseload()[0].case_id).record
    assert isinstance(case, Case)
    wizard = ClosureWizard(book, load_risk_tool(), case, book.records(case_id=case.id),
                           today=TODAY, start_assessment=lambda _done: None)
    qtbot.addWidget(wizard)
    return wizard


def _shown(qtbot: Any, book: Casebook) -> ClosureWizard:
    wizard = _wizard(qtbot, book)
    wizard.show()
    qtbot.waitExposed(wizard)
    return wizard


def _first_step(wizard: ClosureWizard, closed_on: str) -> None:
    page = wizard.reason_page
    page.reason.setCurrentIndex(page.reason.findData("outcomes_met"))
    page.closed_on.set_text(closed_on)


def _no_assessment_step(qtbot: Any, wizard: ClosureWizard) -> None:
    page = wizard.assessment_page
    page.no_assessment.setChecked(True)
    qtbot.keyClicks(page.why_none, "They moved away before it could be done (fictional).")


def _closures(book: Casebook) -> list[Closure]:
    return [s.record for s in book.records("closure") if isinstance(s.record, Closure)]


def _case(book: Casebook, case_id: str) -> Case:
    case = book.get(case_id).record
    assert isinstance(case, Case)
    return case


def test_the_last_step_says_the_supervisor_signs_off_the_closure_not_that_it_is_final(
    qtbot: Any, book: Casebook
) -> None:
    """The worker's guide and the supervisor's Review page: a closure is final only once a
    supervisor signs it off, and one they return reopens the case. The wizard said "Once
    closed, it is final", so a worker would not know the closure still goes to their
    supervisor, nor that it can come back to them."""
    wizard = _wizard(qtbot, book)
    words = wizard.outcome_page.subTitle()
    assert "final" not in words
    assert "supervisor to sign off" in words
    assert "if they return it, the case opens again for you" in words


def test_every_step_has_a_line_under_its_title(qtbot: Any, book: Casebook) -> None:
    """Without one, the first step's title was drawn large and the next two small: three
    steps of one form that did not look like one form."""
    wizard = _wizard(qtbot, book)
    assert wizard.wizardStyle() is QWizard.WizardStyle.ClassicStyle
    for page in (wizard.reason_page, wizard.assessment_page, wizard.outcome_page):
        assert page.title() and page.subTitle(), page.title()


def test_a_day_closed_before_the_case_opened_is_refused_on_the_first_step(
    qtbot: Any, book: Casebook
) -> None:
    """The audit's worst fault: "1/1/2000" was taken on the first step, and finishing stored a
    final closure dated 2000 on a case that stayed open. Now the first step says why, in
    words, beside the field, and goes no further."""
    wizard = _shown(qtbot, book)
    _first_step(wizard, "1/1/2000")
    wizard.next()
    assert wizard.currentPage() is wizard.reason_page
    assert wizard.reason_page.closed_on.status.text() == (
        "Date closed is before this case was opened on 6 Jan 2025.")
    assert wizard.reason_page.summary.text() == "Please fix 1 thing before going on: Date closed."

    wizard.reason_page.closed_on.set_text("20/3/2025")  # after today
    wizard.next()
    assert wizard.currentPage() is wizard.reason_page
    assert wizard.reason_page.closed_on.status.text() == (
        "Date closed is in the future: it can only be today or earlier.")

    wizard.reason_page.closed_on.set_text("7/1/2025")
    wizard.next()
    assert wizard.currentPage() is wizard.assessment_page
    assert _closures(book) == []
    wizard.dirty = False


def test_the_first_step_lists_every_problem_at_once(qtbot: Any, book: Casebook) -> None:
    """It showed one problem at a time (the reason; then, once chosen, the day), where every
    other form lists them all."""
    wizard = _shown(qtbot, book)
    page = wizard.reason_page
    page.reason.setCurrentIndex(page.reason.findData("other"))  # needs "More about it"
    page.closed_on.set_text("1/1/2000")
    wizard.next()
    assert wizard.currentPage() is page
    assert page.form.errors["reason_detail"].text() == (
        "More about the reason is required when the reason is 'Another reason'.")
    assert page.closed_on.status.text() == (
        "Date closed is before this case was opened on 6 Jan 2025.")
    assert page.summary.text() == (
        "Please fix 2 things before going on: More about the reason, Date closed.")

    page.reason.setCurrentIndex(0)  # and nothing chosen: three things, in the page's order
    wizard.next()
    assert page.summary.text() == (
        "Please fix 2 things before going on: Reason for closing, Date closed.")
    assert page.form.errors["reason"].text() == "Reason for closing must be chosen."
    wizard.dirty = False


def test_a_closure_refused_when_stored_leaves_nothing_and_a_second_try_closes_the_case(
    qtbot: Any, book: Casebook
) -> None:
    """The closure was stored final, then the case was refused: a final closure on an open
    case, and every later try refused as "finalised". Here the case's opening day was moved
    on (a sync brought the hub's correction) after the wizard was opened, so the day typed
    passes the first step and is refused only as both are stored."""
    wizard = _shown(qtbot, book)
    case_id = wizard.case.id
    book.save(dataclasses.replace(_case(book, case_id), opened_on=date(2025, 3, 1)))
    _first_step(wizard, "10/2/2025")
    wizard.next()
    _no_assessment_step(qtbot, wizard)
    wizard.next()
    assert wizard.currentPage() is wizard.outcome_page
    wizard.button(QWizard.WizardButton.FinishButton).click()
    qtbot.waitUntil(lambda: not wizard.saving, timeout=5000)

    assert wizard.isVisible()
    assert wizard.outcome_page.message.text() == (
        "The case could not be closed: Date closed cannot be before the case was opened.")
    assert _closures(book) == [], "nothing stored: no closure on a case still open"
    assert _case(book, case_id).status is CaseStatus.OPEN

    wizard.back()
    wizard.back()
    wizard.reason_page.closed_on.set_text("10/3/2025")
    wizard.next()
    wizard.next()
    wizard.button(QWizard.WizardButton.FinishButton).click()
    qtbot.waitUntil(lambda: not wizard.isVisible(), timeout=5000)

    closures = _closures(book)
    assert [c.closed_on for c in closures] == [date(2025, 3, 10)]
    assert book.get(closures[0].id).state == "final"
    case = _case(book, case_id)
    assert case.status is CaseStatus.CLOSED and case.closed_on == date(2025, 3, 10)


@pytest.mark.parametrize("how", ["escape", "cancel", "close"])
def test_typed_words_are_not_thrown_away_without_asking(
    qtbot: Any, book: Casebook, monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    """Esc or Cancel threw "More about it" away at once; other forms ask first."""
    asked: list[bool] = []
    answer = [False]

    def ask(_parent: Any) -> bool:
        asked.append(True)
        return answer[0]

    monkeypatch.setattr(ClosureWizard, "ask_discard", staticmethod(ask), raising=False)
    wizard = _shown(qtbot, book)
    qtbot.keyClicks(wizard.reason_page.detail, "Moved to live with an aunt (fictional).")

    def leave() -> None:
        if how == "escape":
            qtbot.keyClick(wizard, Qt.Key.Key_Escape)
        elif how == "cancel":
            wizard.button(QWizard.WizardButton.CancelButton).click()
        else:
            wizard.close()

    leave()
    assert asked == [True]
    assert wizard.isVisible(), "kept: the worker said not to discard"
    assert wizard.reason_page.detail.toPlainText() == "Moved to live with an aunt (fictional)."

    answer[0] = True
    leave()
    assert asked == [True, True]
    assert not wizard.isVisible()


def test_the_second_step_s_words_are_not_thrown_away_without_asking(
    qtbot: Any, book: Casebook, monkeypatch: pytest.MonkeyPatch
) -> None:
    """"Why not" and the choice of assessment were not watched at all."""
    asked: list[bool] = []
    monkeypatch.setattr(ClosureWizard, "ask_discard",
                        staticmethod(lambda _parent: asked.append(True) or False), raising=False)
    wizard = _shown(qtbot, book)
    _first_step(wizard, "7/1/2025")
    wizard.dirty = False  # only what the second step holds counts below
    wizard.next()
    qtbot.keyClicks(wizard.assessment_page.why_none, "Not seen since January.")
    wizard.reject()
    assert asked == [True] and wizard.isVisible()
    wizard.dirty = False
