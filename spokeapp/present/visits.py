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
from spokeapp.i18n import clock, translator
from spokeapp.store.casebook import Casebook
from spokeapp.store.sync_state import SyncStore, VisitWatch, WatchReach

#: The record kinds of the lone-working safety records a worker's laptop writes.
SAFETY_RECORD_KINDS: Final = frozenset({"visit_plan", "check_in", "alarm"})
MOBILE_SETTING: Final = "lone_working.mobile_number"
BUDDY_NAME_SETTING: Final = "lone_working.buddy_name"
BUDDY_PHONE_SETTING: Final = "lone_working.buddy_phone"
#: The kinds of a visit's records the worker's laptop reads (besides the plan).
_RECORD_KINDS: Final = ("check_in", "alarm", "alarm_resolution")

tr = translator(__name__)


def clock_text(at: datetime) -> str:
    """A time as the worker reads it on her own laptop: local, in the laptop's convention
    (14:05 in the UK)."""
    return clock(at.astimezone())


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
            return tr("No check-ins yet. Visit started at {start}.").format(
                start=clock_text(self.plan.starts_at))
        last = shown[-1]
        return tr("Last check-in: {label} at {time}.").format(
            label=check_in_label(last), time=clock_text(last.at))


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
    safety = set(mine)  # the ids whose sending the pages show
    for kind in _RECORD_KINDS:
        for s in book.records(kind, state="final"):
            visit_id = getattr(s.record, "visit_id", None)
            if visit_id in mine:
                records.setdefault(visit_id, []).append(s.record)
                if kind in SAFETY_RECORD_KINDS:
                    safety.add(s.record.id)
    watches = SyncStore(book).visit_watches()
    # Asked by record, not read from the whole change log (issue 18: 2.4 s on a laptop with
    # 54,000 records not sent yet).
    unsent = frozenset(book.unsent_among(safety))
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
        tr("Lone visit plan (Spoke). The hub cannot alert anyone about this visit: please "
           "watch for me.") if watched_by_nobody else
        tr("Lone visit plan (Spoke). The hub is NOT watching this visit: please watch for me."),
        tr("Where: {place}").format(place=plan.location),
    ]
    if plan.case_reference:
        lines.append(tr("Case reference: {reference}").format(reference=plan.case_reference))
    lines.append(
        tr("Started {start}, expected end {end}.").format(
            start=clock_text(plan.starts_at), end=clock_text(plan.expected_end))
    )
    deadline = view.deadline
    if deadline is not None:
        lines.append(tr("I will check in with you every {minutes} minutes, next due {due}.")
                     .format(minutes=plan.interval_minutes, due=clock_text(deadline)))
    else:
        lines.append(tr("I will check in with you every {minutes} minutes.").format(
            minutes=plan.interval_minutes))
    if plan.vehicle:
        lines.append(tr("Vehicle: {vehicle}").format(vehicle=plan.vehicle))
    lines.append(tr("My mobile: {number}").format(number=plan.mobile_number))
    if plan.amber_note:
        lines.append(tr("Known risks: {risks}").format(risks=plan.amber_note))
    lines.append(
        tr("If I miss a check-in, call me; if you cannot reach me, call the on-call manager.")
    )
    return "\n".join(lines)


def channels_words(reach: WatchReach) -> str:
    """ "SMS and email", "SMS", "" ... for the people the hub can reach."""
    sms, email = bool(reach.by_channel.get("sms")), bool(reach.by_channel.get("email"))
    if sms and email:
        return tr("SMS and email")
    if sms:
        return tr("SMS")
    if email:
        return tr("email")
    return ""


def reach_words(reach: WatchReach | None) -> str:
    """What the hub said it would do if the worker misses a check-in, in plain words."""
    if reach is None:
        return tr("Armed (this hub does not say who it would alert).")
    if not reach.anyone:
        return tr("Armed, but the hub has nobody to alert - call your manager.")
    called = tr.plural(
        reach.people, "{n} person will be called by {channels}",
        "{n} people will be called by {channels}",
    ).format(channels=channels_words(reach)) if reach.people else ""
    hooks = reach.by_channel.get("webhook", 0)
    told = tr.plural(
        hooks, "{n} alarm receiving centre will be told", "{n} alarm receiving centres will be told"
    ) if hooks else ""
    if called and told:
        return tr("Armed: {called} and {told}.").format(called=called, told=told)
    return tr("Armed: {who}.").format(who=called or told)


def alarm_words(view: VisitView, panics: list[Alarm]) -> str:
    """The worker's live alarm, truthfully: saved here only, or on the hub (and who it
    calls). It is never "being alerted" before the hub has it."""
    raised = clock_text(max(a.raised_at for a in panics))
    if any(a.id in view.unsent for a in panics):
        return tr(
            "ALARM SAVED on this laptop at {time} - not sent yet. Nobody knows yet. "
            "Call 999 if you are in danger. Spoke sends it the moment there is a connection."
        ).format(time=raised)
    reach = view.watch.reach if view.watch is not None else None
    if reach is None:
        return tr("ALARM RAISED at {time}. The hub has your alarm.").format(time=raised)
    if not reach.anyone:
        return tr(
            "ALARM RAISED at {time}. The hub has your alarm but has NOBODY to alert - "
            "call your manager, or 999 if you are in danger."
        ).format(time=raised)
    if reach.people:
        return tr.plural(
            reach.people,
            "ALARM RAISED at {time}. The hub has your alarm: {n} person is being called by "
            "{channels}.",
            "ALARM RAISED at {time}. The hub has your alarm: {n} people are being called by "
            "{channels}.",
        ).format(time=raised, channels=channels_words(reach))
    return tr(
        "ALARM RAISED at {time}. The hub has your alarm: the alarm receiving centre is being "
        "told."
    ).format(time=raised)


class UnsentAlarm(str):
    """The words of an alarm not on the hub yet, among :func:`unsent_words`: its type says
    it is an alarm (the question before closing adds "call 999"), whatever the language."""

    __slots__ = ()


def unsent_words(views: Iterable[VisitView]) -> list[str]:
    """What on this laptop has not reached the hub yet, by the worker's own visits: alarms
    (as :class:`UnsentAlarm`), check-ins and plans (for the question before closing the app)."""
    found: list[str] = []
    for view in views:
        where = view.plan.location
        for alarm in view.panic_alarms():
            if alarm.id in view.unsent:
                found.append(UnsentAlarm(tr("Your ALARM at {time} ({place})").format(
                    time=clock_text(alarm.raised_at), place=where)))
        if not view.plan_sent and not view.ended:
            found.append(tr("Your visit plan for {place}: the hub is not watching it").format(
                place=where))
        for check_in in view.unsent_check_ins():
            found.append(tr("Your check-in at {time} ({place})").format(
                time=clock_text(check_in.at), place=where))
    return found


def today_words(view: VisitView, now: datetime) -> str:
    """One line for the Today page: where, until when, and whether the hub is watching."""
    plan = view.plan
    end = clock_text(plan.expected_end)
    where = (
        tr("{place} ({reference}), until {end}").format(
            place=plan.location, reference=plan.case_reference, end=end)
        if plan.case_reference else
        tr("{place}, until {end}").format(place=plan.location, end=end)
    )
    state = view.state(now)
    if state is VisitState.ALARM:
        return tr("ALARM RAISED — {where}").format(where=where)
    deadline = view.deadline
    if deadline is None:
        if state is VisitState.NOT_ARMED:
            return tr("NOT ARMED (the hub is not watching yet) — {where}").format(where=where)
        if state is VisitState.OVERDUE:
            return tr("ARMED, CHECK-IN OVERDUE — {where}").format(where=where)
        return tr("ARMED — {where}").format(where=where)
    due = clock_text(deadline)
    if state is VisitState.NOT_ARMED:
        return tr("NOT ARMED (the hub is not watching yet) — {where}; next check-in due {due}"
                  ).format(where=where, due=due)
    if state is VisitState.OVERDUE:
        return tr("ARMED, CHECK-IN OVERDUE — {where}; next check-in due {due}").format(
            where=where, due=due)
    return tr("ARMED — {where}; next check-in due {due}").format(where=where, due=due)
