"""Lone-working records: visit plans, check-ins, alarms, alerts and their deliveries, debriefs.

The rules of the timer and the escalation ladder are in ``spokeapp.domain.lone_working``.
"""

from __future__ import annotations

import dataclasses
import re
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import ClassVar, Final

from spokeapp.domain.errors import Problem
from spokeapp.domain.records.checks import (
    _aware,
    _joined,
    _max_length,
    _min_length,
    _optional_id,
    _raise_if,
    _require,
    _require_all,
)
from spokeapp.domain.records.fields import _RecordFields
from spokeapp.domain.records.uk import (
    _POSTCODE_ATTEMPT,
    is_uk_mobile,
    is_uk_postcode,
    normalise_phone_number,
)
from spokeapp.i18n import number, translator

tr = translator(__name__)

# ---------------------------------------------------------------------------------------------
# Lone working (the rules of the timer and the ladder are in spokeapp.domain.lone_working)
# ---------------------------------------------------------------------------------------------
#
# Every lone-working record has ``case_id = None`` on purpose. The hub checks the case scope of
# any record that names a case, and refuses it if the case is not (yet) on the hub in the
# author's caseload. Safety kinds travel first and alone, so a visit to a case opened offline
# would never arm; and reassigning a case would purge the worker's own safety records from her
# laptop. Uncased records are seen by their author and the author's team supervisors, which is
# who needs them. A visit plan keeps its link to the case as ``linked_case_id`` (data only).

class CheckInKind(StrEnum):
    """What a lone-working check-in says (see ``spokeapp.domain.lone_working``).

    ``DURESS`` travels on the wire so the hub can raise the top-tier alert, but the worker's
    screen must never show it: render check-ins through ``worker_facing_check_in`` /
    ``check_in_label``, which show a duress check-in exactly as a safe one.
    """

    SAFE = "safe"
    EXTEND = "extend"
    END_VISIT = "end_visit"
    HOME_SAFE = "home_safe"
    DURESS = "duress"


class CheckInChannel(StrEnum):
    """How a check-in reached Spoke: the app, a text message, or a call taken by hub staff."""

    APP = "app"
    SMS = "sms"
    PHONE = "phone"


class AlarmKind(StrEnum):
    """An alarm raised by (or for) a lone worker: both go straight to the top tier."""

    PANIC = "panic"
    DURESS = "duress"


class AlertReason(StrEnum):
    """Why the hub sent a lone-working message (kept with every :class:`EscalationAlert`).

    ``DUE`` and ``OVERDUE`` are the worker's reminders and the overdue ladder, ``PANIC`` and
    ``DURESS`` the alarms, ``ALL_CLEAR`` the stand-down sent to everyone who was alerted once
    the worker checked in or a person resolved the alert.
    """

    DUE = "due"
    OVERDUE = "overdue"
    PANIC = "panic"
    DURESS = "duress"
    ALL_CLEAR = "all_clear"

MIN_CHECK_IN_MINUTES = 5
MAX_CHECK_IN_MINUTES = 240
DEFAULT_CHECK_IN_MINUTES = 60
HIGH_RISK_CHECK_IN_MINUTES = 30
MAX_VISIT_HOURS = 12
MIN_RESOLUTION_NOTE_CHARS = 10
MIN_DEBRIEF_NOTE_CHARS = 10
_MAX_LOCATION_CHARS = 200
_MAX_SHORT_TEXT_CHARS = 100
_MAX_NOTE_CHARS = 1000

# A case reference is a pseudonym such as "YP-0007": letters, digits and dashes with at least
# one digit, so that a bare first name can never be typed into the field.
_CASE_REFERENCE = re.compile(r"(?=[A-Za-z-]*[0-9])[A-Za-z0-9-]{2,20}")
_ROLE_NAME = re.compile(r"[a-z][a-z0-9_]{0,39}")
def _check_in_minutes(problems: list[Problem], name: str, minutes: int) -> None:
    if not MIN_CHECK_IN_MINUTES <= minutes <= MAX_CHECK_IN_MINUTES:
        problems.append(
            Problem(
                name,
                tr("must be between {least} and {most} minutes").format(
                    least=number(MIN_CHECK_IN_MINUTES), most=number(MAX_CHECK_IN_MINUTES)
                ),
            )
        )


class _LoneWorkingRecord(_RecordFields):
    """What every lone-working record shares: it names no case (see the note above)."""

    __slots__ = ()

    @property
    def case_id(self) -> None:
        """Never set: see the note above the lone-working records (``linked_case_id`` instead)."""
        return None


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class VisitPlan(_LoneWorkingRecord):
    """A lone visit the hub watches: where, until when, how often to check in, whom to call.

    The plan is read by the buddy and the on-call manager, so it never holds the young person's
    name: there is no name field, ``case_reference`` must be the pseudonym (e.g. "YP-0007", at
    least one digit), and ``lone_working.name_warnings`` checks the free text against the
    caseload's names. ``check_in_interval_minutes`` left empty (None) means the default for the
    visit's risk, 60 minutes or 30 for a high-risk visit (``lone_working.default_interval``); it
    stays None rather than being filled in, so that marking a draft high-risk afterwards still
    gets the shorter default. Use :attr:`interval_minutes` for the interval in force.
    """

    KIND: ClassVar[str] = "visit_plan"
    EVENT: ClassVar[bool] = True

    id: str
    worker: str
    location: str
    starts_at: datetime
    expected_end: datetime
    mobile_number: str
    buddy_name: str
    buddy_phone: str
    high_risk: bool = False
    check_in_interval_minutes: int | None = None
    case_reference: str | None = None
    linked_case_id: str | None = None
    vehicle: str = ""
    amber_note: str = ""

    @property
    def interval_minutes(self) -> int:
        """Minutes between check-ins in force: the chosen interval, or the risk's default."""
        minutes = self.check_in_interval_minutes
        if minutes is not None:
            return minutes
        return HIGH_RISK_CHECK_IN_MINUTES if self.high_risk else DEFAULT_CHECK_IN_MINUTES

    def validate(self) -> None:
        """Raise ValidationError listing every broken rule of a visit plan."""
        problems: list[Problem] = []
        _require_all(problems, self, "id", "worker", "location")
        _max_length(problems, "location", self.location, _MAX_LOCATION_CHARS)
        stripped = self.location.strip()
        if _POSTCODE_ATTEMPT.fullmatch(stripped) and not is_uk_postcode(stripped):
            problems.append(
                Problem(
                    "location",
                    tr(
                        "looks like a postcode but is not a valid UK postcode (e.g. SW1A 1AA); "
                        "check it or describe the place"
                    ),
                )
            )
        if self.case_reference is not None and not _CASE_REFERENCE.fullmatch(self.case_reference):
            problems.append(
                Problem(
                    "case_reference",
                    tr("must be the case's pseudonymous reference (e.g. YP-0007), never a name"),
                )
            )
        _optional_id(problems, "linked_case_id", self.linked_case_id)
        starts_ok = _aware(problems, "starts_at", self.starts_at)
        ends_ok = _aware(problems, "expected_end", self.expected_end)
        if starts_ok and ends_ok:
            if self.expected_end <= self.starts_at:
                problems.append(Problem("expected_end", tr("must be after the start")))
            elif self.expected_end - self.starts_at > timedelta(hours=MAX_VISIT_HOURS):
                problems.append(
                    Problem(
                        "expected_end",
                        tr(
                            "must be at most {hours} hours after the start; "
                            "plan a new visit instead"
                        ).format(hours=number(MAX_VISIT_HOURS)),
                    )
                )
        _check_in_minutes(problems, "check_in_interval_minutes", self.interval_minutes)
        mobile = normalise_phone_number(self.mobile_number)
        if mobile is None or (mobile.startswith("+44") and not is_uk_mobile(mobile)):
            problems.append(Problem(
                "mobile_number",
                tr("must be a mobile number, e.g. 07700 900123 or +44 7700 900123"),
            ))
        _require(problems, "buddy_name", self.buddy_name)
        _max_length(problems, "buddy_name", self.buddy_name, _MAX_SHORT_TEXT_CHARS)
        if normalise_phone_number(self.buddy_phone) is None:
            problems.append(Problem(
                "buddy_phone", tr("must be a phone number, e.g. 07700 900456 or +44 20 7946 0018")
            ))
        _max_length(problems, "vehicle", self.vehicle, _MAX_SHORT_TEXT_CHARS)
        _max_length(problems, "amber_note", self.amber_note, _MAX_NOTE_CHARS)
        _raise_if(problems)

    def searchable_text(self) -> str:
        """Location, case reference, vehicle and the amber note."""
        return _joined(self.location, self.case_reference, self.vehicle, self.amber_note)


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class CheckIn(_LoneWorkingRecord):
    """A check-in on a visit: safe, extend, end of visit, home safe, or (silently) duress.

    ``at`` is the device's local time when the worker checked in (metadata: device clocks are
    not trusted for ordering; the hub clamps it with ``lone_working.as_received``). ``kind`` is
    left out of ``repr`` and ``searchable_text`` is empty so that neither a log line nor a search
    can reveal a duress check-in.
    """

    KIND: ClassVar[str] = "check_in"
    EVENT: ClassVar[bool] = True

    id: str
    visit_id: str
    kind: CheckInKind = dataclasses.field(repr=False)
    at: datetime
    extend_minutes: int | None = None
    channel: CheckInChannel = CheckInChannel.APP

    def validate(self) -> None:
        """Raise ValidationError listing every broken rule of a check-in."""
        problems: list[Problem] = []
        _require_all(problems, self, "id", "visit_id")
        _aware(problems, "at", self.at)
        if self.kind is CheckInKind.EXTEND:
            if self.extend_minutes is None:
                problems.append(Problem("extend_minutes", tr("say by how many minutes to extend")))
            else:
                _check_in_minutes(problems, "extend_minutes", self.extend_minutes)
        elif self.extend_minutes is not None:
            problems.append(Problem("extend_minutes", tr("is only given when extending a visit")))
        _raise_if(problems)

    def searchable_text(self) -> str:
        """Nothing: a check-in has no free text, and its kind must never be findable."""
        return ""


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class Alarm(_LoneWorkingRecord):
    """A panic (or duress) alarm on a visit: the hub alerts its top tier at once."""

    KIND: ClassVar[str] = "alarm"
    EVENT: ClassVar[bool] = True

    id: str
    visit_id: str
    raised_at: datetime
    kind: AlarmKind = AlarmKind.PANIC
    note: str = ""

    def validate(self) -> None:
        """Raise ValidationError listing every broken rule of an alarm."""
        problems: list[Problem] = []
        _require_all(problems, self, "id", "visit_id")
        _aware(problems, "raised_at", self.raised_at)
        _max_length(problems, "note", self.note, _MAX_NOTE_CHARS)
        _raise_if(problems)

    def searchable_text(self) -> str:
        """The note of a panic alarm; nothing for duress (which must stay invisible)."""
        return "" if self.kind is AlarmKind.DURESS else _joined(self.note)


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class EscalationAlert(_LoneWorkingRecord):
    """One message the hub sent about a visit: a reminder, a tier alert, or the all-clear.

    Written by the hub when it carries out a ``lone_working.Action`` (``alert_for``), so that
    ``lone_working.due_actions`` never repeats it. ``deadline`` is the check-in deadline the
    message is about (reminders, the overdue ladder and its all-clear); ``cause_id`` is the
    alarm or duress check-in that caused it (panic and duress, and their all-clear).
    """

    KIND: ClassVar[str] = "escalation_alert"
    EVENT: ClassVar[bool] = True

    id: str
    visit_id: str
    tier: str
    raised_at: datetime
    recipients: tuple[str, ...]
    reason: AlertReason
    deadline: datetime | None = None
    cause_id: str | None = None

    def validate(self) -> None:
        """Raise ValidationError listing every broken rule of an alert."""
        problems: list[Problem] = []
        _require_all(problems, self, "id", "visit_id", "tier")
        _aware(problems, "raised_at", self.raised_at)
        _aware(problems, "deadline", self.deadline)
        if not self.recipients:
            problems.append(Problem("recipients", tr("name at least one recipient")))
        elif not all(_ROLE_NAME.fullmatch(r) for r in self.recipients):
            problems.append(
                Problem(
                    "recipients", tr("each must be a role name such as buddy or on_call_manager")
                )
            )
        timed = self.reason in (AlertReason.DUE, AlertReason.OVERDUE)
        alarm = self.reason in (AlertReason.PANIC, AlertReason.DURESS)
        if timed and self.deadline is None:
            problems.append(Problem("deadline", tr("is required for a reminder or overdue alert")))
        if alarm and self.cause_id is None:
            problems.append(Problem("cause_id", tr("is required for a panic or duress alert")))
        if self.reason is AlertReason.ALL_CLEAR and (self.deadline is None) == (
            self.cause_id is None
        ):
            problems.append(
                Problem("deadline", tr("an all-clear names either the deadline or the cause"))
            )
        _optional_id(problems, "cause_id", self.cause_id)
        _raise_if(problems)

    def searchable_text(self) -> str:
        """Nothing: alerts are found by visit, never by text."""
        return ""


#: What became of one notification of an :class:`AlertDelivery` (docs/architecture.md).
DELIVERY_PENDING: Final = "pending"
DELIVERY_RETRYING: Final = "retrying"
DELIVERY_SENT: Final = "sent"
DELIVERY_FAILED: Final = "failed"
DELIVERY_STATUSES: Final = frozenset(
    {DELIVERY_PENDING, DELIVERY_RETRYING, DELIVERY_SENT, DELIVERY_FAILED}
)


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class AlertDelivery(_LoneWorkingRecord):
    """What became of the notifications of one :class:`EscalationAlert` (issue 13).

    Written by the hub with its alert, authored like it (so it reaches the same laptops) and
    re-versioned each time one of its notifications changes state. One entry per notice in
    the parallel tuples: the channel (``email``, ``sms``, ``webhook``), the role it was for
    (``buddy``, ``on_call_manager``... or ``webhook``), its status (``pending``,
    ``retrying``, ``sent``, ``failed`` = given up), a short reason code for the last failure
    ("" if none) and the attempts made. ``unreached`` names the alert's roles the hub had no
    way to reach at all (no contact, or no notifier for their contact details): nothing was
    ever sent to them. No addresses or numbers: the board says who by role.
    """

    KIND: ClassVar[str] = "alert_delivery"
    EVENT: ClassVar[bool] = False

    id: str
    alert_id: str
    visit_id: str
    channels: tuple[str, ...] = ()
    roles: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    reasons: tuple[str, ...] = ()
    attempts: tuple[int, ...] = ()
    unreached: tuple[str, ...] = ()

    @property
    def delivered(self) -> bool:
        """True once at least one notice reached its receiver."""
        return DELIVERY_SENT in self.statuses

    @property
    def reached_nobody(self) -> bool:
        """True while no notice was delivered and none is still waiting for a first try:
        nobody to send to, or every notice failed at least once."""
        return not self.delivered and DELIVERY_PENDING not in self.statuses

    def validate(self) -> None:
        """Raise ValidationError listing every broken rule of a delivery summary."""
        problems: list[Problem] = []
        _require_all(problems, self, "id", "alert_id", "visit_id")
        count = len(self.channels)
        for name in ("roles", "statuses", "reasons", "attempts"):
            if len(getattr(self, name)) != count:
                problems.append(Problem(name, tr("must have one entry per channel")))
        if not all(s in DELIVERY_STATUSES for s in self.statuses):
            problems.append(Problem(
                "statuses", tr("each must be pending, retrying, sent or failed")
            ))
        _raise_if(problems)

    def searchable_text(self) -> str:
        """Nothing: delivery states are found by visit."""
        return ""


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class AlertAcknowledgement(_LoneWorkingRecord):
    """Someone on the alerted tier said "I have this": the alert does not move up early."""

    KIND: ClassVar[str] = "alert_ack"
    EVENT: ClassVar[bool] = True

    id: str
    alert_id: str
    visit_id: str
    by: str
    at: datetime

    def validate(self) -> None:
        """Raise ValidationError listing every broken rule of an acknowledgement."""
        problems: list[Problem] = []
        _require_all(problems, self, "id", "alert_id", "visit_id", "by")
        _aware(problems, "at", self.at)
        _raise_if(problems)

    def searchable_text(self) -> str:
        """Nothing: acknowledgements have no free text."""
        return ""


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class AlarmResolution(_LoneWorkingRecord):
    """A person closed the alerts on a visit, saying what happened (the note is required).

    Resolving restarts the visit's timer as if the worker had checked in safe at ``at`` (so a
    worker still out is still watched) and prompts a :class:`WelfareDebrief`.
    """

    KIND: ClassVar[str] = "alarm_resolution"
    EVENT: ClassVar[bool] = True

    id: str
    visit_id: str
    by: str
    at: datetime
    note: str

    def validate(self) -> None:
        """Raise ValidationError listing every broken rule of a resolution."""
        problems: list[Problem] = []
        _require_all(problems, self, "id", "visit_id", "by")
        _aware(problems, "at", self.at)
        _min_length(
            problems,
            "note",
            self.note,
            MIN_RESOLUTION_NOTE_CHARS,
            tr("say what happened and what was done"),
        )
        _max_length(problems, "note", self.note, _MAX_NOTE_CHARS)
        _raise_if(problems)

    def searchable_text(self) -> str:
        """The note."""
        return _joined(self.note)


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class WelfareDebrief(_LoneWorkingRecord):
    """A task for the worker's supervisor: debrief the worker after an alarm was resolved.

    A header (``EVENT = False``): it is ticked off when done, so it changes once.
    """

    KIND: ClassVar[str] = "welfare_debrief"
    EVENT: ClassVar[bool] = False

    id: str
    visit_id: str
    supervisor: str
    due_on: date
    done: bool = False
    done_on: date | None = None

    def validate(self) -> None:
        """Raise ValidationError listing every broken rule of a debrief task."""
        problems: list[Problem] = []
        _require_all(problems, self, "id", "visit_id", "supervisor")
        if self.done and self.done_on is None:
            problems.append(Problem("done_on", tr("is required once the debrief is done")))
        elif not self.done and self.done_on is not None:
            problems.append(Problem("done_on", tr("must be empty until the debrief is done")))
        _raise_if(problems)

    def searchable_text(self) -> str:
        """Nothing: the debrief itself is held in supervision notes, not here."""
        return ""


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class WelfareDebriefDone(_LoneWorkingRecord):
    """A supervisor says a welfare debrief took place: when, how it went, any follow-up.

    An event naming its :class:`WelfareDebrief` (which the hub then marks done). Written by a
    supervisor of the worker's team in their own name; authored by a supervisor, so the hub's
    pull scope keeps the note among the team's supervisors and off the worker's laptop.
    """

    KIND: ClassVar[str] = "welfare_debrief_done"
    EVENT: ClassVar[bool] = True

    id: str
    debrief_id: str
    visit_id: str
    by: str
    at: datetime
    note: str

    def validate(self) -> None:
        """Raise ValidationError listing every broken rule of a debrief's completion."""
        problems: list[Problem] = []
        _require_all(problems, self, "id", "debrief_id", "visit_id", "by")
        _aware(problems, "at", self.at)
        _min_length(
            problems,
            "note",
            self.note,
            MIN_DEBRIEF_NOTE_CHARS,
            tr("say when it took place, how it went and any follow-up"),
        )
        _max_length(problems, "note", self.note, _MAX_NOTE_CHARS)
        _raise_if(problems)

    def searchable_text(self) -> str:
        """Nothing: it is about a colleague's welfare, kept out of the casework search."""
        return ""
