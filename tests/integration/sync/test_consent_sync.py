"""Consent to share travels like any other record: a worker's laptop records it (and its
withdrawal), the hub accepts it through the normal push, and the supervisor's laptop pulls it
and shows the same current consent. A consent that breaks a rule is refused and changes nothing.

The ``hub`` fixture (conftest.py) runs every test on the embedded SQLite file and on PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from spokeapp.domain.records import Consent, ConsentGivenBy, ConsentMethod, ShareWith
from spokeapp.present.consent import consent_words
from spokeapp.store.casebook import Casebook
from spokeapp.sync.engine import SyncEngine
from tests.helpers.hub import RunningHub
from tests.helpers.records import case, new_casebook, referral, young_person


@pytest.fixture
def books(tmp_path: Path) -> Iterator[list[Casebook]]:
    opened: list[Casebook] = []
    yield opened
    for book in opened:
        book.close()


def _laptop(hub: RunningHub, books: list[Casebook], user: str, name: str, folder: Path
            ) -> tuple[Casebook, SyncEngine]:
    book, _ = new_casebook(folder / name, author=user)
    books.append(book)
    engine = SyncEngine(book)
    engine.enrol(hub.base_url, hub.admin.enrolment_code(user), name)
    return book, engine


def _consent(case_id: str, **changes: object) -> Consent:
    consent = Consent(
        id="consent-demo-1",
        case_id=case_id,
        given_on=date(2026, 2, 2),
        given_by=ConsentGivenBy.YOUNG_PERSON,
        given_by_name="Test Person One",
        method=ConsentMethod.WRITTEN,
        explained="Fictional: what the kettle-orbit service shares with whom.",
        share_with=(ShareWith.POLICE, ShareWith.HEALTH),
        review_on=date(2026, 8, 2),
    )
    return replace(consent, **changes)  # type: ignore[arg-type]


def test_consent_and_its_withdrawal_reach_the_supervisors_laptop(
    hub: RunningHub, books: list[Casebook], tmp_path: Path
) -> None:
    worker = hub.admin.add_user("Test Worker North", "worker", "north")
    supervisor = hub.admin.add_user("Test Supervisor", "supervisor", "north")
    book, engine = _laptop(hub, books, worker, "work-laptop", tmp_path)
    yp = young_person(1)
    ref = referral(yp)
    cs = case(yp, ref, key_worker=worker)
    for record in (yp, ref, cs):
        book.save(record)
    consent = _consent(cs.id)
    book.save(consent, finalise=True)
    assert engine.sync_once().ok

    sup_book, sup_engine = _laptop(hub, books, supervisor, "supervisor-laptop", tmp_path)
    assert sup_engine.sync_once().ok
    assert sup_book.get(consent.id).record == consent
    assert sup_book.get(consent.id).state == "final"
    assert consent_words(sup_book.records("consent", case_id=cs.id), date(2026, 3, 1)).text == (
        "police, health; not children's social care, school. Given by Test Person One on "
        "2 Feb 2026 (written form). Review due 2 Aug 2026."
    )
    # What was explained is searchable, like the other free text of a case.
    assert {hit.record_id for hit in sup_book.search_notes("kettle-orbit")} == {consent.id}

    withdrawal = _consent(
        cs.id, id="consent-demo-2", given_on=date(2026, 3, 3), withdrawn=True, share_with=(),
        review_on=None, explained="", supersedes_id=consent.id,
    )
    book.save(withdrawal, finalise=True)
    assert engine.sync_once().ok
    assert sup_engine.sync_once().ok

    words = consent_words(sup_book.records("consent", case_id=cs.id), date(2026, 3, 4))
    assert words.text.startswith("Withdrawn by Test Person One on 3 Mar 2026")
    assert sup_book.get(consent.id).record == consent, "the consent itself is kept unchanged"


def test_a_consent_breaking_a_rule_is_refused_and_changes_nothing(hub: RunningHub) -> None:
    worker = hub.admin.add_user("Test Worker North", "worker", "north")
    laptop = hub.laptop(worker)
    yp = young_person(1)
    ref = referral(yp)
    cs = case(yp, ref, key_worker=worker)
    laptop.push_records(yp, ref, cs)
    before = hub.admin.state()

    no_review = _consent(cs.id, review_on=None)
    response = laptop.push(laptop.change(no_review))

    assert response.status_code == 422 and response.json()["error"] == "invalid_record"
    assert "review_on" in str(response.json()["message"])
    assert "kettle-orbit" not in response.text, "the refusal never echoes what was written"
    assert hub.admin.state() == before
