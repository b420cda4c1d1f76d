"""The wire format's compatibility rules: a laptop reads a newer hub's answers; the hub
refuses what it does not know from a laptop."""

from __future__ import annotations

import json

import pytest
from pydantic import ValidationError

from spokeapp.sync.protocol import ChangeIn, PullResponse, PushResponse

_ANSWER = {
    "results": [{"id": "c-1", "status": "accepted", "seq": 7, "conflict_ids": [],
                 "watch": {"visit_id": "v-1", "escalation_starts_at": None,
                           "reach": {"people": 1, "by_channel": {"sms": 1}, "missing": [],
                                     "a_field_from_a_newer_hub": True},
                           "another_new_field": "x"},
                 "new_result_field": 1}],
    "chain_head": "0" * 64,
    "hub_epoch": "e-1",
    "new_top_level_field": {"anything": [1, 2]},
}


def test_a_laptop_reads_a_push_answer_with_fields_it_does_not_know() -> None:
    answer = PushResponse.model_validate_json(json.dumps(_ANSWER))
    assert answer.results[0].seq == 7
    watch = answer.results[0].watch
    assert watch is not None and watch.reach is not None and watch.reach.people == 1


def test_a_laptop_reads_a_pull_answer_with_fields_it_does_not_know() -> None:
    page = PullResponse.model_validate({
        "hub_epoch": "e-1", "max_seq": 3, "next_after": 3, "more": False, "new_field": 1,
        "changes": [{"seq": 3, "record_id": "r-1", "kind": "a_kind_from_a_newer_hub",
                     "op": "put", "case_id": None, "payload": {}, "author": "u-1",
                     "hub_time": "2026-03-02T10:00:00+00:00", "new_change_field": 2}],
    })
    assert page.next_after == 3 and page.changes[0].record_id == "r-1"


def test_the_hub_refuses_a_change_with_a_field_it_does_not_know() -> None:
    change = {"id": "0190a000-0000-7000-8000-000000000001", "record_id": "r-1",
              "kind": "session", "op": "put", "payload": {}, "author": "u-1",
              "local_time": "2026-03-02T10:00:00+00:00"}
    ChangeIn.model_validate(change)  # as sent by a laptop: fine
    with pytest.raises(ValidationError):
        ChangeIn.model_validate(change | {"sneaky": True})
