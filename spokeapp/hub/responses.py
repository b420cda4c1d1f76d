"""The hub's error answers (docs/sync.md, "Errors"): every error, FastAPI's own
request-validation errors included, is an ``ErrorBody`` with a stable code; validation errors
name the fields at fault but never repeat submitted values, which may be personal data.
"""

from __future__ import annotations

from typing import Any

from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from spokeapp.sync.protocol import ErrorBody

JSON = "application/json"


def error_response(status: int, code: str, message: str, wipe: bool | None = None
                   ) -> JSONResponse:
    """An ``ErrorBody`` answer."""
    body = ErrorBody(error=code, message=message, wipe=wipe)
    return JSONResponse(status_code=status, content=body.model_dump(exclude_none=True))


def invalid_request(exc: RequestValidationError) -> JSONResponse:
    """The answer to a request that does not match the protocol: 400 for a body that is not
    JSON, 413 for too many changes, else 422 naming the fields and rules broken."""
    errors = exc.errors()
    if any(e.get("type") == "json_invalid" for e in errors):
        return error_response(400, "malformed_json", "The request body is not valid JSON.")
    if any(
        e.get("type") == "too_long" and tuple(e.get("loc", ()))[-1:] == ("changes",)
        for e in errors
    ):
        return error_response(413, "batch_too_large", "Too many changes in one batch.")
    # Name the fields and the rule only: the submitted values may be personal data.
    parts = sorted(
        {
            f"{'.'.join(str(p) for p in e.get('loc', ()))}: {e.get('type', 'invalid')}"
            for e in errors
        }
    )
    shown = "; ".join(parts[:20]) + ("; ..." if len(parts) > 20 else "")
    return error_response(422, "invalid_request",
                          f"The request does not match the protocol: {shown}")


#: The error answers every route declares in the OpenAPI document.
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorBody}
    for status in (400, 401, 403, 404, 409, 413, 422, 429, 500, 503)
}
