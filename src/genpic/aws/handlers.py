"""Lambda entry points: ``generate`` (aws_gen_pic), ``enhance``, ``api`` and ``worker``.

``generate`` and ``enhance`` are one call into the shared pipeline under Powertools'
logger; every path prints its own metrics as it goes (``genpic.telemetry``). ``api`` is
the whole HTTP app through Mangum, ``worker`` the SQS consumer. On Lambda, init builds
what the function's own handler (``_HANDLER``) uses, so the app is in the ``api``
function's init (and SnapStart snapshot) and FastAPI is never imported by the other three.
"""

from __future__ import annotations

import json
import os
import uuid
from typing import TYPE_CHECKING, Any

from genpic import idempotency, variants
from genpic.aws.events import check_browser_rules, header_from_event, payload_from_event
from genpic.aws.snapstart import prime
from genpic.cache.results import cache_header
from genpic.crosssite import site_rules
from genpic.idempotency import Answer
from genpic.limits.identity import DIRECT_INVOKE, client_from_event
from genpic.logs import logger
from genpic.settings import LAMBDA_HANDLER

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.typing import LambdaContext

    from genpic.aws.worker import Worker
    from genpic.pipeline import Pipeline
    from genpic.request import GenerationRequest

_pipeline: Pipeline | None = None
_api: Any = None
_worker: Worker | None = None


@logger.inject_lambda_context(clear_state=True)
def generate(event: Any, context: LambdaContext) -> dict[str, Any]:
    """``aws_gen_pic``: generate, enhancing only when the payload says ``enhance_prompt: true``."""
    return handle(event, context, enhance_default=False)


@logger.inject_lambda_context(clear_state=True)
def enhance(event: Any, context: LambdaContext) -> dict[str, Any]:
    """``enhance_prompt``: enhance first unless the payload says ``enhance_prompt: false``."""
    return handle(event, context, enhance_default=True)


def handle(event: Any, context: Any, *, enhance_default: bool) -> dict[str, Any]:
    """Run one event through the pipeline and return an API Gateway proxy response.

    Its metrics are filed under the entry ``enhance`` or ``generate`` (``genpic.telemetry``).
    """
    entry = "enhance" if enhance_default else "generate"
    request_id = getattr(context, "aws_request_id", None) or str(uuid.uuid4())
    logger.append_keys(request_id=request_id)
    try:
        pipeline = _shared_pipeline()
        check_browser_rules(event, site_rules(pipeline.settings, bind_host=None))
        request = pipeline.parse(payload_from_event(event), enhance_default=enhance_default)
        header_key = header_from_event(event, idempotency.HEADER)
        client = client_from_event(event) or DIRECT_INVOKE
        answer = idempotency.guarded(
            pipeline,
            "generate",
            request,
            header_key,
            lambda: _generate(pipeline, request, request_id, client, entry),
        )
    except Exception as exc:
        answer = Answer.failure(exc, request_id, entry=entry)
    headers = {**(answer.headers or {}), **cache_header(answer.body)}
    return _response(answer.status, answer.body, request_id, headers)


def _generate(
    pipeline: Pipeline, request: GenerationRequest, request_id: str, client: str, entry: str
) -> Answer:
    try:
        made = variants.generate(pipeline, request, request_id, client, entry=entry)
    except Exception as exc:
        return Answer.failure(exc, request_id, entry=entry)
    return Answer(200, made.to_body())


@logger.inject_lambda_context(clear_state=True)
def api(event: Any, context: LambdaContext) -> dict[str, Any]:
    """The HTTP API's default route: every HTTP route, served by the FastAPI app via Mangum."""
    response: dict[str, Any] = _shared_api()(event, context)
    return response


@logger.inject_lambda_context(clear_state=True)
def worker(event: Any, context: LambdaContext) -> dict[str, Any]:
    """The SQS jobs queue's consumer: run each message's job; report the partial batch failures."""
    return _shared_worker().handle(event)


def _shared_api() -> Any:
    global _api
    if _api is None:
        from mangum import Mangum

        from genpic.http.app import create_app

        _api = Mangum(create_app(bind_host=None, pipeline=_shared_pipeline()), lifespan="off")
    return _api


def _shared_worker() -> Worker:
    global _worker
    if _worker is None:
        from genpic.aws.worker import Worker

        _worker = Worker(_shared_pipeline())
    return _worker


def _shared_pipeline() -> Pipeline:
    # Built on the first invocation and reused while the execution environment lives.
    global _pipeline
    if _pipeline is None:
        from genpic.pipeline import Pipeline

        _pipeline = Pipeline.from_env()
    return _pipeline


def reset() -> None:
    """Forget the shared pipeline and app so the next invocation re-reads the environment."""
    global _pipeline, _api, _worker
    _pipeline = _api = _worker = None


def _build_for_this_function() -> Pipeline:
    # Lambda names the function's handler ("genpic.aws.handlers.api") in _HANDLER.
    handler = os.environ.get(LAMBDA_HANDLER, "").rpartition(".")[2]
    if handler == "api":
        _shared_api()
    elif handler == "worker":
        _shared_worker()
    return _shared_pipeline()


prime(_build_for_this_function)  # on Lambda: build during init, so the snapshot holds it


def _response(
    status: int, body: dict[str, Any], request_id: str, headers: dict[str, str] | None = None
) -> dict[str, Any]:
    return {
        "statusCode": status,
        "headers": {
            "Content-Type": "application/json",
            "X-Request-Id": request_id,
            **(headers or {}),
        },
        "body": json.dumps(body),
    }
