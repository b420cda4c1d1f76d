"""What the case page says about consent to share: the case's current consent in one line, and
whether its review is overdue.

The current consent is the latest final consent record of the case that no other one replaces
(``supersedes_id``), by the day it was given and then by when it was written; a withdrawal
replaces the consent it names (records are never edited, so withdrawing is a record of its
own). ``today`` is injected, never read from a clock.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from spokeapp.domain.records import (
    CONSENT_METHOD_LABELS,
    SHARE_WITH_LABELS,
    Consent,
    ConsentGivenBy,
    ConsentMethod,
    ShareWith,
    choice_label,
)
from spokeapp.i18n import day, translator
from spokeapp.store.casebook import StoredRecord

tr = translator(__name__)

NO_CONSENT = tr.noop("No consent recorded yet.")
REVIEW_MONTHS = {
    6: tr.noop("6 months after it was given"),
    12: tr.noop("12 months after it was given"),
}
"""The consent form's quick choices of review day (there is no default: one must be chosen);
shown through :func:`review_choices`."""


def review_choices() -> dict[int, str]:
    """:data:`REVIEW_MONTHS` in the language Spoke is shown in."""
    return {months: tr(words) for months, words in REVIEW_MONTHS.items()}


def months_after(day: date, months: int) -> date:
    """The same day ``months`` later (31 Aug + 6 months is 28 or 29 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class ConsentWords:
    """The case page's consent line: ``text`` follows the label "Consent to share:"."""

    text: str
    review_overdue: bool = False
    consent: Consent | None = None

    @property
    def line(self) -> str:
        """The whole line as a screen reader reads it."""
        return tr("Consent to share: {consent}").format(consent=self.text)


def current_consent(records: Iterable[StoredRecord]) -> Consent | None:
    """The case's consent in force (or its withdrawal), or None if none was recorded."""
    final = [
        s for s in records if isinstance(s.record, Consent) and s.state == "final"
    ]
    if not final:
        return None
    # A record another one replaces (or withdraws) is never current, whatever its dates say.
    replaced = {s.record.supersedes_id for s in final if isinstance(s.record, Consent)}
    standing = [s for s in final if s.record.id not in replaced] or final
    latest = max(standing, key=lambda s: (_given_on(s), s.created_at))
    assert isinstance(latest.record, Consent)
    return latest.record


def _given_on(stored: StoredRecord) -> date:
    assert isinstance(stored.record, Consent)
    return stored.record.given_on


def _who(consent: Consent, *, hide_names: bool) -> str:
    """Who gave it: their name (and relationship); with names hidden, who they are without a
    name ("the young person", "a parent or carer (mother)"): a parent's name is theirs too."""
    relationship = consent.carer_relationship.strip().lower()
    carer = consent.given_by is ConsentGivenBy.PARENT_OR_CARER
    if hide_names:
        if not carer:
            return tr("the young person")
        if relationship:
            return tr("a parent or carer ({relationship})").format(relationship=relationship)
        return tr("a parent or carer")
    if carer and relationship:
        return tr("{name} ({relationship})").format(
            name=consent.given_by_name, relationship=relationship)
    return consent.given_by_name


def _how(consent: Consent) -> str:
    if consent.method is ConsentMethod.OTHER and consent.method_detail.strip():
        return consent.method_detail.strip()
    return choice_label(CONSENT_METHOD_LABELS, consent.method)


def _agencies(agencies: Iterable[ShareWith]) -> str:
    return ", ".join(choice_label(SHARE_WITH_LABELS, a) for a in agencies)


def consent_words(
    records: Iterable[StoredRecord], today: date, *, hide_names: bool = False
) -> ConsentWords:
    """The current consent of a case in words, with its review due (or overdue) day."""
    return describe_consent(current_consent(records), today, hide_names=hide_names)


def describe_consent(
    consent: Consent | None, today: date, *, hide_names: bool = False
) -> ConsentWords:
    """One consent (or none) in words, as :func:`consent_words` gives a case's current one.
    ``hide_names`` (View > Hide names): who gave it is said without their name."""
    if consent is None:
        return ConsentWords(tr(NO_CONSENT))
    when = day(consent.given_on)
    if consent.withdrawn:
        return ConsentWords(
            tr("Withdrawn by {who} on {day} ({how}). Nothing is shared without another lawful "
               "basis.").format(
                who=_who(consent, hide_names=hide_names), day=when, how=_how(consent)),
            consent=consent,
        )
    agreed = [a for a in ShareWith if a in consent.share_with]
    refused = [a for a in ShareWith if a not in consent.share_with]
    if not agreed:
        shared = tr("none (not {agencies})").format(agencies=_agencies(refused))
    elif refused:
        shared = tr("{agreed}; not {refused}").format(
            agreed=_agencies(agreed), refused=_agencies(refused))
    else:
        shared = _agencies(agreed)
    text = tr("{shared}. Given by {who} on {day} ({how}).").format(
        shared=shared, who=_who(consent, hide_names=hide_names), day=when, how=_how(consent))
    overdue = False
    if consent.review_on is not None:
        overdue = consent.review_on < today
        review = (tr("Review overdue since {day}.") if overdue
                  else tr("Review due {day}.")).format(day=day(consent.review_on))
        text = f"{text} {review}"
    return ConsentWords(text, overdue, consent)
