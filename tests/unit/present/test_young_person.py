"""The young person's own details in words (spokeapp.present.young_person): the date of birth
as typed, "About them", and the earlier versions a correction leaves behind, read from a real
casebook's history of the record."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from spokeapp.domain.errors import ValidationError
from spokeapp.domain.records.casework import (
    ContactMethod,
    EthnicGroup,
    YoungPerson,
    phone_problem,
)
from spokeapp.present.young_person import (
    changed_fields,
    contact_lines,
    correction,
    ethnicity_words,
    load_history,
    parse_date_of_birth,
    person_rows,
    version_lines,
)
from spokeapp.store.casebook import Casebook
from tests.helpers.records import StepClock, new_casebook, raw_connection, seeded_case

TODAY = date(2026, 12, 4)


@pytest.fixture
def book(tmp_path: Path) -> Iterator[Casebook]:
    opened, _recovery = new_casebook(tmp_path / "profile", clock=StepClock())
    with opened:
        yield opened


def _problems(error: pytest.ExceptionInfo[ValidationError]) -> list[str]:
    return [f"{p.field} {p.message}" for p in error.value.problems]


# ------------------------------------------------------------------ date of birth, as typed
def test_a_date_of_birth_must_be_typed_and_is_read_day_first() -> None:
    with pytest.raises(ValidationError) as empty:
        parse_date_of_birth("   ", TODAY)
    assert _problems(empty) == ["date_of_birth must be entered"]
    assert parse_date_of_birth("04/12/2012", TODAY) == date(2012, 12, 4)
    assert parse_date_of_birth("4-12-2012", TODAY) == date(2012, 12, 4)
    for wrong in ("31/02/2012", "12/2012", "04/12/12", "tomorrow"):
        with pytest.raises(ValidationError) as bad:
            parse_date_of_birth(wrong, TODAY)
        assert "dd/mm/yyyy" in _problems(bad)[0], wrong
    with pytest.raises(ValidationError) as future:
        parse_date_of_birth("05/12/2026", TODAY)
    assert _problems(future) == ["date_of_birth cannot be in the future"]


# ------------------------------------------------------------------ the record's rules
def _person(**changes: object) -> YoungPerson:
    base = YoungPerson(id="yp-1", reference="YP-TEST-01", name="Test Person Alpha",
                       date_of_birth=date(2012, 12, 4))
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


def test_phone_numbers_are_digits_spaces_and_plus_with_7_to_15_digits() -> None:
    for good in ("07700 900123", "+44 7700 900123", "0117 496 0000"):
        assert phone_problem(good) is None, good
    for bad in ("07700-900123", "123456", "+44 7700 900123 4567", "call mum", "44+7700900123"):
        assert phone_problem(bad) is not None, bad


def test_self_describing_needs_their_words_and_numbers_need_whose_phone() -> None:
    with pytest.raises(ValidationError) as missing:
        _person(ethnic_group=EthnicGroup.SELF_DESCRIBED).validate()
    assert _problems(missing) == [
        "ethnicity_described is required when they prefer to self-describe"]
    with pytest.raises(ValidationError) as numbers:
        _person(safe_numbers=("0770 01", "07700 900123"), safe_number_whose=("", "Mum"),
                safe_number_times=("", "")).validate()
    assert _problems(numbers) == [
        "safe_numbers[0] must be digits, spaces and + only, with 7 to 15 digits",
        "safe_number_whose[0] is required",
    ]
    with pytest.raises(ValidationError) as professional:
        _person(contact_methods=(ContactMethod.THROUGH_PROFESSIONAL,)).validate()
    assert _problems(professional) == [
        "contact_professional is required when contact is through them"]
    with pytest.raises(ValidationError) as too_many:
        _person(safe_numbers=("07700 900123",) * 4, safe_number_whose=("Mum",) * 4,
                safe_number_times=("",) * 4).validate()
    assert _problems(too_many) == ["safe_numbers may list at most 3"]


def test_an_old_record_without_the_new_details_still_loads_as_not_given() -> None:
    old = {"id": "yp-1", "reference": "YP-TEST-01", "name": "Test Person Alpha",
           "date_of_birth": "2012-12-04", "preferred_name": None, "gender": None,
           "ethnicity": "in the referrer's words", "needs": "", "restricted": False}
    person = YoungPerson.from_dict(old)
    assert (person.ethnic_group, person.contact_methods, person.leave_message,
            person.safe_numbers, person.corrected_by) == (None, (), None, (), None)
    assert ethnicity_words(person) == "in the referrer's words"
    assert contact_lines(person, hide_names=False) == []


def test_a_full_record_stays_small_on_the_wire() -> None:
    full = _person(
        preferred_name="A" * 100, gender="G" * 100, ethnic_group=EthnicGroup.SELF_DESCRIBED,
        ethnicity_described="E" * 100, contact_methods=tuple(ContactMethod),
        contact_professional="P" * 100, leave_message=False,
        safe_numbers=("+44 7700 900123",) * 3, safe_number_whose=("W" * 60,) * 3,
        safe_number_times=("T" * 120,) * 3, corrected_by="u-1", corrected_on=TODAY,
    )
    full.validate()
    assert len(json.dumps(full.to_dict())) < 2048


# ------------------------------------------------------------------ "About them"
def test_about_them_shows_the_census_group_under_its_heading_and_contact_preferences() -> None:
    person = _person(
        ethnic_group=EthnicGroup.MIXED_WHITE_BLACK_CARIBBEAN,
        contact_methods=(ContactMethod.TEXT, ContactMethod.THROUGH_PROFESSIONAL),
        contact_professional="Demo Ash, school nurse", leave_message=False,
        safe_numbers=("07700 900123",), safe_number_whose=("their own",),
        safe_number_times=("weekdays after 4pm",),
    )
    rows = dict(person_rows(person, TODAY, hide_names=False))
    assert rows["Date of birth"] == "4 Dec 2012 (age 14)"
    assert rows["Ethnicity"] == "Mixed or Multiple ethnic groups: White and Black Caribbean"
    assert contact_lines(person, hide_names=False) == [
        "Contact by: text message, through Demo Ash, school nurse.",
        "Do not leave a message.",
        "Safe numbers: 07700 900123 (their own; safe times: weekdays after 4pm).",
    ]
    hidden = dict(person_rows(person, TODAY, hide_names=True))
    assert "Name" not in hidden and "Date of birth" not in hidden and hidden["Age"] == "14"
    assert "07700" not in " ".join(contact_lines(person, hide_names=True))
    described = _person(ethnic_group=EthnicGroup.SELF_DESCRIBED, ethnicity_described="Afro-Celt")
    assert ethnicity_words(described) == "In their words: Afro-Celt"


# ------------------------------------------------------------------ versions
def test_a_correction_is_a_new_version_and_the_old_one_is_listed_as_earlier(
        book: Casebook) -> None:
    person, _referral, _case = seeded_case(book)
    assert correction(person, person, by="u-worker", on=TODAY) is None, "nothing changed"
    first = correction(person, dataclasses.replace(person, name="Test Person Beta",
                                                   date_of_birth=date(2012, 12, 5)),
                       by="u-worker", on=TODAY)
    assert first is not None and first.corrected_by == "u-worker"
    stored = book.save(first)
    assert stored.revision == 2
    later = correction(first, dataclasses.replace(first, ethnic_group=EthnicGroup.WHITE_ROMA),
                       by="u-supervisor", on=date(2026, 12, 6))
    assert later is not None
    book.save(later)

    history = load_history(book, person.id)
    assert [p.name for p, _at in history.earlier] == ["Test Person Alpha", "Test Person Beta"]
    names = {"u-worker": "Demo Worker", "u-supervisor": "Demo Supervisor"}
    lines = version_lines(later, dataclasses.replace(history, names=names), hide_names=False)
    assert lines == [
        "Ethnic group changed from not recorded to White: Roma on 6 Dec 2026 by Demo Supervisor.",
        "Name changed from \u201cTest Person Alpha\u201d to \u201cTest Person Beta\u201d; date of "
        "birth changed from 10 Feb 2011 to 5 Dec 2012 on 4 Dec 2026 by Demo Worker.",
    ]
    hidden = version_lines(later, history, hide_names=True)
    assert "Test Person" not in " ".join(hidden)
    assert hidden[1] == "Name changed; date of birth changed on 4 Dec 2026 by u-worker."
    # Saving the same details again is no new version.
    book.save(later)
    assert len(book.young_person_versions(person.id)) == 2


def test_a_laptop_that_never_saw_the_earlier_version_says_so(book: Casebook) -> None:
    person = _person(corrected_by="u-worker", corrected_on=TODAY)
    lines = version_lines(person, load_history(book, person.id), hide_names=False)
    assert lines == [
        "Corrected on 4 Dec 2026 by u-worker (before this laptop had the record: earlier "
        "versions not seen here)."
    ]
    assert changed_fields(person, person) == []


def test_the_earlier_versions_go_with_the_record_and_stay_encrypted(
        book: Casebook, tmp_path: Path) -> None:
    person, _referral, _case = seeded_case(book)
    book.save(dataclasses.replace(person, name="Test Person Gamma"))
    assert len(book.young_person_versions(person.id)) == 1
    raw = (tmp_path / "profile" / "casebook.db").read_bytes()
    assert b"Test Person" not in raw, "the history is inside the encrypted database"
    book.close()
    conn = raw_connection(tmp_path / "profile")
    with conn:
        conn.execute("INSERT INTO sync_purging (flag) VALUES (1)")
        conn.execute("DELETE FROM records WHERE id = ?", (person.id,))
        left = conn.execute("SELECT count(*) FROM young_person_versions").fetchone()[0]
    conn.close()
    assert left == 0, "a purged person leaves no earlier version behind"
