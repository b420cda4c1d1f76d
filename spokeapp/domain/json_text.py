"""Compact JSON text for bodies that are stored and parsed again, never hashed.

The chain's canonical bytes are defined elsewhere (``spokeapp.sync.protocol.canonical_change``)
and must not use this: its output for floats may differ from ``json.dumps`` in spelling
(never in value).
"""

from __future__ import annotations

import json
from typing import Any

import orjson


def json_text(value: Any) -> str:
    """``value`` as compact JSON text (UTF-8 characters kept, keys in their order): orjson,
    or the standard library where orjson refuses (an integer beyond 64 bits, a lone
    surrogate)."""
    try:
        return orjson.dumps(value).decode("utf-8")
    except orjson.JSONEncodeError:
        return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def json_value(text: str | bytes) -> Any:
    """The value of JSON ``text``, as ``json.loads`` gives it (orjson first; the standard
    library where orjson refuses, e.g. an integer beyond 64 bits)."""
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        return json.loads(text)
