"""Typed dates and times read day first, with "today" given, never guessed from the clock."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest

from spokeapp.present.dates import (
    DateProblem,
    day_text,
    day_words,
    moment_text,
    moment_words,
    read_day,
    read_moment,
    read_time,
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
    assert read_day("20/12", TODAY, past_only=True) == date(2025, 12, 20)
    assert read_day("4/12", TODAY, past_only=True) == date(2026, 12, 4)


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
