"""The FastAPI application factory: one app for ``genpic serve`` and for Lambda (Mangum)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles

from genpic import __version__
from genpic.crosssite import DEFAULT_BIND, site_rules
from genpic.errors import RATE_LIMIT_HEADERS, GenpicError, NotFound
from genpic.http import apidocs, core, document, edits, errors, images, jobs, openai_compat, records
from genpic.http.context import Genpic
from genpic.http.errors import REQUEST_ID_HEADER
from genpic.http.middleware import CorsMiddleware, GateMiddleware, RequestIdMiddleware
from genpic.limits.identity import ApiKeys
from genpic.logs import logger
from genpic.pipeline import Pipeline
from genpic.settings import Settings

STATIC_DIR = Path(__file__).resolve().parent / "static"
DESCRIPTION = """Serverless AI image generation: Stability models on Amazon Bedrock (or an offline
preview engine), prompt enhancement, S3 or local storage. Errors are
`{"error", "message", "request_id"}` (`ErrorBody`), and OpenAI's
`{"error": {"message", "type", "param", "code"}}` under `/v1/` (`OpenAIErrorBody`); every
response carries `X-Request-Id`; bodies over 6 MiB (a local
`POST /uploads`: over 10 MiB) are refused with 413 `PayloadTooLarge`.
JSON fields take JSON types as written (`"seed": "5"` is refused); `null` stands for an absent
field only where the schema lists it. A method a route does not take is a 405
`MethodNotAllowed` whose `Allow` header lists the methods it does take."""


def create_app(
    settings: Settings | None = None,
    pipeline: Pipeline | None = None,
    *,
    bind_host: str | None = DEFAULT_BIND,
) -> FastAPI:
    """Build the HTTP app.

    Parameters
    ----------
    settings
        Configuration; by default read from the environment now.
    pipeline
        A ready pipeline (for tests); by default built from ``settings`` on first use.
    bind_host
        The address the server listens on: without ``GENPIC_ALLOWED_HOSTS`` it decides
        which ``Host`` names are answered (``genpic.crosssite.site_rules``); None behind
        API Gateway (the ``api`` Lambda handler).

    Returns
    -------
    FastAPI
        The app with every route, the error mapping, CORS, and the gate (Host, Origin,
        API key, body limit) installed.
    """
    settings = settings or (pipeline.settings if pipeline else Settings.from_env())
    state = Genpic(settings, pipeline)
    app = FastAPI(
        title="genpic",
        version=__version__,
        description=DESCRIPTION,
        lifespan=_lifespan(state),
        docs_url=None,  # apidocs serves /docs and /redoc from local assets, not a CDN
        redoc_url=None,
    )
    app.state.genpic = state
    errors.install(app)
    document.install(app, settings)
    for module in (core, edits, images, records, jobs, openai_compat):
        app.include_router(module.router)
    apidocs.install(app)
    _page(app)
    # Starlette runs the last added outermost: request id, then CORS, then the gate.
    app.add_middleware(
        GateMiddleware, api_keys=ApiKeys(settings.api_keys), rules=site_rules(settings, bind_host)
    )
    # Always installed, so that a refused preflight is answered (403, JSON) here.
    app.add_middleware(
        CorsMiddleware,
        allow_origins=list(settings.cors_origins),
        allow_methods=["GET", "POST"],
        allow_headers=["Authorization", "Content-Type", "X-Api-Key", "Idempotency-Key"],
        expose_headers=[REQUEST_ID_HEADER, "Retry-After", *RATE_LIMIT_HEADERS],
    )
    app.add_middleware(RequestIdMiddleware)
    return app


def _lifespan(state: Genpic) -> Any:
    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        # The embedded job pool lives as long as the server; on AWS jobs go to SQS instead
        # (Mangum runs no lifespan), and a server without a queue resumes its unfinished jobs.
        pool = None
        if not state.settings.queue_url:
            try:
                pool = state.jobs.pool
            except GenpicError as exc:  # a bad setting: requests will say so, as they do
                logger.warning("job pool not started", extra={"reason": exc.message})
        if pool is not None:
            pool.start()
        try:
            yield
        finally:
            if pool is not None:
                pool.stop()

    return lifespan


def _page(app: FastAPI) -> None:
    app.mount("/static", StaticFiles(directory=STATIC_DIR, check_dir=False), name="static")

    @app.get("/", include_in_schema=False)
    def page() -> FileResponse:
        """The web page."""
        index = STATIC_DIR / "index.html"
        if not index.is_file():
            raise NotFound("The web page is not installed (genpic/http/static/index.html).")
        return FileResponse(index, headers={"Cache-Control": "no-cache"})
