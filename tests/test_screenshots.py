"""``scripts/screenshots.py``: the tool every screen change is looked at with renders each of
the main screens from the fictional demo casebook and then ends by itself, in light and in
dark, with no question left waiting for a click nobody will make."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("scheme", [[], ["--dark"]], ids=["light", "dark"])
def test_every_screen_is_drawn_and_the_tool_ends(tmp_path: Path, scheme: list[str]) -> None:
    folder = tmp_path / "shots"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "HOME": str(tmp_path),
           "TMPDIR": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path / "config"),
           "XDG_DATA_HOME": str(tmp_path / "data")}
    try:
        done = subprocess.run(
            [sys.executable, str(ROOT / "scripts" / "screenshots.py"), str(folder), *scheme],
            env=env, cwd=tmp_path, capture_output=True, text=True, timeout=240)
    except subprocess.TimeoutExpired as exc:
        drawn = len(list(folder.glob("*.png")))
        raise AssertionError(f"the tool drew {drawn} screens and then never ended") from exc
    assert done.returncode == 0, done.stderr[-2000:]
    pictures = sorted(folder.glob("*.png"))
    names = {picture.stem for picture in pictures}
    assert {"01-today", "04-case", "18-closure-outcome", "41-file-first-page"} <= names
    assert len(pictures) >= 40
    assert all(picture.stat().st_size > 1000 for picture in pictures)
