"""When someone leaves the service: ``spoke-hub user leave USER_ID [--cases-to USER_ID]
[--wipe]`` (docs/guide/admin.md, "When someone leaves").

One transaction under the hub's write lock; anything refused changes nothing (exit 2):

* **Their cases** go to the person named by ``--cases-to`` (a worker or supervisor still
  here), each exactly as ``spoke-hub case assign`` moves it (new sequence numbers for the new
  holder, purges for those who no longer see it). Without ``--cases-to`` they keep them for
  now, and the command says so. *Decision:* their retired laptop may still hold notes not
  sent; while the cases are theirs those notes are accepted (moved first, they would be
  refused as out of scope and held on a laptop that is going back). Once ``device list``
  shows their laptops have been seen since, the same command with ``--cases-to`` moves them.
* **Their laptops** are retired: each sends what it still holds (nothing written on it is
  lost), then pulls nothing more and stops syncing. With ``--wipe`` (a laptop that will not
  come back) each is revoked and erases its casebook at its next contact instead, unsent
  work included.
* **Their enrolment codes** not yet used are deleted, and no new one is made for them: no
  laptop can be enrolled in their name again.
* ``users.left_at`` records when (migration 0015); ``user list`` shows them as "left". Their
  past work keeps their name (reports, files, the audit).
* **Not while they are out on a visit**: a lone-working visit of theirs the hub still judges
  not over (armed, overdue, escalating, an alarm not resolved) refuses the leave, naming it:
  their check-ins must still reach the hub.

Audited ``user_left`` (ids and counts only).
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from spokeapp.domain.errors import SpokeError
from spokeapp.domain.lone_working import VisitState
from spokeapp.hub.admin import reassign_case, revoke_device
from spokeapp.hub.commands import Settings, locked_write
from spokeapp.hub.commands import bind as bind_command
from spokeapp.hub.ledger import audit
from spokeapp.hub.lone_working import load_policy, load_visits
from spokeapp.hub.models import Device, EnrolmentCode, HubCase, LoneWorkingWatch, User
from spokeapp.hub.scope import ADMIN
from spokeapp.hub.security import iso, utc_now

__all__ = ["Leaving", "LeavingError", "leave", "register"]

CLI_ACTOR = "cli"


class LeavingError(SpokeError):
    """A leave refused: nothing was changed (the command exits 2)."""


@dataclass(frozen=True, slots=True)
class Leaving:
    """What a leave did (ids and counts only)."""

    user_id: str
    #: Cases moved to ``--cases-to``; cases they still hold (no ``--cases-to`` given).
    cases: int
    kept: int
    laptops: int
    wiped: bool
    codes: int


def _visits_not_over(session: Session, user_id: str, now: datetime) -> list[str]:
    """The visits of ``user_id`` the hub still judges not over, with their state."""
    watched = list(session.scalars(select(LoneWorkingWatch.visit_id).where(
        LoneWorkingWatch.worker_user == user_id)))
    if not watched:
        return []
    policy = load_policy(session)
    states = {visit_id: visit.state(now, policy)
              for visit_id, visit in load_visits(session, watched).items() if visit is not None}
    return sorted(f"visit {visit_id} ({state.value.replace('_', ' ')})"
                  for visit_id, state in states.items() if state is not VisitState.ENDED)


def leave(session: Session, user_id: str, *, cases_to: str | None = None, wipe: bool = False,
          now: datetime | None = None, actor: str = CLI_ACTOR) -> Leaving:
    """Mark ``user_id`` as having left (see the module docstring). Call after
    ``ledger.lock_writes``; LeavingError (nothing changed) when refused. Run again for someone
    who has left, it only moves the cases they still hold (``cases_to``)."""
    moment = utc_now() if now is None else now
    user = session.get(User, user_id)
    if user is None:
        raise LeavingError(f"No user with id {user_id!r} on this hub; nothing changed.")
    held = list(session.scalars(select(HubCase.case_id).where(HubCase.key_worker == user_id)
                                .order_by(HubCase.case_id)))
    again = user.left_at is not None
    if again and not (held and cases_to is not None):
        raise LeavingError(f"{user_id} left on {user.left_at[:10]}"  # type: ignore[index]
                           + (f" and still holds {len(held)} case"
                              f"{'s' if len(held) != 1 else ''}: give --cases-to USER_ID to "
                              "move them" if held else "")
                           + "; nothing changed.")
    out = [] if again else _visits_not_over(session, user_id, moment)
    if out:
        raise LeavingError(f"{user_id} is still out on a lone-working visit the hub watches: "
                           + "; ".join(out) + ". Nothing changed; run it again once the visit "
                           "is over.")
    if cases_to is not None:
        taker = session.get(User, cases_to)
        if taker is None or taker.role == ADMIN or taker.left_at is not None \
                or taker.id == user_id:
            raise LeavingError(f"--cases-to {cases_to} is not a worker or supervisor still "
                               "here; nothing changed.")
        for case_id in held:
            reassign_case(session, case_id, cases_to, actor)
    moved = len(held) if cases_to is not None else 0
    if again:
        audit(session, actor, "user_left_cases_moved", user_id,
              f"cases={moved};cases_to={cases_to}")
        return Leaving(user_id, moved, len(held) - moved, 0, wipe, 0)
    laptops = list(session.scalars(select(Device.id).where(
        Device.user_id == user_id, Device.status != "revoked").order_by(Device.id)))
    for device_id in laptops:
        revoke_device(session, device_id, wipe)
    unused = (EnrolmentCode.user_id == user_id, EnrolmentCode.used_at.is_(None))
    codes = len(session.scalars(select(EnrolmentCode.code_hash).where(*unused)).all())
    session.execute(delete(EnrolmentCode).where(*unused))
    user.left_at = iso(moment)
    audit(session, actor, "user_left", user_id,
          f"cases_moved={moved};cases_kept={len(held) - moved};laptops={len(laptops)};"
          f"wipe={wipe};codes={codes}" + (f";cases_to={cases_to}" if moved else ""))
    return Leaving(user_id, moved, len(held) - moved, len(laptops), wipe, codes)


def _done(result: Leaving) -> str:
    moved = (f"{result.cases} case{'s' if result.cases != 1 else ''} moved"
             if result.cases else "")
    kept = (f"they still hold {result.kept} case{'s' if result.kept != 1 else ''}: once their "
            "laptops have sent everything (spoke-hub device list: last seen), move them with "
            "`spoke-hub user leave USER_ID --cases-to USER_ID`" if result.kept else "")
    if not result.laptops and not result.codes and result.cases:
        return f"{result.user_id}: {moved}."
    laptops = (f"{result.laptops} laptop{'s' if result.laptops != 1 else ''} "
               + ("revoked: each erases its casebook at its next contact"
                  if result.wiped else "retired: each sends what it holds, then stops")
               if result.laptops else "no laptop to retire")
    return (f"{result.user_id} has left: " + "; ".join(
        part for part in (moved, laptops,
                          f"{result.codes} unused enrolment code"
                          f"{'s' if result.codes != 1 else ''} cancelled", kept) if part)
            + ". No laptop can be enrolled for them again.")


def cmd_leave(args: argparse.Namespace, settings: Settings) -> int:
    return locked_write(
        args, settings,
        lambda session: leave(session, args.user_id, cases_to=args.cases_to, wipe=args.wipe),
        refusal=LeavingError, done=_done)


def register(users: Any, common: argparse.ArgumentParser, settings: Settings) -> None:
    """Add ``spoke-hub user leave`` to the ``user`` subcommands."""
    p = users.add_parser("leave", parents=[common],
                         help="someone has left: move their cases, retire their laptops, "
                              "enrol nothing more for them")
    p.add_argument("user_id", metavar="USER_ID")
    p.add_argument("--cases-to", metavar="USER_ID",
                   help="the worker or supervisor who takes the cases they hold")
    p.add_argument("--wipe", action="store_true",
                   help="revoke their laptops (each erases its casebook at its next contact, "
                        "unsent work included) instead of retiring them")
    bind_command(p, cmd_leave, settings=settings)
