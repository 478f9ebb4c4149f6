"""Invoke the Lambda handlers like the runtime does and read what they stored."""

from __future__ import annotations

import io
import json
from typing import Any

from PIL import Image

from genpic.aws import handlers
from tests.support.lambda_context import LambdaContext

HANDLERS = {"generate": handlers.generate, "enhance": handlers.enhance}


def invoke(handler: str, event: Any) -> tuple[int, dict[str, str], dict[str, Any]]:
    """Call a handler; return its status, headers and decoded JSON body."""
    context = LambdaContext(
        function_name="aws_gen_pic" if handler == "generate" else "enhance_prompt"
    )
    response = HANDLERS[handler](event, context)
    assert set(response) == {"statusCode", "headers", "body"}
    assert isinstance(response["body"], str)
    body = json.loads(response["body"])
    assert body["request_id"] == context.aws_request_id
    assert response["headers"]["X-Request-Id"] == context.aws_request_id
    return response["statusCode"], response["headers"], body


def stored_image(s3: Any, body: dict[str, Any]) -> Image.Image:
    """Fetch the object a success body names and check it is the image it claims to be."""
    obj = s3.get_object(Bucket=body["bucket"], Key=body["key"])
    data = obj["Body"].read()
    assert obj["ContentType"] == body["content_type"]
    assert obj["Metadata"]["model"] == body["model"]
    assert obj["Metadata"]["seed"] == str(body["seed"])
    image = Image.open(io.BytesIO(data))
    image.load()
    assert f"image/{image.format.lower()}" == body["content_type"]
    assert body["key"].endswith("." + image.format.lower())
    assert image.size == (body["width"], body["height"])
    return image
