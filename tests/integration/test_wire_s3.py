"""What genpic writes to S3, read back from moto, and how it answers S3's conditional-write errors.

The 409 that real S3 returns when two conditional writes race is produced by a
loopback proxy in front of moto (moto serialises writes and never answers it), so
boto3 parses the same REST-XML error it would get from S3.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from genpic.aws import handlers
from tests.conftest import OUTPUT_BUCKET
from tests.integration.helpers import invoke
from tests.support.bedrock_double import BedrockDouble
from tests.support.moto_server import MotoServer
from tests.support.s3_proxy import S3Fault, S3Proxy

WEBP_KEY = re.compile(r"outputs/ultra_\d{8}_\d{6}_[0-9a-f]{32}\.webp")


@pytest.fixture
def s3_proxy(
    aws: Any, moto_server: MotoServer, monkeypatch: pytest.MonkeyPatch
) -> Iterator[S3Proxy]:
    """Route genpic's S3 calls (not the test's own client) through a fault-injecting proxy."""
    with S3Proxy(moto_server.url) as proxy:
        monkeypatch.setenv("AWS_ENDPOINT_URL_S3", proxy.url)
        handlers.reset()
        yield proxy


def test_stored_object_carries_content_type_metadata_and_a_presigned_link(
    aws: Any, bedrock: BedrockDouble
) -> None:
    status, headers, body = invoke(
        "generate",
        {"prompt": "a cat", "output_format": "webp", "model": "stability.stable-image-ultra-v1:1"},
    )
    assert status == 200, body
    assert WEBP_KEY.fullmatch(body["key"]), body["key"]
    head = aws.head_object(Bucket=OUTPUT_BUCKET, Key=body["key"])
    assert head["ContentType"] == "image/webp"
    assert head["Metadata"] == {
        "model": "stability.stable-image-ultra-v1:1",
        "seed": str(body["seed"]),
        "engine": "bedrock",
        "request-id": headers["X-Request-Id"],
    }
    # The seed stored is the one Bedrock used, not the 0 the request asked for.
    assert body["seed"] > 0
    url = urlsplit(body["url"])
    assert url.path == f"/{OUTPUT_BUCKET}/{body['key']}"
    assert parse_qs(url.query)["X-Amz-Expires"] == ["900"]


def test_every_output_put_is_conditional(
    aws: Any, bedrock: BedrockDouble, s3_proxy: S3Proxy
) -> None:
    status, _, body = invoke("generate", {"prompt": "a cat"})
    assert status == 200, body
    [put] = s3_proxy.puts()
    assert (put.key, put.status) == (body["key"], 200)
    assert put.headers["if-none-match"] == "*"
    assert put.headers["content-type"] == "image/jpeg"


def test_a_409_conditional_conflict_means_the_key_is_taken_so_another_is_tried(
    aws: Any, bedrock: BedrockDouble, s3_proxy: S3Proxy
) -> None:
    s3_proxy.inject(S3Fault("ConditionalRequestConflict", 409))
    status, _, body = invoke("generate", {"prompt": "a cat"})
    assert status == 200, body
    first, second = s3_proxy.puts()
    assert (first.status, second.status) == (409, 200)
    assert first.key != second.key == body["key"]
    keys = [o["Key"] for o in aws.list_objects_v2(Bucket=OUTPUT_BUCKET)["Contents"]]
    assert keys == [body["key"]]


def test_keys_that_stay_taken_end_in_a_storage_error_after_five_tries(
    aws: Any, bedrock: BedrockDouble, s3_proxy: S3Proxy
) -> None:
    s3_proxy.inject(S3Fault("ConditionalRequestConflict", 409, times=3))
    s3_proxy.inject(S3Fault("PreconditionFailed", 412, times=3))
    status, _, body = invoke("generate", {"prompt": "a cat"})
    assert (status, body["error"]) == (502, "StorageError")
    assert [p.status for p in s3_proxy.puts()] == [409, 409, 409, 412, 412]
    assert len({p.key for p in s3_proxy.puts()}) == 5
    assert aws.list_objects_v2(Bucket=OUTPUT_BUCKET)["KeyCount"] == 0


def test_a_denied_write_is_a_storage_error_naming_the_permission(
    aws: Any, bedrock: BedrockDouble, s3_proxy: S3Proxy
) -> None:
    s3_proxy.inject(S3Fault("AccessDenied", 403))
    status, headers, body = invoke("generate", {"prompt": "a cat"})
    assert (status, body["error"]) == (502, "StorageError")
    assert "s3:PutObject" in body["message"]
    assert "Retry-After" not in headers
    assert len(s3_proxy.puts()) == 1


def test_s3_slowing_down_after_retries_is_an_upstream_timeout(
    aws: Any, bedrock: BedrockDouble, s3_proxy: S3Proxy
) -> None:
    s3_proxy.inject(S3Fault("SlowDown", 503, times=3))
    status, _, body = invoke("generate", {"prompt": "a cat"})
    assert (status, body["error"]) == (504, "UpstreamTimeout")
    # botocore's three attempts at the same key: a 503 is no proof the key is taken.
    assert [p.status for p in s3_proxy.puts()] == [503, 503, 503]
    assert len({p.key for p in s3_proxy.puts()}) == 1
