"""One deployment per records backend, driven through the HTTP app and the Lambda handlers.

``sqlite``: the offline defaults (preview engine, template enhancer, local storage)
with the SQLite store in the test's data directory. ``dynamodb``: as deployed on
Lambda, against the Bedrock double, S3 and DynamoDB on moto.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient
from mangum import Mangum

from genpic.aws import handlers
from genpic.http.app import create_app
from genpic.pipeline import Pipeline
from genpic.records.base import RecordStore
from genpic.settings import Settings
from tests.conftest import RECORDS_TABLE
from tests.support.asgi import LocalClient
from tests.support.events import canned
from tests.support.lambda_context import LambdaContext


@dataclass
class Deployment:
    """A pipeline with a records store, reachable over HTTP and through the handlers."""

    records: RecordStore
    pipeline: Pipeline
    http: TestClient

    def lambda_enhance(self, payload: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        """Invoke the ``enhance`` handler with an API Gateway 2.0 event."""
        event = canned("apigw_http_v2.json")
        event["body"] = json.dumps(payload)
        response = handlers.enhance(event, LambdaContext(function_name="enhance_prompt"))
        return response["statusCode"], json.loads(response["body"])

    def lambda_api(self, method: str, path: str) -> tuple[int, dict[str, Any]]:
        """Invoke the ``api`` handler (the HTTP app through Mangum) on a loop-free thread."""
        event = canned("apigw_http_v2.json")
        event["rawPath"] = event["requestContext"]["http"]["path"] = path
        event["requestContext"]["http"]["method"] = method
        event["body"] = None

        def run() -> dict[str, Any]:
            asyncio.set_event_loop(asyncio.new_event_loop())
            return handlers.api(event, LambdaContext(function_name="genpic_api"))

        with ThreadPoolExecutor(max_workers=1) as pool:
            response = pool.submit(run).result()
        return response["statusCode"], json.loads(response["body"])


def deployment(request: pytest.FixtureRequest, env: dict[str, str]) -> Iterator[Deployment]:
    """Build the deployment ``request.param`` names, with ``env`` set first."""
    monkeypatch: pytest.MonkeyPatch = request.getfixturevalue("monkeypatch")
    if request.param == "dynamodb":
        request.getfixturevalue("aws")
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    settings = Settings.from_env()
    assert settings.records == request.param
    from genpic import backends

    records = backends.create_records(settings)
    pipeline = Pipeline(settings, records=records)
    app = create_app(pipeline=pipeline)
    handlers._pipeline = pipeline
    # The api handler's own app: behind API Gateway it answers the execute-api Host.
    handlers._api = Mangum(create_app(pipeline=pipeline, bind_host=None), lifespan="off")
    with LocalClient(app) as client:
        yield Deployment(records, pipeline, client)
    handlers.reset()


@pytest.fixture(params=["sqlite", "dynamodb"])
def backend(request: pytest.FixtureRequest) -> Iterator[Deployment]:
    """Each backend, with an even A/B experiment running."""
    yield from deployment(request, {"GENPIC_AB_ENHANCE_SHARE": "0.5"})


def stored_arm(records: RecordStore, user: str) -> str | None:
    """Read ``user``'s arm straight from the backend: the SQLite file or the DynamoDB table."""
    if records.name == "sqlite":
        row = _sqlite(records, "SELECT arm FROM ab_arms WHERE user = ?", user)
        return row[0][0] if row else None
    item = _dynamodb().get_item(
        TableName=RECORDS_TABLE, Key={"pk": {"S": f"ARM#{user}"}, "sk": {"S": "ARM"}}
    )
    return item["Item"]["arm"]["S"] if "Item" in item else None


def stored_ratings(records: RecordStore, image_id: str) -> list[tuple[int | None, bool, str]]:
    """Read the feedback rows on ``image_id`` from the backend: (rating, preferred, ab_arm)."""
    if records.name == "sqlite":
        rows = _sqlite(
            records,
            "SELECT rating, preferred, ab_arm FROM feedback WHERE image_id = ? ORDER BY created_at",
            image_id,
        )
        return [(rating, bool(preferred), arm) for rating, preferred, arm in rows]
    items = _dynamodb().query(
        TableName=RECORDS_TABLE,
        KeyConditionExpression="pk = :pk AND begins_with(sk, :fb)",
        ExpressionAttributeValues={":pk": {"S": f"IMAGE#{image_id}"}, ":fb": {"S": "FEEDBACK#"}},
    )["Items"]
    return [
        (
            int(item["rating"]["N"]) if "rating" in item else None,
            bool(item.get("preferred", {}).get("BOOL")),
            item.get("ab_arm", {}).get("S", ""),
        )
        for item in items
    ]


def _sqlite(records: RecordStore, query: str, *args: Any) -> list[Any]:
    with sqlite3.connect(records.database.path) as db:  # type: ignore[attr-defined]
        return db.execute(query, args).fetchall()


def _dynamodb() -> Any:
    import boto3

    return boto3.client("dynamodb")
