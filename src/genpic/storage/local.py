"""A local directory: the offline default, laid out like the S3 bucket."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

from genpic.errors import NotFound, StorageError
from genpic.settings import Settings
from genpic.storage.base import ImageStore, ObjectExists, StoredImage


class LocalStore(ImageStore):
    """Writes images under ``GENPIC_DATA_DIR`` with exclusive creation and a metadata sidecar."""

    name = "local"

    def __init__(self, settings: Settings) -> None:
        self.root = settings.data_dir.resolve()
        self._public_url = settings.public_url

    def put_if_absent(
        self, key: str, data: bytes, content_type: str, metadata: Mapping[str, str]
    ) -> StoredImage:
        """Create the file for ``key``; an existing file is never replaced."""
        path = self.path_for(key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("xb") as file:
                file.write(data)
            sidecar = {"content_type": content_type, **metadata}
            path.with_name(path.name + ".json").write_text(json.dumps(sidecar, indent=2))
        except FileExistsError as exc:
            raise ObjectExists(key) from exc
        except OSError as exc:
            raise StorageError(
                f"Could not write {path} ({exc.strerror}). Check that GENPIC_DATA_DIR "
                "points to a writable directory."
            ) from exc
        url = f"{self._public_url}/images/{key}" if self._public_url else path.as_uri()
        return StoredImage(key=key, uri=path.as_uri(), url=url, bucket=None)

    def read(self, key: str) -> tuple[Path, str]:
        """Return the file and Content-Type of the stored image ``key`` (``NotFound`` if absent)."""
        path = self.path_for(key)
        sidecar = path.with_name(path.name + ".json")
        if not path.is_file() or not sidecar.is_file():
            raise NotFound(f"No image at {key}.")
        return path, str(json.loads(sidecar.read_text())["content_type"])

    def path_for(self, key: str) -> Path:
        """Return the file for ``key``, refusing keys that escape the data directory."""
        path = (self.root / key).resolve()
        if not path.is_relative_to(self.root):
            raise StorageError(f"Key {key!r} is outside the data directory.")
        return path
