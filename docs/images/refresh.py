"""Make the guides' screenshots again, from the fictional demo casebook, into docs/images/.

    QT_QPA_PLATFORM=offscreen .venv/bin/python docs/images/refresh.py

Runs scripts/screenshots.py at 1366x768 (a small laptop's screen: the pictures stay small)
into a temporary folder, then copies the pictures the guides show (``SHOWN``) here and removes
any other picture. Run it after changing a screen the guides show, look at the pictures, and
commit them: they are committed so that `mkdocs build --strict` works in a fresh clone without
starting the app (tests/test_docs_site.py checks every picture here is shown by a guide and
every picture a guide shows is here). They hold made-up people only.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
SIZE = "1366x768"
#: The screenshots the guides show, by the names scripts/screenshots.py gives them.
SHOWN = (
    "01-today",
    "03-session",
    "04-case",
    "08-sync",
    "22-visits-start",
    "23-visits-not-armed",
    "24-visits-armed",
    "19-lone-working-board-overdue",
    "25-review",
    "28-team",
    "44-audit",
    "45-device-report",
)


def main() -> int:
    env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"))
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([sys.executable, str(ROOT / "scripts" / "screenshots.py"), tmp,
                        "--size", SIZE], check=True, env=env, stdout=subprocess.DEVNULL)
        missing = [name for name in SHOWN if not (Path(tmp) / f"{name}.png").is_file()]
        if missing:
            print(f"scripts/screenshots.py no longer makes {', '.join(missing)}: change SHOWN "
                  "and the guides that show them.", file=sys.stderr)
            return 1
        for old in HERE.glob("*.png"):
            old.unlink()
        for name in SHOWN:
            shutil.copyfile(Path(tmp) / f"{name}.png", HERE / f"{name}.png")
            print(HERE / f"{name}.png")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
