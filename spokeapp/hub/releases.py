"""The Spoke version this hub's administrator approves for its laptops (issue 19).

* ``spoke-hub release approve VERSION [--url URL]``: laptops that run an older Spoke show a
  calm notice in Settings (the version, and where the charity's IT puts the installer, if
  given). ``spoke-hub release withdraw``: no notice at all (the default: a hub never set up
  for this tells laptops nothing). ``spoke-hub release show``.
* ``GET /v1/version``: what is approved, for any enrolled laptop. A laptop asks its own hub,
  during a sync it was doing anyway, and no other server: Spoke never calls out to a vendor.

Nothing is downloaded or installed by the app: the charity's IT installs the new version
(docs/installing.md). The approval is a hub fact (``hub_meta``), so it needs no migration.
"""

from __future__ import annotations

import argparse
import functools
import json
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from fastapi import APIRouter, Request
from sqlalchemy.orm import Session

from spokeapp.domain.errors import SpokeError
from spokeapp.hub.commands import Settings, locked_write, open_session
from spokeapp.hub.commands import bind as bind_command
from spokeapp.hub.deps import Caller
from spokeapp.hub.ledger import audit, set_meta
from spokeapp.hub.models import HubMeta
from spokeapp.hub.security import iso, utc_now
from spokeapp.sync.protocol import API_PREFIX, ApprovedRelease, ErrorBody

__all__ = ["Approval", "approve", "approved", "register", "router", "withdraw"]

RELEASE_KEY = "release_approved"
CLI_ACTOR = "cli"
#: Plain release numbers only (1.2 or 1.2.3): what laptops compare, part by part.
VERSION_FORMAT = re.compile(r"\d{1,6}(\.\d{1,6}){1,3}")
URL_LIMIT = 500


@dataclass(frozen=True)
class Approval:
    version: str
    url: str | None
    approved_at: str


def _check_version(version: str) -> str:
    if not VERSION_FORMAT.fullmatch(version):
        raise SpokeError(f"{version!r} is not a release number such as 0.2.0 "
                         "(digits and dots only).")
    return version


def _check_url(url: str | None) -> str | None:
    if url is None or url == "":
        return None
    parts = urlsplit(url)
    if (len(url) > URL_LIMIT or parts.scheme != "https" or not parts.hostname
            or parts.username or parts.password or any(c.isspace() for c in url)):
        raise SpokeError("--url must be an https:// address (no spaces, no user name or "
                         f"password, at most {URL_LIMIT} characters).")
    return url


def approved(session: Session) -> Approval | None:
    """The approved release, or None when the administrator approves none."""
    row = session.get(HubMeta, RELEASE_KEY)
    if row is None or not row.value:
        return None
    value = json.loads(row.value)
    return Approval(str(value["version"]), value.get("url"), str(value["approved_at"]))


def approve(session: Session, version: str, url: str | None) -> Approval:
    """Approve ``version`` (and where to get it); SpokeError for a malformed one."""
    approval = Approval(_check_version(version), _check_url(url), iso(utc_now()))
    set_meta(session, RELEASE_KEY, json.dumps(
        {"version": approval.version, "url": approval.url, "approved_at": approval.approved_at}))
    audit(session, CLI_ACTOR, "release_approve", approval.version)
    return approval


def withdraw(session: Session) -> bool:
    """Approve no release (laptops show no notice); False if none was approved."""
    if approved(session) is None:
        return False
    set_meta(session, RELEASE_KEY, "")
    audit(session, CLI_ACTOR, "release_withdraw", "")
    return True


# ------------------------------------------------------------------------------ the endpoint
def router() -> APIRouter:
    """``GET /v1/version``, for ``create_app`` to include."""
    api = APIRouter()

    @api.get(
        f"{API_PREFIX}/version",
        response_model=ApprovedRelease,
        responses={code: {"model": ErrorBody} for code in (401, 403)},
        summary="The Spoke version the administrator approves for laptops",
    )
    def get_version(request: Request, caller: Caller) -> ApprovedRelease:
        del caller  # any enrolled laptop may know it
        with Session(request.app.state.engine) as session:
            approval = approved(session)
        if approval is None:
            return ApprovedRelease()
        return ApprovedRelease(version=approval.version, url=approval.url)

    return api


# ------------------------------------------------------------------------------ the commands
def _said(approval: Approval) -> str:
    where = f" from {approval.url}" if approval.url else ""
    return (f"Approved Spoke {approval.version}{where}. Laptops running an older version show "
            "a notice in Settings after their next sync.")


def cmd_approve(args: argparse.Namespace, settings: Settings) -> int:
    return locked_write(args, settings, lambda s: approve(s, args.version, args.url),
                        refusal=SpokeError, done=_said)


def cmd_withdraw(args: argparse.Namespace, settings: Settings) -> int:
    return locked_write(
        args, settings, withdraw, refusal=SpokeError,
        done=lambda was: ("Withdrawn: laptops show no update notice after their next sync."
                          if was else "No release was approved: nothing changed."))


def cmd_show(args: argparse.Namespace, settings: Settings) -> int:
    with open_session(args, settings) as session:
        approval = approved(session)
    if approval is None:
        print("No release approved: laptops show no update notice. "
              "Approve one with: spoke-hub release approve VERSION [--url URL]")
    else:
        print(f"Approved: Spoke {approval.version} (since {approval.approved_at})"
              + (f", from {approval.url}" if approval.url else ""))
    return 0


def register(commands: Any, common: argparse.ArgumentParser, settings: Settings) -> None:
    """Add ``spoke-hub release ...`` to the ``spoke-hub`` parser."""
    bind = functools.partial(bind_command, settings=settings)
    release = commands.add_parser(
        "release", help="the Spoke version laptops are told about"
    ).add_subparsers(dest="action", required=True)
    p = release.add_parser("approve", parents=[common],
                           help="tell laptops on an older Spoke that VERSION is approved")
    p.add_argument("version", metavar="VERSION")
    p.add_argument("--url", help="https:// address where your IT offers the installer")
    bind(p, cmd_approve)
    bind(release.add_parser("withdraw", parents=[common], help="approve no version (no notices)"),
         cmd_withdraw)
    bind(release.add_parser("show", parents=[common], help="what is approved"), cmd_show)
