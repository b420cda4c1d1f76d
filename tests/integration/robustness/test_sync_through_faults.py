"""Syncing over a very bad connection still converges exactly.

Three laptops (a worker's two laptops and the supervisor's) each talk to the real hub through
their own fault-injecting proxy where most connections go wrong: dropped before anything is
sent, the hub's reply lost after it committed, the reply cut part-way, or delayed. Each laptop
keeps calling ``sync_once`` until a run succeeds (bounded), round after round, until a quiet
round. Then every laptop holds exactly what the hub holds, every finalised session any laptop
wrote is everywhere, the clash the two laptops made on one field is an open conflict on all
three, and every kind of fault really happened along the way.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from tests.helpers.fault_proxy import FAULTS
from tests.helpers.hub import RunningHub
from tests.helpers.records import session
from tests.helpers.sync_world import (
    Device,
    World,
    closing_world,
    edit_header,
    finalised_session,
    open_case,
    set_risk,
    toggle_status,
)

MAX_TRIES = 200  # with these seeds the worst run needs well under a third of this


def _sync_until_ok(device: Device) -> tuple[int, int]:
    """Sync until a run succeeds; returns (tries, how much the runs moved)."""
    moved = 0
    for tries in range(1, MAX_TRIES + 1):
        report = device.sync()
        moved += (report.accepted + report.duplicates + report.conflicts + report.pulled
                  + report.purged)
        if report.ok:
            return tries, moved
        assert report.error_code in ("unreachable", "rejected"), report.error
    raise AssertionError(f"{device.name} never completed a sync in {MAX_TRIES} tries")


def _rounds_until_quiet(world: World, devices: list[Device]) -> list[int]:
    tries: list[int] = []
    for _round in range(6):
        moved = 0
        for device in devices:
            n, m = _sync_until_ok(device)
            tries.append(n)
            moved += m
        if not moved:
            return tries
    raise AssertionError("the laptops never settled")


@pytest.mark.slow
def test_sync_through_a_very_bad_connection_converges_exactly(
    hub: RunningHub, tmp_path: Path
) -> None:
    with closing_world(hub, tmp_path, pull_limit=60) as world:
        worker = world.add_user("Test Worker A", "worker", "north")
        supervisor = world.add_user("Test Supervisor", "supervisor", "north")
        laptop = world.device(worker, "laptop")
        spare = world.device(worker, "spare-laptop")
        boss = world.device(supervisor, "supervisor-laptop")
        devices = [laptop, spare, boss]
        for seed, device in enumerate(devices, start=11):
            device.route.proxy = world.proxy(seed)
        written: set[str] = set()

        cases = [open_case(laptop.book, worker, n).id for n in (1, 2)]
        for i in range(80):
            written.add(finalised_session(laptop.book, cases[i % 2], f"Fictional {i}.").id)
        first_round = _rounds_until_quiet(world, devices)

        # Offline work on every laptop, including the same field changed on two of them.
        edit_header(laptop.book, cases[0], set_risk("high"))
        edit_header(spare.book, cases[0], set_risk("medium"))
        edit_header(boss.book, cases[1], toggle_status)
        for n, device in enumerate(devices):
            for i in range(25):
                visit = finalised_session(device.book, cases[i % 2], f"Fictional {n}.{i}.")
                written.add(visit.id)
            device.book.save(session(cases[0], discussed="Half-written fictional note."))
        second_round = _rounds_until_quiet(world, devices)
        print(f"tries per successful sync: {first_round} then {second_round}")

        counts: Counter[str] = Counter()
        for proxy in world.proxies:
            counts.update(proxy.counts)
        print(f"connections by fault: {dict(counts)}")
        for fault in FAULTS:
            assert counts[fault] >= 1, f"no {fault} happened"

        hub_sessions = {r.record_id for r in world.hub_rows() if r.kind == "session"}
        assert hub_sessions == written
        (conflict,) = world.hub_conflicts().values()
        assert conflict["field"] == "current_risk_level"
        assert {conflict["hub_value"], conflict["device_value"]} == {"high", "medium"}
        for device in devices:
            assert device.replica() == world.hub_replica(device.user_id), device.name
            assert set(device.conflicts()) == {conflict["id"]}
            status = device.engine.status()
            assert status.waiting == 0 and status.held == 0
            assert device.book.integrity_ok()
        assert laptop.book.get(cases[1]).record.status.value == "closed"  # type: ignore[attr-defined]
