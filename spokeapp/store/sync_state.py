"""What the sync engine keeps inside the encrypted casebook, and how pulled pages are applied.

Everything about this laptop's link with its hub lives in the casebook's own tables (migration
3): credentials (device id, refresh token, Ed25519 private key, pinned certificate), the pull
cursor, the hash-chain head, the batch in flight, every change ever pushed (for re-pushing to
a hub restored from a backup), conflicts the hub opened, and what is held back.

Rules this module enforces (docs/sync.md):

* a pulled page is applied and the cursor advanced in **one** transaction, so a crash leaves
  either the whole page or none of it;
* a pulled version never overwrites a local record with unsent work (an unsent change, or a
  draft); only the hub version is noted as its base;
* a purge (the case left this worker's scope) never removes a record with unsent work: it is
  kept and marked held; and a page that would remove more than half the casebook stops with
  :class:`NeedsConfirmation` until the worker agrees;
* nothing is ever marked sent until the hub's acknowledgement is applied;
* a **disposal** purge (the hub erased the case: payload ``{"disposed": true}``) removes every
  trace of the case, unsent work included, and the casebook is then rebuilt so no freed page
  keeps a copy (:meth:`SyncStore.scrub_if_pending`), except a linked visit still under way
  or not all sent, erased once it is over and sent (:meth:`SyncStore.erase_finished_visits`);
* a pushed payload is kept for re-pushing only while the hub's newest backup does not hold it
  (:meth:`SyncStore.trim_pushed`).

This module knows nothing of HTTP or the wire models (the store sits below ``spokeapp.sync``);
the engine converts between them and the plain dataclasses here.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Final

import orjson
import sqlcipher3

from spokeapp.domain.conflicts import laptop_choice
from spokeapp.domain.errors import Problem, SpokeError, ValidationError
from spokeapp.domain.ids import new_id
from spokeapp.domain.json_text import json_text, json_value
from spokeapp.domain.records import RECORD_TYPES, record_from_dict
from spokeapp.i18n import number, translator
from spokeapp.store.attachments import drop_unnamed_files
from spokeapp.store.casebook import CHANGE_PAYLOAD, Casebook, wipe_backups
from spokeapp.store.database import CasebookError, Connection, transaction
from spokeapp.store.migrations import occurred_of

tr = translator(__name__)

__all__ = [
    "CASE_DISPOSED",
    "Acknowledged",
    "ConflictRecord",
    "HeldRecord",
    "HubAccount",
    "NeedsConfirmation",
    "PageResult",
    "PendingChange",
    "PulledRecord",
    "PurgeConfirmation",
    "SyncStore",
]

log = logging.getLogger(__name__)

HELD_OUT_OF_SCOPE: Final = "out_of_scope"
HELD_TOO_LARGE: Final = "too_large"
HELD_REJECTED: Final = "rejected"
#: The hub refused a change because its case has been disposed of (erased) there.
CASE_DISPOSED: Final = "case_disposed"

#: ``meta`` keys (no personal data): a disposal was applied and the casebook still has to be
#: rebuilt; the chain head before the first row kept in ``sync_pushed`` (the rows before it
#: were trimmed); the hub sequence up to which ``sync_pushed`` was last trimmed.
_SCRUB_PENDING: Final = "sync.scrub_pending"
_PUSHED_BASE: Final = "sync.pushed_base"
_TRIMMED_THROUGH: Final = "sync.pushed_trimmed_through"
#: ``meta`` key prefix, one key per visit: a visit linked to a disposed case that was not
#: over, or not all sent, when the disposal arrived (value: the case id). The visit stays
#: until :meth:`SyncStore.erase_finished_visits` finds it over and sent.
_VISIT_AFTER_DISPOSAL: Final = "sync.visit_after_disposal."
#: The check-ins that end a visit (``domain.lone_working``: the worker ended it or is home).
_ENDING_CHECK_INS: Final = ("end_visit", "home_safe")

#: ``sync_pushed.wire`` of a change whose wire is exactly its change-log row (one local change,
#: not squashed): rebuilt from that row for a re-push instead of kept as a second copy. Such a
#: change row may not be deleted while this says so (migration 9's trigger): the wire is
#: written out first (:meth:`SyncStore._write_out_pushed`). ``''``: a blank row (trimmed or
#: erased payload).
_SAME_AS_LOG: Final = "="

#: The columns a wire is rebuilt from (over ``changes c LEFT JOIN records r``).
_LOG_WIRE: Final = (
    f"c.id, c.record_id, c.kind, c.op, {CHANGE_PAYLOAD}, c.author, c.local_time, c.base_seq, "
    "c.base"
)

#: Pulled records applied set-wise at a time (progress is reported between chunks).
_APPLY_CHUNK: Final = 250

#: Change ops that leave the laptop (drafts and discards never do).
PUSHED_OPS: Final = ("put", "finalise")


def _json(value: Any) -> str:
    return json_text(value)


def _log_wire(row: Sequence[Any]) -> str:
    """The wire change of one change-log row (``_LOG_WIRE``), as the engine builds it for an
    unsquashed change, in sorted compact JSON (a re-push re-canonicalises it anyway)."""
    fields = {
        "author": str(row[5])[:64], "base": None if row[8] is None else json_value(row[8]),
        "base_seq": row[7], "id": row[0], "kind": row[2],
        "local_time": str(row[6])[:40], "op": "finalise" if row[3] == "finalise" else "put",
        "payload": json_value(row[4]), "record_id": row[1],
    }
    try:
        return orjson.dumps(fields, option=orjson.OPT_SORT_KEYS).decode("utf-8")
    except orjson.JSONEncodeError:
        return json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


@dataclass(frozen=True)
class HubAccount:
    """This laptop's enrolment. Secrets are left out of ``repr`` so they never reach a log."""

    hub_url: str
    cert_fingerprint: str | None
    hub_id: str
    hub_epoch: str
    device_id: str
    device_name: str
    user_id: str
    user_name: str
    role: str
    team: str | None
    refresh_token: str = field(repr=False)
    device_key: bytes = field(repr=False)
    cursor: int = 0
    chain_head: str = ""
    repush_from: int | None = None
    device_status: str = "active"
    enrolled_at: str = ""
    last_upload_at: str | None = None
    last_download_at: str | None = None
    last_attempt_at: str | None = None
    last_error: str | None = None


#: The case a waiting change belongs to (``PendingChange.scope``): its record's case, the
#: hub's, a conflict's, the case pointing at a young person or referral, or the record itself.
_PENDING_SCOPE: Final = """coalesce(
        r.case_id, sr.hub_case_id,
        (SELECT sc.case_id FROM sync_conflicts sc WHERE sc.record_id = c.record_id),
        (SELECT cs.id FROM records cs WHERE cs.kind = 'case' AND (
             json_extract(cs.body, '$.young_person_id') = c.record_id
             OR json_extract(cs.body, '$.referral_id') = c.record_id)
         ORDER BY cs.rowid LIMIT 1),
        c.record_id)"""
#: A change waiting to be sent (shareable, not held).
_PENDING_WHERE: Final = """c.sent_at IS NULL AND c.local_only = 0 AND c.held IS NULL
      AND c.op IN ('put', 'finalise')"""
_PENDING_FROM: Final = f"""FROM changes c
    LEFT JOIN records r ON r.id = c.record_id
    LEFT JOIN sync_records sr ON sr.record_id = c.record_id
    WHERE {_PENDING_WHERE}"""


@dataclass(frozen=True, slots=True)
class PendingEntry:
    """A waiting change without its payload or scope (:meth:`SyncStore.pending_entries`)."""

    seq: int
    record_id: str
    kind: str
    op: str


@dataclass(frozen=True)
class PendingChange:
    """A local change waiting to go to the hub, with the scope it belongs to.

    ``scope`` is the case the change belongs to (for a young person or referral: the case that
    points at it; for uncased records: the record itself): the hub refuses a batch if any
    change is outside the worker's scope, so the engine retries case by case.
    """

    seq: int
    id: str
    record_id: str
    kind: str
    op: str
    payload: dict[str, Any]
    author: str
    local_time: str
    base_seq: int | None
    base: dict[str, Any] | None
    scope: str


@dataclass(frozen=True)
class Acknowledged:
    """One wire change the hub acknowledged (accepted, duplicate or conflict)."""

    change_id: str
    wire: str  # the canonical JSON exactly as chained
    head: str  # chain head after this change
    hub_seq: int
    record_id: str
    header: bool
    payload: dict[str, Any]
    covers: tuple[int, ...]  # local change seqs this wire change carried (squashed)
    watch_visit_id: str | None = None  # a safety change: the visit the hub now watches
    escalation_starts_at: datetime | None = None  # ... until then (None: visit over)
    reach: dict[str, Any] | None = None  # ... and who it would alert (protocol.AlertReach)
    # The engine knows ``wire`` is what the change-log row rebuilds to (one unsquashed change,
    # made by orjson): kept as a reference without re-reading the row to compare.
    same_as_log: bool = False


@dataclass(frozen=True)
class WatchReach:
    """Who the hub said it would alert about a visit: counts only (protocol.AlertReach)."""

    people: int
    by_channel: dict[str, int]
    missing: tuple[str, ...] = ()

    @property
    def anyone(self) -> bool:
        """True if at least one person or receiver (webhook) can be alerted."""
        return self.people > 0 or self.by_channel.get("webhook", 0) > 0

    @classmethod
    def from_json(cls, text: str | None) -> WatchReach | None:
        if not text:
            return None
        data = json.loads(text)
        return cls(
            people=int(data.get("people", 0)),
            by_channel={str(k): int(v) for k, v in (data.get("by_channel") or {}).items()},
            missing=tuple(str(m) for m in data.get("missing") or ()),
        )


@dataclass(frozen=True)
class VisitWatch:
    """The hub's latest acknowledgement of a lone-working visit (see ``visit_watch``).

    ``escalation_starts_at`` is None once the hub says the visit is over; ``armed`` is True
    while the hub is watching.
    """

    visit_id: str
    escalation_starts_at: datetime | None
    acknowledged_at: datetime
    reach: WatchReach | None = None  # None: a hub older than issue 13 did not say

    @property
    def armed(self) -> bool:
        return self.escalation_starts_at is not None


@dataclass(frozen=True)
class PulledRecord:
    """One row of a pulled page (the latest hub version of a record, or a purge)."""

    seq: int
    record_id: str
    kind: str
    op: str  # put | finalise | purge
    case_id: str | None
    payload: dict[str, Any] | None
    author: str | None

    @property
    def disposal(self) -> bool:
        """A purge of a case the hub has disposed of (C1: ``payload == {"disposed": true}``):
        erase everything of it, unsent work included. An ordinary purge has no payload."""
        return self.op == "purge" and isinstance(self.payload, dict) and (
            self.payload.get("disposed") is True
        )


@dataclass(frozen=True)
class PurgeConfirmation:
    """The question to put to the worker before a large removal."""

    after: int  # the cursor of the page that asks
    records: int  # local records the page would remove
    cases: int
    local_total: int

    @property
    def message(self) -> str:
        return tr.plural(
            self.cases,
            "The hub says {records} of the {total} records on this laptop ({n} case) are no "
            "longer yours to hold, usually because the cases were reassigned. Nothing has been "
            "removed yet. If that is expected, confirm; if not, speak to your supervisor first.",
            "The hub says {records} of the {total} records on this laptop ({n} cases) are no "
            "longer yours to hold, usually because the cases were reassigned. Nothing has been "
            "removed yet. If that is expected, confirm; if not, speak to your supervisor first.",
        ).format(records=number(self.records), total=number(self.local_total))


class NeedsConfirmation(SpokeError):
    """A pulled page would remove most of the casebook: sync stopped to ask the worker."""

    def __init__(self, confirmation: PurgeConfirmation) -> None:
        self.confirmation = confirmation
        super().__init__(confirmation.message)


@dataclass(frozen=True)
class PageResult:
    applied: int = 0
    purged: int = 0
    held: int = 0
    kept_unsent: int = 0
    conflicts: int = 0


@dataclass(frozen=True)
class ConflictRecord:
    """A conflict the hub opened: the same header field changed on two sides."""

    record_id: str
    case_id: str | None
    hub_seq: int
    body: dict[str, Any]
    received_at: str


@dataclass(frozen=True)
class HeldRecord:
    """A record or change that is kept on the laptop but not synced, and why."""

    record_id: str
    kind: str
    reason: str


_ACCOUNT_COLUMNS: Final = (
    "hub_url, cert_fingerprint, hub_id, hub_epoch, device_id, device_name, user_id, user_name, "
    "role, team, refresh_token, device_key, cursor, chain_head, repush_from, device_status, "
    "enrolled_at, last_upload_at, last_download_at, last_attempt_at, last_error"
)


class SyncStore:
    """The sync engine's view of one casebook. Safe to use from the engine's worker thread."""

    def __init__(self, casebook: Casebook) -> None:
        self.casebook = casebook

    # ------------------------------------------------------------------ account
    def account(self) -> HubAccount | None:
        with self.casebook.sync_reader() as db:
            row = db.execute(
                f"SELECT {_ACCOUNT_COLUMNS} FROM sync_state WHERE id = 1"  # noqa: S608
            ).fetchone()
        if row is None:
            return None
        values = list(row)
        values[11] = bytes(values[11])
        return HubAccount(*values)

    def save_enrolment(self, account: HubAccount) -> None:
        """Store a new enrolment (replacing none: a laptop is enrolled once)."""
        with self.casebook.sync_transaction() as db:
            if db.execute("SELECT 1 FROM sync_state").fetchone() is not None:
                raise CasebookError(
                    tr("This laptop is already enrolled with a hub; nothing was changed.")
                )
            db.execute(
                f"INSERT INTO sync_state (id, {_ACCOUNT_COLUMNS}) "  # noqa: S608
                "VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    account.hub_url, account.cert_fingerprint, account.hub_id,
                    account.hub_epoch, account.device_id, account.device_name, account.user_id,
                    account.user_name, account.role, account.team, account.refresh_token,
                    account.device_key, account.cursor, account.chain_head,
                    account.repush_from, account.device_status, account.enrolled_at,
                    account.last_upload_at, account.last_download_at, account.last_attempt_at,
                    account.last_error,
                ),
            )
            self._audit(db, "sync.enrolled", account.device_id)

    def save_re_enrolment(
        self, account: HubAccount, *, replacing: str, allowed: Collection[str],
        outgoing: Sequence[tuple[int, str]], keep_cursor: bool,
    ) -> int:
        """The laptop enrolled again as a new device (docs/sync.md, "Enrolling again"): one
        transaction replaces its identity and restarts its chain from genesis, with every
        change ever pushed queued for re-push under the new identity (as after a hub restore:
        the hub answers ``duplicate`` for what it has). ``outgoing``: the batches still
        outgoing, re-signed for the new device (slot, request), sent once the re-push reaches
        the place they were chained from. The outbox, records, conflicts and held changes are
        untouched. ``replacing`` must still be the enrolled device and its status one of
        ``allowed``. Returns how many changes will be re-sent."""
        with self.casebook.sync_transaction() as db:
            row = db.execute(
                "SELECT device_id, device_status FROM sync_state WHERE id = 1"
            ).fetchone()
            if row is None or row[0] != replacing or row[1] not in allowed:
                raise CasebookError(
                    tr(
                        "This laptop's enrolment changed while it was being enrolled again; "
                        "nothing was changed."
                    )
                )
            if self._replayable_from_genesis(db):
                first, count = db.execute(
                    "SELECT min(pos), count(*) FROM sync_pushed"
                ).fetchone()
            else:
                # Part of the history was trimmed (a hub backup holds it) or erased (a disposed
                # case): it cannot be replayed from genesis, which a new device on the hub
                # starts from. The new device starts a chain of its own instead; a blank row
                # marks where, so a replay after a hub restore starts that part from genesis.
                db.execute(
                    "INSERT INTO sync_pushed (change_id, wire, head, hub_seq) VALUES (?, '', ?, 0)",
                    (new_id(), account.chain_head),
                )
                first, count = None, 0
            values: dict[str, object] = dict(
                hub_url=account.hub_url, cert_fingerprint=account.cert_fingerprint,
                hub_id=account.hub_id, hub_epoch=account.hub_epoch,
                device_id=account.device_id, device_name=account.device_name,
                user_id=account.user_id, user_name=account.user_name, role=account.role,
                team=account.team, refresh_token=account.refresh_token,
                device_key=account.device_key, chain_head=account.chain_head,
                repush_from=first, device_status=account.device_status,
                enrolled_at=account.enrolled_at, last_error=None,
            )
            if not keep_cursor:
                values["cursor"] = 0
            self._update_state(db, **values)
            db.executemany(
                "UPDATE sync_outgoing SET request = ? WHERE id = ?",
                [(request, slot) for slot, request in outgoing],
            )
            self._audit(db, "sync.enrolled_again", account.device_id)
        return int(count)

    def _update_state(self, db: Connection, **values: object) -> None:
        columns = ", ".join(f"{name} = ?" for name in values)  # names come from this module
        db.execute(
            f"UPDATE sync_state SET {columns} WHERE id = 1",  # noqa: S608
            tuple(values.values()),
        )

    def save_refresh_token(self, token: str) -> None:
        """Replace the refresh token with the one the hub just rotated to, durably (committed
        before this returns: the casebook syncs every commit), so the laptop never loses the
        only token the hub still accepts. Called before the new access token is used."""
        with self.casebook.sync_transaction() as db:
            self._update_state(db, refresh_token=token)

    def record_attempt(self, *, error: str | None) -> None:
        """Note a sync attempt; ``error`` must be a plain message with no personal data."""
        with self.casebook.sync_transaction() as db:
            self._update_state(db, last_attempt_at=self.casebook.now(), last_error=error)

    def set_device_status(self, status: str) -> None:
        with self.casebook.sync_transaction() as db:
            self._update_state(db, device_status=status)

    def set_epoch(self, epoch: str) -> None:
        with self.casebook.sync_transaction() as db:
            self._update_state(db, hub_epoch=epoch)

    def reset_for_restored_hub(self, epoch: str, genesis_head: str) -> int:
        """The hub lost data (restored from a backup, or behind our cursor): start over.

        Cursor back to 0, chain back to genesis, every change ever pushed queued for re-push
        (the hub answers ``duplicate`` for those it still has). Returns how many will be
        re-sent.
        """
        with self.casebook.sync_transaction() as db:
            first, count = db.execute(
                "SELECT min(pos), count(*) FROM sync_pushed WHERE wire != ''"
            ).fetchone()
            db.execute("DELETE FROM sync_outgoing")
            # The restored hub may lack files it had: each is offered again (it says which
            # chunks it holds, so only those it lacks are sent).
            db.execute("UPDATE attachment_blobs SET uploaded = 0 WHERE uploaded = 1")
            # Trimmed rows are in the hub's newest backup, so the restored hub holds them: the
            # replay starts from the chain head after them (genesis if nothing was trimmed).
            start = _meta(db, _PUSHED_BASE) or genesis_head
            db.execute("DELETE FROM meta WHERE key = ?", (_TRIMMED_THROUGH,))
            self._update_state(
                db, hub_epoch=epoch, cursor=0, chain_head=start, repush_from=first
            )
            self._audit(db, "sync.hub_restored", None)
        return int(count)

    # ------------------------------------------------------------------ outbox
    def pending_entries(self) -> list[PendingEntry]:
        """Every unsent, shareable, not held change in the order written, without its payload
        (a few dozen bytes each): the engine plans the whole outbox from these and loads the
        payloads a batch at a time (:meth:`pending_changes` with ``seqs``), so a sync of
        100,000 records never holds them all (issue 18: < 300 MB)."""
        # The change log alone: the plan needs no scope (each batch's changes get theirs with
        # their payloads), and looking each change's record up made this the longest wait
        # before the first batch could leave (60 of ~70 ms at 10,000 changes).
        sql = (
            "SELECT c.seq, c.record_id, c.kind, c.op FROM changes c "  # noqa: S608
            f"WHERE {_PENDING_WHERE} ORDER BY c.seq"
        )
        with self.casebook.sync_reader() as db:
            rows = db.execute(sql).fetchall()
        return [PendingEntry(int(r[0]), r[1], r[2], r[3]) for r in rows]

    def pending_changes(self, seqs: Collection[int] | None = None) -> list[PendingChange]:
        """Unsent, shareable, not held changes in the order they were written: all of them,
        or only those of ``seqs`` (still waiting; in seq order)."""
        select = f"""
            SELECT c.seq, c.id, c.record_id, c.kind, c.op, {CHANGE_PAYLOAD}, c.author, c.local_time,
                   c.base_seq, c.base, {_PENDING_SCOPE}
            {_PENDING_FROM}
        """
        with self.casebook.sync_reader() as db:
            if seqs is None:
                rows = db.execute(select + " ORDER BY c.seq").fetchall()
            else:
                wanted = sorted(set(seqs))
                rows = []
                for start in range(0, len(wanted), 500):
                    chunk = wanted[start:start + 500]
                    marks = ", ".join("?" * len(chunk))
                    rows += db.execute(
                        f"{select} AND c.seq IN ({marks}) ORDER BY c.seq", chunk
                    ).fetchall()
        return [
            PendingChange(
                seq=int(r[0]), id=r[1], record_id=r[2], kind=r[3], op=r[4],
                payload=json_value(r[5]), author=r[6], local_time=r[7],
                base_seq=None if r[8] is None else int(r[8]),
                base=None if r[9] is None else json_value(r[9]),
                scope=r[10],
            )
            for r in rows
        ]

    def hold_changes(self, seqs: Sequence[int], reason: str) -> None:
        """Keep these changes on the laptop but stop sending them (the hub refused them)."""
        with self.casebook.sync_transaction() as db:
            for seq in seqs:
                db.execute(
                    "UPDATE changes SET held = ? WHERE seq = ? AND sent_at IS NULL", (reason, seq)
                )
                row = db.execute("SELECT record_id FROM changes WHERE seq = ?", (seq,)).fetchone()
                if row is not None:
                    self._audit(db, f"sync.held.{reason}", row[0])

    def release_held(self, record_id: str | None = None) -> int:
        """Try held changes (of one record, or all) again at the next sync (e.g. after a
        supervisor sorted the case, or the worker corrected the record)."""
        with self.casebook.sync_transaction() as db:
            if record_id is not None:
                cur = db.execute(
                    "UPDATE changes SET held = NULL WHERE held IS NOT NULL AND record_id = ?",
                    (record_id,),
                )
                self._audit(db, "sync.released", record_id)
                return int(cur.rowcount)
            cur = db.execute("UPDATE changes SET held = NULL WHERE held IS NOT NULL")
            return int(cur.rowcount)

    def split_held(self, shortened: Any, amendments: Sequence[Any]) -> None:
        """Send a record the hub refused as too large as ``shortened`` (the same record, its
        longest text cut to fit) and ``amendments`` of it holding the rest, in one transaction
        (``spokeapp.present.held.split_record``; docs/sync.md, "Refusals"). The record on this
        laptop stays as finalised (the casebook refuses to change a final record); only what
        is sent changes: the refused change stays in the log, never sent (local only), and a
        change with the shortened record goes in its place, then the amendments, stored here
        like any. An amendment already stored (a split repeated) is left as it is.
        CasebookError if the record is not held here or the hub has a version of it;
        ValidationError if any part breaks a rule."""
        record_id = shortened.id
        for part in (shortened, *amendments):
            part.validate()
        now = self.casebook.now()
        with self.casebook.sync_transaction() as db:
            held = db.execute(
                "SELECT count(*) FROM changes WHERE record_id = ? AND held IS NOT NULL "
                "AND sent_at IS NULL", (record_id,),
            ).fetchone()[0]
            on_hub = db.execute(
                "SELECT 1 FROM sync_records WHERE record_id = ? AND hub_seq IS NOT NULL",
                (record_id,),
            ).fetchone()
            if not held or on_hub is not None:
                raise CasebookError(
                    tr("Only a record the hub refused and never took can be split.")
                )
            db.execute(
                "UPDATE changes SET held = NULL, local_only = 1 WHERE record_id = ? "
                "AND held IS NOT NULL AND sent_at IS NULL", (record_id,),
            )
            for part in (shortened, *amendments):
                body = _json(part.to_dict())
                if part is not shortened:
                    if db.execute("SELECT 1 FROM records WHERE id = ?", (part.id,)).fetchone():
                        continue
                    rowid = db.execute(
                        "INSERT INTO records (id, kind, case_id, state, body, created_at, "
                        "updated_at, finalised_at, author, occurred) "
                        "VALUES (?, ?, ?, 'final', ?, ?, ?, ?, ?, ?)",
                        (part.id, part.KIND, part.case_id, body, now, now, now,
                         self.casebook.author, occurred_of(part)),
                    ).lastrowid
                    text = part.searchable_text()
                    if text:
                        db.execute(
                            "INSERT INTO notes_fts (rowid, text) VALUES (?, ?)", (rowid, text)
                        )
                db.execute(
                    "INSERT INTO changes (id, record_id, kind, op, payload, author, device, "
                    "local_time, local_only) VALUES (?, ?, ?, 'finalise', ?, ?, ?, ?, 0)",
                    (new_id(), part.id, part.KIND, body, self.casebook.author,
                     self.casebook.device_id, now),
                )
                self._audit(db, "sync.split" if part is shortened else "record.finalise",
                            part.id)

    def save_outgoing(self, request: str, covers: dict[str, list[int]]) -> int:
        """Remember a batch about to be sent, so a lost acknowledgement re-sends it as is.
        Returns its slot (batches are re-sent in slot order; at most two are kept: the one
        whose acknowledgement is being applied and the next one, already sent)."""
        with self.casebook.sync_transaction() as db:
            row = db.execute("SELECT coalesce(max(id), 0) + 1 FROM sync_outgoing").fetchone()
            slot = int(row[0])
            db.execute(
                "INSERT INTO sync_outgoing (id, request, covers) VALUES (?, ?, ?)",
                (slot, request, _json(covers)),
            )
        return slot

    def outgoing(self) -> tuple[str, dict[str, list[int]]] | None:
        """The first batch still outgoing, if any."""
        batches = self.outgoing_batches()
        return None if not batches else (batches[0][1], batches[0][2])

    def outgoing_batches(self) -> list[tuple[int, str, dict[str, list[int]]]]:
        """Every batch still outgoing: (slot, request, covers), in the order they were sent."""
        with self.casebook.sync_reader() as db:
            rows = db.execute(
                "SELECT id, request, covers FROM sync_outgoing ORDER BY id"
            ).fetchall()
        return [
            (int(r[0]), str(r[1]), {k: [int(s) for s in v] for k, v in json.loads(r[2]).items()})
            for r in rows
        ]

    def drop_outgoing(self) -> None:
        """Forget the batches outgoing (the hub refused one: a 4xx stores nothing, and any
        batch after it was chained on it)."""
        with self.casebook.sync_transaction() as db:
            db.execute("DELETE FROM sync_outgoing")

    def apply_acknowledgement(
        self, acknowledged: Sequence[Acknowledged], chain_head: str, *, error: str | None = None,
        slot: int | None = None,
    ) -> None:
        """The hub durably stored a batch: mark its changes sent, log them, move the chain on.

        One transaction: after a crash either all of this happened or the batch is still
        outgoing and is re-sent (the hub answers ``duplicate``).
        """
        now = self.casebook.now()
        with self.casebook.sync_transaction() as db:
            last_pos: int | None = None
            # Set-wise (executemany) rather than a handful of statements per change: a batch
            # of 500 is acknowledged in a few milliseconds.
            db.executemany(
                "UPDATE changes SET sent_at = ?, hub_seq = ?, held = NULL WHERE seq = ?",
                [(now, ack.hub_seq, seq) for ack in acknowledged for seq in ack.covers],
            )
            known: dict[str, int] = {}
            ids = [ack.change_id for ack in acknowledged]
            for start in range(0, len(ids), 500):
                chunk = ids[start:start + 500]
                marks = ", ".join("?" * len(chunk))
                known.update(
                    (str(r[0]), int(r[1]))
                    for r in db.execute(
                        f"SELECT change_id, pos FROM sync_pushed "  # noqa: S608
                        f"WHERE change_id IN ({marks})",
                        chunk,
                    )
                )
            db.executemany(
                "UPDATE sync_pushed SET head = ?, hub_seq = ? WHERE pos = ?",
                [(ack.head, ack.hub_seq, known[ack.change_id]) for ack in acknowledged
                 if ack.change_id in known],
            )
            fresh = [ack for ack in acknowledged if ack.change_id not in known]
            logged = self._log_wires(
                db, [ack.change_id for ack in fresh if not ack.same_as_log]
            )
            db.executemany(
                "INSERT INTO sync_pushed (change_id, wire, head, hub_seq) VALUES (?, ?, ?, ?)",
                [(ack.change_id,
                  _SAME_AS_LOG if ack.same_as_log or logged.get(ack.change_id) == ack.wire
                  else ack.wire,
                  ack.head, ack.hub_seq) for ack in fresh],
            )
            if acknowledged:
                last = acknowledged[-1].change_id
                row = db.execute(
                    "SELECT pos FROM sync_pushed WHERE change_id = ?", (last,)
                ).fetchone()
                last_pos = None if row is None else int(row[0])
            db.executemany(
                "INSERT INTO sync_records (record_id, hub_seq, hub_body) VALUES (?, ?, ?) "
                "ON CONFLICT(record_id) DO UPDATE SET "
                "hub_body = CASE WHEN excluded.hub_seq >= coalesce(hub_seq, -1) "
                "  THEN excluded.hub_body ELSE hub_body END, "
                "hub_seq = max(coalesce(hub_seq, -1), excluded.hub_seq)",
                [
                    (ack.record_id, ack.hub_seq, None)
                    for ack in acknowledged if not ack.header
                ],
            )
            for ack in acknowledged:
                if ack.header:
                    self._note_pushed_header(db, ack)
            watches = {
                ack.watch_visit_id: (ack.escalation_starts_at, ack.reach)
                for ack in acknowledged if ack.watch_visit_id is not None
            }
            db.executemany(
                "INSERT INTO visit_watch (visit_id, escalation_starts_at, acknowledged_at, "
                "reach) VALUES (?, ?, ?, ?) ON CONFLICT(visit_id) DO UPDATE SET "
                "escalation_starts_at = excluded.escalation_starts_at, "
                "acknowledged_at = excluded.acknowledged_at, reach = excluded.reach",
                [
                    (visit_id, None if starts is None else starts.isoformat(), now,
                     None if reach is None else json.dumps(reach, sort_keys=True))
                    for visit_id, (starts, reach) in watches.items()
                ],
            )
            state = db.execute("SELECT repush_from FROM sync_state WHERE id = 1").fetchone()
            repush_from = state[0] if state is not None else None
            if repush_from is not None and last_pos is not None:
                nxt = db.execute(
                    "SELECT min(pos) FROM sync_pushed WHERE pos > ?", (last_pos,)
                ).fetchone()[0]
                repush_from = nxt
            if slot is None:
                db.execute("DELETE FROM sync_outgoing")
            else:  # only this batch: the next one may already be outgoing
                db.execute("DELETE FROM sync_outgoing WHERE id = ?", (slot,))
            self._update_state(
                db, chain_head=chain_head, last_upload_at=now, repush_from=repush_from,
                last_error=error,
            )

    @staticmethod
    def _log_wires(db: Connection, change_ids: Sequence[str]) -> dict[str, str]:
        """The wire each of these change-log rows rebuilds to (by change id)."""
        out: dict[str, str] = {}
        for start in range(0, len(change_ids), 500):
            chunk = change_ids[start:start + 500]
            marks = ", ".join("?" * len(chunk))
            for row in db.execute(
                f"SELECT {_LOG_WIRE} FROM changes c LEFT JOIN records r "  # noqa: S608
                f"ON r.id = c.record_id WHERE c.id IN ({marks})", chunk,
            ):
                try:
                    out[str(row[0])] = _log_wire(row)
                except ValueError:  # not JSON (cannot happen): the full wire is kept
                    continue
        return out

    @staticmethod
    def _write_out_pushed(db: Connection, where: str, params: Sequence[Any]) -> None:
        """Before change-log rows (``where``, over ``changes c``) are deleted: store the full
        wire of any pushed change that is kept as ``_SAME_AS_LOG`` on them."""
        rows = db.execute(
            f"SELECT p.pos, {_LOG_WIRE} FROM sync_pushed p JOIN changes c "  # noqa: S608
            f"ON c.id = p.change_id LEFT JOIN records r ON r.id = c.record_id "
            f"WHERE p.wire = '=' AND ({where})", tuple(params),
        ).fetchall()
        db.executemany(
            "UPDATE sync_pushed SET wire = ? WHERE pos = ?",
            [(_log_wire(row[1:]), row[0]) for row in rows],
        )

    @staticmethod
    def _note_pushed_header(db: Connection, ack: Acknowledged) -> None:
        """Remember a pushed header edit as the base of the next edit of that record.

        The hub may have merged the edit into a version with other people's changes, so the
        body it now holds at ``ack.hub_seq`` is not known until it is pulled: pairing that seq
        with our own body would let the next edit be applied whole and silently revert their
        changes. So a record the hub already had keeps the seq of the version last pulled
        (the hub then merges field by field against our body); a record new to the hub was
        stored exactly as sent. Edits saved while this batch was in flight (a lost
        acknowledgement) were made on top of it: they get the same base, so they do not
        clash with this laptop's own earlier edit.
        """
        row = db.execute(
            "SELECT hub_seq FROM sync_records WHERE record_id = ?", (ack.record_id,)
        ).fetchone()
        known = None if row is None or row[0] is None else int(row[0])
        if known is not None and known > ack.hub_seq:
            return  # a newer version was pulled already
        seq = ack.hub_seq if known is None else known
        body = _json(ack.payload)
        db.execute(
            "INSERT INTO sync_records (record_id, hub_seq, hub_body) VALUES (?, ?, ?) "
            "ON CONFLICT(record_id) DO UPDATE SET hub_seq = excluded.hub_seq, "
            "hub_body = excluded.hub_body",
            (ack.record_id, seq, body),
        )
        if ack.covers:
            db.execute(
                "UPDATE changes SET base_seq = ?, base = ? WHERE record_id = ? "
                "AND sent_at IS NULL AND local_only = 0 AND seq > ?",
                (seq, body, ack.record_id, max(ack.covers)),
            )

    def visit_watch(self, visit_id: str) -> VisitWatch | None:
        """The hub's last word on a visit; None if it never acknowledged the plan."""
        with self.casebook.sync_reader() as db:
            row = db.execute(
                "SELECT visit_id, escalation_starts_at, acknowledged_at, reach FROM visit_watch "
                "WHERE visit_id = ?", (visit_id,),
            ).fetchone()
        return None if row is None else _visit_watch(row)

    def visit_watches(self) -> dict[str, VisitWatch]:
        """Every visit the hub has acknowledged, by visit id."""
        with self.casebook.sync_reader() as db:
            rows = db.execute(
                "SELECT visit_id, escalation_starts_at, acknowledged_at, reach FROM visit_watch"
            ).fetchall()
        return {str(row[0]): _visit_watch(row) for row in rows}

    def pushed_log(self, from_pos: int, limit: int) -> list[tuple[int, str]]:
        """Changes already pushed once, from ``from_pos`` on, for re-pushing (pos, wire).
        Blank rows (trimmed or erased payloads) are left out: see :meth:`replay_runs`."""
        return [row for _prev, rows in self.replay_runs(from_pos, limit) for row in rows]

    def replay_runs(
        self, from_pos: int, limit: int
    ) -> list[tuple[str | None, list[tuple[int, str]]]]:
        """Changes already pushed once, from ``from_pos`` on, for re-pushing: runs of
        consecutive rows that still hold their payload, each with the chain head it follows
        (the head of the row before it, or the head before the first row kept; None: the
        start of the chain, where a reset put it). A row whose
        payload was blanked (a hub backup holds it, or its case was disposed of) is skipped
        and the chain carries on from its head, as the hub's chain does."""
        with self.casebook.sync_reader() as db:
            rows = db.execute(
                "SELECT p.pos, p.wire, p.head, (SELECT q.head FROM sync_pushed q "  # noqa: S608
                "WHERE q.pos < p.pos ORDER BY q.pos DESC LIMIT 1), "
                f"{_LOG_WIRE} FROM sync_pushed p "
                "LEFT JOIN changes c ON p.wire = '=' AND c.id = p.change_id "
                "LEFT JOIN records r ON r.id = c.record_id "
                "WHERE p.pos >= ? AND p.wire != '' ORDER BY p.pos LIMIT ?",
                (from_pos, limit),
            ).fetchall()
            base = _meta(db, _PUSHED_BASE)
        runs: list[tuple[str | None, list[tuple[int, str]]]] = []
        last_head: str | None = None
        for pos, stored, head, prev, *log in rows:
            wire = stored
            if stored == _SAME_AS_LOG:
                if log[0] is None:  # migration 9's trigger keeps the row: cannot happen
                    raise CasebookError(tr("A change to re-send is missing from the casebook."))
                wire = _log_wire(log)
            before = str(prev) if prev is not None else base
            if not runs or before != last_head:
                runs.append((before, []))
            runs[-1][1].append((int(pos), str(wire)))
            last_head = str(head)
        return runs

    def set_chain_head(self, head: str) -> None:
        """Move the chain head (a replay carrying on after a blank row)."""
        with self.casebook.sync_transaction() as db:
            self._update_state(db, chain_head=head)

    def finish_repush(self) -> None:
        """The replay is over: the chain carries on from the last change ever pushed (which
        may be a blank row the replay skipped)."""
        with self.casebook.sync_transaction() as db:
            row = db.execute(
                "SELECT head FROM sync_pushed ORDER BY pos DESC LIMIT 1"
            ).fetchone()
            head = row[0] if row is not None else _meta(db, _PUSHED_BASE)
            if head:
                self._update_state(db, repush_from=None, chain_head=str(head))
            else:
                self._update_state(db, repush_from=None)

    @staticmethod
    def _replayable_from_genesis(db: Connection) -> bool:
        """True if every change ever pushed is still here with its payload."""
        blank = db.execute("SELECT 1 FROM sync_pushed WHERE wire = '' LIMIT 1").fetchone()
        return blank is None and _meta(db, _PUSHED_BASE) is None

    def trim_pushed(self, backup_seq: int | None) -> int:
        """Keep a pushed payload only while the hub's newest backup does not hold it (C2).

        ``backup_seq``: the highest hub sequence the hub's newest backup holds (None: the hub
        knows of no backup, keep everything). Every row with ``hub_seq <= backup_seq`` loses
        its payload (a hub restored from that backup has the change; the row keeps its id,
        sequence and chain head, no personal data); the blank rows at the front are then
        removed and the chain head before the first row left is kept as the replay's start.
        Returns how many payloads were blanked. Cheap when nothing new is covered.
        """
        try:
            return self._trim_pushed(backup_seq)
        finally:
            self.release_free_pages()

    def release_free_pages(self) -> int:
        """Give the casebook's free pages back to the file system (a sent batch's, copies
        trimmed or rows shrunk: docs/sync.md, "Size"); ``secure_delete`` already zeroed them.
        A no-op on a casebook without ``auto_vacuum`` (none after migration 9). Run after each
        sync (with :meth:`trim_pushed`); returns how many pages were free."""
        with self.casebook.sync_reader() as db:
            free = int(db.execute("PRAGMA freelist_count").fetchone()[0])
            if free:
                db.execute("PRAGMA incremental_vacuum").fetchall()
        return free

    def _trim_pushed(self, backup_seq: int | None) -> int:
        if backup_seq is None:
            return 0
        with self.casebook.sync_transaction() as db:
            done = _meta(db, _TRIMMED_THROUGH)
            if done is not None and int(done) >= backup_seq:
                return 0
            cur = db.execute(
                "UPDATE sync_pushed SET wire = '' WHERE hub_seq <= ? AND wire != ''",
                (backup_seq,),
            )
            blanked = int(cur.rowcount)
            live = db.execute(
                "SELECT min(pos) FROM sync_pushed WHERE wire != ''"
            ).fetchone()[0]
            last = db.execute(
                "SELECT pos, head FROM sync_pushed WHERE pos < coalesce(?, 9223372036854775807) "
                "ORDER BY pos DESC LIMIT 1",
                (live,),
            ).fetchone()
            if last is not None:
                _set_meta(db, _PUSHED_BASE, str(last[1]))
                db.execute("DELETE FROM sync_pushed WHERE pos <= ?", (int(last[0]),))
            _set_meta(db, _TRIMMED_THROUGH, str(backup_seq))
            if blanked:
                self._audit(db, "sync.pushed_trimmed", None)
        if blanked:
            # ``secure_delete`` zeroed the old payloads in the file; the WAL still has the
            # page images they were written in: move it into the file and empty it.
            with self.casebook.sync_reader() as db:
                db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
        return blanked

    # ------------------------------------------------------------------ pull
    def apply_page(
        self,
        after: int,
        next_after: int,
        page: Sequence[PulledRecord],
        *,
        confirmed_after: int | None = None,
        progress: Callable[[int], None] | None = None,
        pushed: Mapping[str, int] | None = None,
    ) -> PageResult:
        """Apply one pulled page and move the cursor to ``next_after``, in one transaction.

        Raises NeedsConfirmation (nothing applied) if the page would remove more than half of
        the local records, unless the worker confirmed this page (``confirmed_after``).
        ``progress`` is called after each row; if it raises, nothing of the page is kept.
        ``pushed``: the records this run pushed that the pull leaves out (record id -> the seq
        the hub acknowledged): a purge before that seq does not remove them (docs/sync.md,
        "Own records are not pulled back").
        """
        pushed = pushed or {}
        now = self.casebook.now()
        applied = purged = held = kept = conflicts = 0
        with self.casebook.sync_transaction() as db:
            current = db.execute("SELECT cursor FROM sync_state WHERE id = 1").fetchone()
            if current is None or int(current[0]) != after:
                raise CasebookError(tr("The sync cursor moved while a page was being applied."))
            # A disposal is the hub erasing the case for good: it is neither held back nor
            # counted for the question before a large removal (docs/data-protection.md).
            plan = self._purge_plan(
                db, [p for p in page if p.op == "purge" and not p.disposal], pushed
            )
            removing = len(plan.remove)
            total = (
                int(db.execute("SELECT count(*) FROM records").fetchone()[0]) if removing else 0
            )
            if removing and removing * 2 > total and confirmed_after != after:
                raise NeedsConfirmation(
                    PurgeConfirmation(after, removing, len(plan.cases), total)
                )
            self._release_held_cases(db, page)
            done = 0
            while done < len(page):
                item = page[done]
                if item.disposal:
                    purged += self._erase_case(db, item.case_id or item.record_id)
                elif item.op == "purge":
                    p, h = self._apply_purge(db, item, plan, pushed)
                    purged += p
                    held += h
                elif item.kind == "conflict":
                    self._store_conflict(db, item, now)
                    conflicts += 1
                else:
                    # A run of ordinary records (the common case) is applied set-wise, in the
                    # same order relative to the purges and conflicts around it.
                    # In chunks, so progress still arrives while a large page is applied.
                    end = done + 1
                    while end < len(page) and end - done < _APPLY_CHUNK and (
                        page[end].op != "purge" and page[end].kind != "conflict"
                    ):
                        end += 1
                    a, k = self._apply_records(db, page[done:end], now)
                    applied += a
                    kept += k
                    if progress is not None:
                        for n in range(done + 1, end):
                            progress(n)
                    done = end - 1
                done += 1
                if progress is not None:
                    progress(done)
            self._update_state(db, cursor=next_after, last_download_at=now)
        return PageResult(applied, purged, held, kept, conflicts)

    @staticmethod
    def _has_unsent_work(db: Connection, record_id: str) -> bool:
        row = db.execute(
            "SELECT EXISTS (SELECT 1 FROM changes WHERE record_id = ? AND sent_at IS NULL "
            "AND local_only = 0) OR EXISTS (SELECT 1 FROM records WHERE id = ? "
            "AND state = 'draft')",
            (record_id, record_id),
        ).fetchone()
        return bool(row[0])

    @staticmethod
    def _release_held_cases(db: Connection, page: Sequence[PulledRecord]) -> None:
        """A case the hub sends a record of is in scope (again): retry what was held for it.

        Once per case per page, and only when something is held as out of scope at all.
        """
        held = db.execute(
            "SELECT 1 FROM changes WHERE held = ? LIMIT 1", (HELD_OUT_OF_SCOPE,)
        ).fetchone()
        if held is None:
            return
        cases = {
            item.case_id for item in page
            if item.op != "purge" and item.kind != "conflict" and item.case_id
        }
        for case_id in sorted(cases):
            db.execute(
                "UPDATE changes SET held = NULL WHERE held = ? AND record_id IN ("
                "SELECT id FROM records WHERE case_id = ? "
                "UNION SELECT record_id FROM sync_records WHERE hub_case_id = ?)",
                (HELD_OUT_OF_SCOPE, case_id, case_id),
            )

    def _apply_records(
        self, db: Connection, items: Sequence[PulledRecord], now: str
    ) -> tuple[int, int]:
        """:meth:`_apply_record` for a run of records, with the same outcome, in a handful of
        statements: the lookups are one ``IN (...)`` query each, and records new to this
        laptop (all of them, on a first pull) are inserted with executemany. Returns
        (applied, kept back because of unsent work)."""
        ids = [item.record_id for item in items]
        if len(items) < 4 or len(set(ids)) != len(ids):
            results = [self._apply_record(db, item, now) for item in items]
            return results.count(True), results.count(False)
        parsed: list[tuple[PulledRecord, str, Any]] = []
        for item in items:
            payload = item.payload or {}
            try:
                record = (
                    None if item.kind not in RECORD_TYPES
                    else record_from_dict(item.kind, payload)
                )
            except ValidationError:
                record = None
            parsed.append((item, _json(payload), record))
        db.executemany(
            "INSERT INTO sync_records (record_id, hub_seq, hub_body, hub_case_id, held) "
            "VALUES (?, ?, ?, ?, 0) ON CONFLICT(record_id) DO UPDATE SET "
            "hub_seq = excluded.hub_seq, hub_body = excluded.hub_body, "
            "hub_case_id = coalesce(excluded.hub_case_id, hub_case_id), held = 0",
            [
                # A finalised event never changes, so it is never the base of an edit: like
                # an acknowledged push, its hub body is not copied here (records holds it).
                (item.record_id, item.seq,
                 None if record is not None and (item.op == "finalise" or record.EVENT)
                 else body, item.case_id)
                for item, body, record in parsed
            ],
        )
        db.executemany(
            "INSERT OR REPLACE INTO sync_other_records "
            "(record_id, kind, case_id, state, hub_seq, body) VALUES (?, ?, ?, ?, ?, ?)",
            [
                (item.record_id, item.kind, item.case_id, item.op, item.seq, body)
                for item, body, record in parsed if record is None
            ],
        )
        known = [item.record_id for item, _b, record in parsed if record is not None]
        unsent: set[str] = set()
        existing: set[str] = set()
        for start in range(0, len(known), 500):
            chunk = known[start:start + 500]
            marks = ", ".join("?" * len(chunk))
            unsent.update(r[0] for r in db.execute(
                f"SELECT record_id FROM changes WHERE record_id IN ({marks}) "  # noqa: S608
                f"AND sent_at IS NULL AND local_only = 0 "
                f"UNION SELECT id FROM records WHERE id IN ({marks}) AND state = 'draft'",
                chunk + chunk,
            ))
            existing.update(r[0] for r in db.execute(
                f"SELECT id FROM records WHERE id IN ({marks})", chunk  # noqa: S608
            ))
        applied = kept = 0
        fresh: list[tuple[object, ...]] = []
        texts: list[tuple[int, str]] = []
        # New rows get the rowids SQLite would give them one by one (max + 1, ...), so the
        # notes index can be filled by rowid without looking each record up again.
        rowid = int(db.execute("SELECT coalesce(max(rowid), 0) FROM records").fetchone()[0])
        for item, body, record in parsed:
            if record is None:
                applied += 1
            elif item.record_id in unsent:
                kept += 1
            elif item.record_id in existing:
                # Already here (rare on a pull: our own edits coming back): the one-by-one
                # path, which compares, updates and re-indexes.
                if self._apply_record(db, item, now):
                    applied += 1
                else:
                    kept += 1
            else:
                final = item.op == "finalise" or record.EVENT
                rowid += 1
                fresh.append((
                    rowid, item.record_id, item.kind, record.case_id,
                    "final" if final else "header",
                    body, now, now, now if final else None, (item.author or "hub")[:64],
                    occurred_of(record),
                ))
                text = record.searchable_text()
                if text:
                    texts.append((rowid, text))
                applied += 1
        db.executemany(
            "INSERT INTO records (rowid, id, kind, case_id, state, body, created_at, "
            "updated_at, finalised_at, author, occurred) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            fresh,
        )
        db.executemany("INSERT INTO notes_fts (rowid, text) VALUES (?, ?)", texts)
        return applied, kept

    def _apply_record(self, db: Connection, item: PulledRecord, now: str) -> bool:
        """Store the hub's version; False if kept back because of unsent local work."""
        payload = item.payload or {}
        body = _json(payload)
        cls = RECORD_TYPES.get(item.kind)
        try:
            record = None if cls is None else record_from_dict(item.kind, payload)
        except ValidationError:
            record = None
        db.execute(
            "INSERT INTO sync_records (record_id, hub_seq, hub_body, hub_case_id, held) "
            "VALUES (?, ?, ?, ?, 0) ON CONFLICT(record_id) DO UPDATE SET "
            "hub_seq = excluded.hub_seq, hub_body = excluded.hub_body, "
            "hub_case_id = coalesce(excluded.hub_case_id, hub_case_id), held = 0",
            (item.record_id, item.seq, body, item.case_id),
        )
        if record is None:  # a kind this version does not know (or a newer shape): keep it
            db.execute(
                "INSERT OR REPLACE INTO sync_other_records "
                "(record_id, kind, case_id, state, hub_seq, body) VALUES (?, ?, ?, ?, ?, ?)",
                (item.record_id, item.kind, item.case_id, item.op, item.seq, body),
            )
            return True
        if self._has_unsent_work(db, item.record_id):
            return False
        final = item.op == "finalise" or record.EVENT
        state = "final" if final else "header"
        row = db.execute(
            "SELECT rowid, state, kind FROM records WHERE id = ?", (item.record_id,)
        ).fetchone()
        author = (item.author or "hub")[:64]
        occurred = occurred_of(record)
        if row is None:
            cur = db.execute(
                "INSERT INTO records (id, kind, case_id, state, body, created_at, updated_at, "
                "finalised_at, author, occurred) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    item.record_id, item.kind, record.case_id, state, body, now, now,
                    now if final else None, author, occurred,
                ),
            )
            rowid = cur.lastrowid
        else:
            rowid, old_state, old_kind = row
            if old_kind != item.kind:
                raise CasebookError(tr("The hub sent a record whose kind does not match this one."))
            if old_state == "final":
                return True  # finalised records never change; ours is the same
            same = db.execute(
                "SELECT body = ? AND state = ? FROM records WHERE rowid = ?", (body, state, rowid)
            ).fetchone()
            if same is not None and same[0]:
                return True  # our own edit coming back: nothing to change
            db.execute(
                "UPDATE records SET case_id = ?, state = ?, body = ?, updated_at = ?, "
                "finalised_at = ?, revision = revision + 1, occurred = ? WHERE rowid = ?",
                (record.case_id, state, body, now, now if final else None, occurred, rowid),
            )
            db.execute("DELETE FROM notes_fts WHERE rowid = ?", (rowid,))
        text = record.searchable_text()
        if text:
            db.execute("INSERT INTO notes_fts (rowid, text) VALUES (?, ?)", (rowid, text))
        return True

    @staticmethod
    def _store_conflict(db: Connection, item: PulledRecord, now: str) -> None:
        db.execute(
            "INSERT INTO sync_conflicts (record_id, case_id, hub_seq, body, received_at) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT(record_id) DO UPDATE SET "
            "case_id = excluded.case_id, hub_seq = excluded.hub_seq, body = excluded.body",
            (item.record_id, item.case_id, item.seq, _json(item.payload or {}), now),
        )

    @dataclass
    class _PurgePlan:
        remove: set[str]
        keep: set[str]
        cases: set[str]

    def _purge_targets(self, db: Connection, item: PulledRecord) -> tuple[set[str], str | None]:
        is_case = item.kind == "case" or (
            item.case_id is not None and item.case_id == item.record_id
        )
        if not is_case:
            if item.kind == "referral":  # with the documents attached to it
                return {item.record_id} | self._attached(db, {item.record_id}), None
            return {item.record_id}, None
        case_id = item.case_id or item.record_id
        targets = {
            r[0]
            for r in db.execute(
                "SELECT id FROM records WHERE case_id = ? UNION "
                "SELECT record_id FROM sync_records WHERE hub_case_id = ?",
                (case_id, case_id),
            )
        }
        row = db.execute(
            "SELECT json_extract(body, '$.young_person_id'), json_extract(body, '$.referral_id') "
            "FROM records WHERE id = ? AND kind = 'case'",
            (case_id,),
        ).fetchone()
        if row is not None:
            for linked, path in ((row[0], "$.young_person_id"), (row[1], "$.referral_id")):
                if linked is None:
                    continue
                other = db.execute(
                    f"SELECT 1 FROM records WHERE kind = 'case' AND id != ? "  # noqa: S608
                    f"AND json_extract(body, '{path}') = ? LIMIT 1",
                    (case_id, linked),
                ).fetchone()
                if other is None and path == "$.young_person_id":
                    # A referral here other than the case's own (declined before or after
                    # it) is about them too: they stay for it.
                    other = self._referred_again(db, str(linked), {str(row[1])})
                if other is None:
                    targets.add(linked)
        return targets | self._attached(db, targets), case_id

    @staticmethod
    def _referred_again(db: Connection, young_person_id: str, besides: set[str]) -> Any:
        """A row if a referral here other than ``besides`` is about the young person."""
        return db.execute(
            "SELECT 1 FROM records WHERE kind = 'referral' AND id NOT IN "
            "(SELECT value FROM json_each(?)) AND json_extract(body, '$.young_person_id') = ? "
            "LIMIT 1", (_json(sorted(besides)), young_person_id),
        ).fetchone()

    def _referral_targets(self, db: Connection, referral_id: str, *,
                          restricted: bool = False) -> set[str]:
        """A disposed referral that never became a case (the hub's disposal purge names it
        by its id): the referral, also as only the change log knows it, its documents, and
        its young person unless a case or another referral here is about them. Empty if
        this casebook holds no such referral.

        ``restricted``: what the hub keeps off the laptops when such a referral is
        restricted (``disposal._restricted_rows``): the same, but its young person goes
        unless a case here is about them, whatever other referrals name them."""
        found = db.execute(
            "SELECT json_extract(body, '$.young_person_id') FROM records "
            "WHERE id = ? AND kind = 'referral' UNION ALL "
            "SELECT json_extract(nullif(payload, ''), '$.young_person_id') FROM changes "
            "WHERE record_id = ? AND kind = 'referral'", (referral_id, referral_id),
        ).fetchall()
        if not found:
            return set()
        targets = {referral_id}
        for (person,) in found:
            if not isinstance(person, str):
                continue
            case = db.execute(
                "SELECT 1 FROM records WHERE kind = 'case' "
                "AND json_extract(body, '$.young_person_id') = ? LIMIT 1", (person,),
            ).fetchone()
            if case is None and (restricted or self._referred_again(
                    db, person, {referral_id}) is None):
                targets.add(person)
        return targets | self._attached(db, targets)

    @staticmethod
    def _attached(db: Connection, targets: set[str]) -> set[str]:
        """The attachments here attached to any of ``targets`` (those on a referral have no
        case id, so a case's purge finds them only this way)."""
        if not targets:
            return set()
        return {
            str(r[0]) for r in db.execute(
                "SELECT id FROM records WHERE kind = 'attachment' AND "
                "json_extract(body, '$.attached_to') IN (SELECT value FROM json_each(?))",
                (_json(sorted(targets)),),
            )
        }

    @staticmethod
    def _pushed_after(targets: set[str], seq: int, pushed: Mapping[str, int]) -> set[str]:
        """Those of ``targets`` this run pushed and the hub stored *after* the purge at
        ``seq`` (``pushed``: record id -> the seq acknowledged; the case was back in scope by
        then). The pull leaves those records out (docs/sync.md, "Own records are not pulled
        back"), so removing them here would lose them where pulling them back restored them."""
        return {record_id for record_id in targets if pushed.get(record_id, 0) > seq}

    def _purge_plan(self, db: Connection, purges: Sequence[PulledRecord],
                    pushed: Mapping[str, int]) -> _PurgePlan:
        plan = self._PurgePlan(set(), set(), set())
        for item in purges:
            targets, case_id = self._purge_targets(db, item)
            targets -= self._pushed_after(targets, item.seq, pushed)
            if case_id is not None:
                plan.cases.add(case_id)
            for record_id in targets:
                exists = db.execute(
                    "SELECT 1 FROM records WHERE id = ?", (record_id,)
                ).fetchone()
                if exists is None:
                    continue
                if self._has_unsent_work(db, record_id):
                    plan.keep.add(record_id)
                else:
                    plan.remove.add(record_id)
        plan.remove -= plan.keep
        return plan

    def _apply_purge(
        self, db: Connection, item: PulledRecord, plan: _PurgePlan,
        pushed: Mapping[str, int],
    ) -> tuple[int, int]:
        targets, case_id = self._purge_targets(db, item)
        if not targets:
            # A referral that never became a case, restricted on the hub: it is named by its
            # own id, like a case.
            targets = self._referral_targets(db, item.record_id, restricted=True)
        targets -= self._pushed_after(targets, item.seq, pushed)
        removed = held = 0
        db.execute("INSERT INTO sync_purging (flag) VALUES (1)")
        try:
            for record_id in sorted(targets):
                row = db.execute("SELECT rowid FROM records WHERE id = ?", (record_id,)).fetchone()
                if row is None:
                    continue
                if record_id in plan.keep or self._has_unsent_work(db, record_id):
                    db.execute(
                        "INSERT INTO sync_records (record_id, held) VALUES (?, 1) "
                        "ON CONFLICT(record_id) DO UPDATE SET held = 1",
                        (record_id,),
                    )
                    self._audit(db, "sync.held.out_of_scope", record_id)
                    held += 1
                    continue
                db.execute("DELETE FROM notes_fts WHERE rowid = ?", (row[0],))
                db.execute("DELETE FROM records WHERE rowid = ?", (row[0],))
                # The pushed copies stay until a hub backup holds them (trim_pushed).
                self._write_out_pushed(
                    db, "c.record_id = ? AND c.sent_at IS NOT NULL", (record_id,)
                )
                db.execute(
                    "DELETE FROM changes WHERE record_id = ? AND sent_at IS NOT NULL", (record_id,)
                )
                db.execute(
                    "DELETE FROM changes WHERE record_id = ? AND local_only = 1", (record_id,)
                )
                db.execute("DELETE FROM sync_records WHERE record_id = ?", (record_id,))
                self._audit(db, "record.purged", record_id)
                removed += 1
            if removed:
                # A file goes with the last attachment record naming it (docs/attachments.md).
                drop_unnamed_files(db)
                # What left this laptop must not stay readable in freed space either.
                _set_meta(db, _SCRUB_PENDING, "1")
            if case_id is not None:
                db.execute("DELETE FROM sync_conflicts WHERE case_id = ?", (case_id,))
                db.execute("DELETE FROM sync_other_records WHERE case_id = ?", (case_id,))
            else:
                db.execute("DELETE FROM sync_other_records WHERE record_id = ?", (item.record_id,))
                db.execute("DELETE FROM sync_conflicts WHERE record_id = ?", (item.record_id,))
        finally:
            db.execute("DELETE FROM sync_purging")
        return removed, held

    # ------------------------------------------------------------------ disposal
    def _disposal_targets(self, db: Connection, case_id: str) -> set[str]:
        """Every record id of a disposed case this casebook may hold: its records (also ones
        only the change log still names, such as discarded drafts), its young person and
        referral unless another case (or, for the young person, another referral) here uses
        them, and visit plans linked to it with the visit's records. The hub names a disposed
        referral that never became a case the same way, by its id: then its young person
        goes with it on the same terms (:meth:`_referral_targets`); group work, training and a
        visit linked to no case (retention) by their own ids, a visit with its records."""
        targets, _case = self._purge_targets(
            db, PulledRecord(0, case_id, "case", "purge", case_id, None, None)
        )
        targets.add(case_id)
        targets |= self._referral_targets(db, case_id)
        if db.execute("SELECT 1 FROM records WHERE id = ? AND kind = 'visit_plan'",
                      (case_id,)).fetchone() is not None:
            # A visit linked to no case, past the retention rule: its plan names it, and its
            # check-ins, alarms and alerts go with it.
            targets |= self._visit_ids(db, case_id)
        targets.update(
            str(r[0]) for r in db.execute(
                "SELECT record_id FROM changes "
                "WHERE json_extract(nullif(payload, ''), '$.case_id') = ? "
                "OR json_extract(nullif(payload, ''), '$.linked_case_id') = ? "
                "UNION SELECT id FROM records WHERE kind = 'visit_plan' "
                "AND json_extract(body, '$.linked_case_id') = ? "
                "UNION SELECT record_id FROM sync_other_records WHERE case_id = ? "
                "UNION SELECT record_id FROM sync_conflicts WHERE case_id = ?",
                (case_id, case_id, case_id, case_id, case_id),
            )
        )
        visits = {
            str(r[0]) for r in db.execute(
                "SELECT id FROM records WHERE kind = 'visit_plan' "
                "AND json_extract(body, '$.linked_case_id') = ?", (case_id,)
            )
        }
        for visit_id in sorted(visits):
            targets.update(
                str(r[0]) for r in db.execute(
                    "SELECT id FROM records WHERE json_extract(body, '$.visit_id') = ? "
                    "UNION SELECT record_id FROM changes "
                    "WHERE json_extract(nullif(payload, ''), '$.visit_id') = ?",
                    (visit_id, visit_id),
                )
            )
        # Conflicts about any of these records (a young person's conflict has no case id).
        targets.update(
            str(r[0]) for r in db.execute(
                "SELECT record_id FROM sync_conflicts WHERE json_extract(body, '$.record_id') "
                "IN (SELECT value FROM json_each(?))", (_json(sorted(targets)),)
            )
        )
        return targets

    def _visit_ids(self, db: Connection, visit_id: str) -> set[str]:
        """The plan and every record of one visit here (also ones only the change log
        names)."""
        return {visit_id} | {
            str(r[0]) for r in db.execute(
                "SELECT id FROM records WHERE json_extract(body, '$.visit_id') = ? "
                "UNION SELECT record_id FROM changes "
                "WHERE json_extract(nullif(payload, ''), '$.visit_id') = ?",
                (visit_id, visit_id),
            )
        }

    def _live_visits(self, db: Connection, case_id: str) -> set[str]:
        """The visits here linked to the case that are not over (no check-in ended them), or
        whose plan or records are not all sent yet: the worker may still be out, and the hub
        watches a visit only through what this laptop sends it."""
        live: set[str] = set()
        for (visit_id,) in db.execute(
            "SELECT id FROM records WHERE kind = 'visit_plan' "
            "AND json_extract(body, '$.linked_case_id') = ?", (case_id,)
        ).fetchall():
            ended = db.execute(
                "SELECT 1 FROM records WHERE kind = 'check_in' "
                "AND json_extract(body, '$.visit_id') = ? AND json_extract(body, '$.kind') "
                "IN (SELECT value FROM json_each(?)) LIMIT 1",
                (visit_id, _json(list(_ENDING_CHECK_INS))),
            ).fetchone()
            unsent = db.execute(  # a finalised change's payload is its record's body
                "SELECT 1 FROM changes c LEFT JOIN records r ON r.id = c.record_id "
                "WHERE c.sent_at IS NULL AND c.local_only = 0 AND c.held IS NULL "
                "AND (c.record_id = ? OR json_extract(coalesce(nullif(c.payload, ''), r.body), "
                "'$.visit_id') = ?) LIMIT 1",
                (visit_id, visit_id),
            ).fetchone()
            if ended is None or unsent is not None:
                live.add(str(visit_id))
        return live

    def erase_finished_visits(self) -> int:
        """Erase the visits a disposal left because they were not over or not all sent
        (:meth:`_erase_case`) that now are: over, and every record of them sent to the hub.
        The sync engine calls this at the end of each sync (before the casebook's rebuild).
        Returns how many visits went."""
        erased = 0
        prefix = _VISIT_AFTER_DISPOSAL
        waiting = "SELECT key, value FROM meta WHERE substr(key, 1, ?) = ?"
        with self.casebook.sync_reader() as db:  # nearly always none: no write transaction
            if not db.execute(waiting, (len(prefix), prefix)).fetchall():
                return 0
        with self.casebook.sync_transaction() as db:
            for key, case_id in db.execute(waiting, (len(prefix), prefix)).fetchall():
                if str(key)[len(prefix):] in self._live_visits(db, str(case_id)):
                    continue
                db.execute("DELETE FROM meta WHERE key = ?", (key,))
                self._erase_case(db, str(case_id))
                erased += 1
        return erased

    def _erase_case(self, db: Connection, case_id: str) -> int:
        """Remove every trace of a disposed case (C1), unsent work and drafts included:
        records and their search entries, every change-log row, what sync noted about them,
        conflicts, records of unknown kinds, the payloads kept for re-pushing, a batch
        outgoing that carries them, the hub's visit acknowledgements, drafts of forms and
        settings naming them. The audit keeps ids only. The freed space still holds old
        bytes until :meth:`scrub_if_pending` rebuilds the file (flagged here, in the same
        transaction). Returns how many records were removed. A laptop that held nothing of
        the case (the hub sends the purge to every user) changes nothing."""
        # A linked visit that is not over, or not all sent, stays until it is (the worker's
        # safety first: she may still be out, and the hub watches only what it is sent).
        live = self._live_visits(db, case_id)
        keep: set[str] = set()
        for visit_id in sorted(live):
            keep |= self._visit_ids(db, visit_id)
            if _meta(db, _VISIT_AFTER_DISPOSAL + visit_id) is None:
                _set_meta(db, _VISIT_AFTER_DISPOSAL + visit_id, case_id)
                self._audit(db, "visit.erasure_deferred", visit_id)
        targets = self._disposal_targets(db, case_id) - keep
        ids = _json(sorted(targets))
        kept = _json(sorted(keep))
        removed = touched = 0
        db.execute("INSERT INTO sync_purging (flag) VALUES (1)")
        try:
            rows = db.execute(
                "SELECT rowid, id FROM records WHERE id IN (SELECT value FROM json_each(?))",
                (ids,),
            ).fetchall()
            for rowid, record_id in rows:
                db.execute("DELETE FROM notes_fts WHERE rowid = ?", (rowid,))
                db.execute("DELETE FROM records WHERE rowid = ?", (rowid,))
                self._audit(db, "record.disposed", str(record_id))
                removed += 1
        finally:
            db.execute("DELETE FROM sync_purging")
        inside = "IN (SELECT value FROM json_each(?))"
        # Pushed changes kept as their change-log row go blank with it (the row stays, as
        # below, so a replay carries on past it). A finalise's payload was copied back into
        # its row when the record went (migration 9), so json_extract sees it.
        linked = ("(json_extract(nullif(payload, ''), '$.linked_case_id') = ? "
                  "AND record_id NOT IN (SELECT value FROM json_each(?)))")
        touched += db.execute(
            "UPDATE sync_pushed SET wire = '' WHERE wire = '=' AND change_id IN ("  # noqa: S608
            f"SELECT id FROM changes WHERE record_id {inside} "
            "OR json_extract(nullif(payload, ''), '$.case_id') = ? "
            f"OR {linked})",
            (ids, case_id, case_id, kept),
        ).rowcount
        for table, column in (
            ("changes", "record_id"), ("sync_records", "record_id"),
            ("sync_conflicts", "record_id"), ("sync_other_records", "record_id"),
            ("visit_watch", "visit_id"),
        ):
            touched += db.execute(
                f"DELETE FROM {table} WHERE {column} {inside}", (ids,)  # noqa: S608
            ).rowcount
        touched += drop_unnamed_files(db)  # the case's documents, unless another names one
        touched += db.execute(
            "DELETE FROM changes WHERE "  # noqa: S608
            f"json_extract(nullif(payload, ''), '$.case_id') = ? OR {linked}",
            (case_id, case_id, kept),
        ).rowcount
        # A pushed payload's row keeps its id, sequence and chain head (no personal data), so
        # a replay after a hub restore carries on past it; only the payload goes.
        touched += db.execute(
            "UPDATE sync_pushed SET wire = '' WHERE CASE WHEN wire IN ('', '=') THEN 0 ELSE ("
            "json_extract(wire, '$.record_id') IN (SELECT value FROM json_each(?)) "
            "OR json_extract(wire, '$.payload.case_id') = ? "
            "OR (json_extract(wire, '$.payload.linked_case_id') = ? "
            "AND json_extract(wire, '$.record_id') NOT IN (SELECT value FROM json_each(?)))) END",
            (ids, case_id, case_id, kept),
        ).rowcount
        for slot, request in db.execute("SELECT id, request FROM sync_outgoing").fetchall():
            if any(target in str(request) for target in targets):
                # Its changes are still unsent in the log (those of other cases are sent
                # again in a new batch); the batch itself may not keep a copy.
                touched += db.execute("DELETE FROM sync_outgoing WHERE id >= ?", (slot,)).rowcount
                break
        for key, value in db.execute(
            "SELECT key, value FROM meta WHERE key LIKE 'setting.%'"
        ).fetchall():
            named = any(target in str(key) for target in targets)
            draft = str(key).startswith("setting.draft.") and any(
                target in str(value) for target in targets
            )
            if named or draft:
                db.execute("DELETE FROM meta WHERE key = ?", (key,))
                touched += 1
        if removed or touched:
            self._audit(db, "case.disposed", case_id)
            _set_meta(db, _SCRUB_PENDING, "1")
        return removed

    def drop_refused(self, seqs: Sequence[int], reason: str) -> int:
        """The hub refused these unsent changes for good (their case was disposed of there,
        C3): remove them from the change log instead of holding them, so they are never
        retried (the disposal purge, pulled next, erases what is left of the case). Audited
        by record id only. Returns how many change rows went."""
        with self.casebook.sync_transaction() as db:
            records = sorted({
                str(r[0]) for r in db.execute(
                    "SELECT record_id FROM changes WHERE seq IN (SELECT value FROM json_each(?)) "
                    "AND sent_at IS NULL", (_json(list(seqs)),),
                )
            })
            cur = db.execute(
                "DELETE FROM changes WHERE seq IN (SELECT value FROM json_each(?)) "
                "AND sent_at IS NULL", (_json(list(seqs)),),
            )
            for record_id in records:
                self._audit(db, f"sync.dropped.{reason}", record_id)
            if cur.rowcount:
                _set_meta(db, _SCRUB_PENDING, "1")
        return int(cur.rowcount)

    def scrub_pending(self) -> bool:
        """True while a disposal's freed space has not been rebuilt yet."""
        with self.casebook.sync_reader() as db:
            return _meta(db, _SCRUB_PENDING) is not None

    def scrub_if_pending(self) -> bool:
        """After a disposal: leave no readable byte of it in the casebook file or its WAL.

        Deleting rows leaves old bytes in freed pages and in the free space of pages (from
        before ``secure_delete`` was on, or from earlier edits of a draft), old versions of
        pages in the WAL, and the search index's old segments. So: merge the search index
        (``optimize``), move the WAL into the file and empty it, ``VACUUM`` (the file is
        rebuilt page by page from live rows only), and empty the WAL again. Migration backups
        (``backups/``, copies from before an upgrade) are overwritten and removed: they hold
        the case too. Runs on the sync engine's thread; the flag set with the disposal makes
        a run that crashed half-way do it again. Returns True if it ran."""
        with self.casebook.sync_reader() as db:
            if _meta(db, _SCRUB_PENDING) is None:
                return False
            try:
                db.execute("INSERT INTO notes_fts (notes_fts) VALUES ('optimize')")
                db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
                db.execute("VACUUM")
            except sqlcipher3.Error as exc:  # e.g. a statement still open: try next run
                log.warning("casebook rebuild after a disposal postponed (%s)",
                            type(exc).__name__)
                return False
            with transaction(db):
                db.execute("DELETE FROM meta WHERE key = ?", (_SCRUB_PENDING,))
                self._audit(db, "casebook.scrubbed", None)
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
        wipe_backups(self.casebook.profile)
        return True

    # ------------------------------------------------------------------ status
    def waiting_count(self) -> int:
        """Records with changes still to send (not counting held ones)."""
        with self.casebook.sync_reader() as db:
            row = db.execute(
                "SELECT count(DISTINCT record_id) FROM changes WHERE sent_at IS NULL "
                "AND local_only = 0 AND held IS NULL AND op IN ('put', 'finalise')"
            ).fetchone()
        return int(row[0])

    def held(self) -> list[HeldRecord]:
        """What is kept on the laptop but not synced: refused changes and out-of-scope records."""
        with self.casebook.sync_reader() as db:
            rows = db.execute(
                "SELECT record_id, kind, held FROM changes WHERE held IS NOT NULL "
                "AND sent_at IS NULL GROUP BY record_id, held "
                "UNION SELECT sr.record_id, r.kind, 'out_of_scope' FROM sync_records sr "
                "JOIN records r ON r.id = sr.record_id WHERE sr.held = 1 "
                "ORDER BY 1"
            ).fetchall()
        seen: dict[str, HeldRecord] = {}
        for record_id, kind, reason in rows:
            seen.setdefault(record_id, HeldRecord(record_id, kind, reason))
        return list(seen.values())

    def conflicts(self, *, open_only: bool = True) -> list[ConflictRecord]:
        table = "open_conflicts" if open_only else "sync_conflicts"
        with self.casebook.sync_reader() as db:
            rows = db.execute(
                f"SELECT record_id, case_id, hub_seq, body, received_at FROM {table} "  # noqa: S608
                "ORDER BY hub_seq"
            ).fetchall()
        return [ConflictRecord(r[0], r[1], int(r[2]), json.loads(r[3]), r[4]) for r in rows]

    def settle_conflict(self, conflict_id: str, resolved_by: str, *, take_laptop: bool,
                        fields: Collection[str] | None = None) -> list[str]:
        """Settle an open conflict, and with it every open conflict about the same record
        whose field is among ``fields`` (resolved together); returns the ids settled.

        ``take_laptop``: set ``fields`` of the header to the laptop's values (an ordinary
        header edit, merged by the hub like any other) before marking them resolved; else the
        hub's values are kept. ``fields`` (default: the conflict's own field, or, taking the
        laptop's side, what :func:`laptop_choice` offers) must include the conflict's field,
        and any other must be tied to it by a record rule. Raises ValidationError if the
        header would then break a rule (nothing is changed).
        """
        open_ = {c.record_id: c.body for c in self.conflicts()}
        body = open_.get(conflict_id)
        if body is None:
            raise CasebookError(tr("That conflict is not open on this laptop."))
        record_id, kind, name = str(body["record_id"]), str(body["record_kind"]), str(
            body["field"])
        tied = body.get("device_tied") if isinstance(body.get("device_tied"), dict) else {}
        assert isinstance(tied, dict)
        current = self.casebook.get(record_id).record
        if fields is None and take_laptop:
            choice = laptop_choice(kind, current.to_dict(), body)
            fields = (name,) if choice is None else choice.fields
        chosen = {name} if fields is None else set(fields)
        if name not in chosen or not chosen <= {name} | set(tied):
            raise ValidationError([Problem(
                "fields", tr("must be the conflict's field and fields tied to it by a rule"))])
        if take_laptop:
            values = {f: tied[f] if f in tied else body.get("device_value") for f in chosen}
            updated = record_from_dict(kind, {**current.to_dict(), **values})
            updated.validate()
            if updated.to_dict() != current.to_dict():
                self.casebook.save(updated)
        together = sorted(
            other for other, other_body in open_.items()
            if other != conflict_id and other_body.get("record_id") == record_id
            and other_body.get("field") in chosen
        )
        settled = [conflict_id, *together]
        for other in settled:
            self.resolve_conflict(other, resolved_by,
                                  resolution="laptop" if take_laptop else "hub")
        return settled

    def resolve_conflict(self, conflict_id: str, resolved_by: str,
                         resolution: str | None = None) -> None:
        """Mark a conflict resolved (after the worker edited the header as they decided);
        ``resolution``: "hub" or "laptop", whose value was kept.

        Queued as an ordinary change of the conflict record, so the hub and every device that
        can see the case learn it is settled.
        """
        now = self.casebook.now()
        with self.casebook.sync_transaction() as db:
            row = db.execute(
                "SELECT body FROM sync_conflicts WHERE record_id = ?", (conflict_id,)
            ).fetchone()
            if row is None:
                raise CasebookError(tr("That conflict is not on this laptop."))
            body = json.loads(row[0])
            body.update(resolved=True, resolved_by=resolved_by[:64], resolved_at=now)
            if resolution is not None:
                body["resolution"] = resolution
            text = _json(body)
            db.execute(
                "UPDATE sync_conflicts SET body = ? WHERE record_id = ?", (text, conflict_id)
            )
            db.execute(
                "INSERT INTO changes (id, record_id, kind, op, payload, author, device, "
                "local_time, local_only) VALUES (?, ?, 'conflict', 'put', ?, ?, ?, ?, 0)",
                (new_id(), conflict_id, text, self.casebook.author, self.casebook.device_id, now),
            )
            self._audit(db, "conflict.resolved", conflict_id)

    def hub_seq(self, record_id: str) -> int | None:
        """The hub's sequence for the version of this record this laptop last saw."""
        with self.casebook.sync_reader() as db:
            row = db.execute(
                "SELECT hub_seq FROM sync_records WHERE record_id = ?", (record_id,)
            ).fetchone()
        return None if row is None or row[0] is None else int(row[0])

    def other_records(self) -> list[tuple[str, str]]:
        """(record id, kind) of pulled records this version of Spoke cannot show yet."""
        with self.casebook.sync_reader() as db:
            rows = db.execute(
                "SELECT record_id, kind FROM sync_other_records ORDER BY hub_seq"
            ).fetchall()
        return [(r[0], r[1]) for r in rows]

    def _audit(self, db: Connection, action: str, subject: str | None) -> None:
        db.execute(
            "INSERT INTO audit (at, actor, action, subject_id) VALUES (?, ?, ?, ?)",
            (self.casebook.now(), self.casebook.author, action, subject),
        )


def _meta(db: Connection, key: str) -> str | None:
    row = db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    return None if row is None else str(row[0])


def _set_meta(db: Connection, key: str, value: str) -> None:
    db.execute(
        "INSERT INTO meta (key, value) VALUES (?, ?) "
        "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        (key, value),
    )


def _visit_watch(row: Sequence[Any]) -> VisitWatch:
    starts = None if row[1] is None else datetime.fromisoformat(str(row[1]))
    return VisitWatch(
        visit_id=str(row[0]), escalation_starts_at=starts,
        acknowledged_at=datetime.fromisoformat(str(row[2])),
        reach=WatchReach.from_json(row[3]),
    )
