"""What the ``spoke-hub`` subcommand modules (approvals, areas, safety) share: how a command
reaches the hub's settings and its database."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

from sqlalchemy.orm import Session

from spokeapp.hub.db import make_engine

#: ``settings(args)``: the hub's settings for the parsed command line (``HubSettings``).
Settings = Callable[[argparse.Namespace], Any]
#: A subcommand: ``command(args, settings) -> exit status``.
Command = Callable[[argparse.Namespace, Settings], int]


def bind(parser: argparse.ArgumentParser, command: Command, *, settings: Settings) -> None:
    """Run ``command(args, settings)`` when the subcommand of ``parser`` is chosen."""
    parser.set_defaults(run=lambda args: command(args, settings))


def open_session(args: argparse.Namespace, settings: Settings) -> Session:
    """A database session on the hub the command line names."""
    return Session(make_engine(settings(args).database_url))
