"""What the case page shows, read in one go: the case, the young person, the referral and every
record of the case, with the review interval chosen for it and which records have not reached
the hub yet. ``load_case`` runs off the GUI thread; reading a case is audited as a view of it
(``Casebook.view_case``). Also the plain-words helpers the page's timeline uses, and
:func:`without_names` for the worker's own words while names are hidden.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from typing import Final

from spokeapp.domain.records import Case, Referral, YoungPerson
from spokeapp.present.record_words import moment_words
from spokeapp.store.casebook import Casebook, StoredRecord

#: Casebook setting (``review_weeks.<case id>``): the risk review interval chosen for a case.
REVIEW_SETTING: Final = "review_weeks."


@dataclass
class CaseData:
    """Everything the page shows, read in one go off the GUI thread."""

    case: Case
    person: YoungPerson | None
    referral: Referral | None
    records: list[StoredRecord]
    review_weeks: int | None = None
    by_id: dict[str, StoredRecord] = field(default_factory=dict)
    #: Records whose latest change has not reached the hub yet.
    unsent: set[str] = field(default_factory=set)


def load_case(book: Casebook, case_id: str) -> CaseData:
    records = book.view_case(case_id)  # audited as a view of the case
    case = next(s.record for s in records if isinstance(s.record, Case))
    person = book.get(case.young_person_id).record
    referral = book.get(case.referral_id).record if case.referral_id else None
    weeks = book.setting(REVIEW_SETTING + case_id)
    data = CaseData(
        case,
        person if isinstance(person, YoungPerson) else None,
        referral if isinstance(referral, Referral) else None,
        list(records),
        int(weeks) if weeks and weeks.isdigit() else None,
    )
    data.by_id = {s.record.id: s for s in data.records}
    data.unsent = book.unsent_record_ids(case_id)
    return data


def local_day(when: datetime) -> str:
    """``4 Dec 2026, 14:05`` in the laptop's time zone (the worker's words for a moment)."""
    return moment_words(when)


def record_time(stored: StoredRecord) -> datetime:
    """When a record's event happened (for ordering the timeline); when it was written if it
    carries no date of its own."""
    record = stored.record
    for name in (
        "occurred_at",
        "assessed_on",
        "raised_on",
        "closed_on",
        "received_on",
        "opened_on",
        "written_at",
        "decided_at",
        "held_on",
        "given_on",
    ):
        value = getattr(record, name, None)
        if isinstance(value, datetime):
            return value if value.tzinfo else value.replace(tzinfo=UTC)
        if isinstance(value, date):
            return datetime.combine(value, time(12, 0), UTC)
    return datetime.fromisoformat(stored.created_at)


def first_line(text: str, limit: int = 90) -> str:
    """The text on one line, cut to ``limit`` characters with an ellipsis."""
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


def without_names(text: str, person: YoungPerson | None) -> str:
    """``text`` with the young person's name replaced by their reference, for showing what a
    worker wrote while names are hidden (View > Hide names): their full name and the name
    they like to be called, in any case when of several words, and each word of either
    ("Birch", "Mary-Jane", "Jane") as names are written, with a capital ("birch trees" stay).
    Nothing else of the text changes."""
    if person is None or not text:
        return text
    names = {" ".join(n.split()) for n in (person.name, person.preferred_name or "")} - {""}
    words = {word for name in names for word in name.split()}  # "Mary-Jane", then "Jane"
    parts = {part for word in words for part in (word, *word.split("-")) if len(part) >= 2}
    whole = {name for name in names if " " in name}
    if not whole and not parts:
        return text

    def either(names: set[str]) -> str:
        return "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))

    # One pass, whole names first: the reference put in is never matched again.
    choices = [*([f"(?i:{either(whole)})"] if whole else []), *([either(parts)] if parts else [])]
    pattern = re.compile(r"(?<!\w)(?:" + "|".join(choices) + r")(?!\w)")
    reference = person.reference
    return pattern.sub(lambda _match: reference, text)
