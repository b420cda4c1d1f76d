"""The supervisor's lone-working board: states from an injected clock, alarms (duress too),
acknowledge and resolve, a model Qt's tester accepts, and a journey through a real hub."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QKeySequence
from PySide6.QtTest import QAbstractItemModelTester
from sqlalchemy.orm import Session

from spokeapp.crypto.keyfile import FAST_KDF_FOR_TESTS
from spokeapp.domain import lone_working
from spokeapp.domain.ids import new_id
from spokeapp.domain.lone_working import EscalationPolicy, Visit, VisitState
from spokeapp.domain.records import (
    Alarm,
    AlarmKind,
    AlarmResolution,
    AlertAcknowledgement,
    AlertReason,
    CheckIn,
    CheckInKind,
    EscalationAlert,
    Record,
    VisitPlan,
    WelfareDebrief,
    WelfareDebriefDone,
)
from spokeapp.hub.lone_working import Watcher
from spokeapp.hub.models import HubRecord
from spokeapp.store.casebook import Casebook
from spokeapp.store.sync_state import HubAccount, SyncStore
from spokeapp.sync.engine import SyncEngine
from spokeapp.ui.main_window import BOARD_TITLE, MainWindow
from spokeapp.ui.models.board import (
    ALERTS,
    NEXT,
    STATE,
    VISIT_STATES,
    WHERE,
    BoardModel,
    BoardVisit,
    Counts,
    load_board,
)
from spokeapp.ui.sync_bridge import SyncBridge
from spokeapp.ui.tasks import TaskRunner
from spokeapp.ui.views.board import (
    NO_DEBRIEFS,
    BoardPage,
    DebriefDoneDialog,
    ResolveDialog,
    team_names,
)
from tests.helpers.hub import ManualClock, RunningHub, running_hub, sqlite_url
from tests.ui.conftest import wait_closed
from tests.ui.test_accessibility import unnamed_controls

PASSPHRASE = "kettle orbit lemon march"
START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
TEAM_WORKER = "u-demo-worker1"
SUPERVISOR = "u-demo-super1"


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


@pytest.fixture
def book(tmp_path: Path, clock: ManualClock) -> Iterator[Casebook]:
    casebook, _ = Casebook.create(
        tmp_path / "supervisor", PASSPHRASE, kdf=FAST_KDF_FOR_TESTS, clock=clock,
        author=SUPERVISOR,
    )
    yield casebook
    if casebook.is_open:
        casebook.close()


@pytest.fixture
def tasks() -> Iterator[TaskRunner]:
    runner = TaskRunner()
    yield runner
    runner.wait()


@pytest.fixture
def board(qtbot: Any, book: Casebook, tasks: TaskRunner, clock: ManualClock) -> BoardPage:
    page = BoardPage(book, tasks, clock=clock, recompute_every_ms=60_000)
    qtbot.addWidget(page)
    page.resize(1100, 600)
    return page


def plan(
    *,
    worker: str = TEAM_WORKER,
    location: str = "Demo Library, Example Street",
    reference: str = "YP-0007",
    starts: datetime = START,
    hours: float = 3,
) -> VisitPlan:
    return VisitPlan(
        id=new_id(),
        worker=worker,
        location=location,
        starts_at=starts,
        expected_end=starts + timedelta(hours=hours),
        mobile_number="07700 900123",
        buddy_name="Demo Buddy",
        buddy_phone="07700 900456",
        case_reference=reference,
    )


def write(book: Casebook, *records: Record) -> None:
    """Records as they arrive on the supervisor's laptop (the team's, and the hub's alerts)."""
    for record in records:
        book.save(record, finalise=True)


def load(qtbot: Any, page: BoardPage) -> None:
    page.loaded_once = False
    page.reload()
    qtbot.waitUntil(lambda: page.loaded_once, timeout=5000)


def press(page: BoardPage, keys: str) -> None:
    """The page's keyboard shortcut (the offscreen platform has no active window to type in)."""
    shortcut = page.shortcuts[keys]
    assert shortcut.key() == QKeySequence(keys)
    assert shortcut.context() == Qt.ShortcutContext.WidgetWithChildrenShortcut
    shortcut.activated.emit()


def state_of(page: BoardPage, visit_id: str) -> str:
    row = page.model.row_of(visit_id)
    assert row is not None, "the visit is not on the board"
    return str(page.model.index(row, STATE).data())


def test_states_follow_the_clock_armed_due_overdue_escalating(
    qtbot: Any, board: BoardPage, book: Casebook, clock: ManualClock
) -> None:
    visit = plan()  # first check-in due at 10:00
    write(book, visit)
    clock.advance(minutes=30)
    load(qtbot, board)
    assert state_of(board, visit.id) == "Armed"
    row = board.model.row_of(visit.id)
    assert row is not None
    assert board.model.index(row, WHERE).data() == "Demo Library, Example Street"
    armed_colour = board.model.index(row, STATE).data(Qt.ItemDataRole.BackgroundRole)
    assert isinstance(armed_colour, QColor)

    clock.advance(minutes=22)  # 09:52: within 10 minutes of the deadline
    board.recompute()
    assert state_of(board, visit.id) == "Check-in due"
    assert "in 8 min" in board.model.index(row, NEXT).data()

    clock.advance(minutes=13)  # 10:05: missed, in the grace period
    board.recompute()
    assert state_of(board, visit.id) == "Overdue"
    assert "5 min ago" in board.model.index(row, NEXT).data()
    overdue_colour = board.model.index(row, STATE).data(Qt.ItemDataRole.BackgroundRole)
    assert overdue_colour != armed_colour
    assert board.counts.overdue == 1
    assert "Needs you now: 1 overdue" in board.summary.text()

    # The hub alerted the buddy at 10:15; it reaches this laptop by sync.
    clock.advance(minutes=11)
    alert = EscalationAlert(
        id=new_id(), visit_id=visit.id, tier="buddy", raised_at=START + timedelta(minutes=75),
        recipients=("buddy",), reason=AlertReason.OVERDUE,
        deadline=START + timedelta(hours=1),
    )
    write(book, alert)
    load(qtbot, board)
    assert state_of(board, visit.id) == "Overdue: alerts sent"
    assert board.model.index(row, ALERTS).data() == "1 to acknowledge"

    # She checks in: back to armed, the next check-in an interval later.
    write(book, CheckIn(id=new_id(), visit_id=visit.id, kind=CheckInKind.SAFE, at=clock()))
    load(qtbot, board)
    assert state_of(board, visit.id) == "Armed"
    assert board.counts.overdue == 0


def test_a_panic_alarm_and_a_duress_check_in_both_show_as_alarm(
    qtbot: Any, board: BoardPage, book: Casebook, clock: ManualClock
) -> None:
    panic, duress, calm = plan(), plan(location="Demo Youth Centre"), plan(location="Demo Park")
    write(book, panic, duress, calm)
    clock.advance(minutes=20)
    write(
        book,
        Alarm(id=new_id(), visit_id=panic.id, raised_at=clock(), kind=AlarmKind.PANIC),
        CheckIn(id=new_id(), visit_id=duress.id, kind=CheckInKind.DURESS, at=clock()),
        CheckIn(id=new_id(), visit_id=calm.id, kind=CheckInKind.SAFE, at=clock()),
    )
    load(qtbot, board)
    assert state_of(board, panic.id) == "ALARM"
    assert state_of(board, duress.id) == "ALARM"
    assert state_of(board, calm.id) == "Armed"
    # Alarms come first, and the count is there for the main window.
    assert {board.model.entry(0).visit_id, board.model.entry(1).visit_id} == {panic.id, duress.id}
    assert board.counts.alarms == 2
    # The worker's own screen shows that duress check-in exactly as safe; the board does not.
    duress_visit = board.model.visit(duress.id)
    assert duress_visit is not None
    assert duress_visit.visit.worker_facing_state(clock(), EscalationPolicy()) is VisitState.ARMED
    board.select_visit(duress.id)
    whole_timeline = " ".join(r.cells[1] for r in board.timeline_model.rows)
    assert "DURESS" in whole_timeline
    assert board.detail_state.text().startswith("ALARM")


def test_acknowledge_writes_an_acknowledgement_of_the_open_alert(
    qtbot: Any, board: BoardPage, book: Casebook, clock: ManualClock
) -> None:
    visit = plan()
    write(book, visit)
    clock.advance(minutes=10)
    alarm = Alarm(id=new_id(), visit_id=visit.id, raised_at=clock())
    top = EscalationAlert(
        id=new_id(), visit_id=visit.id, tier="manager_decision", raised_at=clock(),
        recipients=("manager",), reason=AlertReason.PANIC, cause_id=alarm.id,
    )
    write(book, alarm, top)
    clock.advance(minutes=1)
    load(qtbot, board)
    board.select_visit(visit.id)
    assert board.acknowledge_button.isEnabled()
    assert board.acknowledge_button.accessibleName() == "Acknowledge alert"

    press(board, "Ctrl+Shift+A")
    assert not board.acknowledge_button.isEnabled()  # held while it is stored
    assert not board.acknowledge()  # pressed again meanwhile: ignored, nothing written twice
    qtbot.waitUntil(lambda: "Acknowledged" in board.message.text(), timeout=5000)
    acks = [s.record for s in book.records("alert_ack")]
    assert len(acks) == 1
    ack = acks[0]
    assert isinstance(ack, AlertAcknowledgement)
    assert (ack.alert_id, ack.visit_id, ack.by, ack.at) == (top.id, visit.id, SUPERVISOR, clock())
    assert "Acknowledged" in board.message.text()
    qtbot.waitUntil(lambda: not board.acknowledge_button.isEnabled(), timeout=5000)
    row = board.model.row_of(visit.id)
    assert row is not None
    assert board.model.index(row, ALERTS).data() == "Acknowledged"
    assert state_of(board, visit.id) == "ALARM"  # acknowledged is not resolved
    assert any("acknowledged" in r.cells[1] for r in board.timeline_model.rows)


def test_resolve_refuses_an_empty_note_then_writes_the_resolution(
    qtbot: Any, board: BoardPage, book: Casebook, clock: ManualClock
) -> None:
    visit = plan()
    write(book, visit)
    clock.advance(minutes=10)
    duress = CheckIn(id=new_id(), visit_id=visit.id, kind=CheckInKind.DURESS, at=clock())
    top = EscalationAlert(
        id=new_id(), visit_id=visit.id, tier="manager_decision", raised_at=clock(),
        recipients=("manager",), reason=AlertReason.DURESS, cause_id=duress.id,
    )
    write(book, duress, top)
    clock.advance(minutes=5)
    load(qtbot, board)
    board.select_visit(visit.id)
    assert board.resolve_button.isEnabled()

    press(board, "Ctrl+Shift+R")
    dialog = board.dialog
    assert isinstance(dialog, ResolveDialog)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    error = dialog.form.errors["note"]
    assert error.isVisible()
    assert "at least 10 characters" in error.text()
    assert dialog.isVisible()
    dialog.note.setPlainText("short")
    assert not dialog.save()
    assert book.records("alarm_resolution") == []

    dialog.note.setPlainText("Phoned Demo Worker: safe, left the venue with the police.")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    wait_closed(qtbot, dialog)
    stored = [s.record for s in book.records("alarm_resolution")]
    assert len(stored) == 1
    resolution = stored[0]
    assert isinstance(resolution, AlarmResolution)
    assert (resolution.visit_id, resolution.by, resolution.at) == (visit.id, SUPERVISOR, clock())
    assert resolution.note.startswith("Phoned Demo Worker")
    qtbot.waitUntil(lambda: state_of(board, visit.id) == "Armed", timeout=5000)
    assert board.counts.alarms == 0
    assert "Resolved" in board.message.text()


def test_own_plan_is_not_armed_until_the_hub_acknowledges_it(
    qtbot: Any, board: BoardPage, book: Casebook, clock: ManualClock
) -> None:
    own, team = plan(worker=SUPERVISOR, location="Demo School"), plan()
    write(book, own, team)
    load(qtbot, board)
    assert state_of(board, own.id) == "NOT ARMED"
    assert state_of(board, team.id) == "Armed"
    assert board.model.entry(board.model.row_of(own.id) or 0).worker_label == "You"
    with book.sync_transaction() as db:  # what the engine stores from the hub's answer
        db.execute(
            "INSERT INTO visit_watch (visit_id, escalation_starts_at, acknowledged_at) "
            "VALUES (?, ?, ?)",
            (own.id, (START + timedelta(minutes=75)).isoformat(), clock().isoformat()),
        )
    assert SyncStore(book).visit_watch(own.id) is not None
    load(qtbot, board)
    assert state_of(board, own.id) == "Armed"


def test_ended_visits_leave_the_board_after_a_while(
    qtbot: Any, board: BoardPage, book: Casebook, clock: ManualClock
) -> None:
    visit = plan()
    write(book, visit)
    clock.advance(hours=2)
    write(book, CheckIn(id=new_id(), visit_id=visit.id, kind=CheckInKind.HOME_SAFE, at=clock()))
    load(qtbot, board)
    assert state_of(board, visit.id) == "Ended"
    assert "Nobody is out" in board.summary.text()
    clock.advance(hours=13)
    board.recompute()
    assert board.model.row_of(visit.id) is None
    assert board.empty.isVisibleTo(board)


def test_the_model_passes_qts_model_tester(qtbot: Any, clock: ManualClock) -> None:
    model = BoardModel()
    QAbstractItemModelTester(model, QAbstractItemModelTester.FailureReportingMode.Warning)
    visits = [
        BoardVisit(Visit(plan=plan(location=f"Demo place {n}"), armed_at=START), mine=False)
        for n in range(4)
    ]
    model.set_visits(visits, clock())
    assert model.rowCount() == 4
    clock.advance(minutes=55)
    model.recompute(clock())  # same rows, new states: dataChanged only
    assert {VISIT_STATES[e.state].words for e in model.entries} == {"Check-in due"}
    alarmed = BoardVisit(Visit(
        plan=visits[2].plan, armed_at=START,
        alarms=(Alarm(id=new_id(), visit_id=visits[2].plan.id, raised_at=clock()),),
    ), mine=False)
    model.set_visits([*visits[:2], alarmed, visits[3]], clock())  # re-ordered: a reset
    assert model.entry(0).state is VisitState.ALARM
    for row in range(model.rowCount()):
        for column in range(model.columnCount()):
            index = model.index(row, column)
            for role in (
                Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole,
                Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.BackgroundRole,
                Qt.ItemDataRole.ForegroundRole, Qt.ItemDataRole.FontRole,
            ):
                model.data(index, role)
    model.set_visits([], clock())
    assert model.rowCount() == 0


def test_the_board_asks_for_a_sync_while_shown_and_re_reads_after_one(
    qtbot: Any, book: Casebook, tasks: TaskRunner, clock: ManualClock
) -> None:
    from PySide6.QtCore import QObject, Signal

    class FakeBridge(QObject):
        finished = Signal(object)

        def __init__(self) -> None:
            super().__init__()
            self.asked = 0

        def sync_now(self) -> None:
            self.asked += 1

    bridge = FakeBridge()
    page = BoardPage(book, tasks, clock=clock, sync=bridge, sync_every_ms=20)
    qtbot.addWidget(page)
    assert not page.sync_timer.isActive()
    page.show()
    assert page.sync_timer.isActive()
    qtbot.waitUntil(lambda: bridge.asked >= 3, timeout=5000)
    page.hide()
    assert not page.sync_timer.isActive()

    visit = plan()
    write(book, visit)  # as a pull would have stored it
    page.loaded_once = False
    bridge.finished.emit(object())
    qtbot.waitUntil(lambda: page.model.row_of(visit.id) is not None, timeout=5000)


# ---------------------------------------------------------------------------------------------
# Welfare debriefs to do
# ---------------------------------------------------------------------------------------------

OTHER_SUPERVISOR = "u-demo-super2"
DEBRIEF_NOTE = "Met Test Worker A at the office on Tuesday: fine, no follow-up needed."


def resolved_with_debrief(
    book: Casebook, clock: ManualClock, visit: VisitPlan, *, by: str = OTHER_SUPERVISOR
) -> WelfareDebrief:
    """A panic alarm on ``visit``, resolved by ``by``, and the debrief the hub then wrote:
    as they arrive on this laptop by sync."""
    alarm = Alarm(id=new_id(), visit_id=visit.id, raised_at=clock())
    clock.advance(minutes=20)
    resolution = AlarmResolution(
        id=new_id(), visit_id=visit.id, by=by, at=clock(),
        note="Phoned the worker: safe, the alarm was pressed by mistake.",
    )
    debrief = lone_working.welfare_debrief_for(resolution, id=new_id(), supervisor=by)
    write(book, visit, alarm, resolution, debrief)
    return debrief


def test_debriefs_to_do_are_listed_with_the_worker_the_place_the_alarm_and_who_resolved_it(
    qtbot: Any, board: BoardPage, book: Casebook, clock: ManualClock
) -> None:
    load(qtbot, board)
    assert board.debrief_empty.isVisibleTo(board)
    assert board.debrief_empty.text() == NO_DEBRIEFS
    assert not board.debrief_table.isVisibleTo(board)
    assert not board.debrief_button.isEnabled()

    clock.advance(minutes=10)  # the alarm at 09:10, resolved at 09:30
    visit = plan(location="Demo Cafe, Example Road", reference="YP-0042")
    debrief = resolved_with_debrief(book, clock, visit)
    # Not listed: a debrief already done on the hub, and one about the supervisor's own visit.
    done_elsewhere = resolved_with_debrief(book, clock, plan())
    write(book, dataclasses.replace(done_elsewhere, done=True, done_on=clock().date()))
    resolved_with_debrief(book, clock, plan(worker=SUPERVISOR))
    clock.advance(hours=3)
    load(qtbot, board)
    assert board.debrief_table.isVisibleTo(board) and not board.debrief_empty.isVisibleTo(board)
    assert [row.key for row in board.debrief_model.rows] == [debrief.id]
    assert board.debrief_model.rows[0].cells == (
        TEAM_WORKER, "Demo Cafe, Example Road", "YP-0042",
        when_local(START + timedelta(minutes=10)), OTHER_SUPERVISOR, "Resolved 3 h 40 min ago",
    )
    assert "1 welfare debrief to do" in board.summary.text()
    board.set_names({TEAM_WORKER: "Test Worker A", OTHER_SUPERVISOR: "Test Supervisor B"})
    assert board.debrief_model.rows[0].cells[0] == "Test Worker A"
    assert board.debrief_model.rows[0].cells[4] == "Test Supervisor B"
    # Two days on, it says so in words.
    clock.advance(days=3)
    board.recompute()
    assert board.debrief_model.rows[0].cells[5] == "Resolved 3 days ago; debrief overdue"
    # Keyboard: the list takes focus, has a name, and the action has its shortcut.
    assert board.debrief_table.focusPolicy() & Qt.FocusPolicy.TabFocus
    assert board.debrief_table.accessibleName() == "Welfare debriefs to do"
    assert board.debrief_button.accessibleName() == "Debrief done"
    assert board.debrief_button.isEnabled()
    assert unnamed_controls(board) == []


def test_debrief_done_needs_a_note_then_leaves_the_list(
    qtbot: Any, board: BoardPage, book: Casebook, clock: ManualClock
) -> None:
    first = resolved_with_debrief(book, clock, plan())
    second = resolved_with_debrief(book, clock, plan(location="Demo Park"))
    load(qtbot, board)
    assert [row.key for row in board.debrief_model.rows] == [first.id, second.id]
    assert board.select_debrief(second.id)

    press(board, "Ctrl+Shift+D")
    dialog = board.debrief_dialog
    assert isinstance(dialog, DebriefDoneDialog)
    assert dialog.debrief.id == second.id
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    error = dialog.form.errors["note"]
    assert error.isVisible()
    assert "at least 10 characters" in error.text()
    assert "Please write a note" in dialog.summary.text()
    assert dialog.isVisible()
    dialog.note.setPlainText("fine")
    assert not dialog.save()
    assert book.records("welfare_debrief_done") == []

    dialog.note.setPlainText(DEBRIEF_NOTE)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    wait_closed(qtbot, dialog)
    [stored] = [s.record for s in book.records("welfare_debrief_done")]
    assert isinstance(stored, WelfareDebriefDone)
    assert (stored.debrief_id, stored.visit_id, stored.by, stored.at, stored.note) == (
        second.id, second.visit_id, SUPERVISOR, clock(), DEBRIEF_NOTE,
    )
    qtbot.waitUntil(lambda: [r.key for r in board.debrief_model.rows] == [first.id],
                    timeout=5000)
    assert "Debrief marked done" in board.message.text()


def when_local(at: datetime) -> str:
    return f"{at.astimezone():%H:%M}"


# ---------------------------------------------------------------------------------------------
# Through a real hub on loopback
# ---------------------------------------------------------------------------------------------


def _enrolled_laptop(
    tmp_path: Path, hub: RunningHub, user_id: str, name: str
) -> tuple[Casebook, SyncEngine]:
    laptop, _ = Casebook.create(
        tmp_path / name, PASSPHRASE, kdf=FAST_KDF_FOR_TESTS, clock=hub.clock
    )
    engine = SyncEngine(laptop, clock=hub.clock)
    account = engine.enrol(hub.base_url, hub.admin.enrolment_code(user_id), name)
    laptop.author = account.user_id  # as the sync bridge does after enrolling
    return laptop, engine


def test_a_visit_pushed_by_a_worker_reaches_the_supervisors_board_through_the_hub(
    qtbot: Any, tmp_path: Path, tasks: TaskRunner
) -> None:
    clock = ManualClock(START)
    with running_hub(sqlite_url(tmp_path / "hub"), clock) as hub:
        worker_id = hub.admin.add_user("Demo Worker", "worker", "Team X")
        supervisor_id = hub.admin.add_user("Demo Supervisor", "supervisor", "Team X")
        outsider_id = hub.admin.add_user("Example Supervisor", "supervisor", "Team Y")
        worker_book, worker_sync = _enrolled_laptop(tmp_path, hub, worker_id, "worker")
        super_book, super_sync = _enrolled_laptop(tmp_path, hub, supervisor_id, "super")
        other_book, other_sync = _enrolled_laptop(tmp_path, hub, outsider_id, "other")
        try:
            visit = plan(worker=worker_id)
            write(worker_book, visit)
            assert worker_sync.sync_once().ok

            bridge = SyncBridge(super_sync, clock=clock)
            page = BoardPage(
                super_book, tasks, clock=clock, sync=bridge,
                fetch_names=lambda: team_names(super_book),
            )
            qtbot.addWidget(page)
            assert page.model.rowCount() == 0
            clock.advance(minutes=20)
            page.show()  # shown: it asks for a sync at once and re-reads when it is done
            qtbot.waitUntil(lambda: page.model.row_of(visit.id) is not None, timeout=15_000)
            assert page.role == "supervisor"
            assert state_of(page, visit.id) == "Armed"
            # Plans name the worker by id; the hub's team view gives the name.
            qtbot.waitUntil(lambda: page.model.entry(0).worker_label == "Demo Worker",
                            timeout=15_000)

            assert SyncStore(worker_book).visit_watch(visit.id) is not None  # armed

            def synced_until(condition: Any) -> None:
                """Sync the supervisor's laptop (as the board's timer would) until it shows."""
                qtbot.waitUntil(lambda: not bridge.running, timeout=15_000)
                page.request_sync()
                qtbot.waitUntil(condition, timeout=15_000)

            # She misses the 10:00 check-in; at 10:16 the hub has alerted her buddy.
            clock.now = START + timedelta(minutes=76)
            Watcher(hub.engine, clock).tick()  # the hub's own loop would do it within a second
            synced_until(lambda: state_of(page, visit.id) == "Overdue: alerts sent")
            # This hub has no contact and no notifier (as after the README's steps): the
            # board says the alerts reached nobody instead of "Hub alerted the buddy", and the
            # ladder fell through every tier at once (buddy, on-call, manager, everyone).
            synced_until(lambda: page.model.index(page.model.row_of(visit.id) or 0,
                                                  ALERTS).data()
                         == "4 to acknowledge - 4 NOT DELIVERED")
            page.select_visit(visit.id)
            story = [r.cells[1] for r in page.timeline_model.rows]
            assert any(line.startswith(
                "Hub had NOBODY to alert for the buddy (missed check-in)\n  the buddy: NEVER "
                "SENT - the hub has no contact or notifier for them") for line in story), story
            assert not any(line.startswith("Hub alerted") for line in story)
            assert page.counts.overdue == 1

            # The supervisor acknowledges: the hub accepts it from a supervisor of her team.
            page.select_visit(visit.id)
            assert page.acknowledge()
            qtbot.waitUntil(lambda: len(super_book.records("alert_ack")) == 4, timeout=5000)
            qtbot.waitUntil(lambda: SyncStore(super_book).waiting_count() == 0, timeout=15_000)
            qtbot.waitUntil(lambda: not bridge.running, timeout=15_000)
            assert SyncStore(super_book).held() == []

            # Then she raises the alarm; the hub alerts the top tier at once.
            alarm = Alarm(id=new_id(), visit_id=visit.id, raised_at=clock())
            write(worker_book, alarm)
            assert worker_sync.sync_once().ok
            Watcher(hub.engine, clock).tick()
            synced_until(lambda: state_of(page, visit.id) == "ALARM")
            assert page.counts.alarms == 1
            assert any("panic alarm" in r.cells[1] for r in page.timeline_model.rows)

            # The supervisor resolves it with a note; it goes to the hub at once, and the
            # visit is watched again from then (as if she had checked in).
            clock.advance(minutes=2)
            page.select_visit(visit.id)
            dialog = page.resolve()
            assert dialog is not None
            dialog.note.setPlainText("Phoned Demo Worker, who is safe; it was a mistake.")
            assert dialog.save()
            wait_closed(qtbot, dialog)
            qtbot.waitUntil(lambda: SyncStore(super_book).waiting_count() == 0, timeout=15_000)
            qtbot.waitUntil(lambda: not bridge.running, timeout=15_000)
            assert SyncStore(super_book).held() == []
            synced_until(lambda: state_of(page, visit.id) == "Armed")
            assert (page.counts.alarms, page.counts.overdue) == (0, 0)

            # A supervisor of another team never sees it.
            assert other_sync.sync_once().ok
            other = BoardPage(other_book, tasks, clock=clock)
            qtbot.addWidget(other)
            load(qtbot, other)
            assert other.model.rowCount() == 0
            page.hide()
            qtbot.waitUntil(lambda: not bridge.running, timeout=15_000)
            bridge.stop()
        finally:
            for casebook in (worker_book, super_book, other_book):
                casebook.close()


def test_a_resolved_alarm_brings_a_debrief_that_one_supervisor_marks_done_for_the_team(
    qtbot: Any, tmp_path: Path, tasks: TaskRunner
) -> None:
    clock = ManualClock(START)
    with running_hub(sqlite_url(tmp_path / "hub"), clock) as hub:
        worker_id = hub.admin.add_user("Test Worker A", "worker", "Team X")
        first_id = hub.admin.add_user("Test Supervisor A", "supervisor", "Team X")
        second_id = hub.admin.add_user("Test Supervisor B", "supervisor", "Team X")
        worker_book, worker_sync = _enrolled_laptop(tmp_path, hub, worker_id, "worker")
        first_book, first_sync = _enrolled_laptop(tmp_path, hub, first_id, "first")
        second_book, second_sync = _enrolled_laptop(tmp_path, hub, second_id, "second")
        try:
            visit = plan(worker=worker_id, location="Demo Library, Example Street")
            write(worker_book, visit)
            assert worker_sync.sync_once().ok
            clock.advance(minutes=10)
            write(worker_book, Alarm(id=new_id(), visit_id=visit.id, raised_at=clock()))
            assert worker_sync.sync_once().ok

            bridge = SyncBridge(first_sync, clock=clock)
            page = BoardPage(first_book, tasks, clock=clock, sync=bridge)
            qtbot.addWidget(page)
            page.show()
            qtbot.waitUntil(lambda: page.model.row_of(visit.id) is not None
                            and state_of(page, visit.id) == "ALARM", timeout=15_000)
            assert page.debrief_model.rowCount() == 0

            # Supervisor A resolves the alarm; the same sync brings back the hub's debrief.
            clock.advance(minutes=5)
            page.select_visit(visit.id)
            dialog = page.resolve()
            assert dialog is not None
            dialog.note.setPlainText("Phoned Test Worker A, who is safe; pressed by mistake.")
            assert dialog.save()
            wait_closed(qtbot, dialog)
            qtbot.waitUntil(lambda: page.debrief_model.rowCount() == 1, timeout=15_000)
            row = page.debrief_model.rows[0]
            assert row.cells[1:5] == ("Demo Library, Example Street", "YP-0007",
                                      when_local(START + timedelta(minutes=10)), "You")
            debrief_id = row.key
            # Supervisor B of the same team has it to do too.
            assert second_sync.sync_once().ok
            assert [d.id for d in load_board(second_book).debriefs] == [debrief_id]

            # A marks it done, with a note (refused without one).
            clock.advance(hours=20)
            qtbot.waitUntil(lambda: not bridge.running, timeout=15_000)
            assert page.select_debrief(debrief_id)
            done_dialog = page.debrief_done()
            assert done_dialog is not None
            assert not done_dialog.save()
            done_dialog.note.setPlainText(DEBRIEF_NOTE)
            assert done_dialog.save()
            wait_closed(qtbot, done_dialog)
            qtbot.waitUntil(lambda: page.debrief_model.rowCount() == 0, timeout=15_000)
            assert page.debrief_empty.isVisibleTo(page)
            qtbot.waitUntil(lambda: SyncStore(first_book).waiting_count() == 0, timeout=15_000)
            qtbot.waitUntil(lambda: not bridge.running, timeout=15_000)
            assert SyncStore(first_book).held() == []

            # The hub has it done, and B's list is empty after B's next sync.
            with Session(hub.engine) as session:
                stored = session.get(HubRecord, debrief_id)
                assert stored is not None and stored.body["done"] is True
            assert second_sync.sync_once().ok
            assert load_board(second_book).debriefs == []
            [held] = [s.record for s in second_book.records("welfare_debrief")]
            assert isinstance(held, WelfareDebrief) and held.done
            [note] = [s.record for s in second_book.records("welfare_debrief_done")]
            assert isinstance(note, WelfareDebriefDone) and note.note == DEBRIEF_NOTE
            # The worker's laptop never receives the debrief nor its note.
            assert worker_sync.sync_once().ok
            assert worker_book.records("welfare_debrief") == []
            assert worker_book.records("welfare_debrief_done") == []
            page.hide()
            qtbot.waitUntil(lambda: not bridge.running, timeout=15_000)
            bridge.stop()
        finally:
            for casebook in (worker_book, first_book, second_book):
                casebook.close()


# ---------------------------------------------------------------------------------------------
# In the main window
# ---------------------------------------------------------------------------------------------


def _enrol_as(book: Casebook, role: str) -> None:
    """The enrolment the sync engine keeps (no hub needed: nothing here syncs)."""
    SyncStore(book).save_enrolment(
        HubAccount(
            hub_url="http://127.0.0.1:9", cert_fingerprint=None, hub_id="hub-demo",
            hub_epoch="epoch-demo", device_id="d-demo", device_name="Demo laptop",
            user_id=book.author, user_name="Demo Person", role=role, team="Team X",
            refresh_token="x" * 32, device_key=b"k" * 32,
        )
    )


def test_supervisors_see_the_board_and_an_alarm_from_any_page(
    qtbot: Any, book: Casebook, tasks: TaskRunner, clock: ManualClock
) -> None:
    _enrol_as(book, "supervisor")
    visit = plan()
    write(book, visit)
    window = MainWindow(book, tasks, clock=clock, idle_minutes=10)
    qtbot.addWidget(window)
    board = window.board
    assert board is not None
    titles = [window.nav.item(n).text() for n in range(window.nav.count())]
    assert BOARD_TITLE in titles
    assert unnamed_controls(window) == []
    qtbot.waitUntil(lambda: board.model.row_of(visit.id) is not None, timeout=5000)
    assert window.board_button.isHidden()  # nothing needs the supervisor yet

    clock.advance(minutes=20)
    write(book, Alarm(id=new_id(), visit_id=visit.id, raised_at=clock()))
    window.show_page(0)
    board.reload()  # as after the sync that brought the alarm in
    qtbot.waitUntil(lambda: not window.board_button.isHidden(), timeout=5000)
    assert window.board_button.text() == "Lone working: 1 alarm"
    assert window.nav.item(window.pages.indexOf(board)).text() == f"{BOARD_TITLE} (1)"
    window.board_button.click()
    assert window.pages.currentWidget() is board
    window.show_page(0)
    action = next(a for a in window.page_actions if a.text() == BOARD_TITLE)
    assert QKeySequence("Ctrl+Shift+B") in action.shortcuts()  # however many pages there are
    action.trigger()
    assert window.pages.currentWidget() is board


def test_workers_do_not_get_the_board(
    qtbot: Any, book: Casebook, tasks: TaskRunner, clock: ManualClock
) -> None:
    _enrol_as(book, "worker")
    window = MainWindow(book, tasks, clock=clock, idle_minutes=10)
    qtbot.addWidget(window)
    assert window.board is None
    titles = [window.nav.item(n).text() for n in range(window.nav.count())]
    assert BOARD_TITLE not in titles


def test_the_supervisors_own_duress_check_in_looks_safe_on_their_own_board(
    qtbot: Any, board: BoardPage, book: Casebook, clock: ManualClock
) -> None:
    """Someone may be watching the supervisor's screen too: their own visit is shown as its
    worker sees it, so their duress PIN stays silent here (the hub still raises the alarm)."""
    own, safe = plan(worker=SUPERVISOR), plan(worker=SUPERVISOR, location="Demo Park")
    write(book, own, safe)
    with book.sync_transaction() as db:
        for visit in (own, safe):
            db.execute(
                "INSERT INTO visit_watch (visit_id, escalation_starts_at, acknowledged_at) "
                "VALUES (?, ?, ?)",
                (visit.id, (START + timedelta(minutes=75)).isoformat(), clock().isoformat()),
            )
    clock.advance(minutes=20)
    write(
        book,
        CheckIn(id=new_id(), visit_id=own.id, kind=CheckInKind.DURESS, at=clock()),
        CheckIn(id=new_id(), visit_id=safe.id, kind=CheckInKind.SAFE, at=clock()),
    )
    load(qtbot, board)

    def seen(visit_id: str) -> tuple[list[str], str, list[str]]:
        row = board.model.row_of(visit_id)
        assert row is not None
        cells = [str(board.model.index(row, c).data()) for c in range(board.model.columnCount())]
        board.select_visit(visit_id)
        return (
            [c for n, c in enumerate(cells) if n not in (2, 3)],  # the plans differ there
            board.detail_state.text().split(":")[0],
            [r.cells[1] for r in board.timeline_model.rows],
        )

    assert seen(own.id) == seen(safe.id)
    assert state_of(board, own.id) == "Armed"
    assert board.counts.alarms == 0


def test_states_are_recomputed_from_the_clock_on_a_timer(
    qtbot: Any, book: Casebook, tasks: TaskRunner, clock: ManualClock
) -> None:
    visit = plan()
    write(book, visit)
    page = BoardPage(book, tasks, clock=clock, recompute_every_ms=10)
    qtbot.addWidget(page)
    load(qtbot, page)
    assert state_of(page, visit.id) == "Armed"
    counts: list[Counts] = []
    page.counts_changed.connect(counts.append)
    clock.advance(minutes=65)  # nothing read again: only the clock moved
    qtbot.waitUntil(lambda: state_of(page, visit.id) == "Overdue", timeout=5000)
    assert counts == [Counts(alarms=0, overdue=1)]
    page.set_active(False)
    assert not page.recompute_timer.isActive()


def test_welfare_debriefs_to_do_show_in_the_status_bar(
    qtbot: Any, book: Casebook, tasks: TaskRunner, clock: ManualClock
) -> None:
    _enrol_as(book, "supervisor")
    resolved_with_debrief(book, clock, plan())
    window = MainWindow(book, tasks, clock=clock, idle_minutes=10)
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: not window.board_button.isHidden(), timeout=5000)
    assert window.board_button.text().endswith("; 1 welfare debrief to do")
    assert window.board is not None
    assert window.board.counts.debriefs == 1


def test_each_notice_shows_delivered_failing_given_up_or_never_sent(
    qtbot: Any, book: Casebook, board: BoardPage, clock: ManualClock
) -> None:
    """The hub's ``alert_delivery`` record, as it reaches the board by sync: per notice,
    delivered, failing with a plain reason, given up, or never sent (nobody to send to)."""
    from spokeapp.domain.records import AlertDelivery, AlertReason, EscalationAlert

    visit = plan()
    deadline = START + timedelta(hours=1)
    alert = EscalationAlert(
        id=new_id(), visit_id=visit.id, tier="on_call_manager",
        raised_at=deadline + timedelta(minutes=30), recipients=("on_call_manager", "manager"),
        reason=AlertReason.OVERDUE, deadline=deadline,
    )
    delivery = AlertDelivery(
        id=new_id(), alert_id=alert.id, visit_id=visit.id,
        channels=("sms", "email", "webhook"), roles=("on_call_manager", "on_call_manager",
                                                    "webhook"),
        statuses=("sent", "retrying", "failed"), reasons=("", "smtp_down", "http_500"),
        attempts=(1, 2, 20), unreached=("manager",),
    )
    write(book, visit, alert)
    book.save(delivery)  # a header the hub writes (and re-versions)
    clock.now = deadline + timedelta(minutes=31)
    load(qtbot, board)
    board.select_visit(visit.id)
    story = [r.cells[1] for r in board.timeline_model.rows]
    assert (
        "Hub alerted the on-call manager (missed check-in)\n"
        "  SMS to the on-call manager: delivered\n"
        "  Email to the on-call manager: FAILED (the email server is not answering; 2 tries), "
        "trying again\n"
        "  Webhook to the alarm receiver: FAILED (the receiver answered with error 500), gave "
        "up after 20 tries\n"
        "  the manager: NEVER SENT - the hub has no contact or notifier for them"
    ) in story
    assert board.model.index(board.model.row_of(visit.id) or 0, ALERTS).data() == (
        "1 to acknowledge")  # one notice got through: not "NOT DELIVERED"


@pytest.mark.parametrize("switch", [("light", "dark"), ("dark", "light")],
                         ids=["to dark", "to light"])
def test_an_alarm_s_bold_words_stay_readable_when_the_system_switches_scheme(
    qtbot: Any, board: BoardPage, book: Casebook, clock: ManualClock, system_scheme: Any,
    switch: tuple[str, str],
) -> None:
    """The selected alarm's words are bold. Made bold with a style sheet, they kept the old
    palette when the system switched to dark at dusk: black on the dark window."""
    from PySide6.QtGui import QPalette

    from spokeapp.present.contrast import TEXT_MIN, contrast_ratio

    before, after = switch
    system_scheme(before)
    panic = plan()
    write(book, panic)
    clock.advance(minutes=20)
    write(book, Alarm(id=new_id(), visit_id=panic.id, raised_at=clock(), kind=AlarmKind.PANIC))
    board.show()
    load(qtbot, board)
    board.select_visit(panic.id)
    label = board.detail_state
    assert label.text().startswith("ALARM") and label.font().bold()
    system_scheme(after)
    words = label.palette().color(QPalette.ColorRole.WindowText).name()
    window = board.palette().color(QPalette.ColorRole.Window).name()
    assert contrast_ratio(words, window) >= TEXT_MIN, f"{words} on {window}"
    assert label.font().bold(), "still bold"
