"""Need-to-know (decision 7): who may see and write which records on the hub.

* worker: cases where they are the key worker, and uncased records they wrote themselves;
* supervisor: cases whose key worker is in their team, and their team's uncased records;
* admin: no case content at all (configuration and aggregates only).

The same rules drive the pull filter (SQL) and the push checks (Python), and decide who gets
a purge tombstone when a case changes hands.

Links a laptop wrote (a case's young person and referral, a referral's young person, a
document's referral, a visit's case) are stored unchecked, so offline work is never refused;
the hub's own processes (disposal, retention, restriction, subject files) follow one only
when :func:`in_audience` says so (docs/data-protection.md, "Links between teams").
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, bindparam, select
from sqlalchemy.orm import Session

from spokeapp.domain.roles import Role
from spokeapp.hub.models import HubCase, HubRecord, User

WORKER = Role.WORKER
SUPERVISOR = Role.SUPERVISOR
ADMIN = Role.ADMIN
#: Every role's value, as plain strings (argparse quotes choices with repr in its messages).
ROLES = tuple(role.value for role in Role)


@dataclass(frozen=True, slots=True)
class Actor:
    """The person behind a request, as the hub knows them (never as the device claims)."""

    user_id: str
    role: str
    team: str | None
    device_id: str | None = None

    @classmethod
    def of(cls, user: User, device_id: str | None = None) -> Actor:
        """The actor for a stored user (and the device they are using)."""
        return cls(user_id=user.id, role=user.role, team=user.team, device_id=device_id)


def _reaches(actor: Actor, user_id: str | None, team: str | None) -> bool:
    """Need-to-know's one rule, for work held or written by ``user_id`` of ``team``: a worker
    reaches only their own, a supervisor their team's (never when they have no team), an admin
    nothing."""
    if actor.role == WORKER:
        return user_id == actor.user_id
    if actor.role == SUPERVISOR:
        return actor.team is not None and team == actor.team
    return False


def can_see_case(actor: Actor, case: HubCase) -> bool:
    """True if the case is in the actor's scope (and so may be read and written)."""
    return _reaches(actor, case.key_worker, case.team)


def can_hold_case(actor: Actor, key_worker: User) -> bool:
    """True if the actor may make ``key_worker`` the key worker of a case.

    A worker may only hold cases themselves; a supervisor may give a case to anyone in their
    team who can hold cases; an admin cannot create case content at all.
    """
    return key_worker.role != ADMIN and _reaches(actor, key_worker.id, key_worker.team)


def can_see_uncased(actor: Actor, author: User | None) -> bool:
    """True if an uncased record written by ``author`` is in the actor's scope."""
    return author is not None and _reaches(actor, author.id, author.team)


def visible_cases(role: str, has_team: bool) -> ColumnElement[bool] | None:
    """SQL condition on ``hub_cases`` selecting the cases in the scope of an actor of this role
    (with a team or not); None if the role sees no case. The person is a bound parameter
    (``scope_user``, ``scope_team``: :func:`scope_params`), so one statement serves every
    caller of a role."""
    if role == WORKER:
        return HubCase.key_worker == bindparam("scope_user")
    if role == SUPERVISOR and has_team:
        return HubCase.team == bindparam("scope_team")
    return None


def visible_authors(role: str, has_team: bool) -> ColumnElement[bool] | None:
    """SQL condition on ``users`` selecting whose uncased records are in the scope of an actor
    of this role; None if the role sees none. Bound parameters as :func:`visible_cases`."""
    if role == WORKER:
        return User.id == bindparam("scope_user")
    if role == SUPERVISOR and has_team:
        return User.team == bindparam("scope_team")
    return None


def scope_params(actor: Actor) -> dict[str, str | None]:
    """The bound values of :func:`visible_cases` and :func:`visible_authors` for this actor."""
    return {"scope_user": actor.user_id, "scope_team": actor.team}


def case_audience(session: Session, key_worker: str, team: str | None) -> set[str]:
    """Every user who can see a case held by ``key_worker`` in ``team``."""
    audience = {key_worker}
    if team is not None:
        audience.update(
            session.scalars(
                select(User.id).where(User.role == SUPERVISOR, User.team == team)
            ).all()
        )
    return audience


def _holder(session: Session, row: HubRecord) -> tuple[str, str | None]:
    """Who holds a record on the hub, and their team: the key worker and team of its case,
    or, for a record with no case (or one whose case the hub does not hold), its author."""
    if row.case_id is not None:
        case = session.get(HubCase, row.case_id)
        if case is not None:
            return case.key_worker, case.team
    author = session.get(User, row.author_user)
    return row.author_user, None if author is None else author.team


def in_audience(session: Session, record: HubRecord, *, of: HubRecord) -> bool:
    """Whether a link a laptop wrote from ``of`` to ``record`` holds for the hub's own
    processes (disposal, retention, restriction, subject files): ``record`` is in the
    audience of ``of``'s case (of ``of``'s author when it has no case). That is: both are of
    the same case, or the one who holds ``record`` (its case's key worker, or its author when
    it has no case) is the one who holds ``of``, or both are held in the same team. A link
    that fails is treated as if it were not there; the record it names is left to whoever
    holds it."""
    if record.case_id is not None and record.case_id == of.case_id:
        return True
    user, team = _holder(session, record)
    linker, linker_team = _holder(session, of)
    return user == linker or (team is not None and team == linker_team)
