"""The Today page's words without Qt (``spokeapp.present.today``): what a kept draft is and
when it was saved. All data is fictional."""

from __future__ import annotations

from datetime import UTC, datetime

from spokeapp.domain.records import Record
from spokeapp.present.today import draft_words, saved_words, today_of
from spokeapp.store.casebook import StoredRecord
from tests.unit.domain.records.factories import assessment, concern, session


def _draft(record: Record) -> StoredRecord:
    return StoredRecord(record=record, state="draft", created_at="", updated_at="",
                        finalised_at=None, author="worker", revision=1)


def test_a_draft_in_words() -> None:
    note = session()
    local = note.occurred_at.astimezone()
    assert draft_words(_draft(note)) == f"Session note, {local.day} {local:%b %H:%M}"
    assert draft_words(_draft(assessment())) == "Risk assessment, 6 Mar 2024"
    assert draft_words(_draft(concern())) == "Safeguarding concern"


def test_when_a_draft_was_saved() -> None:
    moment = datetime(2026, 3, 2, 14, 5, tzinfo=UTC)
    local = moment.astimezone()
    assert saved_words(moment.isoformat()) == f"{local.day} {local:%b, %H:%M}"
    assert saved_words("not a time") == ""
    assert today_of(moment) == local.date()
