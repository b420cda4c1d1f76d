"""The passphrase strength meter's judgement (spokeapp.present.passphrase)."""

from __future__ import annotations

from spokeapp.present.passphrase import (
    MIN_PASSPHRASE_LENGTH,
    Strength,
    passphrase_problem,
    passphrase_strength,
)


def test_too_short_is_refused_with_the_count() -> None:
    short = "a" * (MIN_PASSPHRASE_LENGTH - 1)
    assert passphrase_strength(short) is Strength.TOO_SHORT
    problem = passphrase_problem(short, short)
    assert problem is not None and f"(it has {len(short)})" in problem


def test_common_or_repetitive_passwords_are_weak() -> None:
    assert passphrase_strength("password12345678") is Strength.WEAK
    assert passphrase_strength("abababababababab") is Strength.WEAK
    assert "easy to guess" in (passphrase_problem("qwertyqwerty123", "qwertyqwerty123") or "")


def test_several_unrelated_words_are_strong() -> None:
    words = "Lantern orbit Pebble-9 marmalade"
    assert passphrase_strength(words) is Strength.STRONG
    assert Strength.STRONG.label == "Strong"
    assert passphrase_problem(words, words) is None


def test_the_two_boxes_must_match() -> None:
    words = "Lantern orbit Pebble-9 marmalade"
    assert "not the same" in (passphrase_problem(words, words + "x") or "")
