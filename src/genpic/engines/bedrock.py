"""Image models on Amazon Bedrock through ``InvokeModel``.

The engine invokes the model and maps SDK errors once; the model's family
(``catalog.ImageModel.family``) says how to build the body and read the reply.
"""

from __future__ import annotations

import json

from genpic.awssdk.clients import bedrock_runtime
from genpic.awssdk.errors import bedrock_error
from genpic.catalog import Family, describe_image_model
from genpic.engines.base import ImageEngine, ImageJob, RenderedImage
from genpic.engines.family import ImageFamily
from genpic.engines.stability import StabilityFamily
from genpic.engines.stability_edit import StabilityEditFamily
from genpic.errors import ModelUnavailable
from genpic.settings import Settings

FAMILIES: dict[Family, ImageFamily] = {
    "stability": StabilityFamily(),
    "stability-edit": StabilityEditFamily(),
}


class BedrockImageEngine(ImageEngine):
    """Stability SD3.5 Large, Stable Image Core and Ultra, and the Stability AI Image Services."""

    name = "bedrock"

    def __init__(self, settings: Settings) -> None:
        self._settings = settings

    def render(self, job: ImageJob) -> RenderedImage:
        """Invoke the model and return its image, or raise a public error."""
        model = describe_image_model(job.model)
        family = FAMILIES[model.family]
        body = family.request_body(job, model)
        # Outside the try: no time left is already a public error, and no call is made.
        client = bedrock_runtime(self._settings, "model")
        try:
            response = client.invoke_model(
                modelId=job.model,
                body=json.dumps(body),
                contentType="application/json",
                accept="application/json",
            )
            payload = json.loads(response["body"].read())
        except (ValueError, KeyError) as exc:
            raise ModelUnavailable(f"{job.model} returned a response that is not JSON.") from exc
        except Exception as exc:
            raise bedrock_error(exc, job.model, self._settings.region) from exc
        if not isinstance(payload, dict):
            raise ModelUnavailable(f"{job.model} returned a response that is not a JSON object.")
        return family.parse_response(payload, job)
