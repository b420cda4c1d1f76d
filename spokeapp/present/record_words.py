"""A note, assessment, closure or supervision record in words, without Qt: what it is, when it
happened and its readable fields (the Review page's list and detail pane and the case page's
timeline), and where it stands with the supervisor (awaiting sign-off, signed off, returned,
reviewed).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Final

from spokeapp.domain.attachments import megabytes
from spokeapp.domain.records import (
    CLOSURE_REASON_CHOICES,
    OUTCOME_EXPLAINED,
    Amendment,
    Attachment,
    CaseSupervision,
    Closure,
    ContactType,
    Record,
    ReviewMark,
    RiskAssessment,
    SafeguardingConcern,
    Session,
    SignOff,
    SignOffOutcome,
    SupervisionComment,
)
from spokeapp.domain.supervision import SignOffState, latest_decision, sign_off_state
from spokeapp.i18n import day_and_time, number, translator
from spokeapp.present.labels import (
    chosen_by_label,
    contact_type_label,
    format_day,
    humanise,
    meet_again_label,
    raised_to_label,
    venue_label,
)
from spokeapp.present.review import SIGNED_OFF_THINGS, about_words

tr = translator(__name__)

#: A person named by user id, shown by name (``spokeapp.present.people``); the id by default.
Person = Callable[[str], str]


def _as_is(text: str) -> str:
    return text


#: Session contact types, short (the timeline's "Session: Phone call").
_SHORT_CONTACT: Final = {
    ContactType.ONE_TO_ONE: tr.noop("One-to-one"),
    ContactType.PHONE: tr.noop("Phone call"),
    ContactType.TEXT: tr.noop("Text messages"),
    ContactType.ONLINE: tr.noop("Online (video or chat)"),
    ContactType.MISSED: tr.noop("Missed"),
}


def field_label(text: str) -> str:
    """A field label of this module (``"By"``, ``"Actions"``) as shown, for finding a field
    in a list of (label, value) pairs without comparing against English."""
    return tr(text)

SUPERVISION_KINDS = SupervisionComment | SignOff | CaseSupervision
"""Supervision records the case timeline lists (review marks only change a note's status)."""


def moment_words(when: datetime) -> str:
    """A moment as the worker reads it: local, ``2 Mar 2026, 14:05``."""
    return day_and_time(when.astimezone())


def what_words(record: Record) -> str:
    """One line naming a note, assessment or closure."""
    if isinstance(record, Session):
        return tr("Missed session") if record.missed else tr("Session: {contact}").format(
            contact=tr(_SHORT_CONTACT[record.contact_type]))
    if isinstance(record, RiskAssessment):
        kind = humanise(record.assessment_type)
        if record.override_level:
            return tr("Risk assessment ({kind}): level overridden to {level}").format(
                kind=kind, level=humanise(record.override_level))
        return tr("Risk assessment ({kind})").format(kind=kind)
    if isinstance(record, Closure):
        return tr("Case closure")
    if isinstance(record, SafeguardingConcern):
        return tr("Concern raised with {agency}").format(
            agency=raised_to_label(record.raised_to))
    if isinstance(record, Amendment):
        return tr("Amendment to a {thing}").format(
            thing=about_words(record.amends_kind).lower())
    if isinstance(record, Attachment):
        return tr("Attachment: {title}").format(title=record.title)
    return humanise(record.KIND)


def size_words(size: int) -> str:
    """A file's size as a worker reads it: "512 bytes", "48 KB", "2.5 MB" (1 KB = 1,000
    bytes, as the hub's limit is counted)."""
    if size < 1000:
        return tr.plural(size, "{n} byte", "{n} bytes")
    if size <= 999_000:
        return tr("{kb} KB").format(kb=number(-(-size // 1000)))
    return megabytes(size)


def when_words(record: Record) -> str:
    """When a note, assessment or closure happened, in the worker's words."""
    if isinstance(record, Session):
        return moment_words(record.occurred_at)
    if isinstance(record, RiskAssessment):
        return format_day(record.assessed_on)
    if isinstance(record, Closure):
        return format_day(record.closed_on)
    if isinstance(record, SafeguardingConcern):
        return format_day(record.raised_on)
    if isinstance(record, Attachment):
        return format_day(record.document_date)
    return ""


def note_fields(
    record: Record,
    *,
    level_words: Callable[[str], str] = humanise,
    in_full: bool = False,
) -> list[tuple[str, str]]:
    """The readable fields of a note, assessment or closure.

    ``level_words`` names a risk band (the case page uses its risk tool's labels); ``in_full``
    (the case page's detail pane) adds who chose the place and who set the pace of a session,
    and says "Not asked" where the worker did not ask whether to meet again.
    """
    if isinstance(record, Session):
        chosen = [
            (tr("Who chose where"),
             chosen_by_label(record.venue_chosen_by) if record.venue_chosen_by else ""),
            (tr("Who set the pace"),
             chosen_by_label(record.pace_set_by) if record.pace_set_by else ""),
        ] if in_full else []
        not_asked = tr("Not asked") if in_full else ""
        return [
            (tr("When"), moment_words(record.occurred_at)),
            (tr("Length"), tr.plural(record.duration_minutes, "{n} minute", "{n} minutes")),
            (tr("Type of contact"), contact_type_label(record.contact_type)),
            (tr("Where"), venue_label(record.venue_type) if record.venue_type else ""),
            *chosen,
            (tr("What was discussed"), record.discussed),
            (tr("Their own words"), record.young_persons_words),
            (
                tr("\u201cDo you want to see me?\u201d"),
                meet_again_label(record.wants_to_meet_again) if record.wants_to_meet_again
                else not_asked,
            ),
            (tr("Concerns"), record.concerns),
            (tr("Actions"), record.actions),
        ]
    if isinstance(record, RiskAssessment):
        fields = [
            (tr("Date"), format_day(record.assessed_on)),
            (tr("Score"), number(record.score)),
            (tr("Level from the score"), level_words(record.level)),
        ]
        if record.override_level:
            fields += [
                (tr("Level in the worker's judgement"), level_words(record.override_level)),
                (tr("Reasons"), record.override_reasons),
            ]
        return fields
    if isinstance(record, Closure):
        return [
            (tr("Closed on"), format_day(record.closed_on)),
            (tr("Reason"), CLOSURE_REASON_CHOICES[record.reason]),
            (tr("More about it"), record.reason_detail),
            (tr("Why no closing assessment"), record.no_assessment_reason),
            (tr("Outcome"), OUTCOME_EXPLAINED[record.outcome]),
        ]
    if isinstance(record, SafeguardingConcern):
        return [
            (tr("Date raised"), format_day(record.raised_on)),
            (tr("Raised with"), raised_to_label(record.raised_to)),
            (tr("Their reference"), record.their_reference),
            (tr("The concern"), record.summary),
        ]
    if isinstance(record, Amendment):
        return [
            (tr("Amends"), about_words(record.amends_kind)),
            (tr("Why"), record.reason),
            (tr("Correction"), record.text),
        ]
    if isinstance(record, Attachment):
        return [
            (tr("Title"), record.title),
            (tr("Date of the document"), format_day(record.document_date)),
            (tr("File"), record.file_name),
            (tr("Size"), size_words(record.size)),
            (tr("Note"), record.note),
        ]
    return []


# ---------------------------------------------------------------------- the case timeline
def supervision_cells(record: Record) -> tuple[str, str, str] | None:
    """(when, what, summary) of a supervision record on the case timeline, else None."""
    if isinstance(record, SupervisionComment):
        about = (about_words(record.about_kind).lower() if record.about_kind
                 else tr("the case"))
        return (moment_words(record.written_at),
                tr("Supervisor comment on {thing}").format(thing=about), record.text)
    if isinstance(record, SignOff):
        thing = SIGNED_OFF_THINGS.get(record.request_kind, "record").lower()
        what = (tr("Signed off by supervisor ({thing})")
                if record.outcome is SignOffOutcome.APPROVED
                else tr("Returned by supervisor ({thing})")).format(thing=thing)
        return (moment_words(record.decided_at), what, record.comment or tr("Approved"))
    if isinstance(record, CaseSupervision):
        return format_day(record.held_on), tr("Case supervision"), record.discussion
    return None


def supervision_fields(
    record: Record, *, person: Person = _as_is, owner: Person = _as_is
) -> list[tuple[str, str]]:
    """The readable fields of a supervision record for the case page's detail pane.

    ``person`` names the user id of who wrote or decided it (the id itself by default);
    ``owner`` names the owner of each case supervision action (as typed by default)."""
    if isinstance(record, SupervisionComment):
        return [(tr("Written"), moment_words(record.written_at)),
                (tr("By"), person(record.author)),
                (tr("About"), about_words(record.about_kind)), (tr("Comment"), record.text)]
    if isinstance(record, SignOff):
        decision = (tr("Approved") if record.outcome is SignOffOutcome.APPROVED
                    else tr("Returned"))
        return [(tr("Decided"), moment_words(record.decided_at)),
                (tr("By"), person(record.decided_by)),
                (tr("Decision"), decision), (tr("Comment"), record.comment)]
    if isinstance(record, CaseSupervision):
        actions = "\n".join(
            tr("{action} \u2014 {owner}, by {day}").format(
                action=a.description, owner=owner(a.owner), day=format_day(a.due_on))
            for a in record.actions
        )
        return [
            (tr("Held on"), format_day(record.held_on)),
            (tr("Supervisor"), person(record.supervisor)),
            (tr("Discussion"), record.discussion),
            (tr("Decisions"), "\n".join(record.decisions)),
            (tr("Decisions not to act"), "\n".join(record.decisions_not_to_act)),
            (tr("Actions"), actions),
        ]
    return []


def sign_off_words(record: Record, records: Sequence[Record]) -> str:
    """", awaiting sign-off" / ", signed off" / ", returned" for the timeline status column."""
    state = sign_off_state(record, records)
    return {
        SignOffState.NOT_NEEDED: "",
        SignOffState.AWAITING: tr(", awaiting sign-off"),
        SignOffState.APPROVED: tr(", signed off"),
        SignOffState.RETURNED: tr(", returned by supervisor"),
    }[state]


def sign_off_detail(
    record: Record, records: Sequence[Record], *, person: Person = _as_is
) -> str:
    """The sign-off of a closure or overridden assessment, for the case page's detail pane;
    ``person`` names the supervisor's user id (the id itself by default)."""
    state = sign_off_state(record, records)
    if state is SignOffState.NOT_NEEDED:
        return ""
    if state is SignOffState.AWAITING:
        return tr("Awaiting supervisor sign-off")
    decision = latest_decision(record.id, records)
    if decision is None:  # signed off on the record itself
        return tr("Signed off by {person}").format(
            person=person(str(getattr(record, "signed_off_by", None) or "")))
    when = moment_words(decision.decided_at)
    if state is SignOffState.APPROVED:
        return tr("Signed off by {person}, {when}").format(
            person=person(decision.decided_by), when=when)
    return tr("Returned by {person}, {when}: {comment}").format(
        person=person(decision.decided_by), when=when, comment=decision.comment)


def reviewed_words(record: Record, records: Sequence[Record]) -> str:
    """", reviewed" once a supervisor marked a note or assessment reviewed."""
    done = any(isinstance(r, ReviewMark) and r.record_id == record.id for r in records)
    return tr(", reviewed") if done else ""
