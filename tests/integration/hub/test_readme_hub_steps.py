"""The README's "Running a hub" steps work as written (everything but ``serve``, which
tests/integration/hub/test_cli.py starts for real), on an embedded hub in a temp folder."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

from tests.helpers.hub import run_cli, sqlite_url

README = Path(__file__).resolve().parents[3] / "README.md"


def hub_steps() -> list[list[str]]:
    """The ``spoke-hub`` command lines of the README's "Running a hub" block, split as a
    shell would (comments dropped)."""
    text = README.read_text(encoding="utf-8")
    section = text.split("## Running a hub", 1)[1]
    block = re.search(r"```\n(.*?)```", section, re.S)
    assert block is not None, "the README lost its hub steps"
    return [shlex.split(line, comments=True) for line in block.group(1).splitlines()
            if line.startswith("spoke-hub ")]


def test_the_readmes_hub_steps_run_as_written(tmp_path: Path) -> None:
    steps = hub_steps()
    assert [step[1] for step in steps][:3] == ["init", "user", "enrol"]
    database = sqlite_url(tmp_path)
    user_id = ""
    ran = []
    for step in steps:
        args = [user_id if arg == "USER_ID" else arg for arg in step[1:]]
        if args[0] == "serve":
            continue
        result = run_cli(*args, "--database", database)
        assert result.returncode == 0 or args[:2] == ["safety", "status"], (
            f"`{shlex.join(step)}` failed:\n{result.stderr}")
        if args[:2] == ["user", "add"]:
            user_id = result.stdout.strip()
        ran.append((args[:2], result))
    status = next(result for args, result in ran if args == ["safety", "status"])
    # the README's contact and notifier are there: North's on-call manager by SMS
    assert "North" in status.stdout and "on_call_manager" in status.stdout
    assert status.returncode in (0, 3)  # 3: the README leaves the manager tiers to set up
    # With the SMS gateway's secret in the environment, as the README says, North's on-call
    # manager and each visit's buddy can be texted.
    ready = run_cli("safety", "status", "--database", database,
                    env={"SPOKE_HUB_SMS_SECRET": "test-sms-secret-not-real"})
    assert "sms: ready" in ready.stdout
    assert "on_call_manager: 1 person by SMS" in ready.stdout
