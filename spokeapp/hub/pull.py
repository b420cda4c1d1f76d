"""Pull (docs/sync.md, "Pull"): the latest version of every record in the caller's scope
(plus their purge tombstones) after a cursor, in seq order, as the ``PullResponse`` JSON.

A pull is one round trip to the database in the common case (docs/sync.md, "Speed"): the
token check and the page's reads go together, for the scope guessed from the device's last
pull (:class:`ScopeGuesses`). Logging names ids and counts only.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import orjson
from sqlalchemy import (
    BindParameter,
    Select,
    Text,
    bindparam,
    cast,
    exists,
    func,
    or_,
    select,
    union_all,
)
from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.engine.interfaces import Compiled
from sqlalchemy.orm import Session

from spokeapp.hub import devices
from spokeapp.hub.devices import Caller
from spokeapp.hub.errors import unauthorised
from spokeapp.hub.ledger import COUNTER_ID, META_EPOCH, meta
from spokeapp.hub.models import (
    HubCase,
    HubChange,
    HubCounter,
    HubMeta,
    HubRecord,
    HubTombstone,
    RestrictedRecord,
    User,
)
from spokeapp.hub.push.rows import FINAL
from spokeapp.hub.scope import Actor, scope_params, visible_authors, visible_cases
from spokeapp.hub.security import Clock
from spokeapp.sync.protocol import MAX_PULL_LIMIT, MAX_SEQ, OwnWindow

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class _PullRow:
    """One row of a pull page as stored: ``body`` is the stored JSON text (None for a purge)."""

    seq: int
    record_id: str
    kind: str
    op: str
    case_id: str | None
    body: str | None
    author: str | None
    hub_time: str


#: A disposal purge's payload as spliced into the JSON (contract C1; ordinary purges: null).
_DISPOSED_BODY = '{"disposed":true}'
#: ``hub_meta`` key of the highest seq the hub's newest backup holds (contract C2).
META_BACKUP_COVERS = "backup_covers_seq"


@dataclass(frozen=True, slots=True)
class _Page:
    hub_epoch: str
    max_seq: int
    rows: list[_PullRow]
    next_after: int
    more: bool
    backup_seq: int | None = None


#: The pull's first read: the last seq given out, and the epoch (one round trip).
_HEAD_QUERY = select(
    HubCounter.value,
    select(HubMeta.value).where(HubMeta.key == META_EPOCH).scalar_subquery(),
    # Contract C2: the highest seq the hub's newest backup holds (None: no backup known).
    select(HubMeta.value).where(HubMeta.key == META_BACKUP_COVERS).scalar_subquery(),
).where(HubCounter.id == COUNTER_ID)
_TOMBSTONE_QUERY = (
    select(HubTombstone.seq, HubTombstone.case_id, HubTombstone.hub_time,
           HubTombstone.disposed)
    .where(HubTombstone.user_id == bindparam("scope_user"),
           HubTombstone.seq > bindparam("after"))
    .order_by(HubTombstone.seq)
    .limit(bindparam("rows"))
)


#: How a page leaves out the caller's own just-pushed records: not at all, row by row
#: (:func:`_not_own_push`), or a whole range by seq (:func:`_outside_own_range`).
OwnFilter = Literal["none", "checked", "whole"]


def _own_filter(own: OwnWindow | None) -> OwnFilter:
    if own is None:
        return "none"
    return "whole" if own.whole else "checked"


def _not_own_push() -> Any:
    """True for a record the caller must still be sent when it names an own-records window
    (bound: ``own_device``, ``own_from``, ``own_to``): anything but a finalised record whose
    current version is the one this very device pushed (the hub acknowledged this device's
    change of it at exactly this seq) with a seq inside the window. A record the hub re-seq'd
    since (a reassignment, a restriction lifted, a debrief marked done), a header (the hub
    may have merged it), another device's version, a conflict: all still sent. Written as an
    OR so a NULL ``device_id`` (the hub's own records) counts as "not own"."""
    device: BindParameter[str] = bindparam("own_device")
    return or_(
        HubRecord.state != FINAL,
        HubRecord.device_id.is_(None),
        HubRecord.device_id != device,
        HubRecord.seq < bindparam("own_from"),
        HubRecord.seq > bindparam("own_to"),
        ~exists().where(
            HubChange.seq == HubRecord.seq,
            HubChange.device_id == device,
            HubChange.record_id == HubRecord.record_id,
        ),
    )


def _outside_own_range() -> Any:
    """True for a record outside the caller's window (bound: ``own_from``, ``own_to``), for a
    window the laptop says has no gap (``OwnWindow.whole``): every seq in it is a version
    that very device pushed, so the range is left out whole. Tested on the index's seq
    alone: the rows left out are never read (after a 10,000-record push the pull that
    follows read them all, ~60 ms on the embedded hub, to leave them out one by one)."""
    return or_(HubRecord.seq < bindparam("own_from"), HubRecord.seq > bindparam("own_to"))


@functools.cache
def _records_query(role: str, has_team: bool, skip_own: OwnFilter = "none"
                   ) -> _AnySelect | None:
    """The page's records for one kind of caller, built once (the person, the cursor and the
    page size are bound parameters): building a statement costs more than running it. None
    for a role that sees no records. ``skip_own``: leave out the caller's own just-pushed
    records, checking each (``"checked"``, :func:`_not_own_push`) or by seq alone
    (``"whole"``, :func:`_outside_own_range`); the laptop named the window.

    Two branches, each led by an index: the records of the caller's cases (``hub_cases`` by
    key worker or team, then ``hub_records (case_id, seq)``) and the uncased records of the
    people whose uncased records they see (``users``, then ``hub_records (author_user,
    seq)``). A single ``seq > after`` scan filtered by scope read every record anyone had
    written since the cursor (most of the table for a laptop back from a week away, and all
    200 laptops' changes for each of them in a burst); this reads only the caller's own.
    """
    columns = (
        HubRecord.seq, HubRecord.record_id, HubRecord.kind, HubRecord.state,
        HubRecord.case_id, cast(HubRecord.body, Text).label("body"),
        # Who wrote this version (docs/sync.md, "Records on the hub").
        func.coalesce(HubRecord.edited_by, HubRecord.author_user).label("author"),
        HubRecord.hub_time,
    )
    after: BindParameter[int] = bindparam("after")
    rows: BindParameter[int] = bindparam("rows")
    own_filter = {
        "none": (), "checked": (_not_own_push(),), "whole": (_outside_own_range(),),
    }[skip_own]

    def page_of(joined: Any, *where: Any) -> _AnySelect:
        """The first ``rows`` records of one branch in seq order, read in two steps: the
        page's last seq from the index alone (seqs only, no bodies), then only the rows up
        to it. Ordering the branch's whole remainder with its bodies to keep ``rows`` of
        them made every page cost as much as the records left after it: a 100,000-record
        pull read ~50 times the table (issue 18: pull at 100k within 10 % of 10k).

        Not with a window checked row by row: that filter needs each row (not the index
        alone), so the bound would read the window twice; that pull is the one after a
        push, whose page is mostly the window left out (one pass, as before). A whole
        window is left out on the index's seq, so it keeps the bound."""
        page = select(*columns).join(*joined).where(*where)
        if skip_own != "checked":
            last = (
                select(HubRecord.seq).join(*joined).where(*where).order_by(HubRecord.seq)
                .limit(1).offset(bindparam("rows_before")).scalar_subquery()
            )
            page = page.where(HubRecord.seq <= func.coalesce(last, MAX_SEQ))
        return page.order_by(HubRecord.seq).limit(rows)

    cases = visible_cases(role, has_team)
    cased = None if cases is None else page_of(
        (HubCase, HubCase.case_id == HubRecord.case_id),
        # A restricted case (a restriction request carried out) reaches no laptop.
        cases, HubCase.restricted.is_(False), HubRecord.seq > after, *own_filter,
    )
    authors = visible_authors(role, has_team)
    uncased = None if authors is None else page_of(
        (User, User.id == HubRecord.author_user),
        authors, HubRecord.case_id.is_(None), HubRecord.seq > after,
        # A referral with no case under a restriction request (its young person and
        # documents too) reaches no laptop: one probe of a table that is nearly always empty.
        ~exists().where(RestrictedRecord.record_id == HubRecord.record_id),
        *own_filter,
    )
    branches = [branch for branch in (cased, uncased) if branch is not None]
    if not branches:
        return None
    # Each branch wrapped (SQLite allows no LIMIT inside a compound select); the two never
    # overlap (a record has a case or has none).
    both = union_all(*(select(branch.subquery()) for branch in branches)).subquery()
    return select(both).order_by(both.c.seq).limit(rows)


#: Any SELECT, whatever its columns.
_AnySelect = Select[*tuple[Any, ...]]


@functools.cache
def _driver_sql(statement: _AnySelect, dialect: Dialect) -> Compiled:
    """``statement`` compiled once for ``dialect``, to be run straight on the driver."""
    return statement.compile(dialect=dialect)


def _read_together(conn: Connection, queries: list[tuple[_AnySelect, dict[str, Any]]]
                   ) -> list[Sequence[Any]]:
    """The rows of each query, run one after the other (on PostgreSQL in autocommit, each in
    its own snapshot, in order). On PostgreSQL they go in one psycopg pipeline: one round trip
    for all and no SQLAlchemy execution machinery (a pull's three reads cost ~0.4 ms of the
    hub's CPU through it, and each round trip waits for the GIL again under load)."""
    if conn.dialect.name != "postgresql":
        return [conn.execute(query, params).all() for query, params in queries]
    driver = conn.connection.driver_connection
    assert driver is not None
    cursors = []
    with driver.pipeline():
        for query, params in queries:
            compiled = _driver_sql(query, conn.dialect)
            cursor = driver.cursor()
            cursor.execute(str(compiled), compiled.construct_params(params))
            cursors.append(cursor)
    try:
        return [cursor.fetchall() for cursor in cursors]
    finally:
        for cursor in cursors:
            cursor.close()


def _scope_reads(actor: Actor, after: int, limit: int, device_id: str,
                 own: OwnWindow | None = None) -> list[tuple[_AnySelect, dict[str, Any]]]:
    """A page's reads for ``actor``: their tombstones, then the records in their scope (less
    ``device_id``'s own just-pushed records in the window ``own``, if named)."""
    params: dict[str, Any] = {**scope_params(actor), "after": after, "rows": limit + 1,
                              "rows_before": limit}
    if own is not None:
        params.update(own_from=own.first, own_to=own.last)
        if not own.whole:
            params.update(own_device=device_id)
    reads: list[tuple[_AnySelect, dict[str, Any]]] = [(_TOMBSTONE_QUERY, params)]
    records = _records_query(actor.role, actor.team is not None, _own_filter(own))
    if records is not None:
        reads.append((records, params))
    return reads


class ScopeGuesses:
    """Each device's person as its last pull found them (user, role, team): a pull sends its
    token check and its page's reads together, for the scope guessed from this, and reads
    again only if the token check finds the person's role or team changed. Bounded: emptied
    when it holds ``limit`` devices. One per app (``create_app`` makes it)."""

    def __init__(self, limit: int = 50_000) -> None:
        self.limit = limit
        self._actors: dict[str, Actor] = {}

    def get(self, device_id: str) -> Actor | None:
        return self._actors.get(device_id)

    def remember(self, device_id: str, actor: Actor) -> None:
        if len(self._actors) >= self.limit:
            self._actors.clear()
        self._actors[device_id] = actor

    def __len__(self) -> int:
        return len(self._actors)


def pull_json_for(session: Session, authorization: str | None, clock: Clock, after: int,
                  limit: int, guesses: ScopeGuesses, own: OwnWindow | None = None) -> bytes:
    """The ``PullResponse`` JSON body for the device behind ``authorization``, its token check
    included, in one round trip to the database in the common case (docs/sync.md, "Speed").
    Each stored body is spliced in as the JSON text it is stored as (the hub wrote it; it is
    never re-parsed).

    The device's row (status, person, role, team) is read with the counter and the reads of
    the page for the scope that device had last time (``guesses``). Nothing read is used
    unless the token check passes and finds that same scope; otherwise the page is read again
    for the scope it found. The refusals are :func:`devices.authenticate`'s.

    ``own`` (optional, newer laptops): the seqs the hub gave this device's events in the
    pushes just before; those records, as this device pushed them, are left out of the page
    (the push's acknowledgement told the laptop their seqs) while ``next_after`` still
    covers them (docs/sync.md, "Own records are not pulled back")."""
    limit = max(1, min(limit, MAX_PULL_LIMIT))
    device_id = devices.claimed_device(devices.token_secret(session), authorization, clock())
    if device_id is None:
        raise unauthorised()  # a stranger: nothing is read
    guess = guesses.get(device_id)
    reads = [(devices.CALLER_QUERY, {"device_id": device_id}), (_HEAD_QUERY, {})]
    if guess is not None:
        reads += _scope_reads(guess, after, limit, device_id, own)
    conn = session.connection()
    found, heads, *scoped = _read_together(conn, reads)
    caller = devices.answer_for(found[0] if found else None).result()
    actor = caller.actor
    if guess is None or (guess.user_id, guess.role, guess.team) != (
            actor.user_id, actor.role, actor.team):
        guesses.remember(device_id, actor)
        scoped = _read_together(conn, _scope_reads(actor, after, limit, device_id, own))
    return _page_json(_assemble(session, caller, heads, scoped, after, limit))


def _assemble(session: Session, caller: Caller, heads: Sequence[Any],
              scoped: list[Sequence[Any]], after: int, limit: int) -> _Page:
    """The page from what was read: the counter and epoch, the tombstones, the records."""
    tombstones = scoped[0]
    record_rows = scoped[1] if len(scoped) > 1 else []
    head = heads[0] if heads else None
    if head is None or head[1] is None:  # not initialised: meta() raises HubNotInitialised
        top, epoch = 0, meta(session, META_EPOCH)
    else:
        top, epoch = int(head[0] or 0), str(head[1])
    backup_seq = int(head[2]) if head is not None and head[2] is not None else None
    rows = [
        _PullRow(int(seq), record_id, kind, "finalise" if state == FINAL else "put", case_id,
                 body, author, hub_time)
        for seq, record_id, kind, state, case_id, body, author, hub_time in record_rows
    ]
    if tombstones:
        rows += [
            _PullRow(int(seq), case_id, "case", "purge", case_id,
                     _DISPOSED_BODY if disposed else None, None, hub_time)
            for seq, case_id, hub_time, disposed in tombstones
        ]
        rows.sort(key=lambda r: r.seq)
    page = rows[:limit]
    more = len(rows) > limit
    if more:
        next_after = page[-1].seq
    else:
        next_after = max([after, top] + [r.seq for r in page]) if after <= top else after
    # Debug, not info: laptops pull far more often than they write, and the hub's log is for
    # what changed (each push is logged at info).
    log.debug("pull by device %s: %d changes after %d", caller.device.id, len(page), after)
    return _Page(
        hub_epoch=epoch,
        max_seq=max([top] + [r.seq for r in page[-1:]]),
        rows=page, next_after=next_after, more=more, backup_seq=backup_seq,
    )


def _page_json(page: _Page) -> bytes:
    return orjson.dumps({
        "hub_epoch": page.hub_epoch, "max_seq": page.max_seq,
        "changes": [
            {"seq": r.seq, "record_id": r.record_id, "kind": r.kind, "op": r.op,
             "case_id": r.case_id,
             "payload": None if r.body is None else orjson.Fragment(r.body),
             "author": r.author, "hub_time": r.hub_time}
            for r in page.rows
        ],
        "next_after": page.next_after, "more": page.more, "backup_seq": page.backup_seq,
    })
