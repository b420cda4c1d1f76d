"""``spoke-hub user list`` and ``spoke-hub team list``: who is on the hub, so that an id
printed once (by ``user add``) is never the only way to find a person.

A table for people (id, name, role, team, status, laptops) or teams (members by role, active
laptops, cases held), or ``--json``. A person's status is read from their laptops, since the
hub revokes laptops, not people: ``active`` (at least one active laptop), ``revoked`` (every
laptop revoked or retired), ``not enrolled`` (none yet). Shown to the administrator at the
hub's own console only; nothing is logged.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from spokeapp.hub.commands import Settings, bind, open_session
from spokeapp.hub.models import Device, HubCase, User
from spokeapp.hub.scope import ADMIN, ROLES, SUPERVISOR, WORKER

ACTIVE, NOT_ENROLLED, REVOKED, LEFT = "active", "not enrolled", "revoked", "left"
#: Within a team: administrators, then supervisors, then workers.
_ROLE_ORDER = {ADMIN.value: 0, SUPERVISOR.value: 1, WORKER.value: 2}


@dataclass(frozen=True, slots=True)
class Person:
    """One person on the hub and their laptops, by device status."""

    id: str
    name: str
    role: str
    team: str | None
    status: str
    devices: int
    devices_active: int
    devices_retired: int
    devices_revoked: int


@dataclass(frozen=True, slots=True)
class Team:
    """One team: its members by role, their active laptops, the cases it holds."""

    name: str
    workers: int
    supervisors: int
    devices_active: int
    cases: int


def _device_counts(session: Session) -> dict[str, dict[str, int]]:
    """user id -> device status -> count."""
    counts: dict[str, dict[str, int]] = {}
    for user_id, status, count in session.execute(
        select(Device.user_id, Device.status, func.count())
        .group_by(Device.user_id, Device.status)
    ):
        counts.setdefault(user_id, {})[status] = count
    return counts


def people(session: Session, team: str | None = None,
           role: str | None = None) -> list[Person]:
    """Everyone on the hub (or of ``team``, or with ``role``), by team, role, then name."""
    query = select(User)
    if team is not None:
        query = query.where(User.team == team)
    if role is not None:
        query = query.where(User.role == role)
    devices = _device_counts(session)
    found: list[Person] = []
    for user in session.scalars(query):
        mine = devices.get(user.id, {})
        total = sum(mine.values())
        active = mine.get("active", 0)
        status = (LEFT if user.left_at is not None else ACTIVE if active
                  else REVOKED if total else NOT_ENROLLED)
        found.append(Person(
            id=user.id, name=user.name, role=user.role, team=user.team, status=status,
            devices=total, devices_active=active, devices_retired=mine.get("retired", 0),
            devices_revoked=mine.get("revoked", 0)))
    found.sort(key=lambda p: (p.team or "", _ROLE_ORDER.get(p.role, 99), p.name.casefold(),
                              p.id))
    return found


def teams(session: Session) -> list[Team]:
    """Every team named on a person or a case, by name."""
    members: dict[str, dict[str, int]] = {}
    for name, role, count in session.execute(
        select(User.team, User.role, func.count())
        .where(User.team.is_not(None), User.left_at.is_(None))  # members still here
        .group_by(User.team, User.role)
    ):
        members.setdefault(name or "", {})[role] = count
    active = dict(session.execute(
        select(User.team, func.count()).join(Device, Device.user_id == User.id)
        .where(User.team.is_not(None), Device.status == "active").group_by(User.team)
    ).all())
    cases = dict(session.execute(
        select(HubCase.team, func.count()).where(HubCase.team.is_not(None))
        .group_by(HubCase.team)
    ).all())
    names = sorted({*members, *(n for n in cases if n)}, key=str.casefold)
    return [Team(name=name, workers=members.get(name, {}).get(WORKER, 0),
                 supervisors=members.get(name, {}).get(SUPERVISOR, 0),
                 devices_active=active.get(name, 0), cases=cases.get(name, 0))
            for name in names]


def table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """Columns padded to their widest cell, a header line and a rule under it."""
    cells = [[str(h) for h in headers], *[["-" if c is None else str(c) for c in row]
                                          for row in rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True))
             .rstrip() for row in cells]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(lines)


def _laptops(person: Person) -> str:
    if not person.devices:
        return "0"
    return f"{person.devices} ({person.devices_active} active)"


def cmd_user_list(args: argparse.Namespace, settings: Settings) -> int:
    with open_session(args, settings) as session:
        found = people(session, team=args.team, role=args.role)
    if args.json:
        print(json.dumps([dataclasses.asdict(p) for p in found], indent=2))
        return 0
    if not found:
        print("Nobody found." if args.team or args.role else "Nobody on this hub yet.")
        return 0
    print(table(("ID", "NAME", "ROLE", "TEAM", "STATUS", "LAPTOPS"),
                [(p.id, p.name, p.role, p.team, p.status, _laptops(p)) for p in found]))
    return 0


def cmd_team_list(args: argparse.Namespace, settings: Settings) -> int:
    with open_session(args, settings) as session:
        found = teams(session)
    if args.json:
        print(json.dumps([dataclasses.asdict(t) for t in found], indent=2))
        return 0
    if not found:
        print("No teams yet: a team is made by `spoke-hub user add NAME --role worker "
              "--team TEAM`.")
        return 0
    print(table(("TEAM", "WORKERS", "SUPERVISORS", "ACTIVE LAPTOPS", "CASES"),
                [(t.name, t.workers, t.supervisors, t.devices_active, t.cases)
                 for t in found]))
    return 0


def register_user_list(user: Any, common: argparse.ArgumentParser, settings: Settings) -> None:
    """``spoke-hub user list``."""
    p = user.add_parser("list", parents=[common],
                        help="everyone on the hub: id, name, role, team, status, laptops")
    p.add_argument("--team", default=None, help="only this team")
    p.add_argument("--role", default=None, choices=ROLES, help="only this role")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    bind(p, cmd_user_list, settings=settings)


def register_team_list(commands: Any, common: argparse.ArgumentParser, settings: Settings) -> None:
    """``spoke-hub team list``."""
    team = commands.add_parser("team", help="teams").add_subparsers(dest="action",
                                                                    required=True)
    p = team.add_parser("list", parents=[common],
                        help="every team: workers, supervisors, active laptops, cases")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    bind(p, cmd_team_list, settings=settings)

