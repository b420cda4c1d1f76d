"""The Today page's list without Qt (``spokeapp.present.today``): what needs doing, most urgent
first, each with what to do next; what a kept draft is and when it was saved. All data is
fictional."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from spokeapp.domain.lone_working import VisitState
from spokeapp.domain.records import Record
from spokeapp.i18n import day_and_time
from spokeapp.present.today import (
    Action,
    SyncFacts,
    TodayItem,
    Urgency,
    draft_items,
    draft_words,
    nothing_words,
    ordered,
    read_today,
    review_items,
    saved_words,
    sync_facts,
    sync_items,
    today_items,
    today_of,
    visit_items,
)
from spokeapp.store.casebook import CaseloadRow, StoredRecord
from tests.unit.domain.records.factories import assessment, concern, session

NOW = datetime(2026, 12, 5, 10, 0, tzinfo=UTC)
TODAY = today_of(NOW)


def _draft(record: Record, updated_at: str = "") -> StoredRecord:
    return StoredRecord(record=record, state="draft", created_at="", updated_at=updated_at,
                        finalised_at=None, author="worker", revision=1)


def _row(case_id: str, reference: str, *, assessed: date | None, status: str = "open"
         ) -> CaseloadRow:
    return CaseloadRow(case_id=case_id, reference=reference, name="Test Person",
                       preferred_name=None, status=status, risk_level="low",
                       last_contact=None, last_assessed=assessed, key_worker="worker")


@dataclass
class _Plan:
    location: str
    case_reference: str | None = None
    expected_end: datetime = NOW + timedelta(hours=2)


@dataclass
class _Visit:
    """A hand-written stand-in for ``VisitView``: only what the list reads."""

    id: str
    where: str
    shown: VisitState
    deadline: datetime | None = NOW + timedelta(minutes=30)
    ended: bool = False
    plan: _Plan = field(init=False)

    def __post_init__(self) -> None:
        self.plan = _Plan(self.where, "YP-TEST-09")

    def state(self, now: datetime) -> VisitState:
        return self.shown


def _visits(*states: VisitState) -> list[Any]:
    return [_Visit(f"v-{n}", f"Example Place {n}", s) for n, s in enumerate(states)]


# ---------------------------------------------------------------------- the order
def test_everything_comes_in_one_list_most_urgent_first() -> None:
    rows = [
        _row("c-due", "YP-TEST-03", assessed=TODAY - timedelta(weeks=8) + timedelta(days=3)),
        _row("c-never", "YP-TEST-01", assessed=None),
        _row("c-late", "YP-TEST-02", assessed=TODAY - timedelta(weeks=20)),
        _row("c-fine", "YP-TEST-04", assessed=TODAY - timedelta(days=2)),
        _row("c-shut", "YP-TEST-05", assessed=None, status="closed"),
    ]
    note = dataclasses.replace(session(), case_id="c-late")
    items = today_items(
        rows=rows, now=NOW, drafts=[_draft(note, NOW.isoformat())],
        review_weeks={"c-due": "8"},
        visits=_visits(VisitState.ARMED, VisitState.OVERDUE),
        sync=SyncFacts(waiting=2, held=1, conflicts=1),
    )
    assert [(i.urgency, i.action) for i in items] == [
        (Urgency.SAFETY, Action.VISITS),  # the overdue check-in ...
        (Urgency.SAFETY, Action.VISITS),  # ... before the visit that is fine
        (Urgency.RECORDS, Action.HELD),
        (Urgency.RECORDS, Action.SYNC),
        (Urgency.DRAFT, Action.DRAFT),
        (Urgency.REVIEW, Action.CASE),
        (Urgency.REVIEW, Action.CASE),
        (Urgency.REVIEW, Action.CASE),
        (Urgency.SYNC, Action.SYNC),
    ]
    assert items[0].what == "Check-in overdue: Example Place 1" and items[0].urgent
    assert items[1].what == "Visit under way, the hub is watching: Example Place 0"
    assert not items[1].urgent
    assert items[4].key == note.id and items[4].reference == "YP-TEST-02"
    assert [(i.reference, i.what.split(" since")[0].split(" due")[0]) for i in items[5:8]] == [
        ("YP-TEST-01", "Initial assessment needed"),
        ("YP-TEST-02", "Risk review overdue"),
        ("YP-TEST-03", "Risk review"),
    ]
    assert [i.key for i in items[5:8]] == ["c-never", "c-late", "c-due"]
    assert items[-1].what == "2 records are waiting to go to your hub"
    assert all(i.next_step for i in items), "every item says what to do next"
    assert [i for i in items if i.urgent] == [items[0]], "only what cannot wait is urgent"


def test_safety_comes_alarm_first_then_overdue_then_unwatched() -> None:
    items = ordered(visit_items(_visits(VisitState.DUE, VisitState.NOT_ARMED,
                                        VisitState.ALARM, VisitState.ESCALATING), NOW))
    assert [i.what.split(":")[0] for i in items] == [
        "Your alarm is raised",
        "Check-in overdue, your contacts are being told",
        "Nobody is watching your visit yet",
        "Check-in due soon",
    ]
    assert [i.urgent for i in items] == [True, True, True, False]
    assert "call 999" in items[0].next_step
    assert items[3].next_step.startswith("Check in on the Visits page by ")
    ended = _Visit("v-end", "Example Place", VisitState.ARMED, ended=True)
    assert visit_items([ended], NOW) == []  # type: ignore[list-item]


def test_a_review_due_soon_says_so_and_one_not_due_is_not_listed() -> None:
    rows = [_row("c-1", "YP-TEST-01", assessed=TODAY - timedelta(weeks=8) + timedelta(days=2)),
            _row("c-2", "YP-TEST-02", assessed=TODAY)]
    [item] = review_items(rows, TODAY, {"c-1": "8"})
    due = TODAY + timedelta(days=2)
    assert item.what.startswith("Risk review due ") and item.key == "c-1"
    assert item.next_step.startswith("Plan the review")
    assert due.year == int(item.what.rsplit(" ", 1)[1])


def test_what_the_hub_needs_from_the_worker() -> None:
    assert sync_items(SyncFacts()) == []  # nothing waits: nothing to do
    [kept] = sync_items(SyncFacts(enrolled=False, waiting=4))
    assert kept.what == "4 records are kept only on this laptop"
    assert kept.next_step == "Connect to your hub on the Sync page (Ctrl+9)."
    [fresh] = sync_items(SyncFacts(enrolled=False))
    assert fresh.what == "This laptop is not connected to a hub yet"
    [again] = sync_items(SyncFacts(waiting=1, can_enrol_again=True))
    assert again.next_step.startswith("Enrol it again")
    [offline] = sync_items(SyncFacts(waiting=1, hub_reachable=False))
    assert offline.what == "1 record is waiting to go to your hub"
    assert offline.next_step.startswith("Nothing to do: Spoke keeps trying")
    held, conflict = sync_items(SyncFacts(held=2, conflicts=1))
    assert held.action is Action.HELD and held.what == "2 records were held back by the hub"
    assert conflict.what == "1 record was changed in two places"


def test_the_facts_come_from_a_sync_status() -> None:
    @dataclass
    class Status:
        enrolled: bool = True
        waiting: int = 3
        held: int = 1
        open_conflicts: int = 2
        can_enrol_again: bool = False
        hub_reachable: bool | None = False

    assert sync_facts(Status()) == SyncFacts(True, 3, 1, 2, False, False)


def test_nothing_to_do_still_says_what_to_do_next() -> None:
    assert today_items(now=NOW) == []
    what, step = nothing_words()
    assert what == "Nothing needs doing right now."
    assert "Plan a visit on the Visits page before you go out alone." in step


def test_drafts_newest_first_with_where_to_carry_on() -> None:
    older = _draft(session(), "2026-12-01T09:00:00+00:00")
    newer = _draft(dataclasses.replace(assessment(), id="ra-new"), "2026-12-04T09:00:00+00:00")
    first, second = draft_items([older, newer], {})
    assert first.key == "ra-new"
    assert first.what == "Draft not finalised: Risk assessment, 6 Mar 2024"
    assert first.next_step == (
        f"Open it to finish and finalise it (last saved {saved_words(newer.updated_at)}).")
    assert second.reference == ""
    assert draft_items([_draft(concern(), "garbled")], {})[0].next_step == (
        "Open it to finish and finalise it.")


def test_a_draft_in_words() -> None:
    note = session()
    when = day_and_time(note.occurred_at.astimezone())
    assert draft_words(_draft(note)) == f"Session note, {when}"
    assert draft_words(_draft(assessment())) == "Risk assessment, 6 Mar 2024"
    assert draft_words(_draft(concern())) == "Safeguarding concern"


def test_when_a_draft_was_saved() -> None:
    moment = datetime(2026, 3, 2, 14, 5, tzinfo=UTC)
    local = moment.astimezone()
    assert saved_words(moment.isoformat()) == f"{local.day} {local:%b %Y, %H:%M}"
    assert saved_words("not a time") == ""
    assert today_of(moment) == local.date()


def test_items_of_one_kind_keep_their_own_order() -> None:
    late = TodayItem(Urgency.REVIEW, "b", "next", Action.CASE, rank=(1, 5))
    early = TodayItem(Urgency.REVIEW, "a", "next", Action.CASE, rank=(1, 2))
    sync = TodayItem(Urgency.SYNC, "c", "next", Action.SYNC)
    assert ordered([sync, late, early]) == [early, late, sync]


# ---------------------------------------------------------------------- the reading
def test_what_the_list_is_made_from_is_read_in_one_go(tmp_path: Path) -> None:
    from spokeapp.present.case_page import REVIEW_SETTING
    from tests.helpers import records

    book, _ = records.new_casebook(tmp_path / "laptop")
    with book:
        _yp, _ref, case = records.seeded_case(book)
        note = records.session(case.id)
        book.save(note)  # a draft
        book.set_setting(REVIEW_SETTING + case.id, "4")
        reading = read_today(book)
        assert [(row.case_id, row.reference) for row in reading.rows] == [
            (case.id, "YP-TEST-01")]
        assert [stored.record.id for stored in reading.drafts] == [note.id]
        assert reading.review_weeks == {case.id: "4"}
        assert reading.visits is None  # only asked for at unlock
        assert read_today(book, visits=True).visits == []  # no visit planned here
        items = today_items(rows=reading.rows, now=NOW, drafts=reading.drafts,
                            review_weeks=reading.review_weeks)
        assert [item.action for item in items] == [Action.DRAFT, Action.CASE]


def test_reviews_worked_out_once_are_listed_as_given() -> None:
    rows = [_row("c-1", "YP-TEST-01", assessed=None)]
    reviews = review_items(rows, TODAY)
    assert [i.action for i in today_items(rows=rows, now=NOW, reviews=reviews)] == [Action.CASE]
    # Given (by a page showing the list again for a new sync status), they are not redone.
    assert today_items(rows=rows, now=NOW, reviews=[]) == []
