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
    choice_label,
)
from spokeapp.i18n import day as day_words
from spokeapp.i18n import number, translator
from spokeapp.store.casebook import Casebook
from spokeapp.store.sync_state import SyncStore

tr = translator(__name__)

__all__ = [
    "DOB_PLACEHOLDER",
    "FIELD_WORDS",
    "PersonHistory",
    "changed_fields",
    "contact_lines",
    "correction",
    "dob_placeholder",
    "ethnicity_words",
    "load_history",
    "parse_date_of_birth",
    "person_rows",
    "safe_number_rows",
    "typed_day",
    "version_lines",
]

DOB_PLACEHOLDER: Final = tr.noop("dd/mm/yyyy")
_TYPED_DAY = re.compile(r"(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4})")

#: Each detail a correction may change, in the order the case page names them.
FIELD_WORDS: Final[dict[str, str]] = {
    "name": tr.noop("Name"),
    "preferred_name": tr.noop("Likes to be called"),
    "date_of_birth": tr.noop("Date of birth"),
    "reference": tr.noop("Reference"),
    "gender": tr.noop("Gender"),
    "ethnic_group": tr.noop("Ethnic group"),
    "ethnicity_described": tr.noop("Ethnicity in their words"),
    "ethnicity": tr.noop("Ethnicity recorded at referral"),
    "contact_methods": tr.noop("Contact by"),
    "contact_professional": tr.noop("Through"),
    "leave_message": tr.noop("Leave a message"),
    "safe_numbers": tr.noop("Safe numbers"),
    "needs": tr.noop("Needs and contact"),
    "restricted": tr.noop("Restricted"),
}
#: Details that identify the young person: with names hidden, a change says only what changed.
_IDENTIFYING: Final = frozenset({"name", "preferred_name", "date_of_birth", "safe_numbers"})


def dob_placeholder() -> str:
    """How a date of birth is typed (``dd/mm/yyyy``), in the language Spoke is shown in."""
    return tr(DOB_PLACEHOLDER)


def parse_date_of_birth(text: str, today: date) -> date:
    """The date typed as ``dd/mm/yyyy`` (``/``, ``-`` or ``.`` between). Raises
    ValidationError: "must be entered" when nothing is typed (a date of birth is never
    defaulted), or when it is not a real date, or after ``today``."""
    typed = text.strip()
    if not typed:
        raise ValidationError([Problem("date_of_birth", tr("must be entered"))])
    found = _TYPED_DAY.fullmatch(typed)
    day: date | None = None
    if found is not None:
        try:
            day = date(int(found[3]), int(found[2]), int(found[1]))
        except ValueError:
            day = None
    if day is None or day.year < 1900:
        raise ValidationError([Problem(
            "date_of_birth", tr("must be a real date written {format}, e.g. 04/12/2012").format(
                format=dob_placeholder()))])
    if day > today:
        raise ValidationError([Problem("date_of_birth", tr("cannot be in the future"))])
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
        return tr("In their words: {words}").format(words=person.ethnicity_described or "")
    if group is EthnicGroup.PREFER_NOT_TO_SAY:
        return choice_label(ETHNIC_GROUP_LABELS, group)
    heading = next(h for h, groups in ETHNIC_GROUP_HEADINGS if group in groups)
    return tr("{heading}: {group}").format(
        heading=choice_label({heading: heading}, heading),  # the domain's words
        group=choice_label(ETHNIC_GROUP_LABELS, group))


def person_rows(person: YoungPerson, today: date, *, hide_names: bool) -> list[tuple[str, str]]:
    """The "About them" rows for the person ("" is shown as not recorded)."""
    rows: list[tuple[str, str]] = []
    if not hide_names:
        rows.append((tr("Name"), person.name))
        rows.append((tr("Likes to be called"), person.preferred_name or ""))
    dob = person.date_of_birth
    age = person.age_on(today)
    if hide_names:
        rows.append((tr("Age"), number(age)))
    else:
        rows.append((tr("Date of birth"), tr("{day} (age {age})").format(
            day=day_words(dob), age=number(age))))
    rows.append((tr("Gender"), person.gender or ""))
    rows.append((tr("Ethnicity"), ethnicity_words(person)))
    return rows


def _numbers(person: YoungPerson) -> list[str]:
    return [
        (tr("{number} ({whose}; safe times: {times})") if times else tr("{number} ({whose})"))
        .format(number=phone, whose=whose, times=times)
        for phone, whose, times in zip(
            person.safe_numbers, person.safe_number_whose, person.safe_number_times,
            strict=False)
    ]


def contact_lines(person: YoungPerson, *, hide_names: bool) -> list[str]:
    """How they like to be contacted, as recorded in their details (nothing not recorded)."""
    lines: list[str] = []
    if person.contact_methods:
        ways = [
            tr("through {professional}").format(professional=person.contact_professional)
            if m is ContactMethod.THROUGH_PROFESSIONAL and person.contact_professional
            else choice_label(CONTACT_METHOD_LABELS, m)
            for m in person.contact_methods
        ]
        lines.append(tr("Contact by: {ways}.").format(ways=", ".join(ways)))
    if person.leave_message is not None:
        lines.append(tr("A message may be left.") if person.leave_message
                     else tr("Do not leave a message."))
    if person.safe_numbers:
        if hide_names:
            lines.append(tr.plural(
                len(person.safe_numbers),
                "Safe numbers: {n} recorded (hidden while names are hidden).",
                "Safe numbers: {n} recorded (hidden while names are hidden).",
            ))
        else:
            lines.append(tr("Safe numbers: {numbers}.").format(
                numbers="; ".join(_numbers(person))))
    return lines


def _value_words(person: YoungPerson, name: str) -> str:
    if name == "date_of_birth":
        return day_words(person.date_of_birth)
    if name == "ethnic_group":
        return ethnicity_words(dataclasses.replace(person, ethnicity=None)) or tr("not recorded")
    if name == "contact_methods":
        ways = [choice_label(CONTACT_METHOD_LABELS, m) for m in person.contact_methods]
        return ", ".join(ways) or tr("none")
    if name == "leave_message":
        return {None: tr("not asked"), True: tr("yes"), False: tr("no")}[person.leave_message]
    if name == "safe_numbers":
        return "; ".join(_numbers(person)) or tr("none")
    if name == "restricted":
        return tr("yes") if person.restricted else tr("no")
    value = getattr(person, name)
    return tr("\u201c{value}\u201d").format(value=value) if value else tr("not recorded")


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
                  names: Mapping[str, str]) -> tuple[str, str | None]:
    """The day a version was made, in words, and who made it (None: not known)."""
    if version.corrected_on is not None:
        when = day_words(version.corrected_on)
    elif replaced_at:
        when = day_words(datetime.fromisoformat(replaced_at).astimezone().date())
    else:
        when = tr("an unknown day")
    who = names.get(version.corrected_by, version.corrected_by) if version.corrected_by else None
    return when, who


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
            words = tr(FIELD_WORDS[name])
            if hide_names and name in _IDENTIFYING:
                parts.append(tr("{detail} changed").format(detail=words))
            else:
                parts.append(tr("{detail} changed from {old} to {new}").format(
                    detail=words, old=_value_words(old, name), new=_value_words(new, name)))
        text = "; ".join([parts[0], *(p[0].lower() + p[1:] for p in parts[1:])])
        when, who = _when_and_who(new, replaced_at, history.names)
        if who:
            lines.append(tr("{changes} on {day} by {who}.").format(
                changes=text, day=when, who=who))
        else:
            lines.append(tr("{changes} on {day}.").format(changes=text, day=when))
    first = versions[0][0]
    if first.corrected_by is not None:
        when, who = _when_and_who(first, None, history.names)
        if who:
            lines.append(tr(
                "Corrected on {day} by {who} (before this laptop had the record: earlier "
                "versions not seen here).").format(day=when, who=who))
        else:
            lines.append(tr(
                "Corrected on {day} (before this laptop had the record: earlier versions not "
                "seen here).").format(day=when))
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
