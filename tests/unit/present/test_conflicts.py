"""A sync conflict's values and times in words, without Qt (``spokeapp.present.conflicts``).
All data is fictional."""

from __future__ import annotations

from datetime import UTC, datetime

from spokeapp.present.conflicts import time_words, value_words


def test_values_in_plain_words() -> None:
    assert value_words(None) == value_words("") == "(empty)"
    assert (value_words(True), value_words(False)) == ("Yes", "No")
    assert value_words("waiting_list") == "Waiting list"  # an enum value, humanised
    assert value_words("Fictional free text, with commas") == "Fictional free text, with commas"
    assert value_words("2026-03-02") == "2 Mar 2026"
    moment = datetime(2026, 3, 2, 14, 5, tzinfo=UTC)
    local = moment.astimezone()
    assert value_words(moment.isoformat()) == f"{local.day} {local:%b %Y, %H:%M}"
    assert value_words(12) == "12"


def test_times_in_plain_words() -> None:
    assert time_words(None) == time_words("") == "unknown time"
    assert time_words("not a time") == "not a time"
    moment = datetime(2026, 3, 2, 14, 5, tzinfo=UTC)
    local = moment.astimezone()
    assert time_words(moment.isoformat()) == f"{local.day} {local:%b %Y, %H:%M}"
