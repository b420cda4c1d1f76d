"""Logging and crash output that never carry personal data.

Log records are written by Spoke's own code with fixed wording and ids only. Exceptions are a
risk: a database or validation error can quote a value from a record. So crash output keeps the
exception *type* and the code locations, and keeps the message only for ``SpokeError`` (whose
messages are written to be safe to show). That holds for every way an exception reaches the log
or the terminal: an uncaught one (``sys.excepthook``), one in a background thread
(``threading.excepthook``), one Python could not raise (``sys.unraisablehook``, whose default
would print the ``repr`` of the object being cleaned up) and one logged with
``log.exception(...)`` or ``exc_info`` (``SafeFormatter``). Nothing is logged at DEBUG in a
release.

A crash of the process itself (a fault in Qt or SQLCipher) must not write its memory to disk
either: a core dump holds decrypted records, the data key and what was typed. The app forbids
them before anything is unlocked (``forbid_core_dumps``).
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
import sys
import threading
import traceback
from pathlib import Path
from types import TracebackType
from typing import Any

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


class SafeFormatter(logging.Formatter):
    """A log formatter that writes an exception (``log.exception``, ``exc_info=True``) as
    :func:`describe_exception` does: type and code locations, never another exception's
    message (the standard formatter prints the whole traceback with every message in the
    chain)."""

    def format(self, record: logging.LogRecord) -> str:
        # Another handler may have cached the standard, unsafe text on the record already.
        record.exc_text = None
        return super().format(record)

    def formatException(self, ei: Any) -> str:
        exc = ei[1] if isinstance(ei, tuple) else None
        if exc is None:
            return ""
        return describe_exception(exc)


LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


#: ``prctl`` option (linux/prctl.h): whether the kernel may dump this process's memory.
_PR_SET_DUMPABLE = 4


def forbid_core_dumps() -> None:
    """No core dump of this process, ever: its memory holds decrypted records, the casebook's
    data key and what the worker typed, and a dump is a plain file (``core``, or one kept by
    systemd-coredump or apport under /var). The size limit goes to zero for good (the hard
    limit too), and on Linux the process is made not dumpable, which also stops a crash
    handler reading it and another program of the same user attaching to it. Best effort:
    a system that refuses either keeps whatever it allowed."""
    try:
        import resource
    except ImportError:  # Windows: no core files (Windows Error Reporting is not asked)
        return
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_DUMPABLE, 0, 0, 0, 0)


def configure_logging(logs_folder: Path | None, level: int = logging.INFO) -> None:
    """Log to ``logs_folder/spoke.log`` (0600) and stderr, and install the safe crash hooks."""
    console = logging.StreamHandler()
    console.setLevel(logging.WARNING)  # the terminal shows problems; the log file keeps more
    handlers: list[logging.Handler] = [console]
    if logs_folder is not None:
        # The logs folder is inside the profile, which Spoke makes for the worker: new, it
        # is private like everything in it (``mkdir(parents=True)`` would make it readable
        # by everyone, and the casebook made in it later keeps an existing folder's mode).
        if not logs_folder.parent.exists():
            logs_folder.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        logs_folder.mkdir(exist_ok=True, mode=0o700)
        path = logs_folder / "spoke.log"
        path.touch(mode=0o600, exist_ok=True)
        handlers.append(logging.FileHandler(path, encoding="utf-8"))
    formatter = SafeFormatter(LOG_FORMAT)
    for handler in handlers:
        handler.setFormatter(formatter)
    logging.basicConfig(level=level, handlers=handlers, force=True)
    # Libraries' request and migration chatter adds nothing a support person needs.
    for noisy in ("httpx", "httpcore", "alembic", "uvicorn.access"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    sys.excepthook = _safe_excepthook
    threading.excepthook = _safe_thread_excepthook
    sys.unraisablehook = _safe_unraisablehook


def _safe_excepthook(
    exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None
) -> None:
    if exc.__traceback__ is None and tb is not None:
        exc = exc.with_traceback(tb)
    log.critical("Spoke stopped unexpectedly:\n%s", describe_exception(exc))


def _safe_thread_excepthook(args: threading.ExceptHookArgs) -> None:
    if args.exc_type is SystemExit or args.exc_value is None:
        return  # as Python's own hook: a thread that exits is not a crash
    exc = args.exc_value
    if exc.__traceback__ is None and args.exc_traceback is not None:
        exc = exc.with_traceback(args.exc_traceback)
    name = args.thread.name if args.thread is not None else "unknown"
    log.critical("A background task of Spoke (thread %s) stopped unexpectedly:\n%s", name,
                 describe_exception(exc))


def _safe_unraisablehook(unraisable: Any) -> None:
    # Python's own hook prints ``repr`` of the object being cleaned up (a record, a form)
    # and the message: neither is written here.
    exc = unraisable.exc_value
    if exc is None:
        return
    if exc.__traceback__ is None and unraisable.exc_traceback is not None:
        exc = exc.with_traceback(unraisable.exc_traceback)
    log.warning("An error was ignored while Spoke cleaned up:\n%s", describe_exception(exc))
