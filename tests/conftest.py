"""Shared test setup: offscreen Qt, and components that must fail (not skip) under CI."""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def require(condition: bool, reason: str) -> None:
    """Skip locally with a clear reason when a component is missing; fail under CI=true."""
    if condition:
        return
    if IN_CI:
        pytest.fail(f"required component missing in CI: {reason}")
    pytest.skip(reason)
