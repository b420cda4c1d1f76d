"""Throttling of enrolment and token requests (docs/sync.md, "Limits"): per address and
hub-wide, 429 with ``Retry-After``; one pair of throttles per app, per process.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from fastapi import Request
from fastapi.responses import JSONResponse

from spokeapp.hub.config import is_loopback
from spokeapp.hub.responses import error_response
from spokeapp.hub.security import Clock, Refused, Throttle, ThrottleRule

log = logging.getLogger(__name__)

T = TypeVar("T")

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
    response = error_response(
        429, "too_many_attempts",
        f"Too many attempts; try again in {retry_after} seconds.",
    )
    response.headers["Retry-After"] = str(retry_after)
    return response


def _address(request: Request) -> str:
    return request.client.host if request.client is not None else ""


def throttled(throttle: Throttle, request: Request, what: str,
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

