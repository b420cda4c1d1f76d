"""Record kinds a hub says need a supervisor's approval (issue 6), and the requests it writes.

A closure and an overridden risk level always need sign-off (the record itself is the request;
``spokeapp.domain.supervision``). A hub administrator may add further kinds from
``APPROVABLE_KINDS`` (safeguarding concerns, amendments) with

    spoke-hub approvals require KIND   /   spoke-hub approvals clear KIND   /   approvals list

The policy is a ``hub_meta`` row (``approval_kinds``, a JSON list); no schema change. Laptops
learn it without any change to the sync protocol: when a record of a configured kind is pushed,
:func:`on_pushed` writes a hub-authored ``sign_off_request`` record naming it, in the same push
transaction (as lone working writes ``welfare_debrief`` records). The request carries the
record's case, so the team's supervisors and the worker pull it like any record of the case;
the domain then treats the named record as needing sign-off, the supervisor's Review page lists
it with Approve / Return, and the worker sees the decision after their next sync. Devices may
not push requests themselves (``spokeapp.hub.supervision``: 403).

Records pushed before a kind was required are not asked about; clearing a kind leaves the
requests already written in place (a supervisor still decides them).
"""

from __future__ import annotations

import argparse
import functools
import json
import logging
from collections.abc import Sequence
from typing import Any, Final, Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from spokeapp.domain.errors import SpokeError
from spokeapp.domain.records import APPROVABLE_KINDS, SignOffRequest
from spokeapp.domain.supervision import request_id_for
from spokeapp.hub.commands import Settings, open_session
from spokeapp.hub.commands import bind as bind_command
from spokeapp.hub.errors import HubError
from spokeapp.hub.ledger import among, audit, lock_writes, next_seq, set_meta
from spokeapp.hub.models import HubMeta, HubRecord
from spokeapp.hub.scope import Actor
from spokeapp.hub.security import Clock, iso
from spokeapp.hub.supervision import SUPERVISOR_KINDS

log = logging.getLogger(__name__)

__all__ = [
    "APPROVALS_KEY",
    "approval_kinds",
    "clear",
    "on_pushed",
    "register",
    "require",
    "slow_kinds",
]

APPROVALS_KEY: Final = "approval_kinds"


class CheckedChange(Protocol):
    """What :func:`on_pushed` reads of a checked change in ``hub.push``."""

    @property
    def change(self) -> Any: ...

    @property
    def body(self) -> dict[str, Any]: ...

    @property
    def case_id(self) -> str | None: ...


# --------------------------------------------------------------------------- the policy
def approval_kinds(session: Session) -> frozenset[str]:
    """The kinds this hub says need approval (besides closures and overridden risk levels)."""
    value = session.scalar(select(HubMeta.value).where(HubMeta.key == APPROVALS_KEY))
    if not value:
        return frozenset()
    return frozenset(kind for kind in json.loads(value) if kind in APPROVABLE_KINDS)


def _check_kind(kind: str) -> None:
    if kind not in APPROVABLE_KINDS:
        raise SpokeError(
            f"{kind!r} cannot need approval. Choose one of: {', '.join(sorted(APPROVABLE_KINDS))} "
            "(closures and overridden risk levels always need sign-off)."
        )


def _save(session: Session, kinds: frozenset[str]) -> None:
    set_meta(session, APPROVALS_KEY, json.dumps(sorted(kinds)))


def require(session: Session, kind: str) -> bool:
    """From now on, every pushed record of ``kind`` needs approval. False if it already did.

    Call holding the write lock (``lock_writes``)."""
    _check_kind(kind)
    kinds = approval_kinds(session)
    if kind in kinds:
        return False
    _save(session, kinds | {kind})
    audit(session, "admin", "approvals_require", kind)
    return True


def clear(session: Session, kind: str) -> bool:
    """Records of ``kind`` pushed from now on need no approval. False if they did not."""
    _check_kind(kind)
    kinds = approval_kinds(session)
    if kind not in kinds:
        return False
    _save(session, kinds - {kind})
    audit(session, "admin", "approvals_clear", kind)
    return True


def slow_kinds(session: Session) -> frozenset[str]:
    """Kinds the group commit's common path must leave to ``hub.push.transaction.push``: supervision
    records (their targets are checked there) and the kinds that need approval (their
    requests are written there)."""
    return SUPERVISOR_KINDS | approval_kinds(session)


# --------------------------------------------------------------------------- the push hook
def _asks_about(found: tuple[str, Any], record_id: str) -> bool:
    """True if ``found`` (a hub record's kind and body) is the sign-off request of
    ``record_id``."""
    kind, body = found
    return (kind == SignOffRequest.KIND and isinstance(body, dict)
            and body.get("record_id") == record_id)


def on_pushed(session: Session, actor: Actor, accepted: Sequence[CheckedChange],
              clock: Clock) -> int:
    """The push's approval step, in its transaction (holding the write lock), after the batch
    was applied: a ``sign_off_request`` for each newly accepted record of a configured kind.

    Returns how many requests were written.
    """
    kinds = approval_kinds(session) if accepted else frozenset()
    wanted = [
        item for item in accepted
        if item.change.kind in kinds and item.case_id is not None
    ]
    if not wanted:
        return 0
    now = clock()
    ids = [request_id_for(item.change.record_id) for item in wanted]
    existing = {
        record_id: (kind, body) for record_id, kind, body in session.execute(
            select(HubRecord.record_id, HubRecord.kind, HubRecord.body)
            .where(among(session, HubRecord.record_id, ids)))
    }
    written = 0
    for item, request_id in zip(wanted, ids, strict=True):
        if request_id in existing:
            if _asks_about(existing[request_id], item.change.record_id):
                continue  # the record came again (a re-push after a hub restore)
            # The request's id is derived from the record's (public: request_id_for), so a
            # device can push a record of its own under it first, hoping the hub takes it for
            # the request already made. Refuse instead: the record cannot be accepted without
            # its request (its author may send it again under a new id).
            log.warning("push from %s: a record's sign-off request id is taken by another "
                        "record; refused", actor.user_id)
            raise HubError(
                409, "request_id_taken",
                f"Record {item.change.record_id} needs a supervisor's approval but cannot be "
                "asked about: another record already has the id of its sign-off request.")
        existing[request_id] = (SignOffRequest.KIND, {"record_id": item.change.record_id})
        assert item.case_id is not None
        request = SignOffRequest(
            id=request_id, case_id=item.case_id, record_id=item.change.record_id,
            record_kind=item.change.kind, worker=actor.user_id, requested_at=now,
        )
        request.validate()
        session.add(HubRecord(
            record_id=request.id, kind=request.KIND, case_id=request.case_id, state="final",
            body=request.to_dict(), author_user=actor.user_id, device_id=None,
            seq=next_seq(session), hub_time=iso(now),
        ))
        audit(session, actor.user_id, "sign_off_requested", request.id,
              f"record={request.record_id}")
        written += 1
    session.flush()
    return written


# --------------------------------------------------------------------------- spoke-hub approvals


def cmd_list(args: argparse.Namespace, settings: Settings) -> int:
    with open_session(args, settings) as session:
        kinds = approval_kinds(session)
    print("Always need a supervisor's sign-off: closure, risk_assessment (overridden level).")
    if kinds:
        print("Also need approval on this hub: " + ", ".join(sorted(kinds)))
    else:
        print("No further kinds need approval on this hub.")
    print("Kinds that can: " + ", ".join(sorted(APPROVABLE_KINDS)))
    return 0


def cmd_require(args: argparse.Namespace, settings: Settings) -> int:
    with open_session(args, settings) as session, session.begin():
        lock_writes(session)
        changed = require(session, args.kind)
    if changed:
        print(f"Every {args.kind} pushed from now on waits for a supervisor's approval "
              "(records already on the hub are not asked about).")
    else:
        print(f"{args.kind} already needs approval; nothing changed.")
    return 0


def cmd_clear(args: argparse.Namespace, settings: Settings) -> int:
    with open_session(args, settings) as session, session.begin():
        lock_writes(session)
        changed = clear(session, args.kind)
    if changed:
        print(f"{args.kind} pushed from now on needs no approval (requests already made "
              "stay for a supervisor to decide).")
    else:
        print(f"{args.kind} did not need approval; nothing changed.")
    return 0


def register(commands: Any, common: argparse.ArgumentParser, settings: Settings) -> None:
    """Add ``spoke-hub approvals ...`` to the ``spoke-hub`` parser."""
    bind = functools.partial(bind_command, settings=settings)

    actions = commands.add_parser(
        "approvals", help="record kinds that need a supervisor's approval"
    ).add_subparsers(dest="action", required=True)
    bind(actions.add_parser("list", parents=[common], help="what needs approval"), cmd_list)
    choices = sorted(APPROVABLE_KINDS)
    p = actions.add_parser("require", parents=[common],
                           help="records of KIND pushed from now on need approval")
    p.add_argument("kind", metavar="KIND", help="one of: " + ", ".join(choices))
    bind(p, cmd_require)
    p = actions.add_parser("clear", parents=[common], help="KIND no longer needs approval")
    p.add_argument("kind", metavar="KIND", help="one of: " + ", ".join(choices))
    bind(p, cmd_clear)
