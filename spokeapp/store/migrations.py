"""Numbered schema migrations for the casebook, each applied in its own transaction.

Add a migration by appending to ``MIGRATIONS``; never edit one that has shipped. A stored
version-1 database in ``tests/data/`` is upgraded by the tests to prove the path still works.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
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
    "occurred_at", "assessed_on", "raised_on", "closed_on", "held_on", "received_on", "opened_on",
    "document_date",
)


def occurred_of(record: Record) -> str | None:
    """When the thing a record describes happened, as sortable ISO text (None if undated)."""
    for name in _WHEN_FIELDS:
        value = getattr(record, name, None)
        if isinstance(value, datetime) and value.tzinfo is not None:
            value = value.astimezone(UTC)  # text sorts correctly only in one offset
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
    (
        3,
        ("""
        -- What the hub last told this laptop about each record: its sequence number and body
        -- (the base a header edit starts from, for the hub's field-by-field merge), the case
        -- the hub files it under, and whether it is held (the case left this worker's scope
        -- while the record still had unsent work). Kept beside ``records`` so finalised rows
        -- are never touched by sync bookkeeping.
        CREATE TABLE sync_records (
            record_id TEXT PRIMARY KEY,
            hub_seq INTEGER,
            hub_body TEXT,
            hub_case_id TEXT,
            held INTEGER NOT NULL DEFAULT 0
        );
        CREATE INDEX sync_records_by_case ON sync_records (hub_case_id);

        -- A header change carries the hub version it was edited from. ``held`` says why the
        -- hub refused it (e.g. 'out_of_scope'); a held change is kept, shown, and not re-sent
        -- until released. ``hub_seq`` is the sequence the hub gave it.
        ALTER TABLE changes ADD COLUMN base_seq INTEGER;
        ALTER TABLE changes ADD COLUMN base TEXT;
        ALTER TABLE changes ADD COLUMN hub_seq INTEGER;
        ALTER TABLE changes ADD COLUMN held TEXT;
        -- Version 1 logged drafts and discards as shareable; they never leave the laptop.
        UPDATE changes SET local_only = 1 WHERE op IN ('draft', 'discard');

        -- This laptop's enrolment with its hub, including its credentials: they live only
        -- here, inside the encrypted database, never in a plain file.
        CREATE TABLE sync_state (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            hub_url TEXT NOT NULL,
            cert_fingerprint TEXT,
            hub_id TEXT NOT NULL,
            hub_epoch TEXT NOT NULL,
            device_id TEXT NOT NULL,
            device_name TEXT NOT NULL,
            user_id TEXT NOT NULL,
            user_name TEXT NOT NULL,
            role TEXT NOT NULL,
            team TEXT,
            refresh_token TEXT NOT NULL,
            device_key BLOB NOT NULL,
            cursor INTEGER NOT NULL DEFAULT 0,
            chain_head TEXT NOT NULL,
            repush_from INTEGER,
            device_status TEXT NOT NULL DEFAULT 'active',
            enrolled_at TEXT NOT NULL,
            last_upload_at TEXT,
            last_download_at TEXT,
            last_attempt_at TEXT,
            last_error TEXT
        );

        -- Every change this laptop ever pushed, exactly as it went on the wire, in chain
        -- order: re-sent from the start if the hub is restored from a backup.
        CREATE TABLE sync_pushed (
            pos INTEGER PRIMARY KEY AUTOINCREMENT,
            change_id TEXT NOT NULL UNIQUE,
            wire TEXT NOT NULL,
            head TEXT NOT NULL,
            hub_seq INTEGER
        );

        -- The batch in flight, written before it is sent and removed when the hub's
        -- acknowledgement is applied: after a lost acknowledgement the same batch is re-sent.
        CREATE TABLE sync_outgoing (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            request TEXT NOT NULL,
            covers TEXT NOT NULL
        );

        -- Conflicts the hub opened (a header field changed on both sides), as pulled.
        CREATE TABLE sync_conflicts (
            record_id TEXT PRIMARY KEY,
            case_id TEXT,
            hub_seq INTEGER NOT NULL,
            body TEXT NOT NULL,
            received_at TEXT NOT NULL
        );
        CREATE VIEW open_conflicts AS
            SELECT record_id, case_id, hub_seq, body, received_at FROM sync_conflicts
            WHERE coalesce(json_extract(body, '$.resolved'), 0) = 0
              AND coalesce(json_extract(body, '$.status'), 'open') = 'open';

        -- Records of kinds this version of Spoke does not know yet: kept, never dropped.
        CREATE TABLE sync_other_records (
            record_id TEXT PRIMARY KEY,
            kind TEXT NOT NULL,
            case_id TEXT,
            state TEXT NOT NULL,
            hub_seq INTEGER NOT NULL,
            body TEXT NOT NULL
        );

        -- A row exists here only inside the transaction that applies a hub purge (a case
        -- reassigned away from this worker): the one time a finalised record may be removed.
        CREATE TABLE sync_purging (flag INTEGER NOT NULL);
        DROP TRIGGER records_final_is_kept;
        CREATE TRIGGER records_final_is_kept BEFORE DELETE ON records
        WHEN OLD.state = 'final' AND NOT EXISTS (SELECT 1 FROM sync_purging)
        BEGIN
            SELECT RAISE(ABORT, 'finalised records cannot be deleted');
        END;
        """,),
    ),
    (
        4,
        ("""
        -- Sync asks "does this record have unsent work?" for every pulled record, and a purge
        -- deletes a record's sent changes: both by record id, which needed a full scan of the
        -- change log (docs/sync.md, "Speed").
        CREATE INDEX changes_by_record ON changes (record_id);
        """,),
    ),
    (
        5,
        ("""
        -- The hub's acknowledgement of each lone-working visit (issue 5): a visit is ARMED on
        -- this laptop only while a row here has an escalation time. ``escalation_starts_at``
        -- is the hub's clock (NULL: the visit is over, no longer watched); ``acknowledged_at``
        -- is this laptop's clock when the answer arrived.
        CREATE TABLE visit_watch (
            visit_id TEXT PRIMARY KEY,
            escalation_starts_at TEXT,
            acknowledged_at TEXT NOT NULL
        );
        """,),
    ),
    (
        6,
        ("""
        -- Up to two batches outgoing (docs/sync.md, "Speed"): the next batch is written here
        -- and sent while the previous one's acknowledgement is applied. Re-sent in id order
        -- after a crash; each row goes when its own acknowledgement is applied.
        CREATE TABLE sync_outgoing_v6 (
            id INTEGER PRIMARY KEY,
            request TEXT NOT NULL,
            covers TEXT NOT NULL
        );
        INSERT INTO sync_outgoing_v6 (id, request, covers)
            SELECT id, request, covers FROM sync_outgoing;
        DROP TABLE sync_outgoing;
        ALTER TABLE sync_outgoing_v6 RENAME TO sync_outgoing;
        """,),
    ),
    (
        7,
        ("""
        -- Who the hub would alert about each visit (issue 13): the acknowledgement's ``reach``
        -- as JSON (counts per channel, roles nobody covers; no names). NULL: an older hub.
        ALTER TABLE visit_watch ADD COLUMN reach TEXT;
        """,),
    ),
    (
        8,
        ("""
        -- Earlier versions of each young person's details (issue 16): the hub sends only a
        -- record's latest version, so this laptop keeps every version it replaced, whether by
        -- its own correction or by one pulled from the hub. Filled by the trigger below, so
        -- every path that writes the record keeps them; removed with the record (a purge).
        CREATE TABLE young_person_versions (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            person_id TEXT NOT NULL,
            body TEXT NOT NULL,
            replaced_at TEXT NOT NULL
        );
        CREATE INDEX young_person_versions_by_person ON young_person_versions (person_id, seq);
        CREATE TRIGGER young_person_version_kept AFTER UPDATE OF body ON records
        WHEN OLD.kind = 'young_person' AND OLD.body IS NOT NEW.body
        BEGIN
            INSERT INTO young_person_versions (person_id, body, replaced_at)
            VALUES (OLD.id, OLD.body, NEW.updated_at);
        END;
        CREATE TRIGGER young_person_versions_go_with_record AFTER DELETE ON records
        WHEN OLD.kind = 'young_person'
        BEGIN
            DELETE FROM young_person_versions WHERE person_id = OLD.id;
        END;
        """,),
    ),
    (
        9,
        ("""
        -- One copy of each pushed record, not three (issue 18, docs/sync.md "Size"). A
        -- finalise change's payload is '' from now on: the finalised record's body, which
        -- never changes. Should the record row go (a purge) or its body be rewritten, the
        -- body is first copied back into the change row, so a change never loses its payload.
        CREATE TRIGGER changes_payload_kept_on_delete BEFORE DELETE ON records
        BEGIN
            UPDATE changes SET payload = OLD.body WHERE record_id = OLD.id AND payload = '';
        END;
        CREATE TRIGGER changes_payload_kept_on_update BEFORE UPDATE OF body ON records
        WHEN OLD.body IS NOT NEW.body
        BEGIN
            UPDATE changes SET payload = OLD.body WHERE record_id = OLD.id AND payload = '';
        END;
        -- A pushed change whose wire is exactly its change-log row is kept in sync_pushed as
        -- wire '=' (rebuilt from that row for a re-push). Such a row may not leave the log
        -- while sync_pushed still needs it (sync_state writes the wire out first).
        CREATE TRIGGER changes_kept_for_repush BEFORE DELETE ON changes
        WHEN EXISTS (SELECT 1 FROM sync_pushed WHERE change_id = OLD.id AND wire = '=')
        BEGIN
            SELECT RAISE(ABORT, 'a pushed change is still needed for re-pushing');
        END;
        """,),
    ),
    (
        10,
        ("""
        -- The drafts kept on this laptop (issue 18: Today lists them at every unlock): found
        -- in a small index of drafts alone, not by reading the index of every record's kind
        -- and state (25-50 ms cold on a casebook of 50,000 sessions). A record leaves it when
        -- finalised; its upkeep on saves and pulls is too small to measure.
        CREATE INDEX records_drafts ON records (state, created_at) WHERE state = 'draft';
        """,),
    ),
    (
        11,
        ("""
        -- The bytes of attached documents (issue 20, docs/attachments.md), inside the
        -- encrypted casebook, in 64 KiB chunks, keyed by their SHA-256: the same file attached
        -- twice is stored once. ``complete``: every chunk is here and they hash to ``sha256``
        -- (a download in progress is not); ``uploaded``: the hub said it holds them all.
        -- A file goes with the last attachment record naming it (a purge, a disposal, a
        -- discarded draft): its chunks go with it (ON DELETE CASCADE).
        CREATE TABLE attachment_blobs (
            sha256 TEXT PRIMARY KEY,
            size INTEGER NOT NULL CHECK (size > 0),
            complete INTEGER NOT NULL DEFAULT 0,
            uploaded INTEGER NOT NULL DEFAULT 0,
            added_at TEXT NOT NULL
        );
        CREATE TABLE attachment_chunks (
            sha256 TEXT NOT NULL REFERENCES attachment_blobs (sha256) ON DELETE CASCADE,
            idx INTEGER NOT NULL CHECK (idx >= 0),
            data BLOB NOT NULL,
            UNIQUE (sha256, idx)
        );
        """,),
    ),
    (
        12,
        ("""
        -- ``records_by_case`` (case_id, kind) is the start of ``records_by_case_when`` (case_id,
        -- kind, state, occurred), which answers every query it answered. Keeping both cost
        -- every record written a fourth index entry: ~7 % of storing a pulled page (issue 18,
        -- benchmarks/pull_floor.py; docs/sync.md, "Ninth round").
        DROP INDEX IF EXISTS records_by_case;
        """,),
    ),
)

LATEST_VERSION: Final[int] = MIGRATIONS[-1][0]
