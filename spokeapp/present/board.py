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
from datetime import date, datetime, timedelta
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
from spokeapp.i18n import clock, number, translator
from spokeapp.store.casebook import Casebook
from spokeapp.store.sync_state import SyncStore, VisitWatch

tr = translator(__name__)

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
        tr.noop("ALARM"), tr.noop("A panic or duress alarm that nobody has resolved yet. Act now."),
        0, ("#b00020", "#ffffff"),
    ),
    VisitState.ESCALATING: StateLook(
        tr.noop("Overdue: alerts sent"),
        tr.noop("The worker missed a check-in and the hub has alerted people."),
        1, ("#c43e00", "#ffffff"),
    ),
    VisitState.OVERDUE: StateLook(
        tr.noop("Overdue"),
        tr.noop("The worker missed a check-in; the hub is in its grace period."), 2,
        ("#f57c00", "#000000"),
    ),
    VisitState.NOT_ARMED: StateLook(
        tr.noop("NOT ARMED"),
        tr.noop("The hub has not acknowledged this plan: nobody is watching it yet."), 3,
        ("#6a1b9a", "#ffffff"),
    ),
    VisitState.DUE: StateLook(
        tr.noop("Check-in due"), tr.noop("A check-in is due within the next few minutes."), 4,
        ("#ffd54f", "#000000"),
    ),
    VisitState.ARMED: StateLook(
        tr.noop("Armed"), tr.noop("The hub is watching this visit."), 5, ("#2e7d32", "#ffffff"),
    ),
    VisitState.ENDED: StateLook(tr.noop("Ended"), tr.noop("The visit has ended."), 6),
}
"""Every visit state as the board shows it: the one table of the board's words for
:class:`~spokeapp.domain.lone_working.VisitState` (the worker's own screens word her visit
themselves, :mod:`spokeapp.present.visits`)."""

NEEDS_ATTENTION: Final = frozenset({VisitState.ALARM, VisitState.ESCALATING, VisitState.OVERDUE})
CAN_RESOLVE: Final = NEEDS_ATTENTION

HEADERS: Final = (
    tr.noop("State"),
    tr.noop("Worker"),
    tr.noop("Mobile"),
    tr.noop("Where"),
    tr.noop("Case"),
    tr.noop("Expected end"),
    tr.noop("Next check-in"),
    tr.noop("Alerts"),
)
STATE, WORKER, MOBILE, WHERE, CASE, END, NEXT, ALERTS = range(len(HEADERS))

TIER_WORDS: Final = {
    "buddy": tr.noop("the buddy"),
    "on_call_manager": tr.noop("the on-call manager"),
    "manager_decision": tr.noop("the manager (999 welfare-call decision)"),
    EVERYONE_TIER: tr.noop("everyone on the list"),
    REMINDER_TIER: tr.noop("the worker (reminder)"),
    ALL_CLEAR_TIER: tr.noop("everyone alerted (all clear)"),
}


def state_words(state: VisitState) -> str:
    """The state's words in the table ("ALARM", "Overdue"...), translated."""
    return tr(VISIT_STATES[state].words)


def state_explained(state: VisitState) -> str:
    """The sentence saying what the state means, translated."""
    return tr(VISIT_STATES[state].explained)


def headers() -> tuple[str, ...]:
    """The board's column headings, translated (:data:`HEADERS` holds the English)."""
    return tuple(tr(words) for words in HEADERS)


_WEEKDAYS: Final = (tr.noop("Mon"), tr.noop("Tue"), tr.noop("Wed"), tr.noop("Thu"),
                    tr.noop("Fri"), tr.noop("Sat"), tr.noop("Sun"))
_MONTHS: Final = (tr.noop("Jan"), tr.noop("Feb"), tr.noop("Mar"), tr.noop("Apr"),
                  tr.noop("May"), tr.noop("Jun"), tr.noop("Jul"), tr.noop("Aug"),
                  tr.noop("Sep"), tr.noop("Oct"), tr.noop("Nov"), tr.noop("Dec"))


def short_day(day: date) -> str:
    """A day near now, short: "Wed 4 Mar" (the year goes without saying on the board)."""
    return tr("{weekday} {day} {month}").format(
        weekday=tr(_WEEKDAYS[day.weekday()]), day=day.day, month=tr(_MONTHS[day.month - 1]))


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
        return tr("You")
    if names and worker in names:
        return names[worker]
    return worker


# ---------------------------------------------------------------------------------------------
# Words
# ---------------------------------------------------------------------------------------------


def when_words(at: datetime, now: datetime) -> str:
    """A time of day, with the day when it is not today (local time)."""
    local, today = at.astimezone(), now.astimezone()
    time = clock(local)
    if local.date() == today.date():
        return time
    return tr("{day} {time}").format(day=short_day(local.date()), time=time)


def minutes_words(minutes: int) -> str:
    if minutes < 60:
        return tr("{minutes} min").format(minutes=number(minutes))
    hours, rest = divmod(minutes, 60)
    if rest:
        return tr("{hours} h {minutes} min").format(hours=number(hours), minutes=number(rest))
    return tr("{hours} h").format(hours=number(hours))


def due_words(entry: BoardEntry) -> str:
    """The next check-in due, with how long until (or since) it."""
    if entry.state is VisitState.ENDED:
        return tr("Visit ended") if entry.ended_at is None else (
            tr("Ended {when}").format(when=when_words(entry.ended_at, entry.now))
        )
    due = entry.next_due
    if due is None:
        return ""
    seconds = (due - entry.now).total_seconds()
    minutes = int(abs(seconds) // 60)
    if not minutes:
        relative = tr("now")
    elif seconds >= 0:
        relative = tr("in {duration}").format(duration=minutes_words(minutes))
    else:
        relative = tr("{duration} ago").format(duration=minutes_words(minutes))
    return tr("{when} ({relative})").format(when=when_words(due, entry.now), relative=relative)


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
            return tr("{waiting} to acknowledge - {unreached} NOT DELIVERED").format(
                waiting=number(waiting), unreached=number(unreached))
        return tr("{waiting} to acknowledge").format(waiting=number(waiting))
    sent = [
        a for a in entry.visit.visit.alerts if a.tier not in (REMINDER_TIER, ALL_CLEAR_TIER)
    ]
    if not sent:
        return ""
    if entry.state in NEEDS_ATTENTION:
        return tr("Acknowledged")
    return tr("{n} sent earlier").format(n=number(len(sent)))


def case_words(plan: VisitPlan) -> str:
    return plan.case_reference or tr("No case")


def cells(entry: BoardEntry) -> tuple[str, ...]:
    plan = entry.visit.plan
    return (
        state_words(entry.state),
        entry.worker_label,
        plan.mobile_number,
        plan.location,
        case_words(plan),
        when_words(plan.expected_end, entry.now),
        due_words(entry),
        alerts_words(entry),
    )


def _tier_words(tier: str) -> str:
    words = TIER_WORDS.get(tier)
    return tr(words) if words is not None else tier.replace("_", " ")


CHANNEL_WORDS: Final = {"sms": tr.noop("SMS"), "email": tr.noop("Email"),
                        "webhook": tr.noop("Webhook")}

REASON_WORDS: Final = {
    "smtp_down": tr.noop("the email server is not answering"),
    "smtp_refused": tr.noop("the email server refused it"),
    "smtp_failed": tr.noop("the email server failed"),
    "smtp_auth_failed": tr.noop("the email server refused the hub's login"),
    "timeout": tr.noop("no answer in time"),
    "connection_failed": tr.noop("could not connect"),
    "no_signing_secret": tr.noop("the hub has no signing secret for it"),
    "email_not_configured": tr.noop("email is not set up on the hub"),
    "sms_not_configured": tr.noop("SMS is not set up on the hub"),
    "webhook_not_configured": tr.noop("the webhook was removed from the hub"),
    "unreadable_alert": tr.noop("the hub could not read the alert"),
}
"""Plain words for the hub's delivery error codes (``hub.notifiers.DeliveryError``)."""


def reason_words(code: str) -> str:
    """A failure's code in plain words ("http_500" -> "the receiver answered with error 500")."""
    if code.startswith("http_"):
        return tr("the receiver answered with error {code}").format(code=code[5:])
    words = REASON_WORDS.get(code)
    if words is not None:
        return tr(words)
    return code.replace("_", " ") or tr("unknown failure")


def _role_words(role: str) -> str:
    if role == "webhook":
        return tr("the alarm receiver")
    if role == "worker":
        return tr("the worker")
    words = TIER_WORDS.get(role)
    if words is not None:
        return tr(words)
    return tr("the {role}").format(role=role.replace("_", " "))


def notice_words(delivery: AlertDelivery) -> list[str]:
    """One line per notice of an alert: delivered, waiting, failing (why), given up, or never
    sent because the hub had nobody to send it to."""
    lines = []
    for channel, role, status, reason, attempts in zip(
        delivery.channels, delivery.roles, delivery.statuses, delivery.reasons,
        delivery.attempts, strict=True,
    ):
        shown = CHANNEL_WORDS.get(channel)
        what = tr("{channel} to {whom}").format(
            channel=tr(shown) if shown is not None else channel, whom=_role_words(role))
        if status == "sent":
            line = tr("{what}: delivered").format(what=what)
        elif status == "pending":
            line = tr("{what}: being sent").format(what=what)
        elif status == "retrying":
            tries = tr.plural(attempts, "{n} try", "{n} tries")
            line = tr("{what}: FAILED ({reason}; {tries}), trying again").format(
                what=what, reason=reason_words(reason), tries=tries)
        else:
            line = tr.plural(attempts, "{what}: FAILED ({reason}), gave up after {n} try",
                             "{what}: FAILED ({reason}), gave up after {n} tries").format(
                what=what, reason=reason_words(reason))
        lines.append(f"  {line}")
    for role in delivery.unreached:
        lines.append("  " + tr("{whom}: NEVER SENT - the hub has no contact or notifier for "
                               "them").format(whom=_role_words(role)))
    return lines


def _alert_words(alert: EscalationAlert, delivery: AlertDelivery | None = None) -> str:
    if alert.tier == REMINDER_TIER:
        whom = tr("the worker (check-in reminder)")
    elif alert.reason is AlertReason.ALL_CLEAR:
        whom = tr("everyone alerted (all clear)")
    else:
        why = {
            AlertReason.OVERDUE: tr("missed check-in"),
            AlertReason.PANIC: tr("panic alarm"),
            AlertReason.DURESS: tr("DURESS"),
            AlertReason.DUE: tr("check-in due"),
            AlertReason.ALL_CLEAR: tr("all clear"),
        }[alert.reason]
        whom = tr("{whom} ({why})").format(whom=_tier_words(alert.tier), why=why)
    if delivery is None:
        # What became of it is not known on this laptop yet.
        head = tr("Hub raised an alert for {whom}").format(whom=whom)
    elif delivery.delivered:
        head = tr("Hub alerted {whom}").format(whom=whom)
    elif not delivery.channels:
        head = tr("Hub had NOBODY to alert for {whom}").format(whom=whom)
    elif delivery.reached_nobody:
        head = tr("Hub could NOT reach {whom}").format(whom=whom)
    else:
        head = tr("Hub is alerting {whom}").format(whom=whom)
    if delivery is None:
        return head
    return "\n".join([head, *notice_words(delivery)])


#: Each check-in as a whole sentence, by (kind, channel) (``{minutes}``: an extension).
_CHECK_IN_WORDS: Final = {
    (CheckInKind.DURESS, CheckInChannel.APP):
        tr.noop("DURESS check-in: the worker entered the duress PIN (silent alarm)"),
    (CheckInKind.DURESS, CheckInChannel.SMS): tr.noop(
        "DURESS check-in by text message: the worker entered the duress PIN (silent alarm)"),
    (CheckInKind.DURESS, CheckInChannel.PHONE):
        tr.noop("DURESS check-in by phone: the worker entered the duress PIN (silent alarm)"),
    (CheckInKind.EXTEND, CheckInChannel.APP):
        tr.noop("Checked in and extended the visit by {minutes} min"),
    (CheckInKind.EXTEND, CheckInChannel.SMS):
        tr.noop("Checked in by text message and extended the visit by {minutes} min"),
    (CheckInKind.EXTEND, CheckInChannel.PHONE):
        tr.noop("Checked in by phone and extended the visit by {minutes} min"),
    (CheckInKind.SAFE, CheckInChannel.APP): tr.noop("Checked in safe"),
    (CheckInKind.SAFE, CheckInChannel.SMS): tr.noop("Checked in safe by text message"),
    (CheckInKind.SAFE, CheckInChannel.PHONE): tr.noop("Checked in safe by phone"),
    (CheckInKind.END_VISIT, CheckInChannel.APP): tr.noop("Ended the visit"),
    (CheckInKind.END_VISIT, CheckInChannel.SMS): tr.noop("Ended the visit by text message"),
    (CheckInKind.END_VISIT, CheckInChannel.PHONE): tr.noop("Ended the visit by phone"),
    (CheckInKind.HOME_SAFE, CheckInChannel.APP): tr.noop("Home safe"),
    (CheckInKind.HOME_SAFE, CheckInChannel.SMS): tr.noop("Home safe by text message"),
    (CheckInKind.HOME_SAFE, CheckInChannel.PHONE): tr.noop("Home safe by phone"),
}


def _check_in_words(check_in: CheckIn) -> str:
    words = tr(_CHECK_IN_WORDS[(check_in.kind, check_in.channel)])
    return words.format(minutes=number(check_in.extend_minutes or 0))


def timeline(
    board_visit: BoardVisit, *, me: str = "", names: Mapping[str, str] | None = None
) -> list[tuple[datetime, str]]:
    """What happened on the visit, oldest first: plan, check-ins, alarms, alerts, responses."""
    visit, mine = board_visit.visit, board_visit.mine
    plan = visit.plan
    events: list[tuple[datetime, str]] = [
        (
            plan.starts_at,
            tr("Visit planned until {time}, check-ins every {interval}").format(
                time=clock(plan.expected_end.astimezone()),
                interval=minutes_words(plan.interval_minutes)),
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
            events.append((alarm.raised_at, tr("DURESS alarm raised (silent)")))
        elif alarm.note:
            events.append((alarm.raised_at,
                           tr("PANIC alarm raised: {note}").format(note=alarm.note)))
        else:
            events.append((alarm.raised_at, tr("PANIC alarm raised")))
    events += [
        (a.raised_at, _alert_words(a, visit.delivery_of(a.id)))
        for a in visit.alerts
        if not (mine and a.reason is AlertReason.DURESS)
    ]
    alerts = {a.id: a for a in visit.alerts}
    for ack in visit.acks:
        who = worker_label(ack.by, me=me, names=names)
        about = alerts.get(ack.alert_id)
        if about is not None:
            what = tr("{who} acknowledged the alert to {whom}").format(
                who=who, whom=_tier_words(about.tier))
        else:
            what = tr("{who} acknowledged an alert").format(who=who)
        events.append((ack.at, what))
    for resolution in visit.resolutions:
        who = worker_label(resolution.by, me=me, names=names)
        events.append((resolution.at, tr("{who} resolved it: {note}").format(
            who=who, note=resolution.note)))
    events.sort(key=lambda event: event[0])
    return events


def plan_details(plan: VisitPlan) -> list[tuple[str, str]]:
    """The plan's facts a supervisor needs to act (phone numbers, vehicle, known risks)."""
    rows = [
        (tr("Where"), plan.location),
        (tr("Case"), case_words(plan)),
        (tr("Worker's mobile"), plan.mobile_number),
        (tr("Buddy"), f"{plan.buddy_name}, {plan.buddy_phone}"),
    ]
    if plan.vehicle:
        rows.append((tr("Vehicle"), plan.vehicle))
    if plan.high_risk:
        rows.append((tr("Risk"), tr("Marked high risk")))
    if plan.amber_note:
        rows.append((tr("Known risks"), plan.amber_note))
    return rows


DEBRIEF_HEADERS: Final = (tr.noop("Worker"), tr.noop("Where"), tr.noop("Case"),
                          tr.noop("Alarm"), tr.noop("Resolved by"), tr.noop("How long ago"))


def debrief_headers() -> tuple[str, ...]:
    """The debrief list's column headings, translated."""
    return tuple(tr(words) for words in DEBRIEF_HEADERS)


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
        return tr("just now")
    if minutes < 24 * 60:
        return tr("{duration} ago").format(duration=minutes_words(minutes))
    return tr.plural(minutes // (24 * 60), "{n} day ago", "{n} days ago")


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
        worker = worker_label(plan.worker, me=me, names=names) if plan else tr("Unknown worker")
        where = plan.location if plan else tr("A visit not held on this laptop")
        case = case_words(plan) if plan else ""
        alarm = when_words(task.alarm_at, now) if task.alarm_at is not None else tr("Not known")
        resolution = task.resolution
        resolved_by = worker_label(resolution.by if resolution else task.debrief.supervisor,
                                   me=me, names=names)
        overdue = task.overdue(now.astimezone().date())
        if resolution is not None:
            ago = (tr("Resolved {ago}; debrief overdue") if overdue
                   else tr("Resolved {ago}")).format(ago=ago_words(resolution.at, now))
        else:
            ago = tr("Debrief overdue") if overdue else ""
        due = task.debrief.due_on
        rows.append(
            DebriefRow(
                cells=(worker, where, case, alarm, resolved_by, ago),
                key=task.debrief.id,
                tooltip=tr("Debrief with the worker by {day}.").format(day=short_day(due)),
            )
        )
    return rows


def debrief_words(
    debrief: Debrief, now: datetime, *, me: str = "", names: Mapping[str, str] | None = None
) -> str:
    """One sentence naming the debrief, for the dialog (and read aloud with it)."""
    task, plan = debrief.task, debrief.plan
    worker = worker_label(plan.worker, me=me, names=names) if plan else tr("the worker")
    if task.alarm_at is not None:
        sentence = tr("Debrief with {worker} after the alarm at {time} on the visit")
    else:
        sentence = tr("Debrief with {worker} after the alarm on the visit")
    words = sentence.format(
        worker=worker,
        time=when_words(task.alarm_at, now) if task.alarm_at is not None else "",
    )
    if plan:
        words = tr("{sentence} to {place} ({case})").format(
            sentence=words, place=plan.location, case=case_words(plan))
    if task.resolution is not None:
        who = worker_label(task.resolution.by, me=me, names=names)
        words = tr("{sentence}, resolved by {who} {ago}").format(
            sentence=words, who=who, ago=ago_words(task.resolution.at, now))
    return tr("{sentence}.").format(sentence=words)


@dataclass(frozen=True)
class Counts:
    """How many visits need a supervisor now: live alarms, and overdue (incl. escalating)."""

    alarms: int = 0
    overdue: int = 0
    debriefs: int = 0  # welfare debriefs to do (not urgent: shown, never in red)

    def words(self) -> str:
        """Alarms and overdue visits in words (debriefs are said apart)."""
        if self.alarms and self.overdue:
            return tr("{alarms}, {overdue}").format(
                alarms=tr.plural(self.alarms, "{n} alarm", "{n} alarms"),
                overdue=tr.plural(self.overdue, "{n} overdue", "{n} overdue"))
        if self.alarms:
            return tr.plural(self.alarms, "{n} alarm", "{n} alarms")
        if self.overdue:
            return tr.plural(self.overdue, "{n} overdue", "{n} overdue")
        return ""


def count(entries: Iterable[BoardEntry]) -> Counts:
    """How many of the entries have a live alarm, and how many are overdue."""
    alarms = overdue = 0
    for entry in entries:
        if entry.state is VisitState.ALARM:
            alarms += 1
        elif entry.state in (VisitState.OVERDUE, VisitState.ESCALATING):
            overdue += 1
    return Counts(alarms, overdue)


