"""ASGI middleware: a request id on every response, CORS, the gate (Host, Origin, key, body size).

Written as plain ASGI so the limit applies to the bytes actually streamed, not
only to what ``Content-Length`` claims, and so a refusal happens before any route
(and any model call) runs.
"""

from __future__ import annotations

import uuid
from typing import Any

from starlette.datastructures import Headers, MutableHeaders
from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from genpic.crosssite import SiteRules
from genpic.errors import Forbidden, GenpicError, PayloadTooLarge, Unauthorized, as_public_error
from genpic.http.errors import REQUEST_ID_HEADER, error_response
from genpic.http.identity import KEY_NAME_STATE
from genpic.http.incoming import whole_number
from genpic.images import MAX_INPUT_BYTES, mebibytes
from genpic.limits.identity import ApiKeys
from genpic.logs import logger

# Lambda's synchronous invocation payload limit; the same everywhere so behaviour matches.
MAX_BODY_BYTES = 6 * 1024 * 1024
# A local upload is one init image in a multipart form, so it takes what an init image
# takes plus room for the form's boundaries and part headers. (On AWS, uploads go
# straight to S3 by presigned POST; this route then takes a small JSON body.)
UPLOAD_PATH = "/uploads"
MAX_UPLOAD_BODY_BYTES = MAX_INPUT_BYTES + 64 * 1024
# The web page and its assets hold no data and cost nothing; a browser cannot send a
# header when it navigates, so they stay open (the page sends the key on API calls).
OPEN_PATHS = ("/health", "/")
_OPEN_PREFIXES = ("/static/",)


class RequestIdMiddleware:
    """Give each request an id (Lambda's when there is one) and put it on every response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Run the request with ``scope["state"]["request_id"]`` set."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        context = scope.get("aws.context")
        request_id = getattr(context, "aws_request_id", None) or str(uuid.uuid4())
        scope.setdefault("state", {})["request_id"] = request_id
        started = False

        async def send_with_id(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                MutableHeaders(scope=message)[REQUEST_ID_HEADER] = request_id
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except Exception as exc:
            # The one place an unexpected fault becomes a 500 body instead of a traceback.
            logger.exception("unhandled error", extra={"request_id": request_id})
            if started:
                raise
            response = error_response(as_public_error(exc), scope)
            await response(scope, receive, send)


class CorsMiddleware(CORSMiddleware):
    """Starlette's CORS, with a refused preflight answered by the JSON error body (403)."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Answer a preflight here; pass anything else to Starlette's CORS handling."""
        headers = Headers(scope=scope) if scope["type"] == "http" else Headers()
        preflight = (
            scope["type"] == "http"
            and scope["method"] == "OPTIONS"
            and "origin" in headers
            and "access-control-request-method" in headers
        )
        if not preflight:
            await super().__call__(scope, receive, send)
            return
        response = self.preflight_response(request_headers=headers)
        if response.status_code != 200:
            refused = bytes(response.body).decode()  # "Disallowed CORS origin, method"
            response = error_response(
                Forbidden(
                    f"{refused}: the browser may not send this request. Cross-origin callers "
                    "must be listed in GENPIC_CORS_ORIGINS and use GET or POST with the "
                    "Authorization, Content-Type, X-Api-Key and Idempotency-Key headers."
                ),
                scope,
            )
        await response(scope, receive, send)


class GateMiddleware:
    """Refuse a foreign Host or Origin, a request without the API key, or a body too large.

    Bodies are held to ``max_body`` (6 MiB), local uploads to ``MAX_UPLOAD_BODY_BYTES``.
    """

    def __init__(
        self,
        app: ASGIApp,
        api_keys: ApiKeys,
        rules: SiteRules,
        max_body: int = MAX_BODY_BYTES,
    ) -> None:
        self.app = app
        self._keys = api_keys
        self._rules = rules
        self._max_body = max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Check Host, Origin and key, read the body (at most ``max_body`` bytes), run the app."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        try:
            headers = Headers(scope=scope)
            self._rules.check(
                scope["method"], scope["scheme"], headers.get("host"), headers.get("origin")
            )
            self._authorize(scope)
            body = await self._read_body(scope, receive)
        except GenpicError as error:
            response = error_response(error, scope)
            await response(scope, receive, send)
            return
        await self.app(scope, _replay(body, receive), send)

    def _authorize(self, scope: Scope) -> None:
        path: str = scope["path"]
        if not self._keys or path in OPEN_PATHS or path.startswith(_OPEN_PREFIXES):
            return
        headers = Headers(scope=scope)
        given = headers.get("x-api-key") or ""
        scheme, _, token = headers.get("authorization", "").partition(" ")
        if scheme.lower() == "bearer":
            given = token.strip()
        name = self._keys.match(given)
        if name is None:
            raise Unauthorized(
                "Missing or wrong API key: send it as 'Authorization: Bearer <key>' or "
                "'X-Api-Key: <key>' (one of the server's GENPIC_API_KEYS, or GENPIC_API_KEY)."
            )
        scope["state"][KEY_NAME_STATE] = name

    async def _read_body(self, scope: Scope, receive: Receive) -> bytes:
        upload = scope["path"] == UPLOAD_PATH
        limit = MAX_UPLOAD_BODY_BYTES if upload else self._max_body
        declared = whole_number(Headers(scope=scope).get("content-length"))
        if declared is not None and declared > limit:
            raise self._too_large(upload)
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                break
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                raise self._too_large(upload)
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        return b"".join(chunks)

    def _too_large(self, upload: bool) -> PayloadTooLarge:
        if upload:
            return PayloadTooLarge(
                f"The upload is over {mebibytes(MAX_INPUT_BYTES)}, the init image limit. "
                "Downscale the image or save it as JPEG or WebP, then upload it again."
            )
        return PayloadTooLarge(
            f"The request body is over {mebibytes(self._max_body)}. Send a smaller init image, "
            f"or upload it first (POST {UPLOAD_PATH}, up to {mebibytes(MAX_INPUT_BYTES)}) and "
            "pass the init_image_s3 it returns."
        )


def _replay(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if sent:
            return await receive()
        sent = True
        message: dict[str, Any] = {"type": "http.request", "body": body, "more_body": False}
        return message

    return replay
