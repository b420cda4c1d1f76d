"""Bodies stored as JSON text come back as the same values, whatever they hold."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from spokeapp.domain.json_text import json_text, json_value

_leaf = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-(2**80), max_value=2**80),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=20),
)
_values = st.recursive(
    _leaf, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner,
                                                                        max_size=4),
    max_leaves=15,
)


@given(_values)
def test_a_stored_body_reads_back_as_the_same_value(value: Any) -> None:
    text = json_text(value)
    assert json.loads(text) == value
    assert json_value(text) == value
    assert json_value(text.encode("utf-8")) == value


def test_integers_beyond_64_bits_read_back_exactly() -> None:
    for number in (2**63, -(2**63) - 1, 2**64, 10**30, -(10**25)):
        assert json_value(json_text({"n": number})) == {"n": number}
        assert type(json_value(json_text([number]))[0]) is int


def test_text_is_compact_and_keeps_letters_and_key_order() -> None:
    assert json_text({"b": "café", "a": [1, None, True]}) == '{"b":"café","a":[1,null,true]}'
    assert json_text({"big": 2**70}) == '{"big":1180591620717411303424}'
