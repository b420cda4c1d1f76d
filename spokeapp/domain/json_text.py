"""Compact JSON text for bodies that are stored and parsed again, never hashed.

The chain's canonical bytes are defined elsewhere (``spokeapp.sync.protocol.canonical_change``)
and must not use this: its output for floats may differ from ``json.dumps`` in spelling
(never in value).
"""

from __future__ import annotations

import json
import re
from typing import Any

import orjson

_LONG_DIGITS = re.compile(rb"[0-9]{19,}")
_LONG_DIGITS_TEXT = re.compile(r"[0-9]{19,}")


def json_text(value: Any) -> str:
    """``value`` as compact JSON text (UTF-8 characters kept, keys in their order): orjson,
    or the standard library where orjson refuses (an integer beyond 64 bits, a lone
    surrogate)."""
    try:
        return orjson.dumps(value).decode("utf-8")
    except orjson.JSONEncodeError:
        return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def json_value(text: str | bytes) -> Any:
    """The value of JSON ``text``, exactly as ``json.loads`` gives it.

    orjson reads an integer beyond 64 bits as a float, silently. So when orjson's value holds
    a float and the text has a run of 19 or more digits (perhaps such an integer, perhaps only
    a long number inside a string), the text is read by the standard library instead. The
    float check comes first: searching for the digit run cost ~6 µs a record body, parsing it
    under 1 µs."""
    value = orjson.loads(text)
    if _holds_float(value) and (_LONG_DIGITS_TEXT.search(text) if isinstance(text, str)
                                else _LONG_DIGITS.search(text)) is not None:
        return json.loads(text)
    return value


def _holds_float(value: Any) -> bool:
    """True if any number in the parsed JSON ``value`` is a float (no recursion: bodies are
    flat, so this is one pass over their values)."""
    waiting = [value]
    while waiting:
        item = waiting.pop()
        kind = type(item)
        if kind is float:
            return True
        if kind is dict:
            waiting.extend(item.values())
        elif kind is list:
            waiting.extend(item)
    return False
