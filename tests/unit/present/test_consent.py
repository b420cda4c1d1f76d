"""What the case page says about consent to share (spokeapp.present.consent)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from spokeapp.domain.records import Consent, ConsentGivenBy, ConsentMethod, ShareWith
from spokeapp.present.case_page import load_case
from spokeapp.present.consent import (
    NO_CONSENT,
    consent_words,
    current_consent,
    describe_consent,
    months_after,
)
from spokeapp.store.casebook import Casebook
from tests.helpers.records import StepClock, new_casebook, seeded_case

TODAY = date(2025, 2, 1)


@pytest.fixture
def book(tmp_path: Path) -> Iterator[Casebook]:
    opened, _recovery = new_casebook(tmp_path / "profile", clock=StepClock())
    with opened:
        yield opened


def _consent(case_id: str, **changes: Any) -> Consent:
    fields: dict[str, Any] = {
        "id": "consent-1",
        "case_id": case_id,
        "given_on": date(2025, 1, 13),
        "given_by": ConsentGivenBy.YOUNG_PERSON,
        "given_by_name": "Demo Birch",
        "method": ConsentMethod.VERBAL,
        "explained": "Who we would tell and why.",
        "share_with": (ShareWith.POLICE, ShareWith.CHILDRENS_SOCIAL_CARE),
        "review_on": date(2025, 7, 13),
    }
    fields.update(changes)
    return Consent(**fields)


def _withdrawal(case_id: str, **changes: Any) -> Consent:
    return _consent(
        case_id, id="consent-2", withdrawn=True, share_with=(), review_on=None, explained="",
        supersedes_id="consent-1", **changes,
    )


def _words(book: Casebook, case_id: str, today: date = TODAY) -> str:
    return consent_words(load_case(book, case_id).records, today).line


def test_a_case_without_consent_says_so(book: Casebook) -> None:
    _person, _referral, case = seeded_case(book)
    assert _words(book, case.id) == f"Consent to share: {NO_CONSENT}"


def test_the_case_page_line_says_who_is_and_is_not_covered_who_gave_it_and_the_review(
    book: Casebook,
) -> None:
    _person, _referral, case = seeded_case(book)
    book.save(_consent(case.id), finalise=True)

    assert _words(book, case.id) == (
        "Consent to share: police, children's social care; not school, health. Given by "
        "Demo Birch on 13 Jan 2025 (verbal). Review due 13 Jul 2025."
    )


def test_a_review_past_its_day_is_overdue(book: Casebook) -> None:
    _person, _referral, case = seeded_case(book)
    book.save(_consent(case.id), finalise=True)

    on_the_day = consent_words(load_case(book, case.id).records, date(2025, 7, 13))
    after = consent_words(load_case(book, case.id).records, date(2025, 7, 14))

    assert not on_the_day.review_overdue and "Review due 13 Jul 2025." in on_the_day.text
    assert after.review_overdue and after.text.endswith("Review overdue since 13 Jul 2025.")


def test_a_parent_or_carers_consent_names_the_relationship_and_how_it_was_recorded(
    book: Casebook,
) -> None:
    _person, _referral, case = seeded_case(book)
    book.save(
        _consent(
            case.id, given_by=ConsentGivenBy.PARENT_OR_CARER, given_by_name="Demo Parent",
            carer_relationship="Mother", method=ConsentMethod.OTHER,
            method_detail="email from the carer", share_with=tuple(ShareWith),
        ),
        finalise=True,
    )
    assert _words(book, case.id) == (
        "Consent to share: police, children's social care, school, health. Given by "
        "Demo Parent (mother) on 13 Jan 2025 (email from the carer). Review due 13 Jul 2025."
    )


def test_a_later_withdrawal_replaces_the_consent_and_a_later_consent_replaces_that(
    book: Casebook,
) -> None:
    _person, _referral, case = seeded_case(book)
    book.save(_consent(case.id), finalise=True)
    book.save(_withdrawal(case.id, given_on=date(2025, 3, 1)), finalise=True)

    words = consent_words(load_case(book, case.id).records, date(2025, 9, 1))
    assert words.text == (
        "Withdrawn by Demo Birch on 1 Mar 2025 (verbal). Nothing is shared without another "
        "lawful basis."
    )
    assert not words.review_overdue  # a withdrawal has nothing to review

    book.save(
        _consent(case.id, id="consent-3", given_on=date(2025, 4, 2), share_with=(),
                 review_on=date(2025, 10, 2)),
        finalise=True,
    )
    assert _words(book, case.id).startswith(
        "Consent to share: none (not police, children's social care, school, health)."
    )


def test_on_the_same_day_the_record_written_last_wins(book: Casebook) -> None:
    _person, _referral, case = seeded_case(book)
    book.save(_consent(case.id), finalise=True)
    book.save(_withdrawal(case.id), finalise=True)  # same day, written after

    current = current_consent(load_case(book, case.id).records)
    assert current is not None and current.withdrawn


def test_a_draft_consent_does_not_count(book: Casebook) -> None:
    _person, _referral, case = seeded_case(book)
    book.save(_consent(case.id))  # not finalised
    assert current_consent(load_case(book, case.id).records) is None


def test_review_months_land_on_the_same_day_or_the_end_of_a_short_month() -> None:
    assert months_after(date(2025, 1, 13), 6) == date(2025, 7, 13)
    assert months_after(date(2025, 8, 31), 6) == date(2026, 2, 28)
    assert months_after(date(2025, 1, 13), 12) == date(2026, 1, 13)


def test_a_withdrawal_replaces_the_consent_it_names_even_written_in_the_same_moment(
    tmp_path: Path,
) -> None:
    fixed = StepClock()
    opened, _recovery = new_casebook(tmp_path / "same", clock=lambda: fixed.now)
    with opened as book:
        _person, _referral, case = seeded_case(book)
        book.save(_withdrawal(case.id), finalise=True)
        book.save(_consent(case.id), finalise=True)  # same moment, same day

        current = current_consent(load_case(book, case.id).records)
    assert current is not None and current.withdrawn


def test_with_names_hidden_who_gave_consent_is_said_without_their_name(
    book: Casebook,
) -> None:
    """View > Hide names showed "Given by Demo Birch Example" on the case page: the young
    person's name, and a parent's is as telling. Who they are is said instead."""
    _person, _referral, case = seeded_case(book)
    book.save(_consent(case.id), finalise=True)
    records = load_case(book, case.id).records

    hidden = consent_words(records, TODAY, hide_names=True)
    assert hidden.text == (
        "police, children's social care; not school, health. Given by the young person on "
        "13 Jan 2025 (verbal). Review due 13 Jul 2025."
    )
    assert "Given by Demo Birch on" in consent_words(records, TODAY).text  # names shown

    withdrawn = describe_consent(
        _withdrawal(case.id, given_by=ConsentGivenBy.PARENT_OR_CARER,
                    given_by_name="Demo Parent Birch", carer_relationship="Foster carer"),
        TODAY, hide_names=True)
    assert withdrawn.text.startswith(
        "Withdrawn by a parent or carer (foster carer) on 13 Jan 2025 (verbal).")
    unsaid = describe_consent(
        _consent(case.id, given_by=ConsentGivenBy.PARENT_OR_CARER,
                 given_by_name="Demo Parent Birch"), TODAY, hide_names=True)
    assert "Given by a parent or carer on 13 Jan 2025" in unsaid.text
    for words in (hidden.text, withdrawn.text, unsaid.text):
        assert "Birch" not in words and "Demo" not in words
