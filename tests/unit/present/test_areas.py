"""A case's area without Qt (``spokeapp.present.areas``): the hub's list as last synced, and
the words under the box for each case (no list yet, an empty list, a list). All data is
fictional."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from spokeapp.crypto.keyfile import FAST_KDF_FOR_TESTS
from spokeapp.domain.areas import Area
from spokeapp.present.areas import list_hint, stored_areas
from spokeapp.store.areas import save_areas
from spokeapp.store.casebook import Casebook

AREAS = [Area("Example Shire", ("EX1", "EX2")), Area("Sample City", ("SC1",))]


@pytest.fixture
def book(tmp_path: Path) -> Iterator[Casebook]:
    casebook, _recovery = Casebook.create(
        tmp_path / "profile", "kettle orbit lemon march", kdf=FAST_KDF_FOR_TESTS
    )
    with casebook:
        yield casebook


def test_the_list_as_last_synced(book: Casebook) -> None:
    assert stored_areas(book) is None  # never synced
    save_areas(book, [])
    assert stored_areas(book) == []
    save_areas(book, AREAS)
    assert stored_areas(book) == AREAS


def test_the_words_under_the_box() -> None:
    assert list_hint(None).startswith("No list of areas on this laptop yet")
    assert list_hint([]).startswith("Your hub lists no areas yet")
    assert list_hint(AREAS).startswith("From your hub's list")
