"""Input images: an init image for image-to-image, and an edit's image, mask and style image.

Each comes inline (base64) or as ``s3://INPUT_BUCKET/…``, which the image store
reads (and refuses for any other bucket: the confused-deputy rule).
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass, field

from genpic.catalog import INVOKE_MODEL_MAX_BODY, describe_image_model
from genpic.editing import IMAGE_FIELDS, EditRequest
from genpic.errors import InvalidImage
from genpic.images import MAX_INPUT_BYTES, ImageInfo, check_model_limits, inspect_input
from genpic.request import GenerationRequest, s3_location
from genpic.storage.base import ImageStore

# What an edit's body holds besides its images: three texts of up to 10,000 characters,
# JSON-escaped, and the numbers.
_BODY_ROOM = 512 * 1024


@dataclass(frozen=True)
class EditImages:
    """An edit's checked images by field (``image``, ``mask``, ``style_image``) and sizes."""

    data: dict[str, bytes]
    info: dict[str, ImageInfo] = field(default_factory=dict)

    @property
    def image(self) -> bytes:
        """The image to edit."""
        return self.data["image"]

    def sha256(self) -> dict[str, str]:
        """Return each image's sha256, by field: part of the result-cache key."""
        return {name: hashlib.sha256(data).hexdigest() for name, data in self.data.items()}


class InitImageLoader:
    """Fetches and checks a request's input images; the store decides which objects may be read."""

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

    def load_edit(self, request: EditRequest) -> EditImages:
        """Return an edit's images, each checked against its service's limits.

        Raises
        ------
        InvalidImage
            An image breaks a limit, or the mask is not the image's size (naming the field).
        """
        spec, label = request.spec, request.service.label
        images = EditImages({})
        for name in IMAGE_FIELDS:
            data = self._read(request, name)
            if data is None:
                continue
            info = inspect_input(data, name, spec.limits.min_side)
            check_model_limits(len(data), info, spec.limits, label, name)
            images.data[name], images.info[name] = data, info
        image, mask = images.info["image"], images.info.get("mask")
        if mask is not None and (mask.width, mask.height) != (image.width, image.height):
            raise InvalidImage(
                f"mask is {mask.width}x{mask.height} px but the image is "
                f"{image.width}x{image.height} px; paint the mask on the image's own size.",
                field="mask",
            )
        _check_body_size(images.data)
        return images

    def _read(self, request: EditRequest, name: str) -> bytes | None:
        inline, stored = getattr(request, name), getattr(request, f"{name}_s3")
        if inline is not None:
            return base64.b64decode(inline)
        if stored is None:
            return None
        bucket, key = s3_location(stored)
        return self._store.read_input(bucket, key, MAX_INPUT_BYTES, f"{name}_s3")


def _check_body_size(data: dict[str, bytes]) -> None:
    """Refuse images that, as base64, would not fit in one InvokeModel request body."""
    encoded = {name: 4 * -(-len(image) // 3) for name, image in data.items()}
    total = sum(encoded.values())
    if total + _BODY_ROOM <= INVOKE_MODEL_MAX_BODY:
        return
    largest = max(encoded, key=encoded.__getitem__)
    raise InvalidImage(
        f"the images ({', '.join(encoded)}) are {total:,} bytes as base64, and Bedrock's "
        f"InvokeModel takes at most {INVOKE_MODEL_MAX_BODY:,} bytes a request; send a smaller "
        f"{largest} (fewer pixels, or JPEG or WebP).",
        field=largest,
    )
