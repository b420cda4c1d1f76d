#!/usr/bin/env python3
"""One command to set everything up and run Spoke's demo or its whole test suite.

    python3 scripts/bootstrap.py demo     # venv + install + `spoke demo`
    python3 scripts/bootstrap.py test     # venv + install + lint, types, contracts, all tests

Works on a fresh machine with only Python >= 3.11 and pip: it makes ``.venv`` beside this
repository, installs the project with its development extras from ``pyproject.toml``, then
runs. Extra arguments after the command go to ``spoke demo`` or to pytest.
"""

from __future__ import annotations

import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PY = BIN / ("python.exe" if os.name == "nt" else "python")


def _run(*cmd: str | Path, env: dict[str, str] | None = None) -> int:
    print("+", " ".join(str(c) for c in cmd), flush=True)
    return subprocess.call([str(c) for c in cmd], cwd=ROOT, env=env)


def ensure_environment() -> None:
    if not PY.exists():
        print(f"Creating {VENV}", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    stamp = VENV / ".installed-from"
    wanted = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    if stamp.exists() and stamp.read_text(encoding="utf-8") == wanted:
        return
    if _run(PY, "-m", "pip", "install", "--quiet", "--upgrade", "pip") != 0:
        sys.exit("Could not upgrade pip in the project's virtual environment.")
    if _run(PY, "-m", "pip", "install", "--quiet", "-e", ".[dev]") != 0:
        sys.exit("Installing Spoke and its dependencies failed (see pip's message above).")
    stamp.write_text(wanted, encoding="utf-8")


def main(argv: list[str]) -> int:
    if sys.version_info < (3, 11):  # noqa: UP036 - this script must say so on old Pythons
        print("Spoke needs Python 3.11 or newer.")
        return 2
    if not argv or argv[0] not in {"demo", "test"}:
        print(__doc__)
        return 2
    ensure_environment()
    command, rest = argv[0], argv[1:]
    if command == "demo":
        return _run(PY, "-m", "spokeapp", "demo", *rest)
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    return _run(PY, "-m", "pytest", *rest, env=env)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
