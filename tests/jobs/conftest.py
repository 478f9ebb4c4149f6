"""Jobs on AWS: the API and the worker against moto (S3, DynamoDB, SQS) and the Bedrock double."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import boto3
import pytest
from fastapi.testclient import TestClient

from genpic.http.app import create_app
from genpic.jobs import webhooks
from tests.conftest import REGION
from tests.support.asgi import LocalClient
from tests.support.moto_server import MotoServer
from tests.support.sqs import create_queues
from tests.support.webhook_receivers import SECRET, Receiver

MAX_RECEIVES = 3


@dataclass
class JobsOnAws:
    """The deployed shape: the HTTP app as on Lambda, the queue and its dead-letter queue."""

    client: TestClient
    sqs: Any
    s3: Any
    queue_url: str
    dlq_url: str

    def job(self, job_id: str) -> dict[str, Any]:
        response = self.client.get(f"/jobs/{job_id}")
        assert response.status_code == 200
        body: dict[str, Any] = response.json()
        return body

    def finished(self, *job_ids: str) -> bool:
        return all(self.job(j)["status"] in ("succeeded", "failed") for j in job_ids)


@pytest.fixture
def on_aws(
    aws: Any, moto_server: MotoServer, monkeypatch: pytest.MonkeyPatch
) -> Iterator[JobsOnAws]:
    sqs = boto3.client("sqs", region_name=REGION, endpoint_url=moto_server.url)
    queue_url, dlq_url = create_queues(sqs, MAX_RECEIVES)
    monkeypatch.setenv("AWS_ENDPOINT_URL_SQS", moto_server.url)
    monkeypatch.setenv("GENPIC_QUEUE_URL", queue_url)
    monkeypatch.setenv("GENPIC_JOB_MAX_RECEIVES", str(MAX_RECEIVES))
    monkeypatch.setenv("GENPIC_MODEL_RPS", "20")
    # Backoff in tests: a first retry after about a second, not minutes.
    monkeypatch.setattr("genpic.jobs.service.BACKOFF_S", 0.5)
    with LocalClient(create_app()) as client:
        yield JobsOnAws(client, sqs, aws, queue_url, dlq_url)


@pytest.fixture
def receiver_factory() -> Iterator[Callable[..., Receiver]]:
    """Start loopback webhook receivers (scripted statuses, then 200); stop them after the test."""
    made: list[Receiver] = []

    def make(statuses: list[int] | None = None) -> Receiver:
        made.append(Receiver(statuses).start())
        return made[-1]

    yield make
    for receiver in made:
        receiver.stop()


@pytest.fixture
def webhook_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Sign webhooks with ``SECRET``, allow loopback receivers, and retry after 50 ms."""
    monkeypatch.setenv("GENPIC_WEBHOOK_SECRET", SECRET)
    monkeypatch.setenv("GENPIC_WEBHOOK_ALLOW_PRIVATE", "true")
    monkeypatch.setattr(webhooks, "BACKOFF_S", 0.05)
