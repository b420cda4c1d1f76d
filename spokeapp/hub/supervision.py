"""Who may push supervision records (issue 6): supervisors only, and only in their own name.

Supervision comments, review marks, sign-off decisions and case supervision minutes are
written by a team's supervisor. A worker's laptop pushing one - or anyone writing one in
someone else's name - gets 403 and the whole batch is refused (nothing stored). Which cases
a supervisor may write them on is the ordinary case scope (``scope.can_see_case``): every
supervision record names its case, so a supervisor of team Y writing on team X's case is
refused exactly as a note would be.

Checked before the push transaction (it needs no database): see ``sync_service.prepare_push``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Final

from spokeapp.hub.errors import out_of_scope
from spokeapp.hub.scope import SUPERVISOR, Actor

#: Each supervision kind and the field naming the person who wrote it.
AUTHOR_FIELDS: Final[Mapping[str, str]] = {
    "supervision_comment": "author",
    "review_mark": "reviewed_by",
    "sign_off": "decided_by",
    "case_supervision": "supervisor",
}
SUPERVISOR_KINDS: Final = frozenset(AUTHOR_FIELDS)

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
