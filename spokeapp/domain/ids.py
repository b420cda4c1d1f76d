"""Record identifiers: UUIDv7, generated on the device without asking the hub.

Every record gets its id where it is written, so a laptop that is offline all day can still
create records, and a batch re-sent after a dropped connection is recognised as the same
records (the hub ignores ids it already has). UUIDv7 (RFC 9562) starts with a millisecond
timestamp, so ids sort roughly by creation time, which keeps database indexes compact.
"""

from __future__ import annotations

import secrets
import threading
import time
import uuid
from collections.abc import Callable

__all__ = ["UuidV7Source", "id_timestamp_ms", "new_id"]

_COUNTER_BITS = 12  # rand_a in RFC 9562 terms
_COUNTER_MAX = (1 << _COUNTER_BITS) - 1
# A fresh millisecond seeds the counter randomly in its lower half, leaving at least 2048
# increments for ids made within that same millisecond (RFC 9562 section 6.2, method 1).
_COUNTER_SEED_BITS = _COUNTER_BITS - 1
_TIMESTAMP_MAX = (1 << 48) - 1


def _clock_ms() -> int:
    return time.time_ns() // 1_000_000


class UuidV7Source:
    """Makes UUIDv7 strings that strictly increase for the life of this object.

    Ids made in the same millisecond use a counter in ``rand_a``; if the counter runs out, or
    the wall clock steps backwards (a laptop correcting its time after waking), the timestamp
    is carried forward from the last id instead, so order is never broken.

    ``clock_ms`` and ``random_bits`` exist so tests can drive the clock; the app uses
    :func:`new_id`.
    """

    def __init__(
        self,
        clock_ms: Callable[[], int] = _clock_ms,
        random_bits: Callable[[int], int] = secrets.randbits,
    ) -> None:
        self._clock_ms = clock_ms
        self._random_bits = random_bits
        self._lock = threading.Lock()
        self._last_ms = -1
        self._counter = 0

    def next_id(self) -> str:
        """Return the next id as a canonical lower-case UUID string."""
        with self._lock:
            now = self._clock_ms()
            if now > self._last_ms:
                self._last_ms = now
                self._counter = self._random_bits(_COUNTER_SEED_BITS)
            elif self._counter < _COUNTER_MAX:
                self._counter += 1
            else:
                self._last_ms += 1
                self._counter = self._random_bits(_COUNTER_SEED_BITS)
            timestamp = self._last_ms & _TIMESTAMP_MAX
            counter = self._counter
            rand_b = self._random_bits(62)
        value = (timestamp << 80) | (0x7 << 76) | (counter << 64) | (0b10 << 62) | rand_b
        return str(uuid.UUID(int=value))


_SOURCE = UuidV7Source()


def new_id() -> str:
    """Return a new record id (UUIDv7), greater than every id made before it in this process."""
    return _SOURCE.next_id()


def id_timestamp_ms(record_id: str) -> int:
    """Return the Unix millisecond timestamp embedded in a UUIDv7 id.

    Raises ValueError if the text is not a UUID or not version 7.
    """
    parsed = uuid.UUID(record_id)
    if parsed.version != 7:
        raise ValueError("not a version 7 UUID")
    return parsed.int >> 80
