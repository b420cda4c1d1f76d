"""Correcting the young person's details through the real widgets (issue 16): "Correct
details…" on the case page, a new version saved, the case page showing the new details and the
superseded one; a date of birth never defaulted; self-describing needs their words."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtWidgets import QLabel, QPushButton

from spokeapp.domain.records.casework import ContactMethod, YoungPerson
from spokeapp.store.casebook import Casebook
from spokeapp.ui.shell import LOCKED
from spokeapp.ui.tasks import TaskRunner
from spokeapp.ui.views.referral import ReferralDialog
from spokeapp.ui.views.young_person_dialog import YoungPersonDialog

from .conftest import unlock, wait_closed
from .test_accessibility import unnamed_controls
from .test_case_work import open_first_case
from .test_consent import about_them

TODAY = date(2025, 3, 14)


def open_correction(qtbot: Any, main: Any) -> YoungPersonDialog:
    button = main.case_page.correct_button
    assert button.isEnabled() and button.accessibleName() == "Correct the young person's details"
    button.click()
    dialog = main.dialog
    assert isinstance(dialog, YoungPersonDialog)
    assert unnamed_controls(dialog) == []
    return dialog


def _letters(widgets: list[Any]) -> list[str]:
    letters = []
    for widget in widgets:
        text = widget.text().replace("&&", "")
        if "&" in text and widget.isVisibleTo(widget.window()):
            letters.append(text[text.index("&") + 1].lower())
    return letters


def _person(book: Casebook, name: str) -> YoungPerson:
    (found,) = [s.record for s in book.records("young_person")
                if isinstance(s.record, YoungPerson) and s.record.reference == name]
    return found


def test_correcting_name_and_date_of_birth_shows_the_new_details_and_the_earlier_version(
    qtbot: Any, make_shell: Any, seeded: str
) -> None:
    shell = make_shell()
    unlock(qtbot, shell)
    main = shell.main_window
    open_first_case(qtbot, main)
    before = about_them(main)
    assert before["Name"] == "Test Person Alpha"
    assert not main.case_page.versions.isVisible(), "no earlier versions yet"

    dialog = open_correction(qtbot, main)
    assert dialog.name.text() == "Test Person Alpha", "the form starts from the current details"
    assert dialog.date_of_birth.text() == "01/01/2010"
    dialog.name.clear()
    qtbot.keyClicks(dialog.name, "Test Person Alpha-Omega")
    dialog.date_of_birth.clear()
    qtbot.keyClicks(dialog.date_of_birth, "04/12/2012")
    qtbot.keyClicks(dialog.numbers[0][0], "07700 900123")
    qtbot.keyClicks(dialog.numbers[0][1], "their own phone")
    qtbot.keyClicks(dialog.numbers[0][2], "weekdays after 4pm")
    dialog.methods[next(iter(dialog.methods))].setChecked(True)  # text message
    dialog.save_button.click()
    wait_closed(qtbot, dialog)
    qtbot.waitUntil(lambda: main.case_page.versions.isVisible(), timeout=5000)

    after = about_them(main)
    assert after["Name"] == "Test Person Alpha-Omega"
    assert after["Date of birth"] == "4 Dec 2012 (age 12)"
    earlier = main.case_page.versions_text.text()
    assert ("Name changed from \u201cTest Person Alpha\u201d to \u201cTest Person "
            "Alpha-Omega\u201d; date of birth changed from 1 Jan 2010 to 4 Dec 2012") in earlier
    assert "on 14 Mar 2025 by you" in earlier
    contact = main.case_page.contact_text.text()
    assert "Contact by: text message." in contact
    assert "07700 900123 (their own phone; safe times: weekdays after 4pm)" in contact

    book = shell.book
    stored = book.get(_person(book, "YP-TEST-01").id)
    assert stored.revision == 2, "a new version of the same record"
    (old, _when), = book.young_person_versions(stored.record.id)
    assert isinstance(old, YoungPerson) and old.name == "Test Person Alpha"

    # Names hidden: the earlier version says what changed, not the old name.
    main.hide_names_action.trigger()
    qtbot.waitUntil(lambda: "Name changed;" in main.case_page.versions_text.text(),
                    timeout=5000)
    assert "Test Person" not in main.case_page.versions_text.text()
    assert "07700" not in main.case_page.contact_text.text()


def test_an_empty_or_impossible_date_of_birth_is_refused(
    qtbot: Any, make_shell: Any, seeded: str
) -> None:
    shell = make_shell()
    unlock(qtbot, shell)
    main = shell.main_window
    open_first_case(qtbot, main)
    dialog = open_correction(qtbot, main)
    dialog.date_of_birth.clear()
    assert dialog.date_of_birth.placeholderText() == "dd/mm/yyyy"
    assert not dialog.save()
    assert "Date of birth must be entered." in dialog.fields.errors["date_of_birth"].text()
    assert "Date of birth" in dialog.summary.text()
    qtbot.keyClicks(dialog.date_of_birth, "31/02/2012")
    assert not dialog.save()
    assert "dd/mm/yyyy" in dialog.fields.errors["date_of_birth"].text()
    assert shell.book.young_person_versions(_person(shell.book, "YP-TEST-01").id) == []


def test_self_describing_ethnicity_needs_their_words(
    qtbot: Any, make_shell: Any, seeded: str
) -> None:
    shell = make_shell()
    unlock(qtbot, shell)
    main = shell.main_window
    open_first_case(qtbot, main)
    dialog = open_correction(qtbot, main)
    box = dialog.ethnic_group
    headings = [box.itemText(i) for i in range(box.count())
                if not box.model().item(i).isEnabled()]
    assert headings == [
        "Asian, Asian British or Asian Welsh",
        "Black, Black British, Black Welsh, Caribbean or African",
        "Mixed or Multiple ethnic groups", "White", "Other ethnic group",
    ], "the census headings cannot be chosen"
    assert sum(1 for i in range(box.count()) if box.itemData(i)) == 21  # 19 + 2
    assert not dialog.ethnicity_described.isVisibleTo(dialog)
    box.setCurrentIndex(box.findData("self_described"))
    assert dialog.ethnicity_described.isVisibleTo(dialog)
    assert not dialog.save()
    assert ("Ethnicity in their own words is required when they prefer to self-describe."
            in dialog.fields.errors["ethnicity_described"].text())
    qtbot.keyClicks(dialog.ethnicity_described, "Afro-Celt (fictional)")
    dialog.save_button.click()
    wait_closed(qtbot, dialog)
    qtbot.waitUntil(
        lambda: about_them(main).get("Ethnicity") == "In their words: Afro-Celt (fictional)",
        timeout=5000)
    qtbot.waitUntil(lambda: "Ethnic group changed from not recorded to In their words" in (
        main.case_page.versions_text.text()), timeout=5000)


def test_a_bad_safe_number_is_refused_beside_it(
    qtbot: Any, make_shell: Any, seeded: str
) -> None:
    shell = make_shell()
    unlock(qtbot, shell)
    main = shell.main_window
    open_first_case(qtbot, main)
    dialog = open_correction(qtbot, main)
    qtbot.keyClicks(dialog.numbers[1][0], "call 0770")
    assert not dialog.save()
    errors = dialog.fields.errors
    assert ("Safe number 2 must be digits, spaces and + only, with 7 to 15 digits."
            in errors["safe_numbers[1]"].text())
    assert "Whose phone is safe number 2 is required." in errors["safe_number_whose[1]"].text()


def test_mnemonics_are_unique_on_the_dialog_and_the_case_page(
    qtbot: Any, make_shell: Any, seeded: str
) -> None:
    shell = make_shell()
    unlock(qtbot, shell)
    main = shell.main_window
    open_first_case(qtbot, main)
    dialog = open_correction(qtbot, main)
    dialog.ethnic_group.setCurrentIndex(dialog.ethnic_group.findData("self_described"))
    dialog.methods[list(dialog.methods)[-1]].setChecked(True)  # every field shown
    labels = dialog.findChildren(QLabel)
    for label in labels:
        if "&" in label.text().replace("&&", ""):
            assert label.buddy() is not None, f"{label.text()} moves focus nowhere"
    letters = _letters([*labels, *dialog.findChildren(QPushButton),
                        *dialog.methods.values()])
    assert len(letters) == len(set(letters)) >= 15, sorted(letters)
    dialog.dirty = False
    dialog.reject()
    page = main.case_page
    page_letters = _letters(page.findChildren(QPushButton))
    assert len(page_letters) == len(set(page_letters)), sorted(page_letters)
    assert "de&tails" in page.correct_button.text()


def test_a_new_referral_starts_with_no_date_of_birth_and_takes_a_typed_one(
    qtbot: Any, make_shell: Any, seeded: str
) -> None:
    shell = make_shell()
    unlock(qtbot, shell)
    book = shell.book
    dialog = ReferralDialog(book, today=TODAY, tasks=TaskRunner())
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.date_of_birth.text() == "" and dialog.date_of_birth.placeholderText()
    qtbot.keyClicks(dialog.name, "Test Person Delta")
    qtbot.keyClicks(dialog.source_agency, "Test school")
    dialog.source_type.setCurrentIndex(dialog.source_type.findData("education"))
    qtbot.keyClicks(dialog.reason, "Fictional: worried about older friends.")
    assert dialog.received_on.text() == "", "the day it was received is never assumed"
    assert not dialog.save()
    assert "Date of birth must be entered." in dialog.fields.errors["date_of_birth"].text()
    assert dialog.received_on.status.text() == "Date received is needed: type a date."
    assert book.records("referral") == []
    qtbot.keyClicks(dialog.date_of_birth, "04/12/2012")
    qtbot.keyClicks(dialog.received_on.line, "yesterday")
    assert dialog.save()
    wait_closed(qtbot, dialog)
    person = _person(book, dialog.reference.text())
    assert person.date_of_birth == date(2012, 12, 4)


def test_a_half_typed_correction_is_open_again_after_unlocking(
    qtbot: Any, make_shell: Any, seeded: str
) -> None:
    shell = make_shell()
    unlock(qtbot, shell)
    main = shell.main_window
    open_first_case(qtbot, main)
    dialog = open_correction(qtbot, main)
    dialog.name.clear()
    qtbot.keyClicks(dialog.name, "Test Person Alpha-Draft")
    dialog.methods[ContactMethod.CALL].setChecked(True)
    main.lock_action.trigger()
    assert shell.state == LOCKED

    unlock(qtbot, shell)
    dialog = shell.main_window.dialog
    assert isinstance(dialog, YoungPersonDialog) and dialog.isVisible()
    assert dialog.name.text() == "Test Person Alpha-Draft"
    assert dialog.methods[ContactMethod.CALL].isChecked()
    assert dialog.dirty, "still not saved: closing it asks first"
    assert shell.book.young_person_versions(_person(shell.book, "YP-TEST-01").id) == []
