"""What the case page reads (spokeapp.present.case_page)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, time
from pathlib import Path

import pytest

from spokeapp.present.case_page import (
    REVIEW_SETTING,
    first_line,
    load_case,
    local_day,
    record_time,
    without_names,
)
from spokeapp.store.casebook import Casebook
from tests.helpers.records import StepClock, new_casebook, seeded_case, session, young_person


@pytest.fixture
def book(tmp_path: Path) -> Iterator[Casebook]:
    opened, _recovery = new_casebook(tmp_path / "profile", clock=StepClock())
    with opened:
        yield opened


def test_load_case_reads_the_case_its_person_referral_and_records(book: Casebook) -> None:
    person, referral, case = seeded_case(book)
    note = session(case.id)
    book.save(note, finalise=True)
    book.set_setting(REVIEW_SETTING + case.id, "6")

    data = load_case(book, case.id)

    assert data.case.id == case.id
    assert data.person is not None and data.person.id == person.id
    assert data.referral is not None and data.referral.id == referral.id
    assert note.id in data.by_id and data.by_id[note.id].record == note
    assert {s.record.id for s in data.records} == set(data.by_id)
    assert data.review_weeks == 6
    assert note.id in data.unsent  # nothing has reached a hub
    assert any(entry.action == "case.view" and entry.subject_id == case.id
               for entry in book.audit_trail())


def test_an_unusable_review_interval_is_no_interval(book: Casebook) -> None:
    _person, _referral, case = seeded_case(book)
    book.set_setting(REVIEW_SETTING + case.id, "soon")
    assert load_case(book, case.id).review_weeks is None


def test_record_time_prefers_the_records_own_date(book: Casebook) -> None:
    _person, _referral, case = seeded_case(book)
    note = session(case.id)
    stored = book.save(note, finalise=True)
    assert record_time(stored) == note.occurred_at
    opened = book.get(case.id)
    assert record_time(opened) == datetime.combine(case.opened_on, time(12, 0), UTC)


def test_first_line_and_local_day() -> None:
    assert first_line("one\n two   three") == "one two three"
    cut = first_line("x" * 200, limit=10)
    assert len(cut) == 10 and cut.endswith("…")
    when = datetime(2026, 3, 3, 9, 5, tzinfo=UTC)
    local = when.astimezone()
    assert local_day(when) == f"{local.day} {local:%b %Y, %H:%M}"


def test_without_names_puts_the_reference_where_the_young_persons_name_was_written() -> None:
    """Names hidden (View > Hide names), a worker's own words still named the young person:
    "Birch said...". Their whole name and the name they like in any case, each part of
    either as a name is written (with a capital), become the reference; nothing else."""
    person = young_person(7, name="Demo Mary-Jane Example", preferred_name="Birch")
    text = ("Met demo mary-jane example and Birch's mum at the cafe. Mary-Jane said Jane "
            "and Example came; Birch was late. Examples of birch trees; jane doe.")
    assert without_names(text, person) == (
        "Met YP-TEST-07 and YP-TEST-07's mum at the cafe. YP-TEST-07 said YP-TEST-07 "
        "and YP-TEST-07 came; YP-TEST-07 was late. Examples of birch trees; jane doe."
    )
    # The reference put in is never taken for a name again, however it is spelt.
    demo = young_person(2, name="Demo Birch", preferred_name="demo", reference="DEMO-02")
    assert without_names("Demo came, then demo birch.", demo) == "DEMO-02 came, then DEMO-02."
    assert without_names("", person) == "" and without_names("Birch", None) == "Birch"
