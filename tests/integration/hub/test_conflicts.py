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
