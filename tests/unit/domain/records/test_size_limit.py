"""The hub's limit on one record is a rule of the domain: a record it would refuse is never
finalised, and the problem says, on the field at fault, how long it is and the most it may be."""

from __future__ import annotations

import json

import pytest

from spokeapp.domain.errors import ValidationError
from spokeapp.domain.records.checks import (
    MAX_RECORD_BYTES,
    TEXT_BUDGET_BYTES,
    chars_that_fit,
    record_bytes,
    size_problem,
    text_limit,
    wire_size,
)
from spokeapp.sync.protocol import MAX_PAYLOAD_BYTES
from tests.unit.domain.records.factories import amendment, session


def _hub_size(data: dict[str, object]) -> int:
    """As the hub measures a pushed payload (spokeapp.hub.push.checks._payload_size)."""
    return len(json.dumps(data, separators=(",", ":")).encode("utf-8"))


def test_there_is_one_limit_and_the_protocol_takes_it_from_the_domain() -> None:
    assert MAX_PAYLOAD_BYTES == MAX_RECORD_BYTES == 256 * 1024


def test_a_307_kb_note_is_refused_on_its_field_with_the_length_and_the_most() -> None:
    record = session(discussed="a" * 307_000)
    with pytest.raises(ValidationError) as caught:
        record.validate()
    problems = {p.field: p.message for p in caught.value.problems}
    room = MAX_RECORD_BYTES - (record_bytes(session(discussed="").to_dict()))
    assert problems["discussed"] == (
        f"is too long to send to the hub: 307,000 characters, the most is {room:,}. "
        "Split it: finalise this part and add the rest as an amendment"
    )


def test_the_most_is_exactly_what_the_hub_takes() -> None:
    room = MAX_RECORD_BYTES - record_bytes(session(discussed="").to_dict())
    at_limit = session(discussed="b" * room)
    assert _hub_size(at_limit.to_dict()) == MAX_PAYLOAD_BYTES
    at_limit.validate()  # the hub takes it, so the laptop does too
    over = session(discussed="b" * (room + 1))
    assert size_problem(over) is not None


@pytest.mark.parametrize(
    ("char", "cost"),
    [("a", 1), ('"', 2), ("\n", 2), ("é", 6), ("ŵ", 6), ("\u2019", 6), ("😀", 12)],
)
def test_a_character_costs_what_the_hub_counts(char: str, cost: int) -> None:
    assert wire_size(char * 10) == 10 * cost
    assert wire_size(char * 10) == len(json.dumps(char * 10)) - 2


def test_welsh_and_emoji_text_is_refused_at_far_fewer_characters() -> None:
    # 60,000 characters, each six bytes as sent: 360,000 bytes, over the limit although
    # UTF-8 would take only 120,000.
    welsh = "ŵ" * 60_000
    assert len(welsh.encode("utf-8")) < MAX_RECORD_BYTES
    problem = size_problem(amendment(text=welsh))
    assert problem is not None and problem.field == "text"
    room = MAX_RECORD_BYTES - record_bytes(amendment(text="").to_dict())
    assert f"the most is {room // 6:,}" in problem.message
    emoji = amendment(text="😀" * (room // 12))
    assert size_problem(emoji) is None
    assert size_problem(amendment(text="😀" * (room // 12 + 1))) is not None


def test_chars_that_fit_finds_the_longest_start_within_the_bytes() -> None:
    text = "ab😀cd"
    assert chars_that_fit(text, 2) == 2
    assert chars_that_fit(text, 13) == 2  # the emoji needs 12
    assert chars_that_fit(text, 14) == 3
    assert chars_that_fit(text, 100) == 5


def test_the_shown_limit_follows_the_text_typed() -> None:
    assert text_limit("") == TEXT_BUDGET_BYTES == 250_000
    assert text_limit("plain words") == 250_000
    assert text_limit("ŵŵ") == 250_000 // 6
    mixed = "a" * 5 + "é" * 5  # 35 bytes for 10 characters
    assert text_limit(mixed) == 250_000 * 10 // 35


def test_ordinary_records_are_untouched_by_the_rule() -> None:
    session().validate()
    assert size_problem(session()) is None
