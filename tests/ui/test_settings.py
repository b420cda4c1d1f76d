"""Settings: the lock time, changing the passphrase and the check-in PINs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtGui import QGuiApplication

from spokeapp.crypto.keyfile import KeyFile
from spokeapp.present.pins import pins_set_up
from spokeapp.store.casebook import KEY_NAME, Casebook

from .conftest import PASSPHRASE, unlock


def test_lock_time_is_applied_and_remembered(qtbot: Any, make_shell: Any, seeded: str) -> None:
    shell = make_shell()
    unlock(qtbot, shell)
    assert shell.autolock.idle_ms == 10 * 60_000, "ten minutes unless the worker changes it"
    shell.main_window.settings.idle_minutes.setValue(3)
    assert shell.autolock.idle_ms == 3 * 60_000
    shell.lock()
    unlock(qtbot, shell)
    assert shell.main_window.settings.idle_minutes.value() == 3
    assert shell.autolock.idle_ms == 3 * 60_000


def test_change_passphrase(qtbot: Any, make_shell: Any, seeded: str, profile: Path) -> None:
    shell = make_shell()
    unlock(qtbot, shell)
    page = shell.main_window.settings
    page.current.setText("not the current one")
    page.new.setText("violet harbour candle")
    page.confirm.setText("violet harbour candle")
    page.change_button.click()
    qtbot.waitUntil(page.change_button.isEnabled, timeout=5000)
    assert page.message.text() == "Your current passphrase is not right."

    page.current.setText(PASSPHRASE)
    page.change_button.click()
    qtbot.waitUntil(page.change_button.isEnabled, timeout=5000)
    assert "has been changed" in page.message.text()
    Casebook.open(profile, "violet harbour candle").close()


def test_pins_are_saved_off_the_gui_thread_once(
    qtbot: Any, make_shell: Any, seeded: str
) -> None:
    shell = make_shell()
    unlock(qtbot, shell)
    pins = shell.main_window.settings.pins
    for field, value in ((pins.pin, "2580"), (pins.pin_again, "2580"),
                         (pins.duress, "1397"), (pins.duress_again, "1397")):
        field.setText(value)
    assert pins.save()
    assert not pins.save_button.isEnabled(), "held while the PINs are being saved"
    qtbot.waitUntil(lambda: not shell.main_window.tasks.busy, timeout=5000)
    assert pins_set_up(shell.book)
    assert pins.save_button.isEnabled() and pins.remove_button.isEnabled()
    assert "PINs are saved" in pins.message.text()


def test_settings_says_calmly_when_the_hub_approves_a_newer_spoke(
    qtbot: Any, make_shell: Any, seeded: str
) -> None:
    """The hub's answer kept at the last sync (spokeapp.present.release) shows when Settings
    is opened: a newer approved release gives a notice, the running one none."""
    import json

    from spokeapp.sync.engine import RELEASE_SETTING

    shell = make_shell()
    unlock(qtbot, shell)
    window, page = shell.main_window, shell.main_window.settings

    def open_settings() -> None:
        window.show_page(0)
        for number in range(window.pages.count()):
            window.show_page(number)
            if page.isVisible():
                return
        raise AssertionError("no page shows Settings")

    open_settings()
    assert page.version.text().startswith("This laptop has Spoke ")
    assert not page.update_notice.isVisible()
    shell.book.set_setting(RELEASE_SETTING, json.dumps(
        {"version": "99.0", "url": "https://it.example.invalid/spoke"}))
    open_settings()
    assert page.update_notice.isVisible()
    assert "approved Spoke 99.0" in page.update_notice.text()
    assert "https://it.example.invalid/spoke" in page.update_notice.text()
    shell.book.set_setting(RELEASE_SETTING, "")
    open_settings()
    assert not page.update_notice.isVisible()


def test_giving_the_casebook_a_new_key_shows_the_new_recovery_key_first(
    qtbot: Any, make_shell: Any, seeded: str, profile: Path
) -> None:
    old_key = KeyFile.read(profile / KEY_NAME).unlock(PASSPHRASE)
    shell = make_shell()
    unlock(qtbot, shell)
    box = shell.main_window.settings.key_renewal
    box.passphrase.setText("not my passphrase")
    box.renew_button.click()
    qtbot.waitUntil(box.renew_button.isEnabled, timeout=10000)
    assert box.message.text() == "Your passphrase is not right." and box.dialog is None

    # Cancelled once the key is shown: nothing changes.
    box.passphrase.setText(PASSPHRASE)
    box.renew_button.click()
    qtbot.waitUntil(lambda: box.dialog is not None and box.dialog.isVisible(), timeout=10000)
    first = box.dialog
    assert first is not None and not first.renew_button.isEnabled()
    first.cancel_button.click()
    assert "Nothing was changed" in box.message.text() and first.key_label.text() == ""
    assert KeyFile.read(profile / KEY_NAME).unlock(PASSPHRASE) == old_key

    box.passphrase.setText(PASSPHRASE)
    box.renew_button.click()
    qtbot.waitUntil(lambda: box.dialog is not first and box.dialog.isVisible(), timeout=10000)
    dialog = box.dialog
    shown = dialog.key_label.text()
    assert len(shown) > 20 and box.passphrase.text() == ""
    dialog.copy_button.click()
    assert QGuiApplication.clipboard().text() == shown
    dialog.acknowledge.setChecked(True)
    dialog.renew_button.click()
    qtbot.waitUntil(lambda: "Done: your casebook has a new key" in box.message.text(),
                    timeout=20000)

    assert QGuiApplication.clipboard().text() == "" and dialog.key_label.text() == ""
    assert KeyFile.read(profile / KEY_NAME).unlock(PASSPHRASE) != old_key
    shell.lock()
    unlock(qtbot, shell)  # the same passphrase opens it
    shell.lock()
    with Casebook.recover(profile, shown, "violet harbour candle") as book:
        assert book.caseload()
