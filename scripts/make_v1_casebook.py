"""Build the stored schema-version-1 casebook in ``tests/data/casebook-v1/``.

The migration tests open a copy of it with the current code, so it must be a genuine version-1
database: this script applies only the first migration (``MIGRATIONS[0]``), sets
``user_version = 1`` and writes fictional records directly with SQL, in the shape version 1
stored them (no full-text index, no ``changes.local_only`` column). Run it only to rebuild the
fixture; once shipped it should never need to change.

    .venv/bin/python scripts/make_v1_casebook.py [--force] [target-folder]

The key file uses the cheap test KDF and the documented test passphrase
``test passphrase for v1 fixture``. Every record is fictional ("Test Person ..." with
``YP-TEST-`` references).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any, Final

from spokeapp.crypto.keyfile import FAST_KDF_FOR_TESTS, KeyFile
from spokeapp.domain.records import record_from_dict
from spokeapp.store.database import _statements, connect, transaction
from spokeapp.store.migrations import MIGRATIONS

PASSPHRASE: Final = "test passphrase for v1 fixture"  # noqa: S105 - documented, fictional fixture
DEFAULT_TARGET: Final = Path(__file__).resolve().parent.parent / "tests" / "data" / "casebook-v1"

DEVICE_ID: Final = "019c0000-0000-7000-8000-0000000000d1"
AUTHOR: Final = "v1-test-worker"
YP_ID: Final = "019c0000-0000-7000-8000-000000000001"
REFERRAL_ID: Final = "019c0000-0000-7000-8000-000000000002"
CASE_ID: Final = "019c0000-0000-7000-8000-000000000003"
SESSION_1_ID: Final = "019c0000-0000-7000-8000-000000000004"
SESSION_2_ID: Final = "019c0000-0000-7000-8000-000000000005"
DRAFT_ID: Final = "019c0000-0000-7000-8000-000000000006"
AMENDMENT_ID: Final = "019c0000-0000-7000-8000-000000000007"

# (id, kind, state, created_at, body) exactly as version 1 stored them.
RECORDS: Final[list[tuple[str, str, str, str, dict[str, Any]]]] = [
    (
        YP_ID,
        "young_person",
        "header",
        "2025-09-01T09:00:00+00:00",
        {
            "id": YP_ID,
            "reference": "YP-TEST-01",
            "name": "Test Person Alpha",
            "date_of_birth": "2011-04-10",
            "preferred_name": "Alpha",
            "gender": None,
            "ethnicity": None,
            "needs": "Fictional record in the version-1 fixture.",
            "restricted": False,
        },
    ),
    (
        REFERRAL_ID,
        "referral",
        "header",
        "2025-09-01T09:05:00+00:00",
        {
            "id": REFERRAL_ID,
            "young_person_id": YP_ID,
            "received_on": "2025-08-28",
            "source_agency": "Test County Council",
            "source_type": "childrens_social_care",
            "reason": "Fictional referral.",
            "decision": "accepted",
            "decline_reason": "",
            "decided_on": "2025-09-01",
            "consent_to_share": True,
            "consent_notes": "",
        },
    ),
    (
        CASE_ID,
        "case",
        "header",
        "2025-09-01T09:10:00+00:00",
        {
            "id": CASE_ID,
            "young_person_id": YP_ID,
            "key_worker": AUTHOR,
            "opened_on": "2025-09-01",
            "referral_id": REFERRAL_ID,
            "status": "open",
            "current_risk_level": "medium",
            "closed_on": None,
            "lawful_basis": "public_task",
        },
    ),
    (
        SESSION_1_ID,
        "session",
        "final",
        "2025-09-08T17:30:00+00:00",
        {
            "id": SESSION_1_ID,
            "case_id": CASE_ID,
            "contact_type": "one_to_one",
            "occurred_at": "2025-09-08T16:30:00+00:00",
            "duration_minutes": 45,
            "venue_type": "cafe",
            "venue_chosen_by": "young_person",
            "pace_set_by": "together",
            "discussed": "Talked about the marmalade sandwiches at the library cafe.",
            "young_persons_words": '"I like it when we walk by the canal."',
            "wants_to_meet_again": "yes",
            "concerns": "",
            "actions": "Meet again next week.",
        },
    ),
    (
        SESSION_2_ID,
        "session",
        "final",
        "2025-09-15T17:30:00+00:00",
        {
            "id": SESSION_2_ID,
            "case_id": CASE_ID,
            "contact_type": "phone",
            "occurred_at": "2025-09-15T16:00:00+00:00",
            "duration_minutes": 20,
            "venue_type": None,
            "venue_chosen_by": None,
            "pace_set_by": None,
            "discussed": "Phone call about the college open evening.",
            "young_persons_words": "",
            "wants_to_meet_again": "unsure",
            "concerns": "",
            "actions": "",
        },
    ),
    (
        DRAFT_ID,
        "session",
        "draft",
        "2025-09-22T17:30:00+00:00",
        {
            "id": DRAFT_ID,
            "case_id": CASE_ID,
            "contact_type": "one_to_one",
            "occurred_at": "2025-09-22T16:30:00+00:00",
            "duration_minutes": 30,
            "venue_type": "outdoors",
            "venue_chosen_by": "young_person",
            "pace_set_by": None,
            "discussed": "Draft notes about the skatepark, not finished.",
            "young_persons_words": "",
            "wants_to_meet_again": None,
            "concerns": "",
            "actions": "",
        },
    ),
    (
        AMENDMENT_ID,
        "amendment",
        "final",
        "2025-09-16T10:00:00+00:00",
        {
            "id": AMENDMENT_ID,
            "case_id": CASE_ID,
            "amends_id": SESSION_2_ID,
            "amends_kind": "session",
            "reason": "Wrote the wrong event.",
            "text": "It was the sixth form open evening, not the college one.",
        },
    ),
]


def build(target: Path) -> str:
    """Write casebook.db and casebook.key into ``target``; return the recovery key text."""
    target.mkdir(parents=True, exist_ok=True, mode=0o700)
    keyfile, data_key, recovery = KeyFile.create(PASSPHRASE, FAST_KDF_FOR_TESTS)
    conn = connect(target / "casebook.db", data_key)
    try:
        version, steps = MIGRATIONS[0]
        assert version == 1
        with transaction(conn):
            for step in steps:
                assert isinstance(step, str), "version 1 is plain SQL"
                for statement in _statements(step):
                    conn.execute(statement)
            conn.execute("PRAGMA user_version = 1")
        with transaction(conn):
            conn.execute(
                "INSERT INTO meta (key, value) VALUES ('device_id', ?), ('created_at', ?)",
                (DEVICE_ID, "2025-09-01T08:55:00+00:00"),
            )
            conn.execute(
                "INSERT INTO audit (at, actor, action) VALUES (?, ?, 'casebook.create')",
                ("2025-09-01T08:55:00+00:00", AUTHOR),
            )
            for n, (record_id, kind, state, created, body) in enumerate(RECORDS, start=1):
                record_from_dict(kind, body).validate()  # the body must load with today's code
                text = json.dumps(body, separators=(",", ":"), ensure_ascii=False)
                case_id = body.get("case_id", CASE_ID if kind == "case" else None)
                conn.execute(
                    "INSERT INTO records (id, kind, case_id, state, body, created_at, "
                    "updated_at, finalised_at, author) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        record_id,
                        kind,
                        case_id,
                        state,
                        text,
                        created,
                        created,
                        created if state == "final" else None,
                        AUTHOR,
                    ),
                )
                op = {"header": "put", "draft": "draft", "final": "finalise"}[state]
                conn.execute(
                    "INSERT INTO changes (id, record_id, kind, op, payload, author, device, "
                    "local_time) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        f"019c0000-0000-7000-8000-1000000000{n:02d}",
                        record_id,
                        kind,
                        op,
                        text,
                        AUTHOR,
                        DEVICE_ID,
                        created,
                    ),
                )
                conn.execute(
                    "INSERT INTO audit (at, actor, action, subject_id) VALUES (?, ?, ?, ?)",
                    (created, AUTHOR, f"record.{op}", record_id),
                )
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()
    keyfile.write(target / "casebook.key")
    return recovery


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("target", nargs="?", type=Path, default=DEFAULT_TARGET)
    parser.add_argument("--force", action="store_true", help="replace an existing fixture")
    args = parser.parse_args(argv)
    target: Path = args.target
    existing = [target / "casebook.db", target / "casebook.key"]
    if any(path.exists() for path in existing):
        if not args.force:
            print(f"{target} already holds a casebook; use --force to replace it.")
            return 1
        for path in existing:
            path.unlink(missing_ok=True)
    recovery = build(target)
    print(f"Wrote a version-1 casebook to {target}")
    print(f"Passphrase: {PASSPHRASE!r}  (recovery key, fictional fixture: {recovery})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
