"""How ``spoke-hub serve`` writes its log: plain lines (the default) or one JSON object a line
(``log_format = "json"``, ``--log-format json``) for a log collector.

The hub's log messages name ids, codes and counts only (docs/architecture.md); the JSON form
adds nothing to them but the time, the level, the logger's name and the process id. In
particular it never adds the ``extra`` fields of a record, and of an exception only its type:
an exception's message or traceback may quote a request or a database row.
"""

from __future__ import annotations

import json
import logging
import logging.config
from datetime import UTC, datetime
from typing import Any

#: The plain form (what ``serve`` always wrote).
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class JsonFormatter(logging.Formatter):
    """One JSON object a line: ``time`` (UTC, ISO 8601), ``level``, ``logger``, ``message``,
    ``process``, and ``error`` (the exception's type name) when the record carries one."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(
                timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
            "process": record.process,
        }
        if record.exc_info and record.exc_info[0] is not None:
            entry["error"] = record.exc_info[0].__name__
        return json.dumps(entry, ensure_ascii=False)


def logging_config(log_format: str, level: str) -> dict[str, Any]:
    """The ``logging.config.dictConfig`` of a hub process: everything to stderr, in
    ``log_format`` (``text`` or ``json``), at ``level`` and above. Used by ``serve`` and by
    each ``serve --workers N`` process (uvicorn applies it there)."""
    # Text: an exception a library logs (uvicorn, asyncio) is written as the laptop's log
    # writes it, type and code locations only: its message may quote a record's row.
    formatter: dict[str, Any] = (
        {"()": f"{__name__}.JsonFormatter"} if log_format == "json"
        else {"()": "spokeapp.diagnostics.SafeFormatter", "fmt": TEXT_FORMAT})
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"hub": formatter},
        "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "hub",
                                "stream": "ext://sys.stderr"}},
        "root": {"level": level.upper(), "handlers": ["stderr"]},
        # Alembic's start-up chatter ("Context impl SQLiteImpl.") tells an administrator
        # nothing: its warnings still come through, and everything at ``debug``.
        "loggers": {"alembic": {"level": "DEBUG" if level == "debug" else "WARNING"}},
    }


def configure(log_format: str, level: str) -> None:
    """Set up this process's log (see :func:`logging_config`)."""
    logging.config.dictConfig(logging_config(log_format, level))
