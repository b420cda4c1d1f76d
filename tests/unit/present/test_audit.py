"""The Audit page's words and loading, and the device report's text (no Qt, no hub: the
hub's answers as it sends them)."""

from __future__ import annotations

from datetime import UTC, timedelta, timezone
from typing import Any

import pytest

from spokeapp.present.audit import (
    ACTION_CHOICES,
    AuditAnswerError,
    AuditFilters,
    device_choices,
    entry_cells,
    load_audit,
    parse_page,
    report_text,
    summary_line,
)


def _entry(n: int = 0, **overrides: Any) -> dict[str, Any]:
    entry = {
        "when": f"2026-03-02T14:{n:02d}:00+00:00", "who_id": "u-test-xena",
        "who_name": "Test Supervisor Xena", "action": "case_view", "subject": "c-test-1",
        "subject_name": None, "case_id": "c-test-1", "case_reference": "YP-TEST-01",
        "device": "d-test-1", "device_name": "Xena's test laptop",
        "detail": "device=d-test-1 seq=1", "flagged": False,
    }
    entry.update(overrides)
    return entry


def _page(entries: list[dict[str, Any]], cursor: str | None = None,
          flagged: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return {"scope": "team:team-x", "entries": entries, "next_cursor": cursor,
            "flagged_accounts": flagged or [], "flag_cases": 20, "flag_window_minutes": 60}


def test_filters_become_the_hub_s_query() -> None:
    assert AuditFilters().query() == []
    shares = next(n for n, (label, _) in enumerate(ACTION_CHOICES)
                  if label == "Information shared")
    filters = AuditFilters(person=" Test Worker Able ", case="YP-TEST-01", since="2026-03-01",
                           until="2026-03-02", action=shares, flagged_only=True)
    assert filters.query() == [
        ("person", "Test Worker Able"), ("case", "YP-TEST-01"), ("since", "2026-03-01"),
        ("until", "2026-03-02"), ("action", "share"), ("flagged_only", "true")]


@pytest.mark.parametrize("filters, words", [
    (AuditFilters(since="2/3/2026"), "From: write the day as YYYY-MM-DD"),
    (AuditFilters(until="2026-02-30"), "To: there is no such day"),
    (AuditFilters(since="2026-03-05", until="2026-03-01"), "From is after To"),
])
def test_a_day_that_cannot_be_used_is_said_plainly(filters: AuditFilters, words: str) -> None:
    with pytest.raises(AuditAnswerError, match=words):
        filters.query()


def test_cells_name_people_cases_and_laptops_and_say_flagged_in_words() -> None:
    listing, _ = parse_page(_page([_entry(5, flagged=True)]))
    plus_one = timezone(timedelta(hours=1))
    assert entry_cells(listing.entries[0], plus_one) == (
        "2026-03-02 15:05", "Test Supervisor Xena", "FLAGGED: Opened the case", "YP-TEST-01",
        "Xena's test laptop", "device=d-test-1 seq=1")
    enrol, _ = parse_page(_page([_entry(
        action="enrol_code", subject="u-test-able", subject_name="Test Worker Able",
        case_id=None, case_reference=None, device=None, device_name=None, detail="",
        who_id="cli", who_name="Hub administrator (spoke-hub command)")]))
    cells = entry_cells(enrol.entries[0], UTC)
    assert cells[1:] == ("Hub administrator (spoke-hub command)", "Enrolment code made", "—",
                         "—", "about Test Worker Able")


def test_pages_are_loaded_until_the_last_or_the_most_shown() -> None:
    asked: list[list[tuple[str, str]]] = []
    pages = {None: _page([_entry(0), _entry(1)], "2"), "2": _page([_entry(2)], None, [
        {"who_id": "u-test-xena", "who_name": "Test Supervisor Xena", "cases": 25,
         "first": "2026-03-02T14:00:00+00:00", "last": "2026-03-02T14:30:00+00:00"}])}

    def fetch(pairs: list[tuple[str, str]]) -> dict[str, Any]:
        asked.append(pairs)
        return pages[dict(pairs).get("cursor")]

    listing = load_audit(fetch, AuditFilters(case="YP-TEST-01"), page_size=2)
    assert len(listing.entries) == 3 and listing.complete
    assert asked == [[("case", "YP-TEST-01"), ("limit", "2")],
                     [("case", "YP-TEST-01"), ("limit", "2"), ("cursor", "2")]]
    assert summary_line(listing, UTC) == (
        "FLAGGED: 1 account viewed 25 cases within an hour: Test Supervisor Xena (25 cases, "
        "2026-03-02 14:00 to 14:30)")
    cut = load_audit(fetch, AuditFilters(), max_rows=2, page_size=2)
    assert len(cut.entries) == 2 and not cut.complete
    assert summary_line(cut, UTC) is None


def test_an_answer_that_cannot_be_read_is_said_in_words() -> None:
    with pytest.raises(AuditAnswerError, match="could not be read"):
        parse_page({"entries": "nope"})
    with pytest.raises(AuditAnswerError, match="missing who_name"):
        parse_page(_page([{k: v for k, v in _entry().items() if k != "who_name"}]))


REPORT: dict[str, Any] = {
    "device_id": "d-test-1", "device_name": "Demo lost laptop", "user_id": "u-test-able",
    "user_role": "worker", "team": "north", "enrolled_at": "2026-03-02T09:00:00+00:00",
    "last_contact_at": "2026-03-02T09:05:00+00:00", "last_sync_at": "2026-03-02T09:05:00+00:00",
    "held_until": "2026-03-02T09:20:00+00:00",
    "cases": [
        {"case_id": "c-1", "reference": "YP-TEST-01", "name": "Test Person Alpha",
         "records": 3, "state": "held", "purge_sent_at": None},
        {"case_id": "c-2", "reference": "YP-TEST-02", "name": "Test Person Beta",
         "records": 2, "state": "purge_pending", "purge_sent_at": "2026-03-02T10:00:00+00:00"},
    ],
    "uncased_records": 1, "encryption": "SQLCipher 4 (test wording)",
    "wipe": {"status": "revoked", "revoked": True, "wipe_requested": True,
             "wipe_requested_at": "2026-03-02T11:00:00+00:00", "wipe_delivered_at": None,
             "may_have_learned_unrecorded": False},
}


def test_the_device_report_reads_as_the_officer_needs_it() -> None:
    text = report_text(REPORT, UTC, person="Test Worker Able")
    assert "Person: Test Worker Able (worker, team north)" in text
    assert "YOUNG PEOPLE'S RECORDS ON IT: 2 case(s), 1 record(s) with no case" in text
    assert "YP-TEST-01  Test Person Alpha  — 3 record(s), held at its last sync" in text
    assert "STILL ON THE LAPTOP, removal sent 2026-03-02 10:00" in text
    assert "SQLCipher 4 (test wording)" in text
    assert "Status: revoked; revoked: yes" in text
    assert "Wipe: NOT YET DELIVERED" in text
    delivered = {**REPORT, "wipe": {**REPORT["wipe"],
                                    "wipe_delivered_at": "2026-03-02T12:00:00+00:00"}}
    assert "Wipe: DELIVERED: the laptop was told to erase its casebook at 2026-03-02 12:00" \
        in report_text(delivered, UTC)
    with pytest.raises(AuditAnswerError):
        report_text({"device_name": "x"}, UTC)


def test_laptops_are_chosen_by_person_and_name() -> None:
    choices = device_choices({"devices": [
        {"device_id": "d-1", "name": "Able's test laptop", "user_id": "u-1",
         "user_name": "Test Worker Able", "status": "revoked", "wipe": True,
         "enrolled_at": "2026-03-02T09:00:00+00:00", "last_seen_at": None}]})
    assert [(c.device_id, c.label) for c in choices] == [
        ("d-1", "Test Worker Able — Able's test laptop (revoked, wipe requested)")]
