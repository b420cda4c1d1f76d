"""Shared test setup: offscreen Qt, and components that must fail (not skip) under CI."""

from __future__ import annotations

import os
import tempfile

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

# Tests write only under their own temporary folders, never the real home: platformdirs
# (the worker's profile, the PostgreSQL hub's high-water mark in "Spoke Hub") reads these on
# Linux, and hubs started as subprocesses inherit them. Set before anything asks for a path.
_DATA_HOME = tempfile.mkdtemp(prefix="spoke-tests-home-")
for _name, _sub in (("XDG_DATA_HOME", "data"), ("XDG_CONFIG_HOME", "config"),
                    ("XDG_CACHE_HOME", "cache"), ("XDG_STATE_HOME", "state")):
    os.environ[_name] = os.path.join(_DATA_HOME, _sub)

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def require(condition: bool, reason: str) -> None:
    """Skip locally with a clear reason when a component is missing; fail under CI=true."""
    if condition:
        return
    if IN_CI:
        pytest.fail(f"required component missing in CI: {reason}")
    pytest.skip(reason)


def pytest_sessionfinish(session: pytest.Session) -> None:
    """Leave no temporary home behind."""
    import shutil

    shutil.rmtree(_DATA_HOME, ignore_errors=True)


@pytest.fixture(autouse=True)
def source_language() -> object:
    """Every test starts and ends with Spoke's words untranslated and UK formats (a test that
    starts the application, or the pseudo-locale test, installs others)."""
    from spokeapp import i18n

    i18n.install(None)
    i18n.install_formatters(None)
    yield
    i18n.install(None)
    i18n.install_formatters(None)
