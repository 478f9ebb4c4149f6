"""Pipelines with a records store, against the Bedrock double and moto (Lambda) or offline (HTTP)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from genpic.aws import handlers
from genpic.http.app import create_app
from genpic.pipeline import Pipeline
from genpic.settings import Settings
from tests.support.asgi import LocalClient
from tests.support.memory_records import MemoryRecords


class Clock:
    """Wall-clock seconds that tests move by hand."""

    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def records(clock: Clock) -> MemoryRecords:
    return MemoryRecords(cache_ttl_s=30 * 86400, clock=clock)


@pytest.fixture
def lambda_pipeline(aws: Any, records: MemoryRecords) -> Iterator[Pipeline]:
    """The Lambda handlers' shared pipeline, on the Bedrock double and moto, with ``records``."""
    pipeline = Pipeline(Settings.from_env(), records=records)
    handlers._pipeline = pipeline
    yield pipeline
    handlers.reset()


@pytest.fixture
def http(aws: Any, records: MemoryRecords) -> TestClient:
    """The HTTP app as deployed (Bedrock double, moto S3), with ``records``."""
    return LocalClient(create_app(pipeline=Pipeline(Settings.from_env(), records=records)))
