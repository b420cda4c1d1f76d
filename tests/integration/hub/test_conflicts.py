"""Two laptops edit the same case header from the same version: nothing is lost silently."""

from __future__ import annotations

from typing import Any

from spokeapp.domain.records import Case
from tests.helpers.hub import Laptop, RunningHub
from tests.helpers.records import case, young_person


def _edit(laptop: Laptop, base: dict[str, Any], base_seq: int, **fields: Any) -> Any:
    payload = {**base, **fields}
    change = laptop.change(kind="case", record_id=base["id"], op="put", payload=payload,
                           base_seq=base_seq, base=base)
    return laptop.push(change)


def _setup(hub: RunningHub) -> tuple[Laptop, Laptop, Laptop, Case, dict[str, Any], int]:
    worker = hub.admin.add_user("Test Worker A", "worker", "team-x")
    supervisor = hub.laptop(hub.admin.add_user("Test Supervisor X", "supervisor", "team-x"))
    first, second = hub.laptop(worker, "Office test laptop"), hub.laptop(worker, "Home laptop")
    yp = young_person(1)
    cs = case(yp, key_worker=worker)
    first.push_records(yp, cs)
    pulled = {c["record_id"]: c for c in second.pull_all()}
    first.pull_all()
    supervisor.pull_all()
    return first, second, supervisor, cs, pulled[cs.id]["payload"], pulled[cs.id]["seq"]


def test_same_field_edited_twice_keeps_the_first_and_opens_a_conflict(hub: RunningHub) -> None:
    first, second, supervisor, cs, base, base_seq = _setup(hub)

    one = _edit(first, base, base_seq, current_risk_level="medium")
    two = _edit(second, base, base_seq, current_risk_level="high")

    assert one.json()["results"][0]["status"] == "accepted"
    result = two.json()["results"][0]
    assert result["status"] == "conflict"
    [conflict_id] = result["conflict_ids"]
    for laptop in (first, second, supervisor):
        changes = {c["record_id"]: c for c in laptop.pull_all()}
        assert changes[cs.id]["payload"]["current_risk_level"] == "medium"
        conflict = changes[conflict_id]
        assert conflict["kind"] == "conflict"
        assert conflict["case_id"] == cs.id
        body = conflict["payload"]
        assert (body["record_id"], body["field"]) == (cs.id, "current_risk_level")
        assert (body["hub_value"], body["device_value"]) == ("medium", "high")
        assert body["resolved"] is False


def test_different_fields_merge_without_conflict(hub: RunningHub) -> None:
    first, second, _supervisor, cs, base, base_seq = _setup(hub)
    assert _edit(first, base, base_seq, lawful_basis="consent").status_code == 200
    response = _edit(second, base, base_seq, current_risk_level="low")
    assert response.json()["results"][0]["status"] == "accepted"
    latest = {c["record_id"]: c for c in first.pull_all()}[cs.id]["payload"]
    assert (latest["lawful_basis"], latest["current_risk_level"]) == ("consent", "low")


def test_a_person_resolves_the_conflict(hub: RunningHub) -> None:
    first, second, supervisor, _cs, base, base_seq = _setup(hub)
    _edit(first, base, base_seq, current_risk_level="medium")
    [conflict_id] = _edit(second, base, base_seq, current_risk_level="high").json()[
        "results"][0]["conflict_ids"]
    conflict = {c["record_id"]: c for c in supervisor.pull_all()}[conflict_id]["payload"]

    resolved = {**conflict, "resolved": True, "resolved_by": supervisor.user_id,
                "resolved_at": "2026-03-02T11:00:00+00:00"}
    change = supervisor.change(kind="conflict", record_id=conflict_id, payload=resolved)
    assert supervisor.push(change).status_code == 200

    seen = {c["record_id"]: c for c in first.pull_all()}
    assert seen[conflict_id]["payload"]["resolved"] is True
    # Nothing but the resolution may change in a conflict record.
    sneaky = second.change(kind="conflict", record_id=conflict_id,
                           payload={**resolved, "hub_value": "low"})
    assert second.push(sneaky).status_code == 422


# ----------------------------------------------------------------------------- issue 13
def test_a_merge_that_would_break_a_rule_names_every_field_it_did_not_apply(
    hub: RunningHub,
) -> None:
    """One laptop closes the case; the other, from the open version, moves the opened date
    past that closure and changes the risk level. The opened date cannot be applied (a case
    cannot close before it opened): it is named by a conflict, the risk level is applied."""
    first, second, _supervisor, cs, base, base_seq = _setup(hub)
    closed = _edit(first, base, base_seq, status="closed", closed_on="2026-02-01")
    assert closed.json()["results"][0]["status"] == "accepted"

    result = _edit(second, base, base_seq, opened_on="2026-02-10",
                   current_risk_level="high").json()["results"][0]

    assert result["status"] == "conflict"
    changes = {c["record_id"]: c for c in first.pull_all()}
    stored = changes[cs.id]["payload"]
    assert (stored["status"], stored["closed_on"], stored["opened_on"]) == (
        "closed", "2026-02-01", "2026-01-10")
    assert stored["current_risk_level"] == "high"
    [conflict] = [changes[i]["payload"] for i in result["conflict_ids"]]
    assert (conflict["field"], conflict["hub_value"], conflict["device_value"]) == (
        "opened_on", "2026-01-10", "2026-02-10")
    assert conflict["device_tied"] == {"closed_on": None, "opened_on": "2026-02-10",
                                       "status": "open"}


def test_a_closure_is_never_mixed_from_two_versions(hub: RunningHub) -> None:
    """One laptop reopens the closed case; the other, not having seen it, moves the closing
    date. The status and the closed date mean one thing together: the hub keeps its own
    (open) and names both fields of the other laptop's closure, so taking it is possible."""
    first, second, _supervisor, cs, base, base_seq = _setup(hub)
    _edit(first, base, base_seq, status="closed", closed_on="2026-02-01")
    closed = {c["record_id"]: c for c in second.pull_all()}[cs.id]
    first.pull_all()
    closed_base, closed_seq = closed["payload"], closed["seq"]
    assert _edit(first, closed_base, closed_seq, status="open", closed_on=None).status_code == 200

    result = _edit(second, closed_base, closed_seq, closed_on="2026-02-25").json()["results"][0]

    assert result["status"] == "conflict"
    changes = {c["record_id"]: c for c in first.pull_all()}
    assert (changes[cs.id]["payload"]["status"], changes[cs.id]["payload"]["closed_on"]) == (
        "open", None)
    conflicts = {changes[i]["payload"]["field"]: changes[i]["payload"]
                 for i in result["conflict_ids"]}
    assert {f: (c["hub_value"], c["device_value"]) for f, c in conflicts.items()} == {
        "status": ("open", "closed"), "closed_on": (None, "2026-02-25")}
    assert conflicts["closed_on"]["hub_author"] == first.user_id


def test_a_conflict_names_who_wrote_the_kept_value(hub: RunningHub) -> None:
    first, second, supervisor, cs, base, base_seq = _setup(hub)
    # The supervisor sets the risk level; the worker's other laptop, not having seen it,
    # sets another: the kept value is the supervisor's, not the worker's who opened the case.
    assert _edit(supervisor, base, base_seq, current_risk_level="high").status_code == 200
    [conflict_id] = _edit(second, base, base_seq, current_risk_level="low").json()[
        "results"][0]["conflict_ids"]
    changes = {c["record_id"]: c for c in first.pull_all()}
    conflict = changes[conflict_id]["payload"]
    assert (conflict["hub_value"], conflict["hub_author"]) == ("high", supervisor.user_id)
    assert conflict["device_author"] == second.user_id
    # A pull says who wrote each version: the case's latest is the supervisor's.
    assert changes[cs.id]["author"] == supervisor.user_id


def test_a_resolution_may_say_whose_value_was_taken(hub: RunningHub) -> None:
    first, second, supervisor, _cs, base, base_seq = _setup(hub)
    _edit(first, base, base_seq, current_risk_level="medium")
    [conflict_id] = _edit(second, base, base_seq, current_risk_level="high").json()[
        "results"][0]["conflict_ids"]
    conflict = {c["record_id"]: c for c in supervisor.pull_all()}[conflict_id]["payload"]
    resolved = {**conflict, "resolved": True, "resolved_by": supervisor.user_id,
                "resolved_at": "2026-03-02T11:00:00+00:00", "resolution": "hub"}
    change = supervisor.change(kind="conflict", record_id=conflict_id, payload=resolved)
    assert supervisor.push(change).status_code == 200
    seen = {c["record_id"]: c for c in first.pull_all()}[conflict_id]["payload"]
    assert (seen["resolved"], seen["resolution"]) == (True, "hub")


# ----------------------------------------------------------------------------- ABA
def test_a_reopening_is_not_overwritten_by_a_laptop_that_never_saw_it(hub: RunningHub) -> None:
    """One laptop closes the case and then reopens it (two pushes, no pull between: the
    second carries the stale ``base_seq`` the laptop engine sends). The other laptop, from the
    open version before both, closes it. The hub's status is "open" again, as in that base,
    but it was written after that base by another laptop: the reopening is kept and the
    closure is named by conflicts, not taken silently."""
    first, second, _supervisor, cs, base, base_seq = _setup(hub)
    closed = {**base, "status": "closed", "closed_on": "2026-02-01"}
    one = _edit(first, base, base_seq, status="closed", closed_on="2026-02-01")
    assert one.json()["results"][0]["status"] == "accepted"
    # The same laptop, before pulling: its base is its own pushed body, base_seq unchanged.
    two = _edit(first, closed, base_seq, status="open", closed_on=None)
    assert two.json()["results"][0]["status"] == "accepted"  # never a conflict with itself

    result = _edit(second, base, base_seq, status="closed",
                   closed_on="2026-02-20").json()["results"][0]

    assert result["status"] == "conflict"
    changes = {c["record_id"]: c for c in first.pull_all()}
    stored = changes[cs.id]["payload"]
    assert (stored["status"], stored["closed_on"]) == ("open", None)
    conflicts = {changes[i]["payload"]["field"]: changes[i]["payload"]
                 for i in result["conflict_ids"]}
    assert {f: (c["hub_value"], c["device_value"]) for f, c in conflicts.items()} == {
        "status": ("open", "closed"), "closed_on": (None, "2026-02-20")}
    assert conflicts["status"]["hub_author"] == first.user_id


def test_a_laptops_own_earlier_writes_never_conflict_with_its_later_edits(
    hub: RunningHub,
) -> None:
    """Consecutive pushes of one header from one laptop, each from its own last body with the
    base_seq of the version it last pulled, and a re-sent batch: all accepted, no conflict,
    even where the field went back to the value of that old base."""
    first, second, _supervisor, cs, base, base_seq = _setup(hub)
    # Another laptop changes an unrelated field meanwhile: merged, not a clash.
    assert _edit(second, base, base_seq, current_risk_level="high").json()[
        "results"][0]["status"] == "accepted"
    bodies = [{**base, "status": "closed", "closed_on": "2026-02-01"},
              {**base, "status": "open", "closed_on": None},
              {**base, "status": "closed", "closed_on": "2026-02-03"}]
    previous = base
    for body in bodies:
        change = first.change(kind="case", record_id=cs.id, op="put", payload=body,
                              base_seq=base_seq, base=previous)
        batch = first.batch([change])
        sent = first.send(batch).json()["results"][0]
        assert (sent["status"], sent["conflict_ids"]) == ("accepted", [])
        again = first.send(batch).json()["results"][0]  # the answer was lost: sent again
        assert again["status"] == "duplicate"
        previous = body
    pulled = second.pull_all()
    stored = {c["record_id"]: c for c in pulled}[cs.id]["payload"]
    assert (stored["status"], stored["closed_on"], stored["current_risk_level"]) == (
        "closed", "2026-02-03", "high")
    assert not [c for c in pulled if c["kind"] == "conflict"]
