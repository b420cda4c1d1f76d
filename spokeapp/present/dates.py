"""Typed dates and times, read the way a UK worker writes them (day first), with no Qt.

``read_day("4/12", today)`` and ``read_moment("yesterday 16:30", now)`` turn what was typed
into a value or a :class:`DateProblem` whose message says what to type instead (it never
repeats what was typed). "Today" is always passed in, so the answers never depend on the
machine's clock. Empty text is ``None``: nothing typed is never turned into a date.

**A date typed without a year** ("8/12") is this year's. In a field that takes only the past
(``past_only``: the day a session, a concern, a closure happened) it is the *nearest* such
day: last year's only when this year's is further ahead than last year's is behind (so "20/12"
typed on 5 January is the December just gone). A day still to come that is nearer than that
("8/12" typed on 7 December) is refused as in the future, and the message gives the year to
type for last year's ("For 8 December last year, type 8/12/2025"): it used to become the
same day a year ago, silently, which filed a slip of one digit under the wrong year with only
a small "2025" beside the field to show it. A date read as last year's without a year typed
says so in words beside the field ("Saturday 20 December 2025 (last year)":
:func:`value_words`).

**The earliest day a field takes** is an :class:`Earliest`: the day and the words for a date
before it. A session or a closure cannot be before its case was opened (:func:`case_opened`:
"is before this case was opened on 23 Sep 2026"). Group work and work with professionals have
no case to measure against, so they may be recorded up to ``WORK_YEARS_BACK`` (2) years back
(:func:`recent_work`): long enough for a worker catching up on last year's paperwork, or
putting last school year's sessions in before the annual report, and every funder's year
Spoke reports on; a date older than that is almost always a year typed wrong (1901 for 2021),
and a record kept that far back would also count in no report. Refused in words, never
clipped.

A future date is said as one ("is in the future: ...") in a date and time field too: it was
replaced by "is not a date and time Spoke can read", which sent the worker to fix the format
of a date that was well typed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Final

from spokeapp.i18n import clock as clock_words
from spokeapp.i18n import day as short_day
from spokeapp.i18n import translator

tr = translator(__name__)

__all__ = [
    "WORK_YEARS_BACK",
    "DateProblem",
    "Earliest",
    "case_opened",
    "day_text",
    "day_words",
    "moment_text",
    "moment_words",
    "read_day",
    "read_moment",
    "read_time",
    "recent_work",
    "value_words",
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

#: How many years back group work and work with professionals may be dated (see above).
WORK_YEARS_BACK: Final = 2

_NUMERIC = re.compile(r"^(\d{1,2})\s*[/.\-]\s*(\d{1,2})(?:\s*[/.\-]\s*(\d{2}|\d{4}))?$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_WORDY = re.compile(r"^(\d{1,2})(?:st|nd|rd|th)?\s+([a-z]{3,9})\.?(?:\s+(\d{2}|\d{4}))?$")
_TIME = re.compile(r"^(\d{1,2})(?:[:.](\d{2}))?\s*(am|pm)?$")


class DateProblem(ValueError):
    """What was typed is not a date (or not one this field takes); ``str()`` says why, in
    words that follow the field's name ("Date raised is in the future.")."""


class _Unreadable(DateProblem):
    """The text is not a date at all (the words say how to type one)."""


class _Future(DateProblem):
    """A readable date after today in a field that takes only the past. ``last_year``: the
    same day last year, when no year was typed (what to suggest)."""

    def __init__(self, message: str, last_year: date | None = None) -> None:
        super().__init__(message)
        self.last_year = last_year


@dataclass(frozen=True, slots=True)
class Earliest:
    """The first day a field takes, and what it says of a date before it (words that follow
    the field's name, like every :class:`DateProblem`)."""

    day: date
    problem: str


def case_opened(opened_on: date) -> Earliest:
    """A session's or a closure's day: not before the case was opened."""
    return Earliest(opened_on, tr("is before this case was opened on {day}").format(
        day=short_day(opened_on)))


def recent_work(today: date) -> Earliest:
    """Group work and work with professionals: at most ``WORK_YEARS_BACK`` years ago."""
    first = _years_before(today, WORK_YEARS_BACK)
    return Earliest(first, tr.plural(
        WORK_YEARS_BACK,
        "is more than {n} year ago: check the year (the earliest Spoke takes is {day})",
        "is more than {n} years ago: check the year (the earliest Spoke takes is {day})",
    ).format(day=short_day(first)))


def _years_before(day: date, years: int) -> date:
    """``day`` that many years earlier; 29 February becomes 28 February in a common year."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


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
        raise _Unreadable(tr(DAY_HELP)) from None


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


def _words(text: str) -> str:
    return " ".join(text.strip().lower().replace(",", " ").split())


def _day_and_month(day: date) -> str:
    return tr("{day} {month}").format(day=day.day, month=tr(MONTH_NAMES[day.month - 1]))


def _last_year_of(day: date) -> date | None:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return None


def _yearless(number: int, month: int, today: date, past_only: bool) -> date:
    """A date typed without a year: this year's; in a ``past_only`` field the nearest such
    day, last year's only when this year's is further ahead than last year's is behind. A
    nearer day to come is refused, saying what to type for last year's."""
    day = _make(today.year, month, number)
    if not past_only or day <= today:
        return day
    last = _last_year_of(day)
    if last is None:  # 29 February, and last year had none
        raise _Future(tr("is in the future: it can only be today or earlier"))
    if day - today > today - last:
        return last
    raise _Future(
        tr("is in the future: it can only be today or earlier. For {day} last year, type "
           "{typed}").format(day=_day_and_month(last), typed=day_text(last)),
        last,
    )


def read_day(
    text: str, today: date, *, past_only: bool = False, earliest: Earliest | None = None
) -> date | None:
    """The date ``text`` means (day first: 4/12 is 4 December), ``None`` if it is empty.

    Without a year it is this year's; for a ``past_only`` field the nearest such day (see
    the module's notes). A ``past_only`` field refuses a date after ``today``; ``earliest``
    refuses one before its day."""
    words = _words(text)
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
            raise _Unreadable(tr(DAY_HELP))
        number, month, year = parts
        day = (_yearless(number, month, today, past_only) if year is None
               else _make(year, month, number))
    if past_only and day > today:
        raise _Future(tr("is in the future: it can only be today or earlier"))
    _not_before(day, earliest)
    return day


def _not_before(day: date, earliest: Earliest | None) -> None:
    if earliest is not None and day < earliest.day:
        raise DateProblem(earliest.problem)


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


def _split_moment(words: str) -> tuple[str, time] | None:
    """(the date part, the time) of a typed date and time, or None without a time at its
    end ("4/12 at 16:30", "yesterday 4pm")."""
    for cut in (words.rfind(" at "), words.rfind(" ")):
        if cut <= 0:
            continue
        head, tail = words[:cut], words[cut:].removeprefix(" at ").strip()
        clock = read_time(tail)
        if clock is not None:
            return head, clock
    return None


def read_moment(
    text: str, now: datetime, *, past_only: bool = False, earliest: Earliest | None = None
) -> datetime | None:
    """A date and a time (``yesterday 16:30``, ``4/12 9:05``, ``16:30`` for today), naive
    local time like ``now``; ``None`` if empty. A date alone asks for the time. A date that
    cannot be read gets the help on typing one; a future one (``past_only``) is said to be in
    the future, never "not a date"; ``earliest`` refuses one on a day before its day."""
    words = _words(text)
    if not words:
        return None
    if words == "now":
        return _checked(now.replace(second=0, microsecond=0), now, past_only, earliest)
    split = _split_moment(words)
    if split is not None:
        head, clock = split
        try:
            day = read_day(head, now.date(), past_only=past_only)
        except _Unreadable:
            raise DateProblem(tr(MOMENT_HELP)) from None
        except _Future as future:
            if future.last_year is None:
                raise DateProblem(tr("is in the future: it can only be now or earlier")) from None
            raise DateProblem(
                tr("is in the future: it can only be now or earlier. For {day} last year, type "
                   "{typed}").format(
                    day=_day_and_month(future.last_year),
                    typed=moment_text(datetime.combine(future.last_year, clock)))
            ) from None
        assert day is not None
        return _checked(datetime.combine(day, clock), now, past_only, earliest)
    alone = read_time(words)
    if alone is not None:
        return _checked(datetime.combine(now.date(), alone), now, past_only, earliest)
    try:
        read_day(words, now.date())
    except DateProblem:
        raise DateProblem(tr(MOMENT_HELP)) from None
    raise DateProblem(tr("needs a time as well as a date: add it like 16:30"))


def _checked(
    moment: datetime, now: datetime, past_only: bool, earliest: Earliest | None
) -> datetime:
    if past_only and moment > now:
        raise DateProblem(tr("is in the future: it can only be now or earlier"))
    _not_before(moment.date(), earliest)
    return moment


def _no_year_typed(text: str) -> bool:
    """``text`` names a day by its day and month only ("20/12", "20 Dec 16:30")."""
    words = _words(text)
    split = _split_moment(words)
    for part in (words, split[0] if split is not None else None):
        if part is None:
            continue
        parts = _day_parts(part)
        if parts is not None:
            return parts[2] is None
    return False


def value_words(value: date, typed: str, today: date) -> str:
    """What a field shows beside the text that means ``value`` (a date, or a date and time):
    the value in words, with "(last year)" when no year was typed and it was read as last
    year's (see the module's notes), so that is never a surprise."""
    words = moment_words(value) if isinstance(value, datetime) else day_words(value)
    day = value.date() if isinstance(value, datetime) else value
    if day.year == today.year - 1 and _no_year_typed(typed):
        return tr("{words} (last year)").format(words=words)
    return words


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
