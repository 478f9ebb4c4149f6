"""The app with per-client limits, on DynamoDB (moto, jobs to SQS) or SQLite (local jobs).

Both run the Bedrock double as the model, so tests can assert which calls reached it,
and read the limit buckets straight from the table or the SQLite file.
"""

from __future__ import annotations

import math
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import pytest
from fastapi.testclient import TestClient

from genpic.http.app import create_app
from tests.conftest import RECORDS_TABLE, REGION
from tests.support.bedrock_double import BedrockDouble
from tests.support.moto_server import MotoServer
from tests.support.sqs import create_queues

KEYS = {"alice": "k-alice-1", "bob": "k-bob-2"}
#: Seconds into its minute of the moment limits see: windows and resets are then exact.
INTO_MINUTE = 17


def frozen_now() -> int:
    """A moment in the next minute, ``INTO_MINUTE`` s in: its window outlives the test."""
    return (math.floor(time.time() / 60) + 1) * 60 + INTO_MINUTE


def minute_of(now: int) -> str:
    """The rate-window name of a ``/minute`` limit at ``now``."""
    return f"60s@{now - now % 60}"


def as_client(name: str) -> dict[str, str]:
    """The headers of client ``name``'s requests."""
    return {"Authorization": f"Bearer {KEYS[name]}"}


@dataclass
class Limited:
    """The running app and what to look at: the model's calls and the stored counts."""

    client: TestClient
    bedrock: BedrockDouble
    backend: str
    now: int
    table: Any = None
    database: Path | None = None
    sqs: Any = None
    queue_url: str | None = None

    def post(self, path: str, body: Any, who: str = "alice", **headers: str) -> Any:
        return self.client.post(path, json=body, headers={**as_client(who), **headers})

    @property
    def minute(self) -> str:
        """The current ``/minute`` window's name."""
        return minute_of(self.now)

    def invokes(self) -> int:
        """How many InvokeModel calls the model double received."""
        return sum(call.operation == "InvokeModel" for call in self.bedrock.requests)

    def counts(self) -> dict[tuple[str, str], int]:
        """Every limit bucket as stored: (client, window) -> images."""
        if self.backend == "dynamodb":
            items = self.table.scan(TableName=RECORDS_TABLE)["Items"]
            return {
                (i["client"]["S"], i["period"]["S"]): int(i["taken"]["N"])
                for i in items
                if i["pk"]["S"].startswith("LIMIT#")
            }
        assert self.database is not None
        with sqlite3.connect(self.database) as db:
            rows = db.execute("SELECT client, period, taken FROM limit_buckets").fetchall()
        return {(client, period): taken for client, period, taken in rows}


@pytest.fixture(params=["dynamodb", "sqlite"])
def limited(
    request: pytest.FixtureRequest,
    aws: Any,
    bedrock: BedrockDouble,
    moto_server: MotoServer,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> Iterator[Callable[..., Limited]]:
    """Start the app with ``GENPIC_RATE_LIMIT`` / ``GENPIC_DAILY_QUOTA`` and two named keys."""
    backend = request.param
    monkeypatch.setenv("GENPIC_API_KEYS", ",".join(f"{n}={k}" for n, k in KEYS.items()))
    extra: dict[str, Any] = {}
    if backend == "dynamodb":
        sqs = boto3.client("sqs", region_name=REGION, endpoint_url=moto_server.url)
        queue_url, _ = create_queues(sqs, 3)
        monkeypatch.setenv("AWS_ENDPOINT_URL_SQS", moto_server.url)
        monkeypatch.setenv("GENPIC_QUEUE_URL", queue_url)
        extra = {"table": boto3.client("dynamodb", region_name=REGION), "sqs": sqs}
        extra["queue_url"] = queue_url
    else:
        monkeypatch.delenv("AWS_LAMBDA_FUNCTION_NAME")
        for name, value in (
            ("GENPIC_ENGINE", "bedrock"),
            ("GENPIC_ENHANCER", "bedrock"),
            ("GENPIC_STORAGE", "local"),
            ("GENPIC_RECORDS", "sqlite"),
            ("GENPIC_ALLOWED_HOSTS", "testserver"),  # TestClient's Host
        ):
            monkeypatch.setenv(name, value)
        extra = {"database": tmp_path / "genpic-data" / "records.sqlite3"}

    with ExitStack() as stack:

        def start(rate: str | None = None, daily: int | None = None) -> Limited:
            if rate:
                monkeypatch.setenv("GENPIC_RATE_LIMIT", rate)
            if daily:
                monkeypatch.setenv("GENPIC_DAILY_QUOTA", str(daily))
            client = stack.enter_context(TestClient(create_app()))
            now = frozen_now()
            client.app.state.genpic.pipeline.limiter.clock = lambda: now  # type: ignore[attr-defined]
            return Limited(client, bedrock, backend, now, **extra)

        yield start
