"""The Stability AI Image Services body on Bedrock (inpaint, outpaint, upscale, …).

The body is built from the service's declaration (``catalog.EditSpec``): which
image key, which images, which fields it takes. The reply is the Stability one.
Source: https://docs.aws.amazon.com/bedrock/latest/userguide/stable-image-services.html
"""

from __future__ import annotations

import base64
from typing import Any

from genpic.catalog import ImageModel
from genpic.engines.base import ImageJob
from genpic.engines.stability import StabilityFamily


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


class StabilityEditFamily(StabilityFamily):
    """One body shape for every image service; the reply and its filter reasons as Stability's."""

    def request_body(self, job: ImageJob, model: ImageModel) -> dict[str, Any]:
        """Return the service's body: only the fields its declaration lists."""
        spec, edit = model.edit, job.edit
        if spec is None or edit is None:
            raise ValueError(f"{model.model_id} is an image service; it takes only edits")
        body: dict[str, Any] = {spec.image_key: _b64(edit.image)}
        body.update((name, _b64(edit.images[name])) for name in spec.images if name in edit.images)
        if spec.prompt != "none" and job.prompt:
            body["prompt"] = job.prompt
        if spec.negative_prompt and job.negative_prompt:
            body["negative_prompt"] = job.negative_prompt
        body.update(edit.texts)
        body.update(edit.values)
        if spec.aspect_ratio:
            body["aspect_ratio"] = edit.aspect_ratio
        if spec.seed:
            body["seed"] = job.seed
        body["output_format"] = job.output_format
        return body
