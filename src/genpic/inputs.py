"""Init images for image-to-image: inline base64 or an object in ``INPUT_BUCKET`` only."""

from __future__ import annotations

import base64
from typing import Any

from genpic.catalog import describe_image_model
from genpic.errors import Forbidden
from genpic.images import MAX_INPUT_BYTES, check_model_limits, inspect_input
from genpic.request import GenerationRequest
from genpic.settings import Settings


class InitImageLoader:
    """Fetches and checks a request's init image; only ``INPUT_BUCKET`` may be read."""

    def __init__(self, settings: Settings, s3_client: Any | None = None) -> None:
        self._settings = settings
        self._s3_client = s3_client

    def load(self, request: GenerationRequest) -> bytes | None:
        """Return the init image bytes, checked by genpic's rules and the model's, or None."""
        if request.init_image is not None:
            data = base64.b64decode(request.init_image)
        elif request.init_image_s3 is not None:
            data = self._read_s3(*request.init_image_location())
        else:
            return None
        model = describe_image_model(request.model)
        check_model_limits(len(data), inspect_input(data), model.init_image, model.label)
        return data

    def _read_s3(self, bucket: str, key: str) -> bytes:
        allowed = self._settings.input_bucket
        if allowed is None:
            raise Forbidden(
                "init_image_s3 needs INPUT_BUCKET to be configured; send init_image "
                "(base64) instead, or set INPUT_BUCKET.",
                field="init_image_s3",
            )
        if bucket != allowed:
            raise Forbidden(
                f"init_image_s3 must be in s3://{allowed}/; this deployment does not read "
                f"bucket {bucket!r}.",
                field="init_image_s3",
            )
        from genpic.storage.s3 import read_object

        return read_object(self._client(), bucket, key, MAX_INPUT_BYTES)

    def _client(self) -> Any:
        if self._s3_client is None:
            from genpic.awssdk.clients import s3

            self._s3_client = s3(self._settings)
        return self._s3_client
