"""The PyInstaller one-folder app builds, starts offscreen and opens a casebook.

This proves the frozen bundle carries Qt, SQLCipher, Argon2 and the bundled resources (the risk
tool is read from the bundle, not from this source tree: the app runs from another folder with
SPOKE_RESOURCES unset).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import require

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_frozen_app_starts_offscreen_and_opens_the_demo_casebook(tmp_path: Path) -> None:
    pyinstaller = Path(sys.executable).parent / "pyinstaller"
    require(pyinstaller.exists(), "PyInstaller is not installed (pip install -e '.[dev]')")
    dist, work = tmp_path / "dist", tmp_path / "build"
    build = subprocess.run(
        [str(pyinstaller), "--noconfirm", "--log-level", "ERROR", "--distpath", str(dist),
         "--workpath", str(work), str(ROOT / "installers" / "spoke.spec")],
        cwd=ROOT, capture_output=True, text=True, timeout=900,
    )
    assert build.returncode == 0, build.stderr[-3000:]
    app = dist / "spoke" / ("spoke.exe" if os.name == "nt" else "spoke")
    assert app.exists()
    assert (dist / "spoke" / "_internal" / "resources" / "risk_tools" / "default.json").exists()

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in {"SPOKE_RESOURCES", "PYTHONPATH"}}
    env["QT_QPA_PLATFORM"] = "offscreen"
    env["HOME"] = str(tmp_path / "home")
    profile = tmp_path / "demo-profile"
    run = subprocess.run(
        [str(app), "demo", "--profile", str(profile), "--check-unlock"],
        cwd=elsewhere, env=env, capture_output=True, text=True, timeout=300,
    )
    assert run.returncode == 0, run.stdout + run.stderr[-3000:]
    assert "Main window open: 8 cases in the caseload" in run.stdout
    assert (profile / "casebook.db").read_bytes()[:16] != b"SQLite format 3\x00"
    shutil.rmtree(dist, ignore_errors=True)
