"""Picking a new case's local authority area on the referral form, and seeing it in the
report's per-area table (offscreen). Every name, area and district is fictional."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from spokeapp.crypto.keyfile import FAST_KDF_FOR_TESTS
from spokeapp.domain.areas import Area
from spokeapp.domain.records import Case
from spokeapp.store.areas import save_areas
from spokeapp.store.casebook import Casebook
from spokeapp.ui.tasks import TaskRunner
from spokeapp.ui.views.area_choice import AreaDialog
from spokeapp.ui.views.referral import ReferralDialog
from spokeapp.ui.views.reports import ReportsPage

from .conftest import PASSPHRASE, unlock

TODAY = date(2026, 5, 15)
AREAS = [Area("Example Shire", ("EX1", "EX2")), Area("Sample City", ("SC1",))]


@pytest.fixture
def book(tmp_path: Path) -> Iterator[Casebook]:
    casebook, _recovery = Casebook.create(tmp_path / "profile", PASSPHRASE,
                                          kdf=FAST_KDF_FOR_TESTS, author="worker")
    with casebook:
        yield casebook


def _new_referral(qtbot: Any, book: Casebook, name: str) -> ReferralDialog:
    dialog = ReferralDialog(book, today=TODAY, tasks=TaskRunner())
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.name, name)
    qtbot.keyClicks(dialog.date_of_birth, "04/12/2012")  # typed: never defaulted (issue 16)
    qtbot.keyClicks(dialog.source_agency, "Test school")
    dialog.source_type.setCurrentIndex(dialog.source_type.findData("education"))
    qtbot.keyClicks(dialog.reason, "Fictional: worried about older friends.")
    dialog.decision.setCurrentIndex(dialog.decision.findData("accepted"))
    dialog.received_on.set_text("today")  # typed: a date is never assumed
    dialog.decided_on.set_text("today")
    dialog.lawful_basis.setCurrentIndex(dialog.lawful_basis.findData("public_task"))
    return dialog


def _cases(book: Casebook) -> list[Case]:
    return [s.record for s in book.records("case") if isinstance(s.record, Case)]


def test_a_suggested_area_must_be_confirmed_and_then_shows_in_the_report(
        qtbot: Any, book: Casebook) -> None:
    save_areas(book, AREAS)
    dialog = _new_referral(qtbot, book, "Test Person Alpha")
    box = dialog.local_authority
    assert [box.itemText(i) for i in range(box.count())] == [
        "Choose the area…", "Not known", "Example Shire", "Sample City"]
    assert box.currentData() is None  # nothing is chosen for the worker

    qtbot.keyClicks(dialog.postcode_district, "ex1 4zz")
    assert box.currentData() == "Example Shire"
    assert box.currentText() == "Example Shire (suggested from EX1)"
    assert dialog.area.note_row.isVisible() and "Suggested" in dialog.area.note.text()
    assert dialog.area.confirm.isVisible()

    assert not dialog.save()  # a suggestion is not a choice
    assert "is not confirmed" in dialog.fields.errors["local_authority"].text()
    assert _cases(book) == []

    qtbot.mouseClick(dialog.area.confirm, Qt.MouseButton.LeftButton)
    assert box.currentText() == "Example Shire" and not dialog.area.note_row.isVisible()
    dialog.postcode_district.editingFinished.emit()
    assert dialog.postcode_district.text() == "EX1"  # never the full postcode
    assert "postcode_district" not in dialog.draft()  # not even in a draft
    assert dialog.save()
    qtbot.waitUntil(lambda: not dialog.saving, timeout=5000)
    [case] = _cases(book)
    assert case.local_authority == "Example Shire"

    page = ReportsPage(book, TaskRunner(), today=lambda: TODAY)
    qtbot.addWidget(page)
    with qtbot.waitSignal(page.computed, timeout=5000):
        page.refresh()
    table = page.area_table
    rows = {table.item(r, 0).text(): [table.item(r, c).text() for c in range(1, 8)]
            for r in range(table.rowCount())}
    # Open in period, new, from before, closed, at lower risk, risk not lower, not closed.
    assert rows == {"Example Shire": ["1", "1", "0", "0", "0", "0", "1"],
                    "All areas": ["1", "1", "0", "0", "0", "0", "1"]}
    page.funder_box.setChecked(True)
    assert table.item(0, 1).text() == "<5"


def test_picking_another_area_or_not_known_is_a_choice(qtbot: Any, book: Casebook) -> None:
    save_areas(book, AREAS)
    dialog = _new_referral(qtbot, book, "Test Person Beta")
    box = dialog.local_authority
    qtbot.keyClicks(dialog.postcode_district, "EX2")
    assert box.currentData() == "Example Shire"
    box.setFocus()
    qtbot.keyClick(box, Qt.Key.Key_Down)  # the worker moves to the next area: their choice
    assert box.currentData() == "Sample City" and dialog.area.problem() is None
    qtbot.keyClick(box, Qt.Key.Key_Home)
    assert box.currentData() is None
    assert dialog.area.problem() == "is not chosen: pick the area, or Not known"
    qtbot.keyClick(box, Qt.Key.Key_Down)
    assert box.currentText() == "Not known" and dialog.area.problem() is None
    assert dialog.save()
    qtbot.waitUntil(lambda: not dialog.saving, timeout=5000)
    [case] = _cases(book)
    assert case.local_authority is None


def test_with_no_list_yet_only_not_known_is_offered_and_the_form_says_why(
        qtbot: Any, book: Casebook) -> None:
    dialog = _new_referral(qtbot, book, "Test Person Gamma")
    box = dialog.local_authority
    assert [box.itemText(i) for i in range(box.count())] == ["Choose the area…", "Not known"]
    assert "comes from your hub when the laptop syncs" in box.accessibleDescription()
    qtbot.keyClicks(dialog.postcode_district, "EX1")
    assert box.currentData() is None  # nothing to suggest from
    assert "No single area" in dialog.area.note.text()
    assert not dialog.save()
    assert "is not chosen" in dialog.fields.errors["local_authority"].text()
    dialog.dirty = False  # leave without the "discard changes?" question
    dialog.reject()


def test_an_older_case_gets_its_area_from_the_case_page(
        qtbot: Any, make_shell: Any, seeded: str) -> None:
    shell = make_shell()
    unlock(qtbot, shell)
    main, book = shell.main_window, shell.book
    save_areas(book, AREAS)
    case_id = main.caseload_model.row_at(0).case_id
    main.open_case(case_id)
    qtbot.waitUntil(lambda: main.case_page.case_id == case_id, timeout=5000)
    assert "Local authority area: Not known" in _details(main)

    main.case_page.area_button.click()
    dialog = main.dialog
    assert isinstance(dialog, AreaDialog)
    assert dialog.area.box.currentData() is None  # an older case: nothing chosen for them
    # Its hints are readable (a disabled label's grey was 1.6:1), and not "unavailable" to a
    # screen reader.
    hints = [label for label in dialog.findChildren(QLabel) if "postcode" in label.text()
             or "comes from your hub" in label.text() or "areas" in label.text()]
    assert hints and all(label.isEnabled() for label in hints)
    qtbot.keyClicks(dialog.postcode_district, "SC1")
    assert dialog.area.box.currentText() == "Sample City (suggested from SC1)"
    dialog.accept()  # Save without confirming: refused, with words
    assert dialog.isVisible() and "not confirmed" in dialog.error.text()
    qtbot.mouseClick(dialog.area.confirm, Qt.MouseButton.LeftButton)
    dialog.accept()
    assert not dialog.isVisible()
    qtbot.waitUntil(lambda: "Local authority area: Sample City" in _details(main),
                    timeout=5000)  # stored through the runner, then shown
    case = book.get(case_id).record
    assert isinstance(case, Case) and case.local_authority == "Sample City"


def _details(main: Any) -> list[str]:
    return [w.accessibleName() for w in main.case_page.details.findChildren(QLabel)]
