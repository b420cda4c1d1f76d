"""Consent to share, driven through the real widgets: recorded from the case page, shown in
"About them", withdrawn by a new record, and an overdue review shown as a warning."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import QLabel, QPushButton

from spokeapp.domain.ids import new_id
from spokeapp.domain.records import (
    Case,
    Consent,
    ConsentGivenBy,
    ConsentMethod,
    ShareWith,
)
from spokeapp.store.casebook import Casebook
from spokeapp.ui.views.record_dialogs import ConsentDialog

from .conftest import NOW, PASSPHRASE, unlock, wait_closed
from .test_accessibility import unnamed_controls
from .test_case_work import open_first_case


def about_them(main: Any) -> dict[str, str]:
    """The "About them" panel as a screen reader reads it: label -> words."""
    rows: dict[str, str] = {}
    for label in main.case_page.details.findChildren(QLabel):
        name, _, value = label.accessibleName().partition(": ")
        if value:
            rows[name] = value
    return rows


def wait_about(qtbot: Any, main: Any, label: str, starts: str) -> None:
    qtbot.waitUntil(lambda: about_them(main).get(label, "").startswith(starts), timeout=5000)


def open_consent(qtbot: Any, main: Any) -> ConsentDialog:
    button = main.case_page.consent_button
    assert button.isEnabled() and "Ctrl+Shift+O" in button.toolTip()
    button.click()
    dialog = main.dialog
    assert isinstance(dialog, ConsentDialog)
    assert unnamed_controls(dialog) == []
    return dialog


def save_and_wait(qtbot: Any, main: Any, dialog: ConsentDialog) -> None:
    assert dialog.save()
    wait_closed(qtbot, dialog)
    qtbot.waitUntil(lambda: not main.tasks.busy, timeout=5000)


def test_consent_is_recorded_shown_on_the_case_page_then_withdrawn(
    qtbot: Any, make_shell: Any, seeded: str
) -> None:
    shell = make_shell()
    unlock(qtbot, shell)
    main = shell.main_window
    case_id = open_first_case(qtbot, main)
    assert about_them(main)["Consent to share"] == "No consent recorded yet."

    dialog = open_consent(qtbot, main)
    assert not dialog.withdraw.isEnabled(), "nothing to withdraw yet"
    qtbot.keyClicks(dialog.given_by_name, "Demo Birch")
    qtbot.keyClicks(dialog.explained, "Who we would share with and why (fictional).")
    dialog.shares[ShareWith.POLICE].setChecked(True)
    dialog.shares[ShareWith.CHILDRENS_SOCIAL_CARE].setChecked(True)

    assert dialog.given_on.text() == "", "the day it was given is never assumed"
    assert not dialog.save(), "the day, the review day, who gave it and how are never assumed"
    assert "Review due" in dialog.summary.text()
    assert "Date given, Given by, How it was recorded, Review due" in dialog.summary.text()
    assert dialog.given_on.status.text() == "Date given is needed: type a date."
    assert shell.book.records("consent", case_id=case_id) == []
    qtbot.keyClicks(dialog.given_on.line, "today")
    assert dialog.given_on.status.text() == ""
    dialog.given_by.setCurrentIndex(dialog.given_by.findData("young_person"))
    dialog.method.setCurrentIndex(dialog.method.findData("verbal"))

    dialog.review.setCurrentIndex(dialog.review.findData(6))
    save_and_wait(qtbot, main, dialog)

    wait_about(qtbot, main, "Consent to share", "police")
    assert about_them(main)["Consent to share"] == (
        "police, children's social care; not school, health. Given by Demo Birch on "
        "14 Mar 2025 (verbal). Review due 14 Sep 2025."
    )
    assert "Consent review" not in about_them(main)
    (stored,) = shell.book.records("consent", case_id=case_id)
    assert stored.state == "final"

    dialog = open_consent(qtbot, main)
    assert dialog.withdraw.isEnabled()
    dialog.withdraw.setChecked(True)
    assert not dialog.share_box.isEnabled() and not dialog.review.isEnabled()
    assert dialog.save_button.accessibleName() == "Save withdrawal"
    qtbot.keyClicks(dialog.given_by_name, "Demo Birch")
    dialog.given_on.set_text("today")
    dialog.given_by.setCurrentIndex(dialog.given_by.findData("young_person"))
    dialog.method.setCurrentIndex(dialog.method.findData("verbal"))
    save_and_wait(qtbot, main, dialog)

    wait_about(qtbot, main, "Consent to share", "Withdrawn")
    assert about_them(main)["Consent to share"].startswith(
        "Withdrawn by Demo Birch on 14 Mar 2025 (verbal)."
    )
    records = shell.book.records("consent", case_id=case_id)
    assert len(records) == 2, "withdrawing is a new record; the consent is kept as it was"
    first, withdrawal = sorted((s.record for s in records), key=lambda r: r.withdrawn)
    assert isinstance(first, Consent) and isinstance(withdrawal, Consent)
    assert first.share_with and withdrawal.supersedes_id == first.id
    page = main.case_page
    whats = [page.timeline_model.rows[n].cells[1] for n in range(page.timeline_model.rowCount())]
    assert "Consent to share" in whats and "Consent withdrawn" in whats, (
        "both records stay on the case's timeline: the withdrawal never replaces the consent")


def _seed_old_consent(profile: Path) -> None:
    book = Casebook.open(profile, PASSPHRASE)
    with book:
        case = next(
            s.record for s in book.records("case") if isinstance(s.record, Case)
        )
        book.save(
            Consent(
                id=new_id(), case_id=case.id, given_on=date(2024, 1, 10),
                given_by=ConsentGivenBy.PARENT_OR_CARER, given_by_name="Demo Parent",
                carer_relationship="Foster carer", method=ConsentMethod.WRITTEN,
                explained="Fictional: what we share and why.",
                share_with=(ShareWith.SCHOOL,), review_on=date(2025, 1, 10),
            ),
            finalise=True,
        )


def test_the_case_page_warns_when_the_consent_review_is_overdue(
    qtbot: Any, make_shell: Any, seeded: str, profile: Path
) -> None:
    _seed_old_consent(profile)
    shell = make_shell()
    unlock(qtbot, shell)
    main = shell.main_window
    assert NOW.date() > date(2025, 1, 10)
    case_ids = [main.caseload_model.row_at(i).case_id for i in range(2)]
    with_consent = next(
        c for c in case_ids if shell.book.records("consent", case_id=c)
    )
    main.open_case(with_consent)
    qtbot.waitUntil(lambda: main.case_page.case_id == with_consent, timeout=5000)

    rows = about_them(main)
    assert rows["Consent to share"].endswith("Review overdue since 10 Jan 2025.")
    assert "Given by Demo Parent (foster carer) on 10 Jan 2024 (written form)" in (
        rows["Consent to share"]
    )
    assert rows["Consent review"].startswith("Overdue")


def test_with_names_hidden_the_consent_dialog_says_who_gave_it_without_their_name(
    qtbot: Any, make_shell: Any, seeded: str, profile: Path
) -> None:
    """View > Hide names (a worker in a cafe): the dialog opened from the case page says the
    current consent's giver by their role, as the case page does, never by name."""
    _seed_old_consent(profile)
    shell = make_shell()
    unlock(qtbot, shell)
    main = shell.main_window
    case_ids = [main.caseload_model.row_at(i).case_id for i in range(2)]
    with_consent = next(c for c in case_ids if shell.book.records("consent", case_id=c))
    main.open_case(with_consent)
    qtbot.waitUntil(lambda: main.case_page.case_id == with_consent, timeout=5000)

    def current_consent_words() -> str:
        dialog = open_consent(qtbot, main)
        words = next(label.text() for label in dialog.findChildren(QLabel)
                     if label.text().startswith("Current consent:"))
        dialog.reject()
        wait_closed(qtbot, dialog)
        return words

    assert "Demo Parent" in current_consent_words()
    main.hide_names_action.trigger()
    hidden = current_consent_words()
    assert "Demo Parent" not in hidden and "foster carer" in hidden


def test_the_consent_shortcut_and_mnemonic_clash_with_nothing_else(
    qtbot: Any, make_shell: Any, seeded: str
) -> None:
    shell = make_shell()
    unlock(qtbot, shell)
    main = shell.main_window
    keys = QKeySequence("Ctrl+Shift+O")
    shortcuts = [s.key() for s in main.findChildren(QShortcut)]
    actions = [a.shortcut() for a in main.findChildren(QAction)]
    assert (shortcuts + actions).count(keys) == 1
    open_first_case(qtbot, main)
    (shortcut,) = [s for s in main.case_page.findChildren(QShortcut) if s.key() == keys]
    shortcut.activated.emit()
    assert isinstance(main.dialog, ConsentDialog)
    main.dialog.reject()
    page = main.case_page
    mnemonics = [
        b.text().lower().split("&")[1][:1]
        for b in page.findChildren(QPushButton)
        if "&" in b.text()
    ]
    assert mnemonics.count("o") == 1 and "C&onsent" in page.consent_button.text()
