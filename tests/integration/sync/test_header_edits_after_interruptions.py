"""A header edit made after an interrupted sync does what the worker meant (both databases).

Found by the convergence property (test_convergence_property.py); kept as plain regressions.
"""

from __future__ import annotations

from pathlib import Path

from tests.helpers.hub import RunningHub
from tests.helpers.sync_world import closing_world, edit_header, open_case, set_risk, toggle_status


def test_an_edit_after_a_sync_cut_before_pull_does_not_revert_a_colleagues_change(
    hub: RunningHub, tmp_path: Path
) -> None:
    with closing_world(hub, tmp_path) as world:
        worker = world.add_user("Test Worker A", "worker", "north")
        laptop, spare = world.device(worker, "laptop"), world.device(worker, "spare-laptop")
        case = open_case(laptop.book, worker, 1)
        world.settle()
        edit_header(spare.book, case.id, toggle_status)  # closed on the spare laptop
        assert spare.sync().ok
        edit_header(laptop.book, case.id, set_risk("high"))  # not seen the close yet
        laptop.route.fail_pull_call = 1  # pushed, then the signal went before the pull
        assert not laptop.sync().ok
        laptop.route.normal()

        edit_header(laptop.book, case.id, set_risk("medium"))
        assert laptop.sync().ok

        on_hub = world.hub_headers()[case.id][2]
        assert on_hub["status"] == "closed", "the close made on the spare laptop was undone"
        assert on_hub["current_risk_level"] == "medium"
        world.settle()
        for device in (laptop, spare):
            shown = device.book.get(case.id).record
            assert shown.status.value == "closed"  # type: ignore[attr-defined]
            assert shown.current_risk_level == "medium"  # type: ignore[attr-defined]


def test_an_edit_after_a_lost_acknowledgement_is_not_a_conflict_with_yourself(
    hub: RunningHub, tmp_path: Path
) -> None:
    with closing_world(hub, tmp_path) as world:
        worker = world.add_user("Test Worker A", "worker", "north")
        laptop = world.device(worker, "laptop")
        case = open_case(laptop.book, worker, 1)
        world.settle()
        edit_header(laptop.book, case.id, set_risk("high"))
        laptop.route.lose_first_push = True  # the hub stored it; the answer never came
        assert not laptop.sync().ok
        laptop.route.normal()

        edit_header(laptop.book, case.id, set_risk("medium"))
        report = laptop.sync()

        assert report.ok and report.conflicts == 0
        assert world.hub_conflicts() == {} and laptop.engine.status().open_conflicts == 0
        assert world.hub_headers()[case.id][2]["current_risk_level"] == "medium"
        assert laptop.book.get(case.id).record.current_risk_level == "medium"  # type: ignore[attr-defined]
