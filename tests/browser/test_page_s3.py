"""The page against ``genpic serve`` on S3 storage (moto on loopback), as when deployed.

The browser uploads the input image straight into the bucket with the presigned POST
``/uploads`` hands out, and loads results through ``/images/{key}``, which redirects
to a fresh presigned GET. Checked at the wire: the objects moto holds.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest

from tests.browser.conftest import screenshot
from tests.conftest import INPUT_BUCKET, OUTPUT_BUCKET, REGION, image_bytes
from tests.support.live_server import LiveServer
from tests.support.moto_server import MotoServer


@pytest.fixture
def s3_site(moto_server: MotoServer, tmp_path: Any) -> Iterator[tuple[str, Any]]:
    """``genpic serve`` with S3 storage on moto (offline engine and enhancer); yield (url, s3)."""
    moto_server.reset()
    credentials = {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_REGION": REGION,
        "AWS_ENDPOINT_URL_S3": moto_server.url,
    }
    s3 = boto3.client(
        "s3",
        region_name=REGION,
        endpoint_url=moto_server.url,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    for bucket in (OUTPUT_BUCKET, INPUT_BUCKET):
        s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": REGION})
    env = {
        **credentials,
        "GENPIC_ENGINE": "preview",
        "GENPIC_ENHANCER": "template",
        "GENPIC_STORAGE": "s3",
        "OUTPUT_BUCKET": OUTPUT_BUCKET,
        "INPUT_BUCKET": INPUT_BUCKET,
    }
    with LiveServer(tmp_path / "data", env) as live:
        yield live.url + "/", s3


def _keys(s3: Any, bucket: str) -> list[str]:
    return [o["Key"] for o in s3.list_objects_v2(Bucket=bucket).get("Contents", [])]


def test_upload_to_s3_and_generate_from_it(browser: Any, s3_site: tuple[str, Any]) -> None:
    url, s3 = s3_site
    data = image_bytes((512, 384), "PNG")
    context = browser.new_context(viewport={"width": 1360, "height": 900})
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda exc: errors.append(str(exc)))
    tab.goto(url)
    tab.wait_for_selector("body[data-ready=true]")
    tab.fill("#prompt", "a harbour in the fog")
    with tab.expect_request(lambda r: r.method == "POST" and INPUT_BUCKET in r.url) as direct:
        tab.set_input_files(
            "#file", files=[{"name": "harbour.png", "mimeType": "image/png", "buffer": data}]
        )
    tab.wait_for_selector("#input-status:text('ready')")
    assert not direct.value.url.startswith(url)  # straight to the bucket, not through genpic
    uploaded = _keys(s3, INPUT_BUCKET)
    assert len(uploaded) == 1 and uploaded[0].startswith("uploads/")
    stored = s3.get_object(Bucket=INPUT_BUCKET, Key=uploaded[0])
    assert stored["Body"].read() == data and stored["ContentType"] == "image/png"

    with tab.expect_response(lambda r: r.url.endswith("/generate")) as answer:
        tab.click("#generate")
    sent = answer.value.request.post_data_json
    body = answer.value.json()
    assert sent["init_image_s3"] == f"s3://{INPUT_BUCKET}/{uploaded[0]}"
    assert body["parameters"]["mode"] == "image-to-image" and body["bucket"] == OUTPUT_BUCKET
    assert _keys(s3, OUTPUT_BUCKET) == [body["key"]]
    # The result image arrives through /images/{key}'s redirect to a presigned GET on moto.
    tab.wait_for_function(
        "(() => { const i = document.querySelector('#results .card img'); return i && i.complete && i.naturalWidth; })()"
    )
    assert tab.get_attribute("#results .card img", "src") == "images/" + body["key"]
    screenshot(tab, "s3-image-to-image")
    context.close()
    assert not errors, errors
