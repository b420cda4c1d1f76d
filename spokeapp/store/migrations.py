"""Numbered schema migrations for the casebook, each applied in its own transaction.

Add a migration by appending to ``MIGRATIONS``; never edit one that has shipped. A stored
version-1 database in ``tests/data/`` is upgraded by the tests to prove the path still works.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, Final

from spokeapp.domain.records import Record, record_from_dict

_IMMUTABLE_TRIGGER: Final = """
        CREATE TRIGGER records_final_is_immutable BEFORE UPDATE ON records
        WHEN OLD.state = 'final'
        BEGIN
            SELECT RAISE(ABORT, 'finalised records are immutable; record an amendment');
        END;
"""

_WHEN_FIELDS: Final = (
    "occurred_at", "assessed_on", "raised_on", "closed_on", "held_on", "received_on", "opened_on"
)


def occurred_of(record: Record) -> str | None:
    """When the thing a record describes happened, as sortable ISO text (None if undated)."""
    for name in _WHEN_FIELDS:
        value = getattr(record, name, None)
        if value is not None:
            return str(value.isoformat())
    return None


#: A step is SQL run as a script, or a function given the open connection.
Step = str | Callable[[Any], None]


def _index_existing_notes(conn: Any) -> None:
    """Fill the new full-text index from the records a version-1 casebook already holds."""
    rows = conn.execute("SELECT rowid, kind, body, state FROM records").fetchall()
    conn.execute("DROP TRIGGER records_final_is_immutable")  # the backfill touches final rows
    for rowid, kind, body, _state in rows:
        record = record_from_dict(kind, json.loads(body))
        text = record.searchable_text()
        if text:
            conn.execute("INSERT INTO notes_fts (rowid, text) VALUES (?, ?)", (rowid, text))
        conn.execute(
            "UPDATE records SET occurred = ? WHERE rowid = ?", (occurred_of(record), rowid)
        )
    conn.execute(_IMMUTABLE_TRIGGER)


MIGRATIONS: Final[tuple[tuple[int, tuple[Step, ...]], ...]] = (
    (
        1,
        ("""
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);

        -- Every record: mutable headers (young person, referral, case), drafts, and
        -- finalised events. The body is the record's JSON (the database itself is encrypted).
        CREATE TABLE records (
            id TEXT PRIMARY KEY,
            kind TEXT NOT NULL,
            case_id TEXT,
            state TEXT NOT NULL CHECK (state IN ('header', 'draft', 'final')),
            body TEXT NOT NULL,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            finalised_at TEXT,
            author TEXT NOT NULL,
            revision INTEGER NOT NULL DEFAULT 1
        );
        CREATE INDEX records_by_case ON records (case_id, kind);
        CREATE INDEX records_by_kind ON records (kind, state);

        """,
        _IMMUTABLE_TRIGGER,
        """
        CREATE TRIGGER records_final_is_kept BEFORE DELETE ON records
        WHEN OLD.state = 'final'
        BEGIN
            SELECT RAISE(ABORT, 'finalised records cannot be deleted');
        END;

        -- The change log the sync engine will push. local_time is metadata only: the hub
        -- orders changes by its own sequence, never by device clocks.
        CREATE TABLE changes (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            id TEXT NOT NULL UNIQUE,
            record_id TEXT NOT NULL,
            kind TEXT NOT NULL,
            op TEXT NOT NULL,
            payload TEXT NOT NULL,
            author TEXT NOT NULL,
            device TEXT NOT NULL,
            local_time TEXT NOT NULL,
            sent_at TEXT
        );
        CREATE INDEX changes_unsent ON changes (sent_at) WHERE sent_at IS NULL;

        -- Append-only audit of opening the casebook, viewing cases and exports.
        CREATE TABLE audit (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            at TEXT NOT NULL,
            actor TEXT NOT NULL,
            action TEXT NOT NULL,
            subject_id TEXT
        );
        CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
        BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
        CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
        BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
        """,),
    ),
    (
        2,
        ("""
        -- Full-text search over notes, inside the encrypted database. rowid = records.rowid.
        CREATE VIRTUAL TABLE notes_fts USING fts5 (
            text, tokenize = 'unicode61 remove_diacritics 2'
        );

        -- Changes that never leave the laptop (drafts) are marked so sync can skip them.
        ALTER TABLE changes ADD COLUMN local_only INTEGER NOT NULL DEFAULT 0;

        -- When a record happened (a session's time, an assessment's date...), so the caseload
        -- finds last contact and last assessment through an index instead of parsing JSON.
        ALTER TABLE records ADD COLUMN occurred TEXT;
        CREATE INDEX records_by_case_when ON records (case_id, kind, state, occurred);
        """, _index_existing_notes),
    ),
)

LATEST_VERSION: Final[int] = MIGRATIONS[-1][0]
