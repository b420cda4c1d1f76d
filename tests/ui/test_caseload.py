"""The caseload table: a well-behaved model, fictional rows, risk in words, hiding names."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtTest import QAbstractItemModelTester

from spokeapp.domain.ids import new_id
from spokeapp.domain.records import ContactType, Session
from spokeapp.store.casebook import Casebook
from spokeapp.ui.models.caseload import CaseloadModel, Column

from .conftest import PASSPHRASE, unlock


def rows_of(proxy: Any, column: int) -> list[str]:
    return [proxy.index(r, column).data() for r in range(proxy.rowCount())]


def test_model_passes_the_qt_model_tester(qtbot: Any, profile: Path, seeded: str) -> None:
    with Casebook.open(profile, PASSPHRASE) as book:
        rows = book.caseload()
    model = CaseloadModel()
    tester = QAbstractItemModelTester(model, QAbstractItemModelTester.FailureReportingMode.Warning)
    model.set_rows(rows)
    model.set_hide_names(True)
    model.set_hide_names(False)
    model.set_rows([])
    model.set_rows(rows)
    assert model.rowCount() == 2
    assert tester is not None  # the autouse fixture fails the test on any tester warning


def test_caseload_page_shows_cases(qtbot: Any, make_shell: Any, seeded: str) -> None:
    shell = make_shell()
    unlock(qtbot, shell)
    main = shell.main_window
    main.page_actions[1].trigger()
    assert main.current_page_title == "Caseload"
    proxy = main.caseload.proxy
    assert rows_of(proxy, Column.REFERENCE) == ["YP-TEST-01", "YP-TEST-02"]
    assert rows_of(proxy, Column.NAME) == ["Test Person Alpha", "Test Person Beta"]
    assert rows_of(proxy, Column.RISK) == ["High", "Not assessed"]
    assert rows_of(proxy, Column.LAST_CONTACT) == ["No contact yet", "No contact yet"]
    assert rows_of(proxy, Column.STATUS) == ["Open", "Open"]
    swatch = proxy.index(0, Column.RISK).data(Qt.ItemDataRole.DecorationRole)
    assert isinstance(swatch, QColor), "risk has a colour swatch as well as its word"

    main.caseload.table.sortByColumn(Column.RISK, Qt.SortOrder.DescendingOrder)
    assert rows_of(proxy, Column.REFERENCE) == ["YP-TEST-01", "YP-TEST-02"]
    qtbot.keyClicks(main.caseload.filter_edit, "beta")
    assert rows_of(proxy, Column.REFERENCE) == ["YP-TEST-02"]


def test_hide_names_shows_references_only(
    qtbot: Any, make_shell: Any, seeded: str, profile: Path
) -> None:
    shell = make_shell()
    unlock(qtbot, shell)
    page = shell.main_window.caseload
    page.hide_names.setChecked(True)
    assert page.table.isColumnHidden(Column.NAME)
    assert rows_of(page.proxy, Column.NAME) == ["", ""]
    page.filter_edit.setText("Alpha")
    assert page.proxy.rowCount() == 0, "names cannot be found while hidden"
    page.filter_edit.setText("YP-TEST-01")
    assert page.proxy.rowCount() == 1
    form = shell.main_window.session_form
    texts = [form.case_box.itemText(i) for i in range(form.case_box.count())]
    assert not any("Test Person" in t for t in texts)

    shell.lock()  # the choice is remembered (inside the casebook) for next time
    unlock(qtbot, shell)
    assert shell.main_window.caseload.table.isColumnHidden(Column.NAME)


def test_notes_found_get_room_to_be_read(
    qtbot: Any, make_shell: Any, seeded: str, profile: Path
) -> None:
    """The search pane was one line high while it had no results, and stayed so when they
    came: "6 notes found" showed two rows under a half-empty caseload. When results appear
    they get two fifths of the page; cleared, the space goes back to the cases."""
    with Casebook.open(profile, PASSPHRASE) as book:
        case = next(s.record for s in book.records("case"))
        for n in range(6):
            book.save(Session(
                id=new_id(), case_id=case.id, contact_type=ContactType.PHONE,
                occurred_at=datetime(2025, 3, 10 + n, 17, 0, tzinfo=UTC), duration_minutes=20,
                discussed=f"Talked about the skatepark on Saturdays, week {n}."), finalise=True)
    shell = make_shell()
    unlock(qtbot, shell)
    main = shell.main_window
    main.resize(1280, 800)
    main.show_page(1)
    page = main.caseload
    qtbot.keyClicks(page.search_edit, "skatepark")
    qtbot.waitUntil(lambda: page.hits_model.rowCount() == 6, timeout=5000)
    assert page.search_status.text() == "6 notes found"
    row_height = page.hits.verticalHeader().defaultSectionSize()
    shown = page.hits.viewport().height() // row_height
    assert shown >= 5, f"only {shown} rows of notes found can be seen"

    page.search_edit.clear()
    page.search_now()
    assert page.hits.isHidden()
    assert page.table.height() > page.height() * 2 // 3


def test_a_filter_that_shows_nothing_says_so_and_where_the_other_cases_are(
    qtbot: Any, make_shell: Any, seeded: str, profile: Path
) -> None:
    """Filtered to nothing the caseload was a blank table: nothing said no case matched, nor
    that Show: Open cases was leaving the closed case out."""
    import dataclasses
    from datetime import date

    from spokeapp.domain.records import Case, CaseStatus

    with Casebook.open(profile, PASSPHRASE) as book:
        beta = next(s.record for s in book.records("case")
                    if isinstance(s.record, Case)
                    and s.record.id == book.caseload()[1].case_id)
        book.save(dataclasses.replace(beta, status=CaseStatus.CLOSED,
                                      closed_on=date(2025, 3, 1)))
    shell = make_shell()
    unlock(qtbot, shell)
    page = shell.main_window.caseload
    shell.main_window.page_actions[1].trigger()
    assert page.empty_label.isHidden()

    qtbot.keyClicks(page.filter_edit, "zzzz")
    assert page.proxy.rowCount() == 0
    assert page.empty_label.isVisible()
    assert page.empty_label.text() == (
        "No cases match \u201czzzz\u201d, open or closed. Check the spelling, or clear the "
        "filter.")

    page.filter_edit.setText("YP-TEST-02")  # the closed case, left out by Show: Open cases
    assert page.empty_label.text() == (
        "No cases match \u201cYP-TEST-02\u201d in Show: Open cases. 1 case that is not shown "
        "matches: choose All cases in Show to see it.")
    page.show_box.setCurrentIndex(page.show_box.findData("all"))
    assert rows_of(page.proxy, Column.REFERENCE) == ["YP-TEST-02"]
    assert page.empty_label.isHidden()

    page.filter_edit.setText("YP-TEST-01")
    page.show_box.setCurrentIndex(page.show_box.findData("closed"))
    assert page.empty_label.text() == (
        "No cases match \u201cYP-TEST-01\u201d in Show: Closed cases. 1 case that is not shown "
        "matches: choose All cases in Show to see it.")
