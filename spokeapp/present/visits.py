"""The worker's visits as her own screens show them, without Qt: read from the casebook, never
the hub's view (the Visits page and the Today page turn them into widgets).

Each visit is a :class:`~spokeapp.domain.lone_working.Visit` and everything the worker sees
about it goes through the domain's worker-facing rules (``worker_facing_check_in``,
``check_in_label``, :meth:`Visit.worker_facing_state`), so a duress check-in or a duress alarm
reads exactly as an ordinary safe check-in: there is no branch here that could differ.

**Armed** is the hub's word, not the laptop's: a visit is ARMED only while the hub's last
acknowledgement (``SyncStore.visit_watch``) carries an escalation time; until the plan has
reached the hub it is NOT ARMED, whatever the laptop has recorded.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Final

from spokeapp.domain.lone_working import (
    EscalationPolicy,
    Visit,
    VisitState,
    check_in_label,
    worker_facing_check_in,
)
from spokeapp.domain.records import Alarm, CheckIn, VisitPlan
from spokeapp.store.casebook import Casebook
from spokeapp.store.sync_state import SyncStore, VisitWatch, WatchReach

#: The record kinds of the lone-working safety records a worker's laptop writes.
SAFETY_RECORD_KINDS: Final = frozenset({"visit_plan", "check_in", "alarm"})
MOBILE_SETTING: Final = "lone_working.mobile_number"
BUDDY_NAME_SETTING: Final = "lone_working.buddy_name"
BUDDY_PHONE_SETTING: Final = "lone_working.buddy_phone"
#: The kinds of a visit's records the worker's laptop reads (besides the plan).
_RECORD_KINDS: Final = ("check_in", "alarm", "alarm_resolution")


def clock_text(at: datetime) -> str:
    """A time as the worker reads it on her own laptop: local, 24-hour (14:05)."""
    return at.astimezone().strftime("%H:%M")


def armed_at(watch: VisitWatch | None) -> datetime | None:
    """When the hub took the visit on, while it says it is watching (None: not armed)."""
    if watch is None or watch.escalation_starts_at is None:
        return None
    return watch.acknowledged_at


@dataclass(frozen=True)
class VisitView:
    """One of the worker's visits with everything recorded about it on this laptop: the
    :class:`Visit` (armed while the hub says it is watching), the hub's last word about it
    (``watch``) and the ids of its records the hub has not acknowledged yet (``unsent``)."""

    visit: Visit
    watch: VisitWatch | None = None
    unsent: frozenset[str] = field(default_factory=frozenset)

    @property
    def id(self) -> str:
        return self.visit.plan.id

    @property
    def plan(self) -> VisitPlan:
        return self.visit.plan

    @property
    def armed(self) -> bool:
        """True only while the hub says it is watching (an escalation time is known)."""
        return self.watch is not None and self.watch.escalation_starts_at is not None

    @property
    def escalation_starts_at(self) -> datetime | None:
        return None if self.watch is None else self.watch.escalation_starts_at

    @property
    def shown_check_ins(self) -> list[CheckIn]:
        """Check-ins as the worker sees them (duress reads as safe), oldest first."""
        shown = [worker_facing_check_in(c) for c in self.visit.check_ins]
        return sorted(shown, key=lambda c: (c.at, c.id))

    @property
    def deadline(self) -> datetime | None:
        """When the next check-in is due on this laptop's records; None once the visit ended."""
        return self.visit.next_deadline()

    @property
    def ended(self) -> bool:
        return self.deadline is None

    @property
    def plan_sent(self) -> bool:
        return self.plan.id not in self.unsent

    def unsent_check_ins(self) -> list[CheckIn]:
        """The worker's check-ins still waiting to reach the hub (as she sees them)."""
        return [c for c in self.shown_check_ins if c.id in self.unsent]

    def state(self, now: datetime, policy: EscalationPolicy | None = None) -> VisitState:
        """The worker-facing state: NOT_ARMED until the hub acknowledged the plan."""
        visit = self.visit
        if visit.armed_at is None:
            if not self.ended and not self.panic_alarms():
                return VisitState.NOT_ARMED
            visit = dataclasses.replace(visit, armed_at=visit.plan.starts_at)
        return visit.worker_facing_state(now, policy or EscalationPolicy())

    def panic_alarms(self) -> list[Alarm]:
        """Live panic alarms (duress alarms are never shown to the worker)."""
        return self.visit.live_panic_alarms()

    def last_check_in_words(self) -> str:
        """"Checked in: safe at 13:32", or that there has been none yet."""
        shown = self.shown_check_ins
        if not shown:
            return f"No check-ins yet. Visit started at {clock_text(self.plan.starts_at)}."
        last = shown[-1]
        return f"Last check-in: {check_in_label(last)} at {clock_text(last.at)}."


def load_visits(book: Casebook, *, include_ended: bool = False) -> list[VisitView]:
    """The worker's own visits in this casebook (her plans only), newest start first."""
    plans = [
        s.record
        for s in book.records("visit_plan", state="final")
        if isinstance(s.record, VisitPlan) and s.record.worker == book.author
    ]
    if not plans:
        return []
    mine = {p.id for p in plans}
    records: dict[str, list[object]] = {}
    for kind in _RECORD_KINDS:
        for s in book.records(kind, state="final"):
            visit_id = getattr(s.record, "visit_id", None)
            if visit_id in mine:
                records.setdefault(visit_id, []).append(s.record)
    watches = SyncStore(book).visit_watches()
    unsent = frozenset(
        c.record_id for c in book.changes() if c.kind in SAFETY_RECORD_KINDS
    )
    views = [
        VisitView(
            visit=Visit.collect(
                p, records.get(p.id, ()), armed_at=armed_at(watches.get(p.id))
            ),
            watch=watches.get(p.id),
            unsent=unsent,
        )
        for p in plans
    ]
    if not include_ended:
        views = [v for v in views if not v.ended]
    return sorted(views, key=lambda v: (v.plan.starts_at, v.id), reverse=True)


def current_visit(views: Iterable[VisitView]) -> VisitView | None:
    """The visit the worker is on: the latest one started that has not ended."""
    return next((v for v in views if not v.ended), None)
def plan_message(view: VisitView) -> str:
    """The fallback text message with the plan, for the worker's phone to send to her buddy.

    Place, case reference, times, check-in interval, vehicle, her number and the known risks;
    never the young person's name (the plan has no name field at all).
    """
    plan = view.plan
    reach = view.watch.reach if view.watch is not None else None
    watched_by_nobody = view.armed and reach is not None and not reach.anyone
    lines = [
        "Lone visit plan (Spoke). The hub cannot alert anyone about this visit: please watch "
        "for me." if watched_by_nobody else
        "Lone visit plan (Spoke). The hub is NOT watching this visit: please watch for me.",
        f"Where: {plan.location}",
    ]
    if plan.case_reference:
        lines.append(f"Case reference: {plan.case_reference}")
    lines.append(
        f"Started {clock_text(plan.starts_at)}, expected end {clock_text(plan.expected_end)}."
    )
    deadline = view.deadline
    due = f", next due {clock_text(deadline)}" if deadline is not None else ""
    lines.append(f"I will check in with you every {plan.interval_minutes} minutes{due}.")
    if plan.vehicle:
        lines.append(f"Vehicle: {plan.vehicle}")
    lines.append(f"My mobile: {plan.mobile_number}")
    if plan.amber_note:
        lines.append(f"Known risks: {plan.amber_note}")
    lines.append(
        "If I miss a check-in, call me; if you cannot reach me, call the on-call manager."
    )
    return "\n".join(lines)


_CHANNEL_NAMES: Final = {"sms": "SMS", "email": "email"}


def _people(count: int) -> str:
    return f"{count} {'person' if count == 1 else 'people'}"


def channels_words(reach: WatchReach) -> str:
    """ "SMS and email", "SMS", "" ... for the people the hub can reach."""
    names = [_CHANNEL_NAMES[c] for c in ("sms", "email") if reach.by_channel.get(c)]
    return " and ".join(names)


def reach_words(reach: WatchReach | None) -> str:
    """What the hub said it would do if the worker misses a check-in, in plain words."""
    if reach is None:
        return "Armed (this hub does not say who it would alert)."
    if not reach.anyone:
        return "Armed, but the hub has nobody to alert - call your manager."
    parts = []
    if reach.people:
        parts.append(f"{_people(reach.people)} will be called by {channels_words(reach)}")
    hooks = reach.by_channel.get("webhook", 0)
    if hooks:
        parts.append(
            f"{hooks} alarm receiving centre{'s' if hooks != 1 else ''} will be told"
        )
    return "Armed: " + " and ".join(parts) + "."


def alarm_words(view: VisitView, panics: list[Alarm]) -> str:
    """The worker's live alarm, truthfully: saved here only, or on the hub (and who it
    calls). It is never "being alerted" before the hub has it."""
    raised = clock_text(max(a.raised_at for a in panics))
    if any(a.id in view.unsent for a in panics):
        return (
            f"ALARM SAVED on this laptop at {raised} - not sent yet. Nobody knows yet. "
            "Call 999 if you are in danger. Spoke sends it the moment there is a connection."
        )
    reach = view.watch.reach if view.watch is not None else None
    if reach is None:
        return f"ALARM RAISED at {raised}. The hub has your alarm."
    if not reach.anyone:
        return (
            f"ALARM RAISED at {raised}. The hub has your alarm but has NOBODY to alert - "
            "call your manager, or 999 if you are in danger."
        )
    return (
        f"ALARM RAISED at {raised}. The hub has your alarm: {_people(reach.people)} "
        f"{'is' if reach.people == 1 else 'are'} being called by {channels_words(reach)}."
        if reach.people
        else f"ALARM RAISED at {raised}. The hub has your alarm: the alarm receiving centre "
        "is being told."
    )


def unsent_words(views: Iterable[VisitView]) -> list[str]:
    """What on this laptop has not reached the hub yet, by the worker's own visits: alarms,
    check-ins and plans (for the question before closing the app)."""
    found = []
    for view in views:
        where = view.plan.location
        for alarm in view.panic_alarms():
            if alarm.id in view.unsent:
                found.append(f"Your ALARM at {clock_text(alarm.raised_at)} ({where})")
        if not view.plan_sent and not view.ended:
            found.append(f"Your visit plan for {where}: the hub is not watching it")
        for check_in in view.unsent_check_ins():
            found.append(f"Your check-in at {clock_text(check_in.at)} ({where})")
    return found


def today_words(view: VisitView, now: datetime) -> str:
    """One line for the Today page: where, until when, and whether the hub is watching."""
    plan = view.plan
    reference = f" ({plan.case_reference})" if plan.case_reference else ""
    where = f"{plan.location}{reference}, until {clock_text(plan.expected_end)}"
    state = view.state(now)
    deadline = view.deadline
    due = f"; next check-in due {clock_text(deadline)}" if deadline is not None else ""
    if state is VisitState.ALARM:
        return f"ALARM RAISED — {where}"
    if state is VisitState.NOT_ARMED:
        return f"NOT ARMED (the hub is not watching yet) — {where}{due}"
    if state is VisitState.OVERDUE:
        return f"ARMED, CHECK-IN OVERDUE — {where}{due}"
    return f"ARMED — {where}{due}"
