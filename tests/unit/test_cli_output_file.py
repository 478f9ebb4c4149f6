"""``-o FILE`` is checked before any model call, and its format is never silently changed."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from genpic.pipeline import Pipeline
from tests.support.cli import invoke


@pytest.fixture
def outputs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The local store's folder; a test that expects a refusal asserts it stays absent."""
    monkeypatch.chdir(tmp_path)
    return tmp_path / "genpic-data" / "outputs"


@pytest.fixture
def no_model_call(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_: Any) -> None:
        raise AssertionError("the model was called")

    monkeypatch.setattr(Pipeline, "run", refuse)


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("missing/cat.png", "folder missing does not exist"),
        (".", "is a folder; give a file name"),
        ("/proc/cat.png", "cannot write to /proc"),
        ("cat.gif", "--output cat.gif: unknown extension .gif; use .jpeg, .jpg, .png or .webp"),
        ("cat.bmp", "unknown extension .bmp"),
        ("cat", "--output cat has no extension; use .jpeg, .jpg, .png or .webp"),
    ],
)
@pytest.mark.usefixtures("no_model_call")
def test_an_output_that_cannot_be_written_is_refused_before_generating(
    outputs: Path, target: str, message: str
) -> None:
    result = invoke("generate", "a cat", "-o", target)
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("error: --output ")
    assert result.stderr.count("\n") == 1
    assert message in result.stderr
    assert not outputs.exists()


@pytest.mark.usefixtures("no_model_call")
def test_a_format_that_contradicts_the_extension_is_refused(outputs: Path) -> None:
    result = invoke("generate", "a cat", "-o", "b.png", "-f", "jpeg")
    assert result.exit_code == 2
    assert "--format jpeg does not match --output b.png" in result.stderr
    assert not Path("b.png").exists()


@pytest.mark.parametrize(
    ("target", "fmt", "pillow"),
    [("c.JPG", None, "JPEG"), ("c.jpeg", "jpg", "JPEG"), ("c.webp", "WEBP", "WEBP")],
)
def test_extension_and_format_agree_whatever_the_spelling(
    outputs: Path, target: str, fmt: str | None, pillow: str
) -> None:
    result = invoke("generate", "a cat", "-o", target, *(["-f", fmt] if fmt else []))
    assert result.exit_code == 0, result.output
    with Image.open(target) as saved:
        assert saved.format == pillow


@pytest.mark.parametrize("as_json", [False, True])
def test_a_failed_final_write_says_where_the_image_is(
    outputs: Path, monkeypatch: pytest.MonkeyPatch, as_json: bool
) -> None:
    run = Pipeline.run

    def run_then_block_the_target(self: Pipeline, *args: Any) -> Any:
        result = run(self, *args)
        Path("cat.png").mkdir()  # appears between the check and the write
        return result

    monkeypatch.setattr(Pipeline, "run", run_then_block_the_target)
    result = invoke("generate", "a cat", "-o", "cat.png", *(["--json"] if as_json else []))
    assert result.exit_code == 1
    [stored] = outputs.glob("sd35_*.png")
    uri = f"file://{stored.resolve()}"
    if as_json:
        body = json.loads(result.stdout)
        assert (body["error"], body["uri"]) == ("StorageError", uri)
        assert body["request_id"]
        message = body["message"]
    else:
        assert "request_id" in result.stderr
        message = result.stderr
    assert "Cannot save --output cat.png" in message
    assert uri in message
