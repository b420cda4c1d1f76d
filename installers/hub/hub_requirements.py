#!/usr/bin/env python3
"""The hub's share of requirements/lock.txt: the same exact versions and hashes, nothing else.

    python3 installers/hub/hub_requirements.py > hub-lock.txt
    pip install --require-hashes -r hub-lock.txt
    pip install --no-deps --no-build-isolation .

requirements/lock.txt is the project's one lock (``python3 scripts/bootstrap.py lock``): the
desktop app, the hub and every development tool. A server needs only the hub's part. Installing
the whole lock would put Qt (PySide6, several hundred MB), PyInstaller, SciPy, the linters and
the documentation tools in the hub's image or /opt/spoke-hub: more to download, to patch and
to attack, none of it ever run. So this script takes from the lock exactly the entries the hub
needs, unchanged (pins, markers, hashes), and nothing is resolved again: the hub gets the very
files the tests ran against.

What "the hub needs": the project's own dependencies except the Qt toolkit (only
``spokeapp.ui`` imports Qt, and the hub never imports ``spokeapp.ui``: an import contract in
pyproject.toml), the ``hub`` extra, the build backend of ``requirements/build.in`` (so the
project itself is built from hashed files, ``--no-build-isolation``), and everything those
need, followed through the lock's own ``# via`` notes (a package is needed when anything
needed needs it). The project's metadata still names PySide6, so do not run ``pip check`` on
the hub: ``pip install --no-deps .`` is on purpose.

Standard library only: it runs in the container's build stage before anything is installed.
tests/integration/test_hub_packaging.py checks the result is complete (every dependency of
every package chosen is chosen too) and holds no Qt.
"""

from __future__ import annotations

import argparse
import re
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LOCK = ROOT / "requirements" / "lock.txt"
BUILD_IN = ROOT / "requirements" / "build.in"
PYPROJECT = ROOT / "pyproject.toml"
#: The project's dependencies the hub never imports (only spokeapp.ui does).
DESKTOP_ONLY = frozenset({"pyside6-essentials", "pyside6-addons"})
#: The extras of pyproject.toml the hub is installed with.
HUB_EXTRAS = ("hub",)
_NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")


def canonical(name: str) -> str:
    """A distribution name as PEP 503 compares them (``PySide6_Essentials``:
    ``pyside6-essentials``)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def requirement_name(text: str) -> str | None:
    """The canonical distribution name a requirement line starts with (None: not one)."""
    found = _NAME.match(text)
    return canonical(found.group(1)) if found else None


def lock_entries(text: str) -> dict[str, tuple[list[str], set[str]]]:
    """The lock's entries by canonical name: (the entry's lines without comments, the names of
    what needs it according to its ``# via`` notes)."""
    entries: dict[str, tuple[list[str], set[str]]] = {}
    current: str | None = None
    in_via = False
    for line in text.splitlines():
        if not line.strip():
            continue
        if not line[0].isspace() and not line.startswith("#"):
            current = requirement_name(line)
            if current is None:
                raise ValueError(f"not a requirement line in the lock: {line[:60]!r}")
            entries[current] = ([line], set())
            in_via = False
            continue
        if current is None:
            continue  # the header's comments
        stripped = line.strip()
        if not stripped.startswith("#"):
            entries[current][0].append(line)  # a --hash line
            continue
        note = stripped.lstrip("#").strip()
        if note.startswith("via"):
            in_via = True
            note = note[3:].strip()
            if not note:
                continue  # "# via" then one "#   name" line per dependent
        elif not in_via:
            continue
        parent = requirement_name(note)
        if parent is not None and not note.startswith("-r"):
            entries[current][1].add(parent)
    return entries


def hub_roots(pyproject: dict[str, object], build_in: str) -> set[str]:
    """What the hub asks for directly: the project's dependencies (less the desktop's), its
    hub extra and the build backend."""
    project = pyproject["project"]
    assert isinstance(project, dict)
    own = canonical(str(project["name"]))
    texts = list(project["dependencies"])
    for extra in HUB_EXTRAS:
        texts.extend(project["optional-dependencies"][extra])
    texts.extend(line for line in build_in.splitlines()
                 if line.strip() and not line.lstrip().startswith("#"))
    names = {requirement_name(text) for text in texts}
    return {name for name in names if name is not None and name != own} - DESKTOP_ONLY


def hub_closure(entries: dict[str, tuple[list[str], set[str]]], roots: set[str]) -> set[str]:
    """The roots and every entry something chosen needs (the ``# via`` notes, to a fixed point)."""
    missing = sorted(roots - entries.keys())
    if missing:
        raise SystemExit(f"requirements/lock.txt lacks {', '.join(missing)}: run "
                         "`python3 scripts/bootstrap.py lock`.")
    chosen = set(roots)
    grew = True
    while grew:
        grew = False
        for name, (_lines, needed_by) in entries.items():
            if name not in chosen and needed_by & chosen:
                chosen.add(name)
                grew = True
    return chosen


def hub_requirements(lock_text: str, pyproject_text: str, build_in: str) -> str:
    """The hub's requirements file: the lock's chosen entries, verbatim, in the lock's order."""
    entries = lock_entries(lock_text)
    chosen = hub_closure(entries, hub_roots(tomllib.loads(pyproject_text), build_in))
    out = ["# The hub's share of requirements/lock.txt, made by installers/hub/hub_requirements.py",
           "# (do not edit: remake the lock with `python3 scripts/bootstrap.py lock`, then this)."]
    for name, (lines, _needed_by) in entries.items():
        if name in chosen:
            out.extend(lines)
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lock", type=Path, default=LOCK)
    parser.add_argument("--pyproject", type=Path, default=PYPROJECT)
    parser.add_argument("--build-in", type=Path, default=BUILD_IN)
    parser.add_argument("--output", type=Path, default=None, help="default: standard output")
    args = parser.parse_args(argv)
    text = hub_requirements(args.lock.read_text(encoding="utf-8"),
                            args.pyproject.read_text(encoding="utf-8"),
                            args.build_in.read_text(encoding="utf-8"))
    if args.output is None:
        sys.stdout.write(text)
    else:
        args.output.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
