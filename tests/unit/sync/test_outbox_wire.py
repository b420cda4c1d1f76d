"""The outbox's wire changes (engine._wire): built without validation when the values are
plainly valid, yet exactly what ``ChangeIn`` validation gives - or refused as it refuses."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from spokeapp.store.sync_state import PendingChange
from spokeapp.sync.engine import _wire
from spokeapp.sync.protocol import ChangeIn

_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner,
                                                                 max_size=3),
    max_leaves=8,
)
_payload = st.dictionaries(st.text(max_size=6), _json, max_size=4)
_odd_payload = st.one_of(_payload, st.none(), st.lists(st.integers(), max_size=2),
                         st.dictionaries(st.integers(), st.integers(), max_size=2))


def _pending(draw: Any, payload: Any, base: Any) -> PendingChange:
    return PendingChange(
        seq=draw(st.integers(min_value=1, max_value=10**6)),
        id=draw(st.sampled_from(["0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b", "short", "x" * 37])),
        record_id=draw(st.text(max_size=70)), kind=draw(st.text(max_size=45)),
        op="put", payload=payload, author=draw(st.text(max_size=80)),
        local_time=draw(st.text(max_size=50)),
        base_seq=draw(st.one_of(st.none(), st.integers(min_value=-3, max_value=10**6))),
        base=base, scope="case-1",
    )


@st.composite
def _pairs(draw: Any) -> tuple[PendingChange, PendingChange]:
    first = _pending(draw, draw(_payload), draw(st.one_of(st.none(), _odd_payload)))
    last = _pending(draw, draw(_odd_payload), None)
    return first, last


@given(_pairs(), st.sampled_from(["put", "finalise"]))
def test_a_wire_change_is_what_validation_gives_or_is_refused_as_it_refuses(
    pair: tuple[PendingChange, PendingChange], op: str,
) -> None:
    first, last = pair
    fields = {
        "id": last.id, "record_id": last.record_id, "kind": last.kind, "op": op,
        "payload": last.payload, "author": last.author[:64],
        "local_time": last.local_time[:40], "base_seq": first.base_seq, "base": first.base,
    }
    try:
        expected = ChangeIn(**fields)
    except ValidationError:
        try:
            _wire(first, last, op)  # type: ignore[arg-type]
        except ValidationError:
            return
        raise AssertionError("a change validation refuses was built") from None
    built = _wire(first, last, op)  # type: ignore[arg-type]
    assert built == expected
    assert built.model_dump_json() == expected.model_dump_json()
