"""The field-by-field header merge behind conflict records (docs/sync.md)."""

from __future__ import annotations

from spokeapp.hub.sync_service import merge_fields

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
