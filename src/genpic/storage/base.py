"""The image store interface: one abstract method, ``put_if_absent``; naming lives here."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass

from genpic.errors import StorageError
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

    @abstractmethod
    def put_if_absent(
        self, key: str, data: bytes, content_type: str, metadata: Mapping[str, str]
    ) -> StoredImage:
        """Write ``data`` at ``key`` unless it exists (then raise ``ObjectExists``)."""

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
