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

The package, by subject: ``fields`` (the record protocol, to_dict/from_dict), ``checks`` (the
validation helpers every record shares), ``casework`` (headers, sessions, concerns, risk
assessments, closures, group work, work with professionals, amendments), ``lone_working``
(visit plans, check-ins, alarms, alerts, debriefs), ``supervision`` (comments, review marks,
sign-offs, supervisions), ``uk`` (postcodes, phone numbers) and ``registry`` (every record
class by its KIND). Everything is imported from here: ``from spokeapp.domain.records import``.
"""

from __future__ import annotations

from spokeapp.domain.records.casework import (
    CLOSURE_REASON_CHOICES,
    CLOSURE_REASON_LABELS,
    CLOSURE_REASON_SHORT_LABELS,
    MAX_SESSION_MINUTES,
    MIN_OVERRIDE_REASON_CHARS,
    OUTCOME_EXPLAINED,
    OUTCOME_LABELS,
    OUTCOME_SHORT_LABELS,
    PROFESSION_LABELS,
    PROFESSION_SHORT_LABELS,
    REFERRAL_DECISION_CHOICES,
    REFERRAL_DECISION_LABELS,
    ActivityType,
    Amendment,
    AssessmentType,
    Case,
    CaseStatus,
    ChosenBy,
    Closure,
    ClosureReason,
    ContactType,
    GroupSession,
    GroupSetting,
    LawfulBasis,
    MeetAgain,
    Outcome,
    Profession,
    ProfessionalActivity,
    RaisedTo,
    Referral,
    ReferralDecision,
    RiskAssessment,
    SafeguardingConcern,
    Session,
    SourceType,
    VenueType,
    YoungPerson,
)
from spokeapp.domain.records.fields import RECORD_TYPES, Record

# Not part of the API; kept importable from here for tests/unit/sync/test_protocol_speedups.py.
from spokeapp.domain.records.fields import _dump as _dump
from spokeapp.domain.records.fields import _field_hints as _field_hints
from spokeapp.domain.records.fields import _load as _load
from spokeapp.domain.records.fields import _pair_key_type as _pair_key_type
from spokeapp.domain.records.lone_working import (
    DEFAULT_CHECK_IN_MINUTES,
    DELIVERY_FAILED,
    DELIVERY_PENDING,
    DELIVERY_RETRYING,
    DELIVERY_SENT,
    DELIVERY_STATUSES,
    HIGH_RISK_CHECK_IN_MINUTES,
    MAX_CHECK_IN_MINUTES,
    MAX_VISIT_HOURS,
    MIN_CHECK_IN_MINUTES,
    MIN_DEBRIEF_NOTE_CHARS,
    MIN_RESOLUTION_NOTE_CHARS,
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
from spokeapp.domain.records.registry import record_from_dict
from spokeapp.domain.records.supervision import (
    APPROVABLE_KINDS,
    MIN_RETURN_COMMENT_CHARS,
    REVIEWABLE_KINDS,
    SIGN_OFF_KINDS,
    CaseSupervision,
    ReviewMark,
    SignOff,
    SignOffOutcome,
    SignOffRequest,
    SupervisionAction,
    SupervisionComment,
)
from spokeapp.domain.records.uk import (
    is_uk_mobile,
    is_uk_postcode,
    normalise_phone_number,
    normalise_postcode,
)

__all__ = [
    "APPROVABLE_KINDS",
    "CLOSURE_REASON_CHOICES",
    "CLOSURE_REASON_LABELS",
    "CLOSURE_REASON_SHORT_LABELS",
    "DEFAULT_CHECK_IN_MINUTES",
    "DELIVERY_FAILED",
    "DELIVERY_PENDING",
    "DELIVERY_RETRYING",
    "DELIVERY_SENT",
    "DELIVERY_STATUSES",
    "HIGH_RISK_CHECK_IN_MINUTES",
    "MAX_CHECK_IN_MINUTES",
    "MAX_SESSION_MINUTES",
    "MAX_VISIT_HOURS",
    "MIN_CHECK_IN_MINUTES",
    "MIN_DEBRIEF_NOTE_CHARS",
    "MIN_OVERRIDE_REASON_CHARS",
    "MIN_RESOLUTION_NOTE_CHARS",
    "MIN_RETURN_COMMENT_CHARS",
    "OUTCOME_EXPLAINED",
    "OUTCOME_LABELS",
    "OUTCOME_SHORT_LABELS",
    "PROFESSION_LABELS",
    "PROFESSION_SHORT_LABELS",
    "RECORD_TYPES",
    "REFERRAL_DECISION_CHOICES",
    "REFERRAL_DECISION_LABELS",
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
