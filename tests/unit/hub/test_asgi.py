"""The pull's query, defined once (``PULL_QUERY``): the checks both SyncRoutes and the declared
route answer with, and the parameters the OpenAPI document declares."""

from __future__ import annotations

import pytest
from fastapi.exceptions import RequestValidationError

from spokeapp.hub.asgi import AFTER, LIMIT, PULL_QUERY, pull_params, pull_query
from spokeapp.sync.protocol import DEFAULT_PULL_LIMIT, MAX_PULL_LIMIT, MAX_SEQ, OwnWindow


def test_defaults_and_last_value_wins() -> None:
    assert pull_query(b"") == (0, DEFAULT_PULL_LIMIT)
    assert pull_query(b"after=3&limit=1") == (3, 1)
    assert pull_query(b"after=2&after=7") == (7, DEFAULT_PULL_LIMIT)


@pytest.mark.parametrize(("query", "errors"), [
    (b"after=-1", [("greater_than_equal", "after")]),
    (f"after={MAX_SEQ + 1}".encode(), [("less_than_equal", "after")]),
    (b"limit=0", [("greater_than_equal", "limit")]),
    (f"limit={MAX_PULL_LIMIT + 1}".encode(), [("less_than_equal", "limit")]),
    (b"after=abc&limit=1.5", [("int_parsing", "after"), ("int_parsing", "limit")]),
])
def test_out_of_bounds_names_the_parameter_and_rule(query: bytes,
                                                    errors: list[tuple[str, str]]) -> None:
    with pytest.raises(RequestValidationError) as caught:
        pull_query(query)
    assert [(e["type"], e["loc"][-1]) for e in caught.value.errors()] == errors


def test_the_declared_parameters_use_the_same_bounds() -> None:
    assert PULL_QUERY == (AFTER, LIMIT)
    for number in PULL_QUERY:
        declared = number.declared()
        bounds = {type(m).__name__: m for m in declared.metadata}
        assert bounds["Ge"].ge == number.low and bounds["Le"].le == number.high


def test_the_own_records_window_is_optional_and_checked() -> None:
    """Issue 18 (docs/sync.md, "Own records are not pulled back"): an older laptop sends no
    window; a newer one sends both ends."""
    assert pull_params(b"after=3") == (3, DEFAULT_PULL_LIMIT, None)
    assert pull_params(b"after=3&own_from=4&own_to=9") == (
        3, DEFAULT_PULL_LIMIT, OwnWindow(4, 9, whole=False))
    assert pull_params(b"own_from=4&own_to=4") == (0, DEFAULT_PULL_LIMIT, OwnWindow(4, 4))
    # A window with no gap (every seq in it one of the laptop's events): left out by seq.
    assert pull_params(b"own_from=4&own_to=9&own_whole=1")[2] == OwnWindow(4, 9, whole=True)
    assert pull_params(b"own_from=4&own_to=9&own_whole=0")[2] == OwnWindow(4, 9, whole=False)


@pytest.mark.parametrize(("query", "errors"), [
    (b"own_from=4", [("missing", "own_to")]),
    (b"own_to=4", [("missing", "own_from")]),
    (b"own_from=5&own_to=4", [("less_than_equal", "own_from")]),
    (b"own_from=0&own_to=4", [("greater_than_equal", "own_from")]),
    (f"own_from=1&own_to={MAX_SEQ + 1}".encode(), [("less_than_equal", "own_to")]),
    (b"after=-1&own_from=x&own_to=1", [("greater_than_equal", "after"),
                                       ("int_parsing", "own_from")]),
    (b"own_whole=1", [("missing", "own_from"), ("missing", "own_to")]),
    (b"own_to=4&own_whole=0", [("missing", "own_from")]),
    (b"own_from=1&own_to=4&own_whole=2", [("less_than_equal", "own_whole")]),
    (b"own_from=1&own_to=4&own_whole=yes", [("int_parsing", "own_whole")]),
])
def test_a_bad_window_names_the_parameter_and_rule(query: bytes,
                                                   errors: list[tuple[str, str]]) -> None:
    with pytest.raises(RequestValidationError) as caught:
        pull_params(query)
    assert [(e["type"], e["loc"][-1]) for e in caught.value.errors()] == errors
