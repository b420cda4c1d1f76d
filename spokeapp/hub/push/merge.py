"""Merging a header edit field by field (docs/sync.md, "Headers and conflicts"): which
fields the hub changed since the version a device edited, and the three-way merge. Pure: no
database.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any


def changed_since_base(base: dict[str, Any], hub: dict[str, Any],
                       writes: dict[str, Any] | None, base_seq: int | None,
                       device_id: str) -> set[str]:
    """The fields the hub changed since the version a device edited (docs/sync.md, "Headers
    and conflicts"): the hub's value differs from ``base``'s, **or** the field was last
    written after ``base_seq`` by another device (a laptop's write, or the hub's own).

    The second catches a field put back to the base's value by someone the device never
    heard from (closed, then reopened): comparing values alone would let the device's edit
    overwrite it silently. A write by this device itself never counts: the engine keeps the
    ``base_seq`` of the version it last pulled across its own consecutive pushes, so its own
    earlier write is always "after" its base. ``writes`` is ``HubRecord.field_writes`` (None,
    or a field not named: no write recorded - the first version, or a write before migration
    0006 - and only the values are compared)."""
    changed = {name for name in set(base) | set(hub) if hub.get(name) != base.get(name)}
    since = -1 if base_seq is None else base_seq
    for name, write in (writes or {}).items():
        if not isinstance(write, dict):
            continue
        seq = write.get("seq")
        if isinstance(seq, int) and seq > since and write.get("device") != device_id:
            changed.add(name)
    return changed


def merge_fields(
    base: dict[str, Any], hub: dict[str, Any], device: dict[str, Any],
    hub_changed: Collection[str] | None = None,
) -> tuple[dict[str, Any], list[str]]:
    """Three-way merge of a header, field by field (docs/sync.md, "Headers and conflicts").

    A field only the device changed is taken; a field only the hub changed is kept; a field
    both changed to different values keeps the hub's value and is reported as a clash.
    ``hub_changed``: the fields the hub changed since ``base`` (:func:`changed_since_base`);
    by default those whose value differs from the base's.
    """
    merged = dict(hub)
    clashes: list[str] = []
    for name in sorted(set(base) | set(hub) | set(device)):
        was, ours, theirs = base.get(name), hub.get(name), device.get(name)
        if theirs in (was, ours):
            continue
        if (ours == was) if hub_changed is None else (name not in hub_changed):
            merged[name] = theirs
        else:
            clashes.append(name)
    return merged, clashes

