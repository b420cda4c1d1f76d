"""Logs and crash output never carry a record's contents."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from spokeapp.diagnostics import configure_logging, describe_exception
from spokeapp.domain.errors import SpokeError

SECRET = "Test Person Alpha said the flat on Demo Street"


def _raise(exc: BaseException) -> BaseException:
    try:
        raise exc
    except BaseException as caught:
        return caught


def test_ordinary_exception_messages_are_withheld_but_locations_kept() -> None:
    text = describe_exception(_raise(ValueError(SECRET)))
    assert SECRET not in text
    assert "builtins.ValueError" in text
    assert "test_diagnostics.py" in text


def test_spoke_errors_keep_their_safe_message() -> None:
    text = describe_exception(_raise(SpokeError("The casebook is locked.")))
    assert "The casebook is locked." in text


def test_crash_hook_writes_an_owner_only_log_without_the_personal_text(tmp_path: Path) -> None:
    logs = tmp_path / "logs"
    old_hook = sys.excepthook
    try:
        configure_logging(logs)
        exc = _raise(RuntimeError(SECRET))
        sys.excepthook(type(exc), exc, exc.__traceback__)
        for handler in logging.getLogger().handlers:
            handler.flush()
    finally:
        sys.excepthook = old_hook
        logging.basicConfig(force=True, handlers=[logging.NullHandler()])
    log_file = logs / "spoke.log"
    content = log_file.read_text()
    assert "Spoke stopped unexpectedly" in content
    assert "builtins.RuntimeError" in content
    assert SECRET not in content
    assert log_file.stat().st_mode & 0o777 == 0o600
