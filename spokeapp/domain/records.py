"""The casebook's records: what a spoke worker writes down about a young person's support.

Two sorts of record (see ``EVENT``):

* **Headers** (``EVENT = False``: YoungPerson, Referral, Case) are small and may be edited,
  for example a referral decision or a case's status.
* **Events** (``EVENT = True``: everything else) are immutable once finalised, as case
  recording standards require; a correction is an :class:`Amendment` pointing at the
  original. Immutability also removes most sync conflicts before they can happen.

Every record is a frozen dataclass with keyword-only fields, ``validate()`` that reports every
problem at once, and ``to_dict()`` / ``from_dict()`` for storage and sync. ``from_dict`` checks
shape and types only (so a record stored before a rule was added still loads); call
``validate()`` before finalising. Error messages name fields, never the values entered.
"""

from __future__ import annotations

import dataclasses
import re
import types
import typing
from collections.abc import Mapping
from datetime import date, datetime, timedelta
from enum import Enum, StrEnum
from typing import Any, ClassVar, Final, Protocol, Self, runtime_checkable

from spokeapp.domain.errors import Problem, ValidationError

__all__ = [
    "APPROVABLE_KINDS",
    "DEFAULT_CHECK_IN_MINUTES",
    "HIGH_RISK_CHECK_IN_MINUTES",
    "MAX_CHECK_IN_MINUTES",
    "MAX_VISIT_HOURS",
    "MIN_CHECK_IN_MINUTES",
    "MIN_DEBRIEF_NOTE_CHARS",
    "MIN_RESOLUTION_NOTE_CHARS",
    "MIN_RETURN_COMMENT_CHARS",
    "RECORD_TYPES",
    "REVIEWABLE_KINDS",
    "SIGN_OFF_KINDS",
    "ActivityType",
    "Alarm",
    "AlarmKind",
    "AlarmResolution",
    "AlertAcknowledgement",
    "AlertDelivery",
    "AlertReason",
    "Amendment",
    "AssessmentType",
    "Case",
    "CaseStatus",
    "CaseSupervision",
    "CheckIn",
    "CheckInChannel",
    "CheckInKind",
    "ChosenBy",
    "Closure",
    "ClosureReason",
    "ContactType",
    "EscalationAlert",
    "GroupSession",
    "GroupSetting",
    "LawfulBasis",
    "MeetAgain",
    "Outcome",
    "Profession",
    "ProfessionalActivity",
    "RaisedTo",
    "Record",
    "Referral",
    "ReferralDecision",
    "ReviewMark",
    "RiskAssessment",
    "SafeguardingConcern",
    "Session",
    "SignOff",
    "SignOffOutcome",
    "SignOffRequest",
    "SourceType",
    "SupervisionAction",
    "SupervisionComment",
    "VenueType",
    "VisitPlan",
    "WelfareDebrief",
    "WelfareDebriefDone",
    "YoungPerson",
    "is_uk_mobile",
    "is_uk_postcode",
    "normalise_phone_number",
    "normalise_postcode",
    "record_from_dict",
]


# ---------------------------------------------------------------------------------------------
# Closed choices
# ---------------------------------------------------------------------------------------------


class SourceType(StrEnum):
    """Which kind of agency (or person) made a referral."""

    POLICE = "police"
    CHILDRENS_SOCIAL_CARE = "childrens_social_care"
    EDUCATION = "education"
    HEALTH = "health"
    YOUTH_OFFENDING = "youth_offending"
    VOLUNTARY_SECTOR = "voluntary_sector"
    FAMILY = "family"
    SELF = "self"
    OTHER = "other"


class ReferralDecision(StrEnum):
    """The threshold decision on a referral."""

    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    WAITING_LIST = "waiting_list"


class CaseStatus(StrEnum):
    """Whether a young person's episode of support is still going on."""

    OPEN = "open"
    CLOSED = "closed"


class LawfulBasis(StrEnum):
    """UK GDPR Article 6 basis for holding the case (often not consent)."""

    CONSENT = "consent"
    PUBLIC_TASK = "public_task"
    LEGITIMATE_INTERESTS = "legitimate_interests"
    VITAL_INTERESTS = "vital_interests"
    LEGAL_OBLIGATION = "legal_obligation"


class ContactType(StrEnum):
    """How a contact with the young person happened (or that it did not)."""

    ONE_TO_ONE = "one_to_one"
    PHONE = "phone"
    TEXT = "text"
    ONLINE = "online"
    MISSED = "missed"


class VenueType(StrEnum):
    """The kind of place a session was held (never the address)."""

    CAFE = "cafe"
    FAST_FOOD = "fast_food"
    CAR = "car"
    SCHOOL = "school"
    HOME = "home"
    COMMUNITY_BUILDING = "community_building"
    OFFICE = "office"
    ONLINE = "online"
    OUTDOORS = "outdoors"
    OTHER = "other"


class ChosenBy(StrEnum):
    """Who chose the venue or set the pace: giving young people choices is a core principle."""

    YOUNG_PERSON = "young_person"
    WORKER = "worker"
    TOGETHER = "together"


class MeetAgain(StrEnum):
    """The answer to "Do you want to see me?", which ends every session."""

    YES = "yes"
    NO = "no"
    UNSURE = "unsure"


class RaisedTo(StrEnum):
    """The agency a safeguarding concern was raised with."""

    CHILDRENS_SOCIAL_CARE = "childrens_social_care"
    POLICE = "police"
    HEALTH = "health"
    EDUCATION = "education"
    OTHER = "other"


class AssessmentType(StrEnum):
    """Where a risk assessment sits in the case: the start, a review, or the end."""

    INITIAL = "initial"
    REVIEW = "review"
    CLOSURE = "closure"


class ClosureReason(StrEnum):
    """Why a case was closed."""

    OUTCOMES_MET = "outcomes_met"
    YOUNG_PERSON_CHOSE_TO_END = "young_person_chose_to_end"
    NON_ENGAGEMENT = "non_engagement"
    NOT_CONTACTABLE = "not_contactable"
    MOVED_AWAY = "moved_away"
    TRANSFERRED = "transferred"
    AGED_OUT = "aged_out"
    OTHER = "other"


class Outcome(StrEnum):
    """Risk at closure compared with the initial assessment: what funders ask about."""

    LOWER = "lower"
    SAME = "same"
    HIGHER = "higher"
    INCOMPLETE = "incomplete"


class GroupSetting(StrEnum):
    """Where group work or an awareness session with young people took place."""

    SCHOOL = "school"
    YOUTH_CLUB = "youth_club"
    COMMUNITY = "community"
    ONLINE = "online"
    OTHER = "other"


class ActivityType(StrEnum):
    """Work with professionals rather than young people."""

    TRAINING = "training"
    AWARENESS = "awareness"
    CONSULTANCY = "consultancy"


class Profession(StrEnum):
    """Professions counted in training and consultancy figures."""

    POLICE = "police"
    SOCIAL_CARE = "social_care"
    EDUCATION = "education"
    HEALTH = "health"
    YOUTH_JUSTICE = "youth_justice"
    VOLUNTARY_SECTOR = "voluntary_sector"
    OTHER = "other"


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


# ---------------------------------------------------------------------------------------------
# The record protocol and shared (de)serialisation
# ---------------------------------------------------------------------------------------------


@runtime_checkable
class Record(Protocol):
    """What every casebook record offers to storage, sync, search and the UI."""

    KIND: ClassVar[str]
    """Stable name of the record type, used as the key in storage and on the wire."""
    EVENT: ClassVar[bool]
    """True if the record is immutable once finalised (corrected only by an Amendment)."""

    @property
    def id(self) -> str: ...

    @property
    def case_id(self) -> str | None: ...

    def validate(self) -> None: ...

    def to_dict(self) -> dict[str, Any]: ...

    @classmethod
    def from_dict(cls, data: object) -> Self: ...

    def searchable_text(self) -> str: ...


_INVALID: Any = object()


_HINTS: dict[type[Any], dict[str, Any]] = {}


def _field_hints(cls: type[Any]) -> dict[str, Any]:
    """Resolved type hints of a record dataclass's fields, in field order (cached per class)."""
    cached = _HINTS.get(cls)
    if cached is None:
        hints = typing.get_type_hints(cls)
        cached = {f.name: hints[f.name] for f in dataclasses.fields(cls)}
        _HINTS[cls] = cached
    return cached


def _optional_inner(hint: Any) -> Any | None:
    """If ``hint`` is ``X | None`` return X, else None."""
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(hint) if a is not type(None)]
        if len(args) == 1:
            return args[0]
    return None


def _pair_key_type(hint: Any) -> Any | None:
    """If ``hint`` is ``tuple[tuple[K, int], ...]`` (a frozen mapping) return K."""
    if typing.get_origin(hint) is tuple:
        args = typing.get_args(hint)
        if len(args) == 2 and args[1] is Ellipsis and typing.get_origin(args[0]) is tuple:
            return typing.get_args(args[0])[0]
    return None


def _tuple_item_type(hint: Any) -> Any | None:
    """If ``hint`` is ``tuple[X, ...]`` with a plain X (not a pair), return X."""
    if typing.get_origin(hint) is tuple:
        args = typing.get_args(hint)
        if len(args) == 2 and args[1] is Ellipsis and typing.get_origin(args[0]) is not tuple:
            return args[0]
    return None


def _choices(enum_type: type[Enum]) -> str:
    return ", ".join(str(m.value) for m in enum_type)


def _dump(value: Any) -> Any:
    if isinstance(value, Enum):
        return value._value_  # what ``.value`` returns, without the property's cost
    if isinstance(value, date):  # datetime is a date too
        return value.isoformat()
    if isinstance(value, tuple):
        return [_dump(v) for v in value]
    return value


def _load(hint: Any, value: Any, name: str, problems: list[Problem]) -> Any:
    inner = _optional_inner(hint)
    if inner is not None:
        return None if value is None else _load(inner, value, name, problems)
    key_type = _pair_key_type(hint)
    if key_type is not None:
        return _load_pairs(key_type, value, name, problems)
    item_type = _tuple_item_type(hint)
    if item_type is not None:
        return _load_items(item_type, value, name, problems)
    if hint is bool:
        if isinstance(value, bool):
            return value
        problems.append(Problem(name, "must be true or false"))
    elif hint is int:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        problems.append(Problem(name, "must be a whole number"))
    elif hint is str:
        if isinstance(value, str):
            return value
        problems.append(Problem(name, "must be text"))
    elif hint is datetime:
        if isinstance(value, datetime):
            return value
        if isinstance(value, str):
            try:
                return datetime.fromisoformat(value)
            except ValueError:
                pass
        problems.append(Problem(name, "must be a date and time (ISO 8601)"))
    elif hint is date:
        if isinstance(value, date) and not isinstance(value, datetime):
            return value
        if isinstance(value, str):
            try:
                return date.fromisoformat(value)
            except ValueError:
                pass
        problems.append(Problem(name, "must be a date (YYYY-MM-DD)"))
    elif isinstance(hint, type) and issubclass(hint, Enum):
        try:
            return hint(value)
        except (ValueError, TypeError):
            problems.append(Problem(name, f"must be one of {_choices(hint)}"))
    else:  # pragma: no cover - a field type this module forgot to support is a bug
        raise TypeError(f"unsupported field type for {name}")
    return _INVALID


def _load_pairs(key_type: Any, value: Any, name: str, problems: list[Problem]) -> Any:
    if not isinstance(value, Mapping):
        problems.append(Problem(name, "must be an object of names to whole numbers"))
        return _INVALID
    pairs: list[tuple[Any, int]] = []
    count = len(problems)
    for key, number in value.items():
        loaded_key = _load(key_type, key, f"{name}.key", problems)
        loaded_number = _load(int, number, f"{name}.value", problems)
        pairs.append((loaded_key, loaded_number))
    if len(problems) > count:
        return _INVALID
    return tuple(pairs)


def _load_items(item_type: Any, value: Any, name: str, problems: list[Problem]) -> Any:
    if not isinstance(value, list | tuple):
        problems.append(Problem(name, "must be a list"))
        return _INVALID
    count = len(problems)
    items = tuple(_load(item_type, item, f"{name}[{i}]", problems) for i, item in enumerate(value))
    return _INVALID if len(problems) > count else items


# A field loader: (value, field name, problems) -> loaded value or _INVALID. Made once per
# field from its type hint (``_loader``), so ``from_dict`` does no type-hint reflection per
# call; each one behaves exactly as ``_load`` with the same hint (same values, same problems).
_Loader = typing.Callable[[Any, str, list[Problem]], Any]


def _load_str(value: Any, name: str, problems: list[Problem]) -> Any:
    if isinstance(value, str):
        return value
    problems.append(Problem(name, "must be text"))
    return _INVALID


def _load_int(value: Any, name: str, problems: list[Problem]) -> Any:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    problems.append(Problem(name, "must be a whole number"))
    return _INVALID


def _load_bool(value: Any, name: str, problems: list[Problem]) -> Any:
    if isinstance(value, bool):
        return value
    problems.append(Problem(name, "must be true or false"))
    return _INVALID


def _load_datetime(value: Any, name: str, problems: list[Problem]) -> Any:
    if isinstance(value, datetime):
        return value
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value)
        except ValueError:
            pass
    problems.append(Problem(name, "must be a date and time (ISO 8601)"))
    return _INVALID


def _load_date(value: Any, name: str, problems: list[Problem]) -> Any:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    problems.append(Problem(name, "must be a date (YYYY-MM-DD)"))
    return _INVALID


def _loader(hint: Any) -> _Loader:
    """The field loader for ``hint`` (see ``_load``, whose behaviour it reproduces)."""
    inner = _optional_inner(hint)
    if inner is not None:
        load_inner = _loader(inner)

        def load_optional(value: Any, name: str, problems: list[Problem]) -> Any:
            return None if value is None else load_inner(value, name, problems)

        return load_optional
    if hint is str:
        return _load_str
    if hint is int:
        return _load_int
    if hint is bool:
        return _load_bool
    if hint is datetime:
        return _load_datetime
    if hint is date:
        return _load_date
    if isinstance(hint, type) and issubclass(hint, Enum):
        # Each member with its value's type, looked up once: ``Enum.value`` is a property
        # that cost ~1.4 µs a read, ten reads a session record.
        members: dict[Any, tuple[Any, type]] = {}
        for member in hint:
            members.setdefault(member.value, (member, type(member.value)))
        enum_type = hint

        def load_enum(value: Any, name: str, problems: list[Problem]) -> Any:
            try:
                found = members.get(value)
            except TypeError:  # unhashable: let the enum itself refuse it
                found = None
            if found is not None and type(value) is found[1]:
                return found[0]
            return _load(enum_type, value, name, problems)

        return load_enum

    def load_other(value: Any, name: str, problems: list[Problem]) -> Any:
        return _load(hint, value, name, problems)

    return load_other


@dataclasses.dataclass(frozen=True, slots=True)
class _FieldPlan:
    """How one record class reads and writes its fields, worked out once from its hints."""

    names: frozenset[str]
    #: (name, loader, required) in field order.
    loads: tuple[tuple[str, _Loader, bool], ...]
    #: (name, is a frozen mapping) in field order.
    dumps: tuple[tuple[str, bool], ...]


_PLANS: dict[type[Any], _FieldPlan] = {}
#: Types ``_dump`` returns unchanged (exact types: an Enum or date subclass is not among them).
_PLAIN: frozenset[type[Any]] = frozenset({str, int, bool, float, type(None)})


def _field_plan(cls: type[Any]) -> _FieldPlan:
    plan = _PLANS.get(cls)
    if plan is None:
        hints = _field_hints(cls)
        fields = dataclasses.fields(cls)
        plan = _FieldPlan(
            names=frozenset(f.name for f in fields),
            loads=tuple(
                (
                    f.name,
                    _loader(hints[f.name]),
                    f.default is dataclasses.MISSING
                    and f.default_factory is dataclasses.MISSING,
                )
                for f in fields
            ),
            dumps=tuple((f.name, _pair_key_type(hints[f.name]) is not None) for f in fields),
        )
        _PLANS[cls] = plan
    return plan


class _RecordFields:
    """Shared to_dict/from_dict for the record dataclasses below, driven by their type hints."""

    __slots__ = ()

    KIND: ClassVar[str]

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-safe dict: ISO dates, enum values, frozen mappings as objects."""
        result: dict[str, Any] = {}
        plain = _PLAIN
        for name, pairs in _field_plan(type(self)).dumps:
            value = getattr(self, name)
            if pairs:
                result[name] = {str(_dump(k)): v for k, v in value}
            elif type(value) in plain:
                result[name] = value
            else:
                result[name] = _dump(value)
        return result

    @classmethod
    def from_dict(cls, data: object) -> Self:
        """Rebuild a record from :meth:`to_dict` output (e.g. parsed JSON).

        Checks presence and types of every field and rejects unknown fields (refusing data
        from a newer app version rather than silently dropping part of it). Raises
        ValidationError listing every problem; does not apply the business rules of
        ``validate()``.
        """
        if not isinstance(data, Mapping):
            raise ValidationError([Problem(cls.KIND, "must be an object of field values")])
        problems: list[Problem] = []
        plan = _field_plan(cls)
        names = plan.names
        for key in data:
            if key not in names:
                problems.append(Problem(str(key), f"is not a field of {cls.KIND}"))
        kwargs: dict[str, Any] = {}
        for name, load, required in plan.loads:
            if name not in data:
                if required:
                    problems.append(Problem(name, "is required"))
                continue
            kwargs[name] = load(data[name], name, problems)
        if problems:
            raise ValidationError(problems)
        return cls(**kwargs)


# ---------------------------------------------------------------------------------------------
# Validation helpers
# ---------------------------------------------------------------------------------------------


def _blank(text: str | None) -> bool:
    return text is None or not text.strip()


def _require(problems: list[Problem], name: str, text: str | None) -> None:
    if _blank(text):
        problems.append(Problem(name, "is required"))


def _raise_if(problems: list[Problem]) -> None:
    if problems:
        raise ValidationError(problems)


def _joined(*parts: str | None) -> str:
    return "\n".join(p.strip() for p in parts if p and p.strip())


_REFERENCE = re.compile(r"[A-Za-z0-9-]{2,20}")
MAX_SESSION_MINUTES = 600
MIN_OVERRIDE_REASON_CHARS = 20


# ---------------------------------------------------------------------------------------------
# Headers (mutable)
# ---------------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class YoungPerson(_RecordFields):
    """A young person the service supports.

    ``reference`` is the pseudonym (e.g. "YP-0007") used everywhere the name is not needed:
    reports, exports, screens seen over a shoulder. ``restricted`` marks a person whose record
    needs extra need-to-know (for example a relative of staff).

    Age rules (the service works with roughly 8-25 year olds) depend on today's date, which a
    record cannot know; use :meth:`age_on` with an injected date where age matters. ``validate``
    only rejects an empty date of birth, which the type already prevents.
    """

    KIND: ClassVar[str] = "young_person"
    EVENT: ClassVar[bool] = False

    id: str
    reference: str
    name: str
    date_of_birth: date
    preferred_name: str | None = None
    gender: str | None = None
    ethnicity: str | None = None
    needs: str = ""
    restricted: bool = False

    @property
    def case_id(self) -> None:
        """A young person is not part of one case (they may have several over time)."""
        return None

    def age_on(self, day: date) -> int:
        """Age in whole years on ``day`` (a birthday on 29 February counts from 1 March)."""
        before_birthday = (day.month, day.day) < (self.date_of_birth.month, self.date_of_birth.day)
        return day.year - self.date_of_birth.year - int(before_birthday)

    def validate(self) -> None:
        """Raise ValidationError if the reference or name is missing or malformed."""
        problems: list[Problem] = []
        _require(problems, "id", self.id)
        if not _REFERENCE.fullmatch(self.reference):
            problems.append(
                Problem("reference", "must be 2-20 letters, digits or dashes (e.g. YP-0007)")
            )
        _require(problems, "name", self.name)
        if self.preferred_name is not None and _blank(self.preferred_name):
            problems.append(Problem("preferred_name", "must not be blank; leave it empty instead"))
        _raise_if(problems)

    def searchable_text(self) -> str:
        """Reference, names and needs, so a worker can find a person by any of them."""
        return _joined(self.reference, self.name, self.preferred_name, self.needs)


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class Referral(_RecordFields):
    """A referral into the service and the threshold decision made on it.

    A declined referral must say why (``decline_reason``), and only a declined one may;
    ``decided_on`` is set once a decision other than pending is made.
    """

    KIND: ClassVar[str] = "referral"
    EVENT: ClassVar[bool] = False

    id: str
    young_person_id: str
    received_on: date
    source_agency: str
    source_type: SourceType
    reason: str
    decision: ReferralDecision = ReferralDecision.PENDING
    decline_reason: str = ""
    decided_on: date | None = None
    consent_to_share: bool = False
    consent_notes: str = ""

    @property
    def case_id(self) -> None:
        """A referral comes before any case; the case points back at it instead."""
        return None

    def validate(self) -> None:
        """Raise ValidationError listing every broken rule of a referral."""
        problems: list[Problem] = []
        _require(problems, "id", self.id)
        _require(problems, "young_person_id", self.young_person_id)
        _require(problems, "source_agency", self.source_agency)
        _require(problems, "reason", self.reason)
        if self.decision is ReferralDecision.DECLINED:
            _require(problems, "decline_reason", self.decline_reason)
        elif not _blank(self.decline_reason):
            problems.append(
                Problem("decline_reason", "is only given when the referral is declined")
            )
        if self.decision is ReferralDecision.PENDING:
            if self.decided_on is not None:
                problems.append(
                    Problem("decided_on", "must be empty while the decision is pending")
                )
        elif self.decided_on is None:
            problems.append(Problem("decided_on", "is required once a decision is made"))
        elif self.decided_on < self.received_on:
            problems.append(Problem("decided_on", "cannot be before the referral was received"))
        _raise_if(problems)

    def searchable_text(self) -> str:
        """The reason for referral, the agency, any decline reason and consent notes."""
        return _joined(self.source_agency, self.reason, self.decline_reason, self.consent_notes)


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class Case(_RecordFields):
    """One episode of support for a young person, held by a key worker.

    ``current_risk_level`` is a band name from the hub's risk tool (e.g. "high"), copied from
    the latest assessment so caseload lists need not look assessments up.
    """

    KIND: ClassVar[str] = "case"
    EVENT: ClassVar[bool] = False

    id: str
    young_person_id: str
    key_worker: str
    opened_on: date
    referral_id: str | None = None
    status: CaseStatus = CaseStatus.OPEN
    current_risk_level: str | None = None
    closed_on: date | None = None
    lawful_basis: LawfulBasis = LawfulBasis.PUBLIC_TASK
    local_authority: str | None = None
    """The local authority area the case is in, as the worker picked it from the hub's list
    (``spokeapp.domain.areas``); None when not known, and on cases recorded before areas were
    (never a default: a suggestion from a postcode district must be confirmed first)."""

    @property
    def case_id(self) -> str:
        """A case belongs to itself, so scoping by case treats it like its records."""
        return self.id

    def validate(self) -> None:
        """Raise ValidationError listing every broken rule of a case header."""
        problems: list[Problem] = []
        _require(problems, "id", self.id)
        _require(problems, "young_person_id", self.young_person_id)
        _require(problems, "key_worker", self.key_worker)
        if self.referral_id is not None:
            _require(problems, "referral_id", self.referral_id)
        if self.current_risk_level is not None:
            _require(problems, "current_risk_level", self.current_risk_level)
        if self.local_authority is not None:
            if _blank(self.local_authority):
                problems.append(
                    Problem("local_authority", "must not be blank; leave it empty instead")
                )
            else:
                _max_length(problems, "local_authority", self.local_authority, 100)
        if self.status is CaseStatus.CLOSED:
            if self.closed_on is None:
                problems.append(Problem("closed_on", "is required when the case is closed"))
            elif self.closed_on < self.opened_on:
                problems.append(Problem("closed_on", "cannot be before the case was opened"))
        elif self.closed_on is not None:
            problems.append(Problem("closed_on", "must be empty while the case is open"))
        _raise_if(problems)

    def searchable_text(self) -> str:
        """A case header has no free text."""
        return ""


# ---------------------------------------------------------------------------------------------
# Events (immutable once finalised)
# ---------------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class Session(_RecordFields):
    """A contact with the young person, including one that was missed.

    Records the choices the young person made (venue, pace), their own words, and their answer
    to "Do you want to see me?". ``occurred_at`` should carry a time zone so that sessions
    recorded either side of a clock change still sort correctly.
    """

    KIND: ClassVar[str] = "session"
    EVENT: ClassVar[bool] = True

    id: str
    case_id: str
    contact_type: ContactType
    occurred_at: datetime
    duration_minutes: int
    venue_type: VenueType | None = None
    venue_chosen_by: ChosenBy | None = None
    pace_set_by: ChosenBy | None = None
    discussed: str = ""
    young_persons_words: str = ""
    wants_to_meet_again: MeetAgain | None = None
    concerns: str = ""
    actions: str = ""

    @property
    def missed(self) -> bool:
        """True if the young person did not attend or could not be reached."""
        return self.contact_type is ContactType.MISSED

    def validate(self) -> None:
        """Raise ValidationError listing every broken rule of a session."""
        problems: list[Problem] = []
        _require(problems, "id", self.id)
        _require(problems, "case_id", self.case_id)
        if not 0 <= self.duration_minutes <= MAX_SESSION_MINUTES:
            problems.append(
                Problem("duration_minutes", f"must be between 0 and {MAX_SESSION_MINUTES}")
            )
        elif self.duration_minutes == 0 and not self.missed:
            problems.append(
                Problem("duration_minutes", "must be more than 0 unless the session was missed")
            )
        if not self.missed:
            _require(problems, "discussed", self.discussed)
        if self.contact_type is ContactType.ONE_TO_ONE and self.venue_type is None:
            problems.append(Problem("venue_type", "is required for a one-to-one session"))
        _raise_if(problems)

    def searchable_text(self) -> str:
        """What was discussed, the young person's words, concerns and actions."""
        return _joined(self.discussed, self.young_persons_words, self.concerns, self.actions)


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class SafeguardingConcern(_RecordFields):
    """A concern the worker raised with another agency, with that agency's reference."""

    KIND: ClassVar[str] = "safeguarding_concern"
    EVENT: ClassVar[bool] = True

    id: str
    case_id: str
    raised_on: date
    raised_to: RaisedTo
    summary: str
    their_reference: str = ""

    def validate(self) -> None:
        """Raise ValidationError if ids or the summary are missing."""
        problems: list[Problem] = []
        _require(problems, "id", self.id)
        _require(problems, "case_id", self.case_id)
        _require(problems, "summary", self.summary)
        _raise_if(problems)

    def searchable_text(self) -> str:
        """The summary and the other agency's reference (so a worker can find it by either)."""
        return _joined(self.summary, self.their_reference)


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class RiskAssessment(_RecordFields):
    """A completed risk assessment made with a specific version of the hub's risk tool.

    ``answers`` is a frozen, sorted mapping of indicator id to answer (0 no, 1 some concern,
    2 significant); ``to_dict`` gives it as ``{indicator_id: value}``. ``score`` and ``level``
    are what the tool computed. The worker's professional judgement may override the level,
    with written reasons, and then a supervisor must sign it off.
    """

    KIND: ClassVar[str] = "risk_assessment"
    EVENT: ClassVar[bool] = True

    id: str
    case_id: str
    assessment_type: AssessmentType
    assessed_on: date
    tool_id: str
    tool_version: int
    answers: tuple[tuple[str, int], ...]
    score: int
    level: str
    override_level: str | None = None
    override_reasons: str = ""
    needs_sign_off: bool = False
    signed_off_by: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "answers", tuple(sorted(self.answers)))

    @property
    def effective_level(self) -> str:
        """The level that counts: the worker's override if there is one, else the scored level."""
        return self.override_level if self.override_level is not None else self.level

    @property
    def answer_map(self) -> dict[str, int]:
        """The answers as a plain dict (indicator id -> 0, 1 or 2)."""
        return dict(self.answers)

    @property
    def awaiting_sign_off(self) -> bool:
        """True if a supervisor still has to sign off this assessment."""
        return self.needs_sign_off and self.signed_off_by is None

    def validate(self) -> None:
        """Raise ValidationError listing every broken rule.

        Checks the record on its own; whether score and level agree with the tool is checked by
        ``RiskTool.check_assessment``.
        """
        problems: list[Problem] = []
        _require(problems, "id", self.id)
        _require(problems, "case_id", self.case_id)
        _require(problems, "tool_id", self.tool_id)
        if self.tool_version < 1:
            problems.append(Problem("tool_version", "must be 1 or more"))
        ids = [indicator for indicator, _ in self.answers]
        if len(set(ids)) != len(ids):
            problems.append(Problem("answers", "answer each indicator only once"))
        if any(value not in (0, 1, 2) for _, value in self.answers):
            problems.append(
                Problem(
                    "answers", "each answer must be 0 (no), 1 (some concern) or 2 (significant)"
                )
            )
        if any(_blank(indicator) for indicator in ids):
            problems.append(Problem("answers", "every answer needs an indicator id"))
        if self.score < 0:
            problems.append(Problem("score", "must be 0 or more"))
        _require(problems, "level", self.level)
        if self.override_level is not None:
            if _blank(self.override_level):
                problems.append(Problem("override_level", "must not be blank; leave it empty"))
            elif self.override_level == self.level:
                problems.append(
                    Problem("override_level", "is the same as the scored level; leave it empty")
                )
            if len(self.override_reasons.strip()) < MIN_OVERRIDE_REASON_CHARS:
                problems.append(
                    Problem(
                        "override_reasons",
                        "explain why your professional judgement differs from the score "
                        f"(at least {MIN_OVERRIDE_REASON_CHARS} characters)",
                    )
                )
            if not self.needs_sign_off:
                problems.append(
                    Problem(
                        "needs_sign_off", "an overridden level must be signed off by a supervisor"
                    )
                )
        if self.signed_off_by is not None:
            if _blank(self.signed_off_by):
                problems.append(Problem("signed_off_by", "must not be blank; leave it empty"))
            elif not self.needs_sign_off:
                problems.append(Problem("signed_off_by", "only given when sign-off is needed"))
        _raise_if(problems)

    def searchable_text(self) -> str:
        """The worker's reasons for overriding the score, if any."""
        return _joined(self.override_reasons)


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class Closure(_RecordFields):
    """The end of a case: why, the closing assessment, and risk compared with the start.

    Without a closing assessment the worker must say why there is none, and the outcome can only
    be ``incomplete``.
    """

    KIND: ClassVar[str] = "closure"
    EVENT: ClassVar[bool] = True

    id: str
    case_id: str
    closed_on: date
    reason: ClosureReason
    outcome: Outcome
    reason_detail: str = ""
    closing_assessment_id: str | None = None
    no_assessment_reason: str = ""

    def validate(self) -> None:
        """Raise ValidationError listing every broken rule of a closure."""
        problems: list[Problem] = []
        _require(problems, "id", self.id)
        _require(problems, "case_id", self.case_id)
        if self.reason is ClosureReason.OTHER:
            _require(problems, "reason_detail", self.reason_detail)
        if self.closing_assessment_id is None:
            if _blank(self.no_assessment_reason):
                problems.append(
                    Problem("no_assessment_reason", "say why there is no closing risk assessment")
                )
            if self.outcome is not Outcome.INCOMPLETE:
                problems.append(
                    Problem("outcome", "must be incomplete without a closing risk assessment")
                )
        elif _blank(self.closing_assessment_id):
            problems.append(Problem("closing_assessment_id", "must not be blank; leave it empty"))
        _raise_if(problems)

    def searchable_text(self) -> str:
        """The detail of the reason and why there was no closing assessment."""
        return _joined(self.reason_detail, self.no_assessment_reason)


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class GroupSession(_RecordFields):
    """Group work or an awareness session with young people: counted, never named."""

    KIND: ClassVar[str] = "group_session"
    EVENT: ClassVar[bool] = True

    id: str
    held_on: date
    setting: GroupSetting
    topic: str
    young_people_reached: int
    notes: str = ""

    @property
    def case_id(self) -> None:
        """Group work is not part of any one young person's case."""
        return None

    def validate(self) -> None:
        """Raise ValidationError listing every broken rule of a group session."""
        problems: list[Problem] = []
        _require(problems, "id", self.id)
        _require(problems, "topic", self.topic)
        if self.young_people_reached < 1:
            problems.append(Problem("young_people_reached", "must be at least 1"))
        _raise_if(problems)

    def searchable_text(self) -> str:
        """Topic and notes."""
        return _joined(self.topic, self.notes)


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class ProfessionalActivity(_RecordFields):
    """Training, awareness or consultancy for professionals, counted by profession.

    ``attendees_by_profession`` is a frozen, sorted mapping of profession to head count;
    ``to_dict`` gives it as ``{profession: count}``.
    """

    KIND: ClassVar[str] = "professional_activity"
    EVENT: ClassVar[bool] = True

    id: str
    held_on: date
    activity_type: ActivityType
    topic: str
    attendees_by_profession: tuple[tuple[Profession, int], ...]
    notes: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(
            self, "attendees_by_profession", tuple(sorted(self.attendees_by_profession))
        )

    @property
    def case_id(self) -> None:
        """Work with professionals is not part of any one young person's case."""
        return None

    @property
    def total_attendees(self) -> int:
        """All professionals reached, whatever their profession."""
        return sum(count for _, count in self.attendees_by_profession)

    def validate(self) -> None:
        """Raise ValidationError listing every broken rule of a professional activity."""
        problems: list[Problem] = []
        _require(problems, "id", self.id)
        _require(problems, "topic", self.topic)
        professions = [p for p, _ in self.attendees_by_profession]
        if len(set(professions)) != len(professions):
            problems.append(Problem("attendees_by_profession", "count each profession only once"))
        if any(count < 0 for _, count in self.attendees_by_profession):
            problems.append(Problem("attendees_by_profession", "counts cannot be negative"))
        elif self.total_attendees < 1:
            problems.append(Problem("attendees_by_profession", "count at least one attendee"))
        _raise_if(problems)

    def searchable_text(self) -> str:
        """Topic and notes."""
        return _joined(self.topic, self.notes)


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class Amendment(_RecordFields):
    """A correction to a finalised record, which itself stays unchanged.

    ``text`` is the corrected or additional account; ``reason`` says why it was needed. Both the
    original and the amendment are kept, as case recording standards require.
    """

    KIND: ClassVar[str] = "amendment"
    EVENT: ClassVar[bool] = True

    id: str
    case_id: str
    amends_id: str
    amends_kind: str
    reason: str
    text: str

    def validate(self) -> None:
        """Raise ValidationError listing every broken rule of an amendment."""
        problems: list[Problem] = []
        _require(problems, "id", self.id)
        _require(problems, "case_id", self.case_id)
        _require(problems, "amends_id", self.amends_id)
        if self.amends_id == self.id:
            problems.append(Problem("amends_id", "an amendment cannot amend itself"))
        target = RECORD_TYPES.get(self.amends_kind)
        if target is None:
            problems.append(Problem("amends_kind", "is not a known record kind"))
        elif not target.EVENT:
            problems.append(
                Problem(
                    "amends_kind", "only finalised events are amended; edit this record instead"
                )
            )
        _require(problems, "reason", self.reason)
        _require(problems, "text", self.text)
        _raise_if(problems)

    def searchable_text(self) -> str:
        """The reason and the corrected text."""
        return _joined(self.reason, self.text)


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
# Full UK postcode (outward code, space optional, inward code); GIR 0AA is the one exception.
_POSTCODE = re.compile(r"([A-Z]{1,2}[0-9][A-Z0-9]?) ?([0-9][A-Z]{2})|(GIR) ?(0AA)")
# Something typed as a postcode (one or two short tokens starting letters-then-digit); if a
# location looks like this it must be a valid postcode, catching typos like "SW1A 1A".
_POSTCODE_ATTEMPT = re.compile(r"[A-Za-z]{1,2}[0-9][A-Za-z0-9]{0,2} ?[A-Za-z0-9]{1,3}")
_PHONE_PUNCTUATION = re.compile(r"[\s().\-/]")
_ROLE_NAME = re.compile(r"[a-z][a-z0-9_]{0,39}")

_MOBILE_EXAMPLE = "e.g. 07700 900123 or +44 7700 900123"
_PHONE_EXAMPLE = "e.g. 07700 900456 or +44 20 7946 0018"


def normalise_postcode(text: str) -> str | None:
    """A UK postcode in its standard form ("SW1A 1AA"), or None if ``text`` is not one."""
    match = _POSTCODE.fullmatch(text.strip().upper())
    if match is None:
        return None
    outward, inward = (match.group(1), match.group(2)) if match.group(1) else ("GIR", "0AA")
    return f"{outward} {inward}"


def is_uk_postcode(text: str) -> bool:
    """True if ``text`` is a full UK postcode (any case, space optional)."""
    return normalise_postcode(text) is not None


def normalise_phone_number(text: str) -> str | None:
    """A phone number in E.164 form ("+447700900123"), or None if it is not one.

    Accepts UK national numbers ("07700 900123", "020 7946 0018"), "+44 (0)7700 900123",
    "0044 ..." and international E.164 numbers; spaces, dashes, dots and brackets are ignored.
    """
    raw = text.strip().replace("(0)", "")
    compact = _PHONE_PUNCTUATION.sub("", raw)
    if compact.startswith("00"):
        compact = "+" + compact[2:]
    elif compact.startswith("0"):
        compact = "+44" + compact[1:]
    if not compact.startswith("+") or not compact[1:].isdigit() or not compact[1:].isascii():
        return None
    digits = compact[1:]
    if digits.startswith("0") or not 8 <= len(digits) <= 15:
        return None
    if digits.startswith("44") and len(digits) not in (11, 12):  # UK: 9 or 10 digits after 44
        return None
    return compact


def is_uk_mobile(e164: str) -> bool:
    """True if an E.164 number is a UK mobile (07xxx xxxxxx)."""
    return e164.startswith("+447") and len(e164) == 13


def _aware(problems: list[Problem], name: str, value: datetime | None) -> bool:
    if value is not None and value.utcoffset() is None:
        problems.append(Problem(name, "must include a time zone"))
        return False
    return True


def _max_length(problems: list[Problem], name: str, text: str, limit: int) -> None:
    if len(text) > limit:
        problems.append(Problem(name, f"must be at most {limit} characters"))


def _optional_id(problems: list[Problem], name: str, text: str | None) -> None:
    if text is not None and _blank(text):
        problems.append(Problem(name, "must not be blank; leave it empty instead"))


def _check_in_minutes(problems: list[Problem], name: str, minutes: int) -> None:
    if not MIN_CHECK_IN_MINUTES <= minutes <= MAX_CHECK_IN_MINUTES:
        problems.append(
            Problem(
                name, f"must be between {MIN_CHECK_IN_MINUTES} and {MAX_CHECK_IN_MINUTES} minutes"
            )
        )


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class VisitPlan(_RecordFields):
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
    def case_id(self) -> None:
        """Never set: see the note above the lone-working records (``linked_case_id`` instead)."""
        return None

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
        _require(problems, "id", self.id)
        _require(problems, "worker", self.worker)
        _require(problems, "location", self.location)
        _max_length(problems, "location", self.location, _MAX_LOCATION_CHARS)
        stripped = self.location.strip()
        if _POSTCODE_ATTEMPT.fullmatch(stripped) and not is_uk_postcode(stripped):
            problems.append(
                Problem(
                    "location",
                    "looks like a postcode but is not a valid UK postcode (e.g. SW1A 1AA); "
                    "check it or describe the place",
                )
            )
        if self.case_reference is not None and not _CASE_REFERENCE.fullmatch(self.case_reference):
            problems.append(
                Problem(
                    "case_reference",
                    "must be the case's pseudonymous reference (e.g. YP-0007), never a name",
                )
            )
        _optional_id(problems, "linked_case_id", self.linked_case_id)
        starts_ok = _aware(problems, "starts_at", self.starts_at)
        ends_ok = _aware(problems, "expected_end", self.expected_end)
        if starts_ok and ends_ok:
            if self.expected_end <= self.starts_at:
                problems.append(Problem("expected_end", "must be after the start"))
            elif self.expected_end - self.starts_at > timedelta(hours=MAX_VISIT_HOURS):
                problems.append(
                    Problem(
                        "expected_end",
                        f"must be at most {MAX_VISIT_HOURS} hours after the start; "
                        "plan a new visit instead",
                    )
                )
        _check_in_minutes(problems, "check_in_interval_minutes", self.interval_minutes)
        mobile = normalise_phone_number(self.mobile_number)
        if mobile is None or (mobile.startswith("+44") and not is_uk_mobile(mobile)):
            problems.append(Problem("mobile_number", f"must be a mobile number, {_MOBILE_EXAMPLE}"))
        _require(problems, "buddy_name", self.buddy_name)
        _max_length(problems, "buddy_name", self.buddy_name, _MAX_SHORT_TEXT_CHARS)
        if normalise_phone_number(self.buddy_phone) is None:
            problems.append(Problem("buddy_phone", f"must be a phone number, {_PHONE_EXAMPLE}"))
        _max_length(problems, "vehicle", self.vehicle, _MAX_SHORT_TEXT_CHARS)
        _max_length(problems, "amber_note", self.amber_note, _MAX_NOTE_CHARS)
        _raise_if(problems)

    def searchable_text(self) -> str:
        """Location, case reference, vehicle and the amber note."""
        return _joined(self.location, self.case_reference, self.vehicle, self.amber_note)


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class CheckIn(_RecordFields):
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

    @property
    def case_id(self) -> None:
        """Lone-working records are never scoped by case (see the note above VisitPlan)."""
        return None

    def validate(self) -> None:
        """Raise ValidationError listing every broken rule of a check-in."""
        problems: list[Problem] = []
        _require(problems, "id", self.id)
        _require(problems, "visit_id", self.visit_id)
        _aware(problems, "at", self.at)
        if self.kind is CheckInKind.EXTEND:
            if self.extend_minutes is None:
                problems.append(Problem("extend_minutes", "say by how many minutes to extend"))
            else:
                _check_in_minutes(problems, "extend_minutes", self.extend_minutes)
        elif self.extend_minutes is not None:
            problems.append(Problem("extend_minutes", "is only given when extending a visit"))
        _raise_if(problems)

    def searchable_text(self) -> str:
        """Nothing: a check-in has no free text, and its kind must never be findable."""
        return ""


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class Alarm(_RecordFields):
    """A panic (or duress) alarm on a visit: the hub alerts its top tier at once."""

    KIND: ClassVar[str] = "alarm"
    EVENT: ClassVar[bool] = True

    id: str
    visit_id: str
    raised_at: datetime
    kind: AlarmKind = AlarmKind.PANIC
    note: str = ""

    @property
    def case_id(self) -> None:
        """Lone-working records are never scoped by case (see the note above VisitPlan)."""
        return None

    def validate(self) -> None:
        """Raise ValidationError listing every broken rule of an alarm."""
        problems: list[Problem] = []
        _require(problems, "id", self.id)
        _require(problems, "visit_id", self.visit_id)
        _aware(problems, "raised_at", self.raised_at)
        _max_length(problems, "note", self.note, _MAX_NOTE_CHARS)
        _raise_if(problems)

    def searchable_text(self) -> str:
        """The note of a panic alarm; nothing for duress (which must stay invisible)."""
        return "" if self.kind is AlarmKind.DURESS else _joined(self.note)


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class EscalationAlert(_RecordFields):
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

    @property
    def case_id(self) -> None:
        """Lone-working records are never scoped by case (see the note above VisitPlan)."""
        return None

    def validate(self) -> None:
        """Raise ValidationError listing every broken rule of an alert."""
        problems: list[Problem] = []
        _require(problems, "id", self.id)
        _require(problems, "visit_id", self.visit_id)
        _require(problems, "tier", self.tier)
        _aware(problems, "raised_at", self.raised_at)
        _aware(problems, "deadline", self.deadline)
        if not self.recipients:
            problems.append(Problem("recipients", "name at least one recipient"))
        elif not all(_ROLE_NAME.fullmatch(r) for r in self.recipients):
            problems.append(
                Problem("recipients", "each must be a role name such as buddy or on_call_manager")
            )
        timed = self.reason in (AlertReason.DUE, AlertReason.OVERDUE)
        alarm = self.reason in (AlertReason.PANIC, AlertReason.DURESS)
        if timed and self.deadline is None:
            problems.append(Problem("deadline", "is required for a reminder or overdue alert"))
        if alarm and self.cause_id is None:
            problems.append(Problem("cause_id", "is required for a panic or duress alert"))
        if self.reason is AlertReason.ALL_CLEAR and (self.deadline is None) == (
            self.cause_id is None
        ):
            problems.append(
                Problem("deadline", "an all-clear names either the deadline or the cause")
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
class AlertDelivery(_RecordFields):
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
    def case_id(self) -> None:
        """Lone-working records are never scoped by case (see the note above VisitPlan)."""
        return None

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
        _require(problems, "id", self.id)
        _require(problems, "alert_id", self.alert_id)
        _require(problems, "visit_id", self.visit_id)
        count = len(self.channels)
        for name in ("roles", "statuses", "reasons", "attempts"):
            if len(getattr(self, name)) != count:
                problems.append(Problem(name, "must have one entry per channel"))
        if not all(s in DELIVERY_STATUSES for s in self.statuses):
            problems.append(Problem("statuses", "each must be pending, retrying, sent or failed"))
        _raise_if(problems)

    def searchable_text(self) -> str:
        """Nothing: delivery states are found by visit."""
        return ""


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class AlertAcknowledgement(_RecordFields):
    """Someone on the alerted tier said "I have this": the alert does not move up early."""

    KIND: ClassVar[str] = "alert_ack"
    EVENT: ClassVar[bool] = True

    id: str
    alert_id: str
    visit_id: str
    by: str
    at: datetime

    @property
    def case_id(self) -> None:
        """Lone-working records are never scoped by case (see the note above VisitPlan)."""
        return None

    def validate(self) -> None:
        """Raise ValidationError listing every broken rule of an acknowledgement."""
        problems: list[Problem] = []
        _require(problems, "id", self.id)
        _require(problems, "alert_id", self.alert_id)
        _require(problems, "visit_id", self.visit_id)
        _require(problems, "by", self.by)
        _aware(problems, "at", self.at)
        _raise_if(problems)

    def searchable_text(self) -> str:
        """Nothing: acknowledgements have no free text."""
        return ""


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class AlarmResolution(_RecordFields):
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

    @property
    def case_id(self) -> None:
        """Lone-working records are never scoped by case (see the note above VisitPlan)."""
        return None

    def validate(self) -> None:
        """Raise ValidationError listing every broken rule of a resolution."""
        problems: list[Problem] = []
        _require(problems, "id", self.id)
        _require(problems, "visit_id", self.visit_id)
        _require(problems, "by", self.by)
        _aware(problems, "at", self.at)
        if len(self.note.strip()) < MIN_RESOLUTION_NOTE_CHARS:
            problems.append(
                Problem(
                    "note",
                    "say what happened and what was done "
                    f"(at least {MIN_RESOLUTION_NOTE_CHARS} characters)",
                )
            )
        _max_length(problems, "note", self.note, _MAX_NOTE_CHARS)
        _raise_if(problems)

    def searchable_text(self) -> str:
        """The note."""
        return _joined(self.note)


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class WelfareDebrief(_RecordFields):
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

    @property
    def case_id(self) -> None:
        """Lone-working records are never scoped by case (see the note above VisitPlan)."""
        return None

    def validate(self) -> None:
        """Raise ValidationError listing every broken rule of a debrief task."""
        problems: list[Problem] = []
        _require(problems, "id", self.id)
        _require(problems, "visit_id", self.visit_id)
        _require(problems, "supervisor", self.supervisor)
        if self.done and self.done_on is None:
            problems.append(Problem("done_on", "is required once the debrief is done"))
        elif not self.done and self.done_on is not None:
            problems.append(Problem("done_on", "must be empty until the debrief is done"))
        _raise_if(problems)

    def searchable_text(self) -> str:
        """Nothing: the debrief itself is held in supervision notes, not here."""
        return ""


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class WelfareDebriefDone(_RecordFields):
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

    @property
    def case_id(self) -> None:
        """Lone-working records are never scoped by case (see the note above VisitPlan)."""
        return None

    def validate(self) -> None:
        """Raise ValidationError listing every broken rule of a debrief's completion."""
        problems: list[Problem] = []
        _require(problems, "id", self.id)
        _require(problems, "debrief_id", self.debrief_id)
        _require(problems, "visit_id", self.visit_id)
        _require(problems, "by", self.by)
        _aware(problems, "at", self.at)
        if len(self.note.strip()) < MIN_DEBRIEF_NOTE_CHARS:
            problems.append(
                Problem(
                    "note",
                    "say when it took place, how it went and any follow-up "
                    f"(at least {MIN_DEBRIEF_NOTE_CHARS} characters)",
                )
            )
        _max_length(problems, "note", self.note, _MAX_NOTE_CHARS)
        _raise_if(problems)

    def searchable_text(self) -> str:
        """Nothing: it is about a colleague's welfare, kept out of the casework search."""
        return ""


# ---------------------------------------------------------------------------------------------
# Supervision (issue 6; the rules of queues and sign-off are in spokeapp.domain.supervision)
# ---------------------------------------------------------------------------------------------
#
# Every supervision record names its case (``case_id``), so it follows the case's scope on the
# hub exactly like the notes it is about: the key worker and the team's supervisors see it, and
# it leaves a laptop with the case when the case is reassigned. All four are events (immutable
# once finalised): each is a statement someone made at a moment - a comment, "I have read this",
# a decision, the minute of a supervision discussion - and case recording standards keep such
# statements as written. A change of mind is a new record (the latest sign-off decision on a
# request counts); a correction is an Amendment. Being events, they never conflict in sync.

MIN_RETURN_COMMENT_CHARS = 10
_MAX_COMMENT_CHARS = 4000
REVIEWABLE_KINDS: frozenset[str] = frozenset({"session", "risk_assessment"})
"""Records a supervisor reviews in the review queue: session notes and risk assessments."""
APPROVABLE_KINDS: frozenset[str] = frozenset({"safeguarding_concern", "amendment"})
"""Kinds a hub may say need a supervisor's approval (``spoke-hub approvals require KIND``): the
hub then writes a :class:`SignOffRequest` for each one pushed. Events of a case only: a header
(a referral decision) changes after it is approved, and a declined referral has no case."""
SIGN_OFF_KINDS: frozenset[str] = frozenset({"closure", "risk_assessment"}) | APPROVABLE_KINDS
"""Records that can need a supervisor's sign-off: closures, overridden risk levels, and the
kinds a hub configures as needing approval."""


class SignOffOutcome(StrEnum):
    """A supervisor's decision on a sign-off request."""

    APPROVED = "approved"
    RETURNED = "returned"


def _text_limit(problems: list[Problem], name: str, text: str) -> None:
    _max_length(problems, name, text, _MAX_COMMENT_CHARS)


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class SupervisionComment(_RecordFields):
    """A supervisor's comment on a case, usually about one of its records (``about_id``).

    Synced back to the key worker, shown on the case timeline and, until the worker marks it
    read on their laptop (local state, never synced), on their Today page.
    """

    KIND: ClassVar[str] = "supervision_comment"
    EVENT: ClassVar[bool] = True

    id: str
    case_id: str
    author: str
    written_at: datetime
    text: str
    about_id: str | None = None
    about_kind: str | None = None

    def validate(self) -> None:
        """Raise ValidationError listing every broken rule of a comment."""
        problems: list[Problem] = []
        _require(problems, "id", self.id)
        _require(problems, "case_id", self.case_id)
        _require(problems, "author", self.author)
        _aware(problems, "written_at", self.written_at)
        _require(problems, "text", self.text)
        _text_limit(problems, "text", self.text)
        _optional_id(problems, "about_id", self.about_id)
        if (self.about_id is None) != (self.about_kind is None):
            problems.append(
                Problem("about_kind", "give both the record and its kind, or neither")
            )
        elif self.about_kind is not None and self.about_kind not in RECORD_TYPES:
            problems.append(Problem("about_kind", "is not a known record kind"))
        if self.about_id is not None and self.about_id == self.id:
            problems.append(Problem("about_id", "a comment cannot be about itself"))
        _raise_if(problems)

    def searchable_text(self) -> str:
        """The comment."""
        return _joined(self.text)


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class ReviewMark(_RecordFields):
    """A supervisor read a session note or risk assessment: it leaves the review queue."""

    KIND: ClassVar[str] = "review_mark"
    EVENT: ClassVar[bool] = True

    id: str
    case_id: str
    record_id: str
    record_kind: str
    reviewed_by: str
    reviewed_at: datetime

    def validate(self) -> None:
        """Raise ValidationError listing every broken rule of a review mark."""
        problems: list[Problem] = []
        _require(problems, "id", self.id)
        _require(problems, "case_id", self.case_id)
        _require(problems, "record_id", self.record_id)
        if self.record_kind not in REVIEWABLE_KINDS:
            problems.append(
                Problem("record_kind", "only session notes and risk assessments are reviewed")
            )
        _require(problems, "reviewed_by", self.reviewed_by)
        _aware(problems, "reviewed_at", self.reviewed_at)
        _raise_if(problems)

    def searchable_text(self) -> str:
        """Nothing: a review mark has no free text."""
        return ""


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class SignOff(_RecordFields):
    """A supervisor's decision on a record needing sign-off: approve, or return with a comment.

    ``request_id`` is the record signed off (a closure, or a risk assessment whose level was
    overridden). Returning needs a comment saying what to do; a returned closure reopens the
    case (the supervisor's laptop writes the case header back to open with the decision).
    """

    KIND: ClassVar[str] = "sign_off"
    EVENT: ClassVar[bool] = True

    id: str
    case_id: str
    request_id: str
    request_kind: str
    outcome: SignOffOutcome
    decided_by: str
    decided_at: datetime
    comment: str = ""

    def validate(self) -> None:
        """Raise ValidationError listing every broken rule of a sign-off decision."""
        problems: list[Problem] = []
        _require(problems, "id", self.id)
        _require(problems, "case_id", self.case_id)
        _require(problems, "request_id", self.request_id)
        if self.request_kind not in SIGN_OFF_KINDS:
            problems.append(
                Problem("request_kind", "only closures, risk assessments and the kinds your "
                        "hub asks approval for are signed off")
            )
        _require(problems, "decided_by", self.decided_by)
        _aware(problems, "decided_at", self.decided_at)
        if (
            self.outcome is SignOffOutcome.RETURNED
            and len(self.comment.strip()) < MIN_RETURN_COMMENT_CHARS
        ):
            problems.append(
                Problem(
                    "comment",
                    "say why it is returned and what to do "
                    f"(at least {MIN_RETURN_COMMENT_CHARS} characters)",
                )
            )
        _text_limit(problems, "comment", self.comment)
        _raise_if(problems)

    def searchable_text(self) -> str:
        """The supervisor's comment."""
        return _joined(self.comment)


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class SignOffRequest(_RecordFields):
    """The hub asks the team's supervisors to approve a record of a kind it says needs approval.

    Written by the hub only (a device pushing one is refused 403), in the push that brought the
    record (``record_id``, ``record_kind``, written by ``worker``), so it reaches the team's
    supervisors and the worker by ordinary pull. A :class:`SignOff` naming the record decides
    it, exactly as for a closure. Its id is made from the record's
    (``spokeapp.domain.supervision.request_id_for``), so a record pushed again after a hub
    restore is never asked about twice.
    """

    KIND: ClassVar[str] = "sign_off_request"
    EVENT: ClassVar[bool] = True

    id: str
    case_id: str
    record_id: str
    record_kind: str
    worker: str
    requested_at: datetime

    def validate(self) -> None:
        """Raise ValidationError listing every broken rule of a sign-off request."""
        problems: list[Problem] = []
        _require(problems, "id", self.id)
        _require(problems, "case_id", self.case_id)
        _require(problems, "record_id", self.record_id)
        if self.record_id == self.id:
            problems.append(Problem("record_id", "a request cannot be about itself"))
        if self.record_kind not in APPROVABLE_KINDS:
            problems.append(Problem("record_kind", "is not a kind a hub can ask approval for"))
        _require(problems, "worker", self.worker)
        _aware(problems, "requested_at", self.requested_at)
        _raise_if(problems)

    def searchable_text(self) -> str:
        """Nothing: a request has no free text."""
        return ""


@dataclasses.dataclass(frozen=True, slots=True)
class SupervisionAction:
    """One action agreed in case supervision: what, who does it, by when."""

    description: str
    owner: str
    due_on: date


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class CaseSupervision(_RecordFields):
    """The minute of a case supervision: discussion, decisions, and actions agreed.

    ``decisions_not_to_act`` are recorded as decisions in their own right (with the reason in
    the text), as safeguarding practice requires. Actions are three parallel lists (what, who,
    by when); read them through :attr:`actions`. Once finalised the minute stands as written;
    progress on an action is a later supervision or an amendment.
    """

    KIND: ClassVar[str] = "case_supervision"
    EVENT: ClassVar[bool] = True

    id: str
    case_id: str
    supervisor: str
    held_on: date
    discussion: str
    decisions: tuple[str, ...] = ()
    decisions_not_to_act: tuple[str, ...] = ()
    action_texts: tuple[str, ...] = ()
    action_owners: tuple[str, ...] = ()
    action_due: tuple[date, ...] = ()

    @property
    def actions(self) -> tuple[SupervisionAction, ...]:
        """The actions agreed (what, who, by when)."""
        return tuple(
            SupervisionAction(text, owner, due)
            for text, owner, due in zip(
                self.action_texts, self.action_owners, self.action_due, strict=False
            )
        )

    def validate(self) -> None:
        """Raise ValidationError listing every broken rule of a supervision minute."""
        problems: list[Problem] = []
        _require(problems, "id", self.id)
        _require(problems, "case_id", self.case_id)
        _require(problems, "supervisor", self.supervisor)
        _require(problems, "discussion", self.discussion)
        _text_limit(problems, "discussion", self.discussion)
        for name in ("decisions", "decisions_not_to_act", "action_texts", "action_owners"):
            items: tuple[str, ...] = getattr(self, name)
            if any(_blank(item) for item in items):
                problems.append(Problem(name, "must not hold an empty entry"))
            if any(len(item) > _MAX_COMMENT_CHARS for item in items):
                problems.append(
                    Problem(name, f"each entry must be at most {_MAX_COMMENT_CHARS} characters")
                )
        if not len(self.action_texts) == len(self.action_owners) == len(self.action_due):
            problems.append(
                Problem("action_owners", "every action needs an owner and a due date")
            )
        if any(due < self.held_on for due in self.action_due):
            problems.append(
                Problem("action_due", "an action cannot be due before the supervision")
            )
        _raise_if(problems)

    def searchable_text(self) -> str:
        """Discussion, decisions and actions."""
        return _joined(
            self.discussion, *self.decisions, *self.decisions_not_to_act, *self.action_texts
        )


_ALL_TYPES: tuple[type[Record], ...] = (
    YoungPerson,
    Referral,
    Case,
    Session,
    SafeguardingConcern,
    RiskAssessment,
    Closure,
    GroupSession,
    ProfessionalActivity,
    Amendment,
    VisitPlan,
    CheckIn,
    Alarm,
    EscalationAlert,
    AlertDelivery,
    AlertAcknowledgement,
    AlarmResolution,
    WelfareDebrief,
    WelfareDebriefDone,
    SupervisionComment,
    ReviewMark,
    SignOff,
    CaseSupervision,
    SignOffRequest,
)
RECORD_TYPES: dict[str, type[Record]] = {cls.KIND: cls for cls in _ALL_TYPES}
"""Every record class by its KIND, for storage and sync to rebuild records generically."""


def record_from_dict(kind: str, data: object) -> Record:
    """Rebuild a record of the given KIND from its ``to_dict`` form.

    Raises ValidationError for an unknown kind or a missing or malformed field.
    """
    cls = RECORD_TYPES.get(kind)
    if cls is None:
        raise ValidationError([Problem("kind", "is not a known record kind")])
    return cls.from_dict(data)
