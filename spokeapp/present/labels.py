"""Plain-words labels for the domain's choices, as the worker sees them."""

from __future__ import annotations

from datetime import date
from enum import Enum
from typing import Final

from spokeapp.domain.records import ChosenBy, ContactType, MeetAgain, RaisedTo, VenueType

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
#: Each kind of record in words (search results, drafts).
KIND_WORDS: Final = {
    "session": "Session",
    "risk_assessment": "Risk assessment",
    "safeguarding_concern": "Safeguarding concern",
    "amendment": "Amendment",
    "closure": "Closure",
    "referral": "Referral",
    "young_person": "Young person",
    "group_session": "Group session",
    "professional_activity": "Work with professionals",
}
RAISED_TO: Final = {
    RaisedTo.CHILDRENS_SOCIAL_CARE: "Children's social care",
    RaisedTo.POLICE: "Police",
    RaisedTo.HEALTH: "Health",
    RaisedTo.EDUCATION: "School or college",
    RaisedTo.OTHER: "Another agency",
}


def humanise(value: str | Enum | None) -> str:
    """``very_high`` -> ``Very high``: for values with no label of their own (e.g. risk bands
    named by a hub's own risk tool)."""
    if value is None:
        return ""
    text = str(value.value if isinstance(value, Enum) else value).replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def format_day(day: date) -> str:
    """A day as the worker reads it: ``2 Mar 2026``."""
    return f"{day.day} {day:%b %Y}"
