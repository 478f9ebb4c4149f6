"""Input images uploaded for image-to-image, named so ``init_image_s3`` can point at them.

On S3 the browser uploads straight into ``INPUT_BUCKET/uploads/`` with a presigned
POST (the Lambda payload limit never sees the bytes). Locally the HTTP app stores
the upload itself, laid out like the bucket: ``s3://<bucket>/uploads/<name>`` lives
at ``<GENPIC_DATA_DIR>/inputs/uploads/<name>``, where ``<bucket>`` is ``INPUT_BUCKET``
or, when it is unset, ``genpic-local`` (``LocalStore.input_bucket``). The local store
reads init images from the same layout, so the returned URI is usable as it is.
"""

from __future__ import annotations

import uuid
from typing import Any

from genpic.errors import ConfigurationError, StorageError, ValidationError
from genpic.images import MAX_INPUT_BYTES, inspect_input
from genpic.settings import Settings
from genpic.storage.local import LocalStore
from genpic.vocabulary import CONTENT_TYPES

UPLOAD_PREFIX = "uploads/"
UPLOAD_TTL_S = 900


def save_local_upload(store: LocalStore, data: bytes) -> str:
    """Check ``data`` is a usable init image, store it, and return its ``init_image_s3``."""
    info = inspect_input(data)
    key = f"{UPLOAD_PREFIX}{uuid.uuid4().hex}.{info.extension}"
    path = store.input_path(key)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("xb") as file:
            file.write(data)
    except OSError as exc:
        raise StorageError(
            f"Could not write {store.shown(path)} ({exc.strerror}). Check that GENPIC_DATA_DIR "
            "points to a writable directory."
        ) from exc
    return f"s3://{store.input_bucket}/{key}"


def presigned_upload(settings: Settings, content_type: str) -> Any:
    """Return ``{"init_image_s3", "upload": {"url", "fields"}}`` for a browser upload to S3.

    The POST policy allows one object under ``uploads/``, of ``content_type`` and at
    most ``MAX_INPUT_BYTES``, for ``UPLOAD_TTL_S`` seconds.
    """
    if not settings.input_bucket:
        raise ConfigurationError(
            "INPUT_BUCKET is not set; name the bucket that receives uploaded input images."
        )
    extension = next((f for f, t in CONTENT_TYPES.items() if t == content_type), None)
    if extension is None:
        raise ValidationError(
            f"content_type must be one of {', '.join(CONTENT_TYPES.values())}.",
            field="content_type",
        )
    key = f"{UPLOAD_PREFIX}{uuid.uuid4().hex}.{extension}"
    from genpic.awssdk.clients import s3

    client = s3(settings, "input")
    try:
        post = client.generate_presigned_post(
            Bucket=settings.input_bucket,
            Key=key,
            Fields={"Content-Type": content_type},
            Conditions=[
                {"Content-Type": content_type},
                ["content-length-range", 1, MAX_INPUT_BYTES],
            ],
            ExpiresIn=UPLOAD_TTL_S,
        )
    except Exception as exc:
        from genpic.awssdk.errors import s3_error

        raise s3_error(exc, settings.input_bucket, key, reading_input=True) from exc
    return {
        "init_image_s3": f"s3://{settings.input_bucket}/{key}",
        "upload": {"url": post["url"], "fields": post["fields"]},
    }
