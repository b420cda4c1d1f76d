"""One Alt shortcut, one control (issue 17: Alt+H was both "high-risk visit" and "Buddy's
phone" on the visit plan, and silently ticked high-risk).

The walker opens every page of a worker's, a supervisor's and an admin's main window and every
dialog reachable from them, and fails on two controls with the same Alt+letter in the same
window, naming both. Controls on different pages of a stack (the main window's pages, a tab
widget's tabs, a wizard's pages) are never on screen together, so they may share a letter; the
menu bar's letters are on screen with every page.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import (
    QAbstractButton,
    QCheckBox,
    QDialog,
    QGroupBox,
    QLabel,
    QLineEdit,
    QMainWindow,
    QPushButton,
    QStackedWidget,
    QTabBar,
    QVBoxLayout,
    QWidget,
    QWizardPage,
)

from spokeapp.crypto.keyfile import FAST_KDF_FOR_TESTS
from spokeapp.domain.ids import new_id
from spokeapp.domain.records import (
    AlertReason,
    Case,
    CheckIn,
    CheckInKind,
    ContactType,
    EscalationAlert,
    Session,
    VenueType,
    YoungPerson,
)
from spokeapp.store.casebook import Casebook
from spokeapp.sync.engine import SyncEngine
from spokeapp.ui.main_window import close_question
from spokeapp.ui.tasks import TaskRunner
from spokeapp.ui.views.board import BoardPage
from spokeapp.ui.views.review import CaseSupervisionDialog
from tests.helpers.hub import ManualClock, RunningHub, running_hub, sqlite_url

from .conftest import NOW, unlock
from .test_board import PASSPHRASE, START, SUPERVISOR, load, plan, resolved_with_debrief, write

SUPERVISOR_NOW = datetime(2026, 3, 3, 10, 0, tzinfo=UTC)


# ---------------------------------------------------------------------------------- the walker
def mnemonic(text: str) -> str | None:
    """The letter after a single ``&`` ("&&" is a literal ampersand), lower case."""
    plain = text.replace("&&", "")
    at = plain.find("&")
    if at < 0 or at + 1 >= len(plain):
        return None
    return plain[at + 1].lower()


def _describe(widget: QWidget, text: str) -> str:
    return f"{type(widget).__name__} {text.replace('&&', '&')!r}"


def owners(window: QWidget) -> list[tuple[str, str, QWidget]]:
    """Every (letter, description, widget) that Alt+letter reaches in ``window`` itself (not
    in the dialogs it owns, which are windows of their own)."""
    found: list[tuple[str, str, QWidget]] = []
    for widget in window.findChildren(QWidget):
        if widget.window() is not window:
            continue
        texts: list[str] = []
        takes_alt = isinstance(widget, QLabel) and widget.buddy() is not None
        if isinstance(widget, QAbstractButton) or takes_alt:
            texts.append(widget.text())
        elif isinstance(widget, QGroupBox):
            texts.append(widget.title())
        elif isinstance(widget, QTabBar):
            texts.extend(widget.tabText(n) for n in range(widget.count()))
        for text in texts:
            letter = mnemonic(text)
            if letter is not None:
                found.append((letter, _describe(widget, text), widget))
    if isinstance(window, QMainWindow):
        for action in window.menuBar().actions():
            letter = mnemonic(action.text())
            if letter is not None:
                found.append((letter, f"menu {action.text()!r}", window.menuBar()))
    return found


def _page_in(widget: QWidget, stack: QWidget) -> QWidget | None:
    """The child of ``stack`` that holds ``widget`` (None: ``widget`` is not inside it)."""
    child: QWidget | None = widget
    while child is not None and child.parentWidget() is not stack:
        child = child.parentWidget()
    return child


def _never_together(a: QWidget, b: QWidget) -> bool:
    """On different pages of a stack (or of a wizard): never on screen at the same time."""
    for side, other in ((a, b), (b, a)):
        ancestor = side.parentWidget()
        while ancestor is not None:
            if isinstance(ancestor, QStackedWidget):
                mine, theirs = _page_in(side, ancestor), _page_in(other, ancestor)
                if mine is not None and theirs is not None and mine is not theirs:
                    return True
            ancestor = ancestor.parentWidget()
    page_a = next((w for w in _ancestors(a) if isinstance(w, QWizardPage)), None)
    page_b = next((w for w in _ancestors(b) if isinstance(w, QWizardPage)), None)
    return page_a is not None and page_b is not None and page_a is not page_b


def _ancestors(widget: QWidget) -> Iterator[QWidget]:
    current: QWidget | None = widget
    while current is not None:
        yield current
        current = current.parentWidget()


def clashes(window: QWidget) -> list[str]:
    """Two controls of ``window`` with the same Alt+letter, that can be on screen together."""
    found = owners(window)
    problems = []
    for n, (letter, first, a) in enumerate(found):
        for other_letter, second, b in found[n + 1:]:
            if letter == other_letter and a is not b and not _never_together(a, b):
                title = window.windowTitle() or type(window).__name__
                problems.append(f"{title}: Alt+{letter.upper()} is both {first} and {second}")
    return problems


def walked(window: QWidget, seen: list[str]) -> list[str]:
    """Record that ``window`` was walked; its clashes."""
    seen.append(window.windowTitle() or type(window).__name__)
    return clashes(window)


def close_dialog(dialog: QDialog) -> None:
    if hasattr(dialog, "dirty"):
        dialog.dirty = False  # nothing of this walk is worth keeping
    dialog.reject()


# ------------------------------------------------------------------------- the walker, tested
def test_the_walker_names_both_controls_of_a_clash_and_ignores_other_pages(qtbot: Any) -> None:
    window = QDialog()
    window.setWindowTitle("Test form")
    qtbot.addWidget(window)
    layout = QVBoxLayout(window)
    high = QCheckBox("A &high-risk visit", window)
    phone = QLineEdit(window)
    label = QLabel("Buddy's p&hone", window)
    label.setBuddy(phone)
    for widget in (high, label, phone):
        layout.addWidget(widget)
    stack = QStackedWidget(window)
    stack.addWidget(QPushButton("&Save", stack))
    stack.addWidget(QPushButton("&Send", stack))
    layout.addWidget(stack)

    assert clashes(window) == [
        "Test form: Alt+H is both QCheckBox 'A &high-risk visit' and QLabel \"Buddy's p&hone\""
    ]
    label.setText("Buddy's &phone")
    assert clashes(window) == [], "the two pages of a stack are never shown together"
    layout.addWidget(QPushButton("&Print", window))
    assert clashes(window) == [
        "Test form: Alt+P is both QLabel \"Buddy's &phone\" and QPushButton '&Print'"
    ]


# ------------------------------------------------------------------------------ a worker's
def _finalised_session(book: Casebook, case_id: str) -> None:
    book.save(
        Session(
            id=new_id(), case_id=case_id, contact_type=ContactType.ONE_TO_ONE,
            occurred_at=NOW, duration_minutes=30, venue_type=VenueType.CAFE,
            discussed="Fictional: talked about the bus home.",
        ),
        finalise=True,
    )


def test_every_page_and_dialog_of_a_worker_s_window_has_its_own_letters(
    qtbot: Any, make_shell: Any, seeded: str
) -> None:
    shell = make_shell()
    unlock(qtbot, shell)
    main = shell.main_window
    case_id = main.caseload_model.row_at(0).case_id
    _finalised_session(shell.book, case_id)
    main.open_case(case_id)
    qtbot.waitUntil(lambda: main.case_page.case_id == case_id, timeout=5000)
    qtbot.waitUntil(lambda: main.case_page.timeline_model.rowCount() > 1, timeout=5000)
    seen: list[str] = []
    problems: list[str] = []
    for number in range(main.pages.count()):
        main.show_page(number)
        problems += walked(main, seen)
    assert main.pages.count() >= 10

    record_id = next(s.record.id for s in shell.book.records("session", case_id=case_id))
    openers = {
        "referral": main.new_referral,
        "risk assessment": lambda: main.assess(case_id),
        "concern": lambda: main.raise_concern(case_id),
        "consent": lambda: main.record_consent(case_id),
        "file": lambda: main.share_file(case_id),
        "amendment": lambda: main.amend(case_id, record_id),
        "correct details": lambda: main.correct_details(case_id),
        "area": lambda: main.set_case_area(case_id),
        "group": main.new_group,
        "training": main.new_professional,
        "PINs": main.visits.open_pins,
    }
    for name, opener in openers.items():
        opener()
        dialog = main.visits.dialog if name == "PINs" else main.dialog
        assert dialog is not None and dialog.isVisible(), name
        problems += walked(dialog, seen)
        close_dialog(dialog)

    main.close_case(case_id)
    wizard = main.dialog
    assert wizard is not None
    problems += walked(wizard, seen)
    wizard.reason_page.reason.setCurrentIndex(wizard.reason_page.reason.findData("outcomes_met"))
    wizard.next()
    wizard.assessment_page.new_button.click()
    problems += walked(main.closing_assessment, seen)
    close_dialog(main.closing_assessment)
    close_dialog(wizard)

    question = close_question(main, ["1 session note not sent yet"])
    problems += walked(question, seen)
    question.close()
    qtbot.waitUntil(lambda: not main.tasks.busy, timeout=5000)

    assert len(seen) >= main.pages.count() + len(openers) + 3, seen
    assert not sorted(set(problems)), "\n".join(sorted(set(problems)))


# ------------------------------------------------------------------ a supervisor's and an admin's
@pytest.fixture
def hub(tmp_path: Path) -> Iterator[RunningHub]:
    with running_hub(sqlite_url(tmp_path / "hub")) as running:
        yield running


def _enrolled(folder: Path, hub: RunningHub, user_id: str) -> Casebook:
    book, _ = Casebook.create(folder, "test passphrase one", kdf=FAST_KDF_FOR_TESTS)
    SyncEngine(book).enrol(hub.base_url, hub.admin.enrolment_code(user_id), "Test laptop")
    return book


@pytest.fixture
def windows(main_windows: Any) -> Any:
    return lambda book: main_windows(book, clock=lambda: SUPERVISOR_NOW)


def test_every_page_and_dialog_of_a_supervisor_s_and_an_admin_s_window(
    qtbot: Any, tmp_path: Path, hub: RunningHub, windows: Any
) -> None:
    sup_id = hub.admin.add_user("Test Supervisor Xena", "supervisor", "team-x")
    admin_id = hub.admin.add_user("Test Admin Ada", "admin")
    seen: list[str] = []
    problems: list[str] = []
    with _enrolled(tmp_path / "sup", hub, sup_id) as book:
        person = YoungPerson(id=new_id(), reference="YP-TEST-09", name="Test Person Iota",
                             date_of_birth=date(2011, 5, 1))
        case = Case(id=new_id(), young_person_id=person.id, key_worker="u-test-worker",
                    opened_on=date(2026, 1, 5))
        book.save(person)
        book.save(case)
        main = windows(book)
        assert main.review is not None and main.team is not None
        assert main.board is not None and main.audit is not None
        for number in range(main.pages.count()):
            main.show_page(number)
            problems += walked(main, seen)
        main.open_case(case.id)
        qtbot.waitUntil(lambda: main.case_page.case_id == case.id, timeout=5000)
        problems += walked(main, seen)
        main.reassign(case.id)
        assert main.dialog is not None
        problems += walked(main.dialog, seen)
        close_dialog(main.dialog)
        supervision = CaseSupervisionDialog(book, case.id, "YP-TEST-09",
                                            today=SUPERVISOR_NOW.date(), parent=main.review,
                                            tasks=main.tasks)
        problems += walked(supervision, seen)
        close_dialog(supervision)
        main.tasks.wait()
        qtbot.waitUntil(lambda: not main.tasks.busy, timeout=5000)
        main.close()
    with _enrolled(tmp_path / "admin", hub, admin_id) as book:
        main = windows(book)
        assert main.audit is not None
        for number in range(main.pages.count()):
            main.show_page(number)
            problems += walked(main, seen)
        main.show_page(main.pages.indexOf(main.audit))
        report = main.audit.open_device_report()
        problems += walked(report, seen)
        report.close()
        main.tasks.wait()
        qtbot.waitUntil(lambda: not main.tasks.busy, timeout=10_000)
        main.close()
    assert len(seen) >= 20, seen
    assert not sorted(set(problems)), "\n".join(sorted(set(problems)))


def test_the_board_s_resolve_and_debrief_dialogs_have_their_own_letters(
    qtbot: Any, tmp_path: Path
) -> None:
    clock = ManualClock(START)
    book, _ = Casebook.create(tmp_path / "supervisor", PASSPHRASE, kdf=FAST_KDF_FOR_TESTS,
                              clock=clock, author=SUPERVISOR)
    tasks = TaskRunner()
    with book:
        board = BoardPage(book, tasks, clock=clock, recompute_every_ms=60_000)
        qtbot.addWidget(board)
        board.show()
        seen: list[str] = []
        problems = walked(board, seen)
        visit = plan()
        write(book, visit)
        clock.advance(minutes=10)
        duress = CheckIn(id=new_id(), visit_id=visit.id, kind=CheckInKind.DURESS, at=clock())
        write(book, duress, EscalationAlert(
            id=new_id(), visit_id=visit.id, tier="manager_decision", raised_at=clock(),
            recipients=("manager",), reason=AlertReason.DURESS, cause_id=duress.id,
        ))
        resolved_with_debrief(book, clock, plan(location="Demo Cafe, Example Road"))
        load(qtbot, board)
        board.select_visit(visit.id)
        resolve = board.resolve()
        assert resolve is not None
        problems += walked(resolve, seen)
        close_dialog(resolve)
        board.debrief_table.selectRow(0)
        debrief = board.debrief_done()
        assert debrief is not None
        problems += walked(debrief, seen)
        close_dialog(debrief)
        tasks.wait()
        board.close()
    assert len(seen) == 3, seen
    assert not sorted(set(problems)), "\n".join(sorted(set(problems)))


def test_on_the_visit_plan_alt_h_is_only_the_high_risk_box(
    qtbot: Any, make_shell: Any, seeded: str
) -> None:
    """The trip-up itself: Alt+H was also "Buddy's phone" and ticked high-risk instead."""
    shell = make_shell()
    unlock(qtbot, shell)
    main = shell.main_window
    main.show_page(main.pages.indexOf(main.visits))
    plan = main.visits.form
    on_page = [(letter, widget) for letter, _text, widget in owners(main)
               if main.visits.isAncestorOf(widget)]
    assert [widget for letter, widget in on_page if letter == "h"] == [plan.high_risk]
    phone_labels = [w for _l, w in on_page
                    if isinstance(w, QLabel) and w.buddy() is plan.buddy_phone]
    assert [mnemonic(w.text()) for w in phone_labels] == ["n"]
