"""requirements/lock.txt is current with pyproject.toml: every dependency pinned, hashed, allowed.

The bootstrap script, CI and every installer build install from the lock alone (pip/uv with
--require-hashes, then the project with --no-deps), so a dependency added to pyproject.toml
but not to the lock would be missing from all of them. `python3 scripts/bootstrap.py lock`
remakes the lock (docs/installing.md).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

import pytest
from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[1]
LOCK = ROOT / "requirements" / "lock.txt"
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


@dataclass(frozen=True)
class Pin:
    name: str
    version: Version
    marker: Marker | None
    hashes: tuple[str, ...]


def read_lock(text: str) -> list[Pin]:
    """The lock's entries: `name==version [; marker] \\` then `--hash=sha256:...` lines."""
    pins: list[Pin] = []
    entry: list[str] = []
    for line in [*text.splitlines(), ""]:
        if entry and not line.startswith(" "):
            joined = " ".join(part.rstrip("\\").strip() for part in entry)
            requirement = Requirement(joined.split(" --hash=")[0])
            (specifier,) = requirement.specifier
            assert specifier.operator == "==", f"not an exact pin: {joined[:80]}"
            pins.append(Pin(canonicalize_name(requirement.name), Version(specifier.version),
                            requirement.marker, tuple(re.findall(r"--hash=(\S+)", joined))))
            entry = []
        if line and not line.lstrip().startswith("#") and (entry or not line.startswith(" ")):
            entry.append(line)
    return pins


def wanted() -> list[Requirement]:
    """pyproject's dependencies, every extra's, and the build backend's."""
    project = PYPROJECT["project"]
    texts = [*project["dependencies"], *PYPROJECT["build-system"]["requires"]]
    for extra in project["optional-dependencies"].values():
        texts.extend(extra)
    own = canonicalize_name(project["name"])
    return [r for r in map(Requirement, texts) if canonicalize_name(r.name) != own]


PINS = read_lock(LOCK.read_text(encoding="utf-8"))


def test_every_pin_is_exact_and_hashed() -> None:
    assert len(PINS) > 40
    for pin in PINS:
        assert pin.hashes, f"{pin.name} has no hash in the lock"
        assert all(h.startswith("sha256:") and len(h) == 71 for h in pin.hashes), pin.name


@pytest.mark.parametrize("requirement", wanted(), ids=str)
def test_every_dependency_of_pyproject_is_locked_at_an_allowed_version(
    requirement: Requirement,
) -> None:
    pins = [p for p in PINS if p.name == canonicalize_name(requirement.name)]
    assert pins, (f"{requirement.name} is in pyproject.toml but not in requirements/lock.txt: "
                  "run `python3 scripts/bootstrap.py lock`")
    for pin in pins:
        assert requirement.specifier.contains(pin.version, prereleases=True), (
            f"the lock pins {pin.name}=={pin.version}, pyproject.toml asks for {requirement}: "
            "run `python3 scripts/bootstrap.py lock`")
    # On this machine (Linux x86_64, the Python running the tests) exactly one pin applies,
    # wherever pyproject's own marker does.
    if requirement.marker is None or requirement.marker.evaluate():
        here = [p for p in pins if p.marker is None or p.marker.evaluate()]
        assert len(here) == 1, f"{requirement.name}: {len(here)} pins apply on this machine"


def test_the_lock_covers_windows_and_macos_too() -> None:
    """A universal lock: the packages only Windows or macOS install are in it, marked so."""
    by_name = {p.name: p for p in PINS}
    windows = {"sys_platform": "win32", "platform_system": "Windows", "os_name": "nt"}
    macos = {"sys_platform": "darwin", "platform_system": "Darwin", "os_name": "posix"}
    # PyInstaller needs pefile and pywin32-ctypes on Windows and macholib on macOS; pytest
    # needs colorama on Windows; uvloop has no Windows build.
    for name, env in (("pefile", windows), ("pywin32-ctypes", windows),
                      ("colorama", windows), ("macholib", macos)):
        pin = by_name.get(name)
        assert pin is not None, f"{name} missing: the lock was not made with --universal"
        assert pin.marker is None or pin.marker.evaluate(env), name  # type: ignore[arg-type]
    assert by_name["uvloop"].marker is not None
    assert not by_name["uvloop"].marker.evaluate(windows)  # type: ignore[arg-type]


def test_build_in_matches_the_build_system() -> None:
    """requirements/build.in feeds [build-system].requires into the lock, so the bootstrap can
    build the project from hashed wheels (--no-build-isolation)."""
    build_in = [Requirement(line) for line in
                (ROOT / "requirements" / "build.in").read_text(encoding="utf-8").splitlines()
                if line.strip() and not line.startswith("#")]
    requires = [Requirement(text) for text in PYPROJECT["build-system"]["requires"]]
    assert sorted(map(str, build_in)) == sorted(map(str, requires))


def test_the_lock_says_how_to_remake_it() -> None:
    assert "#    python3 scripts/bootstrap.py lock" in LOCK.read_text(encoding="utf-8")
