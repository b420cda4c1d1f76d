"""What a disposed case leaves for the report figures (``spokeapp.hub.disposal.residue_body``):
dates, categories and numbers, with every text emptied and every id replaced, and still a
record the report can read."""

from __future__ import annotations

import json
from datetime import date

from spokeapp.domain.records import (
    CaseStatus,
    Closure,
    ClosureReason,
    Outcome,
    record_from_dict,
)
from spokeapp.hub.disposal import residue_body
from tests.helpers.records import case, referral, session, young_person


def test_a_session_keeps_its_day_type_and_length_and_loses_its_words() -> None:
    yp = young_person(1, name="Test Person Residue")
    opened = case(yp, key_worker="u-worker")
    meeting = session(opened.id, discussed="Fictional words about the bus home",
                      concerns="Fictional concern text")
    ids = {opened.id: "pseudo-case", meeting.id: "pseudo-session"}

    body = residue_body(meeting, ids)

    again = record_from_dict("session", body)  # still a record the report can count
    assert again.to_dict() == body
    assert (body["id"], body["case_id"]) == ("pseudo-session", "pseudo-case")
    assert (body["occurred_at"], body["duration_minutes"], body["contact_type"]) == (
        meeting.to_dict()["occurred_at"], 45, "one_to_one")
    text = json.dumps(body)
    for words in ("bus home", "concern text", "library", opened.id, meeting.id):
        assert words not in text


def test_a_case_keeps_its_worker_area_and_dates_and_names_no_one() -> None:
    yp = young_person(2)
    ref = referral(yp, source_agency="Fictional Agency Name", reason="Fictional reason text")
    opened = case(yp, ref, key_worker="u-worker", local_authority="Test Shire",
                  status=CaseStatus.CLOSED, closed_on=date(2015, 1, 1))
    ids = {opened.id: "c", yp.id: "p", ref.id: "r"}

    body = residue_body(opened, ids)
    ref_body = residue_body(ref, ids)

    assert (body["key_worker"], body["local_authority"], body["young_person_id"],
            body["referral_id"], body["opened_on"], body["closed_on"]) == (
        "u-worker", "Test Shire", "p", "r", "2026-01-10", "2015-01-01")
    assert (ref_body["source_agency"], ref_body["reason"], ref_body["decision"],
            ref_body["received_on"]) == ("", "", "accepted", "2026-01-05")


def test_an_id_not_in_the_case_is_dropped_not_kept() -> None:
    closure = Closure(id="clo-1", case_id="case-1", closed_on=date(2015, 1, 1),
                      reason=ClosureReason.OUTCOMES_MET, outcome=Outcome.LOWER,
                      closing_assessment_id="ra-elsewhere", reason_detail="Fictional detail")
    body = residue_body(closure, {"clo-1": "x", "case-1": "y"})
    assert (body["id"], body["case_id"], body["closing_assessment_id"], body["reason_detail"],
            body["outcome"], body["reason"]) == ("x", "y", None, "", "lower", "outcomes_met")
