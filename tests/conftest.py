"""Shared fixtures: a moto S3 server and the Bedrock double on loopback, and the env that wires them."""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from PIL import Image

from genpic.aws import handlers
from tests.support.bedrock_double import BedrockDouble
from tests.support.moto_server import MotoServer
from tests.support.records_table import create_records_table

OUTPUT_BUCKET = "gen-img-out1"
INPUT_BUCKET = "gen-img-input1"
REGION = "us-west-2"
RECORDS_TABLE = "genpic-records"


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> None:
    """Keep every test away from real AWS settings and the caller's working directory."""
    for name in (
        "AWS_PROFILE",
        "AWS_ENDPOINT_URL",
        "AWS_ENDPOINT_URL_S3",
        "AWS_ENDPOINT_URL_BEDROCK_RUNTIME",
        "AWS_ENDPOINT_URL_DYNAMODB",
        "AWS_LAMBDA_FUNCTION_NAME",
        "OUTPUT_BUCKET",
        "INPUT_BUCKET",
    ):
        monkeypatch.delenv(name, raising=False)
    for name in list(__import__("os").environ):
        if name.startswith("GENPIC_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("AWS_CONFIG_FILE", "/dev/null")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.setenv("GENPIC_DATA_DIR", str(tmp_path / "genpic-data"))
    handlers.reset()


@pytest.fixture(scope="session")
def moto_server() -> Iterator[MotoServer]:
    with MotoServer() as server:
        yield server


@pytest.fixture(scope="session")
def bedrock() -> Iterator[BedrockDouble]:
    with BedrockDouble() as double:
        yield double


@pytest.fixture
def aws(
    monkeypatch: pytest.MonkeyPatch, moto_server: MotoServer, bedrock: BedrockDouble
) -> Iterator[Any]:
    """Configure genpic as deployed on Lambda, against loopback S3, DynamoDB and Bedrock.

    Yields an S3 client; the records table ``RECORDS_TABLE`` exists, empty.
    """
    moto_server.reset()
    bedrock.reset()
    env = {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_REGION": REGION,
        "AWS_DEFAULT_REGION": REGION,
        "AWS_ENDPOINT_URL_S3": moto_server.url,
        "AWS_ENDPOINT_URL_DYNAMODB": moto_server.url,
        "GENPIC_TABLE": RECORDS_TABLE,
        "AWS_ENDPOINT_URL_BEDROCK_RUNTIME": bedrock.url,
        "AWS_LAMBDA_FUNCTION_NAME": "aws_gen_pic",
        "OUTPUT_BUCKET": OUTPUT_BUCKET,
        "INPUT_BUCKET": INPUT_BUCKET,
    }
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    s3 = boto3.client("s3", region_name=REGION)
    for bucket in (OUTPUT_BUCKET, INPUT_BUCKET):
        s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": REGION})
    create_records_table(boto3.client("dynamodb", region_name=REGION), RECORDS_TABLE)
    handlers.reset()
    yield s3
    handlers.reset()


def image_bytes(size: tuple[int, int] = (512, 384), fmt: str = "JPEG") -> bytes:
    """Return a small real image with some structure in it."""
    image = Image.new("RGB", size, (40, 90, 160))
    for x in range(0, size[0], 32):
        image.paste((220, 180, 60), (x, 0, x + 8, size[1]))
    buffer = io.BytesIO()
    image.save(buffer, fmt)
    return buffer.getvalue()
