"""Logging and crash output that never carry personal data.

Log records are written by Spoke's own code with fixed wording and ids only. Exceptions are a
risk: a database or validation error can quote a value from a record. So crash output keeps the
exception *type* and the code locations, and keeps the message only for ``SpokeError`` (whose
messages are written to be safe to show). Nothing is logged at DEBUG in a release.
"""

from __future__ import annotations

import logging
import sys
import traceback
from pathlib import Path
from types import TracebackType

from spokeapp.domain.errors import SpokeError

log = logging.getLogger("spokeapp")


def describe_exception(exc: BaseException) -> str:
    """Type, safe message (SpokeError only) and frame locations; never other exception text."""
    lines = []
    for frame in traceback.extract_tb(exc.__traceback__):
        lines.append(f'  File "{frame.filename}", line {frame.lineno}, in {frame.name}')
    # SpokeError messages are written to be shown; ImportError names only modules. Any other
    # message may quote a value from a record, so it is withheld.
    safe = isinstance(exc, SpokeError | ImportError)
    message = str(exc) if safe else "(message withheld: may hold personal data)"
    lines.append(f"{type(exc).__module__}.{type(exc).__qualname__}: {message}")
    return "\n".join(lines)


def configure_logging(logs_folder: Path | None, level: int = logging.INFO) -> None:
    """Log to ``logs_folder/spoke.log`` (0600) and stderr, and install the safe crash hook."""
    console = logging.StreamHandler()
    console.setLevel(logging.WARNING)  # the terminal shows problems; the log file keeps more
    handlers: list[logging.Handler] = [console]
    if logs_folder is not None:
        logs_folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        path = logs_folder / "spoke.log"
        path.touch(mode=0o600, exist_ok=True)
        handlers.append(logging.FileHandler(path, encoding="utf-8"))
    logging.basicConfig(
        level=level, handlers=handlers, force=True,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    # Libraries' request and migration chatter adds nothing a support person needs.
    for noisy in ("httpx", "httpcore", "alembic", "uvicorn.access"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    sys.excepthook = _safe_excepthook


def _safe_excepthook(
    exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None
) -> None:
    if exc.__traceback__ is None and tb is not None:
        exc = exc.with_traceback(tb)
    log.critical("Spoke stopped unexpectedly:\n%s", describe_exception(exc))
