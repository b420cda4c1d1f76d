"""Local authority areas: postcode districts, the suggestion, the list as a laptop keeps it."""

from __future__ import annotations

import pytest

from spokeapp.domain.areas import (
    Area,
    areas_from_json,
    areas_to_json,
    normalise_area_name,
    normalise_districts,
    postcode_district,
    suggest_area,
)
from spokeapp.domain.errors import ValidationError

AREAS = [Area("Example Shire", ("EX1", "EX2")), Area("Sample City", ("SC1", "EX2")),
         Area("Test Borough", ("SW1A",))]


@pytest.mark.parametrize(("typed", "district"), [
    ("EX1", "EX1"), (" ex1 ", "EX1"), ("EX1 1AA", "EX1"), ("ex11aa", "EX1"),
    ("SW1A 1AA", "SW1A"), ("sw1a", "SW1A"), ("M1", "M1"), ("", None), ("Exeter", None),
    ("EX1 1A", None), ("1EX", None),
])
def test_the_postcode_district_is_the_outward_code(typed: str, district: str | None) -> None:
    assert postcode_district(typed) == district


def test_a_district_suggests_the_one_area_that_lists_it() -> None:
    assert suggest_area(AREAS, "ex1 4zz") == AREAS[0]
    assert suggest_area(AREAS, "SW1A") == AREAS[2]
    assert suggest_area(AREAS, "EX2") is None  # two areas list it: the worker picks
    assert suggest_area(AREAS, "ZZ9") is None
    assert suggest_area(AREAS, "not a postcode") is None
    assert suggest_area([], "EX1") is None


def test_names_and_districts_are_tidied_and_checked() -> None:
    assert normalise_area_name("  Example   Shire ") == "Example Shire"
    for bad in ("", "   ", "x" * 101, "not known"):
        with pytest.raises(ValidationError):
            normalise_area_name(bad)
    assert normalise_districts(["ex2", " EX1", "", "EX1"]) == ("EX1", "EX2")
    with pytest.raises(ValidationError, match="EX1 1AA"):
        normalise_districts(["EX1 1AA"])  # a full postcode is never kept


def test_the_list_survives_the_round_trip_and_junk_reads_as_empty() -> None:
    assert areas_from_json(areas_to_json(AREAS)) == AREAS
    assert areas_from_json(None) == [] and areas_from_json("") == []
    assert areas_from_json("{not json") == [] and areas_from_json('{"a": 1}') == []
    assert areas_from_json('[{"name": "Sample City", "districts": "SC1"}, 3]') == [
        Area("Sample City")]
