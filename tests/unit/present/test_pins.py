"""The check-in and duress PINs without Qt (``spokeapp.present.pins``): the rules for a new PIN,
what a PIN typed at check-in means, and that only salted hashes are stored. All data is
fictional."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from spokeapp.crypto.keyfile import FAST_KDF_FOR_TESTS
from spokeapp.present.pins import (
    CHECK_IN_PIN_SETTING,
    DURESS_PIN_SETTING,
    PinResult,
    check_pin,
    hash_pin,
    pin_matches,
    pin_problem,
    pins_set_up,
    remove_pins,
    save_pins,
)
from spokeapp.store.casebook import Casebook


@pytest.fixture
def book(tmp_path: Path) -> Iterator[Casebook]:
    casebook, _recovery = Casebook.create(
        tmp_path / "profile", "kettle orbit lemon march", kdf=FAST_KDF_FOR_TESTS
    )
    with casebook:
        yield casebook


def test_a_new_pin_is_4_to_12_digits() -> None:
    assert pin_problem("") == "Type a PIN."
    assert pin_problem("12a4") == "A PIN is digits only."
    assert pin_problem("١٢٣٤") == "A PIN is digits only."  # digits, but not ASCII ones
    assert pin_problem("123") == "A PIN has 4 to 12 digits."
    assert pin_problem("1" * 13) == "A PIN has 4 to 12 digits."
    assert pin_problem("2468") is None and pin_problem("1" * 12) is None


def test_a_hash_is_salted_and_matches_only_its_pin() -> None:
    first, second = hash_pin("2468"), hash_pin("2468")
    assert first != second  # a new salt each time
    scheme, n, r, p, salt, digest = first.split("$")
    assert (scheme, n, r, p) == ("scrypt", "16384", "8", "1")
    assert len(bytes.fromhex(salt)) == 16 and len(bytes.fromhex(digest)) == 32
    assert hash_pin("2468", bytes.fromhex(salt)) == first
    assert pin_matches("2468", first) and pin_matches("2468", second)
    assert not pin_matches("1357", first)
    assert not pin_matches("2468", "not a stored hash")
    assert not pin_matches("2468", first.replace("scrypt$", "md5$", 1))


def test_what_a_pin_typed_at_check_in_means(book: Casebook) -> None:
    assert not pins_set_up(book)
    assert check_pin(book, "2468") is PinResult.NOT_ASKED
    save_pins(book, "2468", "1357")
    assert pins_set_up(book)
    for key, pin in ((CHECK_IN_PIN_SETTING, "2468"), (DURESS_PIN_SETTING, "1357")):
        stored = book.setting(key) or ""  # exactly the salted hash, never the PIN
        assert stored == hash_pin(pin, bytes.fromhex(stored.split("$")[4]))
    assert check_pin(book, "") is PinResult.MISSING
    assert check_pin(book, "2468") is PinResult.CHECK_IN
    assert check_pin(book, "1357") is PinResult.DURESS
    assert check_pin(book, "9999") is PinResult.WRONG
    remove_pins(book)
    assert not pins_set_up(book)
    assert check_pin(book, "1357") is PinResult.NOT_ASKED
