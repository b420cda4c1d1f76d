"""Plain-words labels for the domain's choices, as the worker sees them."""

from __future__ import annotations

from enum import Enum
from typing import Final

from spokeapp.domain.records import ChosenBy, ContactType, MeetAgain, VenueType

CONTACT_TYPES: Final = {
    ContactType.ONE_TO_ONE: "One-to-one, in person",
    ContactType.PHONE: "Phone call",
    ContactType.TEXT: "Text messages",
    ContactType.ONLINE: "Online (video or chat)",
    ContactType.MISSED: "Missed: they did not come or could not be reached",
}
VENUE_TYPES: Final = {
    VenueType.CAFE: "Cafe",
    VenueType.FAST_FOOD: "Fast-food place",
    VenueType.CAR: "Car",
    VenueType.SCHOOL: "School or college",
    VenueType.HOME: "Their home",
    VenueType.COMMUNITY_BUILDING: "Community building",
    VenueType.OFFICE: "Office",
    VenueType.ONLINE: "Online",
    VenueType.OUTDOORS: "Outdoors",
    VenueType.OTHER: "Somewhere else",
}
CHOSEN_BY: Final = {
    ChosenBy.YOUNG_PERSON: "The young person",
    ChosenBy.WORKER: "Me",
    ChosenBy.TOGETHER: "We decided together",
}
MEET_AGAIN: Final = {
    MeetAgain.YES: "Yes",
    MeetAgain.NO: "No",
    MeetAgain.UNSURE: "Not sure yet",
}


def humanise(value: str | Enum | None) -> str:
    """``very_high`` -> ``Very high``: for values with no label of their own (e.g. risk bands
    named by a hub's own risk tool)."""
    if value is None:
        return ""
    text = str(value.value if isinstance(value, Enum) else value).replace("_", " ").strip()
    return text[:1].upper() + text[1:]
