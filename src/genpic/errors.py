"""Errors every genpic entry point turns into the same JSON body.

Hierarchy::

    GenpicError                       500 InternalError
    ├── ValidationError               400 ValidationError
    ├── InvalidImage                  400 InvalidImage
    ├── Unauthorized                  401 Unauthorized
    ├── Forbidden                     403 Forbidden
    ├── NotFound                      404 NotFound
    ├── IdempotencyConflict           409 IdempotencyConflict (+ Retry-After while running)
    ├── PayloadTooLarge               413 PayloadTooLarge
    ├── UnsupportedMediaType          415 UnsupportedMediaType
    ├── ContentFiltered               422 ContentFiltered (+ "screen": which one refused)
    ├── RateLimited                   429 RateLimited (+ Retry-After, RateLimit-*)
    ├── Throttled                     429 Throttled (+ Retry-After)
    ├── ModelUnavailable              502 ModelUnavailable
    ├── StorageError                  502 StorageError
    ├── UpstreamTimeout               504 UpstreamTimeout
    ├── InternalError                 500 InternalError
    └── ConfigurationError            500 ConfigurationError (names the variable to fix)

Backend SDK errors are translated once, in ``genpic.awssdk.errors``; everything
else that escapes the pipeline is reported as ``InternalError`` without its
internal details.
"""

from __future__ import annotations

from typing import Any, Literal

#: Which screen refused a request: genpic's blocklist, the Bedrock guardrail, the text
#: model's own refusal to enhance or translate, or the image model's content filter.
Screen = Literal["blocklist", "guardrail", "enhancer", "model"]
SCREENS: tuple[Screen, ...] = ("blocklist", "guardrail", "enhancer", "model")


class GenpicError(Exception):
    """Base of every error with a public code, HTTP status and fix-it message."""

    code = "InternalError"
    status = 500

    def __init__(
        self,
        message: str,
        *,
        field: str | None = None,
        details: list[dict[str, str]] | None = None,
        retry_after: int | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.details = details
        self.retry_after = retry_after

    def to_body(self, request_id: str | None) -> dict[str, Any]:
        """Return the public JSON error body (``request_id`` left out when there was none)."""
        body: dict[str, Any] = {"error": self.code, "message": self.message}
        if request_id is not None:
            body["request_id"] = request_id
        if self.field is not None:
            body["field"] = self.field
        if self.details:
            body["details"] = self.details
        return {**body, **self.extras()}

    def extras(self) -> dict[str, Any]:
        """Return the public fields this kind of error adds to every error body."""
        return {}

    def headers(self) -> dict[str, str]:
        """Return extra HTTP headers this error calls for."""
        if self.retry_after is None:
            return {}
        return {"Retry-After": str(self.retry_after)}


class ValidationError(GenpicError):
    """The request is malformed, out of range, or names an unknown field or model."""

    code = "ValidationError"
    status = 400


class InvalidImage(GenpicError):
    """The init image is missing, not an image, too small or too large."""

    code = "InvalidImage"
    status = 400


class Unauthorized(GenpicError):
    """The API key is missing or wrong (``genpic serve`` with ``GENPIC_API_KEY``)."""

    code = "Unauthorized"
    status = 401


class Forbidden(GenpicError):
    """Outside what this deployment allows: another bucket, a foreign Host or Origin."""

    code = "Forbidden"
    status = 403


class NotFound(GenpicError):
    """No such route or image."""

    code = "NotFound"
    status = 404


class IdempotencyConflict(GenpicError):
    """The idempotency key was used with another body, or its first request still runs."""

    code = "IdempotencyConflict"
    status = 409


class PayloadTooLarge(GenpicError):
    """The request body is over the limit (Lambda's 6 MiB payload; 10 MiB for a local upload)."""

    code = "PayloadTooLarge"
    status = 413


class UnsupportedMediaType(GenpicError):
    """The body's ``Content-Type`` is not one the route takes (JSON, or multipart for files)."""

    code = "UnsupportedMediaType"
    status = 415


class ContentFiltered(GenpicError):
    """The prompt or the image was refused by a screen or the model's filter."""

    code = "ContentFiltered"
    status = 422

    def __init__(self, message: str, *, screen: Screen = "model", field: str | None = None) -> None:
        super().__init__(message, field=field)
        self.screen = screen

    def extras(self) -> dict[str, Any]:
        """Name the screen that refused: blocklist, guardrail, enhancer or model."""
        return {"screen": self.screen}


class RateLimited(GenpicError):
    """A client asked for more images than its rate limit or daily quota leaves it.

    Parameters
    ----------
    message
        What was asked, what remains, and when to retry.
    limit
        The limit that refused it (images per window).
    remaining
        Images the client may still ask for in that window.
    reset_s
        Seconds until that window ends (also ``Retry-After``).
    """

    code = "RateLimited"
    status = 429

    def __init__(self, message: str, *, limit: int, remaining: int, reset_s: int) -> None:
        super().__init__(message, retry_after=reset_s)
        self.limit = limit
        self.remaining = remaining
        self.reset_s = reset_s

    def headers(self) -> dict[str, str]:
        """Return ``Retry-After`` and the ``RateLimit-*`` fields (see ``genpic.limits``)."""
        return {**super().headers(), **rate_limit_headers(self.limit, self.remaining, self.reset_s)}


#: The fields of draft-ietf-httpapi-ratelimit-headers-06 (reset: seconds from now).
RATE_LIMIT_HEADERS = ("RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset")


def rate_limit_headers(limit: int, remaining: int, reset_s: int) -> dict[str, str]:
    """Return the ``RATE_LIMIT_HEADERS`` fields for a window."""
    return dict(zip(RATE_LIMIT_HEADERS, map(str, (limit, remaining, reset_s)), strict=True))


class Throttled(GenpicError):
    """Bedrock kept throttling after the client's retries."""

    code = "Throttled"
    status = 429


class ModelUnavailable(GenpicError):
    """The model cannot be reached: access not granted, IAM denied, not found, or failing."""

    code = "ModelUnavailable"
    status = 502


class StorageError(GenpicError):
    """The image could not be stored or read back."""

    code = "StorageError"
    status = 502


class UpstreamTimeout(GenpicError):
    """The model or the object store did not answer in time."""

    code = "UpstreamTimeout"
    status = 504


class InternalError(GenpicError):
    """An unexpected fault; its details go to the logs, never to the caller."""


class ConfigurationError(GenpicError):
    """A deployment setting is wrong; the message names the variable and how to fix it."""

    code = "ConfigurationError"


def as_public_error(exc: BaseException) -> GenpicError:
    """Return ``exc`` if it is public, else an ``InternalError`` that hides its details."""
    if isinstance(exc, GenpicError):
        return exc
    return InternalError("An unexpected error occurred; quote the request_id when reporting it.")
