"""``scripts/bootstrap.py``: the demo and the tests run with Python allowed to keep its
compiled bytecode, even where the machine says not to (a new process then starts in about a
third of the time), and with everything else of the caller's environment."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parent.parent


def _bootstrap() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bootstrap", ROOT / "scripts" / "bootstrap.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_demo_and_tests_may_keep_bytecode_and_keep_the_rest(tmp_path: Path) -> None:
    env = _bootstrap().own_environment(
        {"PYTHONDONTWRITEBYTECODE": "1", "CI": "true", "PATH": "/usr/bin"})
    assert env == {"CI": "true", "PATH": "/usr/bin"}
    # A process started so does write its bytecode cache.
    (tmp_path / "fictional_module.py").write_text("VALUE = 1\n", encoding="utf-8")
    subprocess.run([sys.executable, "-c", "import fictional_module"], cwd=tmp_path,
                   env={**env, "PYTHONPATH": str(tmp_path)}, check=True)
    assert list((tmp_path / "__pycache__").glob("fictional_module.*.pyc"))
