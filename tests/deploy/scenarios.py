"""Drive each function of template.yaml through every path that reaches AWS, on moto and the double.

Each function runs its own handler with the environment the template gives it (resources
resolved to the stand-in names ``tests.deploy.cfn`` uses, created on moto under those
names), so the calls recorded are the ones that function makes once deployed. A path
added to the code that reaches a new AWS call must be added here, or the permissions
test fails on the call nobody exercised.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from genpic.aws import handlers
from tests.conftest import image_bytes
from tests.support.api_gateway import call, http_v2
from tests.support.bedrock_double import BedrockDouble, Fault
from tests.support.lambda_context import LambdaContext
from tests.support.sqs import deliver, receive_event
from tests.support.webhook_receivers import Receiver


class Send(Protocol):
    """Runs one request through an entry point and returns its success (or error) body."""

    def __call__(self, payload: dict[str, Any], expect_failure: bool = False) -> dict[str, Any]: ...


UPLOAD_KEY = "uploads/photo.png"
MASK_KEY = "uploads/mask.png"
SMALL_KEY = "uploads/small.png"


@dataclass
class Deployed:
    """The stack's resources on moto, and the doubles around them."""

    s3: Any
    sqs: Any
    bedrock: BedrockDouble
    receiver: Receiver
    output_bucket: str
    input_bucket: str
    queue_url: str
    image_models: tuple[str, ...]
    pause: Callable[[], Any]  # a context manager: calls inside it are not recorded


def pipeline_paths(send: Send, deployed: Deployed, *, idempotency: bool = True) -> None:
    """Every path of the pipeline that reaches AWS, through ``send``."""
    first = {"prompt": "a cat", "seed": 11, "enhance_prompt": True}
    keyed = {**first, "idempotency_key": "k-1"} if idempotency else first
    made = send(keyed)  # enhancement, generation, storage, records, the cache filled
    if idempotency:
        send(keyed)  # replayed: links signed afresh
    send(first)  # a cache hit: HEAD, then a fresh link
    deployed.s3.delete_object(Bucket=deployed.output_bucket, Key=made["key"])
    send(first)  # the cached image vanished (HEAD 404): the entry is dropped, refilled
    deployed.s3.put_object(Bucket=deployed.input_bucket, Key=UPLOAD_KEY, Body=image_bytes())
    send({"prompt": "as a mosaic", "init_image_s3": f"s3://{deployed.input_bucket}/{UPLOAD_KEY}"})
    for model in deployed.image_models:
        send({"prompt": "a fox", "model": model, "translate": False})
    send({"prompt": "con mèo đen ngủ trên mái nhà"})  # translated by the text model
    edit_paths(send, deployed)
    if idempotency:
        # A 5xx is not remembered: the key is released for a retry.
        deployed.bedrock.inject(
            *[Fault("ServiceUnavailableException", operation="InvokeModel")] * 3
        )
        send({"prompt": "a storm", "idempotency_key": "k-2"}, expect_failure=True)


def edit_paths(send: Send, deployed: Deployed) -> None:
    """One edit per image service: each is a model the roles must allow (and only those)."""
    image = f"s3://{deployed.input_bucket}/{UPLOAD_KEY}"
    mask = f"s3://{deployed.input_bucket}/{MASK_KEY}"
    deployed.s3.put_object(Bucket=deployed.input_bucket, Key=MASK_KEY, Body=image_bytes(fmt="PNG"))
    small = image_bytes((256, 192), "PNG")  # the fast upscaler takes at most 1,048,576 pixels
    deployed.s3.put_object(Bucket=deployed.input_bucket, Key=SMALL_KEY, Body=small)
    for fields in (
        {"operation": "inpaint", "prompt": "a door", "mask_s3": mask},
        {"operation": "outpaint", "left": 64},
        {"operation": "erase", "mask_s3": mask},
        {"operation": "search_replace", "prompt": "a dog", "search_prompt": "cat"},
        {"operation": "search_recolor", "prompt": "a green car", "select_prompt": "car"},
        {"operation": "remove_background"},
        {"operation": "upscale_fast", "image_s3": f"s3://{deployed.input_bucket}/{SMALL_KEY}"},
        {"operation": "upscale_conservative", "prompt": "a photo"},
        {"operation": "upscale_creative", "prompt": "a photo"},
        {"operation": "sketch", "prompt": "a castle"},
        {"operation": "structure", "prompt": "a castle"},
        {"operation": "style_guide", "prompt": "a cat"},
        {"operation": "style_transfer", "style_image_s3": image},
    ):
        made = send({"image_s3": image, **fields})
        assert made.get("operation") == fields["operation"], made


def _handler_send(name: str) -> Send:
    handler = getattr(handlers, name)

    def send(payload: dict[str, Any], expect_failure: bool = False) -> dict[str, Any]:
        response = handler(payload, LambdaContext(function_name=name))
        body: dict[str, Any] = json.loads(response["body"])
        assert (response["statusCode"] >= 500) == expect_failure, body
        return body

    return send


def _api(method: str, path: str, body: dict[str, Any] | None = None) -> tuple[int, Any]:
    response, _ = call(http_v2(method, path, body))
    text = response.get("body") or "null"
    return response["statusCode"], json.loads(text) if text.startswith(("{", "[")) else text


def _api_send(payload: dict[str, Any], expect_failure: bool = False) -> dict[str, Any]:
    status, body = _api("POST", "/edit" if "operation" in payload else "/generate", payload)
    assert (status >= 500) == expect_failure, body
    return dict(body)


def generate(deployed: Deployed) -> None:
    pipeline_paths(_handler_send("generate"), deployed)


def enhance(deployed: Deployed) -> None:
    pipeline_paths(_handler_send("enhance"), deployed)


def api(deployed: Deployed) -> None:
    pipeline_paths(_api_send, deployed)
    made = _api_send({"prompt": "a heron", "seed": 5})
    assert _api("GET", f"/images/{made['key']}")[0] == 307
    assert _api("GET", "/images?limit=2")[0] == 200
    assert _api("POST", "/feedback", {"image_id": made["image_id"], "rating": 5})[0] == 204
    assert _api("GET", "/stats")[0] == 200
    assert _api("POST", "/uploads", {"content_type": "image/png"})[0] == 200
    status, job = _api("POST", "/jobs", {"prompt": "a kite", "webhook_url": deployed.receiver.url})
    assert status == 202, job
    assert _api("GET", f"/jobs/{job['job_id']}")[0] == 200
    status, batch = _api("POST", "/batches", {"requests": [{"prompt": "a"}, {"prompt": "b"}]})
    assert status == 202, batch
    assert _api("GET", f"/batches/{batch['batch_id']}")[0] == 200


def _run_next(deployed: Deployed) -> None:
    event = receive_event(deployed.sqs, deployed.queue_url, batch=1)
    assert event is not None, "no job message to run"
    deliver(deployed.sqs, deployed.queue_url, event)


def _job_send(deployed: Deployed) -> Send:
    def send(payload: dict[str, Any], expect_failure: bool = False) -> dict[str, Any]:
        with deployed.pause():
            status, job = _api("POST", "/jobs", payload)
        assert status == 202, job
        _run_next(deployed)
        with deployed.pause():
            _, finished = _api("GET", f"/jobs/{job['job_id']}")
        assert finished["status"] == "succeeded", finished
        return dict(finished["result"])

    return send


def worker(deployed: Deployed, slow_pace: Callable[[], None]) -> None:
    send = _job_send(deployed)
    pipeline_paths(send, deployed, idempotency=False)
    send({"prompt": "a kite", "webhook_url": deployed.receiver.url})  # signed with the secret
    # Throttled beyond the SDK's retries: the message comes back after a backoff.
    deployed.bedrock.inject(*[Fault("ThrottlingException", operation="InvokeModel")] * 3)
    with deployed.pause():
        _api("POST", "/jobs", {"prompt": "a gale"})
    _run_next(deployed)
    # The next model-call slot is further away than a worker waits: a fresh delayed message.
    slow_pace()
    with deployed.pause():
        _api("POST", "/batches", {"requests": [{"prompt": "c"}, {"prompt": "d"}]})
    _run_next(deployed)
    _run_next(deployed)


SCENARIOS: dict[str, Callable[..., None]] = {
    "GenerateFunction": generate,
    "EnhanceFunction": enhance,
    "ApiFunction": api,
    "WorkerFunction": worker,
}
