"""The hub's HTTP API (docs/sync.md, "Endpoints"): FastAPI over the sync service.

Every error, including FastAPI's own request-validation errors, is an ``ErrorBody`` with a
stable code; validation errors name the fields at fault but never repeat submitted values,
which may be personal data. Request bodies over the batch limit are refused with 413 before
they are read into memory or parsed.
"""

from __future__ import annotations

import asyncio
import logging
import weakref
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from typing import Annotated, Any, Literal

import anyio.to_thread
from fastapi import Depends, FastAPI, Header, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel
from pydantic import ValidationError as PydanticValidationError
from sqlalchemy import Engine
from sqlalchemy.orm import Session
from starlette.exceptions import HTTPException as StarletteHTTPException

from spokeapp.hub import audit_trail, devices, lone_working, reports, sync_service, team
from spokeapp.hub.config import HubSettings
from spokeapp.hub.db import make_engine, reading_session
from spokeapp.hub.errors import HubError
from spokeapp.hub.ledger import META_EPOCH, HubNotInitialised, meta
from spokeapp.hub.security import Clock, utc_now
from spokeapp.sync.protocol import (
    API_PREFIX,
    DEFAULT_PULL_LIMIT,
    MAX_BATCH_BYTES,
    MAX_PULL_LIMIT,
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

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


#: The ``Authorization: Bearer <access token>`` header of device requests.
Authorization = Annotated[str | None, Header(description="Bearer access token")]


def device_caller(request: Request, authorization: Authorization = None) -> devices.Caller:
    """Authenticate before the body is validated: strangers learn nothing of the schema."""
    return devices.request_caller(request.app.state.engine, authorization,
                                  request.app.state.clock)


#: An authenticated, active device and its user.
Caller = Annotated[devices.Caller, Depends(device_caller)]

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


_ERRORS: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorBody} for status in (400, 401, 403, 404, 409, 413, 422, 500, 503)
}


class _TooLarge(Exception):
    """Raised while reading a body that grew past the limit."""


class BodyLimit:
    """ASGI middleware: 413 for a request body over ``limit`` bytes, before it is parsed;
    500 without a traceback in the log for any bug.

    A declared ``Content-Length`` over the limit is refused without reading anything; a
    chunked body is counted as it arrives and refused as soon as it passes the limit.
    """

    def __init__(self, app: ASGIApp, limit: int = MAX_BATCH_BYTES) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope.get("headers", []):
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    declared = 0
                if declared > self.limit:
                    await self._refuse(scope, receive, send)
                    return
        seen = 0
        started = False

        async def counting_receive() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise _TooLarge
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except _TooLarge:
            if started:
                raise
            await self._refuse(scope, receive, send)
        except Exception as exc:
            # Never let a traceback (whose message may quote SQL parameters) reach the log.
            log.error("unexpected error: %s", type(exc).__name__)
            if not started:
                response = _error(
                    500, "internal_error", "The hub hit an unexpected error; nothing was stored."
                )
                await response(scope, receive, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = _error(
            413, "batch_too_large",
            f"The request is larger than {self.limit} bytes; send smaller batches.",
        )
        await response(scope, receive, send)


#: A group commit takes at most this many queued pushes ...
GROUP_MAX_PUSHES = 100
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


class PushQueue:
    """Group commit for one event loop (docs/sync.md, "Speed").

    Each push waits here for the write lock. One runner task writes the pushes that are
    waiting as one group (:func:`sync_service.push_group`, in a worker thread: one
    transaction, one commit, a savepoint per push), answers them all after the commit, then
    takes the pushes that arrived meanwhile. Order of arrival is kept. A push whose client
    went away is still written (it may already be), exactly as without the queue; its laptop
    re-sends it and the hub answers ``duplicate``.
    """

    def __init__(self, write: Callable[[list[ArrivedPush]], list[PushOutcome]]) -> None:
        self._write = write
        self._waiting: list[tuple[ArrivedPush, asyncio.Future[bytes]]] = []
        self._runner: asyncio.Task[None] | None = None
        # The group's thread has a limiter of its own: it never queues for a worker thread
        # behind the requests the group is keeping waiting.
        self._writer = anyio.CapacityLimiter(1)

    async def submit(self, item: ArrivedPush) -> bytes:
        """The push's acknowledgement (its response body) once durably written; raises what
        refused it."""
        future: asyncio.Future[bytes] = asyncio.get_running_loop().create_future()
        self._waiting.append((item, future))
        if self._runner is None or self._runner.done():
            self._runner = asyncio.create_task(self._run())
        return await future

    def _take(self) -> list[tuple[ArrivedPush, asyncio.Future[bytes]]]:
        group = [self._waiting[0]]
        size = len(group[0][0].raw)
        for entry in self._waiting[1:GROUP_MAX_PUSHES]:
            if size + len(entry[0].raw) > GROUP_MAX_BYTES:
                break
            group.append(entry)
            size += len(entry[0].raw)
        del self._waiting[:len(group)]
        return group

    async def _run(self) -> None:
        while self._waiting:
            group = self._take()
            try:
                outcomes = await anyio.to_thread.run_sync(
                    self._write, [item for item, _ in group], limiter=self._writer)
            except Exception as exc:  # nothing of the group was stored
                for _, future in group:
                    if not future.done():
                        future.set_exception(exc)
                continue
            for (_, future), outcome in zip(group, outcomes, strict=True):
                if future.done():  # the client went away
                    continue
                if isinstance(outcome, Exception):
                    future.set_exception(outcome)
                else:
                    future.set_result(outcome)
        # Nothing is waiting (and nothing can arrive before this returns: no await): the next
        # push starts a new runner. Dropping the task also lets the loop be collected.
        self._runner = None


def write_pushes(engine: Engine, clock: Clock, group: list[ArrivedPush]) -> list[PushOutcome]:
    """A group of arrived pushes, in the group's one thread: the token checks (one query
    for all), then each body parsed and checked (no database, no lock), then
    :func:`sync_service.push_group` (the lock, one transaction)."""
    outcomes: list[PushOutcome | None] = [None] * len(group)
    with reading_session(engine) as session:
        # A retired device may still push what it holds.
        callers = devices.authenticate_many(
            session, [item.authorization for item in group], clock, allow_retired=True)
    queued: list[sync_service.QueuedPush] = []
    places: list[int] = []
    for place, (item, who) in enumerate(zip(group, callers, strict=True)):
        try:
            caller = who.result()
            body = parse_push(item.raw)  # only after the token check: strangers learn nothing
        except (HubError, RequestValidationError) as exc:
            outcomes[place] = exc
            continue
        queued.append(sync_service.QueuedPush(
            caller, body, sync_service.prepare_push(caller, body)))
        places.append(place)
    if queued:
        with Session(engine) as session:
            written = sync_service.push_group(session, queued, clock)
        # Serialised only now, after the group's one commit: durable acknowledgements.
        for place, outcome in zip(places, written, strict=True):
            outcomes[place] = (outcome if isinstance(outcome, HubError)
                               else outcome.model_dump_json().encode("utf-8"))
    answered = [outcome for outcome in outcomes if outcome is not None]
    assert len(answered) == len(group)  # every push has its answer
    return answered


def create_app(
    settings: HubSettings | None = None,
    *,
    engine: Engine | None = None,
    clock: Clock = utc_now,
) -> FastAPI:
    """The hub application on ``engine`` (or one made from ``settings``)."""
    settings = settings or HubSettings.from_env()
    hub_engine = engine if engine is not None else make_engine(settings.database_url)
    token_seconds = settings.access_token_seconds

    app = FastAPI(
        title="Spoke Hub",
        version="1",
        description="Sync hub for Spoke casebooks. See docs/sync.md.",
        lifespan=lone_working.lifespan(hub_engine, clock),  # the escalation watch (issue 5)
    )
    app.state.engine = hub_engine
    app.state.clock = clock
    app.add_middleware(BodyLimit, limit=MAX_BATCH_BYTES)

    @app.exception_handler(HubError)
    async def _hub_error(_request: Request, exc: HubError) -> JSONResponse:
        return _error(exc.status, exc.code, exc.message, exc.wipe)

    @app.exception_handler(HubNotInitialised)
    async def _not_initialised(_request: Request, exc: HubNotInitialised) -> JSONResponse:
        return _error(503, "hub_not_initialised", str(exc))

    @app.exception_handler(RequestValidationError)
    async def _invalid(_request: Request, exc: RequestValidationError) -> JSONResponse:
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

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
        return _error(exc.status_code, code, str(exc.detail))

    @app.get("/healthz", response_model=Health, responses=_ERRORS)
    def healthz() -> Health:
        with Session(hub_engine) as session:
            return Health(status="ok", hub_epoch=meta(session, META_EPOCH))

    @app.post(f"{API_PREFIX}/enrol", response_model=EnrolResponse, responses=_ERRORS)
    def enrol(body: EnrolRequest) -> EnrolResponse:
        with Session(hub_engine) as session, session.begin():
            return devices.enrol(session, body, clock)

    @app.post(f"{API_PREFIX}/token", response_model=TokenResponse, responses=_ERRORS)
    def token(body: TokenRequest) -> TokenResponse:
        with Session(hub_engine) as session, session.begin():
            return devices.issue_token(session, body, clock, token_seconds)

    def push_group_sync(group: list[ArrivedPush]) -> list[PushOutcome]:
        return write_pushes(hub_engine, clock, group)

    # Pushes are serialised by the database's write lock anyway (docs/sync.md, "Sequence
    # numbers"). Queueing them here as they arrive, one queue per process, keeps connections
    # and worker threads free for pulls, which never wait on that lock: a push's token check,
    # parsing and checks are made in the group's own thread, for the whole group at once.
    # Pushes that arrive while a group is being written are the next group (group commit).
    queues: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, PushQueue] = (
        weakref.WeakKeyDictionary()
    )

    def push_queue() -> PushQueue:
        loop = asyncio.get_running_loop()
        queue = queues.get(loop)
        if queue is None:
            queue = queues[loop] = PushQueue(push_group_sync)
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
        # (sync_service._page, docs/sync.md "Sequence numbers").
        with reading_session(hub_engine) as session:
            caller = devices.authenticate(session, authorization, clock)
            return sync_service.pull_json(session, caller, after, limit)

    @app.get(f"{API_PREFIX}/sync/pull", response_model=PullResponse, responses=_ERRORS)
    def pull(
        authorization: Authorization = None,
        after: Annotated[int, Query(ge=0)] = 0,
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
    app.include_router(lone_working.router)

    return app
