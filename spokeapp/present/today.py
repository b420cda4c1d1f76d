"""The Today page's words without Qt: the drafts kept on this laptop, what each is and when it
was last saved (the page is :mod:`spokeapp.ui.views.today`).
"""

from __future__ import annotations

from datetime import date, datetime

from spokeapp.domain.records import RiskAssessment, Session
from spokeapp.present.labels import KIND_WORDS, format_day
from spokeapp.store.casebook import StoredRecord

__all__ = ["draft_words", "saved_words", "today_of"]


def draft_words(stored: StoredRecord) -> str:
    """A kept draft in words: what it is and when it is about."""
    record = stored.record
    if isinstance(record, Session):
        local = record.occurred_at.astimezone()
        return f"Session note, {local.day} {local:%b %H:%M}"
    if isinstance(record, RiskAssessment):
        return f"Risk assessment, {format_day(record.assessed_on)}"
    return KIND_WORDS.get(record.KIND, record.KIND)


def saved_words(stamp: str) -> str:
    """When a draft was last saved (a stored time stamp), local; empty if it cannot be read."""
    try:
        when = datetime.fromisoformat(stamp).astimezone()
    except ValueError:
        return ""
    return f"{when.day} {when:%b, %H:%M}"


def today_of(now: datetime) -> date:
    """The local day of a moment (the day the worker calls today)."""
    return now.astimezone().date()
