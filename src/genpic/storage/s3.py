"""Amazon S3: conditional writes to OUTPUT_BUCKET, presigned links, reads from INPUT_BUCKET."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from genpic.awssdk.clients import s3
from genpic.awssdk.errors import error_code, s3_error
from genpic.errors import ConfigurationError, NotFound
from genpic.settings import Settings
from genpic.storage.base import ImageStore, ObjectExists, StoredImage

PRESIGNED_URL_TTL_S = 900
# 412: the key exists; 409: a concurrent conditional write to the same key won.
_TAKEN = ("PreconditionFailed", "ConditionalRequestConflict")
# What HEAD answers for an object that does not exist (a HEAD response has no error body).
_MISSING = ("404", "NoSuchKey", "NotFound")


class S3Store(ImageStore):
    """Writes images to ``OUTPUT_BUCKET`` and links them with 15-minute presigned URLs."""

    name = "s3"

    def __init__(self, settings: Settings) -> None:
        if not settings.output_bucket:
            raise ConfigurationError(
                "OUTPUT_BUCKET is not set; name the bucket for generated images, or use "
                "GENPIC_STORAGE=local."
            )
        self.bucket = settings.output_bucket
        self.input_bucket = settings.input_bucket
        self._settings = settings

    def put_if_absent(
        self, key: str, data: bytes, content_type: str, metadata: Mapping[str, str]
    ) -> StoredImage:
        """Upload ``data`` with ``If-None-Match: *`` so an existing object is never replaced."""
        client = s3(self._settings, "store")
        try:
            client.put_object(
                Bucket=self.bucket,
                Key=key,
                Body=data,
                ContentType=content_type,
                Metadata=dict(metadata),
                IfNoneMatch="*",
            )
            url = self._presigned_get(client, key)
        except Exception as exc:
            if error_code(exc) in _TAKEN:
                raise ObjectExists(key) from exc
            raise s3_error(exc, self.bucket, key, reading_input=False) from exc
        return self._stored(key, url)

    def link(self, key: str) -> str:
        """Return a fresh presigned GET for the existing object ``key`` (``NotFound`` if absent)."""
        found = self.find(key)
        if found is None:
            raise NotFound(f"No image at s3://{self.bucket}/{key}.")
        return found.url

    def find(self, key: str) -> StoredImage | None:
        """Check that ``key`` still exists (HEAD) and presign a GET for it; None if it is gone."""
        client = s3(self._settings, "input")
        try:
            client.head_object(Bucket=self.bucket, Key=key)
        except Exception as exc:
            if error_code(exc) in _MISSING:
                return None
            raise s3_error(exc, self.bucket, key, reading_input=False) from exc
        return self._stored(key, self._presigned_get(client, key))

    def fetch(self, key: str) -> bytes:
        """Download the output ``key``."""
        client = s3(self._settings, "input")
        try:
            body = client.get_object(Bucket=self.bucket, Key=key)["Body"]
            try:
                return bytes(body.read())
            finally:
                body.close()
        except Exception as exc:
            raise s3_error(exc, self.bucket, key, reading_input=False) from exc

    def _stored(self, key: str, url: str) -> StoredImage:
        return StoredImage(key=key, uri=f"s3://{self.bucket}/{key}", url=url, bucket=self.bucket)

    def _presigned_get(self, client: Any, key: str) -> str:
        url: str = client.generate_presigned_url(
            "get_object",
            Params={"Bucket": self.bucket, "Key": key},
            ExpiresIn=PRESIGNED_URL_TTL_S,
        )
        return url

    def get_input(self, bucket: str, key: str, max_bytes: int) -> bytes:
        """Read ``bucket``/``key`` (``INPUT_BUCKET``), never more than ``max_bytes + 1`` bytes."""
        client = s3(self._settings, "input")
        try:
            response = client.get_object(Bucket=bucket, Key=key)
            body = response["Body"]
            try:
                return bytes(body.read(max_bytes + 1))
            finally:
                body.close()
        except Exception as exc:
            raise s3_error(exc, bucket, key, reading_input=True) from exc
