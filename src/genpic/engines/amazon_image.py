"""The Amazon image body and response on Bedrock (Nova Canvas, Titan Image Generator v2).

Text-to-image is ``TEXT_IMAGE`` at the catalog's size for the aspect ratio;
image-to-image is ``IMAGE_VARIATION`` at the catalog size nearest the init
image's shape. These models never report a seed, so genpic picks one in the
model's range when the request says 0 (random), sends it, and reports it.
"""

from __future__ import annotations

import base64
import io
import secrets
from dataclasses import replace
from typing import Any

from genpic.awssdk.errors import is_content_filter_message
from genpic.catalog import DEFAULT_STRENGTH, ImageModel
from genpic.engines.base import ImageJob, RenderedImage
from genpic.engines.family import ImageFamily, decode_first_image
from genpic.errors import ContentFiltered, ModelUnavailable

# similarityStrength bounds shared by Nova Canvas and Titan v2 (1.0: stay close to the input).
SIMILARITY_RANGE = (0.2, 1.0)


def similarity_strength(strength: float | None) -> float:
    """Map genpic's ``strength`` to ``similarityStrength``.

    ``strength`` is how far to move away from the init image (Stability's
    meaning); similarity is how close to stay, so similarity = 1 - strength,
    clamped to ``SIMILARITY_RANGE``: strength 0.7 gives 0.3, and any strength
    over 0.8 gives the models' floor of 0.2.
    """
    low, high = SIMILARITY_RANGE
    moved = DEFAULT_STRENGTH if strength is None else strength
    return round(min(max(1.0 - moved, low), high), 4)


class AmazonImageFamily(ImageFamily):
    """``taskType`` bodies with an ``imageGenerationConfig``; the seed is genpic's."""

    def prepare(self, job: ImageJob, model: ImageModel) -> ImageJob:
        """Replace a seed of 0 (random) with a random seed in the model's range."""
        if job.seed:
            return job
        return replace(job, seed=secrets.randbelow(model.max_seed) + 1)

    def request_body(self, job: ImageJob, model: ImageModel) -> dict[str, Any]:
        """Return a ``TEXT_IMAGE`` or ``IMAGE_VARIATION`` body for ``job``."""
        params: dict[str, Any] = {"text": job.prompt}
        if job.negative_prompt:
            params["negativeText"] = job.negative_prompt
        if job.init_image is None:
            task, key = "TEXT_IMAGE", "textToImageParams"
            if job.aspect_ratio is None:
                raise ValueError("a text-to-image job needs an aspect ratio")
            width, height = model.sizes[job.aspect_ratio]
        else:
            task, key = "IMAGE_VARIATION", "imageVariationParams"
            params["images"] = [base64.b64encode(job.init_image).decode("ascii")]
            params["similarityStrength"] = similarity_strength(job.strength)
            from PIL import Image  # only image-to-image reads the init image's size

            with Image.open(io.BytesIO(job.init_image)) as image:
                width, height = model.nearest_size(*image.size)
        config: dict[str, Any] = {
            "width": width,
            "height": height,
            "quality": "standard",
            "seed": job.seed,
            "numberOfImages": 1,
        }
        if model.cfg_scale is not None:
            config["cfgScale"] = model.cfg_scale
        return {"taskType": task, key: params, "imageGenerationConfig": config}

    def parse_response(self, payload: dict[str, Any], job: ImageJob) -> RenderedImage:
        """Return the PNG and the seed genpic sent; an ``error`` in the reply is never an image."""
        error = payload.get("error")
        if error:
            text = str(error)
            if is_content_filter_message(text):
                raise ContentFiltered(
                    f"{job.model}'s content filter refused the request ({text}). "
                    "Rephrase the prompt or use a different init image."
                )
            raise ModelUnavailable(f"{job.model} could not generate the image ({text}). Retry.")
        return RenderedImage(data=decode_first_image(payload, job), seed=job.seed)
