"""Record ids: valid UUIDv7 that sort in creation order, even within one millisecond."""

from __future__ import annotations

import time
import uuid

import pytest

from spokeapp.domain.ids import UuidV7Source, id_timestamp_ms, new_id


def test_new_id_is_a_canonical_version_7_uuid_with_rfc_variant() -> None:
    text = new_id()
    parsed = uuid.UUID(text)
    assert str(parsed) == text  # canonical lower-case, hyphenated
    assert parsed.version == 7
    assert parsed.variant == uuid.RFC_4122


def test_new_id_carries_the_current_time_in_milliseconds() -> None:
    before = time.time_ns() // 1_000_000
    stamp = id_timestamp_ms(new_id())
    after = time.time_ns() // 1_000_000
    assert before <= stamp <= after


def test_ids_made_in_a_burst_are_unique_and_sort_in_creation_order() -> None:
    ids = [new_id() for _ in range(5000)]
    assert len(set(ids)) == len(ids)
    assert ids == sorted(ids)


def _frozen_clock(ms: int) -> UuidV7Source:
    return UuidV7Source(clock_ms=lambda: ms)


def test_ids_in_the_same_millisecond_still_increase() -> None:
    source = _frozen_clock(1_700_000_000_000)
    ids = [source.next_id() for _ in range(3000)]
    assert ids == sorted(ids)
    assert len(set(ids)) == len(ids)


def test_counter_overflow_moves_the_timestamp_on_instead_of_breaking_order() -> None:
    source = UuidV7Source(clock_ms=lambda: 1_000, random_bits=lambda bits: (1 << bits) - 1)
    ids = [source.next_id() for _ in range(5000)]
    assert ids == sorted(ids)
    assert id_timestamp_ms(ids[-1]) > 1_000


def test_a_clock_stepping_backwards_does_not_produce_a_smaller_id() -> None:
    times = iter([5_000, 5_000, 4_000, 3_000, 5_001])
    source = UuidV7Source(clock_ms=lambda: next(times))
    ids = [source.next_id() for _ in range(5)]
    assert ids == sorted(ids)
    assert id_timestamp_ms(ids[2]) == 5_000
    assert id_timestamp_ms(ids[4]) == 5_001


def test_timestamp_of_a_non_v7_uuid_is_refused() -> None:
    with pytest.raises(ValueError, match="version 7"):
        id_timestamp_ms(str(uuid.uuid4()))
