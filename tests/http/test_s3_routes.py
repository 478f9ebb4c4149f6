"""Images and uploads with S3 storage, against moto: presigned redirects and presigned POSTs."""

from __future__ import annotations

import base64
from typing import Any

import httpx
from fastapi.testclient import TestClient

from tests.conftest import INPUT_BUCKET, image_bytes
from tests.support.bedrock_double import BedrockDouble


def test_images_redirect_to_a_fresh_presigned_get(
    aws: Any, aws_client: TestClient, bedrock: BedrockDouble
) -> None:
    body = aws_client.post("/generate", json={"prompt": "a cat", "output_format": "png"}).json()
    response = aws_client.get(f"/images/{body['key']}", follow_redirects=False)
    assert response.status_code == 307
    location = response.headers["Location"]
    assert body["key"] in location and "X-Amz-Signature" in location
    assert response.headers["Cache-Control"] == "no-store"
    fetched = httpx.get(location)  # moto on loopback serves the object
    assert fetched.status_code == 200
    assert fetched.content == aws.get_object(Bucket=body["bucket"], Key=body["key"])["Body"].read()


def test_a_missing_s3_image_is_404(aws_client: TestClient) -> None:
    response = aws_client.get("/images/outputs/sd35_20250101_000000_x.png")
    assert (response.status_code, response.json()["error"]) == (404, "NotFound")


def test_upload_is_a_presigned_post_limited_in_size_and_type(
    aws: Any, aws_client: TestClient, bedrock: BedrockDouble
) -> None:
    ticket = aws_client.post("/uploads", json={"content_type": "image/png"})
    assert ticket.status_code == 200, ticket.text
    body = ticket.json()
    assert body["init_image_s3"].startswith(f"s3://{INPUT_BUCKET}/uploads/")
    policy = base64.b64decode(body["upload"]["fields"]["policy"]).decode()
    assert '"content-length-range", 1, 10485760' in policy
    assert '{"Content-Type": "image/png"}' in policy

    data = image_bytes((320, 256), "PNG")
    posted = httpx.post(
        body["upload"]["url"],
        data=body["upload"]["fields"],
        files={"file": ("in.png", data, "image/png")},
    )
    assert posted.status_code in (200, 204), posted.text
    key = body["init_image_s3"].split("/", 3)[3]
    assert aws.get_object(Bucket=INPUT_BUCKET, Key=key)["Body"].read() == data

    made = aws_client.post(
        "/generate", json={"prompt": "as a mosaic", "init_image_s3": body["init_image_s3"]}
    )
    assert made.status_code == 200, made.text
    sent = bedrock.requests[0].body
    assert sent["mode"] == "image-to-image"
    assert base64.b64decode(sent["image"]) == data


def test_upload_refuses_other_content_types(aws_client: TestClient) -> None:
    for payload in ({"content_type": "image/gif"}, {}, {"content_type": 3}):
        response = aws_client.post("/uploads", json=payload)
        assert (response.status_code, response.json()["field"]) == (400, "content_type")
