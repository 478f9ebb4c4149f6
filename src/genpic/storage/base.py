"""The image store interface: where outputs are written and init images are read.

Backends say how to write an object (``put_if_absent``) and how to read an
input object (``get_input``); output naming and the rule that init images come
from the deployment's input bucket only live here, once.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass

from genpic.errors import Forbidden, GenpicError, StorageError
from genpic.keys import new_output_key

_KEY_ATTEMPTS = 5


class ObjectExists(Exception):
    """A conditional write found the key already taken."""


@dataclass(frozen=True)
class StoredImage:
    """Where an image was stored and how to fetch it."""

    key: str
    uri: str
    url: str
    bucket: str | None

    @property
    def filename(self) -> str:
        """The key's last path segment."""
        return self.key.rsplit("/", 1)[-1]


class ImageStore(ABC):
    """A place to keep generated images without ever replacing one."""

    name: str
    #: The only bucket ``init_image_s3`` may name (None: no init images from storage).
    input_bucket: str | None

    @abstractmethod
    def put_if_absent(
        self, key: str, data: bytes, content_type: str, metadata: Mapping[str, str]
    ) -> StoredImage:
        """Write ``data`` at ``key`` unless it exists (then raise ``ObjectExists``)."""

    @abstractmethod
    def find(self, key: str) -> StoredImage | None:
        """Return the stored output ``key`` with a fresh URL, or None if it is gone.

        Outputs may expire (an S3 lifecycle rule, a cleaned data directory), so a
        record of an image is no proof that it can still be fetched.
        """

    @abstractmethod
    def fetch(self, key: str) -> bytes:
        """Return the bytes of the stored output ``key`` (``NotFound`` if it is gone)."""

    @abstractmethod
    def get_input(self, bucket: str, key: str, max_bytes: int) -> bytes:
        """Return input ``bucket``/``key`` (bucket already checked): ``max_bytes + 1`` at most.

        A missing object is ``InvalidImage`` on ``init_image_s3``.
        """

    def read_input(
        self, bucket: str, key: str, max_bytes: int, field: str = "init_image_s3"
    ) -> bytes:
        """Return the init image at ``s3://bucket/key``, refusing any bucket but ``input_bucket``.

        Parameters
        ----------
        bucket, key
            Where ``init_image_s3`` points.
        max_bytes
            The largest init image accepted; one byte more is read so that the
            size check can tell "too large" from "exactly at the limit".

        Raises
        ------
        Forbidden
            ``bucket`` is not this deployment's input bucket, or none is configured.
        InvalidImage
            The object does not exist.
        """
        if self.input_bucket is None:
            raise Forbidden(
                f"{field} needs INPUT_BUCKET to be configured; send {field.removesuffix('_s3')} "
                "(base64) instead, or set INPUT_BUCKET.",
                field=field,
            )
        if bucket != self.input_bucket:
            raise Forbidden(
                f"{field} must be in s3://{self.input_bucket}/; this deployment does not "
                f"read bucket {bucket!r}.",
                field=field,
            )
        try:
            return self.get_input(bucket, key, max_bytes)
        except GenpicError as exc:
            # The stores name init_image_s3; an edit's mask_s3 or image_s3 is its own field.
            if exc.field is not None:
                exc.field = field
            raise

    def save(
        self,
        model: str,
        data: bytes,
        extension: str,
        content_type: str,
        metadata: Mapping[str, str],
    ) -> StoredImage:
        """Store ``model``'s image under a fresh output key, never overwriting an existing one."""
        for _ in range(_KEY_ATTEMPTS):
            key = new_output_key(model, extension)
            try:
                return self.put_if_absent(key, data, content_type, metadata)
            except ObjectExists:
                continue
        raise StorageError(
            f"Could not find a free output key after {_KEY_ATTEMPTS} attempts; "
            "check that nothing else writes to the outputs/ prefix."
        )
