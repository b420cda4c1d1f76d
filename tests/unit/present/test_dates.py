"""Typed dates and times read day first, with "today" given, never guessed from the clock."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest

from spokeapp.present.dates import (
    DateProblem,
    case_opened,
    day_text,
    day_words,
    moment_text,
    moment_words,
    read_day,
    read_moment,
    read_time,
    recent_work,
    value_words,
)

TODAY = date(2026, 12, 5)
NOW = datetime(2026, 12, 5, 18, 0)


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("4/12", date(2026, 12, 4)),
        ("04/12/2026", date(2026, 12, 4)),
        ("4/12/26", date(2026, 12, 4)),
        ("4.12.2026", date(2026, 12, 4)),
        ("4-12-2026", date(2026, 12, 4)),
        ("2026-12-04", date(2026, 12, 4)),
        ("4 Dec", date(2026, 12, 4)),
        ("4th December 2026", date(2026, 12, 4)),
        ("  today ", TODAY),
        ("Yesterday", date(2026, 12, 4)),
        ("tomorrow", date(2026, 12, 6)),
    ],
)
def test_typed_dates_are_read_day_first(typed: str, meant: date) -> None:
    assert read_day(typed, TODAY) == meant


def test_a_date_without_a_year_is_this_year_or_last_year_for_a_past_only_field() -> None:
    assert read_day("20/12", TODAY) == date(2026, 12, 20)
    assert read_day("4/12", TODAY, past_only=True) == date(2026, 12, 4)
    # In January, "20/12" is the December just gone.
    assert read_day("20/12", date(2027, 1, 5), past_only=True) == date(2026, 12, 20)
    assert read_day("1 Nov", date(2027, 3, 5), past_only=True) == date(2026, 11, 1)


@pytest.mark.parametrize(
    ("typed", "today", "last_year"),
    [
        ("8/12", date(2026, 12, 7), "For 8 December last year, type 8/12/2025"),
        ("20/12", TODAY, "For 20 December last year, type 20/12/2025"),
        ("1 Sep", date(2026, 6, 1), "For 1 September last year, type 1/9/2025"),
    ],
)
def test_a_day_soon_to_come_without_a_year_is_refused_not_read_as_a_year_ago(
    typed: str, today: date, last_year: str
) -> None:
    """"8/12" typed on 7 December became 8 December last year, silently: almost always a
    slip, filed a year out. It is in the future, and the message says how to mean last year."""
    with pytest.raises(DateProblem) as problem:
        read_day(typed, today, past_only=True)
    assert str(problem.value) == (
        f"is in the future: it can only be today or earlier. {last_year}")


def test_a_date_and_time_soon_to_come_without_a_year_says_so_with_its_time() -> None:
    now = datetime(2026, 12, 7, 12, 0)
    with pytest.raises(DateProblem) as problem:
        read_moment("8/12 10:00", now, past_only=True)
    assert str(problem.value) == (
        "is in the future: it can only be now or earlier. "
        "For 8 December last year, type 8/12/2025 10:00")


@pytest.mark.parametrize("typed", ["6/12/2026 10:00", "7 Dec 2026 9am", "tomorrow 16:30"])
def test_a_future_date_and_time_is_said_to_be_in_the_future_not_unreadable(typed: str) -> None:
    """Every problem with the date part became "is not a date and time Spoke can read: type
    it like 4/12 16:30", sending the worker to fix the format of a well-typed date."""
    with pytest.raises(DateProblem) as problem:
        read_moment(typed, NOW, past_only=True)
    assert str(problem.value) == "is in the future: it can only be now or earlier"


def test_a_day_read_as_last_year_without_a_year_typed_says_so_in_words() -> None:
    january = date(2027, 1, 5)
    assert value_words(date(2026, 12, 20), "20/12", january) == (
        "Sunday 20 December 2026 (last year)")
    assert value_words(datetime(2026, 12, 20, 16, 30), "20 dec 16:30", january) == (
        "Sunday 20 December 2026 at 16:30 (last year)")
    assert value_words(date(2026, 12, 20), "20/12/2026", january) == "Sunday 20 December 2026"
    assert value_words(date(2026, 12, 4), "4/12", TODAY) == "Friday 4 December 2026"


def test_a_day_before_the_case_was_opened_is_refused_in_words() -> None:
    opened = case_opened(date(2026, 9, 23))
    with pytest.raises(DateProblem) as problem:
        read_moment("1/1/1990 10:00", NOW, past_only=True, earliest=opened)
    assert str(problem.value) == "is before this case was opened on 23 Sep 2026"
    with pytest.raises(DateProblem, match="before this case was opened"):
        read_day("22/9/2026", TODAY, earliest=opened)
    assert read_day("23/9/2026", TODAY, earliest=opened) == date(2026, 9, 23)
    assert read_moment("23/9 08:00", NOW, earliest=opened) == datetime(2026, 9, 23, 8, 0)


def test_group_work_may_be_dated_two_years_back_and_no_further() -> None:
    floor = recent_work(TODAY)
    assert floor.day == date(2024, 12, 5)
    assert read_day("5/12/2024", TODAY, past_only=True, earliest=floor) == date(2024, 12, 5)
    for typed in ("4/12/2024", "1/1/1901"):
        with pytest.raises(DateProblem) as problem:
            read_day(typed, TODAY, past_only=True, earliest=floor)
        assert str(problem.value) == (
            "is more than 2 years ago: check the year (the earliest Spoke takes is 5 Dec 2024)")
    assert recent_work(date(2028, 2, 29)).day == date(2026, 2, 28)


def test_nothing_typed_is_no_date_never_a_default() -> None:
    assert read_day("   ", TODAY) is None
    assert read_moment("", NOW) is None


@pytest.mark.parametrize("typed", ["31/2/2026", "4/13", "soon", "March", "4 Smarch"])
def test_what_is_not_a_date_is_a_problem_that_says_what_to_type(typed: str) -> None:
    with pytest.raises(DateProblem) as problem:
        read_day(typed, TODAY)
    assert "4/12/2026" in str(problem.value)
    assert typed not in str(problem.value)  # never repeats what was typed


def test_a_past_only_field_refuses_a_future_date() -> None:
    with pytest.raises(DateProblem, match="in the future"):
        read_day("6/12/2026", TODAY, past_only=True)


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("16:30", time(16, 30)),
        ("9.05", time(9, 5)),
        ("4pm", time(16, 0)),
        ("4:30 PM", time(16, 30)),
        ("12am", time(0, 0)),
        ("1630", None),
        ("25:00", None),
        ("16", None),
    ],
)
def test_times(typed: str, meant: time | None) -> None:
    assert read_time(typed) == meant


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("yesterday 16:30", datetime(2026, 12, 4, 16, 30)),
        ("16:30", datetime(2026, 12, 5, 16, 30)),
        ("4/12 9:05", datetime(2026, 12, 4, 9, 5)),
        ("4 Dec 2026 at 4pm", datetime(2026, 12, 4, 16, 0)),
        ("now", NOW),
    ],
)
def test_typed_dates_and_times(typed: str, meant: datetime) -> None:
    assert read_moment(typed, NOW) == meant


def test_a_date_without_a_time_asks_for_the_time() -> None:
    with pytest.raises(DateProblem, match="needs a time"):
        read_moment("yesterday", NOW)
    with pytest.raises(DateProblem, match="16:30"):
        read_moment("whenever 16:30", NOW)
    with pytest.raises(DateProblem, match="in the future"):
        read_moment("19:00", NOW, past_only=True)


def test_values_in_words_and_written_back() -> None:
    assert day_words(date(2026, 12, 4)) == "Friday 4 December 2026"
    assert moment_words(datetime(2026, 12, 4, 16, 30)) == "Friday 4 December 2026 at 16:30"
    assert day_text(date(2026, 12, 4)) == "4/12/2026"
    assert moment_text(datetime(2026, 12, 4, 9, 5)) == "4/12/2026 09:05"
    assert read_moment(moment_text(datetime(2026, 12, 4, 9, 5)), NOW) == datetime(2026, 12, 4, 9, 5)
