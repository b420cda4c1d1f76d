"""Recording a session: validation named by field, finalising, autosave."""

from __future__ import annotations

import contextlib
import json
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import Qt

from spokeapp.store.casebook import RecordIsFinal, RecordNotFound
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
    assert "When is needed: type a date and time." in form.errors["occurred_at"].text()
    assert "Type of contact must be chosen." in form.errors["contact_type"].text()
    assert "What was discussed is required." in form.errors["discussed"].text()
    assert "Length in minutes must be more than 0" in form.errors["duration_minutes"].text()
    assert "Please fix 5 things" in form.summary.text()

    form.contact_type.setCurrentIndex(form.contact_type.findData("one_to_one"))
    form.finalise_button.click()
    assert "Where you met is required for a one-to-one session." in form.errors["venue_type"].text()
    assert "Please fix 5 things" in form.summary.text()

    form.case_box.setCurrentIndex(1)
    form.when.set_text("yesterday 16:30")
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


def test_ctrl_with_either_enter_key_finalises_from_inside_a_note(
    qtbot: Any, make_shell: Any, seeded: str
) -> None:
    # The button says "Finalise (Ctrl+Enter)": the main keyboard's Enter (Qt's Return) and a
    # keypad's Enter (Qt's Enter) are different keys to Qt, and both must do what it says.
    shell = make_shell()
    unlock(qtbot, shell)
    main = shell.main_window
    main.page_actions[2].trigger()
    form = main.session_form
    qtbot.waitUntil(form.discussed.isVisible)
    form.discussed.setFocus()
    keypad = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.KeypadModifier
    qtbot.keyClick(form.discussed, Qt.Key.Key_Enter, keypad)
    assert "Please fix 5 things" in form.summary.text()
    assert form.discussed.toPlainText() == "", "the key finalised; it typed no line break"

    form.case_box.setCurrentIndex(1)
    form.when.set_text("yesterday 16:30")
    form.contact_type.setCurrentIndex(form.contact_type.findData("one_to_one"))
    form.venue_type.setCurrentIndex(form.venue_type.findData("cafe"))
    form.duration.setValue(30)
    qtbot.keyClicks(form.discussed, "Talked about the bus home.")
    record_id = form.record_id
    qtbot.keyClick(form.discussed, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: not main.tasks.busy, timeout=5000)
    assert "Session finalised" in form.summary.text()
    assert shell.book.get(record_id).state == "final"


def test_drafts_are_saved_automatically(qtbot: Any, make_shell: Any, seeded: str) -> None:
    shell = make_shell()
    unlock(qtbot, shell)
    form = shell.main_window.session_form
    form.autosave.setInterval(50)
    qtbot.keyClicks(form.concerns, "Seemed tired")
    qtbot.waitUntil(lambda: not form.dirty, timeout=2000)  # written, not only started
    draft = json.loads(shell.book.setting(DRAFT_SETTING))
    assert draft["concerns"] == "Seemed tired"


@contextlib.contextmanager
def held_by_a_sync(book: Any, release: threading.Event) -> Iterator[None]:
    """The casebook held as a sync holds it for a page's transaction, on another thread,
    until ``release`` (or 5 s)."""
    holding = threading.Event()

    def hold() -> None:
        with book.sync_transaction():
            holding.set()
            release.wait(5)

    holder = threading.Thread(target=hold)
    holder.start()
    assert holding.wait(5)
    try:
        yield
    finally:
        release.set()
        holder.join()


def test_the_autosave_never_makes_typing_wait_for_a_sync(
    qtbot: Any, make_shell: Any, seeded: str
) -> None:
    """A sync holds the casebook for each page it writes (up to a few tenths of a second);
    the autosave waits for it on a thread of its own while the worker goes on typing."""
    shell = make_shell()
    unlock(qtbot, shell)
    main = shell.main_window
    form = main.session_form
    form.autosave.setInterval(50)
    release = threading.Event()
    with held_by_a_sync(shell.book, release):
        qtbot.keyClicks(form.concerns, "Seemed tired")
        # The autosave has started and waits for the casebook - not on this thread, whose
        # event loop would otherwise stand still until the sync let go (5 s here).
        qtbot.waitUntil(lambda: main.tasks.busy, timeout=2000)
        qtbot.keyClicks(form.discussed, "Talked about college")
        assert form.discussed.toPlainText() == "Talked about college"
        assert form.dirty, "not kept yet: locking now would save it at once"
    qtbot.waitUntil(lambda: not form.dirty, timeout=5000)
    draft = json.loads(shell.book.setting(DRAFT_SETTING))
    assert (draft["concerns"], draft["discussed"]) == ("Seemed tired", "Talked about college")
    assert "Draft saved" in main.statusBar().currentMessage()


def test_a_note_started_while_an_autosave_waits_keeps_the_old_one_and_is_not_undone(
    qtbot: Any, make_shell: Any, seeded: str
) -> None:
    """The worker starts a note for another young person while the last autosave is still
    waiting to run: the old note is kept at once (nothing typed is lost) and the waiting
    autosave, when it runs, does not bring the old note back over the new one."""
    shell = make_shell()
    unlock(qtbot, shell)
    main = shell.main_window
    form = main.session_form
    gate = threading.Event()
    for _ in range(2):  # every thread of the runner busy: the autosave has to wait its turn
        main.tasks.submit(lambda: gate.wait(5), lambda _result: None)
    form.autosave.setInterval(50)
    form.case_box.setCurrentIndex(1)
    form.when.set_text("yesterday 16:30")
    form.contact_type.setCurrentIndex(form.contact_type.findData("phone"))
    qtbot.keyClicks(form.discussed, "Phone call about the weekend.")
    old_note = form.record_id
    qtbot.waitUntil(lambda: not form._dirty, timeout=2000)  # the autosave is queued
    other_case = form.case_box.itemData(2)
    form.start_for_case(other_case)
    gate.set()
    qtbot.waitUntil(lambda: not main.tasks.busy, timeout=5000)

    assert shell.book.setting(DRAFT_SETTING) == ""
    kept = shell.book.get(old_note)
    assert kept.state == "draft" and kept.record.discussed == "Phone call about the weekend."
    assert form.case_box.currentData() == other_case and form.discussed.toPlainText() == ""


def test_complete_draft_is_kept_as_a_draft_record(qtbot: Any, make_shell: Any, seeded: str) -> None:
    shell = make_shell()
    unlock(qtbot, shell)
    form = shell.main_window.session_form
    form.case_box.setCurrentIndex(1)
    form.when.set_text("yesterday 16:30")
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
    form.when.set_text("today 9:05")
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


def _form(qtbot: Any, make_shell: Any) -> tuple[Any, Any]:
    shell = make_shell()
    unlock(qtbot, shell)
    main = shell.main_window
    main.page_actions[2].trigger()
    return shell, main.session_form


def _fill_all_but_contact_and_time(qtbot: Any, form: Any) -> None:
    form.case_box.setCurrentIndex(1)
    form.duration.setValue(20)
    qtbot.keyClicks(form.discussed, "Talked about the week ahead (fictional).")


def test_the_type_of_contact_starts_unchosen_and_must_be_chosen_to_finalise(
    qtbot: Any, make_shell: Any, seeded: str
) -> None:
    """No default stands in for a fact the worker did not give (issue 17)."""
    shell, form = _form(qtbot, make_shell)
    assert form.contact_type.currentData() is None
    assert form.contact_type.currentText() == "Choose…"
    _fill_all_but_contact_and_time(qtbot, form)
    form.when.set_text("yesterday 16:30")
    record_id = form.record_id

    assert not form.finalise()
    assert form.errors["contact_type"].text() == "Type of contact must be chosen."
    assert form.summary.text() == "Please fix 1 thing before finalising: Type of contact."
    assert form.contact_type.hasFocus()
    assert all(s.record.id != record_id for s in shell.book.records("session"))

    form.contact_type.setCurrentIndex(form.contact_type.findData("phone"))
    assert form.finalise()
    qtbot.waitUntil(lambda: not form.saving, timeout=5000)
    stored = shell.book.get(record_id)
    assert stored.state == "final" and stored.record.contact_type.value == "phone"
    assert form.contact_type.currentData() is None, "the next note starts unchosen again"


def test_when_it_happened_starts_empty_and_is_refused_until_typed(
    qtbot: Any, make_shell: Any, seeded: str
) -> None:
    shell, form = _form(qtbot, make_shell)
    assert form.when.text() == ""
    assert form.when.line.placeholderText() == "e.g. yesterday 16:30"
    _fill_all_but_contact_and_time(qtbot, form)
    form.contact_type.setCurrentIndex(form.contact_type.findData("phone"))
    record_id = form.record_id

    assert not form.finalise()
    assert form.errors["occurred_at"].text() == "When is needed: type a date and time."
    assert form.summary.text() == "Please fix 1 thing before finalising: When."
    assert form.when.line.hasFocus()

    qtbot.keyClicks(form.when.line, "yesterday 16:30")
    assert form.finalise()
    qtbot.waitUntil(lambda: not form.saving, timeout=5000)
    occurred = shell.book.get(record_id).record.occurred_at.astimezone()
    assert (occurred.hour, occurred.minute) == (16, 30)
    assert form.when.text() == "", "the next note starts empty again"


def test_a_problem_goes_when_its_field_is_edited_and_the_summary_recounts(
    qtbot: Any, make_shell: Any, seeded: str
) -> None:
    _shell, form = _form(qtbot, make_shell)
    assert not form.finalise()
    summary = form.summary.text()
    assert summary.startswith("Please fix 5 things before finalising: ")
    assert form.errors["contact_type"].isVisible()

    form.contact_type.setCurrentIndex(form.contact_type.findData("phone"))
    assert form.errors["contact_type"].text() == ""
    assert form.summary.text().startswith("Please fix 4 things before finalising: ")
    assert "Type of contact" not in form.summary.text()

    qtbot.keyClicks(form.when.line, "yesterday 16:30")
    assert form.errors["occurred_at"].text() == ""
    assert "When" not in form.summary.text().split(": ", 1)[1]
    assert form.summary.text().startswith("Please fix 3 things")


def test_the_summary_lists_the_fields_in_the_order_of_the_form(
    qtbot: Any, make_shell: Any, seeded: str
) -> None:
    _shell, form = _form(qtbot, make_shell)
    form.contact_type.setCurrentIndex(form.contact_type.findData("one_to_one"))
    assert not form.finalise()
    assert form.summary.text() == (
        "Please fix 5 things before finalising: Young person, When, Length in minutes, "
        "Where you met, What was discussed."
    )
    assert form.summary.accessibleDescription().splitlines()[0] == "Young person is required."


def test_a_half_typed_time_is_brought_back_as_typed(
    qtbot: Any, make_shell: Any, seeded: str
) -> None:
    shell, form = _form(qtbot, make_shell)
    form.case_box.setCurrentIndex(1)
    form.when.set_text("yesterday 16")  # not a time yet
    qtbot.keyClicks(form.concerns, "Seemed tired (fictional)")
    assert form.save_draft()
    record_id = form.record_id
    assert all(s.record.id != record_id for s in shell.book.records("session")), (
        "no draft record holds a stand-in for the time or the type of contact"
    )
    shell.lock()
    unlock(qtbot, shell)
    again = shell.main_window.session_form
    assert again.when.text() == "yesterday 16"
    assert again.contact_type.currentData() is None
    assert again.concerns.toPlainText() == "Seemed tired (fictional)"
    assert again.record_id == record_id


@pytest.mark.parametrize(("typed", "put_right"), [
    ("1/1/1990 10:00", "6/1/2025 10:00"),  # the day it was opened is fine
    ("3/2/1025 16:30", "3/2/2025 16:30"),  # a slip of one digit, a year the hub refuses too
])
def test_a_session_before_its_case_was_opened_is_refused_in_words(
    qtbot: Any, make_shell: Any, seeded: str, typed: str, put_right: str
) -> None:
    """A session "When" of 1/1/1990 on a case opened this year was finalised, and a slip of
    one digit ("1025") made a date the hub cannot work with. The young person's case was
    opened on 6 January 2025: "When" says so, beside the field and in the summary, and
    nothing is finalised until it is put right."""
    shell, form = _form(qtbot, make_shell)
    _fill_all_but_contact_and_time(qtbot, form)
    form.contact_type.setCurrentIndex(form.contact_type.findData("phone"))
    record_id = form.record_id
    qtbot.keyClicks(form.when.line, typed)

    assert not form.finalise()
    assert form.errors["occurred_at"].text() == (
        "When is before this case was opened on 6 Jan 2025.")
    assert form.summary.text() == "Please fix 1 thing before finalising: When."
    with contextlib.suppress(RecordNotFound):  # a draft may have been kept, never final
        assert shell.book.get(record_id).state != "final"

    form.when.set_text(put_right)
    assert form.finalise()
    qtbot.waitUntil(lambda: not form.saving, timeout=5000)
    assert shell.book.get(record_id).state == "final"


def test_when_is_checked_against_the_case_chosen(
    qtbot: Any, make_shell: Any, seeded: str, profile: Any
) -> None:
    """Each young person's case has its own opening day: choosing another says again."""
    import dataclasses
    from datetime import date

    from spokeapp.domain.records import Case
    from spokeapp.store.casebook import Casebook

    from .conftest import PASSPHRASE

    with Casebook.open(profile, PASSPHRASE) as book:
        later = book.get(book.caseload()[1].case_id).record
        assert isinstance(later, Case)
        book.save(dataclasses.replace(later, opened_on=date(2025, 3, 1)))
    _shell, form = _form(qtbot, make_shell)
    form.case_box.setCurrentIndex(1)
    qtbot.keyClicks(form.when.line, "10/2/2025 10:00")
    form.when.tell()
    assert form.when.value() is not None and form.when.status.text() == ""
    form.case_box.setCurrentIndex(2)
    assert form.when.value() is None
    assert form.when.status.text() == "When is before this case was opened on 1 Mar 2025."
    form.case_box.setCurrentIndex(1)
    assert form.when.status.text() == ""
