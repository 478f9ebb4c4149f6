"""The CLI on the embedded defaults: preview engine, template enhancer, local directory."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest
from PIL import Image
from typer.testing import CliRunner

from genpic.cli import app
from tests.conftest import image_bytes
from tests.support.documentation import documentation

runner = CliRunner()


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return Path(__import__("os").environ["GENPIC_DATA_DIR"])


def test_generate_a_cat_on_a_fresh_machine(data_dir: Path) -> None:
    result = runner.invoke(app, ["generate", "a cat"])
    assert result.exit_code == 0, result.output
    assert "Preview image generated offline" in result.output
    [image] = sorted((data_dir / "outputs").glob("sd35_*.jpeg"))
    with Image.open(image) as opened:
        assert opened.format == "JPEG"
        assert opened.size == (1344, 768)
    sidecar = json.loads(image.with_name(image.name + ".json").read_text())
    assert sidecar["model"] == "stability.sd3-5-large-v1:0"
    assert sidecar["content_type"] == "image/jpeg"


def test_every_field_as_an_option_and_output_file(data_dir: Path, tmp_path: Path) -> None:
    target = tmp_path / "cat.png"
    result = runner.invoke(
        app,
        [
            "generate",
            "a cat",
            "--negative-prompt",
            "dogs",
            "--aspect-ratio",
            "1:1",
            "--seed",
            "42",
            "--model",
            "stability.stable-image-ultra-v1:1",
            "--enhance",
            "--style",
            "anime",
            "-o",
            str(target),
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    body = json.loads(result.output)
    assert body["seed"] == 42
    assert body["content_type"] == "image/png"
    assert body["enhancement"]["status"] == "applied"
    assert body["enhanced_prompt"].startswith("a cat, anime style")
    assert body["parameters"]["negative_prompt"] == "dogs"
    assert body["s3_url"] is None
    assert body["uri"].startswith("file://")
    with Image.open(target) as saved:
        assert (saved.format, saved.size) == ("PNG", (1024, 1024))
    assert target.read_bytes() == Path(body["uri"].removeprefix("file://")).read_bytes()


def test_init_image_from_a_local_file(data_dir: Path, tmp_path: Path) -> None:
    source = tmp_path / "in.png"
    source.write_bytes(image_bytes((300, 200), "PNG"))
    result = runner.invoke(
        app,
        [
            "generate",
            "as a watercolour",
            "--init-image",
            str(source),
            "--strength",
            "0.4",
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    body = json.loads(result.output)
    assert (body["width"], body["height"]) == (300, 200)
    assert body["parameters"]["mode"] == "image-to-image"
    assert body["parameters"]["strength"] == 0.4


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["generate", "   "], "error: PROMPT: must not be empty"),
        (["generate", "a", "--aspect-ratio", "4:3"], "--aspect-ratio: must be one of"),
        (["generate", "a", "--init-image", "/no/such/file.png"], "Cannot read --init-image"),
        (["generate", "a", "--init-image", "s3://elsewhere/x.png"], "Forbidden"),
    ],
)
def test_failures_are_one_line_and_exit_non_zero(
    data_dir: Path, args: list[str], message: str
) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert message in result.output
    assert result.output.count("\n") == 1
    assert "Traceback" not in result.output
    assert not (data_dir / "outputs").exists()


def test_the_library_is_usable_without_the_cli(data_dir: Path) -> None:
    from genpic import Pipeline

    pipeline = Pipeline.from_env()
    result = pipeline.run(
        pipeline.parse({"prompt": "a cat", "output_format": "webp"}, enhance_default=False), "r1"
    )
    assert Image.open(io.BytesIO(result.data)).format == "WEBP"


TEMPLATE_CANNOT_TRANSLATE = (
    "the template enhancer has no text model to put the prompt into English, so the image "
    "model gets it as written; GENPIC_ENHANCER=bedrock translates it"
)


def test_generate_says_what_became_of_a_vietnamese_prompt(data_dir: Path) -> None:
    result = runner.invoke(app, ["generate", "một con mèo đen", "--json"])
    assert result.exit_code == 0, result.output
    body = json.loads(result.output)
    assert body["translation"] == {
        "status": "unavailable",
        "source_language": "vi",
        "reason": TEMPLATE_CANNOT_TRANSLATE,
    }

    result = runner.invoke(app, ["generate", "một con mèo đen", "--translate", "off", "--json"])
    assert "translation" not in json.loads(result.output)


def test_the_summary_says_the_template_enhancer_left_the_prompt_untranslated(
    data_dir: Path,
) -> None:
    result = runner.invoke(app, ["generate", "con meo", "--enhance"])
    assert result.exit_code == 0, result.output
    lines = " ".join(result.output.split())
    assert "translation unavailable (from unknown): " + TEMPLATE_CANNOT_TRANSLATE in lines


def test_every_option_the_readme_mentions_is_in_the_help() -> None:
    # The command line stop of the README's tour, and the reference up to the library.
    tour = documentation("README.md").split("**1. The command line.**")[1].split("**2. ")[0]
    section = tour + documentation("docs/cli.md").split("Library\n")[0]
    mentioned = set(re.findall(r"(?<![\w-])(--?[a-z][a-z-]*)", section))
    helps = "".join(
        runner.invoke(app, [*command, "--help"]).output
        for command in ([], ["generate"], ["edit"], ["models"], ["batch"], ["serve"])
    )
    assert mentioned - {"-"} <= set(re.findall(r"(?<![\w-])(--?[a-z][a-z-]*)", helps))
    assert {"--style", "--no-enhance", "--json", "-o", "-v", "--version"} <= mentioned
