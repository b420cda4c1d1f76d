"""The two-stage push queue (docs/sync.md, "Speed"): pushes as they arrive
(:class:`ArrivedPush`) are checked a batch at a time (token, parsing, signature, chain: no
lock) and written a group at a time (:func:`spokeapp.hub.push.group.push_group`: one
transaction, one commit), each answered only once durable.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import Executor, Future
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import anyio.to_thread
from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError as PydanticValidationError
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from spokeapp.domain.attachments import DEFAULT_ATTACHMENT_LIMIT
from spokeapp.hub import devices
from spokeapp.hub.db import reading_session
from spokeapp.hub.devices import Caller
from spokeapp.hub.errors import HubError
from spokeapp.hub.push.checks import chain_signed, prepare_push
from spokeapp.hub.push.group import QueuedPush, push_group_answers
from spokeapp.hub.security import Clock
from spokeapp.sync.protocol import MAX_BATCH_BYTES, PushRequest

#: What the push queue's first stage makes of a push for its second.
T = TypeVar("T")


def parse_push(raw: bytes) -> PushRequest:
    """The push body validated straight from its bytes (pydantic's JSON parser, in Rust);
    errors are reported exactly as FastAPI's own body validation would (``body.changes...``).
    """
    try:
        return PushRequest.model_validate_json(raw)
    except PydanticValidationError as exc:
        errors = [
            {"type": e["type"], "loc": ("body", *e["loc"]), "msg": e["msg"]}
            for e in exc.errors(include_url=False, include_input=False)
        ]
        raise RequestValidationError(errors) from None



#: Threads verifying batch signatures beside the checking stage (:func:`prepare_pushes`).
VERIFY_THREADS = 2

#: A group commit takes at most this many queued pushes ...
GROUP_MAX_PUSHES = 250
#: ... and at most this many bytes of request bodies (a lone push larger still goes alone).
GROUP_MAX_BYTES = MAX_BATCH_BYTES


@dataclass(frozen=True, slots=True)
class ArrivedPush:
    """A push as it arrived: its token and its body, not yet checked or parsed."""

    authorization: str | None
    raw: bytes


#: What the group writer answers for each push: its response body, or the exception (a
#: HubError, or FastAPI's RequestValidationError for a malformed body) that refuses it.
PushOutcome = bytes | Exception


@dataclass(frozen=True, slots=True)
class _Waiting:
    """A push in the queue as it arrived, and the future its request awaits."""

    arrived: ArrivedPush
    future: asyncio.Future[bytes]

    def __len__(self) -> int:
        return len(self.arrived.raw)


@dataclass(frozen=True, slots=True)
class _CheckedPush(Generic[T]):
    """A push that passed the first stage, as that stage prepared it."""

    waiting: _Waiting
    prepared: T

    def __len__(self) -> int:
        return len(self.waiting)


Q = TypeVar("Q", _Waiting, _CheckedPush[Any])


class PushQueue(Generic[T]):
    """Group commit for one event loop, in two stages (docs/sync.md, "Speed").

    Each push waits here for the write lock. A checking task takes the pushes that have
    arrived and runs ``prepare`` on them as one batch in a thread of its own (token checks,
    parsing, signature and chain: no lock); a push it refuses is answered at once. A writing
    task takes the checked pushes and runs ``write`` on them as one group in another thread
    (:func:`push_group`: one transaction, one commit, a savepoint per push that
    is not the common case) and answers them all after the commit. The two stages overlap:
    the next pushes are checked while a group waits on the database. Order of arrival is
    kept through both. A push whose client went away is still written (it may already be),
    exactly as without the queue; its laptop re-sends it and the hub answers ``duplicate``.
    """

    def __init__(self, prepare: Callable[[list[ArrivedPush]], list[T | Exception]],
                 write: Callable[[list[T]], list[PushOutcome]]) -> None:
        self._prepare = prepare
        self._write = write
        self._arrived: list[_Waiting] = []
        self._checked: list[_CheckedPush[T]] = []
        self._checker: asyncio.Task[None] | None = None
        self._writer: asyncio.Task[None] | None = None
        # Each stage has a thread limiter of its own: neither queues for a worker thread
        # behind the requests the queue is keeping waiting, nor behind the other stage.
        self._check_thread = anyio.CapacityLimiter(1)
        self._write_thread = anyio.CapacityLimiter(1)

    async def submit(self, item: ArrivedPush) -> bytes:
        """The push's acknowledgement (its response body) once durably written; raises what
        refused it."""
        future: asyncio.Future[bytes] = asyncio.get_running_loop().create_future()
        self._arrived.append(_Waiting(item, future))
        if self._checker is None or self._checker.done():
            self._checker = asyncio.create_task(self._check())
        return await future

    async def drain(self) -> None:
        """Return once every push handed to the queue has been checked and written (or
        refused), including those whose client stopped waiting: what a graceful shutdown
        waits for before the hub stops (docs/hub-admin.md, "Stopping the hub")."""
        while True:
            busy = [task for task in (self._checker, self._writer)
                    if task is not None and not task.done()]
            if not busy:
                return
            await asyncio.wait(busy)

    @staticmethod
    def _take(queue: list[Q]) -> list[Q]:
        """The first pushes of ``queue`` (removed from it): at most GROUP_MAX_PUSHES and
        GROUP_MAX_BYTES of bodies, and always at least one."""
        group = [queue[0]]
        size = len(group[0])
        for entry in queue[1:GROUP_MAX_PUSHES]:
            if size + len(entry) > GROUP_MAX_BYTES:
                break
            group.append(entry)
            size += len(entry)
        del queue[:len(group)]
        return group

    @staticmethod
    async def _in_thread(work: Callable[[list[Any]], list[Any]], items: list[Any],
                         limiter: anyio.CapacityLimiter) -> list[Any]:
        """``work(items)`` in a thread of ``limiter``: one result per item, or, if it raised,
        that exception for every item (nothing of them was stored)."""
        try:
            return await anyio.to_thread.run_sync(work, items, limiter=limiter)
        except Exception as exc:
            return [exc] * len(items)

    @staticmethod
    def _answer(future: asyncio.Future[bytes], outcome: PushOutcome) -> None:
        if future.done():  # the client went away
            return
        if isinstance(outcome, Exception):
            future.set_exception(outcome)
        else:
            future.set_result(outcome)

    async def _check(self) -> None:
        while self._arrived:
            batch = self._take(self._arrived)
            results = await self._in_thread(
                self._prepare, [entry.arrived for entry in batch], self._check_thread)
            for entry, result in zip(batch, results, strict=True):
                if isinstance(result, Exception):
                    self._answer(entry.future, result)
                else:
                    self._checked.append(_CheckedPush(entry, result))
            if self._checked and (self._writer is None or self._writer.done()):
                self._writer = asyncio.create_task(self._write_checked())
        # Nothing has arrived (and nothing can before this returns: no await): the next push
        # starts a new checker. Dropping the task also lets the loop be collected.
        self._checker = None

    async def _write_checked(self) -> None:
        while self._checked:
            group = self._take(self._checked)
            outcomes = await self._in_thread(
                self._write, [entry.prepared for entry in group], self._write_thread)
            for entry, outcome in zip(group, outcomes, strict=True):
                self._answer(entry.waiting.future, outcome)
        self._writer = None


def prepare_pushes(engine: Engine, clock: Clock, group: list[ArrivedPush], *,
                   attachment_max_bytes: int = DEFAULT_ATTACHMENT_LIMIT,
                   verifier: Executor | None = None) -> list[QueuedPush | Exception]:
    """The first stage of :class:`PushQueue`, in its own thread: every token of the batch
    checked in one query, then each body parsed and checked (no lock). Each push becomes a
    ``QueuedPush`` for :func:`write_prepared`, or the exception that refuses it (401, 400/422,
    ...). ``attachment_max_bytes``: the hub's limit for one attached file.

    ``verifier``: threads for the batch signatures. Ed25519 verification (~0.13 ms here, a
    quarter of a push's checks) releases the GIL, so each push's is started as soon as its
    body is parsed and runs on another core while this thread parses and checks the rest
    (docs/sync.md, "Speed"); without one, each is verified in turn here."""
    with reading_session(engine) as session:
        # A retired device may still push what it holds.
        callers = devices.authenticate_many(
            session, [item.authorization for item in group], clock, allow_retired=True)
    parsed: list[tuple[Caller, PushRequest, Future[bool] | None] | Exception] = []
    for item, who in zip(group, callers, strict=True):
        try:
            caller = who.result()
            body = parse_push(item.raw)  # only after the token check: strangers learn nothing
        except (HubError, RequestValidationError) as exc:
            parsed.append(exc)
            continue
        signed = None if verifier is None else verifier.submit(chain_signed, caller.device, body)
        parsed.append((caller, body, signed))
    checked: list[QueuedPush | Exception] = []
    for entry in parsed:
        if isinstance(entry, Exception):
            checked.append(entry)
            continue
        caller, body, signed = entry
        checked.append(QueuedPush(caller, body, prepare_push(
            caller, body, attachment_max_bytes=attachment_max_bytes,
            signed=None if signed is None else signed.result)))
    return checked


def write_prepared(engine: Engine, clock: Clock, group: list[QueuedPush]
                   ) -> list[PushOutcome]:
    """The second stage of :class:`PushQueue`, in its own thread: the group written by
    :func:`push_group` (the lock, one transaction), each push then answered."""
    with Session(engine) as session:
        # Serialised only after the group's one commit: durable acknowledgements.
        return list(push_group_answers(session, group, clock))


def write_pushes(engine: Engine, clock: Clock, group: list[ArrivedPush], *,
                 attachment_max_bytes: int = DEFAULT_ATTACHMENT_LIMIT) -> list[PushOutcome]:
    """Both stages for one group, one after the other (what the queue does, without the
    overlap): each push's response body or the exception that refused it."""
    checked = prepare_pushes(engine, clock, group, attachment_max_bytes=attachment_max_bytes)
    queued = [item for item in checked if not isinstance(item, Exception)]
    written = iter(write_prepared(engine, clock, queued) if queued else [])
    return [item if isinstance(item, Exception) else next(written) for item in checked]
