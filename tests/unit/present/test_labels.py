"""The worker's words for the domain's choices (spokeapp.present.labels)."""

from __future__ import annotations

from datetime import date

from spokeapp.domain.records import (
    RECORD_TYPES,
    ChosenBy,
    ContactType,
    MeetAgain,
    RaisedTo,
    VenueType,
)
from spokeapp.present.labels import (
    CHOSEN_BY,
    CONTACT_TYPES,
    KIND_WORDS,
    MEET_AGAIN,
    RAISED_TO,
    VENUE_TYPES,
    format_day,
    humanise,
)


def test_every_choice_has_its_own_words() -> None:
    assert set(CONTACT_TYPES) == set(ContactType)
    assert set(VENUE_TYPES) == set(VenueType)
    assert set(CHOSEN_BY) == set(ChosenBy)
    assert set(MEET_AGAIN) == set(MeetAgain)
    assert CONTACT_TYPES[ContactType.PHONE] == "Phone call"
    assert CHOSEN_BY[ChosenBy.WORKER] == "Me"
    assert set(RAISED_TO) == set(RaisedTo)
    assert RAISED_TO[RaisedTo.EDUCATION] == "School or college"
    assert set(KIND_WORDS) <= set(RECORD_TYPES)
    assert KIND_WORDS["professional_activity"] == "Work with professionals"


def test_a_day_in_words() -> None:
    assert format_day(date(2026, 3, 2)) == "2 Mar 2026"


def test_humanise_turns_codes_into_words() -> None:
    assert humanise("very_high") == "Very high"
    assert humanise(ContactType.ONE_TO_ONE) == humanise(ContactType.ONE_TO_ONE.value)
    assert humanise(" medium ") == "Medium"
    assert humanise(None) == ""
    assert humanise("") == ""
