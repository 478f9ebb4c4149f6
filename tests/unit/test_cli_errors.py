"""Errors name the options the user typed, come as JSON with --json, and carry the request id."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from genpic.logs import logger
from genpic.pipeline import Pipeline
from tests.conftest import image_bytes
from tests.support.cli import invoke


@pytest.fixture(autouse=True)
def _cwd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-a", "4:3"], "--aspect-ratio: must be one of 1:1, 16:9"),
        (["--format", "gif"], "--format: must be one of jpeg, png, webp"),
        (["--style", "noir"], "--style: must be one of default, photorealistic"),
        (["--seed", "4294967295"], "--seed: must be at most 4294967294"),
        (["-n", "x" * 10_001], "--negative-prompt: must be at most 10,000 characters"),
        (
            ["--init-image", "s3://elsewhere/x.png"],
            "--init-image must be in s3://genpic-local/",
        ),
        (
            ["--init-image", "in.png", "-m", "stability.stable-image-core-v1:1"],
            "--model: Stable Image Core has no image-to-image mode",
        ),
    ],
)
def test_errors_name_the_options_typed(args: list[str], message: str) -> None:
    Path("in.png").write_bytes(image_bytes((300, 200), "PNG"))
    result = invoke("generate", "a cat", *args)
    assert result.exit_code == 2, result.output
    assert message in result.stderr
    assert result.stderr.count("\n") == 1
    for api_field in ("aspect_ratio", "output_format", "enhancement_style", "init_image"):
        assert api_field not in result.stderr
    assert "base64" not in result.stderr


def test_an_empty_prompt_names_the_argument() -> None:
    result = invoke("generate", "  ")
    assert result.exit_code == 2
    assert result.stderr == "error: PROMPT: must not be empty or only whitespace.\n"


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["-f", "PNG"], ("image/png", "default")),
        (["-f", "jpg"], ("image/jpeg", "default")),
        (["--style", "Anime"], ("image/jpeg", "anime")),
    ],
)
def test_choices_are_case_free(args: list[str], expected: tuple[str, str]) -> None:
    result = invoke("generate", "a cat", *args, "--json")
    assert result.exit_code == 0, result.output
    body = json.loads(result.stdout)
    assert (body["content_type"], body["enhancement"]["style"]) == expected


def test_style_implies_enhance() -> None:
    body = json.loads(invoke("generate", "a cat", "--style", "anime", "--json").stdout)
    assert body["enhancement"]["status"] == "applied"
    assert body["enhanced_prompt"].startswith("a cat, anime style")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--style", "anime", "--no-enhance"], "--style needs enhancement; drop --no-enhance"),
        (["--styles", "anime", "--no-enhance"], "--styles: styles are enhancement styles; drop"),
        (["--strength", "0.5"], "--strength: applies only to image-to-image: add --init-image"),
        (["--strength", "2"], "--strength: must be at most 1"),
    ],
)
def test_options_that_would_be_ignored_are_refused(
    args: list[str], message: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    Path("in.png").write_bytes(image_bytes((300, 200), "PNG"))
    monkeypatch.setattr(Pipeline, "run", lambda *_: pytest.fail("the model was called"))
    result = invoke("generate", "a cat", *args)
    assert result.exit_code == 2, result.output
    assert message in result.stderr


def test_with_json_an_error_is_the_error_body_on_stdout() -> None:
    result = invoke("generate", "a cat", "-a", "4:3", "--json")
    assert result.exit_code == 2
    assert result.stderr == ""
    body = json.loads(result.stdout)
    assert body["error"] == "ValidationError"
    assert body["message"].startswith("--aspect-ratio: must be one of")
    assert (body["field"], body["option"]) == ("aspect_ratio", "--aspect-ratio")
    assert body["request_id"]


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("GENPIC_ENGINE", "x", "GENPIC_ENGINE='x' is not supported; use one of bedrock, preview."),
        ("GENPIC_STORAGE", "ftp", "GENPIC_STORAGE='ftp' is not supported"),
        ("GENPIC_MODEL_TIMEOUT", "-1", "GENPIC_MODEL_TIMEOUT='-1' must be a positive float."),
    ],
)
def test_configuration_mistakes_name_the_variable(
    variable: str, value: str, message: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(variable, value)
    result = invoke("generate", "a cat")
    assert result.exit_code == 1
    assert result.stderr.startswith(f"error: ConfigurationError: {message}")
    assert "request_id" in result.stderr
    assert result.stderr.count("\n") == 1


@pytest.fixture
def restore_logs() -> Iterator[None]:
    """``genpic -v`` turns logs on for the process; keep the tests that follow quiet."""
    handler = logger.registered_handler
    levels = (logger.log_level, handler.level)
    yield
    logger.setLevel(levels[0])
    handler.setLevel(levels[1])


@pytest.mark.usefixtures("restore_logs")
def test_an_internal_error_prints_the_request_id(monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(self: Pipeline, request: Any, request_id: str, *_: Any) -> None:
        raise RuntimeError(f"boom in {request_id}")

    monkeypatch.setattr(Pipeline, "run", fail)
    result = invoke("generate", "a cat")
    assert result.exit_code == 1
    [line] = result.stderr.splitlines()
    assert line.startswith(
        "error: InternalError: An unexpected error occurred; quote the request_id"
    )
    assert re.search(r"\(request_id \S+\)$", line)
    assert "boom" not in result.stderr  # the details are in the -v logs only
    verbose = invoke("-v", "generate", "a cat")
    [request_id] = re.findall(r"^error: .*\(request_id (\S+)\)$", verbose.stderr, re.M)
    assert f"boom in {request_id}" in verbose.stderr


def test_logs_are_off_again_for_the_next_test() -> None:
    result = invoke("generate", "a cat", "--json")
    assert (result.exit_code, result.stderr) == (0, "")


def test_help_shows_defaults_and_choices_and_version() -> None:
    text = " ".join(re.sub("[│╭╮╰╯─]", " ", invoke("generate", "--help").stdout).split())
    assert re.search(r"Usage: root generate \[OPTIONS\] \{?PROMPT\}?", text)
    for option, default in [("aspect-ratio", "16:9"), ("seed", "0"), ("strength", "0.7")]:
        assert re.search(rf"--{option} .*?\[default: \(?{default}\)?\]", text)
    for choice in ("1:1 | 16:9", "jpeg | png | webp", "anime | minimal", ".png or .webp"):
        assert choice in text
    version = invoke("--version")
    assert version.exit_code == 0
    assert version.stdout == f"genpic {__import__('genpic').__version__}\n"
