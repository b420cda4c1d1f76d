"""The retention rule (spokeapp/hub/retention.py): a closed case is kept until the young person
turns N or M years after closure, whichever is later; an open case is never due; ages and
anniversaries are right across birthdays, 29 February included."""

from __future__ import annotations

from datetime import date

import pytest

from spokeapp.hub.retention import RetentionRule, age_on, anniversary, due_on

RULE = RetentionRule()  # 25 years old or 6 years after closure


def test_the_later_day_wins_the_age_when_the_young_person_was_young_at_closure() -> None:
    # Born 2010, closed 2026 at 16: 6 years after closure is 2032, turning 25 is 2035.
    assert due_on(date(2010, 3, 4), date(2026, 5, 1), RULE) == (
        date(2035, 3, 4), "turned 25 on 2035-03-04")


def test_the_later_day_wins_years_after_closure_when_closed_near_25() -> None:
    # Born 2002, closed 2026 at 24: turning 25 is 2027, 6 years after closure is 2032.
    assert due_on(date(2002, 3, 4), date(2026, 5, 1), RULE) == (
        date(2032, 5, 1), "6 years after closure on 2032-05-01")


def test_an_open_case_is_never_due() -> None:
    assert due_on(date(1990, 1, 1), None, RULE) is None


def test_the_rule_follows_its_settings() -> None:
    rule = RetentionRule(until_age=21, years_after_closure=3)
    assert due_on(date(2010, 3, 4), date(2026, 5, 1), rule) == (
        date(2031, 3, 4), "turned 21 on 2031-03-04")
    assert due_on(date(2010, 3, 4), date(2029, 5, 1), rule) == (
        date(2032, 5, 1), "3 years after closure on 2032-05-01")


@pytest.mark.parametrize(("day", "age"), [
    (date(2025, 6, 14), 14),  # the day before the birthday
    (date(2025, 6, 15), 15),  # the birthday
    (date(2025, 12, 31), 15),
    (date(2026, 1, 1), 15),
])
def test_age_counts_whole_years_across_the_birthday(day: date, age: int) -> None:
    assert age_on(date(2010, 6, 15), day) == age


def test_a_29_february_birthday_falls_on_28_february_in_a_common_year() -> None:
    born = date(2000, 2, 29)
    assert age_on(born, date(2025, 2, 27)) == 24
    assert age_on(born, date(2025, 2, 28)) == 25
    assert age_on(born, date(2024, 2, 28)) == 23  # a leap year: the birthday is the 29th
    assert age_on(born, date(2024, 2, 29)) == 24
    assert anniversary(born, 25) == date(2025, 2, 28)
    assert due_on(born, date(2015, 1, 1), RULE) == (
        date(2025, 2, 28), "turned 25 on 2025-02-28")


def test_a_closure_on_29_february_is_due_on_28_february() -> None:
    assert due_on(date(2000, 1, 1), date(2024, 2, 29), RetentionRule(18, 6)) == (
        date(2030, 2, 28), "6 years after closure on 2030-02-28")
