"""A note, assessment, closure or supervision record in words, without Qt: what it is, when it
happened and its readable fields (the Review page's list and detail pane and the case page's
timeline), and where it stands with the supervisor (awaiting sign-off, signed off, returned,
reviewed).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from spokeapp.domain.records import (
    CLOSURE_REASON_CHOICES,
    OUTCOME_EXPLAINED,
    Amendment,
    CaseSupervision,
    Closure,
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
from spokeapp.present.labels import (
    CHOSEN_BY,
    CONTACT_TYPES,
    MEET_AGAIN,
    RAISED_TO,
    VENUE_TYPES,
    format_day,
    humanise,
)
from spokeapp.present.review import SIGNED_OFF_THINGS, about_words

SUPERVISION_KINDS = SupervisionComment | SignOff | CaseSupervision
"""Supervision records the case timeline lists (review marks only change a note's status)."""


def moment_words(when: datetime) -> str:
    """A moment as the worker reads it: local, ``2 Mar 2026, 14:05``."""
    local = when.astimezone()
    return f"{local.day} {local:%b %Y, %H:%M}"


def what_words(record: Record) -> str:
    """One line naming a note, assessment or closure."""
    if isinstance(record, Session):
        return "Missed session" if record.missed else (
            f"Session: {CONTACT_TYPES[record.contact_type].split(',')[0]}"
        )
    if isinstance(record, RiskAssessment):
        words = f"Risk assessment ({humanise(record.assessment_type)})"
        if record.override_level:
            words += f": level overridden to {humanise(record.override_level)}"
        return words
    if isinstance(record, Closure):
        return "Case closure"
    if isinstance(record, SafeguardingConcern):
        return f"Concern raised with {RAISED_TO[record.raised_to]}"
    if isinstance(record, Amendment):
        return f"Amendment to a {about_words(record.amends_kind).lower()}"
    return humanise(record.KIND)


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
            ("Who chose where",
             CHOSEN_BY[record.venue_chosen_by] if record.venue_chosen_by else ""),
            ("Who set the pace", CHOSEN_BY[record.pace_set_by] if record.pace_set_by else ""),
        ] if in_full else []
        not_asked = "Not asked" if in_full else ""
        return [
            ("When", moment_words(record.occurred_at)),
            ("Length", f"{record.duration_minutes} minutes"),
            ("Type of contact", CONTACT_TYPES[record.contact_type]),
            ("Where", VENUE_TYPES[record.venue_type] if record.venue_type else ""),
            *chosen,
            ("What was discussed", record.discussed),
            ("Their own words", record.young_persons_words),
            (
                "\u201cDo you want to see me?\u201d",
                MEET_AGAIN[record.wants_to_meet_again] if record.wants_to_meet_again
                else not_asked,
            ),
            ("Concerns", record.concerns),
            ("Actions", record.actions),
        ]
    if isinstance(record, RiskAssessment):
        fields = [
            ("Date", format_day(record.assessed_on)),
            ("Score", str(record.score)),
            ("Level from the score", level_words(record.level)),
        ]
        if record.override_level:
            fields += [
                ("Level in the worker's judgement", level_words(record.override_level)),
                ("Reasons", record.override_reasons),
            ]
        return fields
    if isinstance(record, Closure):
        return [
            ("Closed on", format_day(record.closed_on)),
            ("Reason", CLOSURE_REASON_CHOICES[record.reason]),
            ("More about it", record.reason_detail),
            ("Why no closing assessment", record.no_assessment_reason),
            ("Outcome", OUTCOME_EXPLAINED[record.outcome]),
        ]
    if isinstance(record, SafeguardingConcern):
        return [
            ("Date raised", format_day(record.raised_on)),
            ("Raised with", RAISED_TO[record.raised_to]),
            ("Their reference", record.their_reference),
            ("The concern", record.summary),
        ]
    if isinstance(record, Amendment):
        return [
            ("Amends", about_words(record.amends_kind)),
            ("Why", record.reason),
            ("Correction", record.text),
        ]
    return []


# ---------------------------------------------------------------------- the case timeline
def supervision_cells(record: Record) -> tuple[str, str, str] | None:
    """(when, what, summary) of a supervision record on the case timeline, else None."""
    if isinstance(record, SupervisionComment):
        about = about_words(record.about_kind).lower() if record.about_kind else "the case"
        return moment_words(record.written_at), f"Supervisor comment on {about}", record.text
    if isinstance(record, SignOff):
        what = "Signed off" if record.outcome is SignOffOutcome.APPROVED else "Returned"
        thing = SIGNED_OFF_THINGS.get(record.request_kind, "record").lower()
        return (moment_words(record.decided_at), f"{what} by supervisor ({thing})",
                record.comment or "Approved")
    if isinstance(record, CaseSupervision):
        return format_day(record.held_on), "Case supervision", record.discussion
    return None


def supervision_fields(record: Record) -> list[tuple[str, str]]:
    """The readable fields of a supervision record for the case page's detail pane."""
    if isinstance(record, SupervisionComment):
        return [("Written", moment_words(record.written_at)), ("By", record.author),
                ("About", about_words(record.about_kind)), ("Comment", record.text)]
    if isinstance(record, SignOff):
        return [("Decided", moment_words(record.decided_at)), ("By", record.decided_by),
                ("Decision", humanise(record.outcome)), ("Comment", record.comment)]
    if isinstance(record, CaseSupervision):
        actions = "\n".join(
            f"{a.description} \u2014 {a.owner}, by {format_day(a.due_on)}" for a in record.actions
        )
        return [
            ("Held on", format_day(record.held_on)), ("Supervisor", record.supervisor),
            ("Discussion", record.discussion), ("Decisions", "\n".join(record.decisions)),
            ("Decisions not to act", "\n".join(record.decisions_not_to_act)),
            ("Actions", actions),
        ]
    return []


def sign_off_words(record: Record, records: Sequence[Record]) -> str:
    """", awaiting sign-off" / ", signed off" / ", returned" for the timeline status column."""
    state = sign_off_state(record, records)
    return {
        SignOffState.NOT_NEEDED: "",
        SignOffState.AWAITING: ", awaiting sign-off",
        SignOffState.APPROVED: ", signed off",
        SignOffState.RETURNED: ", returned by supervisor",
    }[state]


def sign_off_detail(record: Record, records: Sequence[Record]) -> str:
    """The sign-off of a closure or overridden assessment, for the case page's detail pane."""
    state = sign_off_state(record, records)
    if state is SignOffState.NOT_NEEDED:
        return ""
    if state is SignOffState.AWAITING:
        return "Awaiting supervisor sign-off"
    decision = latest_decision(record.id, records)
    if decision is None:  # signed off on the record itself
        return f"Signed off by {getattr(record, 'signed_off_by', '')}"
    if state is SignOffState.APPROVED:
        return f"Signed off by {decision.decided_by}, {moment_words(decision.decided_at)}"
    return (f"Returned by {decision.decided_by}, {moment_words(decision.decided_at)}: "
            f"{decision.comment}")


def reviewed_words(record: Record, records: Sequence[Record]) -> str:
    """", reviewed" once a supervisor marked a note or assessment reviewed."""
    done = any(isinstance(r, ReviewMark) and r.record_id == record.id for r in records)
    return ", reviewed" if done else ""
