"""botocore clients whose timeouts and retries fit what the running request has left.

Each backend asks for a client for its stage (``genpic.deadline``) just before
calling; the client's timeouts are the stage's allotment, rounded down to a
coarse grid so that only a handful of clients are ever built. Clients are
thread-safe and costly to build, so each is built once per process from one
shared session and reused by every request.
"""

from __future__ import annotations

import math
import os
import threading
from collections.abc import Callable
from functools import lru_cache
from typing import Any, Literal, get_args

from genpic import deadline
from genpic.deadline import Stage
from genpic.settings import Settings

USER_AGENT = "genpic/0.1"
_CONNECT_TIMEOUT_S = 1.0
_STORAGE_ATTEMPTS = 3
_CONTROL_READ_TIMEOUT_S = 10.0
_session_lock = threading.Lock()

# Every AWS service genpic calls. The Lambda bundle keeps botocore's data for these alone
# (scripts/slim_bundle.py), so a client for any other service fails to build there.
Service = Literal["s3", "bedrock-runtime", "dynamodb", "sqs", "secretsmanager"]
SERVICES: tuple[Service, ...] = get_args(Service)
# Services only the deployer's commands call (never a function), so no bundle needs them.
DEPLOYER_SERVICES = ("bedrock",)
# The operations genpic calls on each (presigned links sign GetObject and PutObject). The
# bundle's service models keep these alone, so a client parses a fraction of botocore's model
# at init; tests/deploy fail on a call in the code that is not listed here.
OPERATIONS: dict[Service, tuple[str, ...]] = {
    "s3": ("GetObject", "HeadObject", "PutObject"),
    "bedrock-runtime": ("ApplyGuardrail", "Converse", "InvokeModel"),
    "dynamodb": (
        "BatchGetItem",
        "BatchWriteItem",
        "DeleteItem",
        "GetItem",
        "PutItem",
        "Query",
        "Scan",
        "UpdateItem",
    ),
    "sqs": ("ChangeMessageVisibility", "SendMessage", "SendMessageBatch"),
    "secretsmanager": ("GetSecretValue",),
}


def bedrock_runtime(settings: Settings, stage: Literal["text", "model", "store"]) -> Any:
    """Return a Bedrock Runtime client for a text-model or image-model call.

    A guardrail screens prompts in the ``text`` stage and a generated image in the
    ``store`` stage (after the model, in the time kept for storing it).

    Raises
    ------
    UpstreamTimeout
        The request has no time left for ``stage``.
    """
    return _client("bedrock-runtime", stage, settings, settings.model_attempts, "BEDROCK_RUNTIME")


def s3(settings: Settings, stage: Literal["input", "store"]) -> Any:
    """Return an S3 client (SigV4 presigning) for reading an init image or storing an image."""
    return _client("s3", stage, settings, _STORAGE_ATTEMPTS, "S3")


def dynamodb(settings: Settings) -> Any:
    """Return a DynamoDB client for the records store (timed as storage)."""
    return _client("dynamodb", "store", settings, _STORAGE_ATTEMPTS, "DYNAMODB")


def sqs(settings: Settings) -> Any:
    """Return an SQS client for the jobs queue (timed as storage)."""
    return _client("sqs", "store", settings, _STORAGE_ATTEMPTS, "SQS")


def secretsmanager(settings: Settings) -> Any:
    """Return a Secrets Manager client for the webhook signing key (timed as storage)."""
    return _client("secretsmanager", "store", settings, _STORAGE_ATTEMPTS, "SECRETS_MANAGER")


def bedrock_control(region: str) -> Any:
    """Return a Bedrock control-plane (``bedrock``) client, for the deployer's commands.

    Only the command line calls it (``genpic models --live``), never a function: one of the
    ``DEPLOYER_SERVICES``. botocore honours ``AWS_ENDPOINT_URL_BEDROCK``.
    """
    from botocore.config import Config

    config = Config(
        region_name=region,
        connect_timeout=_CONNECT_TIMEOUT_S,
        read_timeout=_CONTROL_READ_TIMEOUT_S,
        retries={"mode": "standard", "total_max_attempts": _STORAGE_ATTEMPTS},
        user_agent_extra=USER_AGENT,
    )
    with _session_lock:
        return _session().create_client("bedrock", config=config)


def warm(settings: Settings) -> None:
    """Build the clients every request under ``settings`` uses, at each stage's full allotment.

    On Lambda this runs during init, so SnapStart's snapshot holds botocore, the loaded
    service models and the clients a request starting afresh asks for. Clients only some
    requests use (S3 reads of init images, the jobs queue) are built on their first use.
    """
    if "bedrock" in (settings.engine, settings.enhancer):
        bedrock_runtime(settings, "text")
        bedrock_runtime(settings, "model")
    if settings.guardrail_id:
        bedrock_runtime(settings, "text")
        if settings.guardrail_images:
            bedrock_runtime(settings, "store")
    if settings.storage == "s3":
        s3(settings, "store")
    if settings.records == "dynamodb" and settings.table:
        dynamodb(settings)


def attempt_seconds(allotted: float) -> float:
    """Round ``allotted`` down to the grid clients are cached on (quarter seconds under 5 s)."""
    step = 0.25 if allotted < 5 else 1.0
    return max(math.floor(allotted / step) * step, deadline.MIN_ATTEMPT_S)


def _client(
    service: Service, stage: Stage, settings: Settings, attempts: int, endpoint_suffix: str
) -> Any:
    seconds = attempt_seconds(deadline.allot(stage, deadline.cap(settings, stage)))
    return _cached_client(
        service, stage, settings.region, seconds, attempts, _endpoint_override(endpoint_suffix)
    )


def _endpoint_override(service_suffix: str) -> str | None:
    # botocore itself reads these variables; here they key the cache and pick S3's addressing.
    return os.environ.get(f"AWS_ENDPOINT_URL_{service_suffix}") or os.environ.get(
        "AWS_ENDPOINT_URL"
    )


@lru_cache(maxsize=32)
def _cached_client(
    service: Service,
    stage: Stage,
    region: str,
    seconds: float,
    attempts: int,
    endpoint: str | None,
) -> Any:
    from botocore.config import Config

    # One attempt, connecting and reading, never takes longer than ``seconds``.
    connect = min(_CONNECT_TIMEOUT_S, seconds / 4)
    # Presigned links name BUCKET.s3.<region>.amazonaws.com. botocore's default signs them for the
    # global BUCKET.s3.amazonaws.com, which S3 answers with a 307 to the regional host for up to
    # 24 hours after a bucket is created outside us-east-1; the browser follows it and the signed
    # Host no longer matches (403 SignatureDoesNotMatch). See
    # https://repost.aws/knowledge-center/s3-http-307-response. With an endpoint override (moto,
    # LocalStack) botocore's own addressing is kept.
    config = Config(
        region_name=region,
        connect_timeout=connect,
        read_timeout=seconds - connect,
        retries={"mode": "standard", "total_max_attempts": attempts},
        user_agent_extra=USER_AGENT,
        signature_version="s3v4" if service == "s3" else None,
        s3=(
            {"addressing_style": "virtual", "us_east_1_regional_endpoint": "regional"}
            if service == "s3" and endpoint is None
            else None
        ),
    )
    with _session_lock:
        client = _session().create_client(service, config=config)
    client.meta.events.register_first(
        f"needs-retry.{service}", _retry_only_within_deadline(stage, seconds, service)
    )
    return client


@lru_cache(maxsize=1)
def _session() -> Any:
    # botocore's own session: boto3 wraps it with resources and transfer helpers genpic never
    # uses, whose import costs every cold start. Imported here so the offline defaults never
    # pay for botocore at start-up either.
    from botocore.session import Session

    return Session()


def _retry_only_within_deadline(
    stage: Stage, seconds: float, service: Service
) -> Callable[..., bool | None]:
    def refuse_late_retry(
        caught_exception: Exception | None = None,
        attempts: int = 1,
        response: Any = None,
        **_: Any,
    ) -> bool | None:
        from botocore.exceptions import ReadTimeoutError

        # False is the first non-None answer, so botocore's retry handler is overruled.
        if service == "bedrock-runtime" and isinstance(caught_exception, ReadTimeoutError):
            # The model may still be working on the first call, and bills it: a second
            # one would be paid twice for an answer the caller may never see.
            return False
        running = deadline.current()
        if running is None:
            return None
        answered = response is not None
        retry_after = answered and "x-amz-retry-after" in response[0].headers
        backoff = deadline.max_backoff(attempts, answered=answered, retry_after=retry_after)
        return None if running.may_retry(stage, seconds, backoff) else False

    return refuse_late_retry
