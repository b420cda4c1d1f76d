"""Plain-words labels for the domain's choices, as the worker sees them."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from enum import Enum
from typing import Any, Final

from spokeapp.domain.records import ChosenBy, ContactType, MeetAgain, RaisedTo, VenueType
from spokeapp.i18n import day, translator

tr = translator(__name__)

CONTACT_TYPES: Final = {
    ContactType.ONE_TO_ONE: tr.noop("One-to-one, in person"),
    ContactType.PHONE: tr.noop("Phone call"),
    ContactType.TEXT: tr.noop("Text messages"),
    ContactType.ONLINE: tr.noop("Online (video or chat)"),
    ContactType.MISSED: tr.noop("Missed: they did not come or could not be reached"),
}
VENUE_TYPES: Final = {
    VenueType.CAFE: tr.noop("Cafe"),
    VenueType.FAST_FOOD: tr.noop("Fast-food place"),
    VenueType.CAR: tr.noop("Car"),
    VenueType.SCHOOL: tr.noop("School or college"),
    VenueType.HOME: tr.noop("Their home"),
    VenueType.COMMUNITY_BUILDING: tr.noop("Community building"),
    VenueType.OFFICE: tr.noop("Office"),
    VenueType.ONLINE: tr.noop("Online"),
    VenueType.OUTDOORS: tr.noop("Outdoors"),
    VenueType.OTHER: tr.noop("Somewhere else"),
}
CHOSEN_BY: Final = {
    ChosenBy.YOUNG_PERSON: tr.noop("The young person"),
    ChosenBy.WORKER: tr.noop("Me"),
    ChosenBy.TOGETHER: tr.noop("We decided together"),
}
MEET_AGAIN: Final = {
    MeetAgain.YES: tr.noop("Yes"),
    MeetAgain.NO: tr.noop("No"),
    MeetAgain.UNSURE: tr.noop("Not sure yet"),
}
#: Each kind of record in words (search results, drafts).
KIND_WORDS: Final = {
    "session": tr.noop("Session"),
    "risk_assessment": tr.noop("Risk assessment"),
    "safeguarding_concern": tr.noop("Safeguarding concern"),
    "amendment": tr.noop("Amendment"),
    "closure": tr.noop("Closure"),
    "referral": tr.noop("Referral"),
    "young_person": tr.noop("Young person"),
    "group_session": tr.noop("Group session"),
    "professional_activity": tr.noop("Work with professionals"),
    "attachment": tr.noop("Attachment"),
}
RAISED_TO: Final = {
    RaisedTo.CHILDRENS_SOCIAL_CARE: tr.noop("Children's social care"),
    RaisedTo.POLICE: tr.noop("Police"),
    RaisedTo.HEALTH: tr.noop("Health"),
    RaisedTo.EDUCATION: tr.noop("School or college"),
    RaisedTo.OTHER: tr.noop("Another agency"),
}


def humanise(value: str | Enum | None) -> str:
    """``very_high`` -> ``Very high``: for values with no label of their own (e.g. risk bands
    named by a hub's own risk tool)."""
    if value is None:
        return ""
    text = str(value.value if isinstance(value, Enum) else value).replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def format_day(value: date) -> str:
    """A day as the worker reads it: ``2 Mar 2026`` (the laptop's convention)."""
    return day(value)


def label(labels: Mapping[Any, str], key: Any) -> str:
    """The translated label of ``key`` in one of this module's tables (``CONTACT_TYPES``,
    ``VENUE_TYPES``, ``CHOSEN_BY``, ``MEET_AGAIN``, ``KIND_WORDS``, ``RAISED_TO``): index them
    through this, never directly, so the words follow the worker's language."""
    return tr(labels[key])


def contact_type_label(value: ContactType) -> str:
    """"Phone call": a session's type of contact."""
    return tr(CONTACT_TYPES[value])


def venue_label(value: VenueType) -> str:
    """"Cafe": where a session took place."""
    return tr(VENUE_TYPES[value])


def chosen_by_label(value: ChosenBy) -> str:
    """"The young person": who chose the place or set the pace."""
    return tr(CHOSEN_BY[value])


def meet_again_label(value: MeetAgain) -> str:
    """"Not sure yet": whether the young person wants to meet again."""
    return tr(MEET_AGAIN[value])


def raised_to_label(value: RaisedTo) -> str:
    """"Police": who a safeguarding concern was raised with."""
    return tr(RAISED_TO[value])


def kind_label(kind: str) -> str:
    """A kind of record in words ("Risk assessment"); an unknown kind made readable."""
    words = KIND_WORDS.get(kind)
    return tr(words) if words else humanise(kind)
