"""Presigned GET and POST links name the bucket's regional host, as S3 answers them.

Signed by the real botocore with no endpoint override, as on Lambda: S3 answers the global
host ``BUCKET.s3.amazonaws.com`` of a bucket outside us-east-1 with a 307 for hours after it
is created, and the redirected request no longer matches what was signed. Nothing leaves
the machine: presigning is local, and the one HEAD is answered by botocore's Stubber.
"""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from botocore.stub import Stubber

from genpic.awssdk import clients
from genpic.settings import Settings
from genpic.storage.s3 import PRESIGNED_URL_TTL_S, S3Store
from genpic.storage.uploads import UPLOAD_TTL_S, presigned_upload
from tests.conftest import INPUT_BUCKET, OUTPUT_BUCKET, REGION

KEY = "outputs/sd35_20260101_000000_abc.jpeg"
AMZ_DATE = "%Y%m%dT%H%M%SZ"


@pytest.fixture
def credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.setenv(name, "AKIDEXAMPLE")
    monkeypatch.delenv("AWS_SESSION_TOKEN", raising=False)


def _settings(region: str) -> Settings:
    return Settings(
        storage="s3", region=region, output_bucket=OUTPUT_BUCKET, input_bucket=INPUT_BUCKET
    )


def _signed_get(settings: Settings) -> str:
    store = S3Store(settings)
    client = clients.s3(settings, "input")
    with Stubber(client) as stub:
        stub.add_response("head_object", {}, {"Bucket": OUTPUT_BUCKET, "Key": KEY})
        found = store.find(KEY)
    assert found is not None
    return found.url


def _credential_region(credential: str) -> str:
    # AKID/YYYYMMDD/<region>/s3/aws4_request
    return credential.split("/")[2]


def _assert_fresh(signed_at: str, now: datetime) -> None:
    moment = datetime.strptime(signed_at, AMZ_DATE).replace(tzinfo=UTC)
    assert abs(moment - now) < timedelta(seconds=5)


def _post_policy(post: dict[str, Any]) -> dict[str, Any]:
    policy: dict[str, Any] = json.loads(base64.b64decode(post["fields"]["policy"]))
    return policy


@pytest.mark.parametrize("region", ["us-west-2", "eu-central-1", "us-east-1"])
def test_a_presigned_get_names_the_regional_host_and_lasts_fifteen_minutes(
    credentials: None, region: str
) -> None:
    now = datetime.now(UTC)
    url = urlsplit(_signed_get(_settings(region)))
    assert (url.scheme, url.netloc) == ("https", f"{OUTPUT_BUCKET}.s3.{region}.amazonaws.com")
    assert url.path == f"/{KEY}"
    query = parse_qs(url.query)
    assert _credential_region(query["X-Amz-Credential"][0]) == region
    assert query["X-Amz-SignedHeaders"] == ["host"]
    assert query["X-Amz-Expires"] == [str(PRESIGNED_URL_TTL_S)] == ["900"]
    _assert_fresh(query["X-Amz-Date"][0], now)


@pytest.mark.parametrize("region", ["us-west-2", "eu-central-1", "us-east-1"])
def test_a_presigned_post_names_the_regional_host_and_lasts_fifteen_minutes(
    credentials: None, region: str
) -> None:
    now = datetime.now(UTC)
    post = presigned_upload(_settings(region), "image/png")["upload"]
    assert post["url"] == f"https://{INPUT_BUCKET}.s3.{region}.amazonaws.com/"
    fields = post["fields"]
    assert _credential_region(fields["x-amz-credential"]) == region
    _assert_fresh(fields["x-amz-date"], now)
    policy = _post_policy(post)
    expiration = datetime.fromisoformat(policy["expiration"].replace("Z", "+00:00"))
    assert (
        timedelta(seconds=UPLOAD_TTL_S - 5) < expiration - now < timedelta(seconds=UPLOAD_TTL_S + 5)
    )
    assert {"bucket": INPUT_BUCKET} in policy["conditions"]
    assert {"x-amz-credential": fields["x-amz-credential"]} in policy["conditions"]


def test_an_endpoint_override_keeps_its_host_and_moto_serves_both_links(
    aws: Any, moto_server: Any
) -> None:
    settings = Settings.from_env()
    aws.put_object(Bucket=OUTPUT_BUCKET, Key=KEY, Body=b"jpeg bytes")
    now = datetime.now(UTC)

    link = S3Store(settings).link(KEY)
    url = urlsplit(link)
    assert f"{url.scheme}://{url.netloc}" == moto_server.url
    assert url.path == f"/{OUTPUT_BUCKET}/{KEY}"
    query = parse_qs(url.query)
    assert _credential_region(query["X-Amz-Credential"][0]) == REGION
    assert query["X-Amz-Expires"] == ["900"]
    _assert_fresh(query["X-Amz-Date"][0], now)
    assert httpx.get(link).content == b"jpeg bytes"

    ticket = presigned_upload(settings, "image/png")
    post = ticket["upload"]
    assert post["url"] == f"{moto_server.url}/{INPUT_BUCKET}"
    assert _credential_region(post["fields"]["x-amz-credential"]) == REGION
    posted = httpx.post(
        post["url"], data=post["fields"], files={"file": ("in.png", b"png bytes", "image/png")}
    )
    assert posted.status_code in (200, 204), posted.text
    key = ticket["init_image_s3"].split("/", 3)[3]
    assert aws.get_object(Bucket=INPUT_BUCKET, Key=key)["Body"].read() == b"png bytes"
