"""Where the profile lives: --profile, then SPOKE_PROFILE, then the platform's data folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from spokeapp import paths


def test_profile_flag_wins_over_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SPOKE_PROFILE", str(tmp_path / "from-env"))
    assert paths.profile_dir(tmp_path / "from-flag") == (tmp_path / "from-flag").resolve()
    assert paths.profile_dir() == (tmp_path / "from-env").resolve()


def test_default_profile_is_in_the_user_data_folder(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SPOKE_PROFILE", raising=False)
    assert paths.profile_dir() == paths.data_root() / "profile"
    assert paths.demo_profile_dir() != paths.profile_dir()
