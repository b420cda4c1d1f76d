"""A case's local authority area, without Qt: the hub's list of areas as this laptop last
synced it, and the words around the choice (the box, its suggestion and Confirm button are
:mod:`spokeapp.ui.views.area_choice`; suggesting an area from a postcode district is
:mod:`spokeapp.domain.areas`).
"""

from __future__ import annotations

from typing import Final

from spokeapp.domain.areas import Area, areas_from_json
from spokeapp.store.areas import AREAS_SETTING
from spokeapp.store.casebook import Casebook

__all__ = ["CHOOSE", "NOT_KNOWN_DATA", "POSTCODE_HINT", "list_hint", "stored_areas"]

NOT_KNOWN_DATA: Final = ""
"""The combo data of "Not known" (None is "nothing chosen yet")."""
CHOOSE: Final = "Choose the area…"
POSTCODE_HINT: Final = (
    "Only the first half of the postcode (e.g. EX1), to suggest the area. It is not kept."
)


def stored_areas(book: Casebook) -> list[Area] | None:
    """The hub's areas kept in the casebook at the last sync, or None if never synced."""
    getter = getattr(book, "setting", None)
    text = getter(AREAS_SETTING) if getter is not None else None
    return None if text is None else areas_from_json(text)


def list_hint(areas: list[Area] | None) -> str:
    """The words under the box: where the list comes from, or why it is empty."""
    if areas is None:
        return ("No list of areas on this laptop yet: it comes from your hub when the laptop "
                "syncs. Choose Not known for now; the area can be set on the case later.")
    if not areas:
        return ("Your hub lists no areas yet (your hub administrator adds them). Choose Not "
                "known for now; the area can be set on the case later.")
    return "From your hub's list (as at the last sync). Not known if you cannot tell."
