"""A local directory: the offline default, laid out like the S3 buckets.

Layout under ``GENPIC_DATA_DIR``::

    outputs/<model>_<time>_<unique>.<ext>   generated images (+ .json metadata sidecar)
    inputs/<key>                            init images: s3://<input bucket>/<key>

The input bucket is ``INPUT_BUCKET`` when set, else ``genpic-local``; so an
upload stored at ``inputs/uploads/<id>.png`` is requested as
``"init_image_s3": "s3://genpic-local/uploads/<id>.png"``, the same field a
deployment on S3 reads.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

from genpic.errors import Forbidden, InvalidImage, NotFound, StorageError, ValidationError
from genpic.keys import key_problem
from genpic.settings import Settings
from genpic.storage.base import ImageStore, ObjectExists, StoredImage

#: The input bucket name of a local deployment without ``INPUT_BUCKET``.
LOCAL_INPUT_BUCKET = "genpic-local"
INPUTS_DIR = "inputs"


class LocalStore(ImageStore):
    """Writes images under ``GENPIC_DATA_DIR`` with exclusive creation and a metadata sidecar."""

    name = "local"

    def __init__(self, settings: Settings) -> None:
        self.root = settings.data_dir.resolve()
        self.inputs_root = self.root / INPUTS_DIR
        self.input_bucket = settings.input_bucket or LOCAL_INPUT_BUCKET
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
                f"Could not write {self.shown(path)} ({exc.strerror}). Check that "
                "GENPIC_DATA_DIR points to a writable directory."
            ) from exc
        return self._stored(key, path)

    def find(self, key: str) -> StoredImage | None:
        """Return the output ``key`` if its file and sidecar are still there, else None."""
        path = self.path_for(key)
        if not path.is_file() or not path.with_name(path.name + ".json").is_file():
            return None
        return self._stored(key, path)

    def fetch(self, key: str) -> bytes:
        """Read the output ``key``."""
        path, _ = self.read(key)
        try:
            return path.read_bytes()
        except OSError as exc:
            raise StorageError(f"Could not read {self.shown(path)} ({exc.strerror}).") from exc

    def _stored(self, key: str, path: Path) -> StoredImage:
        url = f"{self._public_url}/images/{key}" if self._public_url else path.as_uri()
        return StoredImage(key=key, uri=path.as_uri(), url=url, bucket=None)

    def read(self, key: str) -> tuple[Path, str]:
        """Return the file and Content-Type of the stored image ``key`` (``NotFound`` if absent)."""
        path = self.path_for(key)
        sidecar = path.with_name(path.name + ".json")
        if not path.is_file() or not sidecar.is_file():
            raise NotFound(f"No image at {key}.")
        return path, str(json.loads(sidecar.read_text())["content_type"])

    def shown(self, path: Path) -> str:
        """Name ``path`` as callers may see it: under ``GENPIC_DATA_DIR``, never absolute."""
        return f"GENPIC_DATA_DIR/{path.relative_to(self.root).as_posix()}"

    def path_for(self, key: str) -> Path:
        """Return the file for ``key``, refusing keys no file can have or that escape the data."""
        problem = key_problem(key, local=True)
        path = None if problem else (self.root / key).resolve()
        if path is None or not path.is_relative_to(self.root):
            raise StorageError(f"Key {key[:100]!r} is unusable: {problem or 'outside the data'}.")
        return path

    def input_path(self, key: str) -> Path:
        """Return the file holding input ``key``, refusing keys that escape the inputs directory."""
        problem = key_problem(key, local=True)
        if problem:
            raise ValidationError(f"init_image_s3: {problem}.", field="init_image_s3")
        path = (self.inputs_root / key).resolve()
        if not path.is_relative_to(self.inputs_root):
            raise Forbidden(
                f"init_image_s3 key {key!r} is outside the inputs; name an object under "
                f"s3://{self.input_bucket}/ without '..'.",
                field="init_image_s3",
            )
        return path

    def get_input(self, bucket: str, key: str, max_bytes: int) -> bytes:
        """Read ``inputs/<key>``, never more than ``max_bytes + 1`` bytes."""
        path = self.input_path(key)
        try:
            with path.open("rb") as file:
                return file.read(max_bytes + 1)
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            raise InvalidImage(
                f"The init image s3://{bucket}/{key} does not exist. Upload it first "
                f"(POST /uploads), or copy it to {self.shown(path)}.",
                field="init_image_s3",
            ) from None
        except OSError as exc:
            raise StorageError(
                f"Could not read {self.shown(path)} ({exc.strerror}). Check that GENPIC_DATA_DIR "
                "is readable."
            ) from exc
