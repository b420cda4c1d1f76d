"""The record kind registry: every kind with its event flag; unknown kinds refused."""

from __future__ import annotations

import pytest

from spokeapp.domain.errors import ValidationError
from spokeapp.domain.records import (
    RECORD_TYPES,
    record_from_dict,
)


def test_every_kind_is_registered_with_its_event_flag() -> None:
    assert {k: cls.EVENT for k, cls in RECORD_TYPES.items()} == {
        "young_person": False,
        "referral": False,
        "case": False,
        "session": True,
        "safeguarding_concern": True,
        "risk_assessment": True,
        "closure": True,
        "group_session": True,
        "professional_activity": True,
        "amendment": True,
        "visit_plan": True,
        "check_in": True,
        "alarm": True,
        "escalation_alert": True,
        "alert_ack": True,
        "alarm_resolution": True,
        "welfare_debrief": False,
        "alert_delivery": False,
        "welfare_debrief_done": True,
        "supervision_comment": True,
        "review_mark": True,
        "sign_off": True,
        "case_supervision": True,
        "sign_off_request": True,
        "consent": True,
        "information_share": True,
        "attachment": True,
    }


def test_unknown_kind_is_refused() -> None:
    with pytest.raises(ValidationError, match="kind: is not a known record kind"):
        record_from_dict("diary", {})
