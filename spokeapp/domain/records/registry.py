"""The record kind registry: every record class by its ``KIND``, for storage and sync."""

from __future__ import annotations

from spokeapp.domain.errors import Problem, ValidationError
from spokeapp.domain.records.casework import (
    Amendment,
    Attachment,
    Case,
    Closure,
    Consent,
    GroupSession,
    InformationShare,
    ProfessionalActivity,
    Referral,
    RiskAssessment,
    SafeguardingConcern,
    Session,
    YoungPerson,
)
from spokeapp.domain.records.fields import RECORD_TYPES, Record
from spokeapp.domain.records.lone_working import (
    Alarm,
    AlarmResolution,
    AlertAcknowledgement,
    AlertDelivery,
    CheckIn,
    EscalationAlert,
    VisitPlan,
    WelfareDebrief,
    WelfareDebriefDone,
)
from spokeapp.domain.records.supervision import (
    CaseSupervision,
    ReviewMark,
    SignOff,
    SignOffRequest,
    SupervisionComment,
)
from spokeapp.i18n import translator

tr = translator(__name__)

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
    Consent,
    InformationShare,
    Attachment,
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
RECORD_TYPES.update({cls.KIND: cls for cls in _ALL_TYPES})


def record_from_dict(kind: str, data: object) -> Record:
    """Rebuild a record of the given KIND from its ``to_dict`` form.

    Raises ValidationError for an unknown kind or a missing or malformed field.
    """
    cls = RECORD_TYPES.get(kind)
    if cls is None:
        raise ValidationError([Problem("kind", tr("is not a known record kind"))])
    return cls.from_dict(data)
