"""UK rules: postcodes and phone numbers (more cases in tests/unit/domain/test_lone_working.py)."""

from __future__ import annotations

import pytest

from spokeapp.domain.records import (
    is_uk_mobile,
    is_uk_postcode,
    normalise_phone_number,
    normalise_postcode,
)


def test_the_one_irregular_postcode_is_accepted() -> None:
    assert normalise_postcode("gir0aa") == "GIR 0AA"
    assert is_uk_postcode("GIR 0AA")


@pytest.mark.parametrize(
    ("text", "mobile"),
    [("07700 900123", True), ("020 7946 0018", False), ("+33 6 12 34 56 78", False)],
)
def test_a_uk_mobile_is_told_from_other_numbers(text: str, mobile: bool) -> None:
    e164 = normalise_phone_number(text)
    assert e164 is not None
    assert is_uk_mobile(e164) is mobile
