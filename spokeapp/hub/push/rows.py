"""The one write routine of a push (docs/sync.md, "Speed"): new rows of ``hub_records``,
``hub_changes`` and ``audit`` gathered as plain dicts, given their sequence numbers in one
block (:func:`spokeapp.hub.ledger.reserve_seqs`) and written with one bulk insert per table -
PostgreSQL ``COPY``, elsewhere one executemany - with no ORM objects.

Used by :func:`spokeapp.hub.push.transaction.push` (a batch's new events and its change rows)
and by the group commit's common path (:mod:`spokeapp.hub.push.group`), so both write the
same rows the same way.
"""

from __future__ import annotations

import functools
import operator
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Table, insert
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Session

from spokeapp.domain.json_text import json_text
from spokeapp.hub.ledger import reserve_seqs
from spokeapp.hub.models import Base
from spokeapp.sync.protocol import ATTACHMENT_KIND, ChangeStatus

HEADER = "header"
FINAL = "final"
#: The tables written with one executemany per batch (Core, no ORM objects).
RECORDS_TABLE = Base.metadata.tables["hub_records"]
CHANGES_TABLE = Base.metadata.tables["hub_changes"]
AUDIT_TABLE = Base.metadata.tables["audit"]
AUDIT_COLUMNS = ("at", "actor", "action", "subject", "detail")
RECORD_COLUMNS = ("record_id", "kind", "case_id", "state", "body", "author_user", "device_id",
                  "hub_time", "seq", "attachment_sha256")
CHANGE_COLUMNS = ("change_id", "device_id", "record_id", "chain_hash", "seq", "status",
                  "accepted_at")


@dataclass
class Outcome:
    """What became of one change of a push; ``seq`` is filled in when its row is written."""

    status: ChangeStatus
    seq: int
    conflict_ids: list[str] = field(default_factory=list)


@functools.cache
def _compiled_insert(dialect: Dialect, table: Table, columns: tuple[str, ...]
                     ) -> tuple[str, tuple[str, ...] | None]:
    """The INSERT of ``columns`` into ``table`` compiled once for ``dialect``: (SQL text,
    positional parameter order or None)."""
    compiled = insert(table).compile(dialect=dialect, column_keys=list(columns))
    order = tuple(compiled.positiontup) if compiled.positional and compiled.positiontup \
        else None
    return str(compiled), order


def bulk_insert(session: Session, table: Table, columns: tuple[str, ...],
                rows: list[dict[str, Any]]) -> None:
    """``rows`` straight to the driver, no per-row type processing (JSON columns must be given
    as JSON text already, made with ``json.dumps`` exactly as SQLAlchemy's JSON type would).

    On PostgreSQL one ``COPY ... FROM STDIN`` in the session's transaction: psycopg's
    executemany sent each row as a statement of its own (~15 µs of Python a row, 66 ms for a
    group commit of 200 ten-change pushes); COPY writes rows in C. Elsewhere one
    executemany, the statement compiled once."""
    connection = session.connection()
    dialect = connection.dialect
    if dialect.name == "postgresql":
        driver = connection.connection.driver_connection
        assert driver is not None
        values = _values_of(columns)
        with driver.cursor() as cursor, cursor.copy(
            f"COPY {table.name} ({', '.join(columns)}) FROM STDIN"  # names from our schema
        ) as copy:
            for row in rows:
                copy.write_row(values(row))
        return
    sql, order = _compiled_insert(dialect, table, columns)
    if order is not None:
        values = _values_of(order)
        connection.exec_driver_sql(sql, [values(row) for row in rows])
    else:
        connection.exec_driver_sql(sql, rows)


@functools.cache
def _values_of(names: tuple[str, ...]) -> Callable[[dict[str, Any]], tuple[Any, ...]]:
    """A row's values for ``names``, in order, as a tuple (``itemgetter``: in C, where a
    generator per row cost ~1 µs, twice for each change a push stores)."""
    if len(names) == 1:  # itemgetter of one name gives the value, not a tuple
        (name,) = names
        return lambda row: (row[name],)
    return operator.itemgetter(*names)


def attachment_sha256_of(kind: str, body: dict[str, Any]) -> str | None:
    """``hub_records.attachment_sha256`` of a record: the file an attachment record names (its
    body's ``sha256``, checked at push), None for every other kind."""
    if kind != ATTACHMENT_KIND:
        return None
    value = body.get("sha256")
    return value if isinstance(value, str) else None


def event_row(record_id: str, kind: str, case_id: str | None, body: dict[str, Any],
              author: str, device_id: str, now: str, state: str = FINAL) -> dict[str, Any]:
    """A new record's ``hub_records`` row (its seq comes when it is written): a finalised
    event, or (``state`` HEADER) the first version of a header."""
    return {
        "record_id": record_id, "kind": kind, "case_id": case_id, "state": state,
        "body": json_text(body),  # JSON text for the JSON column (parsed again, never hashed)
        "author_user": author, "device_id": device_id, "hub_time": now,
        "attachment_sha256": attachment_sha256_of(kind, body),
    }


def change_row(change_id: str, device_id: str, record_id: str, chain_hash: str,
               status: ChangeStatus, now: str) -> dict[str, Any]:
    """A change's ``hub_changes`` row (its seq is its outcome's, when it is written)."""
    return {
        "change_id": change_id, "device_id": device_id, "record_id": record_id,
        "chain_hash": chain_hash, "status": status, "accepted_at": now,
    }


class RowWriter:
    """New rows waiting to be written together (:meth:`write`)."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self._records: list[tuple[dict[str, Any], Outcome]] = []
        self._changes: list[tuple[dict[str, Any], Outcome]] = []
        self._audit: list[dict[str, Any]] = []

    def add_record(self, row: dict[str, Any], outcome: Outcome) -> None:
        """A new record's row; its seq (and ``outcome.seq``) is given by :meth:`write`."""
        self._records.append((row, outcome))

    def add_change(self, row: dict[str, Any], outcome: Outcome) -> None:
        """A change's row; written with ``outcome.seq`` as it stands at :meth:`write`."""
        self._changes.append((row, outcome))

    def add_audit(self, row: dict[str, Any]) -> None:
        """An audit entry (``AUDIT_COLUMNS``; ids and counts only)."""
        self._audit.append(row)

    @property
    def has_records(self) -> bool:
        return bool(self._records)

    def write(self) -> None:
        """Give the waiting records consecutive seqs, in the order they were added (one
        counter UPDATE), then insert the records, the changes and the audit entries."""
        if self._records:
            count = len(self._records)
            first = reserve_seqs(self.session, count) - count + 1
            for offset, (row, outcome) in enumerate(self._records):
                outcome.seq = row["seq"] = first + offset
            bulk_insert(self.session, RECORDS_TABLE, RECORD_COLUMNS,
                        [row for row, _ in self._records])
            self._records.clear()
        if self._changes:
            for row, outcome in self._changes:
                row["seq"] = outcome.seq
            bulk_insert(self.session, CHANGES_TABLE, CHANGE_COLUMNS,
                        [row for row, _ in self._changes])
            self._changes.clear()
        if self._audit:
            bulk_insert(self.session, AUDIT_TABLE, AUDIT_COLUMNS, self._audit)
            self._audit.clear()
