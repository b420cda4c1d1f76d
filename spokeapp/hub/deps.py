"""The hub's request dependencies, one of each, for every router (``Annotated`` aliases in the
style of the FastAPI full-stack template).

``Caller`` authenticates the device behind ``Authorization: Bearer ...`` before the body is
validated, so a stranger learns nothing of the schema; 401 for anything else
(:func:`spokeapp.hub.devices.request_caller`).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Header, Request

from spokeapp.hub import devices

__all__ = ["Authorization", "Caller", "device_caller"]

#: The ``Authorization`` header as a route parameter (documented in the schema).
Authorization = Annotated[str | None, Header(description="Bearer access token")]


def device_caller(request: Request, authorization: Authorization = None) -> devices.Caller:
    """The authenticated, active device and its user (401 otherwise)."""
    return devices.request_caller(request.app.state.engine, authorization,
                                  request.app.state.clock)


#: An authenticated, active device and its user.
Caller = Annotated[devices.Caller, Depends(device_caller)]
