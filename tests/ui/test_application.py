"""The application as the desktop shows it: Spoke's own icon on every window."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QKeySequence, qt_set_sequence_auto_mnemonic
from PySide6.QtWidgets import QPushButton, QWidget

from spokeapp.ui.application import ICON_SIZES, _application, application_icon

DESKTOP_ENTRY = Path(__file__).resolve().parents[2] / "installers" / "linux" / "spoke.desktop"


def test_every_window_carries_spokes_icon(qtbot: Any) -> None:
    app = _application()
    window = QWidget()
    qtbot.addWidget(window)
    icon = window.windowIcon()  # a window with none of its own shows the application's
    assert not icon.isNull()
    assert app.windowIcon().cacheKey() == icon.cacheKey()
    assert {size.width() for size in icon.availableSizes()} >= set(ICON_SIZES)
    image = icon.pixmap(QSize(32, 32)).toImage()
    assert image.pixelColor(16, 16).alpha() == 255  # drawn, not an empty placeholder
    assert image.pixelColor(0, 0).alpha() < 255  # rounded corners, as an icon has


def test_the_icon_is_what_the_linux_desktop_entry_names() -> None:
    assert not application_icon().isNull()
    assert "Icon=spoke\n" in DESKTOP_ENTRY.read_text(encoding="utf-8")


def test_alt_letters_work_where_the_system_leaves_them_off(qtbot: Any) -> None:
    """Qt turns "&" letters off on macOS: "Raise &alarm (Alt+A)" would do nothing there.
    Spoke's application turns them on wherever it runs (here, the Mac's default is copied)."""
    qt_set_sequence_auto_mnemonic(False)  # as on a Mac
    try:
        before = QPushButton("Raise &alarm (Alt+A)")
        qtbot.addWidget(before)
        assert before.shortcut().isEmpty()  # what a Mac worker had: no Alt+A
        _application()
        window = QWidget()
        qtbot.addWidget(window)
        alarm = QPushButton("Raise &alarm (Alt+A)", window)
        clicks: list[bool] = []
        alarm.clicked.connect(lambda: clicks.append(True))
        assert alarm.shortcut() == QKeySequence("Alt+A")
        window.show()
        window.activateWindow()
        qtbot.waitUntil(window.isActiveWindow, timeout=2000)
        qtbot.keyClick(window, Qt.Key.Key_A, Qt.KeyboardModifier.AltModifier)
        qtbot.waitUntil(lambda: clicks == [True], timeout=2000)  # a mnemonic animates a click
    finally:
        qt_set_sequence_auto_mnemonic(True)
