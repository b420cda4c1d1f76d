"""Closing a case, as the worker reads it: each step headed the same way, and the last step
saying what happens next (the supervisor signs the closure off) instead of "it is final"."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QWizard

from spokeapp.domain.records import Case
from spokeapp.resources import load_risk_tool
from spokeapp.store.casebook import Casebook
from spokeapp.ui.views.closure_wizard import ClosureWizard

from .conftest import PASSPHRASE, seed_casebook


@pytest.fixture
def book(tmp_path: Path) -> Iterator[Casebook]:
    seed_casebook(tmp_path / "profile")
    book = Casebook.open(tmp_path / "profile", PASSPHRASE)
    yield book
    book.close()


def _wizard(qtbot: Any, book: Casebook) -> ClosureWizard:
    case = book.get(book.caseload()[0].case_id).record
    assert isinstance(case, Case)
    wizard = ClosureWizard(book, load_risk_tool(), case, book.records(case_id=case.id),
                           today=date(2025, 3, 14), start_assessment=lambda _done: None)
    qtbot.addWidget(wizard)
    return wizard


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
