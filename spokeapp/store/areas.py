"""The hub's local authority areas as this laptop last got them (``spokeapp.domain.areas``).

Kept in the casebook's settings (``meta``, inside the encrypted database) by the sync engine
after each sync, so a new case can pick its area offline. ``None`` from :func:`load_areas`
means the laptop has never had a list (never synced, or its hub predates areas), which the
case form explains; an empty list means the hub lists none.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from spokeapp.domain.areas import Area, areas_from_json, areas_to_json
from spokeapp.store.casebook import Casebook

__all__ = ["AREAS_SETTING", "load_areas", "save_areas"]

AREAS_SETTING: Final = "hub.areas"


def save_areas(casebook: Casebook, areas: Sequence[Area]) -> None:
    """Keep the hub's list (replacing the last one)."""
    text = areas_to_json(areas)
    if casebook.setting(AREAS_SETTING) != text:
        casebook.set_setting(AREAS_SETTING, text)


def load_areas(casebook: Casebook) -> list[Area] | None:
    """The list from the last sync, or None if this laptop has never had one."""
    text = casebook.setting(AREAS_SETTING)
    return None if text is None else areas_from_json(text)
