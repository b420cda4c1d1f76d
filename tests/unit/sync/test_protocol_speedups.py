"""The fast paths of sync must give exactly what the plain definitions give.

* ``canonical_change`` (hashed into every device's chain) must stay byte-identical to
  ``json.dumps(change.model_dump(mode="json"), sort_keys=True, separators=(",", ":"),
  ensure_ascii=False)``, for any change, or chains made by older versions stop verifying.
* Record ``from_dict`` / ``to_dict`` use per-class field loaders worked out once; they must
  accept, refuse and report exactly as the generic loader (``_load``) does.
"""

from __future__ import annotations

import dataclasses
import json
import uuid
from datetime import UTC, date, datetime
from enum import Enum, IntEnum, StrEnum
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from spokeapp.domain.errors import Problem, ValidationError
from spokeapp.domain.records import RECORD_TYPES, _dump, _field_hints, _load, _pair_key_type
from spokeapp.sync.protocol import ChangeIn, canonical_change, chain_heads


def reference_canonical(change: ChangeIn) -> bytes:
    """The definition of the chained bytes (protocol version 1)."""
    return json.dumps(
        change.model_dump(mode="json"), sort_keys=True, separators=(",", ":"), ensure_ascii=False
    ).encode("utf-8")


class Colour(StrEnum):
    RED = "red"


class Level(IntEnum):
    HIGH = 3


class Plain(Enum):
    A = "a"


_text = st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=30)
_json_leaf = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False), _text,
)
_json = st.recursive(
    _json_leaf,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_text, inner, max_size=4),
    max_leaves=20,
)
#: Values a payload built in Python (not parsed from JSON) might hold: model_dump changes them.
_odd_leaf = st.one_of(
    _json_leaf, st.sampled_from([Colour.RED, Level.HIGH, Plain.A]),
    st.datetimes(timezones=st.just(UTC)), st.dates(),
    st.tuples(st.integers(), _text), st.sampled_from([float("inf"), float("nan")]),
)
_odd = st.recursive(
    _odd_leaf,
    lambda inner: st.lists(inner, max_size=3)
    | st.dictionaries(st.one_of(_text, st.integers(min_value=0, max_value=20)), inner,
                      max_size=3),
    max_leaves=10,
)


def _change(payload: dict[str, Any], base: dict[str, Any] | None, base_seq: int | None,
            author: str, local_time: str, op: str) -> ChangeIn:
    return ChangeIn(
        id=str(uuid.uuid4()), record_id=str(uuid.uuid4()), kind="session", op=op,  # type: ignore[arg-type]
        payload=payload, author=author[:64], local_time=local_time[:40], base_seq=base_seq,
        base=base,
    )


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
@given(
    payload=st.dictionaries(_text, _json, max_size=8),
    base=st.none() | st.dictionaries(_text, _json, max_size=4),
    base_seq=st.none() | st.integers(min_value=0, max_value=2**40),
    author=_text, local_time=_text, op=st.sampled_from(["put", "finalise"]),
)
def test_canonical_change_is_byte_identical_for_json_payloads(
    payload: dict[str, Any], base: dict[str, Any] | None, base_seq: int | None, author: str,
    local_time: str, op: str,
) -> None:
    change = _change(payload, base, base_seq, author, local_time, op)
    assert canonical_change(change) == reference_canonical(change)
    # ... and the same once the change went over the wire and was parsed back.
    again = ChangeIn.model_validate_json(change.model_dump_json())
    assert canonical_change(again) == reference_canonical(change)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(payload=st.dictionaries(_text, _odd, max_size=5))
def test_canonical_change_is_byte_identical_for_python_valued_payloads(
    payload: dict[str, Any],
) -> None:
    change = _change(payload, None, None, "author", "2026-01-01T00:00:00+00:00", "put")
    try:
        expected = reference_canonical(change)
    except (TypeError, ValueError) as exc:  # the definition itself refuses it: so must we
        try:
            canonical_change(change)
        except type(exc):
            return
        raise AssertionError("canonical_change accepted what the definition refuses") from None
    assert canonical_change(change) == expected


#: Text with the characters JSON writers disagree about most: controls, quotes, backslashes,
#: U+2028/2029, DEL, astral characters (key order by code point), and anything else.
_tricky_text = st.text(
    alphabet=st.one_of(
        st.sampled_from(list('\x00\x01\x08\t\n\x0b\x0c\r\x1f"\\/\x7f\u2028\u2029\ufeff')),
        st.sampled_from(["\U0001f600", "\uffff", "\ue000", "é", "ß", "中"]),
        st.characters(exclude_categories=["Cs"]),
    ),
    max_size=30,
)
_fast_leaf = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-(2**63), max_value=2**63 - 1), _tricky_text,
)
_fast_json = st.recursive(
    _fast_leaf,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_tricky_text, inner, max_size=4),
    max_leaves=20,
)


@settings(max_examples=500, suppress_health_check=[HealthCheck.too_slow])
@given(
    payload=st.dictionaries(_tricky_text, _fast_json, max_size=8),
    base=st.none() | st.dictionaries(_tricky_text, _fast_json, max_size=4),
    author=_tricky_text, local_time=_tricky_text,
)
def test_canonical_change_fast_path_is_byte_identical_for_text_heavy_payloads(
    payload: dict[str, Any], base: dict[str, Any] | None, author: str, local_time: str,
) -> None:
    # No floats and 64-bit integers only: the path that writes with orjson.
    change = _change(payload, base, 7 if base else None, author, local_time, "put")
    assert canonical_change(change) == reference_canonical(change)
    again = ChangeIn.model_validate_json(change.model_dump_json())
    assert canonical_change(again) == reference_canonical(change)


def test_canonical_change_with_a_lone_surrogate_behaves_as_the_definition() -> None:
    change = _change({"notes": "\ud800"}, None, None, "author", "t", "put")
    try:
        reference_canonical(change)
    except UnicodeEncodeError:
        try:
            canonical_change(change)
        except UnicodeEncodeError:
            return
        raise AssertionError("canonical_change accepted a lone surrogate") from None
    raise AssertionError("the definition was expected to refuse a lone surrogate")


def test_chain_heads_unchanged_for_a_known_change() -> None:
    # A fixed change and the head protocol version 1 gives it (computed with the definition).
    change = ChangeIn(
        id="0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b", record_id="r1", kind="session",
        op="finalise", payload={"id": "r1", "notes": "café ünïcode", "n": 3, "x": [1.5, None]},
        author="u1", local_time="2026-01-01T00:00:00+00:00",
    )
    import hashlib

    expected = hashlib.sha256(bytes.fromhex("0" * 64) + reference_canonical(change)).hexdigest()
    assert chain_heads("0" * 64, [change]) == [expected]


# ------------------------------------------------------------------------------ records
def _reference_from_dict(cls: type[Any], data: object) -> Any:
    """``from_dict`` as the generic loader defines it (before the per-class plans)."""
    problems: list[Problem] = []
    fields = {f.name: f for f in dataclasses.fields(cls)}
    hints = _field_hints(cls)
    kwargs: dict[str, Any] = {}
    assert isinstance(data, dict)
    for key in data:
        if key not in fields:
            problems.append(Problem(str(key), f"is not a field of {cls.KIND}"))
    for name, field in fields.items():
        if name not in data:
            if field.default is dataclasses.MISSING and (
                field.default_factory is dataclasses.MISSING
            ):
                problems.append(Problem(name, "is required"))
            continue
        kwargs[name] = _load(hints[name], data[name], name, problems)
    if problems:
        raise ValidationError(problems)
    return cls(**kwargs)


def _reference_to_dict(record: Any) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for name, hint in _field_hints(type(record)).items():
        value = getattr(record, name)
        if _pair_key_type(hint) is not None:
            result[name] = {str(_dump(k)): v for k, v in value}
        else:
            result[name] = _dump(value)
    return result


_field_value = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-5, max_value=700), _text,
    st.sampled_from([
        "2026-01-05T16:00:00+00:00", "2026-01-05", "not a date", "one_to_one", "cafe",
        "young_person", "yes", "initial", "open", "accepted", "police", "safe", "duress",
        "app", "extend",
    ]),
    st.lists(st.sampled_from(["a", "b", 1]), max_size=2),
    st.dictionaries(st.sampled_from(["q1", "q2"]), st.integers(0, 3) | _text, max_size=2),
    st.just(date(2026, 1, 5)), st.just(datetime(2026, 1, 5, tzinfo=UTC)),
)


@settings(max_examples=600, suppress_health_check=[HealthCheck.too_slow])
@given(kind=st.sampled_from(sorted(RECORD_TYPES)), data=st.data())
def test_from_dict_matches_the_generic_loader(kind: str, data: st.DataObject) -> None:
    cls = RECORD_TYPES[kind]
    names = [f.name for f in dataclasses.fields(cls)]  # type: ignore[arg-type]
    chosen = data.draw(st.lists(st.sampled_from([*names, "extra_field"]), unique=True))
    payload = {name: data.draw(_field_value) for name in chosen}
    try:
        expected = _reference_from_dict(cls, payload)
    except ValidationError as exc:
        try:
            cls.from_dict(payload)
        except ValidationError as got:
            assert got.problems == exc.problems
            assert str(got) == str(exc)
            return
        raise AssertionError("from_dict accepted what the generic loader refuses") from None
    loaded = cls.from_dict(payload)
    assert loaded == expected
    assert json.dumps(loaded.to_dict()) == json.dumps(_reference_to_dict(expected))
    assert [type(v) for v in loaded.to_dict().values()] == [
        type(v) for v in _reference_to_dict(expected).values()
    ]


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(
    payloads=st.lists(st.dictionaries(_text, _json, max_size=6), min_size=1, max_size=4),
    epoch=_text,
)
def test_a_body_made_from_the_chained_bytes_is_the_request_the_hub_parses(
    payloads: list[dict[str, Any]], epoch: str,
) -> None:
    """``PushRequest.from_wires`` joins each change's canonical bytes instead of serialising
    the changes again: the hub must read exactly the request ``model_dump_json`` describes."""
    from spokeapp.sync.protocol import ChainProof, PushRequest

    changes = [_change(p, None, None, "u-test", "2026-01-01T00:00:00+00:00", "finalise")
               for p in payloads]
    chain = ChainProof(prev_head="0" * 64, head="1" * 64, signature="s" * 88)
    request = PushRequest.from_wires(epoch[:64], changes, [canonical_change(c)
                                                           for c in changes], chain)
    parsed = PushRequest.model_validate_json(request.body())
    assert parsed == PushRequest(hub_epoch=epoch[:64], changes=changes, chain=chain)
    assert json.loads(request.body()) == json.loads(parsed.model_dump_json())
    # A re-send from the text written down is the same bytes, not a re-serialisation.
    assert PushRequest.from_body(request.body().decode()).body() == request.body()
