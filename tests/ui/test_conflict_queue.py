"""The conflicts queue offers a way through a conflict about fields a record rule ties
together (issue 13): never a dead end. Real windows, real casebooks, a real hub on loopback."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from PySide6.QtCore import Qt

from spokeapp.domain.records import Case, CaseStatus
from tests.helpers.sync_world import Device, open_case
from tests.ui.test_accessibility import unnamed_controls
from tests.ui.test_review import hub, sync, team, windows, world  # noqa: F401 (fixtures)

FIRST_CLOSE = date(2026, 2, 20)
MOVED_CLOSE = date(2026, 2, 27)


def _case(device: Device, case_id: str) -> Case:
    record = device.book.get(case_id).record
    assert isinstance(record, Case)
    return record


def test_the_laptops_closure_is_taken_whole_from_the_keyboard_and_syncs_everywhere(
    qtbot: Any, windows: Any, team: tuple[Device, Device]  # noqa: F811
) -> None:
    worker, supervisor = team
    case = open_case(worker.book, worker.user_id, 1)
    worker.book.save(replace(case, status=CaseStatus.CLOSED, closed_on=FIRST_CLOSE))
    worker_main, sup_main = windows(worker), windows(supervisor)
    sync(qtbot, worker_main)
    sync(qtbot, sup_main)
    # The supervisor reopens the case; the worker, not having synced, moves the closing date.
    supervisor.book.save(replace(_case(supervisor, case.id), status=CaseStatus.OPEN,
                                 closed_on=None))
    worker.book.save(replace(_case(worker, case.id), closed_on=MOVED_CLOSE))
    sync(qtbot, sup_main)
    assert sync(qtbot, worker_main).conflicts == 1  # one change, named by two conflicts
    sync(qtbot, sup_main)

    panel = sup_main.sync_page
    panel.show_status(sup_main.sync.status())
    queue = panel.conflict_queue
    queue.refresh()
    fields = {row.cells[1]: n for n, row in enumerate(queue.model.rows)}
    assert set(fields) == {"Status", "Closed on"}
    # The kept value was written by the supervisor (who reopened), not the case's author.
    assert queue.model.row_at(fields["Closed on"]).cells[2] == f"(empty) (by {supervisor.user_id})"
    queue.table.setCurrentIndex(queue.model.index(fields["Closed on"], 0))

    # The closed date alone cannot be taken while the case is open: the queue offers the
    # laptop's closure whole, on a button a keyboard reaches.
    assert queue.use_button.isHidden() and not queue.together_button.isHidden()
    button = queue.together_button
    assert button.accessibleName() == "Use the laptop's closure (status and closed on together)"
    assert button.focusPolicy() & Qt.FocusPolicy.TabFocus
    assert unnamed_controls(panel) == []
    button.setFocus()
    with qtbot.waitSignal(sup_main.sync.finished, timeout=30_000):
        qtbot.keyClick(button, Qt.Key.Key_Space)
    sup_main._tasks.wait()

    shown = _case(supervisor, case.id)
    assert (shown.status, shown.closed_on) == (CaseStatus.CLOSED, MOVED_CLOSE)
    assert supervisor.engine.status().open_conflicts == 0  # both settled together
    sync(qtbot, worker_main)
    assert (_case(worker, case.id).status, _case(worker, case.id).closed_on) == (
        CaseStatus.CLOSED, MOVED_CLOSE)
    assert worker.engine.status().open_conflicts == 0
    resolutions = {body["field"]: body for body in worker.conflicts(open_only=False).values()}
    assert {f: (b["resolved"], b["resolution"]) for f, b in resolutions.items()} == {
        "status": (True, "laptop"), "closed_on": (True, "laptop")}
