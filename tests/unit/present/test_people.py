"""The laptop's name directory (``spokeapp.present.people``): names instead of user ids,
kept inside the encrypted casebook, and never a bare id on screen. All names are fictional."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from spokeapp.crypto.keyfile import FAST_KDF_FOR_TESTS
from spokeapp.domain.records import SignOff, SignOffOutcome
from spokeapp.present.people import (
    NOBODY,
    UNKNOWN,
    load_people,
    merged,
    name_of,
    named_fields,
    named_sign_off,
    owner_words,
    save_people,
)
from spokeapp.present.record_words import moment_words
from spokeapp.store.casebook import Casebook
from spokeapp.store.sync_state import HubAccount
from tests.unit.domain.records.factories import closure

DECIDED = datetime(2024, 9, 2, 10, 0, tzinfo=UTC)
ME = "u-cc790aa935c2"
SUPERVISOR = "u-5a0f1e2d3c4b"


def account(name: str = "Test Worker Ruth") -> HubAccount:
    return HubAccount(
        hub_url="https://hub.example", cert_fingerprint=None, hub_id="hub-1", hub_epoch="e1",
        device_id="d-1", device_name="Laptop", user_id=ME, user_name=name, role="worker",
        team="team-1", refresh_token="not-a-secret", device_key=b"\0" * 32,
    )


@pytest.fixture
def book(tmp_path: Path) -> Iterator[Casebook]:
    casebook, _recovery = Casebook.create(
        tmp_path / "profile", "kettle orbit lemon march", kdf=FAST_KDF_FOR_TESTS
    )
    with casebook:
        yield casebook


def test_a_known_id_shows_its_name_and_an_unknown_one_never_shows_the_id() -> None:
    names = {SUPERVISOR: "Test Supervisor Sam", ME: "Test Worker Ruth"}
    assert name_of(names, SUPERVISOR) == "Test Supervisor Sam"
    assert name_of(names, ME, me=ME) == "Test Worker Ruth (you)"
    assert name_of({}, ME, me=ME) == "You"
    unknown = name_of(names, "u-ffffffffffff")
    assert unknown == UNKNOWN == "a colleague (not known on this laptop)"
    assert "u-" not in unknown
    assert name_of(names, "") == name_of(names, None) == NOBODY


def test_names_are_one_tidy_line_and_blanks_do_not_count() -> None:
    names = merged({"u-1": "  Test\nWorker\tAlex  ", "u-2": "   ", " ": "Nobody"},
                   {"u-3": "x" * 500})
    assert names["u-1"] == "Test Worker Alex"
    assert "u-2" not in names and " " not in names  # a blank name leaves the id unknown
    assert len(names["u-3"]) == 200
    assert merged({"u-1": "Old Name"}, {"u-1": "New Name"}) == {"u-1": "New Name"}


def test_names_are_kept_in_the_casebook_and_come_back_offline(book: Casebook) -> None:
    assert load_people(book) == {}
    assert load_people(book, account()) == {ME: "Test Worker Ruth"}  # from enrolment
    shown = save_people(book, {SUPERVISOR: "Test Supervisor Sam"}, account())
    assert shown == {ME: "Test Worker Ruth", SUPERVISOR: "Test Supervisor Sam"}
    # Another pull without them (a colleague left the team) forgets nobody: they wrote notes.
    save_people(book, {}, account())
    assert load_people(book)[SUPERVISOR] == "Test Supervisor Sam"
    # A name changed on the hub is changed here.
    save_people(book, {SUPERVISOR: "Test Supervisor Samira"})
    assert load_people(book)[SUPERVISOR] == "Test Supervisor Samira"


def test_names_survive_closing_and_opening_the_casebook(tmp_path: Path) -> None:
    profile = tmp_path / "profile"
    created, _recovery = Casebook.create(profile, "kettle orbit lemon march",
                                         kdf=FAST_KDF_FOR_TESTS)
    with created:
        save_people(created, {SUPERVISOR: "Test Supervisor Sam"})
    with Casebook.open(profile, "kettle orbit lemon march") as reopened:
        assert name_of(load_people(reopened), SUPERVISOR) == "Test Supervisor Sam"


def test_signed_off_by_a_name_not_an_id() -> None:
    ended = closure()
    approved = SignOff(id="so-1", case_id="case-1", request_id=ended.id, request_kind="closure",
                       outcome=SignOffOutcome.APPROVED, decided_by=SUPERVISOR,
                       decided_at=DECIDED)
    names = {SUPERVISOR: "Test Supervisor Sam"}
    assert named_sign_off(ended, [approved], names) == (
        f"Signed off by Test Supervisor Sam, {moment_words(DECIDED)}")
    assert named_sign_off(ended, [approved], {}) == (
        f"Signed off by {UNKNOWN}, {moment_words(DECIDED)}")
    returned = SignOff(id="so-2", case_id="case-1", request_id=ended.id,
                       request_kind="closure", outcome=SignOffOutcome.RETURNED,
                       decided_by=SUPERVISOR, decided_at=DECIDED, comment="Fictional reason")
    words = named_sign_off(ended, [returned], names)
    assert words.startswith("Returned by Test Supervisor Sam, ")
    assert words.endswith("Fictional reason") and SUPERVISOR not in words
    assert named_sign_off(ended, [], names) == "Awaiting supervisor sign-off"


def test_the_by_field_of_a_supervision_record_is_a_name() -> None:
    fields = [("Decided", "2 Sep"), ("By", SUPERVISOR), ("Comment", "u-1 stays as typed")]
    assert named_fields(fields, {SUPERVISOR: "Test Supervisor Sam"}) == [
        ("Decided", "2 Sep"), ("By", "Test Supervisor Sam"), ("Comment", "u-1 stays as typed")]


def test_an_action_owner_is_a_name_where_the_laptop_knows_them() -> None:
    actions = ("Ask school about attendance \u2014 u-1, by 4 Mar 2026\n"
               "Call the police \u2014 Police liaison, by 5 Mar 2026")
    fields = [("Supervisor", SUPERVISOR), ("Actions", actions)]
    shown = dict(named_fields(fields, {SUPERVISOR: "Test Supervisor Sam"}, me="u-1",
                              owners=["u-1", "Police liaison"]))
    assert shown["Supervisor"] == "Test Supervisor Sam"
    assert shown["Actions"] == (
        "Ask school about attendance \u2014 You, by 4 Mar 2026\n"
        "Call the police \u2014 Police liaison, by 5 Mar 2026")  # typed words stay


def test_an_action_for_someone_unknown_or_typed_in_words() -> None:
    names = {SUPERVISOR: "Test Supervisor Sam"}
    assert owner_words(names, f" {SUPERVISOR} ") == "Test Supervisor Sam"
    assert owner_words(names, ME) == UNKNOWN  # a hub user id, not known here
    assert owner_words(names, "Police liaison") == "Police liaison"  # typed: as typed
    assert owner_words(names, ME, me=ME) == "You"
