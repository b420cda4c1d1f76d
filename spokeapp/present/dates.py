"""Typed dates and times, read the way a UK worker writes them (day first), with no Qt.

``read_day("4/12", today)`` and ``read_moment("yesterday 16:30", now)`` turn what was typed
into a value or a :class:`DateProblem` whose message says what to type instead (it never
repeats what was typed). "Today" is always passed in, so the answers never depend on the
machine's clock. Empty text is ``None``: nothing typed is never turned into a date.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

from spokeapp.i18n import clock as clock_words
from spokeapp.i18n import translator

tr = translator(__name__)

__all__ = [
    "DateProblem",
    "day_text",
    "day_words",
    "moment_text",
    "moment_words",
    "read_day",
    "read_moment",
    "read_time",
]

MONTHS = (
    "january", "february", "march", "april", "may", "june",
    "july", "august", "september", "october", "november", "december",
)  # fmt: skip
# MONTHS is what typed text may say (read in English whatever the language shown).

#: The names shown in words beside a field (translated where shown).
MONTH_NAMES = (
    tr.noop("January"), tr.noop("February"), tr.noop("March"), tr.noop("April"),
    tr.noop("May"), tr.noop("June"), tr.noop("July"), tr.noop("August"),
    tr.noop("September"), tr.noop("October"), tr.noop("November"), tr.noop("December"),
)  # fmt: skip
WEEKDAY_NAMES = (
    tr.noop("Monday"), tr.noop("Tuesday"), tr.noop("Wednesday"), tr.noop("Thursday"),
    tr.noop("Friday"), tr.noop("Saturday"), tr.noop("Sunday"),
)  # fmt: skip

#: What a field says when it cannot read a date (translated when raised).
DAY_HELP = tr.noop(
    "is not a date Spoke can read: type it like 4/12/2026, 4 Dec, today or yesterday"
)
MOMENT_HELP = tr.noop(
    "is not a date and time Spoke can read: type it like 4/12 16:30, yesterday 16:30 or 16:30"
)

_NUMERIC = re.compile(r"^(\d{1,2})\s*[/.\-]\s*(\d{1,2})(?:\s*[/.\-]\s*(\d{2}|\d{4}))?$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_WORDY = re.compile(r"^(\d{1,2})(?:st|nd|rd|th)?\s+([a-z]{3,9})\.?(?:\s+(\d{2}|\d{4}))?$")
_TIME = re.compile(r"^(\d{1,2})(?:[:.](\d{2}))?\s*(am|pm)?$")


class DateProblem(ValueError):
    """What was typed is not a date (or not one this field takes); ``str()`` says why, in
    words that follow the field's name ("Date raised is in the future.")."""


def _year(text: str | None) -> int | None:
    if text is None:
        return None
    value = int(text)
    return 2000 + value if len(text) == 2 else value


def _month(word: str) -> int | None:
    for number, name in enumerate(MONTHS, start=1):
        if len(word) >= 3 and name.startswith(word):
            return number
    return None


def _make(year: int, month: int, day: int) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise DateProblem(tr(DAY_HELP)) from None


def _day_parts(text: str) -> tuple[int, int, int | None] | None:
    """(day, month, year or None) of a typed date, or None if it is not one."""
    if found := _ISO.match(text):
        return int(found[3]), int(found[2]), int(found[1])
    if found := _NUMERIC.match(text):
        return int(found[1]), int(found[2]), _year(found[3])
    if found := _WORDY.match(text):
        month = _month(found[2])
        if month is None:
            return None
        return int(found[1]), month, _year(found[3])
    return None


def read_day(text: str, today: date, *, past_only: bool = False) -> date | None:
    """The date ``text`` means (day first: 4/12 is 4 December), ``None`` if it is empty.

    Without a year it is this year; for a ``past_only`` field, last year when this year's
    would still be to come. A ``past_only`` field refuses a date after ``today``."""
    words = " ".join(text.strip().lower().replace(",", " ").split())
    if not words:
        return None
    if words == "today":
        day = today
    elif words == "yesterday":
        day = today - timedelta(days=1)
    elif words == "tomorrow":
        day = today + timedelta(days=1)
    else:
        parts = _day_parts(words)
        if parts is None:
            raise DateProblem(tr(DAY_HELP))
        number, month, year = parts
        day = _make(year if year is not None else today.year, month, number)
        if year is None and past_only and day > today:
            day = _make(today.year - 1, month, number)
    if past_only and day > today:
        raise DateProblem(tr("is in the future: it can only be today or earlier"))
    return day


def read_time(text: str) -> time | None:
    """A time of day: ``16:30``, ``16.30``, ``4pm``, ``4:30 pm``; ``None`` if it is not one."""
    words = text.strip().lower().replace(" ", "")
    if not words:
        return None
    found = _TIME.match(words)
    if found is None:
        return None
    hour, minute, half = int(found[1]), int(found[2] or 0), found[3]
    if found[2] is None and half is None:
        return None  # a lone number is not a time
    if half is not None:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if half == "pm" else 0)
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)


def read_moment(text: str, now: datetime, *, past_only: bool = False) -> datetime | None:
    """A date and a time (``yesterday 16:30``, ``4/12 9:05``, ``16:30`` for today), naive
    local time like ``now``; ``None`` if empty. A date alone asks for the time."""
    words = " ".join(text.strip().lower().replace(",", " ").split())
    if not words:
        return None
    if words == "now":
        return now.replace(second=0, microsecond=0)
    for cut in (words.rfind(" at "), words.rfind(" ")):
        if cut <= 0:
            continue
        head, tail = words[:cut], words[cut:].removeprefix(" at ").strip()
        clock = read_time(tail)
        if clock is None:
            continue
        try:
            day = read_day(head, now.date(), past_only=past_only)
        except DateProblem:
            raise DateProblem(tr(MOMENT_HELP)) from None
        assert day is not None
        return _checked(datetime.combine(day, clock), now, past_only)
    clock = read_time(words)
    if clock is not None:
        return _checked(datetime.combine(now.date(), clock), now, past_only)
    try:
        read_day(words, now.date())
    except DateProblem:
        raise DateProblem(tr(MOMENT_HELP)) from None
    raise DateProblem(tr("needs a time as well as a date: add it like 16:30"))


def _checked(moment: datetime, now: datetime, past_only: bool) -> datetime:
    if past_only and moment > now:
        raise DateProblem(tr("is in the future: it can only be now or earlier"))
    return moment


def day_words(day: date) -> str:
    """``Friday 4 December 2026``, in the language Spoke is shown in."""
    return tr("{weekday} {day} {month} {year}").format(
        weekday=tr(WEEKDAY_NAMES[day.weekday()]), day=day.day,
        month=tr(MONTH_NAMES[day.month - 1]), year=day.year,
    )


def moment_words(moment: datetime) -> str:
    """``Friday 4 December 2026 at 16:30`` (the clock time as the system writes it)."""
    return tr("{day} at {time}").format(day=day_words(moment.date()), time=clock_words(moment))


def day_text(day: date) -> str:
    """How a date is written back into its field: ``4/12/2026``."""
    return f"{day.day}/{day.month}/{day.year}"


def moment_text(moment: datetime) -> str:
    """How a date and time is written back into its field: ``4/12/2026 16:30``."""
    return f"{day_text(moment.date())} {moment:%H:%M}"
