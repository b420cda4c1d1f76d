"""The pull's scope guesses (docs/sync.md, "Speed"): one object per app, bounded."""

from __future__ import annotations

from spokeapp.hub.pull import ScopeGuesses
from spokeapp.hub.scope import Actor


def _actor(n: int) -> Actor:
    return Actor(user_id=f"u-{n}", role="worker", team="north")


def test_a_guess_is_what_the_last_pull_found() -> None:
    guesses = ScopeGuesses()
    assert guesses.get("d-1") is None
    guesses.remember("d-1", _actor(1))
    guesses.remember("d-1", _actor(2))
    assert guesses.get("d-1") == _actor(2)


def test_guesses_are_bounded_and_each_app_has_its_own() -> None:
    guesses, other = ScopeGuesses(limit=3), ScopeGuesses(limit=3)
    for n in range(3):
        guesses.remember(f"d-{n}", _actor(n))
    assert len(guesses) == 3
    guesses.remember("d-9", _actor(9))  # full: emptied first
    assert len(guesses) == 1 and guesses.get("d-0") is None and guesses.get("d-9") == _actor(9)
    assert len(other) == 0
