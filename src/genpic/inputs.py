"""Init images for image-to-image: inline base64, or an object the image store reads."""

from __future__ import annotations

import base64

from genpic.catalog import describe_image_model
from genpic.images import MAX_INPUT_BYTES, check_model_limits, inspect_input
from genpic.request import GenerationRequest
from genpic.storage.base import ImageStore


class InitImageLoader:
    """Fetches and checks a request's init image; the store decides which objects may be read."""

    def __init__(self, store: ImageStore) -> None:
        self._store = store

    def load(self, request: GenerationRequest) -> bytes | None:
        """Return the init image bytes, checked by genpic's rules and the model's, or None."""
        if request.init_image is not None:
            data = base64.b64decode(request.init_image)
        elif request.init_image_s3 is not None:
            bucket, key = request.init_image_location()
            data = self._store.read_input(bucket, key, MAX_INPUT_BYTES)
        else:
            return None
        model = describe_image_model(request.model)
        check_model_limits(len(data), inspect_input(data), model.init_image, model.label)
        return data
