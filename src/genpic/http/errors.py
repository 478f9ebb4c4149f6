"""The one mapping from errors to HTTP responses, in genpic's shape or, under ``/v1/``, OpenAI's.

Every failure, whether raised by the pipeline, refused by the middleware, or an
unknown route, leaves the app through ``error_response``.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException
from starlette.types import Scope

from genpic.errors import GenpicError, NotFound, ValidationError
from genpic.logs import logger
from genpic.telemetry import record_error

REQUEST_ID_HEADER = "X-Request-Id"
OPENAI_PREFIX = "/v1/"
# OpenAI's error ``type`` per status; anything else 4xx is an invalid request.
_OPENAI_TYPES = {401: "authentication_error", 429: "rate_limit_error"}
#: The metrics entry of a request no route matched (refused before routing, or unknown).
UNROUTED = "other"


class MethodNotAllowed(GenpicError):
    """The route exists, but not with this method."""

    code = "MethodNotAllowed"
    status = 405

    def __init__(self, message: str, allow: str) -> None:
        super().__init__(message)
        self.allow = allow

    def headers(self) -> dict[str, str]:
        """``Allow`` lists the methods the route takes (RFC 9110, section 15.5.6)."""
        return {**super().headers(), "Allow": self.allow}


def route_entry(scope: Scope) -> str:
    """Return the metrics entry of a request: its route's template (``/jobs/{job_id}``).

    Templates, not paths, so that ids never become dimension values.
    """
    route = scope.get("route")
    return str(getattr(route, "path", UNROUTED))


def error_response(error: GenpicError, scope: Scope) -> JSONResponse:
    """Render ``error`` with its status, its headers (``Retry-After``, ``Allow``) and the id.

    The error is counted under the request's route (``genpic.telemetry``).
    """
    request_id: str = scope["state"]["request_id"]
    path: str = scope["path"]
    record_error(route_entry(scope), error)
    if error.status >= 500:
        logger.error("request failed", extra={"error": error.code, "request_id": request_id})
    else:
        logger.info("request refused", extra={"error": error.code, "reason": error.message})
    body = openai_body(error) if path.startswith(OPENAI_PREFIX) else error.to_body(request_id)
    headers = {REQUEST_ID_HEADER: request_id, **error.headers()}
    return JSONResponse(body, status_code=error.status, headers=headers)


def openai_body(error: GenpicError) -> dict[str, Any]:
    """Return ``error`` in OpenAI's shape: ``{"error": {message, type, param, code}}``.

    genpic's own extra fields (a refusal's ``screen``) ride along inside the object.
    """
    if error.status >= 500:
        kind = "server_error"
    else:
        kind = _OPENAI_TYPES.get(error.status, "invalid_request_error")
    fields = {"message": error.message, "type": kind, "param": error.field, "code": error.code}
    return {"error": {**fields, **error.extras()}}


def install(app: FastAPI) -> None:
    """Route every exception FastAPI or Starlette raises through ``error_response``."""

    async def genpic_error(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, GenpicError)
        return error_response(exc, request.scope)

    async def http_error(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, HTTPException)
        error: GenpicError
        if exc.status_code == 404:
            error = NotFound(f"Nothing at {request.url.path}; /docs lists the routes.")
        elif exc.status_code == 405:
            allow = (exc.headers or {}).get("Allow", "")
            error = MethodNotAllowed(
                f"{request.method} is not allowed on {request.url.path}; use {allow}.", allow
            )
        else:
            error = ValidationError(str(exc.detail), field="body")
        return error_response(error, request.scope)

    async def invalid_form(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        first = exc.errors()[0]
        field = str(first["loc"][-1]) if first.get("loc") else "body"
        error = ValidationError(f"Invalid request: {field}: {first['msg']}.", field=field)
        return error_response(error, request.scope)

    app.add_exception_handler(GenpicError, genpic_error)
    app.add_exception_handler(HTTPException, http_error)
    app.add_exception_handler(RequestValidationError, invalid_form)
