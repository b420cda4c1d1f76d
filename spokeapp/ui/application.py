"""Start Spoke's window: ``run(profile)`` shows first run or unlock, and returns the exit code.

Only what the unlock and first-run windows need is imported here; the main window and its
pages are imported after unlocking (launch to unlock window must stay under half a second).
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QIcon, qt_set_sequence_auto_mnemonic
from PySide6.QtWidgets import QApplication

from spokeapp.resources import resource_path
from spokeapp.ui.shell import SpokeShell
from spokeapp.ui.translation import install_translation

ICON_SIZES = (16, 32, 48, 64, 128, 256)


def application_icon() -> QIcon:
    """Spoke's icon (resources/icons: a hub and its spokes), for every window and the task bar."""
    icon = QIcon()
    for size in ICON_SIZES:
        icon.addFile(str(resource_path("icons", f"spoke-{size}.png")))
    return icon


def _application() -> QApplication:
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv[:1])
    app.setApplicationName("Spoke")
    app.setOrganizationName("Spoke")
    app.setDesktopFileName("spoke")
    app.setWindowIcon(application_icon())
    # Alt+letter (the "&" letters of buttons and labels: "Raise &alarm (Alt+A)", "Chec&k in")
    # on every system. Qt leaves them off on macOS, where the guides' Alt keys (the Option
    # key there) would then do nothing, the alarm's included. Before any window is built:
    # a button takes its letter when its text is set.
    qt_set_sequence_auto_mnemonic(True)
    install_translation()  # Spoke's words through Qt's translators; dates in the system locale
    # Light or dark: Spoke follows the system's scheme, and never forces one. A worker who set
    # their laptop to dark (eyes tired at night, or a light-sensitive condition) gets Spoke in
    # dark too, as from good desktop software; and a night visit's check-in is not a white
    # glare in a dark street. So Spoke sets no palette and no application style sheet: Qt hands
    # it the system's palette (Windows 11, macOS, GNOME), and again, to every widget, when the
    # system switches by the clock while Spoke is open. What has a colour of its own takes
    # it for the palette it is drawn on and takes it again on a change (widgets.is_dark,
    # widgets.tint; never a widget style sheet for colour or weight alone: it freezes the
    # widget's palette); status colours pass WCAG AA on both (spokeapp.present.contrast,
    # tests/ui/test_accessibility.py); paper (PDFs) is black on white (widgets.paper_palette).
    # The one exception: the classic Windows style cannot draw dark; Fusion can, so use it then.
    dark = app.styleHints().colorScheme() == Qt.ColorScheme.Dark
    if sys.platform == "win32" and dark and app.style().name().lower() == "windowsvista":
        app.setStyle("Fusion")
    return app


def run(
    profile: Path, *, demo_passphrase: str | None = None, idle_minutes: int | None = None
) -> int:
    """Show Spoke for ``profile`` and run until the worker quits; return the exit code."""
    app = _application()
    shell = SpokeShell(profile, idle_minutes=idle_minutes, demo_passphrase=demo_passphrase)
    app.aboutToQuit.connect(shell.shutdown)
    shell.start()
    return app.exec()
