"""The hub's ASGI middleware (docs/sync.md, "Limits" and "Speed"): :class:`BodyLimit` in front
of everything (413 for a body over its route's limit before it is parsed, 400 for a query
string with control characters or bytes that are not UTF-8, 404 for a path with control
characters, a quiet 500 for any bug), and :class:`SyncRoutes`, which answers push and pull
without FastAPI's routing. The pull's query (:data:`PULL_QUERY`) is defined here once: its
checks answer the 4xx of both SyncRoutes and the declared FastAPI route, whose OpenAPI
parameters are made from it too.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, MutableMapping
from concurrent.futures import Executor
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, unquote_to_bytes

from fastapi import Query
from fastapi.exceptions import RequestValidationError
from pydantic import TypeAdapter
from pydantic import ValidationError as PydanticValidationError

from spokeapp.hub.errors import HubError
from spokeapp.hub.ledger import HubNotInitialised
from spokeapp.hub.responses import error_response, invalid_request
from spokeapp.sync.protocol import (
    API_PREFIX,
    ATTACHMENT_CHUNK_BYTES,
    DEFAULT_PULL_LIMIT,
    MAX_BATCH_BYTES,
    MAX_CASE_VIEWS,
    MAX_PULL_LIMIT,
    MAX_SEQ,
    OwnWindow,
)

log = logging.getLogger(__name__)

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

#: Threads serving pulls, per process. Few: a pull is mostly Python, so more threads only
#: share the GIL more thinly - with 20, the event loop took up to 130 ms to take up a
#: finished pull while 200 laptops pulled at once (docs/sync.md, "Speed").
PULL_THREADS = 4
PUSH_PATH = f"{API_PREFIX}/sync/push"
PULL_PATH = f"{API_PREFIX}/sync/pull"

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
#: Routes with a path parameter, by the start of their path: one attachment chunk (64 KiB).
BODY_LIMIT_PREFIXES: tuple[tuple[str, int], ...] = (
    (f"{API_PREFIX}/attachments/", ATTACHMENT_CHUNK_BYTES),
)


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


def path_refusal(path: str) -> str | None:
    """Why a (decoded) path is refused before any route sees it (None: it is fine): a control
    character. A path's parameters are ids (a case, a device, a file), and no id holds one;
    NUL would reach the database, where PostgreSQL refuses it, and a line break would end a
    line of the hub's log."""
    if _has_controls(path):
        return "No such path: a path holding control characters names nothing on the hub."
    return None


class _TooLarge(Exception):
    """Raised while reading a body that grew past the limit."""


class BodyLimit:
    """ASGI middleware in front of everything: 413 for a request body over its route's limit
    (``limits``, else ``limit``), before it is parsed; 400 for a query string with control
    characters or escapes that are not UTF-8; 404 for a path with control characters; 500
    without a traceback in the log for any bug.

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
            await error_response(400, "invalid_query", refusal)(scope, receive, send)
            return
        refusal = path_refusal(scope.get("path", ""))
        if refusal is not None:  # the answer to any path that names nothing
            await error_response(404, "not_found", refusal)(scope, receive, send)
            return
        limit = self._limit_for(scope.get("path", ""))
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
                response = error_response(
                    500, "internal_error", "The hub hit an unexpected error; nothing was stored."
                )
                await response(scope, receive, send)

    def _limit_for(self, path: str) -> int:
        """The route's own limit (by path, then by the start of the path), else the default."""
        if path in self.limits:
            return self.limits[path]
        for start, limit in BODY_LIMIT_PREFIXES:
            if path.startswith(start):
                return limit
        return self.limit

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
        log.warning("request refused (%s): %s body over its limit of %d bytes", code,
                    scope.get("path"), limit)
        response = error_response(413, code, f"The request is larger than {limit} bytes; {hint}.")
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



# --------------------------------------------------------------------------- the pull's query
_QUERY_INT: TypeAdapter[int] = TypeAdapter(int)


@dataclass(frozen=True, slots=True)
class QueryNumber:
    """A whole-number query parameter: its name, bounds and default. The one definition of
    the rule: :func:`pull_query` checks it and :meth:`declared` declares it to FastAPI (the
    OpenAPI parameter)."""

    name: str
    low: int
    high: int
    default: int

    def declared(self) -> Any:
        """The FastAPI ``Query`` declaring this parameter."""
        return Query(ge=self.low, le=self.high)


AFTER = QueryNumber("after", 0, MAX_SEQ, 0)
LIMIT = QueryNumber("limit", 1, MAX_PULL_LIMIT, DEFAULT_PULL_LIMIT)
#: A pull's query: ``after`` (the cursor) and ``limit`` (the page size).
PULL_QUERY = (AFTER, LIMIT)
#: Optional, from newer laptops (an older hub ignores them, an older laptop never sends them):
#: the seqs the hub gave this device's events in the pushes just before the pull, first and
#: last; those records are left out of the page (docs/sync.md, "Own records are not pulled
#: back"). Both or neither, ``own_from <= own_to``.
OWN_FROM = QueryNumber("own_from", 1, MAX_SEQ, 0)
OWN_TO = QueryNumber("own_to", 1, MAX_SEQ, 0)
#: Optional with the window: 1 when every seq of the window is one of those events (no gap),
#: so the hub leaves the range out by seq alone (``OwnWindow.whole``); 0 or absent: each row
#: is checked. Given without a window it is refused, as half a window is.
OWN_WHOLE = QueryNumber("own_whole", 0, 1, 0)


def pull_query(query_string: bytes) -> tuple[int, int]:
    """``after`` and ``limit`` of a pull (:data:`PULL_QUERY`: pydantic's int parsing, then
    the bounds; a repeated name counts its last value, as in Starlette); raises
    RequestValidationError naming what is wrong, as FastAPI's own query validation does."""
    after, limit, _own = pull_params(query_string)
    return after, limit


def pull_params(query_string: bytes) -> tuple[int, int, OwnWindow | None]:
    """:func:`pull_query`'s ``after`` and ``limit`` and the optional own-records window
    (:data:`OWN_FROM`, :data:`OWN_TO`, :data:`OWN_WHOLE`; None when none is given), every
    number checked at once as FastAPI checks the declared route's. One of the pair without
    the other, ``own_whole`` without the pair, or ``own_from > own_to``, is refused as an
    invalid query too."""
    given = _query_numbers(query_string, (*PULL_QUERY, OWN_FROM, OWN_TO, OWN_WHOLE))
    low, high = given.get(OWN_FROM.name), given.get(OWN_TO.name)
    whole = given.get(OWN_WHOLE.name)
    if (low is None) != (high is None) or (whole is not None and low is None):
        missing = [name for name, value in ((OWN_FROM.name, low), (OWN_TO.name, high))
                   if value is None]
        raise RequestValidationError(
            [{"type": "missing", "loc": ("query", name)} for name in missing])
    if low is not None and high is not None and low > high:
        raise RequestValidationError(
            [{"type": "less_than_equal", "loc": ("query", OWN_FROM.name)}])
    own = None if low is None or high is None else OwnWindow(low, high, whole == 1)
    return given.get(AFTER.name, AFTER.default), given.get(LIMIT.name, LIMIT.default), own


def _query_numbers(query_string: bytes, numbers: tuple[QueryNumber, ...]) -> dict[str, int]:
    """Those of ``numbers`` the query string gives, checked (pydantic's int parsing, then the
    bounds; a repeated name counts its last value); raises RequestValidationError naming
    what is wrong."""
    given = dict(parse_qsl(query_string.decode("latin-1"), keep_blank_values=True))
    values: dict[str, int] = {}
    errors: list[dict[str, Any]] = []
    for number in numbers:
        name = number.name
        if name not in given:
            continue
        try:
            value = _QUERY_INT.validate_python(given[name])
        except PydanticValidationError:
            errors.append({"type": "int_parsing", "loc": ("query", name)})
            continue
        if value < number.low:
            errors.append({"type": "greater_than_equal", "loc": ("query", name)})
        elif value > number.high:
            errors.append({"type": "less_than_equal", "loc": ("query", name)})
        values[name] = value
    if errors:
        raise RequestValidationError(errors)
    return values


# --------------------------------------------------------------------------- push and pull
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
                 pull: Callable[[str | None, int, int, OwnWindow | None], bytes],
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
        after, limit, own = pull_params(scope["query_string"])
        return await asyncio.get_running_loop().run_in_executor(
            self.pull_threads, self.pull, self._authorization(scope), after, limit, own)

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
            await error_response(exc.status, exc.code, exc.message, exc.wipe)(scope, receive, send)
            return
        except HubNotInitialised as exc:
            await error_response(503, "hub_not_initialised", str(exc))(scope, receive, send)
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

