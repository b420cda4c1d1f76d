"""Where Spoke keeps things: platformdirs, with one override for tests, demos and ``--profile``."""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_data_dir

APP_NAME = "Spoke"
APP_AUTHOR = "Spoke"


def data_root() -> Path:
    """The per-user data folder (e.g. ~/.local/share/Spoke on Linux)."""
    return Path(user_data_dir(APP_NAME, APP_AUTHOR))


def profile_dir(override: Path | str | None = None) -> Path:
    """The worker's profile: ``--profile`` wins, then ``SPOKE_PROFILE``, then platformdirs."""
    if override:
        return Path(override).expanduser().resolve()
    env = os.environ.get("SPOKE_PROFILE")
    if env:
        return Path(env).expanduser().resolve()
    return data_root() / "profile"


def demo_profile_dir(override: Path | str | None = None) -> Path:
    """The demo's profile, kept apart from any real casebook."""
    if override:
        return Path(override).expanduser().resolve()
    return data_root() / "demo-profile"


def logs_dir(profile: Path) -> Path:
    return profile / "logs"
