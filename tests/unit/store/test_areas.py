"""The hub's local authority areas as a laptop keeps them in its casebook."""

from __future__ import annotations

from pathlib import Path

from spokeapp.domain.areas import Area
from spokeapp.store.areas import AREAS_SETTING, load_areas, save_areas
from tests.helpers.records import new_casebook


def test_the_list_is_kept_inside_the_casebook_and_none_means_never_had_one(
        tmp_path: Path) -> None:
    book, _ = new_casebook(tmp_path / "profile")
    with book:
        assert load_areas(book) is None
        save_areas(book, [])
        assert load_areas(book) == []
        areas = [Area("Example Shire", ("EX1", "EX2")), Area("Sample City", ("SC1",))]
        save_areas(book, areas)
        assert load_areas(book) == areas
        assert "Example Shire" in (book.setting(AREAS_SETTING) or "")
