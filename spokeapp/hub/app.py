"""The hub's HTTP API (docs/sync.md, "Endpoints"): FastAPI over the sync service.

Every error, including FastAPI's own request-validation errors, is an ``ErrorBody`` with a
stable code; validation errors name the fields at fault but never repeat submitted values,
which may be personal data. Request bodies over their route's limit (``BODY_LIMITS``) are
refused with 413 before they are parsed; query strings with control characters or bytes
that are not UTF-8 with 400. Enrolment and token requests are throttled (429 with
``Retry-After``). The OpenAPI document and its pages are served only when asked for, on
loopback (``spoke-hub serve --api-docs``); ``spoke-hub openapi`` prints the document.
"""

from __future__ import annotations

import asyncio
import logging
import weakref
from collections.abc import Awaitable, Callable, MutableMapping
from concurrent.futures import Executor, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Annotated, Any, Generic, Literal, TypeVar
from urllib.parse import parse_qsl, unquote_to_bytes

import anyio.to_thread
from fastapi import FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, TypeAdapter
from pydantic import ValidationError as PydanticValidationError
from sqlalchemy import Engine, create_engine
from sqlalchemy.orm import Session
from starlette.exceptions import HTTPException as StarletteHTTPException

from spokeapp.hub import areas, audit_trail, devices, lone_working, reports, sync_service, team
from spokeapp.hub.config import HubSettings, is_loopback
from spokeapp.hub.db import make_engine, reading_session
from spokeapp.hub.deps import Authorization
from spokeapp.hub.errors import HubError
from spokeapp.hub.ledger import META_EPOCH, HubNotInitialised, meta
from spokeapp.hub.security import Clock, Refused, Throttle, ThrottleRule, utc_now
from spokeapp.sync.protocol import (
    API_PREFIX,
    DEFAULT_PULL_LIMIT,
    MAX_BATCH_BYTES,
    MAX_CASE_VIEWS,
    MAX_PULL_LIMIT,
    MAX_SEQ,
    DeviceStatus,
    EnrolRequest,
    EnrolResponse,
    ErrorBody,
    PullResponse,
    PushRequest,
    PushResponse,
    TokenRequest,
    TokenResponse,
)

log = logging.getLogger(__name__)

#: What the push queue's first stage makes of a push for its second.
T = TypeVar("T")

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


#: The ``Authorization: Bearer <access token>`` header of device requests.

_JSON = "application/json"


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


class Health(BaseModel):
    """``GET /healthz``: the hub is up, and which epoch it is in."""

    status: Literal["ok"]
    hub_epoch: str


def _error(status: int, code: str, message: str, wipe: bool | None = None) -> JSONResponse:
    body = ErrorBody(error=code, message=message, wipe=wipe)
    return JSONResponse(status_code=status, content=body.model_dump(exclude_none=True))


def invalid_request(exc: RequestValidationError) -> JSONResponse:
    """The answer to a request that does not match the protocol: 400 for a body that is not
    JSON, 413 for too many changes, else 422 naming the fields and rules broken."""
    errors = exc.errors()
    if any(e.get("type") == "json_invalid" for e in errors):
        return _error(400, "malformed_json", "The request body is not valid JSON.")
    if any(
        e.get("type") == "too_long" and tuple(e.get("loc", ()))[-1:] == ("changes",)
        for e in errors
    ):
        return _error(413, "batch_too_large", "Too many changes in one batch.")
    # Name the fields and the rule only: the submitted values may be personal data.
    parts = sorted(
        {
            f"{'.'.join(str(p) for p in e.get('loc', ()))}: {e.get('type', 'invalid')}"
            for e in errors
        }
    )
    shown = "; ".join(parts[:20]) + ("; ..." if len(parts) > 20 else "")
    return _error(422, "invalid_request", f"The request does not match the protocol: {shown}")


_ERRORS: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorBody}
    for status in (400, 401, 403, 404, 409, 413, 422, 429, 500, 503)
}

#: The largest request body each route takes, in bytes (docs/sync.md, "Limits"); any other
#: path takes at most ``DEFAULT_BODY_LIMIT``. A body-taking route added later names its limit
#: here.
DEFAULT_BODY_LIMIT = 64 * 1024
BODY_LIMITS: dict[str, int] = {
    f"{API_PREFIX}/sync/push": MAX_BATCH_BYTES,
    f"{API_PREFIX}/enrol": 4 * 1024,
    f"{API_PREFIX}/token": 4 * 1024,
    # 1000 views of ~200 bytes each, with room to spare.
    f"{API_PREFIX}/audit/case-views": MAX_CASE_VIEWS * 512,
}


def _has_controls(text: str) -> bool:
    return any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in text)


def query_refusal(query_string: bytes) -> str | None:
    """Why a query string is refused before any route sees it (None: it is fine): a value or
    name with a control character (NUL would reach the database, where PostgreSQL refuses
    it) or percent-escapes that are not UTF-8."""
    if not query_string:
        return None
    for part in query_string.split(b"&"):
        for piece in part.split(b"=", 1):
            try:
                text = unquote_to_bytes(piece.replace(b"+", b" ")).decode("utf-8")
            except UnicodeDecodeError:
                return "The query string is not UTF-8."
            if _has_controls(text):
                return "The query string holds control characters."
    return None


class _TooLarge(Exception):
    """Raised while reading a body that grew past the limit."""


class BodyLimit:
    """ASGI middleware in front of everything: 413 for a request body over its route's limit
    (``limits``, else ``limit``), before it is parsed; 400 for a query string with control
    characters or escapes that are not UTF-8; 500 without a traceback in the log for any bug.

    A declared ``Content-Length`` over the limit is refused without reading anything; a
    chunked body is read here, counted as it arrives, and refused as soon as it passes the
    limit (inside a route the refusal would have been caught by the body parser and answered
    400), then handed on whole.
    """

    def __init__(self, app: ASGIApp, limit: int = DEFAULT_BODY_LIMIT,
                 limits: dict[str, int] | None = None) -> None:
        self.app = app
        self.limit = limit
        self.limits = dict(BODY_LIMITS if limits is None else limits)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        refusal = query_refusal(scope.get("query_string", b""))
        if refusal is not None:
            await _error(400, "invalid_query", refusal)(scope, receive, send)
            return
        limit = self.limits.get(scope.get("path", ""), self.limit)
        has_body = False
        for name, value in scope.get("headers", []):
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    declared = 0
                if declared > limit:
                    await self._refuse(scope, receive, send, limit)
                    return
                has_body = declared > 0
            elif name == b"transfer-encoding":
                has_body = True
        started = False
        downstream = receive
        if has_body:
            try:
                body = await self._read(receive, limit)
            except _TooLarge:
                await self._refuse(scope, receive, send, limit)
                return
            if body is None:  # the client went away: nothing to answer
                return
            downstream = _replay(body, receive)

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, downstream, tracking_send)
        except Exception as exc:
            # Never let a traceback (whose message may quote SQL parameters) reach the log.
            log.error("unexpected error: %s", type(exc).__name__)
            if not started:
                response = _error(
                    500, "internal_error", "The hub hit an unexpected error; nothing was stored."
                )
                await response(scope, receive, send)

    @staticmethod
    async def _read(receive: Receive, limit: int) -> bytes | None:
        """The whole body; raises _TooLarge as soon as it passes ``limit``; None if the
        client disconnected first."""
        chunks: list[bytes] = []
        seen = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return None
            chunk = message.get("body", b"")
            seen += len(chunk)
            if seen > limit:
                raise _TooLarge
            chunks.append(chunk)
            if not message.get("more_body", False):
                return b"".join(chunks)

    @staticmethod
    async def _refuse(scope: Scope, receive: Receive, send: Send, limit: int) -> None:
        if scope.get("path") == PUSH_PATH:
            code, hint = "batch_too_large", "send smaller batches"
        else:
            code, hint = "body_too_large", "nothing was read"
        response = _error(413, code, f"The request is larger than {limit} bytes; {hint}.")
        await response(scope, receive, send)


def _replay(body: bytes, receive: Receive) -> Receive:
    """A ``receive`` that gives ``body`` as one message, then waits on the real one (which
    reports a disconnect)."""
    given = False

    async def replay() -> Message:
        nonlocal given
        if not given:
            given = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


# --------------------------------------------------------------------------- throttling
#: Enrolment (docs/sync.md, "Limits"): per address 60 units refilled over 15 minutes, a bad
#: code costing 10 and a good one 1 - six wrong codes in a row, then one every 2.5 minutes;
#: for the whole hub ten times that.
ENROL_PER_ADDRESS = ThrottleRule(capacity=60, window_seconds=15 * 60, failure_cost=10)
ENROL_OVERALL = ThrottleRule(capacity=600, window_seconds=15 * 60, failure_cost=10)
#: Token refresh: every laptop asks every quarter of an hour or so, many from one office
#: address; a refused refresh token costs 10.
TOKEN_PER_ADDRESS = ThrottleRule(capacity=600, window_seconds=15 * 60, failure_cost=10)
TOKEN_OVERALL = ThrottleRule(capacity=20_000, window_seconds=15 * 60, failure_cost=10)


@dataclass(frozen=True, slots=True)
class Throttles:
    """The hub's throttles for enrolment and token requests (one pair per app, per process)."""

    enrol: Throttle
    token: Throttle

    @classmethod
    def default(cls, clock: Clock, *, exempt_loopback: bool = True) -> Throttles:
        """The documented limits; loopback addresses count towards the overall limits only,
        unless ``exempt_loopback`` is False (tests)."""
        exempt = is_loopback if exempt_loopback else None
        return cls(
            enrol=Throttle(ENROL_PER_ADDRESS, ENROL_OVERALL, clock, exempt=exempt),
            token=Throttle(TOKEN_PER_ADDRESS, TOKEN_OVERALL, clock, exempt=exempt),
        )


def _too_many(retry_after: int) -> JSONResponse:
    response = _error(
        429, "too_many_attempts",
        f"Too many attempts; try again in {retry_after} seconds.",
    )
    response.headers["Retry-After"] = str(retry_after)
    return response


def _address(request: Request) -> str:
    return request.client.host if request.client is not None else ""


def _throttled(throttle: Throttle, request: Request, what: str,
               work: Callable[[], T]) -> T | JSONResponse:
    """``work()`` if ``throttle`` admits the caller's address (429 with Retry-After if not);
    an attempt that raises counts as a failure (docs/sync.md, "Limits")."""
    address = _address(request)
    try:
        throttle.admit(address)
    except Refused as exc:
        log.warning("%s throttled", what)
        return _too_many(exc.retry_after)
    succeeded = False
    try:
        result = work()
        succeeded = True
        return result
    finally:
        throttle.settle(address, succeeded=succeeded)


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
class _Checked(Generic[T]):
    """A push that passed the first stage, as that stage prepared it."""

    waiting: _Waiting
    prepared: T

    def __len__(self) -> int:
        return len(self.waiting)


Q = TypeVar("Q", _Waiting, _Checked[Any])


class PushQueue(Generic[T]):
    """Group commit for one event loop, in two stages (docs/sync.md, "Speed").

    Each push waits here for the write lock. A checking task takes the pushes that have
    arrived and runs ``prepare`` on them as one batch in a thread of its own (token checks,
    parsing, signature and chain: no lock); a push it refuses is answered at once. A writing
    task takes the checked pushes and runs ``write`` on them as one group in another thread
    (:func:`sync_service.push_group`: one transaction, one commit, a savepoint per push that
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
        self._checked: list[_Checked[T]] = []
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
                    self._checked.append(_Checked(entry, result))
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


def prepare_pushes(engine: Engine, clock: Clock, group: list[ArrivedPush]
                   ) -> list[sync_service.QueuedPush | Exception]:
    """The first stage of :class:`PushQueue`, in its own thread: every token of the batch
    checked in one query, then each body parsed and checked (no lock). Each push becomes a
    ``QueuedPush`` for :func:`write_prepared`, or the exception that refuses it (401, 400/422,
    ...)."""
    with reading_session(engine) as session:
        # A retired device may still push what it holds.
        callers = devices.authenticate_many(
            session, [item.authorization for item in group], clock, allow_retired=True)
    checked: list[sync_service.QueuedPush | Exception] = []
    for item, who in zip(group, callers, strict=True):
        try:
            caller = who.result()
            body = parse_push(item.raw)  # only after the token check: strangers learn nothing
        except (HubError, RequestValidationError) as exc:
            checked.append(exc)
            continue
        checked.append(sync_service.QueuedPush(
            caller, body, sync_service.prepare_push(caller, body)))
    return checked


def write_prepared(engine: Engine, clock: Clock, group: list[sync_service.QueuedPush]
                   ) -> list[PushOutcome]:
    """The second stage of :class:`PushQueue`, in its own thread: the group written by
    :func:`sync_service.push_group` (the lock, one transaction), each push then answered."""
    with Session(engine) as session:
        written = sync_service.push_group(session, group, clock)
    # Serialised only now, after the group's one commit: durable acknowledgements.
    return [outcome if isinstance(outcome, HubError)
            else outcome.model_dump_json().encode("utf-8") for outcome in written]


def write_pushes(engine: Engine, clock: Clock, group: list[ArrivedPush]) -> list[PushOutcome]:
    """Both stages for one group, one after the other (what the queue does, without the
    overlap): each push's response body or the exception that refused it."""
    checked = prepare_pushes(engine, clock, group)
    queued = [item for item in checked if not isinstance(item, Exception)]
    written = iter(write_prepared(engine, clock, queued) if queued else [])
    return [item if isinstance(item, Exception) else next(written) for item in checked]


#: Threads serving pulls, per process. Few: a pull is mostly Python, so more threads only
#: share the GIL more thinly - with 20, the event loop took up to 130 ms to take up a
#: finished pull while 200 laptops pulled at once (docs/sync.md, "Speed").
PULL_THREADS = 4
PUSH_PATH = f"{API_PREFIX}/sync/push"
PULL_PATH = f"{API_PREFIX}/sync/pull"
_QUERY_INT: TypeAdapter[int] = TypeAdapter(int)


def _pull_query(query_string: bytes) -> tuple[int, int]:
    """``after`` and ``limit`` of a pull, checked exactly as the FastAPI route declares them
    (pydantic's int parsing, 0 <= after <= MAX_SEQ, 1 <= limit <= MAX_PULL_LIMIT; a repeated
    name counts its last value, as in Starlette); raises RequestValidationError naming what
    is wrong."""
    given = dict(parse_qsl(query_string.decode("latin-1"), keep_blank_values=True))
    values: dict[str, int] = {"after": 0, "limit": DEFAULT_PULL_LIMIT}
    errors: list[dict[str, Any]] = []
    for name, low, high in (("after", 0, MAX_SEQ), ("limit", 1, MAX_PULL_LIMIT)):
        if name not in given:
            continue
        try:
            value = _QUERY_INT.validate_python(given[name])
        except PydanticValidationError:
            errors.append({"type": "int_parsing", "loc": ("query", name)})
            continue
        if value < low:
            errors.append({"type": "greater_than_equal", "loc": ("query", name)})
        elif value > high:
            errors.append({"type": "less_than_equal", "loc": ("query", name)})
        values[name] = value
    if errors:
        raise RequestValidationError(errors)
    return values["after"], values["limit"]


class SyncRoutes:
    """ASGI middleware: push and pull - the two requests every laptop makes on every sync -
    answered without FastAPI's routing, dependency solving and response classes.

    With 200 laptops syncing at once that machinery was most of the hub's event-loop time
    (docs/sync.md, "Speed"). The FastAPI routes stay declared (they are the OpenAPI
    document) and answer the same way; the tests drive these. Token, body and query checks,
    errors and bodies are the same: ``push`` is the push queue, ``pull`` the pull in a
    thread of ``pull_threads``.
    """

    def __init__(self, app: ASGIApp, *,
                 push: Callable[[str | None, bytes], Awaitable[bytes]],
                 pull: Callable[[str | None, int, int], bytes],
                 pull_threads: Executor) -> None:
        self.app = app
        self.push = push
        self.pull = pull
        self.pull_threads = pull_threads

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            path, method = scope["path"], scope["method"]
            if path == PULL_PATH and method == "GET":
                await self._answer(self._pull(scope), scope, receive, send)
                return
            if path == PUSH_PATH and method == "POST":
                await self._answer(self._push(scope, receive), scope, receive, send)
                return
        await self.app(scope, receive, send)

    @staticmethod
    def _authorization(scope: Scope) -> str | None:
        for name, value in scope["headers"]:
            if name == b"authorization":
                return str(value.decode("latin-1"))
        return None

    async def _pull(self, scope: Scope) -> bytes:
        after, limit = _pull_query(scope["query_string"])
        return await asyncio.get_running_loop().run_in_executor(
            self.pull_threads, self.pull, self._authorization(scope), after, limit)

    async def _push(self, scope: Scope, receive: Receive) -> bytes:
        chunks: list[bytes] = []
        while True:  # bounded by BodyLimit, outside this
            message = await receive()
            if message["type"] == "http.disconnect":
                raise _ClientGone
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                break
        # Parsed only after the token check (in the queue): strangers learn nothing.
        return await self.push(self._authorization(scope), b"".join(chunks))

    @staticmethod
    async def _answer(work: Awaitable[bytes], scope: Scope, receive: Receive,
                      send: Send) -> None:
        try:
            content = await work
        except _ClientGone:
            return
        except HubError as exc:
            await _error(exc.status, exc.code, exc.message, exc.wipe)(scope, receive, send)
            return
        except HubNotInitialised as exc:
            await _error(503, "hub_not_initialised", str(exc))(scope, receive, send)
            return
        except RequestValidationError as exc:
            await invalid_request(exc)(scope, receive, send)
            return
        await send({"type": "http.response.start", "status": 200, "headers": [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(content)).encode("ascii")),
        ]})
        await send({"type": "http.response.body", "body": content})


class _ClientGone(Exception):
    """The client disconnected before its request body arrived: nothing to answer."""


def create_app(
    settings: HubSettings | None = None,
    *,
    engine: Engine | None = None,
    clock: Clock = utc_now,
    throttles: Throttles | None = None,
) -> FastAPI:
    """The hub application on ``engine`` (or one made from ``settings``).

    The OpenAPI document (``/openapi.json``, ``/docs``, ``/redoc``) is served only when
    ``settings.api_docs`` and the hub listens on loopback (``settings.serves_api_docs``).
    """
    settings = settings or HubSettings.from_env()
    hub_engine = engine if engine is not None else make_engine(settings.database_url)
    token_seconds = settings.access_token_seconds
    limits = throttles or Throttles.default(clock)
    docs = settings.serves_api_docs

    app = FastAPI(
        title="Spoke Hub",
        version="1",
        description="Sync hub for Spoke casebooks. See docs/sync.md.",
        lifespan=lone_working.lifespan(hub_engine, clock),  # the escalation watch (issue 5)
        openapi_url="/openapi.json" if docs else None,
        docs_url="/docs" if docs else None,
        redoc_url="/redoc" if docs else None,
    )
    app.state.engine = hub_engine
    app.state.clock = clock
    app.state.throttles = limits

    @app.exception_handler(HubError)
    async def _hub_error(_request: Request, exc: HubError) -> JSONResponse:
        return _error(exc.status, exc.code, exc.message, exc.wipe)

    @app.exception_handler(HubNotInitialised)
    async def _not_initialised(_request: Request, exc: HubNotInitialised) -> JSONResponse:
        return _error(503, "hub_not_initialised", str(exc))

    @app.exception_handler(RequestValidationError)
    async def _invalid(_request: Request, exc: RequestValidationError) -> JSONResponse:
        return invalid_request(exc)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
        return _error(exc.status_code, code, str(exc.detail))

    @app.get("/healthz", response_model=Health, responses=_ERRORS)
    def healthz() -> Health:
        with Session(hub_engine) as session:
            return Health(status="ok", hub_epoch=meta(session, META_EPOCH))

    @app.post(f"{API_PREFIX}/enrol", response_model=EnrolResponse, responses=_ERRORS)
    def enrol(request: Request, body: EnrolRequest) -> EnrolResponse | JSONResponse:
        def work() -> EnrolResponse:
            with Session(hub_engine) as session, session.begin():
                return devices.enrol(session, body, clock)

        return _throttled(limits.enrol, request, "enrolment", work)

    @app.post(f"{API_PREFIX}/token", response_model=TokenResponse, responses=_ERRORS)
    def token(request: Request, body: TokenRequest) -> TokenResponse | JSONResponse:
        def work() -> TokenResponse:
            with Session(hub_engine) as session, session.begin():
                outcome = devices.issue_token(
                    session, body, clock, token_seconds,
                    idle_days=settings.refresh_idle_days,
                    grace_seconds=settings.refresh_grace_seconds)
            if isinstance(outcome, HubError):
                raise outcome  # committed first: the device stays locked
            return outcome

        return _throttled(limits.token, request, "token requests", work)

    def check_pushes(group: list[ArrivedPush]) -> list[sync_service.QueuedPush | Exception]:
        return prepare_pushes(hub_engine, clock, group)

    def write_group(group: list[sync_service.QueuedPush]) -> list[PushOutcome]:
        return write_prepared(hub_engine, clock, group)

    # Pushes are serialised by the database's write lock anyway (docs/sync.md, "Sequence
    # numbers"). Queueing them here as they arrive, one queue per process, keeps connections
    # and worker threads free for pulls, which never wait on that lock: a push's token check,
    # parsing and checks are made in the queue's checking thread, a batch at once, while the
    # previous group is written. Pushes checked while a group is being written are the next
    # group (group commit).
    queues: weakref.WeakKeyDictionary[
        asyncio.AbstractEventLoop, PushQueue[sync_service.QueuedPush]
    ] = weakref.WeakKeyDictionary()

    def push_queue() -> PushQueue[sync_service.QueuedPush]:
        loop = asyncio.get_running_loop()
        queue = queues.get(loop)
        if queue is None:
            queue = queues[loop] = PushQueue(check_pushes, write_group)
        return queue

    @app.post(
        f"{API_PREFIX}/sync/push", response_model=PushResponse, responses=_ERRORS,
        openapi_extra={"requestBody": {"required": True, "content": {_JSON: {"schema": {
            "$ref": "#/components/schemas/PushRequest"}}}}},
    )
    async def push(request: Request, authorization: Authorization = None) -> Response:
        raw = await request.body()  # bounded by BodyLimit; parsed only after the token check
        content = await push_queue().submit(ArrivedPush(authorization, raw))
        return Response(content=content, media_type=_JSON)

    def pull_sync(authorization: str | None, after: int, limit: int) -> bytes:
        # The token check and the page share one session and one worker thread. On
        # PostgreSQL each read commits by itself (no BEGIN/COMMIT round trips): a pull writes
        # nothing, and reading the counter first keeps the page consistent either way
        # (sync_service.pull_json_for, docs/sync.md "Sequence numbers").
        with reading_session(hub_engine) as session:
            return sync_service.pull_json_for(session, authorization, clock, after, limit)

    @app.get(f"{API_PREFIX}/sync/pull", response_model=PullResponse, responses=_ERRORS)
    def pull(
        authorization: Authorization = None,
        after: Annotated[int, Query(ge=0, le=MAX_SEQ)] = 0,
        limit: Annotated[int, Query(ge=1, le=MAX_PULL_LIMIT)] = DEFAULT_PULL_LIMIT,
    ) -> Response:
        return Response(content=pull_sync(authorization, after, limit), media_type=_JSON)

    @app.get(f"{API_PREFIX}/device", response_model=DeviceStatus, responses=_ERRORS)
    def device_status(authorization: Authorization = None) -> DeviceStatus:
        with Session(hub_engine) as session:
            caller = devices.authenticate(session, authorization, clock, allow_revoked=True)
            status: Literal["active", "revoked", "retired"] = caller.device.status  # type: ignore[assignment]
            return DeviceStatus(device_id=caller.device.id, status=status,
                                wipe=caller.device.wipe)

    app.include_router(team.router())
    app.include_router(audit_trail.router())
    app.include_router(reports.router())
    app.include_router(areas.router())
    app.include_router(lone_working.router)

    async def push_answer(authorization: str | None, raw: bytes) -> bytes:
        return await push_queue().submit(ArrivedPush(authorization, raw))

    pull_threads = ThreadPoolExecutor(PULL_THREADS, thread_name_prefix="spoke-pull")
    weakref.finalize(app, pull_threads.shutdown, wait=False)
    # Added before BodyLimit, so inside it: the 413 and the quiet 500 cover these too.
    app.add_middleware(SyncRoutes, push=push_answer, pull=pull_sync, pull_threads=pull_threads)
    app.add_middleware(BodyLimit)
    return app


def openapi_schema() -> dict[str, Any]:
    """The hub's OpenAPI document, for integrators (``spoke-hub openapi``), built without a
    database (the engine is never connected)."""
    app = create_app(HubSettings(database_url="sqlite://"), engine=create_engine("sqlite://"))
    try:
        return app.openapi()
    finally:
        app.state.engine.dispose()
