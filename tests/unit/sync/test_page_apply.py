"""A pulled page and the cursor move together: a crash mid-page leaves no half page."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from spokeapp.crypto.device_keys import DeviceKey
from spokeapp.store.casebook import Casebook
from spokeapp.store.sync_state import HubAccount, PulledRecord, SyncStore
from spokeapp.sync.protocol import GENESIS_HEAD
from tests.helpers.records import PASSPHRASE, case, new_casebook, session, young_person

ROOT = Path(__file__).resolve().parents[3]


def _enrolled(profile: Path) -> tuple[Casebook, SyncStore]:
    book, _ = new_casebook(profile)
    store = SyncStore(book)
    store.save_enrolment(
        HubAccount(
            hub_url="http://127.0.0.1:8470", cert_fingerprint=None, hub_id="hub", hub_epoch="e1",
            device_id="dev-1", device_name="Test laptop", user_id="u-1", user_name="Test Worker",
            role="worker", team=None, refresh_token="r" * 32,
            device_key=DeviceKey.generate().private_bytes(), chain_head=GENESIS_HEAD,
            enrolled_at="2026-03-02T09:00:00+00:00",
        )
    )
    return book, store


def _page(n: int) -> list[PulledRecord]:
    yp = young_person(1)
    cs = case(yp, key_worker="u-1")
    rows = [
        PulledRecord(1, yp.id, "young_person", "put", cs.id, yp.to_dict(), "u-1"),
        PulledRecord(2, cs.id, "case", "put", cs.id, cs.to_dict(), "u-1"),
    ]
    for i in range(n):
        s = session(cs.id, discussed=f"Fictional session {i}.")
        rows.append(PulledRecord(3 + i, s.id, "session", "finalise", cs.id, s.to_dict(), "u-1"))
    return rows


def test_a_page_is_applied_with_its_cursor(tmp_path: Path) -> None:
    book, store = _enrolled(tmp_path / "laptop")
    with book:
        result = store.apply_page(0, 7, _page(5))
        assert result.applied == 7 and book.count() == 7
        account = store.account()
        assert account is not None and account.cursor == 7
        assert book.changes() == []  # nothing pulled is queued to go back


def test_an_error_mid_page_keeps_neither_records_nor_cursor(tmp_path: Path) -> None:
    book, store = _enrolled(tmp_path / "laptop")

    def fail_at_third(done: int) -> None:
        if done == 3:
            raise RuntimeError("simulated crash mid-page")

    with book:
        with pytest.raises(RuntimeError):
            store.apply_page(0, 7, _page(5), progress=fail_at_third)
        account = store.account()
        assert account is not None and account.cursor == 0
        assert book.count() == 0 and book.search_notes("Fictional") == []
        # The same page applies cleanly on the next try.
        assert store.apply_page(0, 7, _page(5)).applied == 7


def test_a_killed_process_mid_page_leaves_the_cursor_and_records_untouched(
    tmp_path: Path,
) -> None:
    profile = tmp_path / "laptop"
    book, _ = _enrolled(profile)
    book.close()
    script = textwrap.dedent(f"""
        import os, sys
        sys.path.insert(0, {str(ROOT)!r})
        from pathlib import Path
        from spokeapp.store.casebook import Casebook
        from spokeapp.store.sync_state import SyncStore
        from tests.unit.sync.test_page_apply import _page
        book = Casebook.open(Path({str(profile)!r}), {PASSPHRASE!r})
        def die(done):
            if done == 4:
                os._exit(9)  # no cleanup, no rollback: like pulling the plug
        SyncStore(book).apply_page(0, 7, _page(5), progress=die)
    """)
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, timeout=120)
    assert result.returncode == 9, result.stderr.decode()
    with Casebook.open(profile, PASSPHRASE) as reopened:
        account = SyncStore(reopened).account()
        assert account is not None and account.cursor == 0
        assert reopened.count() == 0 and reopened.integrity_ok()


def test_a_page_for_a_stale_cursor_is_refused(tmp_path: Path) -> None:
    book, store = _enrolled(tmp_path / "laptop")
    with book:
        store.apply_page(0, 7, _page(5))
        with pytest.raises(Exception, match="cursor moved"):
            store.apply_page(0, 7, _page(5))
