"""Property: whatever laptops do offline, and however their syncs are interrupted, they agree.

Two worker laptops (the same worker's second laptop, or a colleague in the same team) and
their supervisor's laptop make random offline edits: finalised sessions, drafts (some
finalised later), edits of case headers (risk level, open/closed) and of the young person's
needs, including the same field changed on two laptops from the same starting point. They
sync in a random order, and a sync may be interrupted: through a fault-injecting proxy
(dropped connections, lost or cut replies), with the hub's acknowledgement lost, with the
connection gone between push and pull or between pull pages, or with the laptop crashing
between pull pages (engine gone, casebook reopened).

After a final quiet round (every laptop synced until nothing changes):

* every laptop holds exactly the finalised records and header values the hub holds in its
  user's scope, and every finalised record any laptop wrote is on the hub and on every laptop
  whose user may see it (nothing lost, nothing extra);
* drafts never left their laptop and are unchanged;
* every header edit that reached the hub did what the worker would expect, judged from what
  their laptop showed when they edited it: a field only they changed is applied; a field
  nobody else changed meanwhile is not silently reverted; a field someone else changed to a
  different value keeps the hub's value and opens a conflict - and the conflicts on the hub
  are exactly those, each visible as open on every laptop in the case's scope.

Runs a fixed number of derandomised examples per database (SPOKE_SYNC_EXAMPLES to change,
SPOKE_SYNC_RANDOM=1 to explore new ones). The hub is shared by a module's examples; each
example uses a new team, so examples never see each other's records.
"""

from __future__ import annotations

import itertools
import os
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from spokeapp.sync.engine import SyncReport
from spokeapp.sync.protocol import HEADER_KINDS
from tests.helpers.hub import RunningHub
from tests.helpers.records import session
from tests.helpers.sync_world import (
    Crash,
    Device,
    World,
    closing_world,
    edit_header,
    finalised_session,
    normalised,
    open_case,
    set_needs,
    set_risk,
    sync_property_settings,
    toggle_status,
)

EXAMPLES = int(os.environ.get("SPOKE_SYNC_EXAMPLES", "20"))
PULL_LIMIT = 4  # small pages, so a pull can be cut between pages

RISKS = ["low", "medium", "high"]
NEEDS = ["Likes the library cafe.", "Prefers text messages.", "Wants to try football."]
SYNC_MODES = ["clean", "faults", "lost_ack", "cut_before_pull", "cut_mid_pull", "crash_mid_pull"]
_counter = itertools.count(1)


# ----------------------------------------------------------------------------- the programme
device_index = st.integers(0, 2)
case_pick = st.integers(0, 5)
steps = st.one_of(
    st.tuples(st.just("session"), device_index, case_pick),
    st.tuples(st.just("draft"), device_index, case_pick),
    st.tuples(st.just("finalise_draft"), device_index, case_pick),
    st.tuples(st.just("risk"), device_index, case_pick, st.sampled_from(RISKS)),
    st.tuples(st.just("status"), device_index, case_pick),
    st.tuples(st.just("needs"), device_index, case_pick, st.sampled_from(NEEDS)),
    # the same field edited on two laptops from what each shows, to different values
    st.tuples(st.just("clash"), st.permutations([0, 1, 2]), case_pick,
              st.sampled_from(["risk", "needs"])),
    st.tuples(st.just("sync"), device_index, st.sampled_from(SYNC_MODES),
              st.integers(0, 2**16)),
)
programmes = st.tuples(st.booleans(), st.lists(steps, min_size=3, max_size=16))


# ----------------------------------------------------------------------------- the oracle
@dataclass
class Edit:
    """One header edit as the worker made it: what the laptop showed, what they saved."""

    change_id: str
    record_id: str
    kind: str
    before: dict[str, Any]
    after: dict[str, Any]
    covered: bool = False


@dataclass
class Ledger:
    """What the test knows every laptop wrote, and the conflicts the workers must see."""

    finals: dict[str, tuple[str, str]] = field(default_factory=dict)  # id -> (case, device)
    drafts: dict[str, dict[str, Any]] = field(default_factory=dict)  # device name -> {id: body}
    edits: dict[str, list[Edit]] = field(default_factory=dict)  # device name -> edits
    conflicts: Counter[tuple[str, str, str, str, str]] = field(default_factory=Counter)
    problems: list[str] = field(default_factory=list)


def _value(value: Any) -> str:
    return repr(value)


def check_landed(
    world: World, device: Device, ledger: Ledger, known: set[str],
    before: dict[str, tuple[int, str, dict[str, Any]]],
) -> None:
    """Judge every header change of ``device`` that reached the hub during its last run."""
    after = world.hub_headers()
    landed = world.hub_change_ids(device.device_id) - known
    edits = ledger.edits.setdefault(device.name, [])
    for change_id in landed:
        change = device.route.sent[change_id]
        if change.kind not in HEADER_KINDS:
            continue
        # The edits this squashed change carried: this record's uncovered edits up to it.
        index = next((i for i, e in enumerate(edits) if e.change_id == change_id), -1)
        covered = [e for e in edits[: index + 1] if e.record_id == change.record_id
                   and not e.covered]
        for e in covered:
            e.covered = True
        record_id = change.record_id
        now = after[record_id][2]
        if not covered or record_id not in before:  # a new record: stored as written
            if now != normalised(change.kind, change.payload):
                ledger.problems.append(f"{device.name}: new {change.kind} stored differently")
            continue
        shown, saved = covered[0].before, covered[-1].after
        hub = before[record_id][2]
        for name in sorted(set(shown) | set(saved) | set(hub)):
            was, mine, theirs = shown.get(name), saved.get(name), hub.get(name)
            if mine == was:
                expected = theirs  # the worker did not change it: never reverted
            elif theirs in (was, mine):
                expected = mine  # only this worker changed it (or both to the same value)
            else:
                expected = theirs  # changed on both sides: hub keeps its value, conflict
                ledger.conflicts[(record_id, name, _value(theirs), _value(mine),
                                  device.user_id)] += 1
            if now.get(name) != expected:
                ledger.problems.append(
                    f"{device.name} edited {change.kind}.{name} from {was!r} to {mine!r} while "
                    f"the hub had {theirs!r}: hub now {now.get(name)!r}, expected {expected!r}"
                )


def sync_step(
    world: World, device: Device, mode: str, seed: int, ledger: Ledger
) -> SyncReport | None:
    before = world.hub_headers()
    known = world.hub_change_ids(device.device_id)
    route = device.route
    route.normal()
    proxy = None
    if mode == "faults":
        proxy = route.proxy = world.proxy(seed)
    elif mode == "lost_ack":
        route.lose_first_push = True
    elif mode == "cut_before_pull":
        route.fail_pull_call = 1
    elif mode in ("cut_mid_pull", "crash_mid_pull"):
        route.fail_pull_call = 2
        route.crash = mode == "crash_mid_pull"
    report = None
    try:
        report = device.sync()
    except Crash:
        device.restart()
    finally:
        route.normal()
        if proxy is not None:
            proxy.wait_idle()  # the hub has finished with every request of this run
    check_landed(world, device, ledger, known, before)
    return report


def settle(world: World, devices: list[Device], ledger: Ledger, rounds: int = 5) -> int:
    """The quiet round: clean syncs of every laptop until a whole round changes nothing."""
    for done in range(1, rounds + 1):
        moved = False
        for device in devices:
            report = sync_step(world, device, "clean", 0, ledger)
            assert report is not None and report.ok, (device.name, report)
            moved |= bool(report.accepted or report.duplicates or report.conflicts
                          or report.pulled or report.purged or report.repushed)
        if not moved:
            return done
    raise AssertionError(f"still changing after {rounds} quiet rounds")


def header_edit(device: Device, ledger: Ledger, record_id: str, change: Any) -> None:
    shown, saved = edit_header(device.book, record_id, change)
    kind = device.book.get(record_id).record.KIND
    ledger.edits.setdefault(device.name, []).append(
        Edit(device.latest_change_id(record_id), record_id, kind, shown, saved)
    )


def run_step(world: World, devices: list[Device], ledger: Ledger, step: tuple[Any, ...]) -> None:
    kind = step[0]
    if kind == "clash":
        order, pick, what = step[1], step[2], step[3]
        first, second = devices[order[0]], devices[order[1]]
        shared = sorted(set(first.case_ids()) & set(second.case_ids()))
        if not shared:
            return
        case_id = shared[pick % len(shared)]
        values = RISKS if what == "risk" else NEEDS
        for n, device in enumerate((first, second)):
            record = device.book.get(case_id).record
            if what == "risk":
                current = record.current_risk_level  # type: ignore[attr-defined]
                value = next(v for i, v in enumerate(values) if v != current and i != n)
                header_edit(device, ledger, case_id, set_risk(value))
            else:
                person = record.young_person_id  # type: ignore[attr-defined]
                current = device.book.get(person).record.needs  # type: ignore[attr-defined]
                value = next(v for i, v in enumerate(values) if v != current and i != n)
                header_edit(device, ledger, person, set_needs(value))
        return
    device = devices[step[1]]
    if kind == "sync":
        sync_step(world, device, step[2], step[3], ledger)
        return
    cases = device.case_ids()
    drafts = ledger.drafts.setdefault(device.name, {})
    if kind == "finalise_draft":
        if drafts:
            draft_id = sorted(drafts)[step[2] % len(drafts)]
            del drafts[draft_id]
            stored = device.book.finalise(draft_id)
            ledger.finals[draft_id] = (stored.record.case_id or "", device.name)
        return
    if not cases:
        return
    case_id = cases[step[2] % len(cases)]
    n = next(_counter)
    if kind == "session":
        visit = finalised_session(device.book, case_id, f"Fictional session {n} at the cafe.")
        ledger.finals[visit.id] = (case_id, device.name)
    elif kind == "draft":
        visit = session(case_id, discussed=f"Half-written fictional note {n}.")
        device.book.save(visit)
        drafts[visit.id] = visit.to_dict()
    elif kind == "risk":
        header_edit(device, ledger, case_id, set_risk(step[3]))
    elif kind == "status":
        header_edit(device, ledger, case_id, toggle_status)
    elif kind == "needs":
        person = device.book.get(case_id).record.young_person_id  # type: ignore[attr-defined]
        header_edit(device, ledger, person, set_needs(step[3]))


# ----------------------------------------------------------------------------- the test
@pytest.mark.slow
@sync_property_settings(EXAMPLES)
@given(programme=programmes)
# Found by this property; kept as explicit examples so every run tries them.
@example(programme=(True, [  # an edit after a sync cut before its pull reverted a colleague's
    ("status", 1, 0), ("sync", 1, "clean", 0), ("risk", 0, 0, "high"),
    ("sync", 0, "cut_before_pull", 0), ("risk", 0, 0, "medium"), ("sync", 0, "clean", 0),
]))
@example(programme=(False, [  # an edit after a lost acknowledgement conflicted with itself
    ("risk", 0, 0, "high"), ("sync", 0, "lost_ack", 0), ("risk", 0, 0, "medium"),
    ("sync", 0, "clean", 0),
]))
def test_replicas_converge_and_nothing_is_lost_or_silently_overwritten(
    shared_hub: RunningHub, tmp_path_factory: pytest.TempPathFactory,
    programme: tuple[bool, list[tuple[Any, ...]]],
) -> None:
    same_worker, plan = programme
    example = next(_counter)
    team = f"team-{example}"
    with closing_world(shared_hub, tmp_path_factory.mktemp("world"),
                       pull_limit=PULL_LIMIT) as world:
        worker = world.add_user(f"Test Worker {example}", "worker", team)
        other = worker if same_worker else world.add_user(f"Test Colleague {example}",
                                                           "worker", team)
        supervisor = world.add_user(f"Test Supervisor {example}", "supervisor", team)
        first = world.device(worker, "laptop-1")
        second = world.device(other, "laptop-2")
        boss = world.device(supervisor, "supervisor-laptop")
        devices = [first, second, boss]
        ledger = Ledger()

        # Starting point: everyone has synced the team's cases once.
        open_case(first.book, worker, 1)
        open_case(first.book, worker, 2)
        if not same_worker:
            open_case(second.book, other, 3)
        world.settle()

        for step in plan:
            run_step(world, devices, ledger, step)
        rounds = settle(world, devices, ledger)

        assert not ledger.problems, "\n".join(ledger.problems)
        hub_conflicts = world.hub_conflicts(supervisor)  # the team's (the hub is shared)
        seen = Counter(
            (c["record_id"], c["field"], _value(c["hub_value"]), _value(c["device_value"]),
             c["device_author"])
            for c in hub_conflicts.values()
        )
        assert seen == ledger.conflicts, "conflicts on the hub differ from the clashing edits"
        hub_final_ids = {r.record_id for r in world.hub_rows() if r.state == "final"}
        assert set(ledger.finals) <= hub_final_ids, "a finalised record never reached the hub"
        for device in devices:
            expected = world.hub_replica(device.user_id)
            held = device.replica()
            assert held == expected, f"{device.name} differs from the hub after {rounds} rounds"
            scope = world.scope_cases(device.user_id)
            for record_id, (case_id, _author) in ledger.finals.items():
                if case_id in scope:
                    assert record_id in held, f"{device.name} lacks finalised {record_id}"
            assert set(device.conflicts()) == set(world.hub_conflicts(device.user_id))
            for draft_id, body in ledger.drafts.get(device.name, {}).items():
                stored = device.book.get(draft_id)
                assert stored.state == "draft" and stored.record.to_dict() == body
                assert draft_id not in hub_final_ids
            status = device.engine.status()
            assert status.waiting == 0 and status.held == 0, device.name
            assert status.open_conflicts == len(world.hub_conflicts(device.user_id))
            assert device.book.integrity_ok()
