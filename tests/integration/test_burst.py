"""A burst of concurrent requests in one second never overwrites an image."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor
from types import SimpleNamespace
from typing import Any

import pytest

from genpic import keys
from tests.integration.helpers import invoke, stored_image
from tests.support.bedrock_double import BedrockDouble
from tests.support.events import http_api

BURST = 12


def test_a_burst_of_concurrent_requests_stores_distinct_objects(
    aws: Any, bedrock: BedrockDouble
) -> None:
    event = http_api({"prompt": "a cat", "seed": 42})
    with ThreadPoolExecutor(max_workers=BURST) as pool:
        results = list(pool.map(lambda _: invoke("generate", event), range(BURST)))

    assert [status for status, _, _ in results] == [200] * BURST
    keys = {body["key"] for _, _, body in results}
    assert len(keys) == BURST
    stamps = {key.split("_")[1] + key.split("_")[2] for key in keys}
    assert len(stamps) <= 3, (
        "the burst should share its timestamps, as the original key-collision bug needs"
    )
    listed = aws.list_objects_v2(Bucket="gen-img-out1", Prefix="outputs/")
    assert listed["KeyCount"] == BURST
    assert {obj["Key"] for obj in listed["Contents"]} == keys


def test_a_taken_key_is_never_overwritten(
    aws: Any, bedrock: BedrockDouble, monkeypatch: pytest.MonkeyPatch
) -> None:
    fixed = uuid.UUID(int=7)
    status, _, first = invoke("generate", {"prompt": "first"})
    assert status == 200
    original = aws.get_object(Bucket="gen-img-out1", Key=first["key"])["Body"].read()

    values = iter([uuid.UUID(first["key"].rsplit("_", 1)[1].split(".")[0]), fixed])
    monkeypatch.setattr(keys, "uuid", SimpleNamespace(uuid4=lambda: next(values)))
    monkeypatch.setattr(keys, "datetime", _FrozenClock(first["key"]))
    status, _, second = invoke("generate", {"prompt": "second"})

    assert status == 200
    assert second["key"] != first["key"]
    assert second["key"].endswith(f"{fixed.hex}.jpeg")
    assert aws.get_object(Bucket="gen-img-out1", Key=first["key"])["Body"].read() == original
    stored_image(aws, second)


class _FrozenClock:
    """Stands in for datetime so the second request lands in the first one's second."""

    def __init__(self, key: str) -> None:
        from datetime import UTC, datetime

        stamp = key.removeprefix("outputs/sd35_")[:15]
        self._now = datetime.strptime(stamp, "%Y%m%d_%H%M%S").replace(tzinfo=UTC)

    def now(self, tz: Any = None) -> Any:
        return self._now
