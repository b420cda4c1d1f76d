"""The Review page's and the worker's comment list's reads and writes
(spokeapp.present.review), against a real casebook."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from spokeapp.domain.errors import SpokeError
from spokeapp.domain.records import ReviewMark, SignOff, SignOffOutcome, SupervisionComment
from spokeapp.present.review import (
    about_words,
    add_comment,
    decide,
    load_review,
    load_unread,
    mark_read,
    mark_reviewed,
    reassign_case,
    team_workers,
)
from spokeapp.store.casebook import Casebook
from tests.helpers.records import StepClock, concern, new_casebook, seeded_case, session

AT = datetime(2026, 3, 4, 10, 0, tzinfo=UTC)


@pytest.fixture
def book(tmp_path: Path) -> Iterator[Casebook]:
    opened, _recovery = new_casebook(tmp_path / "profile", clock=StepClock())
    with opened:
        opened.author = "worker-1"
        yield opened


def test_a_workers_note_waits_for_review_until_marked(book: Casebook) -> None:
    _person, _referral, case = seeded_case(book)
    note = session(case.id)
    book.save(note, finalise=True)
    book.author = "supervisor-1"

    data = load_review(book, date(2026, 3, 4))
    assert data.me == "supervisor-1"
    assert [item.record.id for item in data.queue] == [note.id]
    assert data.queue[0].author == "worker-1"
    assert data.queue[0].context.sessions == 1

    mark = mark_reviewed(book, note, AT)
    assert isinstance(book.get(mark.id).record, ReviewMark)
    assert mark.reviewed_by == "supervisor-1"
    assert load_review(book).queue == []


def test_own_notes_are_not_in_the_queue(book: Casebook) -> None:
    _person, _referral, case = seeded_case(book)
    book.save(session(case.id), finalise=True)
    assert load_review(book).queue == []


def test_a_comment_reaches_the_worker_unread_until_marked_read(book: Casebook) -> None:
    _person, _referral, case = seeded_case(book)
    note = session(case.id)
    book.save(note, finalise=True)
    book.author = "supervisor-1"
    comment = add_comment(book, case.id, "  Well done.  ", AT, about=note)
    assert comment.text == "Well done."
    assert (comment.about_id, comment.about_kind) == (note.id, "session")
    assert isinstance(book.get(comment.id).record, SupervisionComment)

    book.author = "worker-1"
    unread = load_unread(book)
    assert [(u.record_id, u.text, u.about) for u in unread] == [
        (comment.id, "Well done.", about_words("session"))
    ]
    mark_read(book, [comment.id])
    assert load_unread(book) == []


def test_a_return_without_a_comment_saves_nothing(book: Casebook) -> None:
    _person, _referral, case = seeded_case(book)
    raised = concern(case.id)
    book.save(raised, finalise=True)
    book.author = "supervisor-1"
    before = book.count("sign_off")
    with pytest.raises(SpokeError):
        decide(book, raised, SignOffOutcome.RETURNED, "   ", AT)
    assert book.count("sign_off") == before

    decision = decide(book, raised, SignOffOutcome.APPROVED, "", AT)
    stored = book.get(decision.id).record
    assert isinstance(stored, SignOff)
    assert (stored.request_id, stored.decided_by) == (raised.id, "supervisor-1")


def test_reassigning_changes_the_key_worker(book: Casebook) -> None:
    _person, _referral, case = seeded_case(book)
    assert team_workers(book) == [case.key_worker]
    moved = reassign_case(book, case.id, " worker-2 ")
    assert moved.key_worker == "worker-2"
    assert team_workers(book) == ["worker-2"]
