"""Recording a session: validation named by field, finalising, autosave."""

from __future__ import annotations

import json
from typing import Any

import pytest

from spokeapp.store.casebook import RecordIsFinal
from spokeapp.ui.models.caseload import Column
from spokeapp.ui.views.session_form import DRAFT_SETTING

from .conftest import unlock


def test_finalise_names_each_problem_then_saves_for_good(
    qtbot: Any, make_shell: Any, seeded: str
) -> None:
    shell = make_shell()
    unlock(qtbot, shell)
    main = shell.main_window
    main.page_actions[2].trigger()
    form = main.session_form

    form.finalise_button.click()
    assert "Young person is required." in form.errors["case_id"].text()
    assert "What was discussed is required." in form.errors["discussed"].text()
    assert "Where you met is required for a one-to-one session." in form.errors["venue_type"].text()
    assert "Length in minutes must be more than 0" in form.errors["duration_minutes"].text()
    assert "Please fix 4 things" in form.summary.text()

    form.case_box.setCurrentIndex(1)
    form.venue_type.setCurrentIndex(form.venue_type.findData("cafe"))
    form.duration.setValue(45)
    qtbot.keyClicks(form.discussed, "Talked about school and staying safe online.")
    qtbot.keyClicks(form.young_persons_words, "It's better when I choose where we meet.")
    form.wants_to_meet_again.setCurrentIndex(form.wants_to_meet_again.findData("yes"))
    record_id = form.record_id
    form.finalise_button.click()
    assert not form.finalise_button.isEnabled(), "no second save while the first runs"
    qtbot.waitUntil(lambda: not main.tasks.busy, timeout=5000)

    assert form.finalise_button.isEnabled()
    assert "Session finalised" in form.summary.text()
    assert not form.errors["discussed"].isVisible()
    assert form.discussed.toPlainText() == "" and form.case_box.currentIndex() == 0
    assert form.record_id != record_id, "the next save starts a new session"
    stored = shell.book.get(record_id)
    assert stored.state == "final"
    assert stored.record.young_persons_words == "It's better when I choose where we meet."
    with pytest.raises(RecordIsFinal):
        shell.book.save(stored.record)
    assert shell.book.setting(DRAFT_SETTING) == ""

    proxy = main.caseload.proxy
    qtbot.waitUntil(lambda: proxy.index(0, Column.LAST_CONTACT).data() != "No contact yet")


def test_drafts_are_saved_automatically(qtbot: Any, make_shell: Any, seeded: str) -> None:
    shell = make_shell()
    unlock(qtbot, shell)
    form = shell.main_window.session_form
    form.autosave.setInterval(50)
    qtbot.keyClicks(form.concerns, "Seemed tired")
    qtbot.waitUntil(lambda: not form.dirty, timeout=2000)
    draft = json.loads(shell.book.setting(DRAFT_SETTING))
    assert draft["concerns"] == "Seemed tired"


def test_complete_draft_is_kept_as_a_draft_record(qtbot: Any, make_shell: Any, seeded: str) -> None:
    shell = make_shell()
    unlock(qtbot, shell)
    form = shell.main_window.session_form
    form.case_box.setCurrentIndex(1)
    form.contact_type.setCurrentIndex(form.contact_type.findData("phone"))
    qtbot.keyClicks(form.discussed, "Phone call about next week.")
    form.save_button.click()
    assert shell.book.get(form.record_id).state == "draft"
    assert "Draft saved" in shell.main_window.statusBar().currentMessage()


def test_the_length_starts_empty_and_a_note_without_one_says_so(
    qtbot: Any, make_shell: Any, seeded: str
) -> None:
    """A phone call is not an hour: the length is a fact the worker gives (issue 17)."""
    shell = make_shell()
    unlock(qtbot, shell)
    main = shell.main_window
    main.page_actions[2].trigger()
    form = main.session_form
    assert form.duration.value() == 0 and form.duration.text() == "Not entered"

    form.case_box.setCurrentIndex(1)
    form.contact_type.setCurrentIndex(form.contact_type.findData("phone"))
    qtbot.keyClicks(form.discussed, "Phone call about the weekend.")
    form.finalise_button.click()
    assert form.errors["duration_minutes"].text() == (
        "Length in minutes must be more than 0 unless the session was missed."
    )
    assert "Length in minutes" in form.summary.text()
    assert form.duration.hasFocus(), "the field to fix is ready for typing"

    form.duration.selectAll()
    qtbot.keyClicks(form.duration, "15")
    record_id = form.record_id
    form.finalise_button.click()
    qtbot.waitUntil(lambda: not main.tasks.busy, timeout=5000)
    assert shell.book.get(record_id).record.duration_minutes == 15
    assert form.duration.text() == "Not entered", "the next note starts empty again"
