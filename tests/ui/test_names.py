"""Names where names belong, and the Case page with nothing open (issue 17): the case page
says who the key worker is by name ("You" on the worker's own laptop, "a colleague (not
known on this laptop)" for someone the laptop has no name for), never a bare user id; with
no case open it says what to do next. Real casebook, real windows; names are fictional."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from spokeapp.crypto.keyfile import FAST_KDF_FOR_TESTS
from spokeapp.domain.ids import new_id
from spokeapp.domain.records import Case, YoungPerson
from spokeapp.present.people import SETTING_PREFIX, UNKNOWN
from spokeapp.store.casebook import Casebook
from spokeapp.ui.main_window import CASE, CASELOAD, MainWindow
from spokeapp.ui.views.case_page import CasePage
from tests.ui.conftest import NOW, PASSPHRASE, unlock

SUPERVISOR = "u-5a0f1e2d3c4b"
STRANGER = "u-cc790aa935c2"


def seed_with_key_workers(profile: Path) -> dict[str, str]:
    """Three cases held by this laptop's worker, a named colleague and an unknown one."""
    book, _recovery = Casebook.create(profile, PASSPHRASE, kdf=FAST_KDF_FOR_TESTS,
                                      clock=lambda: NOW)
    cases: dict[str, str] = {}
    with book:
        book.set_setting(SETTING_PREFIX + SUPERVISOR, "Test Supervisor Sam")
        for ref, holder in (("YP-TEST-01", book.author), ("YP-TEST-02", SUPERVISOR),
                            ("YP-TEST-03", STRANGER)):
            person = YoungPerson(id=new_id(), reference=ref, name=f"Test Person {ref[-2:]}",
                                 date_of_birth=date(2010, 1, 1))
            book.save(person)
            case = Case(id=new_id(), young_person_id=person.id, key_worker=holder,
                        opened_on=date(2025, 1, 6))
            book.save(case)
            cases[ref] = case.id
    return cases


def key_worker_line(page: CasePage) -> str:
    for label in page.details.findChildren(QLabel):
        if label.accessibleName().startswith("Key worker:"):
            return label.text()
    raise AssertionError("no Key worker line")


def open_case(qtbot: Any, main: MainWindow, case_id: str) -> str:
    main.open_case(case_id)
    qtbot.waitUntil(lambda: main.case_page.case_id == case_id, timeout=5000)
    qtbot.waitUntil(lambda: bool(main.people), timeout=5000)
    return key_worker_line(main.case_page)


def test_the_key_worker_is_a_name_never_an_id(
    qtbot: Any, make_shell: Any, profile: Path
) -> None:
    cases = seed_with_key_workers(profile)
    shell = make_shell()
    unlock(qtbot, shell)
    main = shell.main_window
    assert main is not None
    assert open_case(qtbot, main, cases["YP-TEST-01"]) == "You"
    assert open_case(qtbot, main, cases["YP-TEST-02"]) == "Test Supervisor Sam"
    unknown = open_case(qtbot, main, cases["YP-TEST-03"])
    assert unknown == UNKNOWN == "a colleague (not known on this laptop)"
    shown = " ".join(label.text() for label in main.case_page.details.findChildren(QLabel))
    assert STRANGER not in shown and "u-" not in shown


def test_names_learnt_later_replace_the_unknown_words_at_once(
    qtbot: Any, make_shell: Any, profile: Path
) -> None:
    cases = seed_with_key_workers(profile)
    shell = make_shell()
    unlock(qtbot, shell)
    main = shell.main_window
    assert main is not None
    assert open_case(qtbot, main, cases["YP-TEST-03"]) == UNKNOWN
    main._people_known({**main.people, STRANGER: "Test Worker Alex"})  # e.g. the team view
    assert key_worker_line(main.case_page) == "Test Worker Alex"


def test_the_case_page_with_no_case_open_says_what_to_do(
    qtbot: Any, make_shell: Any, seeded: str
) -> None:
    shell = make_shell()
    unlock(qtbot, shell)
    main = shell.main_window
    assert main is not None
    main.show_page(CASE)
    page = main.case_page
    assert page.empty_title.isVisible() and page.empty_title.text() == "No case open"
    assert "Caseload (Ctrl+2)" in page.empty.text() and "Search notes" in page.empty.text()
    # No greyed-out title and buttons around it: nothing there can be used yet.
    for hidden in (page.title, page.session_button, page.close_button, page.file_button,
                   page.splitter):
        assert not hidden.isVisible()
    qtbot.mouseClick(page.caseload_button, Qt.MouseButton.LeftButton)
    assert main.pages.currentIndex() == CASELOAD
    case_id = main.caseload_model.key(0)
    main.open_case(case_id)
    qtbot.waitUntil(lambda: page.case_id == case_id, timeout=5000)
    assert not page.empty_state.isVisible()
    assert page.title.isVisible() and page.session_button.isVisible()
