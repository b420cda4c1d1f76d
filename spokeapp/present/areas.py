"""A case's local authority area, without Qt: the hub's list of areas as this laptop last
synced it, and the words around the choice (the box, its suggestion and Confirm button are
:mod:`spokeapp.ui.views.area_choice`; suggesting an area from a postcode district is
:mod:`spokeapp.domain.areas`).
"""

from __future__ import annotations

from typing import Final

from spokeapp.domain.areas import Area, areas_from_json
from spokeapp.i18n import translator
from spokeapp.store.areas import AREAS_SETTING
from spokeapp.store.casebook import Casebook

__all__ = [
    "CHOOSE", "NOT_KNOWN_DATA", "POSTCODE_HINT", "choose_text", "list_hint", "postcode_hint",
    "stored_areas",
]

tr = translator(__name__)

NOT_KNOWN_DATA: Final = ""
"""The combo data of "Not known" (None is "nothing chosen yet")."""
CHOOSE: Final = tr.noop("Choose the area…")
"""The box's first item, in English (shown through :func:`choose_text`)."""
POSTCODE_HINT: Final = tr.noop(
    "Only the first half of the postcode (e.g. EX1), to suggest the area. It is not kept."
)
"""The postcode box's hint, in English (shown through :func:`postcode_hint`)."""


def choose_text() -> str:
    """The area box's first item, in the worker's language."""
    return tr(CHOOSE)


def postcode_hint() -> str:
    """The postcode district box's hint, in the worker's language."""
    return tr(POSTCODE_HINT)


def stored_areas(book: Casebook) -> list[Area] | None:
    """The hub's areas kept in the casebook at the last sync, or None if never synced."""
    getter = getattr(book, "setting", None)
    text = getter(AREAS_SETTING) if getter is not None else None
    return None if text is None else areas_from_json(text)


def list_hint(areas: list[Area] | None) -> str:
    """The words under the box: where the list comes from, or why it is empty."""
    if areas is None:
        return tr("No list of areas on this laptop yet: it comes from your hub when the "
                  "laptop syncs. Choose Not known for now; the area can be set on the case "
                  "later.")
    if not areas:
        return tr("Your hub lists no areas yet (your hub administrator adds them). Choose Not "
                  "known for now; the area can be set on the case later.")
    return tr("From your hub's list (as at the last sync). Not known if you cannot tell.")
