"""What the spoke-hub subcommand modules share: binding a command to its settings."""

from __future__ import annotations

import argparse
from typing import Any

from spokeapp.hub.commands import bind


def test_a_bound_command_runs_with_the_arguments_and_the_settings() -> None:
    calls: list[tuple[argparse.Namespace, Any]] = []

    def settings(args: argparse.Namespace) -> str:
        return f"settings for {args.name}"

    def command(args: argparse.Namespace, given: Any) -> int:
        calls.append((args, given(args)))
        return 3

    parser = argparse.ArgumentParser()
    parser.add_argument("name")
    bind(parser, command, settings=settings)
    args = parser.parse_args(["north"])
    assert args.run(args) == 3
    assert calls == [(args, "settings for north")]
