"""Init images for image-to-image: inline base64, or an object the image store reads."""

from __future__ import annotations

import base64

from genpic.images import MAX_INPUT_BYTES, inspect_input
from genpic.request import GenerationRequest
from genpic.storage.base import ImageStore


class InitImageLoader:
    """Fetches and checks a request's init image; the store decides which objects may be read."""

    def __init__(self, store: ImageStore) -> None:
        self._store = store

    def load(self, request: GenerationRequest) -> bytes | None:
        """Return the checked init image bytes, or None for text-to-image."""
        if request.init_image is not None:
            data = base64.b64decode(request.init_image)
        elif request.init_image_s3 is not None:
            bucket, key = request.init_image_location()
            data = self._store.read_input(bucket, key, MAX_INPUT_BYTES)
        else:
            return None
        inspect_input(data)
        return data
