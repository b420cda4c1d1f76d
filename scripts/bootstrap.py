#!/usr/bin/env python3
"""One command to set everything up and run Spoke's demo or its whole test suite.

    python3 scripts/bootstrap.py demo     # venv + install + `spoke demo`
    python3 scripts/bootstrap.py test     # venv + install + lint, types, contracts, all tests
    python3 scripts/bootstrap.py lock     # remake requirements/lock.txt from pyproject.toml

Works on a fresh machine with only Python >= 3.11 and pip: it makes ``.venv`` beside this
repository and installs the exact, hashed versions in ``requirements/lock.txt`` (the project's
dependencies with its development extras, no resolving, no version drift), then the project
itself (editable, without dependencies), then runs. Extra arguments after the command go to
``spoke demo``, to pytest, or to ``uv pip compile`` (``lock --upgrade`` moves every pin to the
newest allowed version; ``lock --upgrade-package NAME`` moves one). docs/installing.md says more.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from collections.abc import Mapping
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PY = BIN / ("python.exe" if os.name == "nt" else "python")
LOCK = ROOT / "requirements" / "lock.txt"
# The one command that makes the lock (tests/test_lock.py checks the lock agrees with
# pyproject.toml). --universal: one file for Linux, Windows and macOS, with markers for the
# platform-only packages and the hashes of every platform's wheels.
LOCK_COMMAND = (
    "pip", "compile", "pyproject.toml", "requirements/build.in", "--extra", "dev",
    "--universal", "--python-version", "3.11", "--generate-hashes",
    "--output-file", "requirements/lock.txt",
    "--custom-compile-command", "python3 scripts/bootstrap.py lock",
)


def _run(*cmd: str | Path, env: dict[str, str] | None = None) -> int:
    print("+", " ".join(str(c) for c in cmd), flush=True)
    return subprocess.call([str(c) for c in cmd], cwd=ROOT, env=env)


def _wanted_stamp() -> str:
    """What the environment was installed from: reinstall when the lock or pyproject changes."""
    lines = [f"{path.name} sha256 {hashlib.sha256(path.read_bytes()).hexdigest()}"
             for path in (LOCK, ROOT / "pyproject.toml")]
    return "\n".join(lines) + "\n"


def _lock_entry(name: str) -> str:
    """One package's pinned line and hashes from the lock (a requirements file of its own)."""
    entry: list[str] = []
    for line in LOCK.read_text(encoding="utf-8").splitlines():
        if entry and not line.startswith(" "):
            break
        if entry or line.startswith(f"{name}=="):
            entry.append(line)
    return "\n".join(line for line in entry if not line.lstrip().startswith("#")) + "\n"


def _installer() -> tuple[str | Path, ...]:
    """uv's installer if pip can put the locked, hashed uv in the venv, else pip.

    Both install the same hashed files from the lock. uv fetches and unpacks them in parallel:
    a first `demo` took 25-28 s with uv's cache empty, against 58-180 s before with pip's
    cache warm (docs/installing.md). pip is the fallback for a platform without a uv wheel.
    """
    uv = BIN / ("uv.exe" if os.name == "nt" else "uv")
    pip = (PY, "-m", "pip", "--disable-pip-version-check")
    if not uv.exists():
        only_uv = VENV / "uv-requirement.txt"
        only_uv.write_text(_lock_entry("uv"), encoding="utf-8")
        _run(*pip, "install", "--quiet", "--require-hashes", "-r", only_uv)
    if uv.exists():
        return (uv, "pip")
    return pip


def ensure_environment(*, check_lock: bool = True) -> None:
    if not PY.exists():
        print(f"Creating {VENV}", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    stamp = VENV / ".installed-from"
    wanted = _wanted_stamp()
    if stamp.exists() and stamp.read_text(encoding="utf-8") == wanted:
        return
    installer = _installer()
    python = ("--python", PY) if installer[0] != PY else ()
    # Exact versions with their hashes: nothing is resolved, and a file whose hash differs
    # from the lock's is refused.
    if _run(*installer, "install", "--quiet", *python, "--require-hashes", "-r", LOCK) != 0:
        sys.exit("Installing Spoke's dependencies from requirements/lock.txt failed "
                 "(see the message above).")
    # The project itself, editable and without dependencies (they came from the lock); the
    # lock also holds its build backend, so nothing unhashed is fetched for the build.
    if _run(*installer, "install", "--quiet", *python, "--no-deps", "--no-build-isolation",
            "-e", ".") != 0:
        sys.exit("Installing Spoke itself failed (see the message above).")
    if check_lock and _run(*installer, "check", *python) != 0:
        sys.exit("requirements/lock.txt does not satisfy pyproject.toml (a dependency was added "
                 "or changed): run `python3 scripts/bootstrap.py lock`, then this again.")
    stamp.write_text(wanted, encoding="utf-8")


def main(argv: list[str]) -> int:
    if sys.version_info < (3, 11):  # noqa: UP036 - this script must say so on old Pythons
        print("Spoke needs Python 3.11 or newer.")
        return 2
    if not argv or argv[0] not in {"demo", "test", "lock"}:
        print(__doc__)
        return 2
    command, rest = argv[0], argv[1:]
    ensure_environment(check_lock=command != "lock")
    if command == "lock":
        return _run(BIN / ("uv.exe" if os.name == "nt" else "uv"), *LOCK_COMMAND, *rest)
    env = own_environment(os.environ)
    if command == "demo":
        return _run(PY, "-m", "spokeapp", "demo", *rest, env=env)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    return _run(PY, "-m", "pytest", *rest, env=env)


def own_environment(environ: Mapping[str, str]) -> dict[str, str]:
    """The environment Spoke's demo and tests run in: the caller's, except that Python may
    keep compiled bytecode in Spoke's own environment and checkout.

    Where ``PYTHONDONTWRITEBYTECODE`` is set (some CI machines and sandboxes set it), every
    new Python process compiled every module it imported again: ``spoke-hub device list``
    took 3.9 s, 2.6 s of it compiling, against 1.5 s with the caches, and the test suite
    starts the hub and its commands as processes of their own in over a hundred places. An
    installed Spoke (the installers' bundles) ships its bytecode; ``__pycache__`` is ignored
    by git."""
    env = dict(environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
