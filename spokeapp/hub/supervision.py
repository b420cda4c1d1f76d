"""Who may push supervision records (issue 6): supervisors only, and only in their own name.

Supervision comments, review marks, sign-off decisions and case supervision minutes are
written by a team's supervisor. A worker's laptop pushing one - or anyone writing one in
someone else's name - gets 403 and the whole batch is refused (nothing stored). Which cases
a supervisor may write them on is the ordinary case scope (``scope.can_see_case``): every
supervision record names its case, so a supervisor of team Y writing on team X's case is
refused exactly as a note would be.

A risk assessment whose overridden level is signed off on the record itself (``signed_off_by``:
the domain counts it approved, and it never reaches a supervisor's Review page) is written only
by a supervisor, in her own name (she holds the case herself); a worker's, or one naming
someone else, gets 403 too, so no worker can spare her overridden level its sign-off.

Checked before the push transaction (it needs no database): see ``hub.push.checks.prepare_push``.
Sign-off requests (``sign_off_request``) are written by the hub only (``spokeapp.hub.approvals``):
a device pushing one is refused 403 there too.

Inside the push transaction, :func:`check_targets` refuses (422, whole batch) a comment, review
mark or sign-off whose target record is on the hub but is not a record of the case it names, or
not of the kind it names: otherwise a supervisor could hang a note on team X's case that points
at a record from somewhere else. A target the hub does not hold is let through: it links
nothing, and after a hub restore laptops re-push in any order (a supervisor's comment may
arrive before the note it is about). A target the pusher may not see (in a case outside their
scope; an uncased record by someone outside it) is let through exactly like one the hub does
not hold: refusing it would tell them that the record exists, and of what kind, in another
team (it links nothing they can reach: their laptops never pull it).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Final, Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from spokeapp.domain.records import SignOffRequest
from spokeapp.hub.errors import HubError, out_of_scope
from spokeapp.hub.models import HubCase, HubRecord, User
from spokeapp.hub.scope import SUPERVISOR, Actor, can_see_case, can_see_uncased

#: Each supervision kind and the field naming the person who wrote it.
AUTHOR_FIELDS: Final[Mapping[str, str]] = {
    "supervision_comment": "author",
    "review_mark": "reviewed_by",
    "sign_off": "decided_by",
    "case_supervision": "supervisor",
}
SUPERVISOR_KINDS: Final = frozenset(AUTHOR_FIELDS)
#: Written by the hub only (``spokeapp.hub.approvals``): a device pushing one gets 403.
HUB_AUTHORED_KINDS: Final = frozenset({SignOffRequest.KIND})
#: A risk assessment's ``signed_off_by`` counts as its supervisor's approval
#: (``domain.supervision.sign_off_state``): set only by a supervisor, as herself (she is also
#: the case's worker); anyone else is refused 403 like a sign-off in another's name.
SELF_SIGNED_KIND: Final = "risk_assessment"
SELF_SIGN_OFF_FIELD: Final = "signed_off_by"
#: Each supervision kind that names a record of its case: (id field, kind field).
TARGET_FIELDS: Final[Mapping[str, tuple[str, str]]] = {
    "supervision_comment": ("about_id", "about_kind"),
    "review_mark": ("record_id", "record_kind"),
    "sign_off": ("request_id", "request_kind"),
}

_WORDS: Final[Mapping[str, str]] = {
    "supervision_comment": "add supervision comments",
    "review_mark": "mark records reviewed",
    "sign_off": "sign off closures and risk levels",
    "case_supervision": "record case supervision",
}


def check_supervision_kinds(
    actor: Actor, changes: Iterable[tuple[str, str, Mapping[str, Any]]]
) -> None:
    """Refuse (403) a batch holding a supervision record its pusher may not write.

    ``changes``: (kind, record id, normalised body) of every change in the batch.
    """
    for index, (kind, record_id, body) in enumerate(changes):
        if kind in HUB_AUTHORED_KINDS:
            raise out_of_scope(
                f"Change {index} ({kind} {record_id}): sign-off requests are written by the "
                "hub only; nothing was stored."
            )
        signer = body.get(SELF_SIGN_OFF_FIELD) if kind == SELF_SIGNED_KIND else None
        if signer is not None and (actor.role != SUPERVISOR or signer != actor.user_id):
            raise out_of_scope(
                f"Change {index} ({kind} {record_id}): {SELF_SIGN_OFF_FIELD} is written only "
                "by a supervisor signing off her own assessment, in her own name; a worker's "
                "overridden level is signed off by a supervisor's sign_off. Nothing was stored."
            )
        author_field = AUTHOR_FIELDS.get(kind)
        if author_field is None:
            continue
        if actor.role != SUPERVISOR:
            raise out_of_scope(
                f"Change {index} ({kind} {record_id}): only a supervisor can {_WORDS[kind]}."
            )
        if body.get(author_field) != actor.user_id:
            raise out_of_scope(
                f"Change {index} ({kind} {record_id}): {author_field} must be you; "
                "supervision records are written in your own name."
            )


class CheckedChange(Protocol):
    """What :func:`check_targets` reads of a checked change in ``hub.push``."""

    @property
    def change(self) -> Any: ...

    @property
    def body(self) -> dict[str, Any]: ...


def check_targets(session: Session, actor: Actor, checked: Sequence[CheckedChange]) -> None:
    """Refuse (422, whole batch) a supervision record whose target is a record of another case
    or of another kind than it says. Call inside the push transaction, after the batch was
    applied (a target pushed earlier in the same batch is then on the hub too). A target
    ``actor`` may not see counts as one the hub does not hold: let through, so the answer
    never tells that it exists.
    """
    wanted: list[tuple[int, CheckedChange, str, str, str]] = []
    for index, item in enumerate(checked):
        fields = TARGET_FIELDS.get(item.change.kind)
        if fields is None:
            continue
        target = item.body.get(fields[0])
        if isinstance(target, str) and target:
            wanted.append((index, item, fields[0], target, str(item.body.get(fields[1]))))
    if not wanted:
        return
    ids = sorted({target for _i, _item, _f, target, _k in wanted})
    found: dict[str, tuple[str, str | None]] = {}
    for start in range(0, len(ids), 500):
        for record_id, kind, case_id, author in session.execute(
            select(HubRecord.record_id, HubRecord.kind, HubRecord.case_id,
                   HubRecord.author_user)
            .where(HubRecord.record_id.in_(ids[start:start + 500]))
        ):
            if _may_see(session, actor, case_id, author):
                found[record_id] = (kind, case_id)
    for index, item, field, target, kind in wanted:
        on_hub = found.get(target)
        if on_hub is None:  # not on the hub, or not the pusher's to know about
            continue
        if on_hub != (kind, item.body.get("case_id")):
            raise HubError(
                422, "invalid_record",
                f"Change {index} ({item.change.kind} {item.change.record_id}): {field} must "
                f"name a {kind} of the same case; nothing was stored.",
            )


def _may_see(session: Session, actor: Actor, case_id: str | None, author: str) -> bool:
    """Whether a record of ``case_id`` (None: uncased, written by ``author``) is in the
    actor's scope (``spokeapp.hub.scope``; a restricted case in it counts: its supervisor may
    be told that a record is not of the case they name)."""
    if case_id is not None:
        case = session.get(HubCase, case_id)
        return case is not None and can_see_case(actor, case)
    return can_see_uncased(actor, session.get(User, author))
