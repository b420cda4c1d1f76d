"""The Today page's words and order without Qt (the page is :mod:`spokeapp.ui.views.today`).

Today is one calm list of what needs doing, most urgent first (issue 17):

1. the worker's own safety: an alarm, a check-in overdue, a visit nobody is watching yet, then
   the visit under way and when to check in;
2. records the hub held back or that changed in two places, which need a person to decide;
3. drafts not yet finalised;
4. risk reviews: a case never assessed, reviews overdue (oldest first), then due soon;
5. records waiting to go to the hub (or a laptop not connected to one).

Each item says what it is and, in plain words, what to do next. Only the safety items that
cannot wait are marked ``urgent`` (the page marks those, and nothing else, as urgent).

What the list is made from is read in one go, off the GUI thread: :func:`read_today`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import IntEnum, StrEnum
from typing import Any

from spokeapp.domain.lone_working import VisitState
from spokeapp.domain.records import RiskAssessment, Session
from spokeapp.domain.reviews import ReviewStatus, review_status
from spokeapp.i18n import day_and_time, translator
from spokeapp.present.case_page import REVIEW_SETTING
from spokeapp.present.caseload import review_due
from spokeapp.present.labels import format_day, kind_label
from spokeapp.present.visits import VisitView, clock_text, load_visits
from spokeapp.store.casebook import Casebook, CaseloadRow, StoredRecord

tr = translator(__name__)

__all__ = [
    "Action",
    "SyncFacts",
    "TodayItem",
    "TodayReading",
    "Urgency",
    "draft_items",
    "draft_words",
    "nothing_words",
    "ordered",
    "read_today",
    "review_items",
    "saved_words",
    "sync_facts",
    "sync_items",
    "today_items",
    "today_of",
    "visit_items",
]

SYNC_KEYS = "Ctrl+9"


class Urgency(IntEnum):
    """The order of Today's list: lower comes first."""

    SAFETY = 0
    RECORDS = 1
    DRAFT = 2
    REVIEW = 3
    SYNC = 4


class Action(StrEnum):
    """Where Enter on an item takes the worker."""

    VISITS = "visits"
    HELD = "held"
    SYNC = "sync"
    DRAFT = "draft"
    CASE = "case"


@dataclass(frozen=True, slots=True)
class TodayItem:
    """One thing that needs doing: what it is, which case (a reference, or empty), what to do
    next, where Enter goes (``action`` with ``key``: a record, case or visit id)."""

    urgency: Urgency
    what: str
    next_step: str
    action: Action
    key: str = ""
    reference: str = ""
    urgent: bool = False
    rank: tuple[Any, ...] = ()


@dataclass(frozen=True, slots=True)
class TodayReading:
    """What Today's list is made from (the caseload page and the session form use the rows
    too), read in one go off the GUI thread: every case's row, the drafts kept on this laptop,
    the review interval chosen for each case, and, when asked (at unlock), the worker's own
    visits, so a raised alarm or an overdue check-in is on the list from its first paint."""

    rows: list[CaseloadRow]
    drafts: list[StoredRecord]
    review_weeks: dict[str, str]
    visits: list[VisitView] | None = None


def read_today(book: Casebook, *, visits: bool = False) -> TodayReading:
    """Read what Today needs (the caller is a worker thread; each read takes the casebook's
    lock on its own, so a save waits for one query, never for all of them)."""
    return TodayReading(
        rows=book.caseload(),
        drafts=book.records(state="draft"),
        review_weeks=book.settings_with_prefix(REVIEW_SETTING),
        visits=load_visits(book) if visits else None,
    )


def ordered(items: Iterable[TodayItem]) -> list[TodayItem]:
    """Most urgent first; within a kind, by its own rank (stable otherwise)."""
    return sorted(items, key=lambda item: (item.urgency, item.rank))


def nothing_words() -> tuple[str, str]:
    """The empty list's (what, what to do next)."""
    return (
        tr("Nothing needs doing right now."),
        tr("When you are ready, record a session or look through your caseload. "
           "Plan a visit on the Visits page before you go out alone."),
    )


# ---------------------------------------------------------------------- 1. safety
_VISIT_RANK = {
    VisitState.ALARM: 0,
    VisitState.ESCALATING: 1,
    VisitState.OVERDUE: 2,
    VisitState.NOT_ARMED: 3,
    VisitState.DUE: 4,
    VisitState.ARMED: 5,
}


def _where(view: VisitView) -> str:
    return view.plan.location


def visit_items(views: Sequence[VisitView], now: datetime) -> list[TodayItem]:
    """The worker's visits under way, each with what to do about it now."""
    items = []
    for view in views:
        if view.ended:
            continue
        state = view.state(now)
        where = _where(view)
        deadline = view.deadline
        by = clock_text(deadline) if deadline is not None else ""
        urgent = True
        if state is VisitState.ALARM:
            what = tr("Your alarm is raised: {place}").format(place=where)
            step = tr("Stay safe and call 999 if you are in danger. The Visits page shows who "
                      "is being told.")
        elif state is VisitState.ESCALATING:
            what = tr("Check-in overdue, your contacts are being told: {place}").format(
                place=where)
            step = tr("Check in now on the Visits page to let them know you are safe.")
        elif state is VisitState.OVERDUE:
            what = tr("Check-in overdue: {place}").format(place=where)
            step = tr("Check in now on the Visits page, or your contacts will be told.")
        elif state is VisitState.NOT_ARMED:
            what = tr("Nobody is watching your visit yet: {place}").format(place=where)
            step = tr("The hub has not got your plan. Connect to it, or tell your buddy where "
                      "you are.")
        elif state is VisitState.DUE:
            urgent = False
            what = tr("Check-in due soon: {place}").format(place=where)
            step = tr("Check in on the Visits page by {time}.").format(time=by)
        else:
            urgent = False
            what = tr("Visit under way, the hub is watching: {place}").format(place=where)
            step = (tr("Check in on the Visits page by {time}.").format(time=by) if by
                    else tr("Check in on the Visits page when you leave."))
        items.append(TodayItem(
            Urgency.SAFETY, what, step, Action.VISITS, key=view.id,
            reference=view.plan.case_reference or "", urgent=urgent,
            rank=(_VISIT_RANK.get(state, 9), deadline.timestamp() if deadline else 0.0),
        ))
    return items


# ------------------------------------------------------------- 2. and 5. the hub
@dataclass(frozen=True, slots=True)
class SyncFacts:
    """What Today needs of the sync status (``spokeapp.sync.engine.SyncStatus``)."""

    enrolled: bool = True
    waiting: int = 0
    held: int = 0
    conflicts: int = 0
    can_enrol_again: bool = False
    hub_reachable: bool | None = None


def sync_facts(status: Any) -> SyncFacts:
    """The facts of a ``SyncStatus`` (or anything with the same attributes)."""
    return SyncFacts(
        enrolled=bool(getattr(status, "enrolled", True)),
        waiting=int(getattr(status, "waiting", 0) or 0),
        held=int(getattr(status, "held", 0) or 0),
        conflicts=int(getattr(status, "open_conflicts", 0) or 0),
        can_enrol_again=bool(getattr(status, "can_enrol_again", False)),
        hub_reachable=getattr(status, "hub_reachable", None),
    )


def sync_items(facts: SyncFacts) -> list[TodayItem]:
    """Held-back and conflicting records (they need a decision), then what waits to go."""
    items = []
    if facts.held:
        items.append(TodayItem(
            Urgency.RECORDS,
            tr.plural(facts.held, "{n} record was held back by the hub",
                      "{n} records were held back by the hub"),
            tr("Open the Sync page ({keys}) and choose Show what is held back to decide what "
               "to do. Nothing is lost.").format(keys=SYNC_KEYS),
            Action.HELD, rank=(0,),
        ))
    if facts.conflicts:
        items.append(TodayItem(
            Urgency.RECORDS,
            tr.plural(facts.conflicts, "{n} record was changed in two places",
                      "{n} records were changed in two places"),
            tr("Open the Sync page ({keys}) and choose which version to keep.").format(
                keys=SYNC_KEYS),
            Action.SYNC, rank=(1,),
        ))
    waiting = facts.waiting
    if not facts.enrolled:
        what = (tr.plural(waiting, "{n} record is kept only on this laptop",
                          "{n} records are kept only on this laptop")
                if waiting else tr("This laptop is not connected to a hub yet"))
        step = tr("Connect to your hub on the Sync page ({keys}).").format(keys=SYNC_KEYS)
    elif facts.can_enrol_again:
        what = tr("The hub no longer accepts this laptop")
        step = tr("Enrol it again on the Sync page ({keys}). Nothing is lost.").format(
            keys=SYNC_KEYS)
    elif waiting:
        what = tr.plural(waiting, "{n} record is waiting to go to your hub",
                         "{n} records are waiting to go to your hub")
        step = (tr("Nothing to do: Spoke keeps trying and sends them when the hub can be "
                   "reached.") if facts.hub_reachable is False
                else tr("Nothing to do: they go at the next sync."))
    else:
        return items
    items.append(TodayItem(Urgency.SYNC, what, step, Action.SYNC))
    return items


# ---------------------------------------------------------------------- 3. drafts
def draft_words(stored: StoredRecord) -> str:
    """A kept draft in words: what it is and when it is about."""
    record = stored.record
    if isinstance(record, Session):
        local = record.occurred_at.astimezone()
        return tr("Session note, {when}").format(when=day_and_time(local))
    if isinstance(record, RiskAssessment):
        return tr("Risk assessment, {day}").format(day=format_day(record.assessed_on))
    return kind_label(record.KIND)


def saved_words(stamp: str) -> str:
    """When a draft was last saved (a stored time stamp), local; empty if it cannot be read."""
    try:
        when = datetime.fromisoformat(stamp).astimezone()
    except ValueError:
        return ""
    return day_and_time(when)


def draft_items(drafts: Sequence[StoredRecord], references: Mapping[str, str]) -> list[TodayItem]:
    """Each draft, newest saved first, with where to carry on."""
    items = []
    for stored in sorted(drafts, key=lambda s: s.updated_at, reverse=True):
        saved = saved_words(stored.updated_at)
        items.append(TodayItem(
            Urgency.DRAFT,
            tr("Draft not finalised: {draft}").format(draft=draft_words(stored)),
            tr("Open it to finish and finalise it (last saved {when}).").format(when=saved)
            if saved else tr("Open it to finish and finalise it."),
            Action.DRAFT, key=stored.record.id,
            reference=references.get(stored.record.case_id or "", ""),
        ))
    return items


# ---------------------------------------------------------------------- 4. reviews
def review_items(
    rows: Sequence[CaseloadRow], today: date, review_weeks: Mapping[str, str] | None = None
) -> list[TodayItem]:
    """Open cases never assessed, then those whose risk review is overdue, then due soon."""
    items = []
    for row in rows:
        if row.status != "open":
            continue
        due = review_due(row, review_weeks)
        if due is None:
            what = tr("Initial assessment needed")
            step = tr("Open the case and do the first risk assessment.")
            rank: tuple[Any, ...] = (0, 0)
        else:
            status = review_status(due, today)
            if status is ReviewStatus.NOT_DUE:
                continue
            if status is ReviewStatus.OVERDUE:
                what = tr("Risk review overdue since {day}").format(day=format_day(due))
                step = tr("Open the case and review the risk assessment.")
                rank = (1, due.toordinal())
            else:
                what = tr("Risk review due {day}").format(day=format_day(due))
                step = tr("Plan the review: open the case before {day}.").format(
                    day=format_day(due))
                rank = (2, due.toordinal())
        items.append(TodayItem(Urgency.REVIEW, what, step, Action.CASE, key=row.case_id,
                               reference=row.reference, rank=(*rank, row.reference)))
    return items


def today_items(
    *,
    rows: Sequence[CaseloadRow] = (),
    now: datetime,
    drafts: Sequence[StoredRecord] = (),
    review_weeks: Mapping[str, str] | None = None,
    visits: Sequence[VisitView] = (),
    sync: SyncFacts | None = None,
    reviews: Sequence[TodayItem] | None = None,
) -> list[TodayItem]:
    """Everything that needs doing today, most urgent first. ``reviews``: the rows' review
    items as :func:`review_items` gave them for this day (a page showing the list again for
    a new sync status or visit need not work out a thousand reviews again)."""
    references = {row.case_id: row.reference for row in rows}
    return ordered([
        *visit_items(visits, now),
        *(sync_items(sync) if sync is not None else []),
        *draft_items(drafts, references),
        *(review_items(rows, today_of(now), review_weeks) if reviews is None else reviews),
    ])


def today_of(now: datetime) -> date:
    """The local day of a moment (the day the worker calls today)."""
    return now.astimezone().date()
