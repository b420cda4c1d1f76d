"""Review and sign-off, end to end: real main windows on real casebooks, syncing through a real
hub on loopback. Workers and supervisors are fictional; every sync is the window's own
"Sync now" (the bridge's background sync, as a person would trigger it)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from spokeapp.domain.ids import new_id
from spokeapp.domain.records import (
    AssessmentType,
    CaseStatus,
    Closure,
    ClosureReason,
    Outcome,
    RaisedTo,
    RiskAssessment,
    SafeguardingConcern,
    SignOff,
    SignOffOutcome,
    SupervisionComment,
)
from spokeapp.hub.cli import main as spoke_hub
from spokeapp.sync.engine import SyncReport
from spokeapp.ui.main_window import SHORTCUT_ROLE, MainWindow
from spokeapp.ui.views.review import ReassignDialog, ReviewPage
from tests.helpers.hub import RunningHub, running_hub, sqlite_url
from tests.helpers.records import person_name
from tests.helpers.sync_world import Device, World, finalised_session, open_case
from tests.ui.test_accessibility import unnamed_controls

NOW = datetime(2026, 3, 3, 10, 0, tzinfo=UTC)
NOTE = "Fictional note: talked about the bus home and a new older friend."
COMMENT = "Good catch on the older friend; please raise it at the next strategy meeting."
RETURN = "Not yet: please do the closing risk assessment before closing."


def clock() -> datetime:
    return NOW


@pytest.fixture
def hub(tmp_path: Path) -> Iterator[RunningHub]:
    with running_hub(sqlite_url(tmp_path / "hub")) as running:
        yield running


@pytest.fixture
def world(hub: RunningHub, tmp_path: Path) -> Iterator[World]:
    world = World(hub, tmp_path / "laptops")
    yield world
    world.close()


@pytest.fixture
def windows(main_windows: Any, world: World) -> Any:
    # Depends on ``world`` so that the windows (and the background loads they started) are
    # finished before the world closes the laptops' casebooks.
    return lambda device: main_windows(device.book, clock=clock, engine=device.engine)


def sync(qtbot: Any, main: MainWindow) -> SyncReport:
    """Press "Sync now" on the Sync page and wait for the sync and the refresh it causes."""
    with qtbot.waitSignal(main.sync.finished, timeout=30_000) as blocker:
        main.sync_page.sync_button.click()
    report: SyncReport = blocker.args[0]
    assert report.error is None, report.error
    main._tasks.wait()
    qtbot.wait(10)  # deliver the refresh callbacks queued on the GUI thread
    main._tasks.wait()
    return report


def review_page(qtbot: Any, main: MainWindow) -> ReviewPage:
    review = main.review
    assert review is not None, "a supervisor's window has the Review page"
    main.show_page(main.pages.indexOf(review))
    assert main.current_page_title == "Review"
    qtbot.waitUntil(lambda: review.data is not None, timeout=5000)
    return review


def queue_cells(review: ReviewPage) -> list[tuple[str, ...]]:
    return [row.cells for row in review.queue_model.rows]


def timeline_text(main: MainWindow) -> str:
    return "\n".join(" | ".join(r.cells) for r in main.case_page.timeline_model.rows)


def open_case_page(qtbot: Any, main: MainWindow, case_id: str) -> None:
    main.open_case(case_id)
    main._tasks.wait()  # the case is loaded (also when this page already showed it)
    qtbot.waitUntil(lambda: main.case_page.case_id == case_id, timeout=5000)


@pytest.fixture
def team(world: World) -> tuple[Device, Device]:
    worker = world.device(world.add_user("Test Worker A", "worker", "team-x"), "worker-a")
    supervisor = world.device(
        world.add_user("Test Supervisor X", "supervisor", "team-x"), "supervisor-x"
    )
    return worker, supervisor


def test_a_synced_note_reaches_the_queue_and_the_comment_comes_back(
    qtbot: Any, windows: Any, team: tuple[Device, Device]
) -> None:
    worker, supervisor = team
    case = open_case(worker.book, worker.user_id, 1)
    note = finalised_session(worker.book, case.id, NOTE)
    worker_main = windows(worker)
    assert worker_main.review is None, "workers have no Review page"
    sync(qtbot, worker_main)

    sup_main = windows(supervisor)
    review = review_page(qtbot, sup_main)
    assert queue_cells(review) == []
    sync(qtbot, sup_main)
    qtbot.waitUntil(lambda: len(queue_cells(review)) == 1
                    and queue_cells(review)[0][3] == "Test Worker A", timeout=5000)
    reference, what, _when, author = queue_cells(review)[0]
    assert (reference, author) == ("YP-TEST-01", "Test Worker A")  # named by the team view
    assert what.startswith("Session")
    assert NOTE in review.note.toPlainText()
    assert unnamed_controls(review) == []
    context = review.context.toPlainText()
    assert "YP-TEST-01" in context and "Test Worker A" in context  # the case beside the note

    # Comment, then mark reviewed: the note leaves the queue.
    review.comment.setPlainText(COMMENT)
    review.comment_button.click()
    qtbot.waitUntil(lambda: COMMENT in review.context.toPlainText(), timeout=5000)
    review.review_button.click()
    qtbot.waitUntil(lambda: queue_cells(review) == [], timeout=5000)
    assert "0 notes to review" in review.summary.text()
    sync(qtbot, sup_main)

    # The worker's next sync brings the comment: on the record's case page, and on Today.
    assert worker_main.today.supervisor_comments.model.rowCount() == 0
    sync(qtbot, worker_main)
    comments = worker_main.today.supervisor_comments
    qtbot.waitUntil(lambda: comments.model.rowCount() == 1, timeout=5000)
    reference, about, text, _written = comments.model.row_at(0).cells
    assert (reference, about, text) == ("YP-TEST-01", "Session note", COMMENT)
    open_case_page(qtbot, worker_main, case.id)
    qtbot.waitUntil(lambda: COMMENT in timeline_text(worker_main), timeout=5000)
    assert "Supervisor comment on session note" in timeline_text(worker_main)
    note_row = next(
        r for r in worker_main.case_page.timeline_model.rows if r.key == note.id
    )
    assert "reviewed" in note_row.cells[3]

    # Marking read is this laptop's business: the comment leaves Today and stays gone.
    comments.read_button.click()
    qtbot.waitUntil(lambda: comments.model.rowCount() == 0, timeout=5000)
    worker_main.refresh()
    worker_main._tasks.wait()
    qtbot.wait(10)
    assert comments.model.rowCount() == 0
    assert COMMENT in timeline_text(worker_main)  # still on the record
    assert worker.book.records("supervision_comment")[0].author == supervisor.user_id


def test_a_returned_closure_reopens_the_case_for_the_worker(
    qtbot: Any, windows: Any, team: tuple[Device, Device]
) -> None:
    worker, supervisor = team
    case = open_case(worker.book, worker.user_id, 1)
    finalised_session(worker.book, case.id, NOTE)
    closure = Closure(
        id=new_id(), case_id=case.id, closed_on=date(2026, 3, 2),
        reason=ClosureReason.MOVED_AWAY, outcome=Outcome.INCOMPLETE,
        no_assessment_reason="Moved out of area before a closing assessment.",
    )
    worker.book.save(closure, finalise=True)
    worker.book.save(replace(case, status=CaseStatus.CLOSED, closed_on=date(2026, 3, 2)))
    worker_main = windows(worker)
    open_case_page(qtbot, worker_main, case.id)
    assert "closure awaiting supervisor sign-off" in worker_main.case_page.title.text()
    sync(qtbot, worker_main)

    sup_main = windows(supervisor)
    sync(qtbot, sup_main)
    review = review_page(qtbot, sup_main)
    qtbot.waitUntil(lambda: review.sign_model.rowCount() == 1, timeout=5000)
    assert review.sign_model.row_at(0).cells[:2] == ("YP-TEST-01", "Case closure")
    assert "Moved out of area" in review.request.toPlainText()

    # Returning needs a comment: without one nothing is saved.
    review.return_button.click()
    assert not review.return_button.isEnabled(), "no second decision while the first saves"
    qtbot.waitUntil(review.request_message.isVisible, timeout=5000)
    assert review.return_button.isEnabled()
    assert "say why" in review.request_message.text()
    assert supervisor.book.records("sign_off") == []
    review.decision_comment.setPlainText(RETURN)
    review.return_button.click()
    qtbot.waitUntil(lambda: review.sign_model.rowCount() == 0, timeout=5000)
    assert "reopens" in review.request_message.text()
    sync(qtbot, sup_main)

    report = sync(qtbot, worker_main)
    assert report.pulled >= 2
    stored_case = worker.book.get(case.id).record
    assert (stored_case.status, stored_case.closed_on) == (CaseStatus.OPEN, None)
    qtbot.waitUntil(lambda: RETURN in timeline_text(worker_main), timeout=5000)
    page = worker_main.case_page
    assert "(closed)" not in page.title.text()
    assert "Returned by supervisor (closure)" in timeline_text(worker_main)
    closure_row = next(r for r in page.timeline_model.rows if r.key == closure.id)
    assert "returned by supervisor" in closure_row.cells[3]
    page.select_record(closure.id)
    # By name, learnt from the hub at the sync (GET /v1/people), never the bare id (issue 17).
    qtbot.waitUntil(lambda: "Sign-off: Returned by Test Supervisor X"
                    in page.detail.toPlainText(), timeout=5000)
    assert supervisor.user_id not in page.detail.toPlainText()
    assert RETURN in page.detail.toPlainText()
    assert page.session_button.isEnabled(), "the worker can carry on working the case"
    today = worker_main.today.supervisor_comments
    qtbot.waitUntil(lambda: today.model.rowCount() == 1, timeout=5000)
    assert today.model.row_at(0).cells[:3] == (
        "YP-TEST-01", "Closure returned: the case is open again", RETURN
    )
    decision = worker.book.records("sign_off")[0].record
    assert isinstance(decision, SignOff)
    assert decision.outcome is SignOffOutcome.RETURNED


def test_an_approved_closure_stays_closed(
    qtbot: Any, windows: Any, team: tuple[Device, Device]
) -> None:
    worker, supervisor = team
    case = open_case(worker.book, worker.user_id, 1)
    closure = Closure(
        id=new_id(), case_id=case.id, closed_on=date(2026, 3, 2),
        reason=ClosureReason.MOVED_AWAY, outcome=Outcome.INCOMPLETE,
        no_assessment_reason="Moved out of area before a closing assessment.",
    )
    worker.book.save(closure, finalise=True)
    worker.book.save(replace(case, status=CaseStatus.CLOSED, closed_on=date(2026, 3, 2)))
    worker_main = windows(worker)
    sync(qtbot, worker_main)
    sup_main = windows(supervisor)
    sync(qtbot, sup_main)
    review = review_page(qtbot, sup_main)
    qtbot.waitUntil(lambda: review.sign_model.rowCount() == 1, timeout=5000)
    review.approve_button.click()
    qtbot.waitUntil(lambda: review.sign_model.rowCount() == 0, timeout=5000)
    sync(qtbot, sup_main)
    sync(qtbot, worker_main)
    assert worker.book.get(case.id).record.status is CaseStatus.CLOSED
    open_case_page(qtbot, worker_main, case.id)
    qtbot.waitUntil(lambda: "signed off" in timeline_text(worker_main), timeout=5000)
    assert "(closed)" in worker_main.case_page.title.text()
    assert "awaiting" not in worker_main.case_page.title.text()


@pytest.mark.parametrize("by", ["hub administrator", "team supervisor"])
def test_a_reassigned_case_leaves_one_laptop_and_reaches_another(
    qtbot: Any, windows: Any, world: World, team: tuple[Device, Device], by: str
) -> None:
    old, supervisor = team
    new = world.device(world.add_user("Test Worker B", "worker", "team-x"), "worker-b")
    moving = open_case(old.book, old.user_id, 1)
    finalised_session(old.book, moving.id, NOTE)
    staying = [open_case(old.book, old.user_id, n) for n in (2, 3)]
    old_main, new_main = windows(old), windows(new)
    sync(qtbot, old_main)
    sync(qtbot, new_main)
    assert new_main.caseload_model.rowCount() == 0

    if by == "hub administrator":
        world.hub.admin.assign_case(moving.id, new.user_id)  # spoke-hub case assign
    else:
        sup_main = windows(supervisor)
        sync(qtbot, sup_main)
        open_case_page(qtbot, sup_main, moving.id)
        assert sup_main.case_page.reassign_button.isVisible()
        assert not old_main.case_page.reassign_button.isVisible()  # workers cannot
        sup_main.case_page.reassign_button.click()
        dialog = sup_main.dialog
        assert isinstance(dialog, ReassignDialog)
        assert unnamed_controls(dialog) == []
        assert dialog.worker.findText(old.user_id) == -1  # not to the worker who has it
        dialog.worker.setEditText(new.user_id)
        assert dialog.save()
        qtbot.waitUntil(lambda: not sup_main.tasks.busy, timeout=5000)  # saved off the GUI
        assert supervisor.book.get(moving.id).record.key_worker == new.user_id
        sync(qtbot, sup_main)

    report = sync(qtbot, old_main)
    assert report.purged > 0
    qtbot.waitUntil(lambda: old_main.caseload_model.rowCount() == 2, timeout=5000)
    assert {old_main.caseload_model.row_at(n).case_id for n in range(2)} == {
        c.id for c in staying
    }
    assert old.book.records(case_id=moving.id) == []
    sync(qtbot, new_main)
    qtbot.waitUntil(lambda: new_main.caseload_model.rowCount() == 1, timeout=5000)
    row = new_main.caseload_model.row_at(0)
    assert (row.case_id, row.reference) == (moving.id, "YP-TEST-01")
    assert [s.record.discussed for s in new.book.records("session")] == [NOTE]  # type: ignore[attr-defined]


def test_a_supervisor_of_another_team_cannot_see_or_review_it(
    qtbot: Any, windows: Any, world: World, team: tuple[Device, Device]
) -> None:
    worker, supervisor = team
    case = open_case(worker.book, worker.user_id, 1)
    finalised_session(worker.book, case.id, NOTE)
    worker_main = windows(worker)
    sync(qtbot, worker_main)
    other = world.device(world.add_user("Test Supervisor Y", "supervisor", "team-y"), "sup-y")
    other_main = windows(other)
    sync(qtbot, other_main)
    review = review_page(qtbot, other_main)
    assert queue_cells(review) == [] and review.sign_model.rowCount() == 0
    assert other.book.count() == 0, "nothing of team X reached team Y's laptop"

    # Even a comment written on the case's id by hand is refused by the hub and held.
    other.book.save(
        SupervisionComment(id=new_id(), case_id=case.id, author=other.user_id, written_at=NOW,
                           text="Fictional comment from the wrong team."),
        finalise=True,
    )
    sync(qtbot, other_main)
    assert len(other.engine.held()) == 1
    with world.hub_session() as session:
        assert not any(r.kind == "supervision_comment" for r in world.hub_rows())
    del session
    sync(qtbot, worker_main)
    assert worker.book.records("supervision_comment") == []
    # The team's own supervisor still sees the note waiting for review.
    sup_main = windows(supervisor)
    sync(qtbot, sup_main)
    own = review_page(qtbot, sup_main)
    qtbot.waitUntil(lambda: len(queue_cells(own)) == 1, timeout=5000)


def test_a_conflict_shows_both_sides_and_its_resolution_syncs_everywhere(
    qtbot: Any, windows: Any, team: tuple[Device, Device]
) -> None:
    worker, supervisor = team
    case = open_case(worker.book, worker.user_id, 1)
    worker_main = windows(worker)
    sup_main = windows(supervisor)
    sync(qtbot, worker_main)
    sync(qtbot, sup_main)
    # Both change the case's risk level from the same version; the worker's reaches the hub
    # first, so the supervisor's clashes.
    worker.book.save(replace(worker.book.get(case.id).record, current_risk_level="medium"))
    supervisor.book.save(replace(supervisor.book.get(case.id).record, current_risk_level="high"))
    sync(qtbot, worker_main)
    assert sync(qtbot, sup_main).conflicts == 1
    sync(qtbot, worker_main)

    panel = worker_main.sync_page
    panel.show_status(worker_main.sync.status())
    assert panel.conflicts.text() == "1"
    queue = panel.conflict_queue
    assert unnamed_controls(panel) == []
    assert not panel.conflict_box.isHidden()
    record, field, hub_side, laptop_side = queue.model.row_at(0).cells
    assert (record, field) == ("Case", "Current risk level")
    assert hub_side == f"Medium (by {worker.user_id})"
    assert laptop_side.startswith(f"High (by {supervisor.user_id}, ")
    detail = queue.detail.toPlainText()
    assert "On the hub: Medium" in detail and "From a laptop: High" in detail

    # The worker agrees with the supervisor: the laptop's value wins, and the decision syncs.
    with qtbot.waitSignal(worker_main.sync.finished, timeout=30_000):
        queue.use_button.click()
    assert worker.book.get(case.id).record.current_risk_level == "high"
    sync(qtbot, sup_main)
    assert supervisor.engine.status().open_conflicts == 0
    assert supervisor.book.get(case.id).record.current_risk_level == "high"
    panel.show_status(worker_main.sync.status())
    assert panel.conflict_box.isHidden()
    assert worker.engine.status().open_conflicts == 0


def test_case_supervision_is_minuted_and_reaches_the_worker(
    qtbot: Any, windows: Any, team: tuple[Device, Device]
) -> None:
    worker, supervisor = team
    case = open_case(worker.book, worker.user_id, 1)
    finalised_session(worker.book, case.id, NOTE)
    worker_main = windows(worker)
    sync(qtbot, worker_main)
    sup_main = windows(supervisor)
    sync(qtbot, sup_main)
    review = review_page(qtbot, sup_main)
    qtbot.waitUntil(lambda: len(queue_cells(review)) == 1, timeout=5000)

    review.supervision_button.click()
    dialog = review.dialog
    assert dialog is not None and dialog.isVisible()
    assert unnamed_controls(dialog) == []
    dialog.discussion.setPlainText("Fictional discussion of the older friend.")
    dialog.not_to_act.setPlainText("No police referral yet: nothing new to share")
    what, who, _due = dialog.action_rows[0]
    what.setText("Ask school about attendance")
    assert not dialog.save()  # an action without an owner is refused, nothing saved
    assert "Who does each action" in dialog.summary.text()
    assert supervisor.book.records("case_supervision") == []
    who.setText(worker.user_id)
    assert dialog.save()
    sync(qtbot, sup_main)

    sync(qtbot, worker_main)
    open_case_page(qtbot, worker_main, case.id)
    qtbot.waitUntil(lambda: "Case supervision" in timeline_text(worker_main), timeout=5000)
    page = worker_main.case_page
    row = next(r for r in page.timeline_model.rows if r.cells[1] == "Case supervision")
    page.select_record(row.key)
    detail = page.detail.toPlainText()
    assert "No police referral yet" in detail
    # The action's owner by name (issue 17): here the worker, on their own laptop.
    qtbot.waitUntil(lambda: "Ask school about attendance \u2014 Test Worker A (you)"
                    in page.detail.toPlainText(), timeout=5000)
    assert not page.amend_button.isEnabled(), "a supervisor's minute is not the worker's to amend"


def test_an_overridden_risk_level_is_signed_off_and_the_worker_sees_it(
    qtbot: Any, windows: Any, team: tuple[Device, Device]
) -> None:
    worker, supervisor = team
    case = open_case(worker.book, worker.user_id, 1)
    assessment = RiskAssessment(
        id=new_id(), case_id=case.id, assessment_type=AssessmentType.INITIAL,
        assessed_on=date(2026, 3, 2), tool_id="test-tool", tool_version=1,
        answers=(("q1", 1),), score=1, level="low", override_level="high",
        override_reasons="Fictional: an older man now collects them from school.",
        needs_sign_off=True,
    )
    worker.book.save(assessment, finalise=True)
    worker_main = windows(worker)
    sync(qtbot, worker_main)
    sup_main = windows(supervisor)
    sync(qtbot, sup_main)
    review = review_page(qtbot, sup_main)
    qtbot.waitUntil(lambda: review.sign_model.rowCount() == 1, timeout=5000)
    assert "level overridden to High" in review.sign_model.row_at(0).cells[1]
    assert "older man" in review.request.toPlainText()
    assert len(queue_cells(review)) == 1  # the assessment is also in the review queue
    review.approve_button.click()
    qtbot.waitUntil(lambda: review.sign_model.rowCount() == 0, timeout=5000)
    sync(qtbot, sup_main)
    sync(qtbot, worker_main)
    open_case_page(qtbot, worker_main, case.id)
    qtbot.waitUntil(lambda: "signed off" in timeline_text(worker_main), timeout=5000)
    worker_main.case_page.select_record(assessment.id)
    detail = worker_main.case_page.detail
    qtbot.waitUntil(lambda: "Signed off by Test Supervisor X" in detail.toPlainText(),
                    timeout=5000)  # a name from the hub, not the id (issue 17)


def test_supervisor_pages_appear_with_shortcuts_and_a_worker_has_none(
    qtbot: Any, windows: Any, team: tuple[Device, Device]
) -> None:
    worker, supervisor = team
    sup_main = windows(supervisor)
    work_main = windows(worker)
    titles = [sup_main.nav.item(n).text() for n in range(sup_main.nav.count())]
    assert titles[-6:] == ["Sync", "Reports", "Review", "Team", "Lone working", "Audit"]
    worker_titles = [work_main.nav.item(n).text() for n in range(work_main.nav.count())]
    assert worker_titles[-2:] == ["Sync", "Reports"]
    for keys, title in (("Ctrl+0", "Reports"), ("Ctrl+Shift+V", "Review"),
                        ("Ctrl+Shift+M", "Team"), ("Ctrl+Shift+U", "Audit")):
        action = next(a for a in sup_main.page_actions if a.text() == title)
        assert action.shortcut().toString() == keys
        action.trigger()
        assert sup_main.current_page_title == title
    # The Team page asks the hub as soon as it is shown.
    assert sup_main.team is not None
    qtbot.waitUntil(lambda: sup_main.team is not None and sup_main.team.loaded is not None,
                    timeout=10_000)
    assert "Team team-x" in sup_main.team.status.text()
    # With every page a supervisor has, the window still fits a 1920x1080 screen at 200%.
    hint = sup_main.minimumSizeHint()
    assert hint.width() <= 960 and hint.height() <= 540, hint
    # Every navigation entry fits its title and shortcut without clipping.
    metrics = sup_main.nav.fontMetrics()
    for n in range(sup_main.nav.count()):
        item = sup_main.nav.item(n)
        needed = metrics.horizontalAdvance(item.text() + str(item.data(SHORTCUT_ROLE)))
        assert needed < sup_main.nav.width()


def test_a_kind_the_hub_says_needs_approval_is_signed_off_and_the_worker_sees_it(
    qtbot: Any, windows: Any, world: World, team: tuple[Device, Device]
) -> None:
    worker, supervisor = team
    assert spoke_hub(["approvals", "require", "safeguarding_concern",
                      "--database", world.hub.database_url]) == 0
    case = open_case(worker.book, worker.user_id, 1)
    raised = SafeguardingConcern(
        id=new_id(), case_id=case.id, raised_on=date(2026, 3, 2), raised_to=RaisedTo.POLICE,
        summary="Fictional: seen getting into an older man's car after school.",
    )
    worker.book.save(raised, finalise=True)
    worker_main = windows(worker)
    sync(qtbot, worker_main)
    sync(qtbot, worker_main)  # the hub's request comes back to the worker's laptop too
    assert len(worker.book.records("sign_off_request")) == 1
    open_case_page(qtbot, worker_main, case.id)
    qtbot.waitUntil(lambda: any(r.key == raised.id for r in
                                worker_main.case_page.timeline_model.rows), timeout=5000)
    concern_row = next(r for r in worker_main.case_page.timeline_model.rows
                       if r.key == raised.id)
    assert "awaiting sign-off" in concern_row.cells[3]

    sup_main = windows(supervisor)
    sync(qtbot, sup_main)
    review = review_page(qtbot, sup_main)
    qtbot.waitUntil(lambda: review.sign_model.rowCount() == 1, timeout=5000)
    assert review.sign_model.row_at(0).cells[:3] == (
        "YP-TEST-01", "Concern raised with Police", "2 Mar 2026"
    )
    assert "older man's car" in review.request.toPlainText()
    review.decision_comment.setPlainText(RETURN.replace("closing risk assessment",
                                                        "police reference"))
    review.return_button.click()
    qtbot.waitUntil(lambda: review.sign_model.rowCount() == 0, timeout=5000)
    assert review.request_message.text() == "Returned to the worker with your comment."
    sync(qtbot, sup_main)

    sync(qtbot, worker_main)
    today = worker_main.today.supervisor_comments
    qtbot.waitUntil(lambda: today.model.rowCount() == 1, timeout=5000)
    reference, about, text, _when = today.model.row_at(0).cells
    assert (reference, about) == ("YP-TEST-01", "Concern returned")
    assert "police reference" in text
    open_case_page(qtbot, worker_main, case.id)
    qtbot.waitUntil(lambda: "Returned by supervisor (concern)" in timeline_text(worker_main),
                    timeout=5000)
    concern_row = next(r for r in worker_main.case_page.timeline_model.rows
                       if r.key == raised.id)
    assert "returned by supervisor" in concern_row.cells[3]


def test_hide_names_hides_the_young_person_s_name_on_the_review_page(
    qtbot: Any, windows: Any, team: tuple[Device, Device]
) -> None:
    worker, supervisor = team
    case = open_case(worker.book, worker.user_id, 1)
    finalised_session(worker.book, case.id, NOTE)
    sync(qtbot, windows(worker))
    sup_main = windows(supervisor)
    sync(qtbot, sup_main)
    review = review_page(qtbot, sup_main)
    qtbot.waitUntil(lambda: len(queue_cells(review)) == 1, timeout=5000)
    name = person_name(1)
    assert name in review.context.toPlainText()

    sup_main.hide_names_action.trigger()  # Ctrl+Shift+H, for working in public
    context = review.context.toPlainText()
    assert name not in context and "YP-TEST-01" in context
    review.refresh()  # still hidden after the page reloads
    sup_main._tasks.wait()
    qtbot.wait(10)
    assert name not in review.context.toPlainText()
    sup_main.hide_names_action.trigger()
    assert name in review.context.toPlainText()


def test_actions_due_show_on_the_review_page_and_on_the_owner_s_today_page(
    qtbot: Any, windows: Any, team: tuple[Device, Device]
) -> None:
    worker, supervisor = team
    case = open_case(worker.book, worker.user_id, 1)
    finalised_session(worker.book, case.id, NOTE)
    worker_main = windows(worker)
    sync(qtbot, worker_main)
    sup_main = windows(supervisor)
    sync(qtbot, sup_main)
    review = review_page(qtbot, sup_main)
    qtbot.waitUntil(lambda: len(queue_cells(review)) == 1, timeout=5000)
    assert review.actions_model.rowCount() == 0 and review.actions_empty.isVisible()

    review.supervision_button.click()
    dialog = review.dialog
    assert dialog is not None
    dialog.discussion.setPlainText("Fictional discussion of attendance.")
    dialog.held_on.set_text("20/2/2026")  # typed, day first
    soon, later = dialog.action_rows[0], dialog.action_rows[1]
    soon[0].setText("Ask school about attendance")
    soon[1].setText(worker.user_id)
    soon[2].set_value(date(2026, 3, 1))  # overdue by NOW (3 March)
    later[0].setText("Book a strategy meeting")
    later[1].setText(supervisor.user_id)
    later[2].set_value(date(2026, 4, 20))  # not due for weeks: not shown yet
    completions = soon[1].completer().model()
    offered = {completions.index(n, 0).data() for n in range(completions.rowCount())}
    assert {worker.user_id, supervisor.user_id} <= offered
    assert dialog.save()
    qtbot.waitUntil(lambda: review.actions_model.rowCount() == 1, timeout=5000)
    assert review.actions_model.row_at(0).cells == (
        "1 Mar 2026 (overdue)", "YP-TEST-01", "Test Worker A", "Ask school about attendance"
    )
    assert "1 overdue action" in review.summary.text()
    sync(qtbot, sup_main)

    sync(qtbot, worker_main)
    today = worker_main.today.supervisor_comments
    qtbot.waitUntil(lambda: today.model.rowCount() == 1, timeout=5000)
    assert today.model.row_at(0).cells == (
        "YP-TEST-01", "Action overdue (due 1 Mar 2026)", "Ask school about attendance",
        "1 Mar 2026",
    )
    assert not today.read_button.isVisible(), "an action is not a comment to mark read"
    worker_main.refresh()
    worker_main._tasks.wait()
    qtbot.wait(10)
    assert today.model.rowCount() == 1


def test_the_review_page_names_the_team_instead_of_user_ids(
    qtbot: Any, windows: Any, team: tuple[Device, Device]
) -> None:
    worker, supervisor = team
    case = open_case(worker.book, worker.user_id, 1)
    finalised_session(worker.book, case.id, NOTE)
    worker_main = windows(worker)
    sync(qtbot, worker_main)
    sup_main = windows(supervisor)
    sync(qtbot, sup_main)
    review = review_page(qtbot, sup_main)
    # The names come from the hub's team view, asked when the page was added.
    qtbot.waitUntil(lambda: review.queue_model.rowCount() == 1
                    and review.queue_model.row_at(0).cells[3] == "Test Worker A", timeout=10_000)
    assert "Test Worker A" in review.note.toPlainText()
    assert worker.user_id not in review.context.toPlainText()



def supervisors_page(qtbot: Any, tmp_path: Path, size: tuple[int, int]) -> ReviewPage:
    """A supervisor's Review page, no hub needed: a worker's safeguarding concern the hub
    asked sign-off for, and a case supervision's actions due (one overdue)."""
    from spokeapp.crypto.keyfile import FAST_KDF_FOR_TESTS
    from spokeapp.domain.records import (
        Case,
        CaseSupervision,
        RaisedTo,
        SafeguardingConcern,
        SignOffRequest,
        YoungPerson,
    )
    from spokeapp.domain.supervision import request_id_for
    from spokeapp.store.casebook import Casebook
    from spokeapp.ui.tasks import TaskRunner

    book, _key = Casebook.create(tmp_path / "supervisor", "kettle orbit lemon march",
                                 kdf=FAST_KDF_FOR_TESTS, author="u-worker")
    person = YoungPerson(id=new_id(), reference="YP-TEST-07", name="Test Person Alpha",
                         date_of_birth=date(2010, 1, 1))
    case = Case(id=new_id(), young_person_id=person.id, key_worker="u-worker",
                opened_on=date(2025, 1, 13))
    concern = SafeguardingConcern(id=new_id(), case_id=case.id, raised_on=date(2025, 3, 12),
                                  raised_to=RaisedTo.POLICE, summary="Fictional concern.")
    book.save(person)
    book.save(case)
    book.save(concern, finalise=True)
    book.author = "u-supervisor"
    book.save(SignOffRequest(id=request_id_for(concern.id), case_id=case.id,
                             record_id=concern.id, record_kind=concern.KIND, worker="u-worker",
                             requested_at=datetime(2025, 3, 12, 9, 0, tzinfo=UTC)),
              finalise=True)
    book.save(CaseSupervision(
        id=new_id(), case_id=case.id, supervisor="u-supervisor", held_on=date(2025, 3, 5),
        discussion="Fictional discussion.", action_texts=ACTIONS,
        action_owners=("Test Worker With A Long Name", "u-supervisor"),
        action_due=(date(2025, 3, 12), date(2025, 3, 19))), finalise=True)
    tasks = TaskRunner()
    page = ReviewPage(book, tasks, clock=lambda: datetime(2025, 3, 14, 10, 30, tzinfo=UTC))
    qtbot.addWidget(page)
    page.destroyed.connect(book.close)
    page.resize(*size)
    page.show()
    page.refresh()
    qtbot.waitUntil(lambda: page.actions_model.rowCount() == 2
                    and page.sign_model.rowCount() == 1, timeout=5000)
    qtbot.wait(50)
    return page


ACTIONS = ("Ask college about attendance and the lifts home",
           "Book a strategy meeting with children's social care")


def test_each_action_due_is_shown_whole_beside_its_day_and_who(
    qtbot: Any, tmp_path: Path
) -> None:
    """Beside a wide due day the actions were cut to "Ask college ..." and "Book a strateg...":
    the words the supervisor came to read. Each action wraps, whole, in a row as tall as it,
    and stays so when the page reloads after a note is marked reviewed."""
    from PySide6.QtCore import QRect, Qt

    page = supervisors_page(qtbot, tmp_path, (990, 870))  # in a 1280-pixel window
    table = page.actions
    metrics = table.fontMetrics()
    for _reload in range(2):
        for row, words in enumerate(ACTIONS):
            cell = table.visualRect(page.actions_model.index(row, 3))
            room = cell.adjusted(4, 0, -4, 0)  # the cell's own margins
            needed = metrics.boundingRect(QRect(0, 0, room.width(), 10_000),
                                          int(Qt.TextFlag.TextWordWrap), words)
            assert needed.height() <= cell.height(), f"row {row} cut short: {words!r}"
            assert max(metrics.horizontalAdvance(w) for w in words.split()) <= room.width()
            assert cell.right() <= table.viewport().width(), "the action runs off the table"
        with qtbot.waitSignal(page.loaded, timeout=5000):
            page.refresh()  # as after "Mark reviewed"
        qtbot.wait(50)


def test_what_became_of_a_decision_is_said_beside_its_buttons(
    qtbot: Any, tmp_path: Path
) -> None:
    """The page scrolls on a laptop's screen; "Return with comment" with no comment said why
    nothing happened at the top of the page, out of sight of the buttons at its foot."""
    from PySide6.QtWidgets import QScrollArea

    page = supervisors_page(qtbot, tmp_path, (990, 700))
    area = page.findChild(QScrollArea)
    assert area is not None
    area.ensureWidgetVisible(page.return_button)
    page.return_button.click()
    qtbot.waitUntil(page.request_message.isVisible, timeout=5000)
    said = page.request_message
    assert said.text() == "To return it, say why and what to do next in the comment box."

    def in_sight() -> bool:
        top = said.mapTo(area.viewport(), said.rect().topLeft()).y()
        return top >= 0 and top + said.height() <= area.viewport().height()

    qtbot.waitUntil(in_sight, timeout=2000)
    assert not page.message.isVisible()

    page.decision_comment.setPlainText("Add the police reference, then send it again.")
    page.return_button.click()
    qtbot.waitUntil(lambda: page.sign_model.rowCount() == 0, timeout=5000)
    assert said.text() == "Returned to the worker with your comment."
