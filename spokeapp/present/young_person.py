"""The young person's own details in words, without Qt: what "About them" shows, the earlier
versions of the details ("Name changed from X to Y on 4 Dec 2026 by Demo Worker"), and the
date of birth as typed (never defaulted: an empty one is refused).

A correction is a new version of the ``young_person`` header (``Casebook.save``); the casebook
keeps the versions it replaced, its own and those pulled from the hub
(``Casebook.young_person_versions``), so a laptop shows the versions it has seen.
"""

from __future__ import annotations

import dataclasses
import itertools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Final

from spokeapp.domain.errors import Problem, ValidationError
from spokeapp.domain.records.casework import (
    CONTACT_METHOD_LABELS,
    ETHNIC_GROUP_HEADINGS,
    ETHNIC_GROUP_LABELS,
    ContactMethod,
    EthnicGroup,
    YoungPerson,
)
from spokeapp.present.labels import format_day
from spokeapp.store.casebook import Casebook
from spokeapp.store.sync_state import SyncStore

__all__ = [
    "DOB_PLACEHOLDER",
    "FIELD_WORDS",
    "PersonHistory",
    "changed_fields",
    "contact_lines",
    "correction",
    "ethnicity_words",
    "load_history",
    "parse_date_of_birth",
    "person_rows",
    "safe_number_rows",
    "typed_day",
    "version_lines",
]

DOB_PLACEHOLDER: Final = "dd/mm/yyyy"
_TYPED_DAY = re.compile(r"(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4})")

#: Each detail a correction may change, in the order the case page names them.
FIELD_WORDS: Final[dict[str, str]] = {
    "name": "Name",
    "preferred_name": "Likes to be called",
    "date_of_birth": "Date of birth",
    "reference": "Reference",
    "gender": "Gender",
    "ethnic_group": "Ethnic group",
    "ethnicity_described": "Ethnicity in their words",
    "ethnicity": "Ethnicity recorded at referral",
    "contact_methods": "Contact by",
    "contact_professional": "Through",
    "leave_message": "Leave a message",
    "safe_numbers": "Safe numbers",
    "needs": "Needs and contact",
    "restricted": "Restricted",
}
#: Details that identify the young person: with names hidden, a change says only what changed.
_IDENTIFYING: Final = frozenset({"name", "preferred_name", "date_of_birth", "safe_numbers"})


def parse_date_of_birth(text: str, today: date) -> date:
    """The date typed as ``dd/mm/yyyy`` (``/``, ``-`` or ``.`` between). Raises
    ValidationError: "must be entered" when nothing is typed (a date of birth is never
    defaulted), or when it is not a real date, or after ``today``."""
    typed = text.strip()
    if not typed:
        raise ValidationError([Problem("date_of_birth", "must be entered")])
    found = _TYPED_DAY.fullmatch(typed)
    day: date | None = None
    if found is not None:
        try:
            day = date(int(found[3]), int(found[2]), int(found[1]))
        except ValueError:
            day = None
    if day is None or day.year < 1900:
        raise ValidationError([Problem(
            "date_of_birth", f"must be a real date written {DOB_PLACEHOLDER}, e.g. 04/12/2012")])
    if day > today:
        raise ValidationError([Problem("date_of_birth", "cannot be in the future")])
    return day


def typed_day(day: date) -> str:
    """A date as the date of birth field shows it (``04/12/2012``)."""
    return f"{day:%d/%m/%Y}"


def ethnicity_words(person: YoungPerson) -> str:
    """The ethnic group under its census heading, their own words when they self-describe,
    or the referral's free text when no group is recorded ("" when nothing is)."""
    group = person.ethnic_group
    if group is None:
        return person.ethnicity or ""
    if group is EthnicGroup.SELF_DESCRIBED:
        return f"In their words: {person.ethnicity_described or ''}"
    if group is EthnicGroup.PREFER_NOT_TO_SAY:
        return ETHNIC_GROUP_LABELS[group]
    heading = next(h for h, groups in ETHNIC_GROUP_HEADINGS if group in groups)
    return f"{heading}: {ETHNIC_GROUP_LABELS[group]}"


def person_rows(person: YoungPerson, today: date, *, hide_names: bool) -> list[tuple[str, str]]:
    """The "About them" rows for the person ("" is shown as not recorded)."""
    rows: list[tuple[str, str]] = []
    if not hide_names:
        rows.append(("Name", person.name))
        rows.append(("Likes to be called", person.preferred_name or ""))
    dob = person.date_of_birth
    age = person.age_on(today)
    if hide_names:
        rows.append(("Age", str(age)))
    else:
        rows.append(("Date of birth", f"{format_day(dob)} (age {age})"))
    rows.append(("Gender", person.gender or ""))
    rows.append(("Ethnicity", ethnicity_words(person)))
    return rows


def _numbers(person: YoungPerson) -> list[str]:
    return [
        f"{number} ({whose}{'; safe times: ' + times if times else ''})"
        for number, whose, times in zip(
            person.safe_numbers, person.safe_number_whose, person.safe_number_times,
            strict=False)
    ]


def contact_lines(person: YoungPerson, *, hide_names: bool) -> list[str]:
    """How they like to be contacted, as recorded in their details (nothing not recorded)."""
    lines: list[str] = []
    if person.contact_methods:
        ways = [
            f"through {person.contact_professional}"
            if m is ContactMethod.THROUGH_PROFESSIONAL and person.contact_professional
            else CONTACT_METHOD_LABELS[m]
            for m in person.contact_methods
        ]
        lines.append(f"Contact by: {', '.join(ways)}.")
    if person.leave_message is not None:
        lines.append("A message may be left." if person.leave_message
                     else "Do not leave a message.")
    if person.safe_numbers:
        if hide_names:
            count = len(person.safe_numbers)
            lines.append(f"Safe numbers: {count} recorded (hidden while names are hidden).")
        else:
            lines.append("Safe numbers: " + "; ".join(_numbers(person)) + ".")
    return lines


def _value_words(person: YoungPerson, name: str) -> str:
    if name == "date_of_birth":
        return format_day(person.date_of_birth)
    if name == "ethnic_group":
        return ethnicity_words(dataclasses.replace(person, ethnicity=None)) or "not recorded"
    if name == "contact_methods":
        return ", ".join(CONTACT_METHOD_LABELS[m] for m in person.contact_methods) or "none"
    if name == "leave_message":
        return {None: "not asked", True: "yes", False: "no"}[person.leave_message]
    if name == "safe_numbers":
        return "; ".join(_numbers(person)) or "none"
    if name == "restricted":
        return "yes" if person.restricted else "no"
    value = getattr(person, name)
    return f"\u201c{value}\u201d" if value else "not recorded"


def changed_fields(old: YoungPerson, new: YoungPerson) -> list[str]:
    """The details (``FIELD_WORDS`` names) that differ between two versions, in that order;
    the three safe-number lists count as one detail, ``safe_numbers``."""
    changed: list[str] = []
    for name in FIELD_WORDS:
        names = ((name, "safe_number_whose", "safe_number_times") if name == "safe_numbers"
                 else (name,))
        if any(getattr(old, n) != getattr(new, n) for n in names):
            changed.append(name)
    return changed


@dataclass
class PersonHistory:
    """The versions of a person's details this laptop replaced, oldest first, each with when
    it replaced it (ISO text), and the names it knows for user ids."""

    earlier: list[tuple[YoungPerson, str]]
    names: dict[str, str] = field(default_factory=dict)


def load_history(book: Casebook, person_id: str) -> PersonHistory:
    """Read a person's earlier versions (off the GUI thread) and this laptop's own name."""
    earlier = [
        (record, at) for record, at in book.young_person_versions(person_id)
        if isinstance(record, YoungPerson)
    ]
    account = SyncStore(book).account()
    names = {account.user_id: account.user_name} if account is not None else {book.author: "you"}
    return PersonHistory(earlier, names)


def _when_and_who(version: YoungPerson, replaced_at: str | None,
                  names: Mapping[str, str]) -> str:
    if version.corrected_on is not None:
        when = format_day(version.corrected_on)
    elif replaced_at:
        when = format_day(datetime.fromisoformat(replaced_at).astimezone().date())
    else:
        when = "an unknown day"
    who = names.get(version.corrected_by, version.corrected_by) if version.corrected_by else None
    return f" on {when}" + (f" by {who}" if who else "")


def version_lines(
    current: YoungPerson, history: PersonHistory, *, hide_names: bool
) -> list[str]:
    """The "Earlier versions" list, newest first: one line per correction this laptop saw,
    naming each detail changed with its old and new value (only what changed when names are
    hidden), when, and by whom. A correction made before this laptop first had the record
    is said once, without values it never saw."""
    versions: list[tuple[YoungPerson, str | None]] = [*history.earlier, (current, None)]
    lines: list[str] = []
    for (old, replaced_at), (new, _next) in itertools.pairwise(versions):
        changes = changed_fields(old, new)
        if "ethnic_group" in changes and "ethnicity_described" in changes:
            changes.remove("ethnicity_described")  # the group's words include their own
        if not changes:
            continue
        parts: list[str] = []
        for name in changes:
            words = FIELD_WORDS[name]
            if hide_names and name in _IDENTIFYING:
                parts.append(f"{words} changed")
            else:
                parts.append(
                    f"{words} changed from {_value_words(old, name)} to {_value_words(new, name)}"
                )
        text = "; ".join([parts[0], *(p[0].lower() + p[1:] for p in parts[1:])])
        lines.append(text + _when_and_who(new, replaced_at, history.names) + ".")
    first = versions[0][0]
    if first.corrected_by is not None:
        lines.append(
            "Corrected" + _when_and_who(first, None, history.names)
            + " (before this laptop had the record: earlier versions not seen here)."
        )
    lines.reverse()
    return lines


def correction(
    current: YoungPerson, updated: YoungPerson, *, by: str, on: date
) -> YoungPerson | None:
    """The new version to save (``updated`` marked as corrected ``by`` a user ``on`` a day),
    or None if no detail changed."""
    if not changed_fields(current, updated):
        return None
    return dataclasses.replace(updated, corrected_by=by, corrected_on=on)


def safe_number_rows(person: YoungPerson) -> Sequence[tuple[str, str, str]]:
    """The safe numbers as (number, whose, safe times) rows."""
    return list(zip(person.safe_numbers, person.safe_number_whose, person.safe_number_times,
                    strict=False))
