"""Tied fields, merge units and the laptop's choice for a conflict (spokeapp.domain.conflicts)."""

from __future__ import annotations

from typing import Any

from spokeapp.domain.conflicts import keep_units, laptop_choice, tied_group, within_rules
from tests.helpers.records import case, referral, young_person

CASE = case(young_person(1)).to_dict()
CLOSED = {**CASE, "status": "closed", "closed_on": "2026-02-01"}


def test_a_merged_case_that_would_close_before_it_opened_keeps_the_hubs_dates() -> None:
    merged = {**CLOSED, "opened_on": "2026-02-10", "current_risk_level": "high"}
    kept = within_rules("case", CLOSED, merged)
    assert kept == {**CLOSED, "current_risk_level": "high"}  # the risk level still merged


def test_a_closure_is_kept_whole_when_both_sides_changed_it() -> None:
    hub = {**CASE}  # reopened on the hub
    device = {**CLOSED, "closed_on": "2026-02-25"}  # the closing date moved on a laptop
    merged = {**hub, "closed_on": None}  # field by field: the date clashed, hub kept
    assert keep_units("case", CLOSED, hub, device, merged) == hub
    # Only one side changed it: the field-by-field merge stands.
    assert keep_units("case", CLOSED, CLOSED, device, device) == device
    # The hub's status was written since the device's base, though it is back to the base's
    # value (closed and reopened there): both sides changed the unit, the hub keeps its own.
    reclosed = {**CLOSED, "closed_on": "2026-02-25"}
    assert keep_units("case", CLOSED, CLOSED, reclosed, reclosed, {"status"}) == CLOSED
    assert keep_units("case", CLOSED, CLOSED, reclosed, reclosed, set()) == reclosed


def test_the_laptops_closure_is_offered_together_when_its_date_alone_breaks_the_rule() -> None:
    conflict: dict[str, Any] = {
        "field": "closed_on", "device_value": "2026-02-25",
        "device_tied": {"status": "closed", "closed_on": "2026-02-25",
                        "opened_on": CASE["opened_on"]},
    }
    choice = laptop_choice("case", CASE, conflict)
    assert choice is not None and choice.together
    assert choice.values == {"status": "closed", "closed_on": "2026-02-25"}
    assert choice.words("case") == "Use the laptop's closure (status and closed on together)"
    # A conflict from an older hub (no tied values): nothing to offer but the hub's value.
    assert laptop_choice("case", CASE, {**conflict, "device_tied": {}}) is None
    # A field with no rule: the value alone.
    single = laptop_choice("case", CASE, {"field": "current_risk_level", "device_value": "low",
                                          "device_tied": {}})
    assert single is not None and not single.together and single.fields == ("current_risk_level",)


def test_a_referral_decision_is_taken_with_its_date_and_reason() -> None:
    ref = referral(young_person(1)).to_dict()
    conflict = {"field": "decision", "device_value": "declined",
                "device_tied": {"decision": "declined", "decided_on": "2026-01-12",
                                "decline_reason": "Fictional reason.",
                                "received_on": ref["received_on"]}}
    choice = laptop_choice("referral", ref, conflict)
    assert choice is not None
    assert choice.fields == ("decision", "decided_on", "decline_reason")
    assert tied_group("young_person", "needs") == frozenset()


def test_a_safe_number_is_never_merged_with_the_other_sides_safe_times() -> None:
    base = {**young_person(1).to_dict(), "safe_numbers": ["07700 900001"],
            "safe_number_whose": ["Fictional aunt"], "safe_number_times": ["after 6pm"]}
    hub = {**base, "safe_number_times": ["weekends only"]}
    device = {**base, "safe_numbers": ["07700 900002"], "safe_number_whose": ["Fictional mum"]}
    # Field by field, the laptop's new number would be rung at the hub's times for the old one.
    merged = {**hub, "safe_numbers": device["safe_numbers"],
              "safe_number_whose": device["safe_number_whose"]}
    kept = keep_units("young_person", base, hub, device, merged)
    assert (kept["safe_numbers"], kept["safe_number_whose"], kept["safe_number_times"]) == (
        ["07700 900001"], ["Fictional aunt"], ["weekends only"])
