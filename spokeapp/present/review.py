"""What the Review page and the worker's unread comments show, and the writes they make.

Loaders (``load_review``, ``load_unread``) run off the GUI thread and read the local casebook
only: a supervisor's laptop holds their team's cases as the hub syncs them, with the hub's
sign-off requests for the kinds it says need approval (``spoke-hub approvals``). Writes
(``mark_reviewed``, ``add_comment``, ``decide``) save finalised supervision records that go to
the hub at the next sync like any other record. Whether a comment was read is local state in
the casebook's settings (``comment_read.<id>``), never synced.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Final

from spokeapp.domain.ids import new_id
from spokeapp.domain.records import (
    APPROVABLE_KINDS,
    Case,
    CaseStatus,
    Closure,
    Record,
    ReviewMark,
    RiskAssessment,
    Session,
    SignOff,
    SignOffOutcome,
    SupervisionComment,
    YoungPerson,
)
from spokeapp.domain.supervision import (
    DueAction,
    due_actions,
    pending_sign_offs,
    reopen_after_return,
    review_queue,
    unread_feedback,
)
from spokeapp.i18n import day, translator
from spokeapp.store.casebook import Casebook, RecordNotFound, StoredRecord

tr = translator(__name__)

READ_SETTING: Final = "comment_read."
#: Kinds the Review page reads (with cases and young people for the context).
_KINDS: Final = ("session", "risk_assessment", "closure", "review_mark", "sign_off",
                 "supervision_comment", "sign_off_request", "case_supervision",
                 *sorted(APPROVABLE_KINDS))


@dataclass(frozen=True)
class CaseContext:
    """The case beside a note: who, which worker, risk now, and what else is recorded."""

    case: Case
    person: YoungPerson | None
    sessions: int = 0
    last_contact: datetime | None = None
    comments: tuple[SupervisionComment, ...] = ()

    @property
    def reference(self) -> str:
        return self.person.reference if self.person else tr("Unknown young person")


@dataclass(frozen=True)
class ReviewItem:
    """A note, assessment or sign-off request with its case and who wrote it.

    ``record``: a session or risk assessment (the queue); a closure, overridden assessment or
    a record of a kind the hub asked approval for (sign-off requests)."""

    record: Record
    author: str
    context: CaseContext
    synced_at: str


@dataclass(frozen=True)
class ActionItem:
    """An action agreed in case supervision, due soon or overdue, with its case reference."""

    due: DueAction
    reference: str


@dataclass
class ReviewData:
    """Everything the Review page shows, read in one go."""

    me: str
    queue: list[ReviewItem] = field(default_factory=list)
    sign_offs: list[ReviewItem] = field(default_factory=list)
    actions: list[ActionItem] = field(default_factory=list)


def _contexts(book: Casebook, stored: list[StoredRecord]) -> dict[str, CaseContext]:
    cases = {s.record.id: s.record for s in book.records("case") if isinstance(s.record, Case)}
    people = {
        s.record.id: s.record for s in book.records("young_person")
        if isinstance(s.record, YoungPerson)
    }
    sessions: dict[str, list[Session]] = {}
    comments: dict[str, list[SupervisionComment]] = {}
    for s in stored:
        record = s.record
        if isinstance(record, Session) and s.state == "final":
            sessions.setdefault(record.case_id, []).append(record)
        elif isinstance(record, SupervisionComment):
            comments.setdefault(record.case_id, []).append(record)
    contexts: dict[str, CaseContext] = {}
    for case_id, case in cases.items():
        met = sessions.get(case_id, [])
        contexts[case_id] = CaseContext(
            case=case,
            person=people.get(case.young_person_id),
            sessions=len(met),
            last_contact=max((s.occurred_at for s in met), default=None),
            comments=tuple(sorted(comments.get(case_id, []), key=lambda c: c.written_at)),
        )
    return contexts


def load_review(book: Casebook, today: date | None = None) -> ReviewData:
    """The review queue, sign-off requests and (given ``today``) the team's case supervision
    actions due within a week or overdue, on this laptop (finalised records only)."""
    me = str(book.author)
    stored: list[StoredRecord] = []
    for kind in _KINDS:
        stored.extend(s for s in book.records(kind) if s.state == "final")
    contexts = _contexts(book, stored)
    by_id = {s.record.id: s for s in stored}
    records = [s.record for s in stored]
    authors = {s.record.id: s.author for s in stored}
    data = ReviewData(me=me)
    for record in review_queue(records, me=me, authors=authors):
        context = contexts.get(record.case_id)
        if context is not None:
            data.queue.append(ReviewItem(record, authors[record.id], context,
                                         by_id[record.id].created_at))
    for request in pending_sign_offs(records):
        context = contexts.get(request.case_id) if request.case_id is not None else None
        if context is not None and authors.get(request.id) != me:
            data.sign_offs.append(ReviewItem(request, authors[request.id], context,
                                             by_id[request.id].created_at))
    if today is not None:
        data.actions = [
            ActionItem(due, contexts[due.case_id].reference)
            for due in due_actions(records, today=today) if due.case_id in contexts
        ]
    return data


def mark_reviewed(book: Casebook, record: Session | RiskAssessment, at: datetime) -> ReviewMark:
    """Mark a note or assessment reviewed by this laptop's user (finalised, synced)."""
    mark = ReviewMark(id=new_id(), case_id=record.case_id, record_id=record.id,
                      record_kind=record.KIND, reviewed_by=str(book.author), reviewed_at=at)
    book.save(mark, finalise=True)
    return mark


def add_comment(book: Casebook, case_id: str, text: str, at: datetime,
                about: Record | None = None) -> SupervisionComment:
    """A supervision comment on a case (about one of its records, if given)."""
    comment = SupervisionComment(
        id=new_id(), case_id=case_id, author=str(book.author), written_at=at, text=text.strip(),
        about_id=None if about is None else about.id,
        about_kind=None if about is None else about.KIND,
    )
    book.save(comment, finalise=True)
    return comment


def decide(book: Casebook, request: Record, outcome: SignOffOutcome,
           comment: str, at: datetime) -> SignOff:
    """Approve or return a sign-off request. Returning a closure also reopens the case.

    The decision is validated before anything is saved, so a return without a proper comment
    changes nothing.
    """
    assert request.case_id is not None
    decision = SignOff(
        id=new_id(), case_id=request.case_id, request_id=request.id, request_kind=request.KIND,
        outcome=outcome, decided_by=str(book.author), decided_at=at, comment=comment.strip(),
    )
    decision.validate()
    book.save(decision, finalise=True)
    if outcome is SignOffOutcome.RETURNED and isinstance(request, Closure):
        case = book.get(request.case_id).record
        if isinstance(case, Case) and case.status is CaseStatus.CLOSED:
            book.save(reopen_after_return(case))
    return decision


# ---------------------------------------------------------------------- worker side
@dataclass(frozen=True)
class UnreadComment:
    """A supervisor's comment or sign-off decision the worker has not marked read, or
    (``due_on`` set) an action from case supervision they own that is due soon or overdue:
    actions stay until the next case supervision, whatever is marked read."""

    record_id: str
    case_id: str
    text: str
    written_at: datetime
    reference: str
    about: str
    due_on: date | None = None

    @property
    def is_action(self) -> bool:
        return self.due_on is not None


#: A signed-off kind in the worker's words.
SIGNED_OFF_THINGS: Final = {
    "closure": tr.noop("Closure"), "risk_assessment": tr.noop("Risk level"),
    "safeguarding_concern": tr.noop("Concern"), "amendment": tr.noop("Amendment"),
}


def signed_off_thing(kind: str) -> str | None:
    """A signed-off kind in the worker's words, translated (``None``: not a signed-off kind)."""
    thing = SIGNED_OFF_THINGS.get(kind)
    return tr(thing) if thing is not None else None


#: A sign-off decision in the worker's words: kind -> (approved, returned).
_DECISION_WORDS: Final = {
    "closure": (tr.noop("Closure signed off"),
                tr.noop("Closure returned: the case is open again")),
    "risk_assessment": (tr.noop("Risk level signed off"), tr.noop("Risk level returned")),
    "safeguarding_concern": (tr.noop("Concern signed off"), tr.noop("Concern returned")),
    "amendment": (tr.noop("Amendment signed off"), tr.noop("Amendment returned")),
}
_RECORD_DECISION: Final = (tr.noop("Record signed off"), tr.noop("Record returned"))


def _decision_words(decision: SignOff) -> str:
    approved, returned = _DECISION_WORDS.get(decision.request_kind, _RECORD_DECISION)
    return tr(approved if decision.outcome is SignOffOutcome.APPROVED else returned)


def load_unread(book: Casebook, today: date | None = None) -> list[UnreadComment]:
    """Supervisors' comments and sign-off decisions on this laptop, written by someone else
    and not yet marked read on it, oldest first; then (given ``today``) the case supervision
    actions this laptop's user owns that are due within a week or overdue."""
    read = set(book.settings_with_prefix(READ_SETTING))
    records = [
        s.record for kind in ("supervision_comment", "sign_off")
        for s in book.records(kind) if s.state == "final"
    ]
    unread = unread_feedback(records, me=str(book.author), read=read)
    actions: list[DueAction] = []
    if today is not None:
        minutes = [s.record for s in book.records("case_supervision") if s.state == "final"]
        actions = due_actions(minutes, today=today, owner=str(book.author))
    if not unread and not actions:
        return []
    cases = {s.record.id: s.record for s in book.records("case") if isinstance(s.record, Case)}
    people = {
        s.record.id: s.record for s in book.records("young_person")
        if isinstance(s.record, YoungPerson)
    }
    result: list[UnreadComment] = []
    for record in unread:
        case = cases.get(record.case_id)
        person = people.get(case.young_person_id) if case else None
        reference = person.reference if person else ""
        if isinstance(record, SignOff):
            result.append(UnreadComment(
                record.id, record.case_id, record.comment or tr("Approved"), record.decided_at,
                reference, _decision_words(record),
            ))
        else:
            about = about_words(record.about_kind) if record.about_id else tr("The case")
            result.append(UnreadComment(
                record.id, record.case_id, record.text, record.written_at, reference, about,
            ))
    for due in actions:
        case = cases.get(due.case_id)
        person = people.get(case.young_person_id) if case else None
        when = day(due.action.due_on)
        result.append(UnreadComment(
            f"{due.supervision_id}#{due.number}", due.case_id, due.action.description,
            datetime.combine(due.action.due_on, datetime.min.time()),
            person.reference if person else "",
            (tr("Action overdue (due {day})") if due.overdue
             else tr("Action due {day}")).format(day=when),
            due_on=due.action.due_on,
        ))
    return result


def mark_read(book: Casebook, comment_ids: list[str]) -> None:
    """Remember on this laptop that the worker has read these comments."""
    for comment_id in comment_ids:
        book.set_setting(READ_SETTING + comment_id, "1")


def about_words(kind: str | None) -> str:
    """A record kind in the words the worker uses."""
    return tr({
        "session": tr.noop("Session note"), "risk_assessment": tr.noop("Risk assessment"),
        "closure": tr.noop("Case closure"), "safeguarding_concern": tr.noop("Concern"),
        "amendment": tr.noop("Amendment"), None: tr.noop("The case"),
    }.get(kind, tr.noop("A record")))


# ---------------------------------------------------------------------- reassigning
def team_workers(book: Casebook) -> list[str]:
    """Key workers of the cases on this laptop (a supervisor's laptop holds the team's)."""
    return sorted({row.key_worker for row in book.caseload() if row.key_worker})


def reassign_case(book: Casebook, case_id: str, worker_id: str) -> Case:
    """Give a case to another worker: the case header's key worker changes, and at the next
    sync the hub moves the case (it leaves the old worker's laptop and reaches the new one).

    The hub refuses (and this laptop holds the change) unless the new worker is in the
    supervisor's team.
    """
    case = book.get(case_id).record
    if not isinstance(case, Case):
        raise RecordNotFound(tr("That case is not on this laptop."))
    moved = dataclasses.replace(case, key_worker=worker_id.strip())
    book.save(moved)
    return moved
