"""The Stability AI body and response on Bedrock (SD3.5 Large, Stable Image Core and Ultra)."""

from __future__ import annotations

import base64
from typing import Any

from genpic.catalog import ImageModel
from genpic.engines.base import ImageJob, RenderedImage
from genpic.engines.family import ImageFamily, decode_first_image
from genpic.errors import ContentFiltered, ModelUnavailable

_FILTER_PREFIX = "Filter reason:"
_FILTERED_WHAT = {
    "prompt": "the prompt",
    "input image": "the init image",
    "output image": "the generated image",
}


class StabilityFamily(ImageFamily):
    """``prompt``/``mode``/``aspect_ratio`` bodies; the model reports the seed it used."""

    def request_body(self, job: ImageJob, model: ImageModel) -> dict[str, Any]:
        """Return the Stability body for ``job`` (no aspect ratio for image-to-image)."""
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

    def parse_response(self, payload: dict[str, Any], job: ImageJob) -> RenderedImage:
        """Return the image and the seed the model reports; a filter reason is a 422."""
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
        data = decode_first_image(payload, job)
        seeds = payload.get("seeds") or [job.seed]
        return RenderedImage(data=data, seed=int(seeds[0]))
