"""The Reports page's choices without Qt (``spokeapp.present.reports``): preset periods follow
calendar quarters and UK financial years, and each saved record counts for the right worker.
All data is fictional."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from spokeapp.crypto.keyfile import FAST_KDF_FOR_TESTS
from spokeapp.present.reports import (
    CUSTOM,
    LAST_QUARTER,
    LAST_YEAR,
    PRESETS,
    THIS_QUARTER,
    THIS_YEAR,
    load_attributed,
    preset_period,
)
from spokeapp.store.casebook import Casebook
from tests.unit.domain.records.factories import case, referral, session, young_person


@pytest.fixture
def book(tmp_path: Path) -> Iterator[Casebook]:
    casebook, _recovery = Casebook.create(
        tmp_path / "profile", "kettle orbit lemon march", kdf=FAST_KDF_FOR_TESTS,
        author="author-1",
    )
    with casebook:
        yield casebook


def test_presets_follow_quarters_and_financial_years() -> None:
    today = date(2026, 2, 10)
    assert preset_period(THIS_QUARTER, today) == preset_period(THIS_QUARTER, date(2026, 1, 1))
    assert (preset_period(LAST_QUARTER, today).start, preset_period(LAST_QUARTER, today).end) == (
        date(2025, 10, 1), date(2025, 12, 31))
    assert (preset_period(THIS_YEAR, today).start, preset_period(THIS_YEAR, today).end) == (
        date(2025, 4, 1), date(2026, 3, 31))
    assert preset_period(LAST_YEAR, today).start == date(2024, 4, 1)
    assert len(PRESETS) == CUSTOM + 1 and PRESETS[CUSTOM] == "Choose dates"


def test_a_cases_records_and_its_referral_count_for_its_key_worker(book: Casebook) -> None:
    book.save(young_person())
    book.save(referral())
    book.save(referral(id="ref-2", source_agency="Fictional School"))  # no case (yet)
    book.save(case(key_worker="worker-1"))
    book.save(session(), finalise=True)
    book.save(session(id="s-draft"))  # a draft counts for nobody
    workers = {item.record.id: item.worker for item in load_attributed(book)}
    assert workers == {
        "yp-1": "author-1", "ref-1": "worker-1", "ref-2": "author-1", "case-1": "worker-1",
        "s-1": "worker-1",
    }
