"""The Referrals page as a worker finds it on their first day: no referral yet, so nothing to
open, and the way to take one in."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from spokeapp.crypto.keyfile import FAST_KDF_FOR_TESTS
from spokeapp.domain.ids import new_id
from spokeapp.domain.records import Referral, ReferralDecision, SourceType, YoungPerson
from spokeapp.store.casebook import Casebook
from spokeapp.ui.tasks import TaskRunner
from spokeapp.ui.views.referral import ReferralsPage

from .conftest import PASSPHRASE


@pytest.fixture
def book(tmp_path: Path) -> Iterator[Casebook]:
    casebook, _key = Casebook.create(tmp_path / "profile", PASSPHRASE, kdf=FAST_KDF_FOR_TESTS)
    with casebook:
        yield casebook


def test_open_and_decide_is_only_offered_with_a_referral_to_open(
    qtbot: Any, book: Casebook
) -> None:
    """With no referral yet "Open and decide (Enter)" could be pressed and did nothing."""
    tasks = TaskRunner()
    page = ReferralsPage(book, tasks, today=lambda: date(2026, 3, 3))
    qtbot.addWidget(page)
    page.show()
    page.refresh()
    qtbot.waitUntil(lambda: page._loaded_once, timeout=5000)
    assert page.empty.isVisible()
    assert page.empty.text() == "No referrals yet. Press New referral to take one in."
    assert not page.open_button.isEnabled()
    assert page.new_button.isEnabled()

    person = YoungPerson(id=new_id(), reference="YP-TEST-01", name="Test Person Alpha",
                         date_of_birth=date(2011, 6, 10))
    book.save(person)
    book.save(Referral(id=new_id(), young_person_id=person.id, received_on=date(2026, 3, 2),
                       source_agency="Demo Academy", source_type=SourceType.EDUCATION,
                       reason="Fictional reason.", decision=ReferralDecision.PENDING))
    page.refresh()
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=5000)
    assert page.open_button.isEnabled(), "the referral taken in is selected, ready to open"
    with qtbot.waitSignal(page.open_referral, timeout=2000):
        page.open_button.click()
    tasks.wait()
