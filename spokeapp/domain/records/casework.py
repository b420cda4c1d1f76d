"""Casework records: the young person, referral and case headers, and the events of the work.

Headers (``EVENT = False``: YoungPerson, Referral, Case) may be edited; events (sessions,
safeguarding concerns, risk assessments, closures, group work, training and outreach with
professionals, amendments, attachments) are immutable once finalised.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from datetime import date, datetime
from enum import StrEnum
from typing import ClassVar, Final, TypeVar

from spokeapp.domain.attachments import is_sha256, plain_file_name
from spokeapp.domain.errors import Problem
from spokeapp.domain.records.checks import (
    _blank,
    _joined,
    _max_length,
    _min_length,
    _raise_if,
    _require,
    _require_all,
)
from spokeapp.domain.records.fields import RECORD_TYPES, _RecordFields
from spokeapp.i18n import number, translator

tr = translator(__name__)

_Key = TypeVar("_Key")


def choice_label(labels: Mapping[_Key, str], key: _Key) -> str:
    """``labels[key]`` in the reader's language, for every words mapping of this module
    (``OUTCOME_LABELS``, ``SHARE_BASIS_LABELS``, ``CLOSURE_REASON_CHOICES``...): they hold the
    English, marked for the catalogue, so show them through this, e.g.
    ``choice_label(OUTCOME_LABELS, closure.outcome)``."""
    return tr(labels[key])

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


REFERRAL_DECISION_LABELS: Final[dict[ReferralDecision, str]] = {
    ReferralDecision.PENDING: tr.noop("Not decided"),
    ReferralDecision.ACCEPTED: tr.noop("Accepted"),
    ReferralDecision.DECLINED: tr.noop("Declined"),
    ReferralDecision.WAITING_LIST: tr.noop("Waiting list"),
}
"""Each decision in words, as a list of referrals shows it."""
REFERRAL_DECISION_CHOICES: Final[dict[ReferralDecision, str]] = {
    ReferralDecision.PENDING: tr.noop("Not decided yet"),
    ReferralDecision.ACCEPTED: tr.noop("Accept: open a case"),
    ReferralDecision.DECLINED: tr.noop("Decline (say why)"),
    ReferralDecision.WAITING_LIST: tr.noop("Waiting list"),
}
"""The same as the choices of the referral form (what choosing it does)."""


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


CLOSURE_REASON_LABELS: Final[dict[ClosureReason, str]] = {
    ClosureReason.OUTCOMES_MET: tr.noop("Outcomes met"),
    ClosureReason.YOUNG_PERSON_CHOSE_TO_END: tr.noop("Young person chose to end"),
    ClosureReason.NON_ENGAGEMENT: tr.noop("Non-engagement"),
    ClosureReason.NOT_CONTACTABLE: tr.noop("Not contactable"),
    ClosureReason.MOVED_AWAY: tr.noop("Moved away"),
    ClosureReason.TRANSFERRED: tr.noop("Transferred"),
    ClosureReason.AGED_OUT: tr.noop("Aged out"),
    ClosureReason.OTHER: tr.noop("Other"),
}
"""Each closure reason in words, as report figures name them."""
CLOSURE_REASON_SHORT_LABELS: Final[dict[ClosureReason, str]] = {
    **CLOSURE_REASON_LABELS,
    ClosureReason.YOUNG_PERSON_CHOSE_TO_END: tr.noop("Chose to end"),
    ClosureReason.NON_ENGAGEMENT: tr.noop("Not engaging"),
}
"""The same, short enough for a chart's bar (the report's closures chart)."""
CLOSURE_REASON_CHOICES: Final[dict[ClosureReason, str]] = {
    ClosureReason.OUTCOMES_MET: tr.noop("The work we agreed has been done"),
    ClosureReason.YOUNG_PERSON_CHOSE_TO_END: tr.noop("The young person chose to end it"),
    ClosureReason.NON_ENGAGEMENT: tr.noop("They stopped taking part"),
    ClosureReason.NOT_CONTACTABLE: tr.noop("They could not be contacted"),
    ClosureReason.MOVED_AWAY: tr.noop("They moved away"),
    ClosureReason.TRANSFERRED: tr.noop("Transferred to another service"),
    ClosureReason.AGED_OUT: tr.noop("Too old for the service now"),
    ClosureReason.OTHER: tr.noop("Another reason"),
}
"""The same in the worker's words: the closing form's choices, and a closure as shown."""


class Outcome(StrEnum):
    """Risk at closure compared with the initial assessment: what funders ask about."""

    LOWER = "lower"
    SAME = "same"
    HIGHER = "higher"
    INCOMPLETE = "incomplete"


OUTCOME_LABELS: Final[dict[Outcome, str]] = {
    Outcome.LOWER: tr.noop("At lower risk than at the start"),
    Outcome.SAME: tr.noop("At the same risk"),
    Outcome.HIGHER: tr.noop("At higher risk"),
    Outcome.INCOMPLETE: tr.noop("Not comparable with the start"),
}
"""Each outcome in words, as report figures name them."""
OUTCOME_EXPLAINED: Final[dict[Outcome, str]] = {
    Outcome.LOWER: tr.noop("Lower: their risk is lower now than at the start."),
    Outcome.SAME: tr.noop("The same: their risk is at the same level as at the start."),
    Outcome.HIGHER: tr.noop("Higher: their risk is higher now than at the start."),
    Outcome.INCOMPLETE: tr.noop(
        "Incomplete data: there is no initial and closing assessment made with the same "
        "version of the risk tool to compare."
    ),
}
"""Each outcome with what it means, as the closing form and a closure show it."""
OUTCOME_SHORT_LABELS: Final[dict[Outcome, str]] = {
    Outcome.LOWER: tr.noop("Lower"),
    Outcome.SAME: tr.noop("Same"),
    Outcome.HIGHER: tr.noop("Higher"),
    Outcome.INCOMPLETE: tr.noop("Not comparable"),
}
"""The same, short enough for a chart's bar (the report's closures chart)."""


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


PROFESSION_LABELS: Final[dict[Profession, str]] = {
    Profession.POLICE: tr.noop("Police"),
    Profession.SOCIAL_CARE: tr.noop("Social care"),
    Profession.EDUCATION: tr.noop("Education"),
    Profession.HEALTH: tr.noop("Health"),
    Profession.YOUTH_JUSTICE: tr.noop("Youth justice"),
    Profession.VOLUNTARY_SECTOR: tr.noop("Voluntary sector"),
    Profession.OTHER: tr.noop("Other"),
}
"""Each profession in words, in the order of the enum (forms, report figures)."""
PROFESSION_SHORT_LABELS: Final[dict[Profession, str]] = {
    **PROFESSION_LABELS,
    Profession.VOLUNTARY_SECTOR: tr.noop("Voluntary"),
}
"""The same, short enough for a narrow table column (the report's by-profession tables)."""


_REFERENCE = re.compile(r"[A-Za-z0-9-]{2,20}")
MAX_SESSION_MINUTES = 600
#: The most characters a group session's or a professional activity's topic may have: a few
#: words that name it in a list and a report (the notes hold the rest). A 3,000-character
#: topic was finalised and widened every table it was shown in.
MAX_TOPIC_CHARS: Final = 200
#: The most young people one group session reaches, and the most professionals one training,
#: awareness session or consultancy has (of each profession, and in all): a year group's
#: assembly or a large event fits; 10,000 was taken, a slip of a key that would have swelled
#: the funder's figures. A bigger event (a whole large school) is recorded as the separate
#: assemblies it usually is.
MAX_HEAD_COUNT: Final = 1000
MIN_OVERRIDE_REASON_CHARS = 20


# ---------------------------------------------------------------------------------------------
# Headers (mutable)
# ---------------------------------------------------------------------------------------------


class EthnicGroup(StrEnum):
    """The young person's ethnic group as they describe it: the 19 groups of the 2021 census of
    England and Wales (ONS), grouped under five headings in ``ETHNIC_GROUP_HEADINGS``, plus
    "prefer not to say" and "prefer to self-describe" (their own words then required)."""

    ASIAN_BANGLADESHI = "asian_bangladeshi"
    ASIAN_CHINESE = "asian_chinese"
    ASIAN_INDIAN = "asian_indian"
    ASIAN_PAKISTANI = "asian_pakistani"
    ASIAN_OTHER = "asian_other"
    BLACK_AFRICAN = "black_african"
    BLACK_CARIBBEAN = "black_caribbean"
    BLACK_OTHER = "black_other"
    MIXED_WHITE_ASIAN = "mixed_white_asian"
    MIXED_WHITE_BLACK_AFRICAN = "mixed_white_black_african"
    MIXED_WHITE_BLACK_CARIBBEAN = "mixed_white_black_caribbean"
    MIXED_OTHER = "mixed_other"
    WHITE_BRITISH = "white_british"
    WHITE_IRISH = "white_irish"
    WHITE_GYPSY_OR_IRISH_TRAVELLER = "white_gypsy_or_irish_traveller"
    WHITE_ROMA = "white_roma"
    WHITE_OTHER = "white_other"
    OTHER_ARAB = "other_arab"
    OTHER_ANY = "other_any"
    PREFER_NOT_TO_SAY = "prefer_not_to_say"
    SELF_DESCRIBED = "self_described"


ETHNIC_GROUP_HEADINGS: Final[tuple[tuple[str, tuple[EthnicGroup, ...]], ...]] = (
    (tr.noop("Asian, Asian British or Asian Welsh"), (
        EthnicGroup.ASIAN_BANGLADESHI, EthnicGroup.ASIAN_CHINESE, EthnicGroup.ASIAN_INDIAN,
        EthnicGroup.ASIAN_PAKISTANI, EthnicGroup.ASIAN_OTHER)),
    (tr.noop("Black, Black British, Black Welsh, Caribbean or African"), (
        EthnicGroup.BLACK_AFRICAN, EthnicGroup.BLACK_CARIBBEAN, EthnicGroup.BLACK_OTHER)),
    (tr.noop("Mixed or Multiple ethnic groups"), (
        EthnicGroup.MIXED_WHITE_ASIAN, EthnicGroup.MIXED_WHITE_BLACK_AFRICAN,
        EthnicGroup.MIXED_WHITE_BLACK_CARIBBEAN, EthnicGroup.MIXED_OTHER)),
    (tr.noop("White"), (
        EthnicGroup.WHITE_BRITISH, EthnicGroup.WHITE_IRISH,
        EthnicGroup.WHITE_GYPSY_OR_IRISH_TRAVELLER, EthnicGroup.WHITE_ROMA,
        EthnicGroup.WHITE_OTHER)),
    (tr.noop("Other ethnic group"), (EthnicGroup.OTHER_ARAB, EthnicGroup.OTHER_ANY)),
)
"""The census's five headings, each with its groups in the census's order (the form's list)."""

ETHNIC_GROUP_LABELS: Final[dict[EthnicGroup, str]] = {
    EthnicGroup.ASIAN_BANGLADESHI: tr.noop("Bangladeshi"),
    EthnicGroup.ASIAN_CHINESE: tr.noop("Chinese"),
    EthnicGroup.ASIAN_INDIAN: tr.noop("Indian"),
    EthnicGroup.ASIAN_PAKISTANI: tr.noop("Pakistani"),
    EthnicGroup.ASIAN_OTHER: tr.noop("Any other Asian background"),
    EthnicGroup.BLACK_AFRICAN: tr.noop("African"),
    EthnicGroup.BLACK_CARIBBEAN: tr.noop("Caribbean"),
    EthnicGroup.BLACK_OTHER: tr.noop("Any other Black, Black British or Caribbean background"),
    EthnicGroup.MIXED_WHITE_ASIAN: tr.noop("White and Asian"),
    EthnicGroup.MIXED_WHITE_BLACK_AFRICAN: tr.noop("White and Black African"),
    EthnicGroup.MIXED_WHITE_BLACK_CARIBBEAN: tr.noop("White and Black Caribbean"),
    EthnicGroup.MIXED_OTHER: tr.noop("Any other Mixed or Multiple ethnic background"),
    EthnicGroup.WHITE_BRITISH: tr.noop("English, Welsh, Scottish, Northern Irish or British"),
    EthnicGroup.WHITE_IRISH: tr.noop("Irish"),
    EthnicGroup.WHITE_GYPSY_OR_IRISH_TRAVELLER: tr.noop("Gypsy or Irish Traveller"),
    EthnicGroup.WHITE_ROMA: tr.noop("Roma"),
    EthnicGroup.WHITE_OTHER: tr.noop("Any other White background"),
    EthnicGroup.OTHER_ARAB: tr.noop("Arab"),
    EthnicGroup.OTHER_ANY: tr.noop("Any other ethnic group"),
    EthnicGroup.PREFER_NOT_TO_SAY: tr.noop("Prefer not to say"),
    EthnicGroup.SELF_DESCRIBED: tr.noop("Prefer to self-describe"),
}
"""Each group in the census's words (under its heading in ``ETHNIC_GROUP_HEADINGS``)."""


class ContactMethod(StrEnum):
    """A way the young person is happy to be contacted."""

    TEXT = "text"
    CALL = "call"
    IN_PERSON = "in_person"
    THROUGH_PROFESSIONAL = "through_professional"


CONTACT_METHOD_LABELS: Final[dict[ContactMethod, str]] = {
    ContactMethod.TEXT: tr.noop("text message"),
    ContactMethod.CALL: tr.noop("phone call"),
    ContactMethod.IN_PERSON: tr.noop("in person"),
    ContactMethod.THROUGH_PROFESSIONAL: tr.noop("through a named professional"),
}
"""Each way of contact in words, in the order of the enum."""

MAX_SAFE_NUMBERS: Final = 3
"""How many safe contact numbers a young person's record holds (a short list, kept current)."""
_PHONE = re.compile(r"\+?[0-9 ]+")


def phone_problem(number: str) -> str | None:
    """Why ``number`` is not a phone number Spoke accepts (digits, spaces and a leading +,
    with 7 to 15 digits), or None if it is one. Never repeats the number."""
    text = number.strip()
    digits = sum(c.isdigit() for c in text)
    if not _PHONE.fullmatch(text) or not 7 <= digits <= 15:
        return tr("must be digits, spaces and + only, with 7 to 15 digits")
    return None


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class YoungPerson(_RecordFields):
    """A young person the service supports.

    ``reference`` is the pseudonym (e.g. "YP-0007") used everywhere the name is not needed:
    reports, exports, screens seen over a shoulder. ``restricted`` marks a person whose record
    needs extra need-to-know (for example a relative of staff).

    Age rules (the service works with roughly 8-25 year olds) depend on today's date, which a
    record cannot know; use :meth:`age_on` with an injected date where age matters. ``validate``
    only rejects an empty date of birth, which the type already prevents.

    The details corrected after the referral (issue 16) are all optional, and their defaults
    mean "not given", never a fact: ``ethnic_group`` (the census list; ``ethnicity_described``
    in their own words when they self-describe; ``ethnicity`` stays the referral's free text),
    ``contact_methods`` (``contact_professional`` names the professional when contact is
    through one), ``leave_message`` (None: not asked), and up to ``MAX_SAFE_NUMBERS`` safe
    numbers: ``safe_numbers[i]`` is whose phone ``safe_number_whose[i]`` and when it is safe
    to use ``safe_number_times[i]`` (three lists of the same length, since records hold plain
    values). ``corrected_by`` (user id) and ``corrected_on`` say who wrote this version of the
    details and when (None: as taken in at referral). A correction is a new version of this
    header; the casebook keeps the versions it replaced (``Casebook.young_person_versions``).
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
    ethnic_group: EthnicGroup | None = None
    ethnicity_described: str | None = None
    contact_methods: tuple[ContactMethod, ...] = ()
    contact_professional: str | None = None
    leave_message: bool | None = None
    safe_numbers: tuple[str, ...] = ()
    safe_number_whose: tuple[str, ...] = ()
    safe_number_times: tuple[str, ...] = ()
    corrected_by: str | None = None
    corrected_on: date | None = None

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
        _require_all(problems, self, "id")
        if not _REFERENCE.fullmatch(self.reference):
            problems.append(
                Problem("reference", tr("must be 2-20 letters, digits or dashes (e.g. YP-0007)"))
            )
        _require(problems, "name", self.name)
        if self.preferred_name is not None and _blank(self.preferred_name):
            problems.append(Problem(
                "preferred_name", tr("must not be blank; leave it empty instead")
            ))
        for name, limit in (("name", 200), ("preferred_name", 100), ("gender", 100),
                            ("ethnicity", 100)):
            value = getattr(self, name)
            if value is not None:
                _max_length(problems, name, value, limit)
        self._validate_details(problems)
        _raise_if(problems)

    def _validate_details(self, problems: list[Problem]) -> None:
        """The rules of the details corrected after the referral (all optional)."""
        if self.ethnic_group is EthnicGroup.SELF_DESCRIBED:
            if _blank(self.ethnicity_described):
                problems.append(Problem(
                    "ethnicity_described", tr("is required when they prefer to self-describe")
                ))
        elif self.ethnicity_described is not None:
            problems.append(Problem(
                "ethnicity_described", tr("is only given when they prefer to self-describe")
            ))
        if self.ethnicity_described is not None:
            _max_length(problems, "ethnicity_described", self.ethnicity_described, 100)
        if len(set(self.contact_methods)) != len(self.contact_methods):
            problems.append(Problem("contact_methods", tr("names a way of contact twice")))
        if ContactMethod.THROUGH_PROFESSIONAL in self.contact_methods:
            if _blank(self.contact_professional):
                problems.append(Problem(
                    "contact_professional", tr("is required when contact is through them")
                ))
        elif self.contact_professional is not None:
            problems.append(Problem(
                "contact_professional", tr("is only given when contact is through a professional")
            ))
        if self.contact_professional is not None:
            _max_length(problems, "contact_professional", self.contact_professional, 100)
        count = len(self.safe_numbers)
        if count > MAX_SAFE_NUMBERS:
            problems.append(Problem(
                "safe_numbers",
                tr("may list at most {count}").format(count=number(MAX_SAFE_NUMBERS)),
            ))
        elif len(self.safe_number_whose) != count or len(self.safe_number_times) != count:
            problems.append(Problem(
                "safe_numbers", tr("each number needs whose phone it is and its safe times")
            ))
        else:
            for i, (phone, whose, times) in enumerate(zip(
                    self.safe_numbers, self.safe_number_whose, self.safe_number_times,
                    strict=True)):
                why = phone_problem(phone)
                if why is not None:
                    problems.append(Problem(f"safe_numbers[{i}]", why))
                _require(problems, f"safe_number_whose[{i}]", whose)
                _max_length(problems, f"safe_number_whose[{i}]", whose, 60)
                _max_length(problems, f"safe_number_times[{i}]", times, 120)
        if (self.corrected_by is None) != (self.corrected_on is None):
            problems.append(Problem("corrected_on", tr("is given with who corrected the details")))
        if self.corrected_by is not None:
            _require(problems, "corrected_by", self.corrected_by)

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
        _require_all(problems, self, "id", "young_person_id", "source_agency", "reason")
        if self.decision is ReferralDecision.DECLINED:
            _require(problems, "decline_reason", self.decline_reason)
        elif not _blank(self.decline_reason):
            problems.append(
                Problem("decline_reason", tr("is only given when the referral is declined"))
            )
        if self.decision is ReferralDecision.PENDING:
            if self.decided_on is not None:
                problems.append(
                    Problem("decided_on", tr("must be empty while the decision is pending"))
                )
        elif self.decided_on is None:
            problems.append(Problem("decided_on", tr("is required once a decision is made")))
        elif self.decided_on < self.received_on:
            problems.append(Problem("decided_on", tr("cannot be before the referral was received")))
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
        _require_all(problems, self, "id", "young_person_id", "key_worker")
        if self.referral_id is not None:
            _require(problems, "referral_id", self.referral_id)
        if self.current_risk_level is not None:
            _require(problems, "current_risk_level", self.current_risk_level)
        if self.local_authority is not None:
            if _blank(self.local_authority):
                problems.append(
                    Problem("local_authority", tr("must not be blank; leave it empty instead"))
                )
            else:
                _max_length(problems, "local_authority", self.local_authority, 100)
        if self.status is CaseStatus.CLOSED:
            if self.closed_on is None:
                problems.append(Problem("closed_on", tr("is required when the case is closed")))
            elif self.closed_on < self.opened_on:
                problems.append(Problem("closed_on", tr("cannot be before the case was opened")))
        elif self.closed_on is not None:
            problems.append(Problem("closed_on", tr("must be empty while the case is open")))
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
        _require_all(problems, self, "id", "case_id")
        if not 0 <= self.duration_minutes <= MAX_SESSION_MINUTES:
            problems.append(
                Problem(
                    "duration_minutes",
                    tr("must be between 0 and {most}").format(most=number(MAX_SESSION_MINUTES)),
                )
            )
        elif self.duration_minutes == 0 and not self.missed:
            problems.append(
                Problem("duration_minutes", tr("must be more than 0 unless the session was missed"))
            )
        if not self.missed:
            _require(problems, "discussed", self.discussed)
        if self.contact_type is ContactType.ONE_TO_ONE and self.venue_type is None:
            problems.append(Problem("venue_type", tr("is required for a one-to-one session")))
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
        _require_all(problems, self, "id", "case_id", "summary")
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
        _require_all(problems, self, "id", "case_id", "tool_id")
        if self.tool_version < 1:
            problems.append(Problem("tool_version", tr("must be 1 or more")))
        ids = [indicator for indicator, _ in self.answers]
        if len(set(ids)) != len(ids):
            problems.append(Problem("answers", tr("answer each indicator only once")))
        if any(value not in (0, 1, 2) for _, value in self.answers):
            problems.append(
                Problem(
                    "answers", tr("each answer must be 0 (no), 1 (some concern) or 2 (significant)")
                )
            )
        if any(_blank(indicator) for indicator in ids):
            problems.append(Problem("answers", tr("every answer needs an indicator id")))
        if self.score < 0:
            problems.append(Problem("score", tr("must be 0 or more")))
        _require(problems, "level", self.level)
        if self.override_level is not None:
            if _blank(self.override_level):
                problems.append(Problem("override_level", tr("must not be blank; leave it empty")))
            elif self.override_level == self.level:
                problems.append(
                    Problem("override_level", tr("is the same as the scored level; leave it empty"))
                )
            _min_length(
                problems,
                "override_reasons",
                self.override_reasons,
                MIN_OVERRIDE_REASON_CHARS,
                tr("explain why your professional judgement differs from the score"),
            )
            if not self.needs_sign_off:
                problems.append(
                    Problem(
                        "needs_sign_off",
                        tr("an overridden level must be signed off by a supervisor"),
                    )
                )
        if self.signed_off_by is not None:
            if _blank(self.signed_off_by):
                problems.append(Problem("signed_off_by", tr("must not be blank; leave it empty")))
            elif not self.needs_sign_off:
                problems.append(Problem("signed_off_by", tr("only given when sign-off is needed")))
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
        _require_all(problems, self, "id", "case_id")
        if self.reason is ClosureReason.OTHER:
            _require(problems, "reason_detail", self.reason_detail)
        if self.closing_assessment_id is None:
            if _blank(self.no_assessment_reason):
                problems.append(
                    Problem(
                        "no_assessment_reason", tr("say why there is no closing risk assessment")
                    )
                )
            if self.outcome is not Outcome.INCOMPLETE:
                problems.append(
                    Problem("outcome", tr("must be incomplete without a closing risk assessment"))
                )
        elif _blank(self.closing_assessment_id):
            problems.append(Problem(
                "closing_assessment_id", tr("must not be blank; leave it empty")
            ))
        _raise_if(problems)

    def searchable_text(self) -> str:
        """The detail of the reason and why there was no closing assessment."""
        return _joined(self.reason_detail, self.no_assessment_reason)


def _too_many() -> str:
    return tr("must be at most {most}: record a bigger event as its separate sessions").format(
        most=number(MAX_HEAD_COUNT))


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
        _require_all(problems, self, "id", "topic")
        _max_length(problems, "topic", self.topic, MAX_TOPIC_CHARS)
        if self.young_people_reached < 1:
            problems.append(Problem("young_people_reached", tr("must be at least 1")))
        elif self.young_people_reached > MAX_HEAD_COUNT:
            problems.append(Problem("young_people_reached", _too_many()))
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
        _require_all(problems, self, "id", "topic")
        _max_length(problems, "topic", self.topic, MAX_TOPIC_CHARS)
        # Each message follows the field's name ("Attendees must ...").
        professions = [p for p, _ in self.attendees_by_profession]
        if len(set(professions)) != len(professions):
            problems.append(Problem(
                "attendees_by_profession", tr("must give each profession only once")
            ))
        if any(count < 0 for _, count in self.attendees_by_profession):
            problems.append(Problem("attendees_by_profession", tr("cannot be a negative number")))
        elif self.total_attendees < 1:
            problems.append(Problem(
                "attendees_by_profession",
                tr("must be at least 1: type how many came from each profession"),
            ))
        elif self.total_attendees > MAX_HEAD_COUNT:
            problems.append(Problem("attendees_by_profession", _too_many()))
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
        _require_all(problems, self, "id", "case_id", "amends_id")
        if self.amends_id == self.id:
            problems.append(Problem("amends_id", tr("an amendment cannot amend itself")))
        target = RECORD_TYPES.get(self.amends_kind)
        if target is None:
            problems.append(Problem("amends_kind", tr("is not a known record kind")))
        elif not target.EVENT:
            problems.append(
                Problem(
                    "amends_kind", tr("only finalised events are amended; edit this record instead")
                )
            )
        _require_all(problems, self, "reason", "text")
        _raise_if(problems)

    def searchable_text(self) -> str:
        """The reason and the corrected text."""
        return _joined(self.reason, self.text)


# ---------------------------------------------------------------------------------------------
# Consent to share information
# ---------------------------------------------------------------------------------------------


class ShareWith(StrEnum):
    """An agency a young person (or their parent or carer) may agree information is shared with."""

    POLICE = "police"
    CHILDRENS_SOCIAL_CARE = "childrens_social_care"
    SCHOOL = "school"
    HEALTH = "health"


SHARE_WITH_LABELS: Final[dict[ShareWith, str]] = {
    ShareWith.POLICE: tr.noop("police"),
    ShareWith.CHILDRENS_SOCIAL_CARE: tr.noop("children's social care"),
    ShareWith.SCHOOL: tr.noop("school"),
    ShareWith.HEALTH: tr.noop("health"),
}
"""Each agency in words, in the order of the enum (the consent form, the case page)."""


class ConsentMethod(StrEnum):
    """How consent was recorded."""

    VERBAL = "verbal"
    WRITTEN = "written"
    OTHER = "other"


CONSENT_METHOD_LABELS: Final[dict[ConsentMethod, str]] = {
    ConsentMethod.VERBAL: tr.noop("verbal"),
    ConsentMethod.WRITTEN: tr.noop("written form"),
    ConsentMethod.OTHER: tr.noop("other"),
}
"""Each way of recording consent in words."""


class ConsentGivenBy(StrEnum):
    """Who gave (or withdrew) consent: the young person, or a parent or carer."""

    YOUNG_PERSON = "young_person"
    PARENT_OR_CARER = "parent_or_carer"


CONSENT_GIVEN_BY_LABELS: Final[dict[ConsentGivenBy, str]] = {
    ConsentGivenBy.YOUNG_PERSON: tr.noop("The young person"),
    ConsentGivenBy.PARENT_OR_CARER: tr.noop("A parent or carer"),
}
"""Who gave consent, in words (the consent form's choices)."""


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class Consent(_RecordFields):
    """What a young person (or a parent or carer) agreed may be shared, and with whom.

    ``share_with`` lists the agencies agreed (any not listed is a no). A consent is never edited:
    a later one replaces it, and withdrawing consent is a new record with ``withdrawn`` set
    (and nothing shared), pointing at the consent it withdraws (``supersedes_id``). A consent
    that is not withdrawn must say when it is due for review (``review_on``), chosen by the
    worker, never defaulted.
    """

    KIND: ClassVar[str] = "consent"
    EVENT: ClassVar[bool] = True

    id: str
    case_id: str
    given_on: date
    given_by: ConsentGivenBy
    given_by_name: str
    method: ConsentMethod
    explained: str = ""
    share_with: tuple[ShareWith, ...] = ()
    carer_relationship: str = ""
    method_detail: str = ""
    review_on: date | None = None
    withdrawn: bool = False
    supersedes_id: str | None = None

    def __post_init__(self) -> None:
        order = list(ShareWith)
        object.__setattr__(
            self, "share_with", tuple(sorted(set(self.share_with), key=order.index))
        )

    def shares_with(self, agency: ShareWith) -> bool:
        """True if this consent (not withdrawn) covers sharing with ``agency``."""
        return not self.withdrawn and agency in self.share_with

    def validate(self) -> None:
        """Raise ValidationError listing every broken rule of a consent record."""
        problems: list[Problem] = []
        _require_all(problems, self, "id", "case_id")
        if _blank(self.given_by_name):
            problems.append(Problem("given_by_name", tr("is required: who gave consent")))
        if self.given_by is ConsentGivenBy.PARENT_OR_CARER:
            if _blank(self.carer_relationship):
                problems.append(
                    Problem("carer_relationship", tr("is required for a parent or carer"))
                )
        elif not _blank(self.carer_relationship):
            problems.append(
                Problem("carer_relationship", tr("is only given for a parent or carer"))
            )
        if self.method is ConsentMethod.OTHER and _blank(self.method_detail):
            problems.append(
                Problem("method_detail", tr("is required when consent was recorded another way"))
            )
        if self.withdrawn:
            if self.share_with:
                problems.append(
                    Problem(
                        "share_with", tr("must be empty: nothing is shared once it is withdrawn")
                    )
                )
            if self.review_on is not None:
                problems.append(Problem("review_on", tr("is not set when consent is withdrawn")))
            if self.supersedes_id is None or _blank(self.supersedes_id):
                problems.append(Problem(
                    "supersedes_id", tr("is required: which consent is withdrawn")
                ))
        else:
            if _blank(self.explained):
                problems.append(Problem("explained", tr("is required: what was explained to them")))
            if self.review_on is None:
                problems.append(
                    Problem("review_on", tr("must be chosen: when consent is due for review"))
                )
            elif self.review_on <= self.given_on:
                problems.append(Problem("review_on", tr("must be after the day consent was given")))
            if self.supersedes_id is not None and _blank(self.supersedes_id):
                problems.append(Problem("supersedes_id", tr("must not be blank; leave it empty")))
        if self.supersedes_id == self.id:
            problems.append(Problem("supersedes_id", tr("cannot be this record itself")))
        _max_length(problems, "given_by_name", self.given_by_name, 200)
        _max_length(problems, "carer_relationship", self.carer_relationship, 100)
        _raise_if(problems)

    def searchable_text(self) -> str:
        """What was explained and how it was recorded (names are found on the person)."""
        return _joined(self.explained, self.method_detail)


# ---------------------------------------------------------------------------------------------
# Sharing information about a young person (with or without consent)
# ---------------------------------------------------------------------------------------------

OTHER_RECIPIENT: Final = "other"
"""``InformationShare.recipient`` for someone not in :class:`ShareWith` (say who in the detail)."""


class ShareBasis(StrEnum):
    """Why information about a young person was shared: their consent, or a lawful basis for
    sharing without it (UK GDPR article 6(1)(c)-(e), DPA 2018 schedule 1 and 8)."""

    CONSENT = "consent"
    SAFEGUARDING_CHILD_AT_RISK = "safeguarding_child_at_risk"
    PREVENTION_DETECTION_OF_CRIME = "prevention_detection_of_crime"
    LEGAL_OBLIGATION_OR_COURT_ORDER = "legal_obligation_or_court_order"
    VITAL_INTERESTS = "vital_interests"
    SUBJECT_ACCESS = "subject_access"
    """The young person's own right of access (or a parent's or carer's on their behalf)."""
    WITHIN_SERVICE = "within_service"
    """A handover to another Spoke worker: the information stays within the service."""


SHARE_BASIS_LABELS: Final[dict[ShareBasis, str]] = {
    ShareBasis.CONSENT: tr.noop("consent"),
    ShareBasis.SAFEGUARDING_CHILD_AT_RISK: tr.noop("safeguarding a child at risk"),
    ShareBasis.PREVENTION_DETECTION_OF_CRIME: tr.noop("prevention or detection of crime"),
    ShareBasis.LEGAL_OBLIGATION_OR_COURT_ORDER: tr.noop("legal obligation or court order"),
    ShareBasis.VITAL_INTERESTS: tr.noop("vital interests (a life at risk)"),
    ShareBasis.SUBJECT_ACCESS: tr.noop("subject access (their own right to their file)"),
    ShareBasis.WITHIN_SERVICE: tr.noop("handover within the service"),
}
"""Each basis in words (the share dialog's choices, the timeline, the file)."""
WITHOUT_CONSENT_BASES: Final = (
    ShareBasis.SAFEGUARDING_CHILD_AT_RISK,
    ShareBasis.PREVENTION_DETECTION_OF_CRIME,
    ShareBasis.LEGAL_OBLIGATION_OR_COURT_ORDER,
    ShareBasis.VITAL_INTERESTS,
)
"""The bases for sharing without consent: each needs a written reason."""
MIN_SHARE_REASON_CHARS = 20


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class InformationShare(_RecordFields):
    """Information about a young person given to someone outside the casebook: who shared
    what, with whom, when, and on what basis.

    ``recipient`` is a :class:`ShareWith` value or ``"other"`` (then ``recipient_detail`` says
    who). ``shared_by`` is the writer's user id, like ``SupervisionComment.author``. Sharing
    without consent (:data:`WITHOUT_CONSENT_BASES`) needs a reason of at least 20 characters;
    the young person's own access and a handover within the service need none.
    """

    KIND: ClassVar[str] = "information_share"
    EVENT: ClassVar[bool] = True

    id: str
    case_id: str
    shared_on: date
    shared_by: str
    recipient: str
    what: str
    basis: ShareBasis
    recipient_detail: str = ""
    reason: str = ""

    def validate(self) -> None:
        """Raise ValidationError listing every broken rule of an information share."""
        problems: list[Problem] = []
        _require_all(problems, self, "id", "case_id", "shared_by", "what")
        known = {agency.value for agency in ShareWith} | {OTHER_RECIPIENT}
        if self.recipient not in known:
            problems.append(
                Problem(
                    "recipient",
                    tr("must be one of: {choices}").format(choices=", ".join(sorted(known))),
                )
            )
        elif self.recipient == OTHER_RECIPIENT:
            _require(problems, "recipient_detail", self.recipient_detail)
        if self.basis in WITHOUT_CONSENT_BASES:
            _min_length(
                problems, "reason", self.reason, MIN_SHARE_REASON_CHARS,
                tr("say why sharing without consent is needed"),
            )
        _max_length(problems, "recipient_detail", self.recipient_detail, 200)
        _max_length(problems, "what", self.what, 500)
        _raise_if(problems)

    def searchable_text(self) -> str:
        """Who received it, what was shared and why."""
        return _joined(self.recipient_detail, self.what, self.reason)


# ---------------------------------------------------------------------------------------------
# Attachments: documents on a case (docs/attachments.md)
# ---------------------------------------------------------------------------------------------

ATTACHABLE_KINDS: Final = ("session", "referral", "safeguarding_concern")
"""The kinds of record a document may be attached to (besides the case itself)."""
MAX_ATTACHMENT_TITLE_CHARS: Final = 200
MAX_MEDIA_TYPE_CHARS: Final = 255


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class Attachment(_RecordFields):
    """A document kept with a case: a consent form, a letter, a drawing, a photo.

    The record names the file's bytes by their SHA-256 (``sha256``, with ``size``), so the
    signed change that carries the record covers the hash, and the hash the bytes; the bytes
    themselves are stored and moved apart, in chunks (``spokeapp.store.attachments``).
    ``attached_kind`` and ``attached_to`` name the session, referral or safeguarding concern it
    belongs to (both None: the case itself); ``case_id`` is None only when it is attached to a
    referral (a referral comes before its case). ``file_name`` is a name only, never a path;
    ``media_type`` comes from the name and is never trusted for parsing. A new version is a
    new attachment with ``replaces`` set to the one it replaces, which is kept. Who added it
    and when are its change's author and time.
    """

    KIND: ClassVar[str] = "attachment"
    EVENT: ClassVar[bool] = True

    id: str
    case_id: str | None
    attached_kind: str | None
    attached_to: str | None
    title: str
    document_date: date
    note: str = ""
    file_name: str
    media_type: str
    size: int
    sha256: str
    replaces: str | None = None

    def validate(self) -> None:
        """Raise ValidationError listing every broken rule of an attachment."""
        problems: list[Problem] = []
        _require_all(problems, self, "id", "title")
        _max_length(problems, "title", self.title, MAX_ATTACHMENT_TITLE_CHARS)
        if _blank(self.file_name):
            problems.append(Problem("file_name", tr("is required")))
        elif self.file_name != plain_file_name(self.file_name):
            problems.append(Problem(
                "file_name", tr("must be a file name only, without a folder or control characters")
            ))
        _require(problems, "media_type", self.media_type)
        _max_length(problems, "media_type", self.media_type, MAX_MEDIA_TYPE_CHARS)
        if self.size <= 0:
            problems.append(Problem("size", tr("must be more than 0 bytes")))
        if not is_sha256(self.sha256):
            problems.append(Problem(
                "sha256", tr("must be the file's SHA-256: 64 lowercase hexadecimal digits")
            ))
        self._validate_place(problems)
        if self.replaces is not None:
            if _blank(self.replaces):
                problems.append(Problem("replaces", tr("must not be blank; leave it empty")))
            elif self.replaces == self.id:
                problems.append(Problem("replaces", tr("cannot be this attachment itself")))
        _raise_if(problems)

    def _validate_place(self, problems: list[Problem]) -> None:
        """What it is attached to: the case, or one of its records (a referral needs no case)."""
        if self.attached_kind is None:
            if self.attached_to is not None:
                problems.append(Problem(
                    "attached_kind", tr("is required when it is attached to a record")
                ))
        elif self.attached_kind not in ATTACHABLE_KINDS:
            problems.append(Problem(
                "attached_kind",
                tr("must be one of {choices}").format(choices=", ".join(ATTACHABLE_KINDS)),
            ))
        elif self.attached_to is None:
            problems.append(Problem(
                "attached_to", tr("is required: the record it is attached to")
            ))
        if self.attached_to is not None and _blank(self.attached_to):
            problems.append(Problem("attached_to", tr("must not be blank; leave it empty")))
        if self.case_id is None:
            if self.attached_kind != "referral":
                problems.append(Problem(
                    "case_id", tr("is required unless it is attached to a referral")
                ))
        elif _blank(self.case_id):
            problems.append(Problem("case_id", tr("must not be blank; leave it empty")))

    def searchable_text(self) -> str:
        """The title, the note and the file's name (so a worker finds it by any of them)."""
        return _joined(self.title, self.note, self.file_name)
