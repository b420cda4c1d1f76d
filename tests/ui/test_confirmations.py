"""Steps that cannot be undone pause first, once, in plain words: finalising any record (with
"Don't ask again", kept in the casebook) and "Home safe" at the end of the day (always)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QCheckBox, QMessageBox, QWidget

from spokeapp.domain.records import CheckInKind
from spokeapp.store.casebook import Casebook
from spokeapp.ui import forms
from spokeapp.ui.forms import ASK_FINALISE_SETTING, FinaliseAnswer, ask_finalise
from spokeapp.ui.views.record_dialogs import ConcernDialog
from spokeapp.ui.views.visits import VisitsPage, confirm_home_safe
from tests.helpers.hub import ManualClock
from tests.ui.test_visits import _page, _start, _stored, book, clock  # noqa: F401

from .conftest import unlock


class Asked:
    """Answers the finalise question as a worker would, and notes each time it was asked."""

    def __init__(self, *answers: FinaliseAnswer) -> None:
        self.answers = list(answers)
        self.asked: list[str] = []

    def __call__(self, _parent: QWidget, what: str) -> FinaliseAnswer:
        self.asked.append(what)
        return self.answers.pop(0)


def _answer_box(qtbot: Any, button_text: str, *, tick: bool = False) -> dict[str, str]:
    """Click ``button_text`` in the next message box to open, once it is up; what it said."""
    seen: dict[str, str] = {}

    def answer() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(10, answer)
            return
        seen.update(title=box.windowTitle(), text=box.text(), more=box.informativeText())
        ticks = box.findChildren(QCheckBox)
        seen["tick"] = ticks[0].text() if ticks else ""
        if tick:
            ticks[0].setChecked(True)
        for button in box.buttons():
            if button.text() == button_text:
                button.click()

    QTimer.singleShot(0, answer)
    return seen


def test_the_finalise_question_says_what_it_means_and_offers_dont_ask_again(
    qtbot: Any,
) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    seen = _answer_box(qtbot, "&Finalise", tick=True)
    assert ask_finalise(parent, "session") == FinaliseAnswer(True, ask_again=False)
    assert seen["text"] == "Finalise this session?"
    assert seen["more"] == (
        "Once finalised it cannot be changed; corrections are added as amendments."
    )
    assert seen["tick"] == "&Don't ask again"

    seen = _answer_box(qtbot, "&Go back")
    assert ask_finalise(parent, "session") == FinaliseAnswer(False, ask_again=True)


def test_every_record_dialog_asks_once_and_dont_ask_again_is_kept(
    qtbot: Any, book: Casebook, monkeypatch: pytest.MonkeyPatch  # noqa: F811
) -> None:
    asked = Asked(FinaliseAnswer(False), FinaliseAnswer(True, ask_again=False))
    monkeypatch.setattr(forms, "ask_finalise", asked)
    case_id = book.caseload()[0].case_id
    dialog = ConcernDialog(book, case_id, today=date(2026, 12, 5))
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.summary_text, "Fictional concern about an older boyfriend.")
    dialog.raised_to.setCurrentIndex(dialog.raised_to.findData("police"))
    dialog.raised_on.set_text("today")  # typed: a date is never assumed

    assert not dialog.save(), "Go back: nothing is saved, the form stays open"
    assert asked.asked == ["safeguarding concern"]
    assert book.records("safeguarding_concern") == []
    assert dialog.summary_text.toPlainText().startswith("Fictional concern")

    assert dialog.save()
    qtbot.waitUntil(lambda: len(book.records("safeguarding_concern")) == 1, timeout=5000)
    assert book.setting(ASK_FINALISE_SETTING) == "no"

    again = ConcernDialog(book, case_id, today=date(2026, 12, 5))
    qtbot.addWidget(again)
    qtbot.keyClicks(again.summary_text, "A second fictional concern.")
    again.raised_to.setCurrentIndex(again.raised_to.findData("police"))
    again.raised_on.set_text("today")  # typed: a date is never assumed
    assert again.save()
    qtbot.waitUntil(lambda: len(book.records("safeguarding_concern")) == 2, timeout=5000)
    assert asked.asked == ["safeguarding concern"] * 2, "not asked a third time"

    # Settings says so, and turns the question back on.
    from spokeapp.ui.tasks import TaskRunner
    from spokeapp.ui.views.settings import SettingsPage

    tasks = TaskRunner()
    settings = SettingsPage(book, tasks, idle_minutes=5)
    qtbot.addWidget(settings)
    settings.show()
    assert not settings.ask_finalise.isChecked()
    settings.ask_finalise.setChecked(True)
    qtbot.waitUntil(lambda: book.setting(ASK_FINALISE_SETTING) == "yes", timeout=5000)
    third = ConcernDialog(book, case_id, today=date(2026, 12, 5))
    qtbot.addWidget(third)
    qtbot.keyClicks(third.summary_text, "A third fictional concern.")
    third.raised_to.setCurrentIndex(third.raised_to.findData("police"))
    third.raised_on.set_text("today")  # typed: a date is never assumed
    asked.answers.append(FinaliseAnswer(False))
    assert not third.save()
    assert asked.asked == ["safeguarding concern"] * 3, "asked again once turned back on"


def test_the_session_form_asks_before_finalising(
    qtbot: Any, make_shell: Any, seeded: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked = Asked(FinaliseAnswer(False), FinaliseAnswer(True))
    monkeypatch.setattr(forms, "ask_finalise", asked)
    shell = make_shell()
    unlock(qtbot, shell)
    main = shell.main_window
    main.page_actions[2].trigger()
    form = main.session_form
    form.case_box.setCurrentIndex(1)
    form.when.set_text("yesterday 16:30")
    form.contact_type.setCurrentIndex(form.contact_type.findData("one_to_one"))
    form.venue_type.setCurrentIndex(form.venue_type.findData("cafe"))
    form.duration.setValue(45)
    qtbot.keyClicks(form.discussed, "Talked about school.")
    record_id = form.record_id

    assert not form.finalise()
    assert asked.asked == ["session"]
    assert all(r.state != "final" for r in shell.book.records("session"))
    assert form.discussed.toPlainText() == "Talked about school.", "Go back keeps the note"

    assert form.finalise()
    qtbot.waitUntil(lambda: not main.tasks.busy, timeout=5000)
    assert shell.book.get(record_id).state == "final"
    assert asked.asked == ["session", "session"], "asked each time until told not to"


def test_home_safe_asks_first_without_dont_ask_again(
    qtbot: Any, book: Casebook, clock: ManualClock, monkeypatch: pytest.MonkeyPatch,  # noqa: F811
) -> None:
    answers = [False, True]
    monkeypatch.setattr(VisitsPage, "confirm_home_safe", staticmethod(lambda _p: answers.pop(0)))
    page = _page(qtbot, book, clock)
    _start(qtbot, page)

    page.panel.home_button.click()
    assert page.current is not None, "Go back: the visit carries on"
    assert [c for c in _stored(book, "check_in") if c.kind is CheckInKind.HOME_SAFE] == []

    page.panel.home_button.click()
    assert page.stack.currentIndex() == 0
    assert [c.kind for c in _stored(book, "check_in")] == [CheckInKind.HOME_SAFE]

    seen = _answer_box(qtbot, "&Go back")
    assert not confirm_home_safe(page)
    assert seen["text"] == "Are you home safe? This ends the visit and your working day."
    assert seen["tick"] == "", "no \"don't ask again\" for the end of the day"
