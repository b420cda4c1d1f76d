"""The hub's HTTP API (docs/sync.md, "Endpoints"): :func:`create_app` wires the routes, the
middleware and the objects one app owns (push queue, pull threads, throttles, scope guesses).

Every error, including FastAPI's own request-validation errors, is an ``ErrorBody`` with a
stable code (:mod:`spokeapp.hub.responses`). Request bodies over their route's limit are
refused with 413 before they are parsed; query strings with control characters or bytes that
are not UTF-8 with 400 (:class:`spokeapp.hub.asgi.BodyLimit`). Push and pull are answered by
:class:`spokeapp.hub.asgi.SyncRoutes`; their FastAPI routes, declared for the OpenAPI
document, call the same functions. Enrolment and token requests are throttled (429 with
``Retry-After``: :mod:`spokeapp.hub.throttles`). The OpenAPI document and its pages are
served only when asked for, on loopback (``spoke-hub serve --api-docs``); ``spoke-hub
openapi`` prints the document. ``/readyz`` (:mod:`spokeapp.hub.health`) and ``/metrics``
(:mod:`spokeapp.hub.metrics`) are for the hub's operators (docs/hub-admin.md); on shutdown the
push queue is drained before the escalation watch stops.
"""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from time import perf_counter
from typing import Annotated, Any, Literal

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel
from sqlalchemy import Engine, create_engine
from sqlalchemy.orm import Session
from starlette.exceptions import HTTPException as StarletteHTTPException

from spokeapp.hub import (
    areas,
    attachments,
    audit_api,
    audit_trail,
    devices,
    lone_working,
    reports,
    team,
)
from spokeapp.hub import health as health_checks
from spokeapp.hub import people as people_api
from spokeapp.hub import releases as releases_api
from spokeapp.hub import subject_file as subject_file_api
from spokeapp.hub.asgi import (
    AFTER,
    LIMIT,
    OWN_FROM,
    OWN_TO,
    OWN_WHOLE,
    PULL_THREADS,
    BodyLimit,
    SyncRoutes,
    pull_params,
)
from spokeapp.hub.config import HubSettings
from spokeapp.hub.db import make_engine, reading_session
from spokeapp.hub.deps import Authorization
from spokeapp.hub.errors import HubError
from spokeapp.hub.ledger import META_EPOCH, HubNotInitialised, meta
from spokeapp.hub.metrics import CONTENT_TYPE, HubMetrics, status_of
from spokeapp.hub.pull import ScopeGuesses, pull_json_for
from spokeapp.hub.push.group import QueuedPush
from spokeapp.hub.push_queue import (
    VERIFY_THREADS,
    ArrivedPush,
    PushOutcome,
    PushQueue,
    prepare_pushes,
    write_prepared,
)
from spokeapp.hub.responses import ERROR_RESPONSES, JSON, error_response, invalid_request
from spokeapp.hub.security import Clock, utc_now
from spokeapp.hub.throttles import Throttles, throttled
from spokeapp.sync.protocol import (
    API_PREFIX,
    DeviceStatus,
    EnrolRequest,
    EnrolResponse,
    OwnWindow,
    PullResponse,
    PushResponse,
    TokenRequest,
    TokenResponse,
)


class Health(BaseModel):
    """``GET /healthz``: the hub is up, and which epoch it is in."""

    status: Literal["ok"]
    hub_epoch: str


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
    readiness = health_checks.ReadinessChecks(hub_engine, clock)
    hub_metrics = HubMetrics(hub_engine, clock, token=settings.metrics_token,
                             readiness=readiness)

    def watch_started(service: lone_working.WatchService) -> None:
        service.watcher.first_notices = hub_metrics.first_notices
        readiness.watch_started(service)

    # the escalation watch (issue 5)
    watch = lone_working.lifespan(hub_engine, clock, on_start=watch_started)

    @asynccontextmanager
    async def lifespan(running: FastAPI) -> AsyncIterator[None]:
        async with watch(running):
            yield
            # Shutting down (SIGTERM): uvicorn has stopped accepting and waited for the
            # requests in hand; pushes whose client stopped waiting are written too before
            # the watch stops and hands its visits over (docs/hub-admin.md).
            queue = queues.get(asyncio.get_running_loop())
            if queue is not None:
                await queue.drain()

    app = FastAPI(
        title="Spoke Hub",
        version="1",
        description="Sync hub for Spoke casebooks. See docs/sync.md.",
        lifespan=lifespan,
        openapi_url="/openapi.json" if docs else None,
        docs_url="/docs" if docs else None,
        redoc_url="/redoc" if docs else None,
    )
    app.state.engine = hub_engine
    app.state.clock = clock
    app.state.throttles = limits
    app.state.access_token_seconds = token_seconds  # the device report's bound
    app.state.metrics = hub_metrics
    app.state.readiness = readiness

    @app.exception_handler(HubError)
    async def _hub_error(_request: Request, exc: HubError) -> JSONResponse:
        return error_response(exc.status, exc.code, exc.message, exc.wipe)

    @app.exception_handler(HubNotInitialised)
    async def _not_initialised(_request: Request, exc: HubNotInitialised) -> JSONResponse:
        return error_response(503, "hub_not_initialised", str(exc))

    @app.exception_handler(RequestValidationError)
    async def _invalid(_request: Request, exc: RequestValidationError) -> JSONResponse:
        return invalid_request(exc)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        if exc.status_code == 400:
            # FastAPI's 400: a body its reader gave up on (JSON nested past Python's
            # recursion limit, a number of more than 4,300 digits; the hub takes no forms).
            # Malformed JSON like any other, answered with the documented code.
            return error_response(400, "malformed_json", "The request body is not valid JSON.")
        code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
        return error_response(exc.status_code, code, str(exc.detail))

    @app.get("/healthz", response_model=Health, responses=ERROR_RESPONSES)
    def healthz() -> Health:
        with Session(hub_engine) as session:
            return Health(status="ok", hub_epoch=meta(session, META_EPOCH))

    @app.get("/readyz", response_model=health_checks.Readiness,
             responses={503: {"model": health_checks.Readiness}})
    def readyz() -> JSONResponse:
        answer = readiness.check()
        return JSONResponse(answer.model_dump(),
                            status_code=200 if answer.status == "ready" else 503)

    @app.get("/metrics", include_in_schema=False)
    def metrics(request: Request) -> Response:
        refusal = hub_metrics.access.refusal(
            request.client.host if request.client else None,
            request.headers.get("authorization"))
        if refusal is not None:
            status, code, message = refusal
            response = error_response(status, code, message)
            if status == 401:
                response.headers["WWW-Authenticate"] = "Bearer"
            return response
        return Response(content=hub_metrics.exposition(), media_type=CONTENT_TYPE)

    @app.post(f"{API_PREFIX}/enrol", response_model=EnrolResponse, responses=ERROR_RESPONSES)
    def enrol(request: Request, body: EnrolRequest) -> EnrolResponse | JSONResponse:
        def work() -> EnrolResponse:
            with Session(hub_engine) as session, session.begin():
                return devices.enrol(session, body, clock)

        return throttled(limits.enrol, request, "enrolment", work)

    @app.post(f"{API_PREFIX}/token", response_model=TokenResponse, responses=ERROR_RESPONSES)
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

        return throttled(limits.token, request, "token requests", work)

    # Batch signatures of a burst of pushes are verified on these, beside the checking
    # thread (prepare_pushes): two, for the two cores of a small charity's hub machine.
    verifier = ThreadPoolExecutor(VERIFY_THREADS, thread_name_prefix="spoke-verify")

    def check_pushes(group: list[ArrivedPush]) -> list[QueuedPush | Exception]:
        return prepare_pushes(hub_engine, clock, group,
                              attachment_max_bytes=settings.attachment_max_bytes,
                              verifier=verifier)

    def write_group(group: list[QueuedPush]) -> list[PushOutcome]:
        return write_prepared(hub_engine, clock, group)

    # Pushes are serialised by the database's write lock anyway (docs/sync.md, "Sequence
    # numbers"). Queueing them here as they arrive, one queue per process, keeps connections
    # and worker threads free for pulls, which never wait on that lock: a push's token check,
    # parsing and checks are made in the queue's checking thread, a batch at once, while the
    # previous group is written. Pushes checked while a group is being written are the next
    # group (group commit).
    queues: weakref.WeakKeyDictionary[
        asyncio.AbstractEventLoop, PushQueue[QueuedPush]
    ] = weakref.WeakKeyDictionary()

    def push_queue() -> PushQueue[QueuedPush]:
        loop = asyncio.get_running_loop()
        queue = queues.get(loop)
        if queue is None:
            queue = queues[loop] = PushQueue(check_pushes, write_group)
        return queue

    async def push_answer(authorization: str | None, raw: bytes) -> bytes:
        # Parsed only after the token check, in the queue: strangers learn nothing.
        started = perf_counter()
        try:
            answer = await push_queue().submit(ArrivedPush(authorization, raw))
        except Exception as exc:
            hub_metrics.pushed(status_of(exc), perf_counter() - started)
            raise
        hub_metrics.pushed(200, perf_counter() - started)
        return answer

    guesses = ScopeGuesses()

    def pull_answer(authorization: str | None, after: int, limit: int,
                    own: OwnWindow | None = None) -> bytes:
        # The token check and the page share one session and one worker thread. On
        # PostgreSQL each read commits by itself (no BEGIN/COMMIT round trips): a pull writes
        # nothing, and reading the counter first keeps the page consistent either way
        # (pull.pull_json_for, docs/sync.md "Sequence numbers").
        started = perf_counter()
        try:
            with reading_session(hub_engine) as session:
                page = pull_json_for(session, authorization, clock, after, limit, guesses, own)
        except Exception as exc:
            hub_metrics.pulled(status_of(exc), perf_counter() - started)
            raise
        hub_metrics.pulled(200, perf_counter() - started)
        return page

    # The two routes below are what the OpenAPI document shows; SyncRoutes answers them in
    # front of FastAPI with the same functions (push_answer, pull_params, pull_answer).
    @app.post(
        f"{API_PREFIX}/sync/push", response_model=PushResponse, responses=ERROR_RESPONSES,
        openapi_extra={"requestBody": {"required": True, "content": {JSON: {"schema": {
            "$ref": "#/components/schemas/PushRequest"}}}}},
    )
    async def push(request: Request, authorization: Authorization = None) -> Response:
        raw = await request.body()  # bounded by BodyLimit
        return Response(content=await push_answer(authorization, raw), media_type=JSON)

    @app.get(f"{API_PREFIX}/sync/pull", response_model=PullResponse, responses=ERROR_RESPONSES)
    def pull(
        request: Request,
        authorization: Authorization = None,
        after: Annotated[int, AFTER.declared()] = AFTER.default,
        limit: Annotated[int, LIMIT.declared()] = LIMIT.default,
        own_from: Annotated[int | None, OWN_FROM.declared()] = None,
        own_to: Annotated[int | None, OWN_TO.declared()] = None,
        own_whole: Annotated[int | None, OWN_WHOLE.declared()] = None,
    ) -> Response:
        # Declared for the document (FastAPI checks them by the same bounds); read, as
        # SyncRoutes reads them, by the one query check.
        after, limit, own = pull_params(request.scope["query_string"])
        return Response(content=pull_answer(authorization, after, limit, own), media_type=JSON)

    @app.get(f"{API_PREFIX}/device", response_model=DeviceStatus, responses=ERROR_RESPONSES)
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
    app.include_router(subject_file_api.router())  # a young person's file (issue 16)
    app.include_router(audit_api.router())  # GET /v1/audit, /v1/devices (issue 16)
    app.include_router(people_api.router())  # GET /v1/people: names, not ids (issue 17)
    app.include_router(releases_api.router())  # GET /v1/version: approved release (issue 19)
    app.include_router(attachments.router(settings.attachment_max_bytes))  # files (issue 20)

    pull_threads = ThreadPoolExecutor(PULL_THREADS, thread_name_prefix="spoke-pull")
    weakref.finalize(app, pull_threads.shutdown, wait=False)
    weakref.finalize(app, verifier.shutdown, wait=False)
    # Added before BodyLimit, so inside it: the 413 and the quiet 500 cover these too.
    app.add_middleware(SyncRoutes, push=push_answer, pull=pull_answer,
                       pull_threads=pull_threads)
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
