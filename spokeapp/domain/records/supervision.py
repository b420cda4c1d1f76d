"""Supervision records: comments, review marks, sign-off requests and decisions, supervisions.

The rules of the queues and of sign-off are in ``spokeapp.domain.supervision``.
"""

from __future__ import annotations

import dataclasses
from datetime import date, datetime
from enum import StrEnum
from typing import ClassVar

from spokeapp.domain.errors import Problem
from spokeapp.domain.records.checks import (
    _aware,
    _blank,
    _joined,
    _max_length,
    _min_length,
    _optional_id,
    _raise_if,
    _require,
    _require_all,
)
from spokeapp.domain.records.fields import RECORD_TYPES, _RecordFields
from spokeapp.i18n import number, translator

tr = translator(__name__)

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
        _require_all(problems, self, "id", "case_id", "author")
        _aware(problems, "written_at", self.written_at)
        _require(problems, "text", self.text)
        _text_limit(problems, "text", self.text)
        _optional_id(problems, "about_id", self.about_id)
        if (self.about_id is None) != (self.about_kind is None):
            problems.append(
                Problem("about_kind", tr("give both the record and its kind, or neither"))
            )
        elif self.about_kind is not None and self.about_kind not in RECORD_TYPES:
            problems.append(Problem("about_kind", tr("is not a known record kind")))
        if self.about_id is not None and self.about_id == self.id:
            problems.append(Problem("about_id", tr("a comment cannot be about itself")))
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
        _require_all(problems, self, "id", "case_id", "record_id")
        if self.record_kind not in REVIEWABLE_KINDS:
            problems.append(
                Problem("record_kind", tr("only session notes and risk assessments are reviewed"))
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
        _require_all(problems, self, "id", "case_id", "request_id")
        if self.request_kind not in SIGN_OFF_KINDS:
            problems.append(
                Problem("request_kind", tr("only closures, risk assessments and the kinds your "
                                           "hub asks approval for are signed off"))
            )
        _require(problems, "decided_by", self.decided_by)
        _aware(problems, "decided_at", self.decided_at)
        if self.outcome is SignOffOutcome.RETURNED:
            _min_length(
                problems,
                "comment",
                self.comment,
                MIN_RETURN_COMMENT_CHARS,
                tr("say why it is returned and what to do"),
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
        _require_all(problems, self, "id", "case_id", "record_id")
        if self.record_id == self.id:
            problems.append(Problem("record_id", tr("a request cannot be about itself")))
        if self.record_kind not in APPROVABLE_KINDS:
            problems.append(Problem("record_kind", tr("is not a kind a hub can ask approval for")))
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
        _require_all(problems, self, "id", "case_id", "supervisor", "discussion")
        _text_limit(problems, "discussion", self.discussion)
        for name in ("decisions", "decisions_not_to_act", "action_texts", "action_owners"):
            items: tuple[str, ...] = getattr(self, name)
            if any(_blank(item) for item in items):
                problems.append(Problem(name, tr("must not hold an empty entry")))
            if any(len(item) > _MAX_COMMENT_CHARS for item in items):
                problems.append(
                    Problem(
                        name,
                        tr("each entry must be at most {limit} characters").format(
                            limit=number(_MAX_COMMENT_CHARS)
                        ),
                    )
                )
        if not len(self.action_texts) == len(self.action_owners) == len(self.action_due):
            problems.append(
                Problem("action_owners", tr("every action needs an owner and a due date"))
            )
        if any(due < self.held_on for due in self.action_due):
            problems.append(
                Problem("action_due", tr("an action cannot be due before the supervision"))
            )
        _raise_if(problems)

    def searchable_text(self) -> str:
        """Discussion, decisions and actions."""
        return _joined(
            self.discussion, *self.decisions, *self.decisions_not_to_act, *self.action_texts
        )
