"""Walk every page and dialog of a worker's, a supervisor's and an admin's window, and the
lone-working board's dialogs, calling one check on each window shown.

The mnemonic-clash walker (``test_mnemonics.py``) and the pseudo-locale walker
(``test_translation.py``) share these walks, so a page or dialog added to one is walked by both.
A check returns its problems as lines of text; a :class:`Walk` gathers them with the names of
the windows it saw (so a test can assert the walk really went everywhere).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QDialog, QWidget

from spokeapp.crypto.keyfile import FAST_KDF_FOR_TESTS
from spokeapp.domain.ids import new_id
from spokeapp.domain.records import (
    ActivityType,
    AlertReason,
    Case,
    CheckIn,
    CheckInKind,
    ContactType,
    EscalationAlert,
    GroupSession,
    GroupSetting,
    Profession,
    ProfessionalActivity,
    Session,
    VenueType,
    YoungPerson,
)
from spokeapp.store.casebook import Casebook
from spokeapp.sync.engine import SyncEngine
from spokeapp.ui.main_window import close_question
from spokeapp.ui.tasks import TaskRunner
from spokeapp.ui.views.attachments import Source
from spokeapp.ui.views.board import BoardPage
from spokeapp.ui.views.review import CaseSupervisionDialog
from tests.helpers.hub import ManualClock, RunningHub

from .conftest import NOW, unlock
from .test_attachments import tiny_pdf
from .test_board import PASSPHRASE, START, SUPERVISOR, load, plan, resolved_with_debrief, write

SUPERVISOR_NOW = datetime(2026, 3, 3, 10, 0, tzinfo=UTC)

Check = Callable[[QWidget], list[str]]


@dataclass
class Walk:
    """One walk: the check, the windows seen and the problems found."""

    check: Check
    seen: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def visit(self, window: QWidget) -> None:
        self.seen.append(window.windowTitle() or type(window).__name__)
        self.problems += self.check(window)

    def report(self) -> str:
        return "\n".join(sorted(set(self.problems)))


def close_dialog(dialog: QDialog) -> None:
    if hasattr(dialog, "dirty"):
        dialog.dirty = False  # nothing of this walk is worth keeping
    dialog.reject()


def _finalised_session(book: Casebook, case_id: str) -> None:
    book.save(
        Session(
            id=new_id(), case_id=case_id, contact_type=ContactType.ONE_TO_ONE,
            occurred_at=NOW, duration_minutes=30, venue_type=VenueType.CAFE,
            discussed="Fictional: talked about the bus home.",
        ),
        finalise=True,
    )


def _group_and_training(book: Casebook) -> None:
    """Work with groups and professionals, so the Group and professional work page and the
    report have rows to show."""
    book.save(GroupSession(id=new_id(), held_on=NOW.date(), setting=GroupSetting.SCHOOL,
                           topic="Demo talk", young_people_reached=25), finalise=True)
    book.save(ProfessionalActivity(
        id=new_id(), held_on=NOW.date(), activity_type=ActivityType.TRAINING,
        topic="Demo training", attendees_by_profession=((Profession.POLICE, 4),),
    ), finalise=True)


def walk_worker(qtbot: Any, shell: Any, walk: Walk) -> int:
    """Unlock ``shell`` and walk every page and dialog a worker can open; the number of
    windows a complete walk must have seen."""
    unlock(qtbot, shell)
    main = shell.main_window
    case_id = main.caseload_model.row_at(0).case_id
    _finalised_session(shell.book, case_id)
    _group_and_training(shell.book)
    main.open_case(case_id)
    qtbot.waitUntil(lambda: main.case_page.case_id == case_id, timeout=5000)
    qtbot.waitUntil(lambda: main.case_page.timeline_model.rowCount() > 1, timeout=5000)
    main.record_session_for(case_id)  # the session page as a worker sees it: for a case
    for number in range(main.pages.count()):
        main.show_page(number)
        walk.visit(main)
    assert main.pages.count() >= 10

    record_id = next(s.record.id for s in shell.book.records("session", case_id=case_id))
    documents = main.case_page.documents  # a document to preview, selected
    shell.book.attach(tiny_pdf(), case_id=case_id, title="Fictional",
                      file_name="letter.pdf", document_date=NOW.date())
    documents.refresh()
    qtbot.waitUntil(lambda: len(documents.lines) == 1, timeout=5000)
    documents.select(documents.lines[0].attachment.id)
    letter = tiny_pdf(2)
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
        "add a document": lambda: documents.add_source(
            Source(letter, "Fictional.pdf", len(letter))),
        "preview a document": documents.preview,
    }
    for name, opener in openers.items():
        opener()
        dialog = main.visits.dialog if name == "PINs" else main.dialog
        if "document" in name:  # the case page's Documents open their own (a preview reads)
            dialog = documents.dialog
            qtbot.waitUntil(lambda: not main.tasks.busy, timeout=5000)
        assert dialog is not None and dialog.isVisible(), name
        walk.visit(dialog)
        close_dialog(dialog)

    main.close_case(case_id)
    wizard = main.dialog
    assert wizard is not None
    walk.visit(wizard)
    wizard.reason_page.reason.setCurrentIndex(wizard.reason_page.reason.findData("outcomes_met"))
    wizard.next()
    walk.visit(wizard)
    wizard.assessment_page.new_button.click()
    walk.visit(main.closing_assessment)
    close_dialog(main.closing_assessment)
    close_dialog(wizard)

    question = close_question(main, ["1 session note not sent yet"])
    walk.visit(question)
    question.close()
    qtbot.waitUntil(lambda: not main.tasks.busy, timeout=5000)
    return main.pages.count() + len(openers) + 4


def _enrolled(folder: Path, hub: RunningHub, user_id: str) -> Casebook:
    book, _ = Casebook.create(folder, "test passphrase one", kdf=FAST_KDF_FOR_TESTS)
    SyncEngine(book).enrol(hub.base_url, hub.admin.enrolment_code(user_id), "Test laptop")
    return book


def walk_supervisor_and_admin(
    qtbot: Any, tmp_path: Path, hub: RunningHub, main_windows: Any, walk: Walk
) -> int:
    """Walk every page of a supervisor's and an admin's window and their dialogs."""
    sup_id = hub.admin.add_user("Test Supervisor Xena", "supervisor", "team-x")
    admin_id = hub.admin.add_user("Test Admin Ada", "admin")

    def windows(book: Casebook) -> Any:
        return main_windows(book, clock=lambda: SUPERVISOR_NOW)

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
            walk.visit(main)
        main.open_case(case.id)
        qtbot.waitUntil(lambda: main.case_page.case_id == case.id, timeout=5000)
        walk.visit(main)
        main.reassign(case.id)
        assert main.dialog is not None
        walk.visit(main.dialog)
        close_dialog(main.dialog)
        supervision = CaseSupervisionDialog(book, case.id, "YP-TEST-09",
                                            today=SUPERVISOR_NOW.date(), parent=main.review,
                                            tasks=main.tasks)
        walk.visit(supervision)
        close_dialog(supervision)
        main.tasks.wait()
        qtbot.waitUntil(lambda: not main.tasks.busy, timeout=5000)
        main.close()
    with _enrolled(tmp_path / "admin", hub, admin_id) as book:
        main = windows(book)
        assert main.audit is not None
        for number in range(main.pages.count()):
            main.show_page(number)
            walk.visit(main)
        main.show_page(main.pages.indexOf(main.audit))
        report = main.audit.open_device_report()
        walk.visit(report)
        report.close()
        main.tasks.wait()
        qtbot.waitUntil(lambda: not main.tasks.busy, timeout=10_000)
        main.close()
    return 20


def walk_board(qtbot: Any, tmp_path: Path, walk: Walk) -> int:
    """The lone-working board with a duress alert and a debrief due, and its dialogs."""
    clock = ManualClock(START)
    book, _ = Casebook.create(tmp_path / "supervisor", PASSPHRASE, kdf=FAST_KDF_FOR_TESTS,
                              clock=clock, author=SUPERVISOR)
    tasks = TaskRunner()
    with book:
        board = BoardPage(book, tasks, clock=clock, recompute_every_ms=60_000)
        qtbot.addWidget(board)
        board.show()
        walk.visit(board)
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
        walk.visit(board)
        board.select_visit(visit.id)
        resolve = board.resolve()
        assert resolve is not None
        walk.visit(resolve)
        close_dialog(resolve)
        board.debrief_table.selectRow(0)
        debrief = board.debrief_done()
        assert debrief is not None
        walk.visit(debrief)
        close_dialog(debrief)
        tasks.wait()
        board.close()
    return 4
