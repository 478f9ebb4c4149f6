"""How one family of Bedrock image models is spoken to: its body and its response.

``genpic.engines.bedrock`` invokes the model and maps SDK errors once; a family
only builds the InvokeModel body and reads the reply. ``catalog.ImageModel.family``
picks the family, so adding a model never adds a branch to the engine.
"""

from __future__ import annotations

import base64
import binascii
from abc import ABC, abstractmethod
from typing import Any

from genpic.catalog import ImageModel
from genpic.engines.base import ImageJob, RenderedImage
from genpic.errors import ModelUnavailable


class ImageFamily(ABC):
    """The request and response shape shared by a family of image models."""

    @abstractmethod
    def request_body(self, job: ImageJob, model: ImageModel) -> dict[str, Any]:
        """Return the InvokeModel JSON body for ``job``."""

    @abstractmethod
    def parse_response(self, payload: dict[str, Any], job: ImageJob) -> RenderedImage:
        """Return the image in ``payload``, or raise a public error; never an empty image."""


def decode_first_image(payload: dict[str, Any], job: ImageJob) -> bytes:
    """Return the first base64 image of ``payload["images"]``, or raise ``ModelUnavailable``."""
    images = payload.get("images") or []
    if not images:
        raise ModelUnavailable(f"{job.model} returned no image. Retry.")
    try:
        return base64.b64decode(images[0], validate=True)
    except (binascii.Error, ValueError, TypeError) as exc:
        raise ModelUnavailable(f"{job.model} returned an image that is not base64.") from exc
