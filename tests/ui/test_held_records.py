"""The way out for a record the hub will never take, against a real hub on loopback: a note
finalised by an older Spoke, larger than the hub's limit, is held back; the worker sees it in
words, splits it into the note and amendments, and all of it reaches the hub. The hub logs why
it refused (ids, kind, size, rule), never the words."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from spokeapp.crypto.keyfile import FAST_KDF_FOR_TESTS
from spokeapp.domain.records import checks
from spokeapp.domain.records.checks import MAX_RECORD_BYTES, record_bytes
from spokeapp.present.held import SPLIT_REASON
from spokeapp.store.casebook import Casebook
from spokeapp.sync.engine import SyncEngine
from spokeapp.ui.sync_bridge import SyncBridge
from spokeapp.ui.tasks import TaskRunner
from spokeapp.ui.views.held_records import HeldRecordsView
from spokeapp.ui.views.sync_panel import SyncPanel
from tests.helpers.hub import RunningHub, running_hub, sqlite_url
from tests.helpers.records import session
from tests.helpers.sync_world import open_case

PASSPHRASE = "kettle orbit lemon march"
WORDS = "Fictional paragraph about a long and careful conversation in the car.\n\n"


@pytest.fixture
def hub(tmp_path: Path) -> Iterator[RunningHub]:
    with running_hub(sqlite_url(tmp_path / "hub")) as running:
        yield running


@pytest.fixture
def world(tmp_path: Path, hub: RunningHub) -> Iterator[tuple[Casebook, SyncEngine, str]]:
    book, _ = Casebook.create(tmp_path / "laptop", PASSPHRASE, kdf=FAST_KDF_FOR_TESTS)
    worker = hub.admin.add_user("Test Worker", "worker", "Team X")
    engine = SyncEngine(book)
    engine.enrol(hub.base_url, hub.admin.enrolment_code(worker), "Test laptop")
    yield book, engine, worker
    if book.is_open:
        book.close()


def _old_version_note(book: Casebook, case_id: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """A note finalised by a Spoke without the size rule: 307 KB, over the hub's limit."""
    text = WORDS * 4_300
    with monkeypatch.context() as old:
        old.setattr(checks, "size_problem", lambda _record: None)
        note = session(case_id, discussed=text)
        book.save(note, finalise=True)
    assert record_bytes(note.to_dict()) > MAX_RECORD_BYTES
    return note.id


def test_a_held_note_is_split_into_amendments_and_all_of_it_reaches_the_hub(
    qtbot: Any, hub: RunningHub, world: tuple[Casebook, SyncEngine, str],
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture,
) -> None:
    book, engine, worker = world
    cs = open_case(book, worker, 1)
    note_id = _old_version_note(book, cs.id, monkeypatch)
    original = book.get(note_id).record.discussed  # type: ignore[attr-defined]

    with caplog.at_level(logging.WARNING, logger="spokeapp.hub"):
        report = engine.sync_once()
    assert report.held == 1 and report.accepted == 3
    refusals = [r.getMessage() for r in caplog.records if "push refused" in r.getMessage()]
    assert refusals and note_id in refusals[0] and "session" in refusals[0]
    assert "over the record limit of 262144" in refusals[0]
    assert all("Fictional paragraph" not in r.getMessage() for r in caplog.records)

    # The Sync page says so and offers the way out.
    bridge = SyncBridge(engine)
    panel = SyncPanel(book, bridge)
    qtbot.addWidget(panel)
    panel.show()
    panel.show_status(bridge.status())
    assert panel.held.text() == "1 record the hub would not take, kept safe on this laptop"
    assert panel.held_button.isVisible()
    with qtbot.waitSignal(panel.show_held, timeout=2000):
        qtbot.mouseClick(panel.held_button, Qt.MouseButton.LeftButton)

    tasks = TaskRunner()
    view = HeldRecordsView(book, engine.store, tasks)
    qtbot.addWidget(view)
    view.show()
    qtbot.waitUntil(lambda: view.model.rowCount() == 1, timeout=5000)
    line = view.lines[0]
    assert (line.what, line.case) == ("Session: One-to-one", "YP-TEST-01")
    assert line.why.startswith("too large for the hub: ")
    assert line.why.endswith("KB (the hub takes 256 KB)")
    assert view.split_button.isEnabled() and not view.again_button.isEnabled()
    # The advice under the table is shown whole (it was drawn clipped under the table).
    view.resize(660, 336)
    qtbot.waitUntil(lambda: view.help.text() != "", timeout=2000)
    assert view.help.height() >= view.help.heightForWidth(view.help.width())

    with qtbot.waitSignal(view.changed, timeout=5000):
        qtbot.mouseClick(view.split_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.message.isVisible(), timeout=5000)
    assert view.message.text().startswith("Split: the first part goes as the note itself, "
                                          "the rest as 1 amendment of it.")
    assert view.model.rowCount() == 0
    assert "Nothing is held back" in view.help.text()

    report = engine.sync_once()
    assert report.held == 0 and report.accepted == 2
    assert engine.store.held() == []

    reader = hub.laptop(worker, "Second laptop")
    try:
        changes = reader.pull_all()
    finally:
        reader.close()
    sent = next(c for c in changes if c["record_id"] == note_id)
    amendments = [c["payload"] for c in changes if c["kind"] == "amendment"]
    assert [a["amends_id"] for a in amendments] == [note_id]
    assert amendments[0]["reason"] == SPLIT_REASON
    assert sent["payload"]["discussed"] + amendments[0]["text"] == original, "every word, once"
    assert sent["payload"]["discussed"].endswith("\n\n"), "cut between paragraphs"


def test_send_again_releases_a_corrected_record(
    qtbot: Any, world: tuple[Casebook, SyncEngine, str]
) -> None:
    book, engine, worker = world
    cs = open_case(book, worker, 2)
    # The hub refused the case header (as it would an invalid one); held, kept here.
    seqs = [c.seq for c in book.changes() if c.record_id == cs.id]
    engine.store.hold_changes(seqs, "rejected")
    assert engine.sync_once().held == 0 and len(engine.store.held()) == 1

    view = HeldRecordsView(book, engine.store, TaskRunner())
    qtbot.addWidget(view)
    view.show()
    qtbot.waitUntil(lambda: view.model.rowCount() == 1, timeout=5000)
    assert view.lines[0].why == "the hub found something it could not accept"
    assert "Correct the record in its own form" in view.help.text()
    assert view.again_button.isEnabled() and not view.split_button.isEnabled()
    with qtbot.waitSignal(view.changed, timeout=5000):
        qtbot.mouseClick(view.again_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.model.rowCount() == 0, timeout=5000)
    assert "sent again at the next sync" in view.message.text()
    assert engine.sync_once().accepted == 1
    assert engine.store.held() == []
