"""The check-in and duress PIN box, as the worker uses it from the keyboard: Enter saves what
was typed and never removes the PINs."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QPushButton

from spokeapp.present.pins import check_pin, pins_set_up
from spokeapp.ui.views.visit_pins import PinResult, PinSetup

from .conftest import unlock


def _open_box(qtbot: Any, main: Any) -> tuple[QDialog, PinSetup]:
    main.visits.open_pins()  # "Check-in and duress PINs…", top right of Visits
    dialog = main.visits.dialog
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible, timeout=5000)
    box = dialog.findChild(PinSetup)
    assert box is not None
    return dialog, box


def _type(qtbot: Any, box: PinSetup, pin: str, duress: str) -> None:
    for field, value in ((box.pin, pin), (box.pin_again, pin),
                         (box.duress, duress), (box.duress_again, duress)):
        field.setFocus()
        qtbot.keyClicks(field, value)


def test_enter_while_changing_the_pins_never_removes_them(
    qtbot: Any, make_shell: Any, seeded: str
) -> None:
    """With PINs set up, "Remove PINs" (first in the tab order) was the box's Enter button:
    typing a new check-in PIN and pressing Enter removed both PINs, the duress PIN with them,
    and said "PINs removed" in the box."""
    shell = make_shell()
    unlock(qtbot, shell)
    main = shell.main_window
    dialog, box = _open_box(qtbot, main)
    _type(qtbot, box, "2580", "1397")
    qtbot.keyClick(box.duress_again, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not main.tasks.busy, timeout=5000)
    assert pins_set_up(shell.book)

    box.pin.setFocus()
    qtbot.keyClicks(box.pin, "4444")
    qtbot.keyClick(box.pin, Qt.Key.Key_Return)  # half typed: Enter tries to save it
    qtbot.waitUntil(lambda: not main.tasks.busy, timeout=5000)
    assert pins_set_up(shell.book), "Enter removed the PINs"
    assert check_pin(shell.book, "1397") is PinResult.DURESS
    assert box.message.text() == "Check-in PIN: The check-in PINs you typed do not match."
    assert dialog.isVisible()
    enter = [b for b in dialog.findChildren(QPushButton) if b.isDefault()]
    assert enter == [box.save_button]

    box.pin.clear()
    _type(qtbot, box, "3691", "7412")
    qtbot.keyClick(box.duress_again, Qt.Key.Key_Return)  # the new PINs, saved by Enter
    qtbot.waitUntil(lambda: not main.tasks.busy, timeout=5000)
    assert check_pin(shell.book, "7412") is PinResult.DURESS
    assert check_pin(shell.book, "3691") is PinResult.CHECK_IN
    assert box.message.text().startswith("Your PINs are saved.")
    dialog.reject()
