"""``spoke-hub audit`` for the data protection officer, on SQLite and PostgreSQL hubs: who
viewed or changed which case, when, from which device; filters, CSV, unusual access."""

from __future__ import annotations

import csv
import io
import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path

from spokeapp.crypto.keyfile import FAST_KDF_FOR_TESTS
from spokeapp.store.casebook import Casebook
from spokeapp.store.sync_state import SyncStore
from spokeapp.sync.engine import SyncEngine
from tests.helpers.hub import Laptop, RunningHub, run_cli
from tests.helpers.records import case, concern, young_person

HEADER = ["when", "who", "action", "case/subject", "device", "detail", "flagged"]


def _audit(hub: RunningHub, *args: str) -> list[list[str]]:
    """The entries listed (tab-separated columns), the summary line left off."""
    result = run_cli("audit", "--database", hub.database_url, *args)
    assert result.returncode == 0, result.stderr
    return [line.split("\t") for line in result.stdout.splitlines() if "\t" in line]


def _supervisor_views(hub: RunningHub, folder: Path, *case_ids: str) -> tuple[str, str]:
    """A supervisor's real laptop opens ``case_ids`` and syncs; (user id, device id)."""
    sup_id = hub.admin.add_user("Test Supervisor X", "supervisor", "team-x")
    book, _ = Casebook.create(folder, "test passphrase one", kdf=FAST_KDF_FOR_TESTS)
    with book:
        SyncEngine(book).enrol(hub.base_url, hub.admin.enrolment_code(sup_id), "Test laptop")
        for case_id in case_ids:
            book.view_case(case_id)
        report = SyncEngine(book).sync_once()
        assert report.ok, report.error
        account = SyncStore(book).account()
        assert account is not None
        return sup_id, account.device_id


def _worker_pushes(hub: RunningHub) -> tuple[str, Laptop, str]:
    """A worker's laptop pushes a new case and a concern on it; (user id, laptop, case id)."""
    worker = hub.admin.add_user("Test Worker Able", "worker", "team-x")
    laptop = hub.laptop(worker)
    yp = young_person(1)
    cs = case(yp, key_worker=worker)
    laptop.push_records(yp, cs, concern(cs.id))
    return worker, laptop, cs.id


def _post_views(laptop: Laptop, cases: int, spread: timedelta, start_seq: int = 1) -> None:
    start = datetime(2026, 3, 2, 14, 0, tzinfo=UTC)
    step = spread / max(cases - 1, 1)
    views = [{"seq": start_seq + n, "case_id": f"case-test-{n}",
              "at": (start + step * n).isoformat()} for n in range(cases)]
    response = laptop.http.post("/v1/audit/case-views", json={"views": views},
                                headers=laptop.auth)
    assert response.status_code == 200, response.text


def test_views_and_pushes_show_person_case_device_and_time(hub: RunningHub,
                                                           tmp_path: Path) -> None:
    sup_id, sup_device = _supervisor_views(hub, tmp_path / "sup", "case-test-7")
    worker, laptop, case_id = _worker_pushes(hub)

    rows = _audit(hub)
    views = [r for r in rows if r[2] == "case_view"]
    assert [(r[1], r[3], r[4]) for r in views] == [(sup_id, "case-test-7", sup_device)]
    assert "at=" in views[0][5]  # the laptop's time of the view, beside the hub's
    datetime.fromisoformat(views[0][0])
    changes = [r for r in rows if r[2] == "record_change"]
    assert len(changes) == 3  # young person, case, concern: each a change, none copied twice
    assert {(r[1], r[3], r[4]) for r in changes} == {(worker, case_id, laptop.device_id)}
    assert all(r[0].startswith("2026-03-02T09:00") for r in changes)  # the hub's clock
    assert [r[0] for r in rows] == sorted(r[0] for r in rows)  # one listing, in time order
    assert not any(r[-1] == "FLAGGED" for r in rows)


def test_each_filter_narrows_the_listing(hub: RunningHub, tmp_path: Path) -> None:
    sup_id, sup_device = _supervisor_views(hub, tmp_path / "sup", "case-test-7", "case-test-8")
    worker, laptop, case_id = _worker_pushes(hub)
    hub.clock.advance(days=3)
    laptop.refresh()  # the access token has expired meanwhile
    laptop.push_records(concern(case_id))  # on 2026-03-05, by the hub's clock

    assert {r[1] for r in _audit(hub, "--person", sup_id)} == {sup_id}
    assert {r[2] for r in _audit(hub, "--actor", worker)} == {"record_change", "push", "enrol"}
    assert {(r[2], r[3]) for r in _audit(hub, "--case", "case-test-8")} == {
        ("case_view", "case-test-8")}
    assert {r[3] for r in _audit(hub, "--case", case_id)} == {case_id}
    assert len(_audit(hub, "--case", case_id)) == 4
    by_device = _audit(hub, "--device", laptop.device_id)
    assert {r[4] for r in by_device} == {laptop.device_id}
    assert {r[2] for r in by_device} == {"record_change", "push", "enrol"}
    assert {r[4] for r in _audit(hub, "--device", sup_device)} == {sup_device}
    assert {r[2] for r in _audit(hub, "--action", "case_view")} == {"case_view"}
    assert {r[2] for r in _audit(hub, "--action", "case_view", "--action", "record_change")} \
        == {"case_view", "record_change"}
    late = _audit(hub, "--action", "record_change", "--since", "2026-03-04")
    assert [r[0][:10] for r in late] == ["2026-03-05"]
    early = _audit(hub, "--action", "record_change", "--since", "2026-03-02",
                   "--until", "2026-03-02")
    assert [r[0][:10] for r in early] == ["2026-03-02"] * 3
    assert _audit(hub, "--person", sup_id, "--case", case_id) == []


def test_csv_has_a_header_and_neutralises_formulas(hub: RunningHub, tmp_path: Path) -> None:
    worker, laptop, case_id = _worker_pushes(hub)
    sup = hub.laptop(hub.admin.add_user("Test Supervisor X", "supervisor", "team-x"))
    formula = '=HYPERLINK("http://example.invalid","Demo")'
    response = sup.http.post(
        "/v1/audit/case-views", headers=sup.auth,
        json={"views": [{"seq": 1, "case_id": formula, "at": "2026-03-02T10:00:00+00:00"}]},
    )
    assert response.status_code == 200

    out = tmp_path / "audit.csv"
    result = run_cli("audit", "--database", hub.database_url, "--csv", str(out))
    assert result.returncode == 0, result.stderr
    assert out.stat().st_mode & 0o077 == 0  # readable by whoever exported it only
    rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    assert rows[0] == HEADER
    assert f"Wrote {len(rows) - 1} entries" in result.stdout
    [view] = [r for r in rows[1:] if r[2] == "case_view"]
    assert view[3] == "'" + formula and view[4] == sup.device_id and view[6] == ""
    assert {(r[1], r[3], r[4]) for r in rows[1:] if r[2] == "record_change"} == {
        (worker, case_id, laptop.device_id)}
    assert not any(cell[:1] in ("=", "+", "-", "@") for row in rows for cell in row)

    piped = run_cli("audit", "--database", hub.database_url, "--format", "csv",
                    "--case", case_id)
    assert piped.returncode == 0, piped.stderr
    streamed = list(csv.reader(io.StringIO(piped.stdout)))
    assert streamed[0] == HEADER
    assert len(streamed) == 4 and {r[3] for r in streamed[1:]} == {case_id}


def test_an_account_viewing_25_cases_in_30_minutes_is_flagged(hub: RunningHub) -> None:
    busy = hub.laptop(hub.admin.add_user("Test Supervisor Busy", "supervisor", "team-x"))
    calm = hub.laptop(hub.admin.add_user("Test Supervisor Calm", "supervisor", "team-x"))
    _post_views(busy, 25, timedelta(minutes=30))
    _post_views(calm, 5, timedelta(minutes=30))

    result = run_cli("audit", "--database", hub.database_url, "--action", "case_view")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    flagged = [line.split("\t") for line in lines if line.endswith("\tFLAGGED")]
    assert {r[1] for r in flagged} == {busy.user_id}
    assert len(flagged) == 5  # the 21st to 25th distinct case within the hour
    assert lines[-1] == (
        f"1 account viewed 25 cases within an hour: {busy.user_id} "
        "(25 cases, 2026-03-02 14:00 UTC to 2026-03-02 14:30 UTC)"
    )

    rows = list(csv.reader(io.StringIO(run_cli(
        "audit", "--database", hub.database_url, "--format", "csv", "--action", "case_view",
    ).stdout)))
    assert {(r[1], r[6]) for r in rows[1:]} == {
        (busy.user_id, ""), (busy.user_id, "yes"), (calm.user_id, "")}

    tighter = _audit(hub, "--action", "case_view", "--flag-cases", "4",
                     "--flag-window", "10")
    assert {r[1] for r in tighter if r[-1] == "FLAGGED"} == {busy.user_id}
    looser = run_cli("audit", "--database", hub.database_url, "--flag-cases", "30")
    assert "FLAGGED" not in looser.stdout and "within an hour" not in looser.stdout


def test_a_bad_date_or_rule_exits_2_and_says_why(hub: RunningHub) -> None:
    for args in (["--since", "2026-02-30"], ["--until", "02/03/2026"],
                 ["--since", "2026-03-05", "--until", "2026-03-01"],
                 ["--flag-cases", "0"], ["--flag-window", "soon"]):
        result = run_cli("audit", "--database", hub.database_url, *args)
        assert result.returncode == 2, args
        assert result.stdout == ""
        assert "YYYY-MM-DD" in result.stderr or "after --until" in result.stderr \
            or "whole number" in result.stderr


def test_a_csv_written_over_an_open_file_is_left_readable_by_its_owner_only(
    hub: RunningHub, tmp_path: Path
) -> None:
    """The file named by ``--csv`` may already exist (last month's export, a ``touch``), open
    to everyone: the export takes it back to 0600 before writing a line of the audit."""
    _worker_pushes(hub)
    out = tmp_path / "audit.csv"
    out.write_text("old\n", encoding="utf-8")
    out.chmod(0o644)

    result = run_cli("audit", "--database", hub.database_url, "--csv", str(out))

    assert result.returncode == 0, result.stderr
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert out.read_text(encoding="utf-8-sig").splitlines()[0] == ",".join(HEADER)
