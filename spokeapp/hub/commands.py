"""What the ``spoke-hub`` subcommand modules (approvals, areas, safety, retention, requests)
share: how a command reaches the hub's settings and its database, how it reads a day, and how
a refused change is rolled back and answered (exit status 2)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any, TypeVar

from sqlalchemy.orm import Session

from spokeapp.hub.db import engine_for
from spokeapp.hub.ledger import lock_writes

T = TypeVar("T")

#: ``settings(args)``: the hub's settings for the parsed command line (``HubSettings``).
Settings = Callable[[argparse.Namespace], Any]
#: A subcommand: ``command(args, settings) -> exit status``.
Command = Callable[[argparse.Namespace, Settings], int]


def bind(parser: argparse.ArgumentParser, command: Command, *, settings: Settings) -> None:
    """Run ``command(args, settings)`` when the subcommand of ``parser`` is chosen."""
    parser.set_defaults(run=lambda args: command(args, settings))


@contextmanager
def open_session(args: argparse.Namespace, settings: Settings) -> Iterator[Session]:
    """A database session on the hub the command line names, for a ``with`` block; its
    connections are closed when the block ends (``db.engine_for``)."""
    with engine_for(settings(args).database_url) as engine, Session(engine) as session:
        yield session


def day(text: str) -> date:
    """An argparse ``type`` for a day written ``YYYY-MM-DD``."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError("must be a date as YYYY-MM-DD") from None


def refused(why: object) -> int:
    """Say why a command changed nothing (``spoke-hub: ...`` on stderr); exit status 2."""
    print(f"spoke-hub: {why}", file=sys.stderr)
    return 2


def locked_write(args: argparse.Namespace, settings: Settings, change: Callable[[Session], T],
                 *, refusal: type[Exception], done: Callable[[T], str]) -> int:
    """Run ``change(session)`` in one transaction under the hub's write lock, then print
    ``done(result)`` (read inside the transaction) and exit 0. When ``change`` raises
    ``refusal``, everything is rolled back and the reason printed: exit status 2."""
    with open_session(args, settings) as session, session.begin():
        lock_writes(session)
        try:
            result = change(session)
        except refusal as exc:
            session.rollback()
            return refused(exc)
        message = done(result)
    print(message)
    return 0
