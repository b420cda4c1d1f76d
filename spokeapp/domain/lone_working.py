"""Lone working: the visit timer, the overdue ladder and alarms, as pure functions (no I/O).

What the best services do (Peoplesafe, StaySafe, BS 8484; see DOMAIN.md "Lone working"): the
worker files a :class:`~spokeapp.domain.records.VisitPlan` before going out; the **hub** watches
the deadline (a closed or offline laptop cannot raise an alarm); missed check-ins climb a ladder
of people who must each acknowledge; panic and duress go straight to the top.

A visit and its records are one :class:`Visit` (the plan, when the hub armed it, its check-ins,
alarms, alerts, acknowledgements, resolutions and alert deliveries): the hub's watch, the
supervisor's board and the worker's Visits page all build one and ask it for its state
(:meth:`Visit.state`, :meth:`Visit.worker_facing_state`) and due actions.

Everything here takes the clock as an argument and returns data, so the hub's watcher, the
desktop's own reminders and the tests all run the same rules. The hub loop is::

    for action in visit.due_actions(now, policy):
        send(action)                                   # SMS, push, phone tree...
        store(alert_for(action, id=new_id(), raised_at=now))

Because every message sent is stored as an :class:`EscalationAlert` and ``due_actions`` only
returns what is due and not yet stored, calling it again (or after a hub restart) returns
nothing new: the hub resumes exactly where it was.

**The timer** (``next_deadline``). The first check-in is due one interval after the plan's start
(never later than the expected end). Each event moves it, in time order:

* ``safe`` at *t*: due at *t* + interval, but never beyond the expected end, which is the
  end-of-visit check-in. A safe check-in made at or after the expected end gives one more
  interval (*t* + interval) rather than leaving the worker instantly overdue.
* ``extend`` by *N* at *t*: the expected end becomes max(expected end, *t*) + *N* ("extend by 30"
  after the end means 30 minutes from now), and it counts as a safe check-in.
* ``duress`` moves the timer exactly as ``safe`` does (nothing the worker sees may differ).
* an :class:`AlarmResolution` at *t* counts as a safe check-in made by staff, so a worker who
  is still out stays watched.
* ``end_visit`` / ``home_safe`` end the visit: no deadline (``None``); later events are ignored.

Check-in times are the device's clock. On the hub, pass each check-in through
:func:`as_received` first, so a device clock that runs fast cannot postpone a deadline beyond
the moment the hub actually heard from the worker; a clock that runs slow only makes the
deadline earlier (a false alarm, never a missed one).

**Rounds.** Each deadline is a *round*: reminders, tier alerts and the all-clear of a round carry
its deadline (``EscalationAlert.deadline``). A check-in that moves the deadline closes the
round: the ladder stops there (the first check-in the hub receives stops it) and everyone
already alerted gets one all-clear (``stop``). A check-in that does *not* move the deadline
(for example one made before the expected end, arriving after it) leaves the worker overdue for
the end of the visit and the ladder carries on.

**The ladder** of one round with deadline *D* (defaults in :class:`EscalationPolicy`):
reminders to the worker at *D* - 10 min, at *D*, and every 5 minutes of the 15-minute grace;
then each tier at *D* + its ``starts_after_minutes`` (buddy +15, on-call manager +30, manager's
999 welfare-call decision +60). A tier alert not acknowledged within ``ack_timeout_minutes``
(2) moves up to the next tier at once, before that tier's scheduled time; the top tier
unacknowledged reaches everyone on every tier. An acknowledged tier does not move up early, but
the schedule carries on: the worker is still missing until she checks in or a person resolves
it.

**Alarms.** A panic :class:`Alarm`, a duress alarm, or a ``duress`` check-in alerts the top tier
at once (then everyone, if nobody acknowledges). Check-ins do not stop an alarm (a worker under
duress can be made to press "safe"); only an :class:`AlarmResolution` does, with a note, and it
prompts a :class:`WelfareDebrief` (:func:`welfare_debrief_for`), a task for the supervisors
that one of them ticks off with a :class:`WelfareDebriefDone` and its note
(:func:`debrief_done`, :func:`debrief_tasks`). While an alarm is live the overdue
ladder is held (the top tier already has it) and no all-clear is sent, so nobody is stood down
by the check-in that carried a duress PIN. Reminders to the worker carry on as normal, so
nothing on her phone changes.

**Duress stays silent.** The worker's screen must look exactly as after a safe check-in. The UI
renders her check-ins through :func:`worker_facing_check_in` / :func:`check_in_label` and her
visit through :meth:`Visit.worker_facing_state`, never :meth:`Visit.state` (the hub's view), so
it has no branch that could differ. ``CheckIn`` keeps its kind out of ``repr`` and search, and
duress alerts never name the worker as a recipient. The hub must not send duress alerts (or any
escalation record) to the worker's own devices.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from typing import Any, Final

from spokeapp.domain.errors import Problem, ValidationError
from spokeapp.domain.records import (
    DEFAULT_CHECK_IN_MINUTES,
    HIGH_RISK_CHECK_IN_MINUTES,
    MAX_CHECK_IN_MINUTES,
    MIN_CHECK_IN_MINUTES,
    Alarm,
    AlarmKind,
    AlarmResolution,
    AlertAcknowledgement,
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
from spokeapp.i18n import number, translator

tr = translator(__name__)

__all__ = [
    "ALL_CLEAR_TIER",
    "DEBRIEF_WITHIN_DAYS",
    "DEFAULT_TIERS",
    "EVERYONE_TIER",
    "REMINDER_TIER",
    "RESERVED_TIER_NAMES",
    "SMS_USAGE",
    "Action",
    "ActionKind",
    "DebriefTask",
    "EscalationPolicy",
    "SmsCommand",
    "SmsCommandKind",
    "Tier",
    "Visit",
    "VisitState",
    "alert_for",
    "as_received",
    "check_in_from_sms",
    "check_in_label",
    "debrief_done",
    "debrief_tasks",
    "default_interval",
    "escalation_starts_at",
    "name_warnings",
    "next_deadline",
    "parse_policy",
    "reminder_times",
    "sms_command",
    "welfare_debrief_for",
    "worker_facing_check_in",
]

DEBRIEF_WITHIN_DAYS: Final = 2
"""Days a supervisor has to debrief a worker after an alarm was resolved."""

REMINDER_TIER: Final = "worker_reminder"
"""Tier name of the reminders sent to the worker herself."""
EVERYONE_TIER: Final = "everyone"
"""Tier name of the alert to everyone on every tier when the top tier does not acknowledge."""
ALL_CLEAR_TIER: Final = "all_clear"
"""Tier name of the stand-down sent to everyone alerted once a round or an alarm is over."""
RESERVED_TIER_NAMES: Final = frozenset({REMINDER_TIER, EVERYONE_TIER, ALL_CLEAR_TIER})
WORKER_ROLE: Final = "worker"

_TIER_NAME = re.compile(r"[a-z][a-z0-9_]{0,39}")
_MAX_TIERS = 6
_MAX_RECIPIENTS = 20
_MAX_TIER_START_MINUTES = 24 * 60


def default_interval(high_risk: bool) -> int:
    """Minutes between check-ins unless the worker chooses: 60, or 30 for a high-risk visit."""
    return HIGH_RISK_CHECK_IN_MINUTES if high_risk else DEFAULT_CHECK_IN_MINUTES


# ---------------------------------------------------------------------------------------------
# The hub's escalation policy
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class Tier:
    """One rung of the overdue ladder: who is alerted, how long after the missed deadline.

    ``recipients`` are role names (``buddy``, ``on_call_manager``, ``manager``...) that the hub
    resolves to people and numbers for the visit; ``buddy`` means the buddy on the plan.
    """

    name: str
    starts_after_minutes: int
    recipients: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe form, as :func:`parse_policy` reads it."""
        return {
            "name": self.name,
            "starts_after_minutes": self.starts_after_minutes,
            "recipients": list(self.recipients),
        }


DEFAULT_TIERS: Final = (
    Tier(name="buddy", starts_after_minutes=15, recipients=("buddy",)),
    Tier(name="on_call_manager", starts_after_minutes=30, recipients=("on_call_manager",)),
    Tier(name="manager_decision", starts_after_minutes=60, recipients=("manager",)),
)
"""Buddy when the grace ends, on-call manager at +30, the manager's 999 decision at +60."""


@dataclass(frozen=True, slots=True, kw_only=True)
class EscalationPolicy:
    """How one hub escalates a missed check-in (configurable per hub; data, not code).

    All minutes count from the missed deadline. ``grace_minutes`` is the time the worker alone
    is reminded (every ``grace_reminder_every_minutes``; 0 for none) before the first tier;
    ``reminder_before_minutes`` (0 for none) reminds her before the deadline. The **top** (last)
    tier is the one asked to decide on a 999 welfare call, and the one panic and duress reach.
    """

    grace_minutes: int = 15
    reminder_before_minutes: int = 10
    grace_reminder_every_minutes: int = 5
    ack_timeout_minutes: int = 2
    tiers: tuple[Tier, ...] = DEFAULT_TIERS

    @property
    def top(self) -> Tier:
        """The last tier: the 999 welfare-call decision, and where panic and duress go."""
        return self.tiers[-1]

    def everyone(self, *, without_worker: bool = False) -> tuple[str, ...]:
        """Every recipient of every tier, once each, in ladder order."""
        seen: dict[str, None] = {}
        for tier in self.tiers:
            for role in tier.recipients:
                if not (without_worker and role == WORKER_ROLE):
                    seen.setdefault(role, None)
        return tuple(seen)

    def validate(self) -> None:
        """Raise ValidationError listing every broken rule of the policy."""
        problems: list[Problem] = []
        _in_range(problems, "grace_minutes", self.grace_minutes, 0, 120)
        _in_range(problems, "reminder_before_minutes", self.reminder_before_minutes, 0, 60)
        _in_range(
            problems, "grace_reminder_every_minutes", self.grace_reminder_every_minutes, 0, 60
        )
        _in_range(problems, "ack_timeout_minutes", self.ack_timeout_minutes, 1, 30)
        if not 1 <= len(self.tiers) <= _MAX_TIERS:
            problems.append(Problem("tiers", f"give between 1 and {_MAX_TIERS} tiers"))
        names: set[str] = set()
        previous: int | None = None
        for index, tier in enumerate(self.tiers):
            where = f"tiers[{index}]"
            if not _TIER_NAME.fullmatch(tier.name):
                problems.append(
                    Problem(f"{where}.name", "must be lower-case letters, digits or _ (e.g. buddy)")
                )
            elif tier.name in RESERVED_TIER_NAMES:
                problems.append(Problem(f"{where}.name", "is reserved by Spoke; choose another"))
            elif tier.name in names:
                problems.append(Problem(f"{where}.name", "is used by another tier"))
            names.add(tier.name)
            start = tier.starts_after_minutes
            _in_range(problems, f"{where}.starts_after_minutes", start, 0, _MAX_TIER_START_MINUTES)
            if index == 0 and start < self.grace_minutes:
                problems.append(
                    Problem(
                        f"{where}.starts_after_minutes",
                        "the first tier starts when the grace period ends or later "
                        "(at least grace_minutes)",
                    )
                )
            if previous is not None and start <= previous:
                problems.append(
                    Problem(f"{where}.starts_after_minutes", "must be later than the tier before")
                )
            previous = start
            if not 1 <= len(tier.recipients) <= _MAX_RECIPIENTS:
                problems.append(
                    Problem(f"{where}.recipients", f"name 1 to {_MAX_RECIPIENTS} recipients")
                )
            elif not all(_TIER_NAME.fullmatch(role) for role in tier.recipients):
                problems.append(
                    Problem(
                        f"{where}.recipients",
                        "each must be a role name such as buddy or on_call_manager",
                    )
                )
            elif len(set(tier.recipients)) != len(tier.recipients):
                problems.append(Problem(f"{where}.recipients", "name each recipient once"))
        if self.tiers and set(self.top.recipients) <= {WORKER_ROLE}:
            problems.append(
                Problem(
                    f"tiers[{len(self.tiers) - 1}].recipients",
                    "the top tier must alert someone other than the worker",
                )
            )
        if problems:
            raise ValidationError(problems)

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe form, as :func:`parse_policy` reads it."""
        return {
            "grace_minutes": self.grace_minutes,
            "reminder_before_minutes": self.reminder_before_minutes,
            "grace_reminder_every_minutes": self.grace_reminder_every_minutes,
            "ack_timeout_minutes": self.ack_timeout_minutes,
            "tiers": [tier.to_dict() for tier in self.tiers],
        }


def _in_range(problems: list[Problem], name: str, value: int, low: int, high: int) -> None:
    if not low <= value <= high:
        problems.append(Problem(name, f"must be between {low} and {high} minutes"))


_POLICY_INTS = (
    "grace_minutes",
    "reminder_before_minutes",
    "grace_reminder_every_minutes",
    "ack_timeout_minutes",
)
_TIER_KEYS = ("name", "starts_after_minutes", "recipients")


def parse_policy(data: object) -> EscalationPolicy:
    """Read and validate a hub's policy (e.g. from its settings JSON); absent keys default.

    Raises ValidationError listing every problem, with fields like ``tiers[1].recipients``.
    """
    if not isinstance(data, Mapping):
        raise ValidationError([Problem("policy", "must be an object of settings")])
    problems: list[Problem] = []
    known = {*_POLICY_INTS, "tiers"}
    problems.extend(
        Problem(str(key), "is not a setting of the escalation policy")
        for key in data
        if key not in known
    )
    kwargs: dict[str, Any] = {}
    for name in _POLICY_INTS:
        if name in data:
            value = data[name]
            if isinstance(value, int) and not isinstance(value, bool):
                kwargs[name] = value
            else:
                problems.append(Problem(name, "must be a whole number of minutes"))
    if "tiers" in data:
        tiers = _parse_tiers(data["tiers"], problems)
        if tiers is not None:
            kwargs["tiers"] = tiers
    if problems:
        raise ValidationError(problems)
    policy = EscalationPolicy(**kwargs)
    policy.validate()
    return policy


def _parse_tiers(value: object, problems: list[Problem]) -> tuple[Tier, ...] | None:
    if not isinstance(value, list):
        problems.append(Problem("tiers", "must be a list of tiers"))
        return None
    count = len(problems)
    tiers: list[Tier] = []
    for index, item in enumerate(value):
        where = f"tiers[{index}]"
        if not isinstance(item, Mapping):
            problems.append(
                Problem(where, "must be an object with name, starts_after_minutes and recipients")
            )
            continue
        problems.extend(
            Problem(f"{where}.{key}", "is not a setting of a tier")
            for key in item
            if key not in _TIER_KEYS
        )
        problems.extend(
            Problem(f"{where}.{key}", "is required") for key in _TIER_KEYS if key not in item
        )
        name = item.get("name")
        start = item.get("starts_after_minutes")
        recipients = item.get("recipients")
        if "name" in item and not isinstance(name, str):
            problems.append(Problem(f"{where}.name", "must be text"))
        if "starts_after_minutes" in item and (
            not isinstance(start, int) or isinstance(start, bool)
        ):
            problems.append(
                Problem(f"{where}.starts_after_minutes", "must be a whole number of minutes")
            )
        if "recipients" in item and (
            not isinstance(recipients, list) or not all(isinstance(r, str) for r in recipients)
        ):
            problems.append(Problem(f"{where}.recipients", "must be a list of role names"))
        if len(problems) == count:
            assert isinstance(name, str) and isinstance(start, int)
            assert isinstance(recipients, list)
            tiers.append(Tier(name=name, starts_after_minutes=start, recipients=tuple(recipients)))
    return tuple(tiers) if len(problems) == count else None


# ---------------------------------------------------------------------------------------------
# States and actions
# ---------------------------------------------------------------------------------------------


class VisitState(StrEnum):
    """Where a visit stands, as the hub sees it (the worker sees
    :meth:`Visit.worker_facing_state`)."""

    NOT_ARMED = "not_armed"
    """The hub has not acknowledged the plan: nobody is watching. Say so plainly."""
    ARMED = "armed"
    DUE = "due"
    """Within ``reminder_before_minutes`` of the deadline."""
    OVERDUE = "overdue"
    """Past the deadline, before any tier was alerted (the grace period)."""
    ESCALATING = "escalating"
    """At least one tier was alerted for the current deadline."""
    ALARM = "alarm"
    """A panic or duress alarm that no one has resolved yet."""
    ENDED = "ended"


class ActionKind(StrEnum):
    """What the hub should do now."""

    REMIND_WORKER = "remind_worker"
    ALERT_TIER = "alert_tier"
    """A tier's scheduled alert, or the top tier at once for panic and duress."""
    ESCALATE_UNACKNOWLEDGED = "escalate_unacknowledged"
    """Nobody acknowledged in time: the next tier now, or everyone after the top tier."""
    STOP = "stop"
    """Stand down everyone alerted: the worker checked in or a person resolved it."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Action:
    """One message the hub should send now; record it with :func:`alert_for` once sent.

    ``at`` is when it became due (in the past if the hub was down or slow). ``deadline`` names
    the round (reminders, overdue ladder, its all-clear); ``cause_id`` the alarm or duress
    check-in (alarms and their all-clear). ``welfare_call_decision`` marks an alert to the top
    tier (or everyone): ask the recipient to decide on a 999 welfare call.
    """

    kind: ActionKind
    visit_id: str
    tier: str
    recipients: tuple[str, ...]
    at: datetime
    reason: AlertReason
    deadline: datetime | None = None
    cause_id: str | None = None
    welfare_call_decision: bool = False


def alert_for(action: Action, *, id: str, raised_at: datetime) -> EscalationAlert:
    """The record the hub stores once it has carried out ``action`` (so it is not repeated)."""
    return EscalationAlert(
        id=id,
        visit_id=action.visit_id,
        tier=action.tier,
        raised_at=raised_at,
        recipients=action.recipients,
        reason=action.reason,
        deadline=action.deadline,
        cause_id=action.cause_id,
    )


# ---------------------------------------------------------------------------------------------
# The timer
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Timer:
    deadline: datetime | None
    set_at: datetime
    """When the current deadline was set: the plan's start or the last check-in."""
    expected_end: datetime


_ENDING = (CheckInKind.END_VISIT, CheckInKind.HOME_SAFE)


def _aware(name: str, value: datetime) -> None:
    if value.utcoffset() is None:
        raise ValueError(f"{name} must include a time zone")


def _timer(
    plan: VisitPlan, check_ins: Iterable[CheckIn], resolutions: Iterable[AlarmResolution]
) -> _Timer:
    interval = timedelta(minutes=plan.interval_minutes)
    end = plan.expected_end
    events: list[tuple[datetime, str, CheckIn | AlarmResolution]] = [
        (c.at, c.id, c) for c in check_ins if c.visit_id == plan.id
    ]
    events += [(r.at, r.id, r) for r in resolutions if r.visit_id == plan.id]
    events.sort(key=lambda event: (event[0], event[1]))
    deadline = min(plan.starts_at + interval, end)
    set_at = plan.starts_at
    for at, _, event in events:
        if isinstance(event, CheckIn):
            if event.kind in _ENDING:
                return _Timer(None, at, end)
            if event.kind is CheckInKind.EXTEND:
                end = max(end, at) + timedelta(minutes=event.extend_minutes or 0)
        # safe, duress (identical on purpose), extend, or a resolution by staff
        deadline = at + interval if at >= end else min(at + interval, end)
        set_at = at
    return _Timer(deadline, set_at, end)


def next_deadline(
    plan: VisitPlan,
    check_ins: Iterable[CheckIn],
    *,
    resolutions: Iterable[AlarmResolution] = (),
) -> datetime | None:
    """When the next check-in is due, or None once the visit ended (see the module doc)."""
    return _timer(plan, check_ins, resolutions).deadline


def escalation_starts_at(
    plan: VisitPlan,
    check_ins: Iterable[CheckIn],
    policy: EscalationPolicy,
    *,
    resolutions: Iterable[AlarmResolution] = (),
) -> datetime | None:
    """When the first tier would be alerted if the worker does not check in (for "armed")."""
    deadline = next_deadline(plan, check_ins, resolutions=resolutions)
    if deadline is None:
        return None
    return deadline + timedelta(minutes=policy.tiers[0].starts_after_minutes)


def reminder_times(
    plan: VisitPlan,
    check_ins: Iterable[CheckIn],
    policy: EscalationPolicy,
    *,
    resolutions: Iterable[AlarmResolution] = (),
) -> list[datetime]:
    """When the worker is reminded about the current deadline (the laptop's own notices too)."""
    timer = _timer(plan, check_ins, resolutions)
    return [at for at, _ in _reminder_schedule(timer, policy)]


def _reminder_schedule(
    timer: _Timer, policy: EscalationPolicy
) -> list[tuple[datetime, AlertReason]]:
    deadline = timer.deadline
    if deadline is None:
        return []
    schedule: list[tuple[datetime, AlertReason]] = []
    if policy.reminder_before_minutes:
        schedule.append(
            (deadline - timedelta(minutes=policy.reminder_before_minutes), AlertReason.DUE)
        )
    schedule.append((deadline, AlertReason.DUE))
    every = policy.grace_reminder_every_minutes
    if every:
        schedule += [
            (deadline + timedelta(minutes=minutes), AlertReason.OVERDUE)
            for minutes in range(every, policy.grace_minutes, every)
        ]
    return [(at, reason) for at, reason in schedule if at >= timer.set_at]


def as_received(check_in: CheckIn, received_at: datetime) -> CheckIn:
    """The check-in with its time no later than when the hub received it.

    A device clock running fast must not postpone the deadline beyond the moment the hub
    actually heard from the worker. Store the result: the deadline of a round is computed from
    it, and the hub's stored alerts name that deadline.
    """
    if check_in.at > received_at:
        return dataclasses.replace(check_in, at=received_at)
    return check_in


# ---------------------------------------------------------------------------------------------
# Evaluation: one pass gives both the state and the due actions, so they never disagree
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Cause:
    id: str
    at: datetime
    reason: AlertReason


def _causes(check_ins: list[CheckIn], alarms: list[Alarm]) -> list[_Cause]:
    causes = [
        _Cause(
            a.id,
            a.raised_at,
            AlertReason.DURESS if a.kind is AlarmKind.DURESS else AlertReason.PANIC,
        )
        for a in alarms
    ]
    causes += [
        _Cause(c.id, c.at, AlertReason.DURESS) for c in check_ins if c.kind is CheckInKind.DURESS
    ]
    return sorted(causes, key=lambda cause: (cause.at, cause.id))


def _earliest(alerts: Iterable[EscalationAlert]) -> EscalationAlert | None:
    return min(alerts, key=lambda a: (a.raised_at, a.id), default=None)


def _union(alerts: Iterable[EscalationAlert]) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for alert in alerts:
        for role in alert.recipients:
            seen.setdefault(role, None)
    return tuple(seen)


@dataclass(slots=True)
class _Evaluation:
    state: VisitState
    actions: list[Action]


def _evaluate(
    plan: VisitPlan,
    armed_at: datetime | None,
    check_ins: Iterable[CheckIn],
    alarms: Iterable[Alarm],
    alerts: Iterable[EscalationAlert],
    acks: Iterable[AlertAcknowledgement],
    now: datetime,
    policy: EscalationPolicy,
    resolutions: Iterable[AlarmResolution],
    *,
    device_view: bool = False,
    unreachable: Collection[str] = frozenset(),
) -> _Evaluation:
    _aware("now", now)
    if armed_at is None:
        return _Evaluation(VisitState.NOT_ARMED, [])
    _aware("armed_at", armed_at)
    mine_check_ins = [c for c in check_ins if c.visit_id == plan.id]
    mine_alarms = [a for a in alarms if a.visit_id == plan.id]
    mine_alerts = [a for a in alerts if a.visit_id == plan.id]
    mine_resolutions = [r for r in resolutions if r.visit_id == plan.id]
    acked = {ack.alert_id for ack in acks if ack.visit_id == plan.id}
    timer = _timer(plan, mine_check_ins, mine_resolutions)
    ack_timeout = timedelta(minutes=policy.ack_timeout_minutes)
    actions: list[Action] = []

    # Alarms: panic and duress go to the top tier at once; only a resolution ends them.
    live: list[_Cause] = []
    for cause in _causes(mine_check_ins, mine_alarms):
        raised = [a for a in mine_alerts if a.cause_id == cause.id and a.reason is cause.reason]
        if device_view:
            resolved = any(r.at >= cause.at for r in mine_resolutions)
        else:  # hub clock on both sides: resolved if alerted before someone resolved it
            resolved = any(a.raised_at <= r.at for a in raised for r in mine_resolutions)
        if resolved:
            continue
        live.append(cause)
        actions += _alarm_actions(
            plan, cause, raised, acked, now, policy, ack_timeout, unreachable
        )

    # Overdue rounds: ladder alerts of the visit, grouped by the deadline they are about.
    ladder = [
        a
        for a in mine_alerts
        if a.reason is AlertReason.OVERDUE and a.tier != REMINDER_TIER and a.deadline is not None
    ]
    current = [a for a in ladder if a.deadline == timer.deadline]

    # The all-clear: only when no alarm is live (a duress check-in must not stand anyone down).
    if not live:
        actions += _all_clears(plan, timer, ladder, mine_alerts, now)

    if timer.deadline is not None:
        actions += _reminders(plan, timer, mine_alerts, now, policy)
        if not live:
            actions += _ladder_actions(
                plan, timer.deadline, current, acked, now, policy, ack_timeout, unreachable
            )

    actions.sort(key=lambda action: action.at)
    return _Evaluation(_state(timer, live, current, now, policy), actions)


def _state(
    timer: _Timer,
    live: list[_Cause],
    current: list[EscalationAlert],
    now: datetime,
    policy: EscalationPolicy,
) -> VisitState:
    if live:
        return VisitState.ALARM
    if timer.deadline is None:
        return VisitState.ENDED
    if current:
        return VisitState.ESCALATING
    if now >= timer.deadline:
        return VisitState.OVERDUE
    if now >= timer.deadline - timedelta(minutes=policy.reminder_before_minutes):
        return VisitState.DUE
    return VisitState.ARMED


def _alarm_actions(
    plan: VisitPlan,
    cause: _Cause,
    raised: list[EscalationAlert],
    acked: set[str],
    now: datetime,
    policy: EscalationPolicy,
    ack_timeout: timedelta,
    unreachable: Collection[str],
) -> list[Action]:
    silent = cause.reason is AlertReason.DURESS  # never tell the worker's own phone
    top = policy.top
    top_alert = _earliest(a for a in raised if a.tier == top.name)
    if top_alert is None:
        recipients = tuple(r for r in top.recipients if not (silent and r == WORKER_ROLE))
        return [
            Action(
                kind=ActionKind.ALERT_TIER,
                visit_id=plan.id,
                tier=top.name,
                recipients=recipients,
                at=min(cause.at, now),
                reason=cause.reason,
                cause_id=cause.id,
                welfare_call_decision=True,
            )
        ]
    move_up_at = _move_up_at(top_alert, ack_timeout, unreachable, now)
    if (
        top_alert.id not in acked
        and move_up_at <= now
        and not any(a.tier == EVERYONE_TIER for a in raised)
    ):
        return [
            Action(
                kind=ActionKind.ESCALATE_UNACKNOWLEDGED,
                visit_id=plan.id,
                tier=EVERYONE_TIER,
                recipients=policy.everyone(without_worker=silent),
                at=move_up_at,
                reason=cause.reason,
                cause_id=cause.id,
                welfare_call_decision=True,
            )
        ]
    return []


def _all_clears(
    plan: VisitPlan,
    timer: _Timer,
    ladder: list[EscalationAlert],
    alerts: list[EscalationAlert],
    now: datetime,
) -> list[Action]:
    cleared_rounds = {
        a.deadline for a in alerts if a.reason is AlertReason.ALL_CLEAR and a.deadline is not None
    }
    cleared_causes = {
        a.cause_id for a in alerts if a.reason is AlertReason.ALL_CLEAR and a.cause_id is not None
    }
    actions: list[Action] = []
    rounds: dict[datetime, list[EscalationAlert]] = {}
    for alert in ladder:
        if alert.deadline is not None and alert.deadline != timer.deadline:
            rounds.setdefault(alert.deadline, []).append(alert)
    for deadline, raised in sorted(rounds.items()):
        if deadline in cleared_rounds:
            continue
        actions.append(
            Action(
                kind=ActionKind.STOP,
                visit_id=plan.id,
                tier=ALL_CLEAR_TIER,
                recipients=_union(raised),
                at=min(max(max(a.raised_at for a in raised), timer.set_at), now),
                reason=AlertReason.ALL_CLEAR,
                deadline=deadline,
            )
        )
    # Alarms already resolved (this runs only when none is live) that alerted people.
    by_cause: dict[str, list[EscalationAlert]] = {}
    for alert in alerts:
        if alert.cause_id is not None and alert.reason in (AlertReason.PANIC, AlertReason.DURESS):
            by_cause.setdefault(alert.cause_id, []).append(alert)
    for cause_id, raised in sorted(by_cause.items()):
        if cause_id in cleared_causes:
            continue
        actions.append(
            Action(
                kind=ActionKind.STOP,
                visit_id=plan.id,
                tier=ALL_CLEAR_TIER,
                recipients=_union(raised),
                at=min(max(a.raised_at for a in raised), now),
                reason=AlertReason.ALL_CLEAR,
                cause_id=cause_id,
            )
        )
    return actions


def _reminders(
    plan: VisitPlan,
    timer: _Timer,
    alerts: list[EscalationAlert],
    now: datetime,
    policy: EscalationPolicy,
) -> list[Action]:
    deadline = timer.deadline
    assert deadline is not None
    if now >= deadline + timedelta(minutes=policy.tiers[0].starts_after_minutes):
        return []  # the grace is over: the tiers have taken over from reminders
    due = [(at, reason) for at, reason in _reminder_schedule(timer, policy) if at <= now]
    if not due:
        return []
    at, reason = max(due)
    already = any(
        a.tier == REMINDER_TIER and a.deadline == deadline and a.raised_at >= at for a in alerts
    )
    if already:
        return []
    return [
        Action(
            kind=ActionKind.REMIND_WORKER,
            visit_id=plan.id,
            tier=REMINDER_TIER,
            recipients=(WORKER_ROLE,),
            at=at,
            reason=reason,
            deadline=deadline,
        )
    ]


def _ladder_actions(
    plan: VisitPlan,
    deadline: datetime,
    current: list[EscalationAlert],
    acked: set[str],
    now: datetime,
    policy: EscalationPolicy,
    ack_timeout: timedelta,
    unreachable: Collection[str],
) -> list[Action]:
    actions: list[Action] = []
    previous: EscalationAlert | None = None  # the tier below, if it was sent and recorded
    top_index = len(policy.tiers) - 1
    for index, tier in enumerate(policy.tiers):
        recorded = _earliest(a for a in current if a.tier == tier.name)
        if recorded is not None:
            previous = recorded
            continue
        scheduled = deadline + timedelta(minutes=tier.starts_after_minutes)
        fire, kind = scheduled, ActionKind.ALERT_TIER
        if previous is not None and previous.id not in acked:
            move_up_at = _move_up_at(previous, ack_timeout, unreachable, now)
            if move_up_at < scheduled:
                fire, kind = move_up_at, ActionKind.ESCALATE_UNACKNOWLEDGED
        if fire > now:
            return actions
        actions.append(
            Action(
                kind=kind,
                visit_id=plan.id,
                tier=tier.name,
                recipients=tier.recipients,
                at=fire,
                reason=AlertReason.OVERDUE,
                deadline=deadline,
                welfare_call_decision=index == top_index,
            )
        )
        previous = None  # being sent now: it gets its own time to be acknowledged
    top_alert = _earliest(a for a in current if a.tier == policy.top.name)
    if top_alert is None or top_alert.id in acked:
        return actions
    move_up_at = _move_up_at(top_alert, ack_timeout, unreachable, now)
    if move_up_at <= now and not any(a.tier == EVERYONE_TIER for a in current):
        actions.append(
            Action(
                kind=ActionKind.ESCALATE_UNACKNOWLEDGED,
                visit_id=plan.id,
                tier=EVERYONE_TIER,
                recipients=policy.everyone(),
                at=move_up_at,
                reason=AlertReason.OVERDUE,
                deadline=deadline,
                welfare_call_decision=True,
            )
        )
    return actions


def _move_up_at(
    alert: EscalationAlert, ack_timeout: timedelta, unreachable: Collection[str], now: datetime
) -> datetime:
    """When an unacknowledged alert moves up to the next tier: after the acknowledgement
    timeout, or now if the hub could reach nobody with it (falls through, issue 13)."""
    if alert.id in unreachable:
        return min(alert.raised_at + ack_timeout, max(alert.raised_at, now))
    return alert.raised_at + ack_timeout


# ---------------------------------------------------------------------------------------------
# The visit: one plan and its records, with the rules above as its methods
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class Visit:
    """One lone-working visit: its plan and every record about it that a place holds.

    The one model of "a visit and its records" the hub's watch, the supervisor's board and the
    worker's Visits page all use. ``armed_at`` is when the hub acknowledged the plan (None: not
    armed). Records of other visits are never counted, whatever the tuples hold.

    * :meth:`state` is the hub's view (duress shows as ``ALARM``); :meth:`worker_facing_state`
      the worker's own screen (duress reads exactly as safe).
    * :meth:`due_actions` is everything the hub should send now and has not sent yet.
    """

    plan: VisitPlan
    armed_at: datetime | None = None
    check_ins: tuple[CheckIn, ...] = ()
    alarms: tuple[Alarm, ...] = ()
    alerts: tuple[EscalationAlert, ...] = ()
    acks: tuple[AlertAcknowledgement, ...] = ()
    resolutions: tuple[AlarmResolution, ...] = ()
    deliveries: tuple[AlertDelivery, ...] = ()

    @classmethod
    def collect(
        cls, plan: VisitPlan, records: Iterable[object], *, armed_at: datetime | None
    ) -> Visit:
        """The visit of ``plan`` with each of ``records`` about it filed by its kind, in the
        order given (records of other visits and other kinds are left out)."""
        check_ins: list[CheckIn] = []
        alarms: list[Alarm] = []
        alerts: list[EscalationAlert] = []
        acks: list[AlertAcknowledgement] = []
        resolutions: list[AlarmResolution] = []
        deliveries: list[AlertDelivery] = []
        for record in records:
            if getattr(record, "visit_id", None) != plan.id:
                continue
            if isinstance(record, CheckIn):
                check_ins.append(record)
            elif isinstance(record, Alarm):
                alarms.append(record)
            elif isinstance(record, EscalationAlert):
                alerts.append(record)
            elif isinstance(record, AlertAcknowledgement):
                acks.append(record)
            elif isinstance(record, AlarmResolution):
                resolutions.append(record)
            elif isinstance(record, AlertDelivery):
                deliveries.append(record)
        return cls(
            plan=plan,
            armed_at=armed_at,
            check_ins=tuple(check_ins),
            alarms=tuple(alarms),
            alerts=tuple(alerts),
            acks=tuple(acks),
            resolutions=tuple(resolutions),
            deliveries=tuple(deliveries),
        )

    @property
    def id(self) -> str:
        """The visit's id: its plan's."""
        return self.plan.id

    def with_alert(self, alert: EscalationAlert) -> Visit:
        """The visit once the hub has stored ``alert`` too."""
        return dataclasses.replace(self, alerts=(*self.alerts, alert))

    # -- the timer ---------------------------------------------------------------------------
    def next_deadline(self) -> datetime | None:
        """When the next check-in is due, or None once the visit ended (:func:`next_deadline`)."""
        return next_deadline(self.plan, self.check_ins, resolutions=self.resolutions)

    def escalation_starts_at(self, policy: EscalationPolicy) -> datetime | None:
        """When the first tier would be alerted if nothing more arrives (None: visit over)."""
        return escalation_starts_at(self.plan, self.check_ins, policy, resolutions=self.resolutions)

    def reminder_times(self, policy: EscalationPolicy) -> list[datetime]:
        """When the worker is reminded about the current deadline."""
        return reminder_times(self.plan, self.check_ins, policy, resolutions=self.resolutions)

    @property
    def ended_at(self) -> datetime | None:
        """When the worker first ended the visit or said she was home safe (None: not yet)."""
        return min((c.at for c in self.check_ins if c.kind in _ENDING), default=None)

    # -- state and actions ---------------------------------------------------------------------
    def state(self, now: datetime, policy: EscalationPolicy) -> VisitState:
        """Where the visit stands at ``now``: the hub's view (it shows duress as ``ALARM``)."""
        return _evaluate(
            self.plan, self.armed_at, self.check_ins, self.alarms, self.alerts, self.acks, now,
            policy, self.resolutions,
        ).state

    def due_actions(
        self,
        now: datetime,
        policy: EscalationPolicy,
        *,
        unreachable: Collection[str] = frozenset(),
    ) -> list[Action]:
        """Everything the hub should send at ``now`` and has not sent yet, oldest first.

        Idempotent: once each action is stored (:func:`alert_for`), the same call returns
        nothing new. Nothing is due for a plan the hub has not armed. ``unreachable`` holds the
        ids of alerts that reached nobody (no one to send to, or every notice failed): an
        unacknowledged one moves up to the next tier at once instead of after the
        acknowledgement timeout.
        """
        return _evaluate(
            self.plan, self.armed_at, self.check_ins, self.alarms, self.alerts, self.acks, now,
            policy, self.resolutions, unreachable=unreachable,
        ).actions

    def worker_facing_state(self, now: datetime, policy: EscalationPolicy) -> VisitState:
        """The visit's state for the worker's own screen: duress check-ins count as safe and
        duress alarms are not shown, so the screen is exactly what a safe check-in would give.

        It never shows ``ESCALATING`` (the worker's laptop does not track the hub's alerts):
        after the deadline it says ``OVERDUE`` until she checks in.
        """
        shown = [worker_facing_check_in(c) for c in self.check_ins]
        panics = [a for a in self.alarms if a.kind is AlarmKind.PANIC]
        return _evaluate(
            self.plan, self.armed_at, shown, panics, (), (), now, policy, self.resolutions,
            device_view=True,
        ).state

    # -- what the records say --------------------------------------------------------------------
    def duress_causes(self) -> set[str]:
        """Ids of the duress alarms and duress check-ins (their alerts stay off her laptop)."""
        causes = {a.id for a in self.alarms if a.kind is AlarmKind.DURESS}
        causes.update(c.id for c in self.check_ins if c.kind is CheckInKind.DURESS)
        return causes

    def live_panic_alarms(self) -> list[Alarm]:
        """Panic alarms no resolution followed, as the worker's laptop sees them (duress
        alarms are never shown to the worker)."""
        return [
            a
            for a in self.alarms
            if a.kind is AlarmKind.PANIC and not any(r.at >= a.raised_at for r in self.resolutions)
        ]

    def delivery_of(self, alert_id: str) -> AlertDelivery | None:
        """What became of an alert's notices, as the hub last said (None: not heard yet)."""
        return next((d for d in self.deliveries if d.alert_id == alert_id), None)


# ---------------------------------------------------------------------------------------------
# What the worker sees: duress is indistinguishable from safe
# ---------------------------------------------------------------------------------------------

_LABELS: Final = {
    CheckInKind.SAFE: tr.noop("Checked in: safe"),
    CheckInKind.END_VISIT: tr.noop("Visit ended"),
    CheckInKind.HOME_SAFE: tr.noop("Home safe"),
}


def worker_facing_check_in(check_in: CheckIn) -> CheckIn:
    """The check-in as the worker's own screens must show it: duress becomes safe.

    The UI renders every check-in through this, so it never branches on duress.
    """
    if check_in.kind is CheckInKind.DURESS:
        return dataclasses.replace(check_in, kind=CheckInKind.SAFE)
    return check_in


def check_in_label(check_in: CheckIn) -> str:
    """The words the worker sees for a check-in; a duress check-in reads exactly as safe."""
    shown = worker_facing_check_in(check_in)
    if shown.kind is CheckInKind.EXTEND:
        return tr("Extended by {minutes} minutes").format(
            minutes=number(shown.extend_minutes or 0)
        )
    return tr(_LABELS[shown.kind])


# ---------------------------------------------------------------------------------------------
# Check-in by text message (StaySafe-style, for 2G-only places)
# ---------------------------------------------------------------------------------------------


class SmsCommandKind(StrEnum):
    """What a worker's text message asks for."""

    SAFE = "safe"
    EXTEND = "extend"
    HELP = "help"


@dataclass(frozen=True, slots=True)
class SmsCommand:
    """A parsed text message: SAFE, EXTEND with minutes, or HELP (a panic alarm)."""

    kind: SmsCommandKind
    minutes: int | None = None


SMS_USAGE: Final = (
    f"Reply SAFE to check in, EXTEND and minutes ({MIN_CHECK_IN_MINUTES}-{MAX_CHECK_IN_MINUTES}, "
    "e.g. EXTEND 30) to extend your visit, or HELP to raise the alarm."
)
"""The reply to a message that is not a command."""

_SMS_TOKENS = re.compile(r"[A-Z]+|[0-9]+")
_MINUTE_WORDS = frozenset({"M", "MIN", "MINS", "MINUTE", "MINUTES"})


def sms_command(text: str) -> SmsCommand | None:
    """Parse a worker's text message; None if it is not a command (reply :data:`SMS_USAGE`).

    Case, spaces and punctuation do not matter ("safe.", "Extend: 30 mins", "EXTEND30"). The
    rules lean the safe way: ``HELP`` anywhere raises the alarm ("help me", "HELP!!"), a false
    alarm being cheap, while ``SAFE`` must be the whole message, so "not safe" or "I don't feel
    safe" are never taken for a check-in. EXTEND outside the allowed minutes is not a command.
    """
    tokens = _SMS_TOKENS.findall(text.upper())
    if "HELP" in tokens:
        return SmsCommand(SmsCommandKind.HELP)
    if tokens == ["SAFE"]:
        return SmsCommand(SmsCommandKind.SAFE)
    if (
        len(tokens) in (2, 3)
        and tokens[0] == "EXTEND"
        and tokens[1].isdigit()
        and len(tokens[1]) <= 3
        and (len(tokens) == 2 or tokens[2] in _MINUTE_WORDS)
    ):
        minutes = int(tokens[1])
        if MIN_CHECK_IN_MINUTES <= minutes <= MAX_CHECK_IN_MINUTES:
            return SmsCommand(SmsCommandKind.EXTEND, minutes)
    return None


def check_in_from_sms(
    command: SmsCommand,
    *,
    id: str,
    visit_id: str,
    at: datetime,
) -> CheckIn | Alarm:
    """The record a text message makes: a check-in, or a panic alarm for HELP."""
    if command.kind is SmsCommandKind.HELP:
        return Alarm(id=id, visit_id=visit_id, raised_at=at, kind=AlarmKind.PANIC)
    if command.kind is SmsCommandKind.EXTEND:
        return CheckIn(
            id=id,
            visit_id=visit_id,
            kind=CheckInKind.EXTEND,
            at=at,
            extend_minutes=command.minutes,
            channel=CheckInChannel.SMS,
        )
    return CheckIn(
        id=id, visit_id=visit_id, kind=CheckInKind.SAFE, at=at, channel=CheckInChannel.SMS
    )


# ---------------------------------------------------------------------------------------------
# Plans never name the young person; resolutions prompt a debrief
# ---------------------------------------------------------------------------------------------

_NAME_PART_MIN_CHARS = 3


def name_warnings(plan: VisitPlan, names: Iterable[str]) -> list[Problem]:
    """Fields of the plan whose free text contains one of ``names`` (the caseload's names).

    The plan goes to the buddy and the on-call manager, who need the place, not the child. A
    whole name, or any part of it of 3+ letters, found as a word counts (case-insensitive). The
    messages never repeat the name. A warning, not a rule: "Rose Street" may trip it.
    """
    parts: set[str] = set()
    for name in names:
        cleaned = " ".join(name.split()).casefold()
        if cleaned:
            parts.add(cleaned)
            parts.update(p for p in cleaned.split(" ") if len(p) >= _NAME_PART_MIN_CHARS)
    if not parts:
        return []
    pattern = re.compile(
        r"(?<!\w)(?:"
        + "|".join(re.escape(p) for p in sorted(parts, key=len, reverse=True))
        + r")(?!\w)"
    )
    fields = {
        "location": plan.location,
        "case_reference": plan.case_reference or "",
        "vehicle": plan.vehicle,
        "amber_note": plan.amber_note,
    }
    return [
        Problem(field, tr("may contain a young person's name; use the case reference instead"))
        for field, text in fields.items()
        if pattern.search(" ".join(text.split()).casefold())
    ]


def welfare_debrief_for(
    resolution: AlarmResolution,
    *,
    id: str,
    supervisor: str,
    within_days: int = DEBRIEF_WITHIN_DAYS,
) -> WelfareDebrief:
    """The supervisor's task to debrief the worker, due ``within_days`` of the resolution."""
    due: date = resolution.at.date() + timedelta(days=within_days)
    return WelfareDebrief(id=id, visit_id=resolution.visit_id, supervisor=supervisor, due_on=due)


def debrief_done(debrief: WelfareDebrief, done: WelfareDebriefDone) -> WelfareDebrief:
    """The debrief task ticked off by ``done`` (on the day of ``done.at``, UTC). A debrief
    already done stays as it is: the first completion counts."""
    if debrief.done:
        return debrief
    return dataclasses.replace(debrief, done=True, done_on=done.at.astimezone(UTC).date())


@dataclass(frozen=True, slots=True)
class DebriefTask:
    """A welfare debrief as the supervisors' to-do list shows it.

    ``resolution`` is the resolution that prompted it (None if this laptop does not hold it),
    ``alarm_at`` when the trouble it followed began (the alarm, a duress check-in, or else the
    first alert of a missed check-in), ``done`` the earliest completion known here.
    """

    debrief: WelfareDebrief
    resolution: AlarmResolution | None = None
    alarm_at: datetime | None = None
    done: WelfareDebriefDone | None = None

    @property
    def is_done(self) -> bool:
        """Done on the hub (the task says so) or here (a completion names it)."""
        return self.debrief.done or self.done is not None

    def overdue(self, today: date) -> bool:
        """Still to do after the day it was due."""
        return not self.is_done and today > self.debrief.due_on


def debrief_tasks(
    debriefs: Iterable[WelfareDebrief],
    resolutions: Iterable[AlarmResolution],
    *,
    alarms: Iterable[Alarm] = (),
    check_ins: Iterable[CheckIn] = (),
    alerts: Iterable[EscalationAlert] = (),
    dones: Iterable[WelfareDebriefDone] = (),
) -> list[DebriefTask]:
    """Each debrief with what a supervisor needs to see about it, oldest due first.

    A debrief does not name its resolution: it is the one on the same visit by the same
    supervisor whose day gives its due date (:func:`welfare_debrief_for`); several such are
    paired in order (debrief ids are time-ordered, made in the order of the resolutions).
    """
    resolved = sorted(resolutions, key=lambda r: (r.at, r.id))
    by_key: dict[tuple[str, str, date], list[AlarmResolution]] = {}
    by_visit: dict[str, list[AlarmResolution]] = {}
    for made in resolved:
        due = made.at.date() + timedelta(days=DEBRIEF_WITHIN_DAYS)
        by_key.setdefault((made.visit_id, made.by, due), []).append(made)
        by_visit.setdefault(made.visit_id, []).append(made)
    alarm_list, check_in_list, alert_list = list(alarms), list(check_ins), list(alerts)
    first_done: dict[str, WelfareDebriefDone] = {}
    for done in sorted(dones, key=lambda d: (d.at, d.id)):
        first_done.setdefault(done.debrief_id, done)
    taken: dict[tuple[str, str, date], int] = {}
    tasks = []
    for debrief in sorted(debriefs, key=lambda d: d.id):
        key = (debrief.visit_id, debrief.supervisor, debrief.due_on)
        candidates = by_key.get(key, [])
        position = taken.get(key, 0)
        taken[key] = position + 1
        resolution: AlarmResolution | None
        if position < len(candidates):
            resolution = candidates[position]
        else:  # not held here, or made with another due rule: the latest that fits best
            same = [r for r in by_visit.get(debrief.visit_id, []) if r.by == debrief.supervisor]
            fallback = same or by_visit.get(debrief.visit_id, [])
            resolution = fallback[-1] if fallback else None
        alarm_at = (
            None
            if resolution is None
            else _trouble_began(
                resolution, by_visit[resolution.visit_id], alarm_list, check_in_list, alert_list
            )
        )
        tasks.append(DebriefTask(debrief, resolution, alarm_at, first_done.get(debrief.id)))
    earliest = datetime.min.replace(tzinfo=UTC)
    tasks.sort(
        key=lambda t: (
            t.debrief.due_on,
            t.resolution.at if t.resolution is not None else earliest,
            t.debrief.id,
        )
    )
    return tasks


def _trouble_began(
    resolution: AlarmResolution,
    visit_resolutions: list[AlarmResolution],
    alarms: list[Alarm],
    check_ins: list[CheckIn],
    alerts: list[EscalationAlert],
) -> datetime | None:
    """When the trouble a resolution closed began: the first alarm or duress check-in since
    the visit's previous resolution, or else its first alert (a missed check-in)."""
    earlier = [r.at for r in visit_resolutions if r.at < resolution.at]
    since = max(earlier, default=None)

    def within(at: datetime) -> bool:
        return at <= resolution.at and (since is None or at > since)

    visit = resolution.visit_id
    causes = [a.raised_at for a in alarms if a.visit_id == visit and within(a.raised_at)]
    causes += [
        c.at
        for c in check_ins
        if c.visit_id == visit and c.kind is CheckInKind.DURESS and within(c.at)
    ]
    if causes:
        return min(causes)
    raised = [
        a.raised_at
        for a in alerts
        if a.visit_id == visit
        and a.tier not in (REMINDER_TIER, ALL_CLEAR_TIER)
        and within(a.raised_at)
    ]
    return min(raised, default=None)
