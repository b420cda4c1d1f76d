"""Launch: the unlock window must appear fast, so the main window is imported only later."""

from __future__ import annotations

import subprocess
import sys


def test_main_window_is_not_imported_at_launch() -> None:
    code = (
        "import sys, spokeapp.ui.application\n"
        "late = [m for m in sys.modules if m.startswith(('spokeapp.ui.main_window',"
        " 'spokeapp.ui.views', 'spokeapp.ui.models'))]\n"
        "print(late)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.strip() == "[]"
