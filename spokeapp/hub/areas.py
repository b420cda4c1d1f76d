"""Local authority areas on the hub: the list cases are recorded against (issue 14).

* ``spoke-hub areas add NAME [--districts EX1,EX2]``: add an area, or replace the postcode
  districts of one already listed; ``areas list``; ``areas remove NAME``.
* ``GET /v1/areas``: the list, for any enrolled laptop (workers pick from it on a new case;
  each laptop keeps the copy from its last sync, so the list is there offline).

A case keeps the area's *name* in its own record (``Case.local_authority``), so removing or
renaming an area changes no case and no earlier report: a case recorded against an area no
longer listed still counts under that name. A postcode district may be listed under more than
one area (districts cross boundaries); a laptop then suggests none and the worker picks.
"""

from __future__ import annotations

import argparse
import functools
from typing import Any

from fastapi import APIRouter, Request
from sqlalchemy import select
from sqlalchemy.orm import Session

from spokeapp.domain.areas import Area, normalise_area_name, normalise_districts
from spokeapp.domain.errors import Problem, SpokeError, ValidationError
from spokeapp.hub.commands import Settings
from spokeapp.hub.commands import bind as bind_command
from spokeapp.hub.db import engine_for
from spokeapp.hub.deps import Caller
from spokeapp.hub.ledger import audit, lock_writes
from spokeapp.hub.models import LocalAuthorityArea
from spokeapp.hub.security import iso, utc_now
from spokeapp.sync.protocol import API_PREFIX, AreaOut, AreasResponse, ErrorBody

__all__ = ["add_area", "list_areas", "register", "remove_area", "router"]

CLI_ACTOR = "cli"


def _area(row: LocalAuthorityArea) -> Area:
    return Area(row.name, tuple(d for d in row.districts.split(",") if d))


def list_areas(session: Session) -> list[Area]:
    """Every area, by name (case-insensitive order)."""
    rows = session.scalars(select(LocalAuthorityArea)).all()
    return sorted((_area(r) for r in rows), key=lambda a: (a.name.casefold(), a.name))


def add_area(session: Session, name: str, districts: list[str]) -> tuple[Area, bool]:
    """Add the area, or replace the districts of the one with this name; (area, added).
    ValidationError for a blank or over-long name or something that is not a district."""
    clean = normalise_area_name(name)
    codes = normalise_districts(districts)
    row = session.get(LocalAuthorityArea, clean)
    if row is None:
        existing = {a.name.casefold(): a.name for a in list_areas(session)}
        if clean.casefold() in existing:
            raise ValidationError([
                Problem("name", f'is already listed as "{existing[clean.casefold()]}"')
            ])
        session.add(LocalAuthorityArea(name=clean, districts=",".join(codes),
                                       created_at=iso(utc_now())))
        added = True
    else:
        row.districts = ",".join(codes)
        added = False
    audit(session, CLI_ACTOR, "area_add" if added else "area_update", clean,
          f"districts={len(codes)}")
    return Area(clean, codes), added


def remove_area(session: Session, name: str) -> bool:
    """Take the area off the list (cases recorded against it keep its name); False if it was
    not listed."""
    row = session.get(LocalAuthorityArea, " ".join(name.split()))
    if row is None:
        return False
    session.delete(row)
    audit(session, CLI_ACTOR, "area_remove", row.name)
    return True


# ------------------------------------------------------------------------------ the endpoint
def router() -> APIRouter:
    """``GET /v1/areas``, for ``create_app`` to include."""
    api = APIRouter()

    @api.get(
        f"{API_PREFIX}/areas",
        response_model=AreasResponse,
        responses={code: {"model": ErrorBody} for code in (401, 403)},
        summary="The local authority areas a case can be recorded in",
    )
    def get_areas(
        request: Request,
        caller: Caller,
    ) -> AreasResponse:
        del caller  # any enrolled laptop may have the list
        with Session(request.app.state.engine) as session:
            areas = list_areas(session)
        return AreasResponse(areas=[AreaOut(name=a.name, districts=list(a.districts))
                                    for a in areas])

    return api


# ------------------------------------------------------------------------------ the commands
def _problems(exc: ValidationError) -> SpokeError:
    return SpokeError("; ".join(str(p) for p in exc.problems))


def cmd_add(args: argparse.Namespace, settings: Settings) -> int:
    districts = (args.districts or "").split(",")
    try:
        with engine_for(settings(args).database_url) as engine, Session(engine) as session, \
                session.begin():
            lock_writes(session)
            area, added = add_area(session, args.name, districts)
    except ValidationError as exc:
        raise _problems(exc) from None
    codes = ", ".join(area.districts) or "none"
    print(f"{'Added' if added else 'Updated'} area {area.name} (postcode districts: {codes}).")
    print("Laptops get the list at their next sync.")
    return 0


def cmd_list(args: argparse.Namespace, settings: Settings) -> int:
    with engine_for(settings(args).database_url) as engine, Session(engine) as session:
        areas = list_areas(session)
    if not areas:
        print('No areas listed: laptops offer "Not known" only. '
              'Add one with: spoke-hub areas add "NAME" --districts EX1,EX2')
    for area in areas:
        print(f"{area.name}\t{','.join(area.districts)}")
    return 0


def cmd_remove(args: argparse.Namespace, settings: Settings) -> int:
    with engine_for(settings(args).database_url) as engine, Session(engine) as session, \
            session.begin():
        lock_writes(session)
        removed = remove_area(session, args.name)
    if not removed:
        raise SpokeError(f"No area named {args.name!r} is listed (see: spoke-hub areas list).")
    print(f"Removed area {' '.join(args.name.split())}: cases already recorded against it "
          "keep it; new cases can no longer pick it.")
    return 0


def register(commands: Any, common: argparse.ArgumentParser, settings: Settings) -> None:
    """Add ``spoke-hub areas ...`` to the ``spoke-hub`` parser."""
    bind = functools.partial(bind_command, settings=settings)

    areas = commands.add_parser(
        "areas", help="local authority areas cases are recorded in"
    ).add_subparsers(dest="action", required=True)
    p = areas.add_parser("add", parents=[common],
                         help="add an area, or replace its postcode districts")
    p.add_argument("name")
    p.add_argument("--districts", default="", metavar="EX1,EX2",
                   help="postcode districts that suggest this area on a new case")
    bind(p, cmd_add)
    bind(areas.add_parser("list", parents=[common], help="list the areas"), cmd_list)
    p = areas.add_parser("remove", parents=[common],
                         help="take an area off the list (cases keep it)")
    p.add_argument("name")
    bind(p, cmd_remove)
