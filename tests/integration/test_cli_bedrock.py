"""The command line against Bedrock and S3 on loopback: a paid image is never reported as a failure."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import OUTPUT_BUCKET
from tests.support.bedrock_double import BedrockDouble, Fault
from tests.support.cli import invoke


@pytest.fixture(autouse=True)
def _cwd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


def test_a_prompt_with_markup_is_generated_once_and_reported_as_stored(
    aws: Any, bedrock: BedrockDouble
) -> None:
    result = invoke("generate", "a cat [/] on a mat", "-o", "cat.png")
    assert result.exit_code == 0, result.output
    [call] = bedrock.requests
    assert (call.operation, call.body["prompt"]) == ("InvokeModel", "a cat [/] on a mat")
    rows = dict(line.split(None, 1) for line in result.stdout.splitlines()[1:])
    assert rows["stored"].startswith(f"s3://{OUTPUT_BUCKET}/outputs/sd35_")
    assert rows["prompt"] == "a cat [/] on a mat"
    key = rows["stored"].removeprefix(f"s3://{OUTPUT_BUCKET}/")
    stored = aws.get_object(Bucket=OUTPUT_BUCKET, Key=key)
    assert stored["ContentType"] == "image/png"
    assert stored["Body"].read() == Path("cat.png").read_bytes()


@pytest.mark.parametrize(
    "args",
    [
        ["-o", "missing/cat.png"],
        ["-o", "cat.gif"],
        ["-o", "cat.png", "-f", "jpeg"],
        ["--strength", "0.5"],
        ["--style", "anime", "--no-enhance"],
        ["--seed", "abc"],
        ["--count", "9"],
        ["--styles", "anime,noir"],
        ["--translate", "maybe"],
        ["--idempotency-key", ""],
        ["--user", ""],
        ["--no-such-option"],
    ],
)
def test_what_the_cli_can_check_costs_no_model_call(
    aws: Any, bedrock: BedrockDouble, args: list[str]
) -> None:
    result = invoke("generate", "a cat", *args)
    assert result.exit_code == 2, result.output
    [line] = result.stderr.splitlines()
    assert line.startswith("error: -"), line
    assert bedrock.requests == []
    assert "Contents" not in aws.list_objects_v2(Bucket=OUTPUT_BUCKET)


def test_an_upstream_failure_prints_the_request_id(aws: Any, bedrock: BedrockDouble) -> None:
    bedrock.inject(*[Fault("AccessDeniedException", operation="InvokeModel")] * 3)
    result = invoke("generate", "a cat")
    assert result.exit_code == 1
    [line] = result.stderr.splitlines()
    assert line.startswith("error: ModelUnavailable: ")
    assert re.search(r"\(request_id [0-9a-f-]{36}\)$", line)
