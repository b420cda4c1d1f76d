"""The supervisor's lone-working board without Qt: every visit of the team, its state now,
and its story, worked out from the casebook (the Qt table is ``spokeapp.ui.models.board``).

Everything is computed from the records in the local casebook (the team's visit plans,
check-ins and alarms, and the hub's escalation alerts, all arriving by ordinary sync) with the
domain's rules: each visit is a :class:`~spokeapp.domain.lone_working.Visit`, shown in the
**hub's view** (:meth:`Visit.state`): a duress check-in is an ALARM here, never "safe" as on the
worker's own screen. The one exception is the supervisor's own visit, shown as its worker sees
it (:meth:`Visit.worker_facing_state`), so a supervisor forced to check in with the duress PIN
is not given away by their own board.

Whether a visit is watched: a plan that reached this laptop from the hub is on the hub, so the
hub watches it; a plan written on this laptop (the supervisor's own visit) is watched only once
the hub acknowledged it (``SyncStore.visit_watch``), and is NOT ARMED until then.

:func:`load_board` reads the casebook (run it off the GUI thread); :func:`evaluate` turns one
visit into a :class:`BoardEntry` at a given moment; :func:`board_entries` gives the entries the
board shows, most urgent first, and :func:`cells` their words.

**Welfare debriefs to do.** Each resolution makes the hub write a ``welfare_debrief`` task
for the team's supervisors; :func:`load_board` also gathers those not done yet
(:func:`lone_working.debrief_tasks`: not ticked off by the hub, no completion on this laptop)
with the visit they follow, leaving out debriefs about the supervisor's own visits (the
debrief is for someone else to hold with them). :func:`debrief_rows` words them for the list.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Final

from spokeapp.domain import lone_working
from spokeapp.domain.lone_working import (
    ALL_CLEAR_TIER,
    EVERYONE_TIER,
    REMINDER_TIER,
    DebriefTask,
    EscalationPolicy,
    Visit,
    VisitState,
)
from spokeapp.domain.records import (
    Alarm,
    AlarmKind,
    AlarmResolution,
    AlertDelivery,
    AlertReason,
    CheckIn,
    CheckInChannel,
    CheckInKind,
    EscalationAlert,
    VisitPlan,
    WelfareDebrief,
    WelfareDebriefDone,
)
from spokeapp.store.casebook import Casebook
from spokeapp.store.sync_state import SyncStore, VisitWatch

ENDED_SHOWN_HOURS: Final = 12
"""An ended visit stays on the board this long (so "home safe" is seen), then leaves it."""

@dataclass(frozen=True, slots=True)
class StateLook:
    """How the board shows one visit state: its words in the table (colour is never the only
    cue), the sentence the detail pane and tooltip add, its place in the order (most urgent
    first) and its (background, text) colours, both set so they read the same in light and
    dark themes (None: the table's own)."""

    words: str
    explained: str
    urgency: int
    colours: tuple[str, str] | None = None


VISIT_STATES: Final[dict[VisitState, StateLook]] = {
    VisitState.ALARM: StateLook(
        "ALARM", "A panic or duress alarm that nobody has resolved yet. Act now.", 0,
        ("#b00020", "#ffffff"),
    ),
    VisitState.ESCALATING: StateLook(
        "Overdue: alerts sent", "The worker missed a check-in and the hub has alerted people.",
        1, ("#c43e00", "#ffffff"),
    ),
    VisitState.OVERDUE: StateLook(
        "Overdue", "The worker missed a check-in; the hub is in its grace period.", 2,
        ("#f57c00", "#000000"),
    ),
    VisitState.NOT_ARMED: StateLook(
        "NOT ARMED", "The hub has not acknowledged this plan: nobody is watching it yet.", 3,
        ("#6a1b9a", "#ffffff"),
    ),
    VisitState.DUE: StateLook(
        "Check-in due", "A check-in is due within the next few minutes.", 4,
        ("#ffd54f", "#000000"),
    ),
    VisitState.ARMED: StateLook(
        "Armed", "The hub is watching this visit.", 5, ("#2e7d32", "#ffffff"),
    ),
    VisitState.ENDED: StateLook("Ended", "The visit has ended.", 6),
}
"""Every visit state as the board shows it: the one table of the board's words for
:class:`~spokeapp.domain.lone_working.VisitState` (the worker's own screens word her visit
themselves, :mod:`spokeapp.present.visits`)."""

NEEDS_ATTENTION: Final = frozenset({VisitState.ALARM, VisitState.ESCALATING, VisitState.OVERDUE})
CAN_RESOLVE: Final = NEEDS_ATTENTION

HEADERS: Final = (
    "State",
    "Worker",
    "Mobile",
    "Where",
    "Case",
    "Expected end",
    "Next check-in",
    "Alerts",
)
STATE, WORKER, MOBILE, WHERE, CASE, END, NEXT, ALERTS = range(len(HEADERS))

TIER_WORDS: Final = {
    "buddy": "the buddy",
    "on_call_manager": "the on-call manager",
    "manager_decision": "the manager (999 welfare-call decision)",
    EVERYONE_TIER: "everyone on the list",
    REMINDER_TIER: "the worker (reminder)",
    ALL_CLEAR_TIER: "everyone alerted (all clear)",
}


# ---------------------------------------------------------------------------------------------
# Reading the casebook
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BoardVisit:
    """One visit on the board: the visit with every record about it that this laptop holds,
    and whether it is this laptop's own (shown as its worker sees it)."""

    visit: Visit
    mine: bool

    @property
    def plan(self) -> VisitPlan:
        return self.visit.plan

    @property
    def id(self) -> str:
        return self.visit.plan.id


@dataclass(frozen=True)
class Debrief:
    """A welfare debrief still to do, with the plan of the visit it follows (if held here)."""

    task: DebriefTask
    plan: VisitPlan | None

    @property
    def id(self) -> str:
        return self.task.debrief.id


@dataclass(frozen=True)
class BoardData:
    """What :func:`load_board` read: the visits, who this laptop belongs to and their role,
    and the welfare debriefs still to do."""

    visits: list[BoardVisit]
    me: str
    role: str | None
    debriefs: list[Debrief] = field(default_factory=list)


def armed_at_for(
    plan: VisitPlan, *, mine: bool, watch: VisitWatch | None
) -> datetime | None:
    """When the hub took the visit on, as far as this laptop can tell (None: not armed).

    A plan from another worker came through the hub, so the hub has it. A plan written here is
    armed only once the hub acknowledged it.
    """
    if watch is not None:
        return watch.acknowledged_at
    if not mine:
        return plan.starts_at
    return None


def group_visits(
    plans: Iterable[VisitPlan],
    others: Iterable[object],
    *,
    me: str,
    watches: Mapping[str, VisitWatch],
) -> list[BoardVisit]:
    """Gather each plan's check-ins, alarms, alerts, acknowledgements, resolutions and alert
    deliveries into its :class:`Visit`."""
    by_visit: dict[str, list[object]] = {}
    for record in others:
        visit_id = getattr(record, "visit_id", None)
        if isinstance(visit_id, str):
            by_visit.setdefault(visit_id, []).append(record)
    visits = []
    for plan in plans:
        mine = plan.worker == me
        armed_at = armed_at_for(plan, mine=mine, watch=watches.get(plan.id))
        visit = Visit.collect(plan, by_visit.get(plan.id, ()), armed_at=armed_at)
        visits.append(BoardVisit(visit, mine))
    return visits


_OTHER_KINDS: Final = (
    "check_in", "alarm", "escalation_alert", "alert_ack", "alarm_resolution", "alert_delivery",
)


def load_board(
    book: Casebook, now: datetime | None = None, policy: EscalationPolicy | None = None
) -> BoardData:
    """Read the visits on this laptop (drafts left out). Runs off the GUI thread.

    Given ``now``, visits that ended long enough ago to have left the board are dropped here
    (they cannot come back without new records, which bring a new read), so the clock's
    recomputing on the GUI thread only ever handles the visits the board can show.
    """
    store = SyncStore(book)
    account = store.account()
    me = account.user_id if account is not None else str(book.author)
    plans = [
        s.record
        for s in book.records("visit_plan")
        if s.state != "draft" and isinstance(s.record, VisitPlan)
    ]
    others = [
        s.record for kind in _OTHER_KINDS for s in book.records(kind) if s.state != "draft"
    ]
    debriefs = debriefs_to_do(
        plans,
        others,
        [s.record for s in book.records(WelfareDebrief.KIND)],
        [s.record for s in book.records(WelfareDebriefDone.KIND) if s.state != "draft"],
        me=me,
    )
    visits = group_visits(plans, others, me=me, watches=store.visit_watches())
    if now is not None:
        shown = {e.visit_id for e in board_entries(visits, now, policy or EscalationPolicy())}
        visits = [v for v in visits if v.plan.id in shown]
    return BoardData(visits, me, account.role if account is not None else None, debriefs)


def debriefs_to_do(
    plans: Iterable[VisitPlan],
    others: Iterable[object],
    debriefs: Iterable[object],
    dones: Iterable[object],
    *,
    me: str,
) -> list[Debrief]:
    """The welfare debriefs nobody has done yet, oldest due first, each with its visit's plan;
    none about ``me``'s own visits."""
    by_id = {plan.id: plan for plan in plans}
    records = list(others)
    tasks = lone_working.debrief_tasks(
        [d for d in debriefs if isinstance(d, WelfareDebrief)],
        [r for r in records if isinstance(r, AlarmResolution)],
        alarms=[r for r in records if isinstance(r, Alarm)],
        check_ins=[r for r in records if isinstance(r, CheckIn)],
        alerts=[r for r in records if isinstance(r, EscalationAlert)],
        dones=[d for d in dones if isinstance(d, WelfareDebriefDone)],
    )
    found = []
    for task in tasks:
        plan = by_id.get(task.debrief.visit_id)
        if task.is_done or (plan is not None and plan.worker == me):
            continue
        found.append(Debrief(task, plan))
    return found


# ---------------------------------------------------------------------------------------------
# One visit at one moment
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BoardEntry:
    """A visit as the board shows it at ``now``."""

    visit: BoardVisit
    state: VisitState
    next_due: datetime | None
    open_alerts: tuple[EscalationAlert, ...]
    ended_at: datetime | None
    now: datetime
    worker_label: str = ""

    @property
    def visit_id(self) -> str:
        return self.visit.plan.id

    @property
    def can_acknowledge(self) -> bool:
        return bool(self.open_alerts)

    @property
    def can_resolve(self) -> bool:
        return self.state in CAN_RESOLVE


def open_alerts(
    visit: Visit, state: VisitState, next_due: datetime | None
) -> tuple[EscalationAlert, ...]:
    """Alerts about the visit's current trouble that nobody has acknowledged, newest first.

    Reminders to the worker and all-clears are never acknowledged; overdue alerts count only
    for the current deadline; alarm alerts only while the alarm is live.
    """
    acked = {ack.alert_id for ack in visit.acks}
    found: list[EscalationAlert] = []
    for alert in visit.alerts:
        if alert.id in acked or alert.tier in (REMINDER_TIER, ALL_CLEAR_TIER):
            continue
        overdue_now = (
            alert.reason is AlertReason.OVERDUE
            and state is VisitState.ESCALATING
            and alert.deadline == next_due
        )
        alarm_now = (
            alert.reason in (AlertReason.PANIC, AlertReason.DURESS)
            and state is VisitState.ALARM
            and _cause_live(visit, alert)
        )
        if overdue_now or alarm_now:
            found.append(alert)
    return tuple(sorted(found, key=lambda a: (a.raised_at, a.id), reverse=True))


def _cause_live(visit: Visit, alert: EscalationAlert) -> bool:
    """True unless someone resolved the alarm after this alert was raised (the hub's rule)."""
    return not any(alert.raised_at <= r.at for r in visit.resolutions)


def evaluate(
    board_visit: BoardVisit,
    now: datetime,
    policy: EscalationPolicy,
    *,
    worker_label: str = "",
) -> BoardEntry:
    """The visit's state at ``now``: the hub's view (duress is an ALARM) for the team's visits;
    for the supervisor's own visit, the worker's view, where duress looks exactly like safe
    (someone may be watching this screen)."""
    visit = board_visit.visit
    # The worker's view for one's own visit (duress looks exactly like safe).
    mine = board_visit.mine
    state = visit.worker_facing_state(now, policy) if mine else visit.state(now, policy)
    next_due = visit.next_deadline()
    return BoardEntry(
        visit=board_visit,
        state=state,
        next_due=next_due,
        open_alerts=() if board_visit.mine else open_alerts(visit, state, next_due),
        ended_at=visit.ended_at,
        now=now,
        worker_label=worker_label,
    )


def board_entries(
    visits: Iterable[BoardVisit],
    now: datetime,
    policy: EscalationPolicy,
    *,
    names: Mapping[str, str] | None = None,
    me: str = "",
    ended_shown_hours: int = ENDED_SHOWN_HOURS,
) -> list[BoardEntry]:
    """The entries the board shows at ``now``, most urgent first.

    Ended visits leave the board ``ended_shown_hours`` after they ended; a visit with a live
    alarm never leaves it.
    """
    cutoff = now - timedelta(hours=ended_shown_hours)
    entries = []
    for visit in visits:
        label = worker_label(visit.plan.worker, me=me, names=names)
        entry = evaluate(visit, now, policy, worker_label=label)
        if entry.state is VisitState.ENDED and (entry.ended_at or now) < cutoff:
            continue
        entries.append(entry)
    entries.sort(key=urgency)
    return entries


def urgency(entry: BoardEntry) -> tuple[int, datetime, str]:
    """The board's order: most urgent state first, then the soonest due (or latest ended)."""
    due = entry.next_due or entry.visit.plan.expected_end
    if entry.state is VisitState.ENDED:
        due = entry.ended_at or due
    return (VISIT_STATES[entry.state].urgency, due, entry.visit_id)


def worker_label(worker: str, *, me: str, names: Mapping[str, str] | None) -> str:
    """The worker as the supervisor knows them: "You", their name if known, else their id."""
    if me and worker == me:
        return "You"
    if names and worker in names:
        return names[worker]
    return worker


# ---------------------------------------------------------------------------------------------
# Words
# ---------------------------------------------------------------------------------------------


def when_words(at: datetime, now: datetime) -> str:
    """A time of day, with the day when it is not today (local time)."""
    local, today = at.astimezone(), now.astimezone()
    clock = f"{local:%H:%M}"
    if local.date() == today.date():
        return clock
    return f"{local:%a} {local.day} {local:%b} {clock}"


def minutes_words(minutes: int) -> str:
    if minutes < 60:
        return f"{minutes} min"
    hours, rest = divmod(minutes, 60)
    return f"{hours} h {rest} min" if rest else f"{hours} h"


def due_words(entry: BoardEntry) -> str:
    """The next check-in due, with how long until (or since) it."""
    if entry.state is VisitState.ENDED:
        return "Visit ended" if entry.ended_at is None else (
            f"Ended {when_words(entry.ended_at, entry.now)}"
        )
    due = entry.next_due
    if due is None:
        return ""
    seconds = (due - entry.now).total_seconds()
    minutes = int(abs(seconds) // 60)
    if seconds >= 0:
        relative = f"in {minutes_words(minutes)}" if minutes else "now"
    else:
        relative = f"{minutes_words(minutes)} ago" if minutes else "now"
    return f"{when_words(due, entry.now)} ({relative})"


def alerts_words(entry: BoardEntry) -> str:
    if entry.visit.mine:
        return ""  # the hub sends no escalation records to a worker's own laptop
    waiting = len(entry.open_alerts)
    if waiting:
        unreached = sum(
            1 for a in entry.open_alerts
            if (d := entry.visit.visit.delivery_of(a.id)) is not None and d.reached_nobody
        )
        if unreached:
            return f"{waiting} to acknowledge - {unreached} NOT DELIVERED"
        return f"{waiting} to acknowledge"
    sent = [
        a for a in entry.visit.visit.alerts if a.tier not in (REMINDER_TIER, ALL_CLEAR_TIER)
    ]
    if not sent:
        return ""
    return "Acknowledged" if entry.state in NEEDS_ATTENTION else f"{len(sent)} sent earlier"


def case_words(plan: VisitPlan) -> str:
    return plan.case_reference or "No case"


def cells(entry: BoardEntry) -> tuple[str, ...]:
    plan = entry.visit.plan
    return (
        VISIT_STATES[entry.state].words,
        entry.worker_label,
        plan.mobile_number,
        plan.location,
        case_words(plan),
        when_words(plan.expected_end, entry.now),
        due_words(entry),
        alerts_words(entry),
    )


def _tier_words(tier: str) -> str:
    return TIER_WORDS.get(tier, tier.replace("_", " "))


CHANNEL_WORDS: Final = {"sms": "SMS", "email": "Email", "webhook": "Webhook"}

REASON_WORDS: Final = {
    "smtp_down": "the email server is not answering",
    "smtp_refused": "the email server refused it",
    "smtp_failed": "the email server failed",
    "smtp_auth_failed": "the email server refused the hub's login",
    "timeout": "no answer in time",
    "connection_failed": "could not connect",
    "no_signing_secret": "the hub has no signing secret for it",
    "email_not_configured": "email is not set up on the hub",
    "sms_not_configured": "SMS is not set up on the hub",
    "webhook_not_configured": "the webhook was removed from the hub",
    "unreadable_alert": "the hub could not read the alert",
}
"""Plain words for the hub's delivery error codes (``hub.notifiers.DeliveryError``)."""


def reason_words(code: str) -> str:
    """A failure's code in plain words ("http_500" -> "the receiver answered with error 500")."""
    if code.startswith("http_"):
        return f"the receiver answered with error {code[5:]}"
    return REASON_WORDS.get(code, code.replace("_", " ") or "unknown failure")


def _role_words(role: str) -> str:
    if role == "webhook":
        return "the alarm receiver"
    if role == "worker":
        return "the worker"
    return TIER_WORDS.get(role, "the " + role.replace("_", " "))


def notice_words(delivery: AlertDelivery) -> list[str]:
    """One line per notice of an alert: delivered, waiting, failing (why), given up, or never
    sent because the hub had nobody to send it to."""
    lines = []
    for channel, role, status, reason, attempts in zip(
        delivery.channels, delivery.roles, delivery.statuses, delivery.reasons,
        delivery.attempts, strict=True,
    ):
        what = f"{CHANNEL_WORDS.get(channel, channel)} to {_role_words(role)}"
        if status == "sent":
            lines.append(f"  {what}: delivered")
        elif status == "pending":
            lines.append(f"  {what}: being sent")
        elif status == "retrying":
            tries = f"{attempts} tr{'y' if attempts == 1 else 'ies'}"
            lines.append(f"  {what}: FAILED ({reason_words(reason)}; {tries}), trying again")
        else:
            lines.append(f"  {what}: FAILED ({reason_words(reason)}), gave up after "
                         f"{attempts} tries")
    for role in delivery.unreached:
        lines.append(f"  {_role_words(role)}: NEVER SENT - the hub has no contact or "
                     "notifier for them")
    return lines


def _alert_words(alert: EscalationAlert, delivery: AlertDelivery | None = None) -> str:
    if delivery is None:
        verb = "Hub raised an alert for"  # what became of it is not known on this laptop yet
    elif delivery.delivered:
        verb = "Hub alerted"
    elif not delivery.channels:
        verb = "Hub had NOBODY to alert for"
    elif delivery.reached_nobody:
        verb = "Hub could NOT reach"
    else:
        verb = "Hub is alerting"
    if alert.tier == REMINDER_TIER:
        head = f"{verb} the worker (check-in reminder)"
    elif alert.reason is AlertReason.ALL_CLEAR:
        head = f"{verb} everyone alerted (all clear)"
    else:
        why = {
            AlertReason.OVERDUE: "missed check-in",
            AlertReason.PANIC: "panic alarm",
            AlertReason.DURESS: "DURESS",
            AlertReason.DUE: "check-in due",
            AlertReason.ALL_CLEAR: "all clear",
        }[alert.reason]
        head = f"{verb} {_tier_words(alert.tier)} ({why})"
    if delivery is None:
        return head
    return "\n".join([head, *notice_words(delivery)])


def _check_in_words(check_in: CheckIn) -> str:
    how = {
        CheckInChannel.APP: "",
        CheckInChannel.SMS: " by text message",
        CheckInChannel.PHONE: " by phone",
    }[check_in.channel]
    if check_in.kind is CheckInKind.DURESS:
        return f"DURESS check-in{how}: the worker entered the duress PIN (silent alarm)"
    if check_in.kind is CheckInKind.EXTEND:
        return f"Checked in{how} and extended the visit by {check_in.extend_minutes or 0} min"
    return {
        CheckInKind.SAFE: f"Checked in safe{how}",
        CheckInKind.END_VISIT: f"Ended the visit{how}",
        CheckInKind.HOME_SAFE: f"Home safe{how}",
    }[check_in.kind]


def timeline(
    board_visit: BoardVisit, *, me: str = "", names: Mapping[str, str] | None = None
) -> list[tuple[datetime, str]]:
    """What happened on the visit, oldest first: plan, check-ins, alarms, alerts, responses."""
    visit, mine = board_visit.visit, board_visit.mine
    plan = visit.plan
    events: list[tuple[datetime, str]] = [
        (
            plan.starts_at,
            f"Visit planned until {plan.expected_end.astimezone():%H:%M}, "
            f"check-ins every {minutes_words(plan.interval_minutes)}",
        )
    ]
    if mine:  # the supervisor's own visit: duress reads exactly as safe, as for workers
        events += [(c.at, lone_working.check_in_label(c)) for c in visit.check_ins]
    else:
        events += [(c.at, _check_in_words(c)) for c in visit.check_ins]
    for alarm in visit.alarms:
        if alarm.kind is AlarmKind.DURESS and mine:
            continue
        if alarm.kind is AlarmKind.DURESS:
            events.append((alarm.raised_at, "DURESS alarm raised (silent)"))
        else:
            note = f": {alarm.note}" if alarm.note else ""
            events.append((alarm.raised_at, f"PANIC alarm raised{note}"))
    events += [
        (a.raised_at, _alert_words(a, visit.delivery_of(a.id)))
        for a in visit.alerts
        if not (mine and a.reason is AlertReason.DURESS)
    ]
    alerts = {a.id: a for a in visit.alerts}
    for ack in visit.acks:
        who = worker_label(ack.by, me=me, names=names)
        about = alerts.get(ack.alert_id)
        what = f" the alert to {_tier_words(about.tier)}" if about is not None else " an alert"
        events.append((ack.at, f"{who} acknowledged{what}"))
    for resolution in visit.resolutions:
        who = worker_label(resolution.by, me=me, names=names)
        events.append((resolution.at, f"{who} resolved it: {resolution.note}"))
    events.sort(key=lambda event: event[0])
    return events


def plan_details(plan: VisitPlan) -> list[tuple[str, str]]:
    """The plan's facts a supervisor needs to act (phone numbers, vehicle, known risks)."""
    rows = [
        ("Where", plan.location),
        ("Case", case_words(plan)),
        ("Worker's mobile", plan.mobile_number),
        ("Buddy", f"{plan.buddy_name}, {plan.buddy_phone}"),
    ]
    if plan.vehicle:
        rows.append(("Vehicle", plan.vehicle))
    if plan.high_risk:
        rows.append(("Risk", "Marked high risk"))
    if plan.amber_note:
        rows.append(("Known risks", plan.amber_note))
    return rows


DEBRIEF_HEADERS: Final = ("Worker", "Where", "Case", "Alarm", "Resolved by", "How long ago")


@dataclass(frozen=True)
class DebriefRow:
    """One line of the "Welfare debriefs to do" list: its cells, the debrief's id, a tooltip."""

    cells: tuple[str, ...]
    key: str
    tooltip: str


def ago_words(at: datetime, now: datetime) -> str:
    """How long ago, in words a person would say ("40 min ago", "3 h ago", "2 days ago")."""
    minutes = max(0, int((now - at).total_seconds() // 60))
    if minutes < 1:
        return "just now"
    if minutes < 24 * 60:
        return f"{minutes_words(minutes)} ago"
    days = minutes // (24 * 60)
    return f"{days} day{'s' if days != 1 else ''} ago"


def debrief_rows(
    debriefs: Iterable[Debrief],
    now: datetime,
    *,
    me: str = "",
    names: Mapping[str, str] | None = None,
) -> list[DebriefRow]:
    """The "Welfare debriefs to do" list: who, where, the alarm, who resolved it and when.

    A debrief past its due day says so in words (colour is never the only cue)."""
    rows = []
    for debrief in debriefs:
        task, plan = debrief.task, debrief.plan
        worker = worker_label(plan.worker, me=me, names=names) if plan else "Unknown worker"
        where = plan.location if plan else "A visit not held on this laptop"
        case = case_words(plan) if plan else ""
        alarm = when_words(task.alarm_at, now) if task.alarm_at is not None else "Not known"
        resolution = task.resolution
        resolved_by = worker_label(resolution.by if resolution else task.debrief.supervisor,
                                   me=me, names=names)
        ago = f"Resolved {ago_words(resolution.at, now)}" if resolution else ""
        due = task.debrief.due_on
        if task.overdue(now.astimezone().date()):
            ago = f"{ago}; debrief overdue" if ago else "Debrief overdue"
        rows.append(
            DebriefRow(
                cells=(worker, where, case, alarm, resolved_by, ago),
                key=task.debrief.id,
                tooltip=f"Debrief with the worker by {due:%a} {due.day} {due:%b}.",
            )
        )
    return rows


def debrief_words(
    debrief: Debrief, now: datetime, *, me: str = "", names: Mapping[str, str] | None = None
) -> str:
    """One sentence naming the debrief, for the dialog (and read aloud with it)."""
    task, plan = debrief.task, debrief.plan
    worker = worker_label(plan.worker, me=me, names=names) if plan else "the worker"
    where = f" to {plan.location} ({case_words(plan)})" if plan else ""
    when = f" at {when_words(task.alarm_at, now)}" if task.alarm_at is not None else ""
    resolved = ""
    if task.resolution is not None:
        who = worker_label(task.resolution.by, me=me, names=names)
        resolved = f", resolved by {who} {ago_words(task.resolution.at, now)}"
    return f"Debrief with {worker} after the alarm{when} on the visit{where}{resolved}."


@dataclass(frozen=True)
class Counts:
    """How many visits need a supervisor now: live alarms, and overdue (incl. escalating)."""

    alarms: int = 0
    overdue: int = 0
    debriefs: int = 0  # welfare debriefs to do (not urgent: shown, never in red)

    def words(self) -> str:
        """Alarms and overdue visits in words (debriefs are said apart)."""
        parts = []
        if self.alarms:
            parts.append(f"{self.alarms} alarm{'s' if self.alarms != 1 else ''}")
        if self.overdue:
            parts.append(f"{self.overdue} overdue")
        return ", ".join(parts)


def count(entries: Iterable[BoardEntry]) -> Counts:
    """How many of the entries have a live alarm, and how many are overdue."""
    alarms = overdue = 0
    for entry in entries:
        if entry.state is VisitState.ALARM:
            alarms += 1
        elif entry.state in (VisitState.OVERDUE, VisitState.ESCALATING):
            overdue += 1
    return Counts(alarms, overdue)


