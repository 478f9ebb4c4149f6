"""Local deployments read ``init_image_s3`` from ``GENPIC_DATA_DIR/inputs`` with S3's rules."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from genpic.errors import GenpicError
from genpic.images import MAX_INPUT_BYTES
from genpic.pipeline import Pipeline
from genpic.settings import Settings
from genpic.storage.local import LOCAL_INPUT_BUCKET, LocalStore
from tests.conftest import image_bytes


def pipeline(tmp_path: Path, input_bucket: str | None = None) -> Pipeline:
    return Pipeline(Settings(data_dir=tmp_path, input_bucket=input_bucket))


def put_input(tmp_path: Path, key: str, data: bytes) -> None:
    path = tmp_path / "inputs" / key
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def run(local: Pipeline, init_image_s3: str) -> dict[str, Any]:
    request = local.parse(
        {"prompt": "as a mosaic", "init_image_s3": init_image_s3}, enhance_default=False
    )
    return local.run(request, "req-1").to_body()


def refusal(local: Pipeline, init_image_s3: str) -> GenpicError:
    with pytest.raises(GenpicError) as caught:
        run(local, init_image_s3)
    return caught.value


def test_an_upload_under_inputs_is_usable_as_is(tmp_path: Path) -> None:
    put_input(tmp_path, "uploads/abc.png", image_bytes((320, 256), "PNG"))
    body = run(pipeline(tmp_path), f"s3://{LOCAL_INPUT_BUCKET}/uploads/abc.png")
    assert body["parameters"]["mode"] == "image-to-image"
    assert (body["width"], body["height"]) == (320, 256)
    assert Path(str(body["key"])).parts[0] == "outputs"


def test_input_bucket_names_the_local_inputs_when_set(tmp_path: Path) -> None:
    put_input(tmp_path, "a/b.jpeg", image_bytes())
    local = pipeline(tmp_path, input_bucket="gen-img-input1")
    assert run(local, "s3://gen-img-input1/a/b.jpeg")["width"] == 512
    error = refusal(local, f"s3://{LOCAL_INPUT_BUCKET}/a/b.jpeg")
    assert (error.status, error.code, error.field) == (403, "Forbidden", "init_image_s3")
    assert "s3://gen-img-input1/" in error.message


@pytest.mark.parametrize(
    "key", ["../outputs/x.png", "uploads/../../secret.png", "../../secret.png"]
)
def test_keys_cannot_escape_the_inputs_directory(tmp_path: Path, key: str) -> None:
    data_dir = tmp_path / "data"
    for path in (data_dir / "outputs" / "x.png", data_dir / "secret.png", tmp_path / "secret.png"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(image_bytes())
    error = refusal(pipeline(data_dir), f"s3://{LOCAL_INPUT_BUCKET}/{key}")
    assert (error.status, error.code, error.field) == (403, "Forbidden", "init_image_s3")
    assert [p.name for p in (data_dir / "outputs").iterdir()] == ["x.png"]


def test_another_bucket_is_forbidden(tmp_path: Path) -> None:
    error = refusal(pipeline(tmp_path), "s3://someone-elses-bucket/x.png")
    assert (error.status, error.code) == (403, "Forbidden")
    assert f"s3://{LOCAL_INPUT_BUCKET}/" in error.message


@pytest.mark.parametrize("key", ["missing.png", "uploads"])
def test_a_missing_input_is_an_invalid_image_saying_how_to_upload(tmp_path: Path, key: str) -> None:
    (tmp_path / "inputs" / "uploads").mkdir(parents=True)
    error = refusal(pipeline(tmp_path), f"s3://{LOCAL_INPUT_BUCKET}/{key}")
    assert (error.status, error.code, error.field) == (400, "InvalidImage", "init_image_s3")
    assert "POST /uploads" in error.message
    assert f"GENPIC_DATA_DIR/inputs/{key}" in error.message
    assert str(tmp_path) not in error.message  # no server path reaches a caller


def test_reads_stop_one_byte_past_the_limit(tmp_path: Path) -> None:
    put_input(tmp_path, "huge.png", b"\x89PNG" + b"\0" * (MAX_INPUT_BYTES + 100))
    local = LocalStore(Settings(data_dir=tmp_path))
    data = local.read_input(LOCAL_INPUT_BUCKET, "huge.png", MAX_INPUT_BYTES)
    assert len(data) == MAX_INPUT_BYTES + 1
    error = refusal(pipeline(tmp_path), f"s3://{LOCAL_INPUT_BUCKET}/huge.png")
    assert (error.code, error.field) == ("InvalidImage", "init_image")
    assert f"{MAX_INPUT_BYTES:,}" in error.message
