"""Validation messages reach the worker through the translator (``spokeapp.i18n``).

A lookup that marks every text it is asked for stands in for Qt's translator: each message a
form shows must come back marked, with its numbers filled in after translating.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from spokeapp import i18n
from spokeapp.domain.errors import ValidationError
from spokeapp.domain.records import OUTCOME_LABELS, Outcome, choice_label
from tests.unit.domain.records.factories import closure, session

Asked = list[tuple[str, str]]


@pytest.fixture
def asked() -> Iterator[Asked]:
    """Install a marking lookup; yields every (context, text) it was asked for."""
    seen: Asked = []

    def mark(context: str, text: str, disambiguation: str | None, n: int) -> str:
        seen.append((context, text))
        return f"⟦{text}⟧"

    i18n.install(mark)
    try:
        yield seen
    finally:
        i18n.install(None)


def _messages(error: ValidationError) -> dict[str, str]:
    return {p.field: p.message for p in error.problems}


def test_a_required_field_is_reported_in_the_readers_language(asked: Asked) -> None:
    with pytest.raises(ValidationError) as caught:
        closure(case_id=" ").validate()
    assert _messages(caught.value) == {"case_id": "⟦is required⟧"}
    assert ("spokeapp.domain.records.checks", "is required") in asked


def test_a_number_is_filled_in_after_the_template_is_translated(asked: Asked) -> None:
    with pytest.raises(ValidationError) as caught:
        session(duration_minutes=-5).validate()
    assert _messages(caught.value)["duration_minutes"] == "⟦must be between 0 and 600⟧"
    assert ("spokeapp.domain.records.casework", "must be between 0 and {most}") in asked


def test_a_marked_label_is_translated_where_it_is_shown(asked: Asked) -> None:
    assert choice_label(OUTCOME_LABELS, Outcome.LOWER) == "⟦At lower risk than at the start⟧"


def test_without_a_translator_the_english_is_unchanged() -> None:
    with pytest.raises(ValidationError) as caught:
        closure(case_id=" ").validate()
    assert _messages(caught.value) == {"case_id": "is required"}
