"""The field-by-field header merge behind conflict records (docs/sync.md)."""

from __future__ import annotations

from spokeapp.hub.push.merge import changed_since_base, merge_fields

BASE = {"status": "open", "risk": "low", "basis": "public_task"}


def test_device_only_change_is_applied() -> None:
    merged, clashes = merge_fields(BASE, BASE, {**BASE, "risk": "high"})
    assert merged["risk"] == "high" and clashes == []


def test_hub_only_change_is_kept() -> None:
    merged, clashes = merge_fields(BASE, {**BASE, "risk": "medium"}, BASE)
    assert merged["risk"] == "medium" and clashes == []


def test_both_changed_differently_keeps_hub_and_reports() -> None:
    merged, clashes = merge_fields(BASE, {**BASE, "risk": "medium"}, {**BASE, "risk": "high"})
    assert merged["risk"] == "medium" and clashes == ["risk"]


def test_both_changed_the_same_way_is_no_clash() -> None:
    hub = {**BASE, "risk": "high", "basis": "consent"}
    merged, clashes = merge_fields(BASE, hub, {**BASE, "risk": "high"})
    assert merged == hub and clashes == []


# --------------------------------------------------------------------------- last writes
def _write(seq: int, device: str | None) -> dict[str, object]:
    return {"seq": seq, "device": device}


def test_a_field_back_at_the_base_value_but_written_by_another_device_counts_as_changed(
) -> None:
    """Closed and reopened by laptop 1 after laptop 2's base: "open" again, but changed."""
    writes = {"status": _write(12, "laptop-1"), "risk": _write(5, "laptop-1")}
    changed = changed_since_base(BASE, BASE, writes, 10, "laptop-2")
    assert changed == {"status"}  # risk was written before the base
    merged, clashes = merge_fields(BASE, BASE, {**BASE, "status": "closed"}, changed)
    assert merged == BASE and clashes == ["status"]


def test_a_devices_own_later_writes_never_count() -> None:
    writes = {"status": _write(12, "laptop-1")}
    assert changed_since_base(BASE, BASE, writes, 10, "laptop-1") == set()
    merged, clashes = merge_fields(BASE, BASE, {**BASE, "status": "closed"},
                                   changed_since_base(BASE, BASE, writes, 10, "laptop-1"))
    assert merged["status"] == "closed" and clashes == []


def test_the_hubs_own_writes_count_and_no_writes_means_values_only() -> None:
    assert changed_since_base(BASE, BASE, {"basis": _write(11, None)}, 10, "x") == {"basis"}
    hub = {**BASE, "risk": "high"}
    for writes in (None, {}, {"risk": "not a write"}):
        assert changed_since_base(BASE, hub, writes, 10, "laptop-2") == {"risk"}
    # No base (a record the device never had from the hub): every recorded write counts.
    assert changed_since_base({}, BASE, {"risk": _write(1, "a")}, None, "b") == set(BASE)
