"""The worker's webhook key comes from Secrets Manager (moto) at run time, read once, never from env."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from typing import Any

import boto3
import pytest

from genpic.aws import handlers
from genpic.jobs import webhooks
from tests.conftest import REGION
from tests.jobs.conftest import JobsOnAws
from tests.support.moto_server import MotoServer
from tests.support.sqs import drain

pytestmark = pytest.mark.filterwarnings("ignore:No application metrics to publish")
KEY = "k3y-from-secrets-manager"


@pytest.fixture
def secrets(
    aws: Any, moto_server: MotoServer, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[Any, str]]:
    """A moto secret holding ``KEY``; set up before ``on_aws`` builds the app."""
    client = boto3.client("secretsmanager", region_name=REGION, endpoint_url=moto_server.url)
    arn = client.create_secret(Name=f"webhook-{time.time_ns()}", SecretString=KEY)["ARN"]
    monkeypatch.setenv("AWS_ENDPOINT_URL_SECRETS_MANAGER", moto_server.url)
    monkeypatch.setenv("GENPIC_WEBHOOK_ALLOW_PRIVATE", "true")
    monkeypatch.setattr(webhooks, "BACKOFF_S", 0.05)
    yield client, arn


def _run_job(on_aws: JobsOnAws, url: str) -> dict[str, Any]:
    job_id = on_aws.client.post("/jobs", json={"prompt": "a kite", "webhook_url": url}).json()[
        "job_id"
    ]
    drain(on_aws.sqs, on_aws.queue_url, lambda: "webhook" in on_aws.job(job_id))
    return on_aws.job(job_id)


def test_webhooks_are_signed_with_the_secret_read_once_at_run_time(
    secrets: tuple[Any, str],
    on_aws: JobsOnAws,
    receiver_factory: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    client, arn = secrets
    monkeypatch.setenv("GENPIC_WEBHOOK_SECRET_ARN", arn)
    assert KEY not in os.environ.values()
    receiver = receiver_factory()

    first = _run_job(on_aws, receiver.url)
    # Rotated in Secrets Manager: the running worker keeps the key it read (no second read).
    client.put_secret_value(SecretId=arn, SecretString="rotated")
    second = _run_job(on_aws, receiver.url)

    assert first["webhook"]["status"] == second["webhook"]["status"] == "delivered"
    assert len(receiver.calls) == 2
    for headers, body in receiver.calls:
        signed_at = headers["X-Genpic-Timestamp"]
        assert headers["X-Genpic-Signature"] == webhooks.sign(KEY, signed_at, body)


def test_an_unreadable_secret_fails_the_webhook_with_the_variable_named_and_sends_nothing(
    secrets: tuple[Any, str],
    on_aws: JobsOnAws,
    receiver_factory: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _, arn = secrets
    missing = f"{arn[: arn.rindex(':')]}:gone-AbCdEf"
    monkeypatch.setenv("GENPIC_WEBHOOK_SECRET_ARN", missing)
    receiver = receiver_factory()

    job = _run_job(on_aws, receiver.url)

    assert job["status"] == "succeeded"  # the image is made; only its webhook failed
    assert job["webhook"]["status"] == "failed"
    assert "GENPIC_WEBHOOK_SECRET_ARN" in job["webhook"]["reason"]
    assert "arn:" not in job["webhook"]["reason"]
    assert receiver.calls == []


def test_a_local_secret_wins_and_no_secret_means_unsigned(
    secrets: tuple[Any, str],
    on_aws: JobsOnAws,
    receiver_factory: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _, arn = secrets
    monkeypatch.setenv("GENPIC_WEBHOOK_SECRET", "local-key")
    monkeypatch.setenv("GENPIC_WEBHOOK_SECRET_ARN", arn)
    receiver = receiver_factory()
    _run_job(on_aws, receiver.url)
    monkeypatch.delenv("GENPIC_WEBHOOK_SECRET")
    monkeypatch.delenv("GENPIC_WEBHOOK_SECRET_ARN")
    handlers.reset()  # the worker reads its settings once
    _run_job(on_aws, receiver.url)

    (signed, body), (unsigned, _) = receiver.calls
    assert signed["X-Genpic-Signature"] == webhooks.sign(
        "local-key", signed["X-Genpic-Timestamp"], body
    )
    assert "X-Genpic-Signature" not in unsigned
