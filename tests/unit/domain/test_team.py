"""The team view's figures for one worker, from records (pure)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from spokeapp.domain.ids import new_id
from spokeapp.domain.records import AssessmentType, RiskAssessment
from spokeapp.domain.team import (
    CaseloadLoad,
    DeviceContact,
    TeamMember,
    team_figures,
    worker_figures,
)
from tests.helpers.records import case, session, young_person

TODAY = date(2026, 3, 2)
NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
ABLE = TeamMember("u-able", "Test Worker Able")


def _assessed(case_id: str, days_ago: int) -> RiskAssessment:
    return RiskAssessment(
        id=new_id(), case_id=case_id, assessment_type=AssessmentType.INITIAL,
        assessed_on=TODAY - timedelta(days=days_ago), tool_id="default", tool_version=1,
        answers=(), score=10, level="medium",
    )


def test_ten_to_twelve_cases_is_within_the_guide() -> None:
    for count, load in ((9, CaseloadLoad.UNDER), (10, CaseloadLoad.WITHIN),
                        (12, CaseloadLoad.WITHIN), (13, CaseloadLoad.OVER)):
        cases = [case(young_person(n), key_worker="u-able") for n in range(count)]
        row = worker_figures(ABLE, cases, [], [], set(), [], today=TODAY, now=NOW)
        assert (row.active_cases, row.load) == (count, load)


def test_a_review_is_overdue_only_after_the_default_interval() -> None:
    due, late = case(young_person(1)), case(young_person(2))
    row = worker_figures(
        ABLE, [due, late],
        [_assessed(due.id, 7 * 8), _assessed(late.id, 7 * 8 + 1),
         _assessed(late.id, 7 * 9)],  # the latest assessment of each case counts
        [], set(), [], today=TODAY, now=NOW,
    )
    assert row.reviews_overdue == 1


def test_reviewed_notes_are_not_counted_and_closed_cases_are_left_out() -> None:
    open_case = case(young_person(1))
    notes = [session(open_case.id) for _ in range(3)]
    row = worker_figures(ABLE, [open_case], [], notes, {notes[0].id}, [],
                         today=TODAY, now=NOW)
    assert row.unreviewed_notes == 2


def test_a_laptop_that_never_synced_or_is_silent_for_days_is_a_warning() -> None:
    devices = [
        DeviceContact("d1", "Test laptop", NOW - timedelta(days=2, hours=23)),
        DeviceContact("d2", "Old test laptop", NOW - timedelta(days=3)),
        DeviceContact("d3", "Spare test laptop", None),
    ]
    row = worker_figures(ABLE, [], [], [], set(), devices, today=TODAY, now=NOW)
    assert row.silent_devices == ("Old test laptop", "Spare test laptop")
    assert row.last_contact == NOW - timedelta(days=2, hours=23)
    assert row.warnings[0].startswith("laptop silent")


def test_team_is_listed_by_name() -> None:
    members = [TeamMember("u2", "test worker zed"), TeamMember("u1", "Test Worker Able")]
    rows = team_figures(members, {}, {}, {}, set(), {}, today=TODAY, now=NOW)
    assert [r.name for r in rows] == ["Test Worker Able", "test worker zed"]
    assert all(r.active_cases == 0 and r.warnings == () for r in rows)
