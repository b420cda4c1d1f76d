"""First run: choosing a passphrase, seeing the recovery key once, and getting into Spoke."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication

from spokeapp.store.casebook import Casebook
from spokeapp.ui.first_run import FirstRunWindow
from spokeapp.ui.shell import FIRST_RUN, UNLOCKED
from spokeapp.ui.widgets import StrengthMeter

RECOVERY_KEY = re.compile(r"^[A-Z2-7]{4}(-[A-Z2-7]{4}){7}$")


def choose(window: FirstRunWindow, passphrase: str, confirmation: str) -> None:
    window.passphrase.setText(passphrase)
    window.confirm.setText(confirmation)
    window.create_button.click()


def test_strength_meter_uses_plain_words(qtbot: Any) -> None:
    meter = StrengthMeter()
    qtbot.addWidget(meter)
    seen = {}
    for text in ("abc", "password123", "Sunshine2025", "kettle orbit lemon march"):
        meter.update_for(text)
        seen[text] = meter.word.text()
    assert seen == {
        "abc": "Too short",
        "password123": "Weak",
        "Sunshine2025": "Weak",
        "kettle orbit lemon march": "Strong",
    }
    meter.update_for("lemonorbit7")
    assert meter.word.text() == "Good"


def test_first_run_end_to_end(qtbot: Any, make_shell: Any, profile: Path) -> None:
    shell = make_shell()
    window = shell.window
    assert shell.state == FIRST_RUN and isinstance(window, FirstRunWindow)

    choose(window, "short", "short")
    assert window.message.isVisible()
    assert "at least 10 characters" in window.message.text()
    assert window.meter.word.text() == "Too short"

    choose(window, "password12345", "password12345")
    assert "easy to guess" in window.message.text()
    assert window.meter.word.text() == "Weak"

    choose(window, "kettle orbit lemon march", "kettle orbit lemon marsh")
    assert "not the same" in window.message.text()
    assert not Casebook.exists(profile), "nothing is created until the passphrase is right"

    choose(window, "kettle orbit lemon march", "kettle orbit lemon march")
    qtbot.waitUntil(lambda: window.pages.currentIndex() == 1, timeout=5000)
    key = window.key_label.text().replace("\n", "")
    assert RECOVERY_KEY.match(key)
    assert window.key_label.textInteractionFlags() & Qt.TextInteractionFlag.TextSelectableByMouse
    assert window.passphrase.text() == "", "the passphrase is not kept in the form"

    window.copy_button.click()
    assert QGuiApplication.clipboard().text() == key

    assert not window.continue_button.isEnabled()
    window.continue_button.click()
    assert shell.state == FIRST_RUN
    window.acknowledge.setChecked(True)
    assert window.continue_button.isEnabled()
    window.continue_button.click()

    assert shell.state == UNLOCKED
    assert shell.main_window is not None and shell.main_window.isVisible()
    assert Casebook.exists(profile)
    assert QGuiApplication.clipboard().text() != key, "the key is not left in the clipboard"

    assert shell.book is not None
    shell.book.close()
    Casebook.open(profile, "kettle orbit lemon march").close()
