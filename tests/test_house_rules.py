"""The house rules run inside the test suite, so a broken rule fails the build."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", *args], cwd=ROOT, capture_output=True, text=True, timeout=600
    )


def test_ruff_finds_nothing() -> None:
    result = _run("ruff", "check", "spokeapp", "tests", "benchmarks", "scripts")
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_strict_outside_ui() -> None:
    result = _run("mypy")
    assert result.returncode == 0, result.stdout + result.stderr


def test_import_contracts_hold() -> None:
    """Only spokeapp.ui imports Qt; domain imports nothing else of the project; layers."""
    result = subprocess.run(
        [str(Path(sys.executable).parent / "lint-imports"), "--no-cache"],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 3 kept, 0 broken" in result.stdout


def test_tests_never_write_under_the_real_home() -> None:
    """Every default folder (the worker's profile, the PostgreSQL hub's high-water mark) lies
    in the test run's own temporary home (tests/conftest.py), not the user's."""
    from pathlib import Path

    from spokeapp.hub.backup import mark_path
    from spokeapp.paths import data_root

    home = Path.home().resolve()
    for path in (mark_path("postgresql+psycopg://postgres@/spoke_test", "h-1"),
                 data_root()):
        assert home not in path.resolve().parents, path
