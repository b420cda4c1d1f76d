"""The validation helpers every record shares: one wording for each rule."""

from __future__ import annotations

import dataclasses
import types
import typing
from datetime import UTC, date, datetime, timedelta, timezone
from enum import Enum
from typing import Any

import pytest

from spokeapp.domain.errors import Problem, ValidationError
from spokeapp.domain.records import (
    MIN_DEBRIEF_NOTE_CHARS,
    MIN_OVERRIDE_REASON_CHARS,
    MIN_RESOLUTION_NOTE_CHARS,
    MIN_RETURN_COMMENT_CHARS,
    RECORD_TYPES,
    Record,
)
from spokeapp.domain.records.checks import _min_length, _require_all
from tests.unit.domain.records.factories import closure, messages_of, referral, session


def test_require_all_reports_each_blank_field_in_the_order_given() -> None:
    problems: list[Problem] = []
    _require_all(problems, closure(id=" ", case_id=""), "id", "case_id")
    assert [str(p) for p in problems] == ["id: is required", "case_id: is required"]
    problems.clear()
    _require_all(problems, session(), "id", "case_id")
    assert problems == []


@pytest.mark.parametrize(
    "minimum",
    [
        MIN_OVERRIDE_REASON_CHARS,
        MIN_RESOLUTION_NOTE_CHARS,
        MIN_DEBRIEF_NOTE_CHARS,
        MIN_RETURN_COMMENT_CHARS,
    ],
)
def test_min_length_asks_for_more_and_ignores_surrounding_whitespace(minimum: int) -> None:
    problems: list[Problem] = []
    _min_length(problems, "note", "  " + "x" * (minimum - 1) + "  ", minimum, "say more")
    assert [str(p) for p in problems] == [f"note: say more (at least {minimum} characters)"]
    problems.clear()
    _min_length(problems, "note", "x" * minimum, minimum, "say more")
    assert problems == []


# --------------------------------------------------------------------------- dates
OUT_OF_RANGE = "must be between the years 1900 and 2200"


def _passes(record: Record) -> bool:
    try:
        record.validate()
    except ValidationError:
        return False
    return True


@pytest.mark.parametrize(("last", "beyond"), [
    (date(1900, 1, 1), date(1899, 12, 31)),
    (date(2200, 12, 31), date(2201, 1, 1)),
])
def test_dates_run_from_1900_to_2200_and_beyond_is_refused_naming_the_field(
    last: date, beyond: date,
) -> None:
    assert _passes(referral(received_on=last))
    assert messages_of(referral(received_on=beyond)) == [f"received_on: {OUT_OF_RANGE}"]


BST = timezone(timedelta(hours=1))
EST = timezone(timedelta(hours=-5))


@pytest.mark.parametrize(("last", "beyond"), [
    (datetime(1900, 1, 1, 0, 0, tzinfo=UTC), datetime(1899, 12, 31, 23, 59, 59, tzinfo=UTC)),
    (datetime(2200, 12, 31, 23, 59, 59, tzinfo=UTC), datetime(2201, 1, 1, 0, 0, tzinfo=UTC)),
    # in the years as written, and also once in UTC (the hub keeps and compares UTC) - or not
    (datetime(1900, 1, 1, 1, 0, tzinfo=BST), datetime(1900, 1, 1, 0, 30, tzinfo=BST)),
    (datetime(2200, 12, 31, 18, 59, tzinfo=EST), datetime(2200, 12, 31, 20, 0, tzinfo=EST)),
])
def test_times_run_from_1900_to_2200_also_in_utc_and_beyond_is_refused(
    last: datetime, beyond: datetime,
) -> None:
    assert _passes(session(occurred_at=last))
    assert messages_of(session(occurred_at=beyond)) == [f"occurred_at: {OUT_OF_RANGE}"]


@pytest.mark.parametrize("when", [
    datetime(9999, 12, 31, 23, 0, tzinfo=UTC),
    datetime(9999, 12, 31, 20, 0, tzinfo=EST),  # past year 9999 once in UTC
    datetime(1, 1, 1, 2, 0, tzinfo=timezone(timedelta(hours=5))),  # before year 1 in UTC
    datetime(1, 1, 1, 0, 0, tzinfo=timezone(timedelta(hours=23, minutes=59))),
])
def test_the_times_that_made_the_hub_overflow_are_refused_without_overflowing(
    when: datetime,
) -> None:
    """What the audit pushed (F1, F2): the rule asks without converting out of range."""
    assert messages_of(session(occurred_at=when)) == [f"occurred_at: {OUT_OF_RANGE}"]


def _value(hint: Any, bad: bool) -> Any:
    """A value of a field's type: a date (or list of dates) out of range if ``bad``."""
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        hint = next(a for a in typing.get_args(hint) if a is not type(None))
    if typing.get_origin(hint) is tuple:
        item = typing.get_args(hint)[0]
        return () if typing.get_origin(item) is tuple else (_value(item, bad),)
    if hint is date:
        return date(2201, 1, 1) if bad else date(2024, 3, 1)
    if hint is datetime:
        return datetime(2201, 1, 1, tzinfo=UTC) if bad else datetime(2024, 3, 1, tzinfo=UTC)
    if isinstance(hint, type) and issubclass(hint, Enum):
        return next(iter(hint))
    return {str: "x", int: 1, bool: False}[hint]


def _dated(cls: type[Record]) -> list[str]:
    """The names of a record class's date fields (a date, a date and time, or a list of
    either), read from its type hints."""
    hints = typing.get_type_hints(cls)
    return [f.name for f in dataclasses.fields(cls)  # type: ignore[arg-type]
            if _value(hints[f.name], True) != _value(hints[f.name], False)]


@pytest.mark.parametrize("kind", sorted(k for k, c in RECORD_TYPES.items() if _dated(c)))
def test_every_record_kind_refuses_each_of_its_dates_out_of_range(kind: str) -> None:
    """Whatever else is wrong with the record, every date field out of the years is named:
    the hub validates every pushed record with the same rule (422, nothing stored)."""
    cls = RECORD_TYPES[kind]
    hints = typing.get_type_hints(cls)
    record = cls(**{f.name: _value(hints[f.name], True)
                    for f in dataclasses.fields(cls)})  # type: ignore[arg-type]
    with pytest.raises(ValidationError) as caught:
        record.validate()
    named = {p.field for p in caught.value.problems if p.message == OUT_OF_RANGE}
    assert named == set(_dated(cls))
