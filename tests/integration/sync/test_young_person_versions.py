"""A correction of the young person's details is a new version that syncs like any other
header edit (issue 16): the worker corrects, the hub takes the new version, and the
supervisor's laptop pulls it, shows the new details and keeps the version it replaced. The hub
checks the new details with the same rules as the laptop.

The ``hub`` fixture (conftest.py) runs every test on the embedded SQLite file and on PostgreSQL.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from spokeapp.domain.records.casework import ContactMethod, EthnicGroup, YoungPerson
from spokeapp.present.young_person import (
    PersonHistory,
    contact_lines,
    correction,
    load_history,
    person_rows,
    version_lines,
)
from spokeapp.store.casebook import Casebook
from spokeapp.sync.engine import SyncEngine
from tests.helpers.hub import RunningHub
from tests.helpers.records import case, new_casebook, referral, young_person

TODAY = date(2026, 12, 4)


@pytest.fixture
def books() -> Iterator[list[Casebook]]:
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


def _person(book: Casebook, person_id: str) -> YoungPerson:
    record = book.get(person_id).record
    assert isinstance(record, YoungPerson)
    return record


def test_a_correction_reaches_the_supervisor_who_sees_the_new_and_earlier_versions(
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
    assert engine.sync_once().ok
    sup_book, sup_engine = _laptop(hub, books, supervisor, "supervisor-laptop", tmp_path)
    assert sup_engine.sync_once().ok
    assert _person(sup_book, yp.id).name == "Test Person Alpha"

    corrected = correction(yp, dataclasses.replace(
        yp, name="Test Person Alpha-Omega", date_of_birth=date(2012, 12, 4),
        ethnic_group=EthnicGroup.WHITE_IRISH, contact_methods=(ContactMethod.TEXT,),
        leave_message=False, safe_numbers=("07700 900123",),
        safe_number_whose=("their own phone",), safe_number_times=("after 4pm",),
    ), by=worker, on=TODAY)
    assert corrected is not None
    book.save(corrected)
    assert engine.sync_once().ok
    assert sup_engine.sync_once().ok

    latest = _person(sup_book, yp.id)
    assert latest == corrected, "the supervisor's laptop holds the new version"
    rows = dict(person_rows(latest, TODAY, hide_names=False))
    assert rows["Name"] == "Test Person Alpha-Omega"
    assert rows["Ethnicity"] == "White: Irish"
    assert "Safe numbers: 07700 900123 (their own phone; safe times: after 4pm)." in contact_lines(
        latest, hide_names=False)
    history = load_history(sup_book, yp.id)
    assert [p.name for p, _at in history.earlier] == ["Test Person Alpha"]
    named = PersonHistory(history.earlier, {**history.names, worker: "Test Worker North"})
    (line,) = version_lines(latest, named, hide_names=False)
    assert line.startswith(
        "Name changed from \u201cTest Person Alpha\u201d to \u201cTest Person Alpha-Omega\u201d;"
        " date of birth changed from 10 Feb 2011 to 4 Dec 2012;")
    assert line.endswith("on 4 Dec 2026 by Test Worker North.")

    # A laptop enrolled after the correction never saw the first version, and says so.
    late_book, late_engine = _laptop(hub, books, supervisor, "late-laptop", tmp_path)
    assert late_engine.sync_once().ok
    assert _person(late_book, yp.id) == corrected
    (said,) = version_lines(corrected, load_history(late_book, yp.id), hide_names=False)
    assert "earlier versions not seen here" in said


def test_the_hub_refuses_details_breaking_a_rule_and_changes_nothing(hub: RunningHub) -> None:
    worker = hub.admin.add_user("Test Worker North", "worker", "north")
    laptop = hub.laptop(worker)
    yp = young_person(1)
    ref = referral(yp)
    cs = case(yp, ref, key_worker=worker)
    laptop.push_records(yp, ref, cs)
    before = hub.admin.state()

    for broken in (
        dataclasses.replace(yp, ethnic_group=EthnicGroup.SELF_DESCRIBED),
        dataclasses.replace(yp, safe_numbers=("call me 0770",), safe_number_whose=("Mum",),
                            safe_number_times=("",)),
    ):
        response = laptop.push(laptop.change(broken))
        assert response.status_code == 422 and response.json()["error"] == "invalid_record"
        assert "0770" not in response.text, "the refusal never echoes what was written"
        assert hub.admin.state() == before
