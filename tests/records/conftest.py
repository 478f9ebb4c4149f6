"""The records contract runs against every backend: SQLite in a temp dir, DynamoDB on moto."""

from __future__ import annotations

from typing import Any

import pytest

from genpic.records.base import RecordStore
from genpic.records.dynamodb import DynamoRecords
from genpic.records.sqlite import SqliteRecords
from genpic.settings import Settings

START = 1_750_000_000.0


class FakeClock:
    """Epoch seconds that move only when a test says so."""

    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture(params=["sqlite", "dynamodb"])
def records(request: pytest.FixtureRequest, clock: FakeClock) -> RecordStore:
    """A fresh, empty store of each backend, on the fake clock."""
    if request.param == "dynamodb":
        request.getfixturevalue("aws")  # moto on loopback, the table created from template.yaml
        return DynamoRecords(Settings.from_env(), clock=clock)
    return SqliteRecords(Settings.from_env(), clock=clock)


@pytest.fixture
def dynamodb(aws: Any) -> Any:
    """A boto3 DynamoDB client on the moto server, to look at what the store wrote."""
    import boto3

    return boto3.client("dynamodb")
