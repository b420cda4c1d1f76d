"""The Spoke version a hub's administrator approves, through a real hub (SQLite and PostgreSQL):
``spoke-hub release``, ``GET /v1/version``, the sync engine keeping the answer in the casebook
and the notice Settings shows from it. The laptop asks only its own hub."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from spokeapp.hub import cli
from spokeapp.hub.models import AuditEntry
from spokeapp.present.release import update_notice
from spokeapp.sync.engine import RELEASE_SETTING, SyncEngine
from tests.helpers.hub import RunningHub
from tests.helpers.records import new_casebook


def _cli(hub: RunningHub, *args: str) -> int:
    return cli.main([*args, "--database", hub.database_url])


def test_the_administrator_approves_and_withdraws_a_release_with_spoke_hub(
        hub: RunningHub, capsys: pytest.CaptureFixture[str]) -> None:
    assert _cli(hub, "release", "show") == 0
    assert "No release approved" in capsys.readouterr().out
    for bad in (["0.2.0-beta"], ["2"], ["0.2.0", "--url", "http://example.invalid/spoke"],
                ["0.2.0", "--url", "https://user:secret@example.invalid/"]):
        assert _cli(hub, "release", "approve", *bad) == 2
        capsys.readouterr()
    assert _cli(hub, "release", "show") == 0
    assert "No release approved" in capsys.readouterr().out, "a refused approval changes nothing"

    assert _cli(hub, "release", "approve", "0.2.0", "--url",
                "https://it.example.invalid/spoke") == 0
    assert "Approved Spoke 0.2.0 from https://it.example.invalid/spoke" in capsys.readouterr().out
    assert _cli(hub, "release", "show") == 0
    assert "Approved: Spoke 0.2.0" in capsys.readouterr().out
    assert _cli(hub, "release", "withdraw") == 0
    assert _cli(hub, "release", "withdraw") == 0
    assert "nothing changed" in capsys.readouterr().out
    with Session(hub.engine) as session:
        actions = session.scalars(select(AuditEntry.action).where(
            AuditEntry.action.like("release_%")).order_by(AuditEntry.id)).all()
    assert actions == ["release_approve", "release_withdraw"]


def test_a_laptop_learns_the_approved_release_from_its_own_hub_at_sync(
        hub: RunningHub, tmp_path: Path) -> None:
    worker = hub.admin.add_user("Test Worker A", "worker", "north")
    laptop = hub.laptop(worker)
    assert laptop.http.get("/v1/version").status_code == 401  # not without a token
    nothing = laptop.http.get("/v1/version", headers=laptop.auth)
    assert nothing.status_code == 200 and nothing.json() == {"version": None, "url": None}
    laptop.close()

    book, _ = new_casebook(tmp_path / "laptop", author=worker)
    try:
        engine = SyncEngine(book)
        engine.enrol(hub.base_url, hub.admin.enrolment_code(worker), "Test laptop")
        assert engine.sync_once().ok
        assert book.setting(RELEASE_SETTING) == ""
        assert update_notice(book.setting(RELEASE_SETTING), "0.1.0") is None

        assert _cli(hub, "release", "approve", "99.0", "--url",
                    "https://it.example.invalid/spoke") == 0
        assert engine.sync_once().ok
        stored = book.setting(RELEASE_SETTING)
        assert json.loads(stored or "{}") == {"version": "99.0",
                                              "url": "https://it.example.invalid/spoke"}
        notice = update_notice(stored, "0.1.0")
        assert notice is not None and "Spoke 99.0" in notice
        assert "https://it.example.invalid/spoke" in notice

        # The running version approved (or an older one): no notice.
        assert _cli(hub, "release", "approve", "0.0.1") == 0
        assert engine.sync_once().ok
        assert update_notice(book.setting(RELEASE_SETTING), "0.1.0") is None

        assert _cli(hub, "release", "withdraw") == 0
        assert engine.sync_once().ok
        assert book.setting(RELEASE_SETTING) == ""
    finally:
        book.close()
