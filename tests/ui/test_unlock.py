"""Unlocking: right and wrong passphrases, the growing wait, a damaged key file, recovery."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from spokeapp.crypto.keyfile import WrongPassphrase
from spokeapp.store.casebook import DB_NAME, KEY_NAME, Casebook
from spokeapp.ui.shell import LOCKED, UNLOCKED
from spokeapp.ui.unlock import UnlockWindow

from .conftest import PASSPHRASE, FakeClock, unlock

WRONG = "That passphrase does not open this casebook."


def try_passphrase(qtbot: Any, window: UnlockWindow, passphrase: str) -> None:
    window.passphrase.setText(passphrase)
    window.unlock_button.click()
    qtbot.waitUntil(lambda: window.passphrase.isEnabled(), timeout=5000)


def test_right_passphrase_shows_main_window(qtbot: Any, make_shell: Any, seeded: str) -> None:
    shell = make_shell()
    assert shell.state == LOCKED
    assert isinstance(shell.window, UnlockWindow)
    unlock(qtbot, shell)
    main = shell.main_window
    assert main.isVisible()
    assert [main.nav.item(i).text() for i in range(main.nav.count())] == [
        "Today",
        "Caseload",
        "Record a session",
        "Case",
        "Referrals",
        "Group and professional work",
        "Visits",
        "Settings",
        "Sync",
        "Reports",
    ]
    assert "2 open cases" in main.today.summary.text()


def test_wrong_passphrase_waits_longer_each_time(
    qtbot: Any, make_shell: Any, seeded: str, wait_clock: FakeClock
) -> None:
    shell = make_shell()
    window = shell.window
    try_passphrase(qtbot, window, "not my passphrase")
    assert WRONG in window.message.text()
    assert window.unlock_button.isEnabled(), "the first mistakes cost nothing"
    try_passphrase(qtbot, window, "not my passphrase")
    try_passphrase(qtbot, window, "not my passphrase")
    assert not window.unlock_button.isEnabled()
    assert window.unlock_button.text() == "Try again in 2 s"
    assert "waits 2 seconds" in window.message.text()

    wait_clock.advance(1)
    window.refresh_wait()
    assert window.unlock_button.text() == "Try again in 1 s"
    window.unlock_button.click()  # disabled: nothing happens
    wait_clock.advance(1)
    qtbot.waitUntil(window.unlock_button.isEnabled, timeout=2000)  # the countdown timer

    try_passphrase(qtbot, window, "still not it")
    assert window.unlock_button.text() == "Try again in 4 s"
    wait_clock.advance(4)
    window.refresh_wait()
    try_passphrase(qtbot, window, "still not it")
    assert window.unlock_button.text() == "Try again in 8 s"
    assert shell.state == LOCKED

    wait_clock.advance(8)
    window.refresh_wait()
    unlock(qtbot, shell)


def test_damaged_key_file_changes_nothing(qtbot: Any, make_shell: Any, profile: Path) -> None:
    from .conftest import seed_casebook

    seed_casebook(profile)
    key_path = profile / KEY_NAME
    key_path.write_bytes(b'{"format": "spoke-keyfile", "vers')
    before = {name: (profile / name).read_bytes() for name in (KEY_NAME, DB_NAME)}

    shell = make_shell()
    window = shell.window
    try_passphrase(qtbot, window, PASSPHRASE)

    assert "key file is damaged" in window.message.text()
    assert "Nothing has been changed" in window.message.text()
    assert shell.state == LOCKED
    assert window.unlock_button.isEnabled(), "a damaged file is not a wrong guess"
    after = {name: (profile / name).read_bytes() for name in (KEY_NAME, DB_NAME)}
    assert after == before


def test_recovery_key_sets_a_new_passphrase(
    qtbot: Any, make_shell: Any, seeded: str, profile: Path
) -> None:
    shell = make_shell()
    window = shell.window
    window.forgot_button.click()
    assert window.pages.currentIndex() == 1

    window.recovery_key.setText("AAAA-BBBB-CCCC-DDDD-EEEE-FFFF-GGGG-HHHH")
    window.new_passphrase.setText("violet harbour candle")
    window.new_confirm.setText("violet harbour candle")
    window.recover_button.click()
    qtbot.waitUntil(window.back_button.isEnabled, timeout=5000)
    assert "recovery key does not open this casebook" in window.recovery_message.text()

    window.recovery_key.setText(seeded.lower().replace("-", " "))  # as someone might type it
    window.new_passphrase.setText("violet harbour candle")
    window.new_confirm.setText("violet harbour candle")
    window.recover_button.click()
    qtbot.waitUntil(lambda: shell.state == UNLOCKED, timeout=5000)

    shell.lock()
    assert shell.state == LOCKED
    try_passphrase(qtbot, shell.window, PASSPHRASE)
    assert WRONG in shell.window.message.text()
    unlock(qtbot, shell, "violet harbour candle")

    with pytest.raises(WrongPassphrase):
        Casebook.open(profile, PASSPHRASE)


def test_demo_passphrase_is_filled_in(qtbot: Any, make_shell: Any, seeded: str) -> None:
    shell = make_shell(demo_passphrase=PASSPHRASE)
    assert shell.window.passphrase.text() == PASSPHRASE
    # The field shows dots; the words above it say the demo passphrase, as the README promises.
    from PySide6.QtWidgets import QLabel
    assert any(PASSPHRASE in label.text() for label in shell.window.findChildren(QLabel))
    shell.window.unlock_button.click()
    qtbot.waitUntil(lambda: shell.state == UNLOCKED, timeout=5000)
