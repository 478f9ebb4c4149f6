"""Stability AI image models on Amazon Bedrock (InvokeModel, JSON body)."""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from genpic.awssdk.clients import bedrock_runtime
from genpic.awssdk.errors import bedrock_error
from genpic.engines.base import ImageEngine, ImageJob, RenderedImage
from genpic.errors import ContentFiltered, ModelUnavailable
from genpic.settings import Settings

_FILTER_PREFIX = "Filter reason:"
_FILTERED_WHAT = {
    "prompt": "the prompt",
    "input image": "the init image",
    "output image": "the generated image",
}


class BedrockImageEngine(ImageEngine):
    """SD3.5 Large, Stable Image Core and Ultra through ``InvokeModel``."""

    name = "bedrock"

    def __init__(self, settings: Settings) -> None:
        self._settings = settings

    def render(self, job: ImageJob) -> RenderedImage:
        """Invoke the model and return its image, or raise a public error."""
        # Outside the try: no time left is already a public error, and no call is made.
        client = bedrock_runtime(self._settings, "model")
        try:
            response = client.invoke_model(
                modelId=job.model,
                body=json.dumps(request_body(job)),
                contentType="application/json",
                accept="application/json",
            )
            payload = json.loads(response["body"].read())
        except (ValueError, KeyError) as exc:
            raise ModelUnavailable(f"{job.model} returned a response that is not JSON.") from exc
        except Exception as exc:
            raise bedrock_error(exc, job.model, self._settings.region) from exc
        return parse_response(payload, job)


def request_body(job: ImageJob) -> dict[str, Any]:
    """Return the Stability request body for ``job`` (no aspect ratio for image-to-image)."""
    body: dict[str, Any] = {
        "prompt": job.prompt,
        "seed": job.seed,
        "output_format": job.output_format,
    }
    if job.negative_prompt:
        body["negative_prompt"] = job.negative_prompt
    if job.init_image is not None:
        body["mode"] = "image-to-image"
        body["image"] = base64.b64encode(job.init_image).decode("ascii")
        body["strength"] = job.strength
    else:
        body["mode"] = "text-to-image"
        body["aspect_ratio"] = job.aspect_ratio
    return body


def parse_response(payload: dict[str, Any], job: ImageJob) -> RenderedImage:
    """Return the image in ``payload``; a filter or inference error is never an empty image."""
    reasons = payload.get("finish_reasons") or [None]
    reason = reasons[0]
    if isinstance(reason, str) and reason.startswith(_FILTER_PREFIX):
        what = reason.removeprefix(_FILTER_PREFIX).strip()
        raise ContentFiltered(
            f"{job.model}'s content filter refused {_FILTERED_WHAT.get(what, what)}. "
            "Rephrase the prompt or use a different init image."
        )
    if reason is not None:
        raise ModelUnavailable(f"{job.model} could not generate the image ({reason}). Retry.")
    images = payload.get("images") or []
    if not images:
        raise ModelUnavailable(f"{job.model} returned no image. Retry.")
    try:
        data = base64.b64decode(images[0], validate=True)
    except (binascii.Error, ValueError, TypeError) as exc:
        raise ModelUnavailable(f"{job.model} returned an image that is not base64.") from exc
    seeds = payload.get("seeds") or [job.seed]
    return RenderedImage(data=data, seed=int(seeds[0]))
