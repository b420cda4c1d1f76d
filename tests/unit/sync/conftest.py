"""The sync engine's unit tests: an enrolled laptop (a new casebook) syncing with a fake hub."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from spokeapp.store.casebook import Casebook
from spokeapp.sync.engine import SyncEngine, SyncEvent
from tests.helpers.records import StepClock, new_casebook
from tests.unit.sync.fake_hub import FakeHub


@pytest.fixture
def hub() -> FakeHub:
    return FakeHub()


@pytest.fixture
def book(tmp_path: Path) -> Iterator[Casebook]:
    casebook, _ = new_casebook(tmp_path / "laptop", clock=StepClock())
    with casebook:
        yield casebook


@pytest.fixture
def events() -> list[SyncEvent]:
    """What the engine reported, in order."""
    return []


@pytest.fixture
def engine(book: Casebook, hub: FakeHub, events: list[SyncEvent]) -> SyncEngine:
    """The laptop's engine, enrolled with ``hub``; its events go to ``events``."""
    eng = SyncEngine(book, hub.client_factory, on_event=events.append)
    eng.enrol("http://127.0.0.1:8470", "TEST-CODE-1234", "Test laptop")
    return eng
