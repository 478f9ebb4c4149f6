"""boto3 clients with bounded retries and timeouts that fit one API Gateway request.

Clients are thread-safe and costly to build, so each distinct configuration is
built once per process from one shared session and reused by every backend.
"""

from __future__ import annotations

import os
import threading
from functools import lru_cache
from typing import Any, Literal

from genpic.settings import Settings

USER_AGENT = "genpic/0.1"
_CONNECT_TIMEOUT_S = 3.0
_STORAGE_READ_TIMEOUT_S = 10.0
_STORAGE_ATTEMPTS = 3
_session_lock = threading.Lock()

Service = Literal["s3", "bedrock-runtime"]


def bedrock_runtime(settings: Settings, read_timeout: float) -> Any:
    """Return a Bedrock Runtime client that retries throttles but never a timed-out call."""
    return _cached_client(
        "bedrock-runtime",
        settings.region,
        read_timeout,
        settings.model_attempts,
        _endpoint_override("BEDROCK_RUNTIME"),
    )


def s3(settings: Settings) -> Any:
    """Return an S3 client with SigV4 presigning and short timeouts."""
    return _cached_client(
        "s3",
        settings.region,
        _STORAGE_READ_TIMEOUT_S,
        _STORAGE_ATTEMPTS,
        _endpoint_override("S3"),
    )


def _endpoint_override(service_suffix: str) -> str | None:
    # Part of the cache key only: boto3 itself reads these variables.
    return os.environ.get(f"AWS_ENDPOINT_URL_{service_suffix}") or os.environ.get(
        "AWS_ENDPOINT_URL"
    )


@lru_cache(maxsize=16)
def _cached_client(
    service: Service, region: str, read_timeout: float, attempts: int, _endpoint: str | None
) -> Any:
    from botocore.config import Config

    config = Config(
        region_name=region,
        connect_timeout=_CONNECT_TIMEOUT_S,
        read_timeout=read_timeout,
        retries={"mode": "standard", "total_max_attempts": attempts},
        user_agent_extra=USER_AGENT,
        signature_version="s3v4" if service == "s3" else None,
    )
    with _session_lock:
        client = _session().client(service, config=config)
    if service == "bedrock-runtime":
        # API Gateway gives up after 30 s; a second model call after a read timeout
        # would finish after the caller has left, and be billed all the same.
        client.meta.events.register_first("needs-retry.bedrock-runtime", _no_retry_after_timeout)
    return client


@lru_cache(maxsize=1)
def _session() -> Any:
    # Imported here so the offline defaults never pay for boto3 at start-up.
    import boto3

    return boto3.session.Session()


def _no_retry_after_timeout(caught_exception: Exception | None = None, **_: Any) -> bool | None:
    from botocore.exceptions import ReadTimeoutError

    # False is the first non-None answer, so botocore's retry handler is overruled.
    return False if isinstance(caught_exception, ReadTimeoutError) else None
