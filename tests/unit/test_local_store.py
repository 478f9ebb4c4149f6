"""The local directory store never replaces a file and never leaves its directory."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from genpic.catalog import SD35_LARGE
from genpic.errors import StorageError
from genpic.settings import Settings
from genpic.storage.base import ObjectExists
from genpic.storage.local import LocalStore


def store(tmp_path: Path, public_url: str | None = None) -> LocalStore:
    return LocalStore(Settings(data_dir=tmp_path, public_url=public_url))


def test_exclusive_create_with_metadata_sidecar(tmp_path: Path) -> None:
    local = store(tmp_path)
    stored = local.put_if_absent("outputs/a.png", b"first", "image/png", {"seed": "1"})
    assert stored.uri == (tmp_path / "outputs/a.png").as_uri() == stored.url
    assert stored.bucket is None and stored.filename == "a.png"
    with pytest.raises(ObjectExists):
        local.put_if_absent("outputs/a.png", b"second", "image/png", {})
    assert (tmp_path / "outputs/a.png").read_bytes() == b"first"
    assert json.loads((tmp_path / "outputs/a.png.json").read_text()) == {
        "content_type": "image/png",
        "seed": "1",
    }


def test_save_picks_fresh_keys(tmp_path: Path) -> None:
    local = store(tmp_path, public_url="http://127.0.0.1:8080")
    first = local.save(SD35_LARGE, b"x", "webp", "image/webp", {})
    second = local.save(SD35_LARGE, b"x", "webp", "image/webp", {})
    assert first.key != second.key
    assert first.url == f"http://127.0.0.1:8080/images/{first.key}"


def test_keys_cannot_escape_the_data_directory(tmp_path: Path) -> None:
    with pytest.raises(StorageError):
        store(tmp_path / "data").put_if_absent("../outside.png", b"x", "image/png", {})
    assert not (tmp_path / "outside.png").exists()


def test_unwritable_directory_is_a_storage_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    with pytest.raises(StorageError) as caught:
        store(blocker).put_if_absent("outputs/a.png", b"x", "image/png", {})
    assert "GENPIC_DATA_DIR" in caught.value.message
