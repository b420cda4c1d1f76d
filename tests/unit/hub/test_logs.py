"""The hub's JSON log: one object a line, holding the message and nothing more about anyone."""

from __future__ import annotations

import io
import json
import logging
import logging.config

import pytest

from spokeapp.hub import logs

#: Fictional details that must never reach a log line through the formatter.
PERSONAL = "Demo Young Person, 07700 900123"


def _entries(log_format: str, emit: object) -> list[str]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    config = logs.logging_config(log_format, "info")
    # The formatter exactly as ``dictConfig`` makes it from the hub's configuration.
    handler.setFormatter(logging.config.DictConfigurator(config).configure_formatter(
        dict(config["formatters"]["hub"])))
    logger = logging.getLogger("spokeapp.hub.test_logs")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False
    try:
        assert callable(emit)
        emit(logger)
    finally:
        logger.removeHandler(handler)
    return stream.getvalue().splitlines()


def test_each_entry_is_one_json_object_with_the_message_and_no_extras() -> None:
    def emit(logger: logging.Logger) -> None:
        logger.info("push from device %s: %d changes\nsecond line", "d-1", 3,
                    extra={"person": PERSONAL})
        try:
            raise ValueError(PERSONAL)
        except ValueError:
            logger.exception("unexpected error while storing %s", "c-1")

    lines = _entries("json", emit)
    assert len(lines) == 2  # a newline in a message stays inside its one line
    first, second = (json.loads(line) for line in lines)
    assert set(first) == {"time", "level", "logger", "message", "process"}
    assert first["message"] == "push from device d-1: 3 changes\nsecond line"
    assert first["level"] == "info" and first["logger"] == "spokeapp.hub.test_logs"
    assert first["time"].endswith("+00:00")
    # Of an exception, only its type: its message and traceback may quote anything.
    assert second["error"] == "ValueError" and second["level"] == "error"
    assert PERSONAL not in "\n".join(lines) and "Traceback" not in "\n".join(lines)


@pytest.mark.parametrize("log_format", ["text", "json"])
def test_the_configuration_sends_the_chosen_form_to_stderr(log_format: str) -> None:
    config = logs.logging_config(log_format, "warning")
    assert config["root"] == {"level": "WARNING", "handlers": ["stderr"]}
    assert config["handlers"]["stderr"]["stream"] == "ext://sys.stderr"
    line = _entries(log_format, lambda logger: logger.warning("hub %s", "h-1"))[0]
    if log_format == "json":
        assert json.loads(line)["message"] == "hub h-1"
    else:
        assert line.endswith("WARNING spokeapp.hub.test_logs: hub h-1")


def test_an_exception_in_the_text_log_keeps_its_type_and_places_not_its_message() -> None:
    """The text form (the default) used Python's formatter: an exception a library logs
    (uvicorn's "Exception in ASGI application", asyncio's task errors) came out with its
    whole traceback and every message in the chain, which may quote a record's row."""
    def emit(logger: logging.Logger) -> None:
        try:
            try:
                raise KeyError(PERSONAL)
            except KeyError as inner:
                raise ValueError(PERSONAL) from inner
        except ValueError:
            logger.exception("unexpected error while storing %s", "c-1")

    text = "\n".join(_entries("text", emit))
    assert "ERROR spokeapp.hub.test_logs: unexpected error while storing c-1" in text
    assert "builtins.ValueError" in text and "in emit" in text
    assert PERSONAL not in text
