"""Self-checks of the real windows, for installers and benchmarks (no person at the keyboard).

``check_unlock`` starts the app on a profile, types the passphrase into the real unlock window,
waits for the main window and reports how many caseload rows it shows. The installer test runs
it inside the frozen app, which proves Qt, SQLCipher and bundled resources all load from the
bundle. ``exit_when_shown`` quits as soon as the first window is on screen, so a benchmark can
time launch to unlock window from outside the process.
"""

from __future__ import annotations

import time
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from spokeapp.ui.application import _application
from spokeapp.ui.shell import SpokeShell

UNLOCK_TIMEOUT_S = 60.0


def check_unlock(profile: Path, passphrase: str) -> int:
    """Unlock ``profile`` through the unlock window; print what the main window shows."""
    app = _application()
    shell = SpokeShell(profile)
    outcome: dict[str, int] = {}
    started = time.monotonic()

    def poll() -> None:
        main = shell.main_window
        if main is not None and main.caseload_model.rowCount() > 0:
            print(f"Main window open: {main.caseload_model.rowCount()} cases in the caseload")
            outcome["code"] = 0
            shell.shutdown()
            app.quit()
        elif time.monotonic() - started > UNLOCK_TIMEOUT_S:
            print("The main window did not open in time.")
            outcome["code"] = 1
            shell.shutdown()
            app.quit()
        else:
            QTimer.singleShot(50, poll)

    def unlock() -> None:
        window = shell.window
        window.passphrase.setText(passphrase)  # type: ignore[union-attr]
        window.unlock_button.click()  # type: ignore[union-attr]
        QTimer.singleShot(50, poll)

    shell.start()
    QTimer.singleShot(0, unlock)
    app.exec()
    return outcome.get("code", 1)


def exit_when_shown(profile: Path) -> int:
    """Show the first window (first run or unlock), print when it is exposed, and quit."""
    app: QApplication = _application()
    shell = SpokeShell(profile)
    shell.start()

    def done() -> None:
        print("window shown", flush=True)
        shell.shutdown()
        app.quit()

    QTimer.singleShot(0, done)  # runs once the event loop has shown and painted the window
    return app.exec()
