"""Records in storage: JSON round trips, from_dict's checks and what its errors say."""

from __future__ import annotations

import dataclasses
import json

import pytest

from spokeapp.domain.errors import Problem, SpokeError, ValidationError
from spokeapp.domain.records import (
    Record,
    Referral,
    ReferralDecision,
    Session,
    YoungPerson,
    record_from_dict,
)
from tests.unit.domain.records.factories import (
    ALL_VALID,
    SECRET_NOTE,
    activity,
    assessment,
    case,
    session,
    young_person,
)


@pytest.mark.parametrize("record", ALL_VALID, ids=lambda r: r.KIND)
def test_valid_records_pass_and_survive_a_json_round_trip(record: Record) -> None:
    record.validate()
    wire = json.loads(json.dumps(record.to_dict()))
    assert record_from_dict(record.KIND, wire) == record
    assert isinstance(record, Record)


@pytest.mark.parametrize("record", ALL_VALID, ids=lambda r: r.KIND)
def test_records_cannot_be_changed_in_place(record: Record) -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        record.id = "other"  # type: ignore[misc]


def test_case_id_links_records_to_their_case_and_none_for_others() -> None:
    by_kind = {r.KIND: r.case_id for r in ALL_VALID}
    assert by_kind == {
        "young_person": None,
        "referral": None,
        "case": "case-1",
        "session": "case-1",
        "safeguarding_concern": "case-1",
        "risk_assessment": "case-1",
        "closure": "case-1",
        "group_session": None,
        "professional_activity": None,
        "amendment": "case-1",
        "attachment": "case-1",
    }


def test_to_dict_uses_plain_json_values() -> None:
    data = session().to_dict()
    assert data["occurred_at"] == "2024-03-31T16:30:00+01:00"
    assert data["contact_type"] == "one_to_one"
    assert data["venue_chosen_by"] == "young_person"
    assert assessment().to_dict()["answers"] == {"coercion.gifts": 1, "missing.recent": 2}
    assert activity().to_dict()["attendees_by_profession"] == {"education": 11, "police": 4}
    assert case().to_dict()["lawful_basis"] == "public_task"


def test_from_dict_lists_every_missing_or_malformed_field_without_values() -> None:
    data = session().to_dict()
    del data["case_id"]
    data["occurred_at"] = "last tuesday " + SECRET_NOTE
    data["duration_minutes"] = "sixty"
    data["contact_type"] = "carrier pigeon"
    data["surprise"] = SECRET_NOTE
    with pytest.raises(ValidationError) as info:
        Session.from_dict(data)
    assert set(info.value.fields()) == {
        "case_id",
        "occurred_at",
        "duration_minutes",
        "contact_type",
        "surprise",
    }
    text = str(info.value)
    assert "case_id: is required" in text
    assert "contact_type: must be one of one_to_one, phone, text, online, missed" in text
    assert SECRET_NOTE not in text
    assert "pigeon" not in text


def test_from_dict_refuses_wrong_json_types_rather_than_crashing() -> None:
    data = young_person().to_dict()
    data["restricted"] = 1
    data["date_of_birth"] = "2009-02-28T10:00:00"
    with pytest.raises(ValidationError) as info:
        YoungPerson.from_dict(data)
    assert info.value.fields() == {"restricted", "date_of_birth"}
    with pytest.raises(ValidationError, match="must be an object"):
        YoungPerson.from_dict(["not", "a", "record"])


def test_from_dict_fills_optional_fields_left_out() -> None:
    data = {
        "id": "ref-2",
        "young_person_id": "yp-1",
        "received_on": "2024-03-01",
        "source_agency": "Fictional School",
        "source_type": "education",
        "reason": "Fictional",
    }
    loaded = Referral.from_dict(data)
    assert loaded.decision is ReferralDecision.PENDING
    assert loaded.consent_to_share is False


def test_frozen_mappings_are_hashable_and_order_independent() -> None:
    a = assessment(answers=(("b.x", 1), ("a.y", 2)))
    b = assessment(answers=(("a.y", 2), ("b.x", 1)))
    assert a == b and hash(a) == hash(b)
    assert a.answer_map == {"a.y": 2, "b.x": 1}


def test_validation_error_is_a_known_error_with_line_per_problem() -> None:
    error = ValidationError([Problem("name", "is required"), Problem("reference", "too short")])
    assert isinstance(error, SpokeError)
    assert str(error) == "name: is required\nreference: too short"
