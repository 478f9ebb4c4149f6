"""Every request field is an option of ``genpic generate`` (and of ``genpic edit`` where it applies).

The field lists come from the request models, so a new field without an option fails here.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import typer

from genpic.cli import app
from genpic.cli.options import OPTIONS
from genpic.editing import _GENERATION_ONLY, EditRequest
from genpic.pipeline import Pipeline
from genpic.request import IGNORED_FIELDS, GenerationRequest
from tests.support.cli import invoke

# What a command's own table renames (``genpic edit`` takes its prompt as an option).
EDIT_NAMES = {"prompt": "--prompt"}


def command_options(name: str) -> set[str]:
    """Every option and argument name that ``genpic NAME`` takes."""
    command = typer.main.get_command(app).commands[name]  # type: ignore[attr-defined]
    names: set[str] = set()
    for param in command.params:
        names.update(param.opts)
        names.update(getattr(param, "secondary_opts", ()))
        if param.param_type_name == "argument":
            names.add((param.metavar or param.name).upper())
    return names


@pytest.fixture(autouse=True)
def _cwd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


def test_every_generation_field_is_an_option_of_generate() -> None:
    taken = command_options("generate")
    fields = set(GenerationRequest.model_fields) - IGNORED_FIELDS
    missing = sorted(f for f in fields if OPTIONS.get(f) not in taken)
    assert missing == [], f"request fields without a genpic generate option: {missing}"


def test_every_edit_field_is_an_option_of_edit() -> None:
    taken = command_options("edit")
    table = {**OPTIONS, **EDIT_NAMES}
    fields = set(EditRequest.model_fields) - _GENERATION_ONLY
    missing = sorted(f for f in fields if table.get(f) not in taken)
    assert missing == [], f"edit fields without a genpic edit option: {missing}"


def test_help_shows_the_new_options_and_their_defaults() -> None:
    text = " ".join(re.sub("[│╭╮╰╯─]", " ", invoke("generate", "--help").stdout).split())
    for option, default in [
        ("--count", "1"),
        ("--styles", "none"),
        ("--cache --no-cache", "on"),
        ("--translate", r"GENPIC_TRANSLATE \(auto\)"),
        ("--user", "none"),
    ]:
        assert re.search(rf"{re.escape(option)} .*?\[default: \(?{default}\)?\]", text), option
    assert "auto | on | off" in text
    assert "--idempotency-key" in text
    assert re.search(r"--negative-prompt -n ", text)


def test_count_makes_every_image_and_saves_each(tmp_path: Path) -> None:
    result = invoke("generate", "a cat", "--count", "2", "-o", "cat.png", "--json")
    assert result.exit_code == 0, result.output
    body = json.loads(result.stdout)
    seeds = [variant["seed"] for variant in body["variants"]]
    assert len(set(seeds)) == 2
    assert Path("cat-1.png").read_bytes() != Path("cat-2.png").read_bytes()


@pytest.mark.parametrize(
    "args", [["--styles", "anime,minimal"], ["--styles", "anime", "--styles", "minimal"]]
)
def test_styles_as_a_comma_list_or_repeated(args: list[str]) -> None:
    result = invoke("generate", "a cat", *args, "--json")
    assert result.exit_code == 0, result.output
    body = json.loads(result.stdout)
    assert [v["enhancement"]["style"] for v in body["variants"]] == ["anime", "minimal"]


def test_translate_auto_on_off(monkeypatch: pytest.MonkeyPatch) -> None:
    sent: list[bool | None] = []
    parse = Pipeline.parse

    def spy(self: Pipeline, fields: dict[str, Any], **kwargs: Any) -> Any:
        sent.append(fields.get("translate"))
        return parse(self, fields, **kwargs)

    monkeypatch.setattr(Pipeline, "parse", spy)
    for choice in ("auto", "on", "OFF"):
        assert invoke("generate", "a cat", "--translate", choice).exit_code == 0
    assert sent == [None, True, False]


def test_a_repeat_with_the_same_idempotency_key_returns_the_first_image() -> None:
    first = invoke("generate", "a cat", "--idempotency-key", "k-1", "--no-cache", "--json")
    again = invoke("generate", "a cat", "--idempotency-key", "k-1", "--no-cache", "--json")
    assert first.exit_code == again.exit_code == 0, again.output
    assert json.loads(again.stdout)["key"] == json.loads(first.stdout)["key"]
    other = invoke("generate", "a dog", "--idempotency-key", "k-1")
    assert other.exit_code == 1
    assert other.stderr.startswith("error: IdempotencyConflict: ")


def test_user_is_sent_and_checked() -> None:
    assert invoke("generate", "a cat", "--user", "ana").exit_code == 0
    refused = invoke("generate", "a cat", "--user", "x" * 129)
    assert refused.exit_code == 2
    assert refused.stderr.startswith("error: --user: must be at most 128 characters")


def rows(stdout: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for line in stdout.splitlines()[1:]:
        name, _, value = line.partition(" ")
        found.setdefault(name, []).append(value.strip())
    return found


def test_the_summary_shows_the_negative_prompt_and_a_cache_hit() -> None:
    first = rows(invoke("generate", "a cat", "--seed", "42", "-n", "dogs").stdout)
    assert first["negative"] == ["dogs"]
    assert first["cache"] == ["miss"]
    repeat = rows(invoke("generate", "a cat", "--seed", "42", "-n", "dogs").stdout)
    assert repeat["cache"] == ["hit: an identical earlier image, no model call"]
    assert repeat["stored"] == first["stored"]
    assert rows(invoke("generate", "a cat", "--no-cache").stdout)["cache"] == ["off (--no-cache)"]


def test_aspect_ratio_with_an_init_image_is_made_and_warned_of(tmp_path: Path) -> None:
    from tests.conftest import image_bytes

    Path("in.png").write_bytes(image_bytes((300, 200), "PNG"))
    result = invoke("generate", "as ink", "--init-image", "in.png", "-a", "1:1")
    assert result.exit_code == 0, result.output
    found = rows(result.stdout)
    assert found["size"] == ["300x200 image/jpeg"]
    assert found["warning"] == [
        "aspect_ratio is not used for image-to-image: the result takes the init image's shape"
    ]


def test_count_and_styles_follow_the_request_rules() -> None:
    both = invoke("generate", "a cat", "--count", "2", "--styles", "anime,minimal")
    assert both.exit_code == 2
    assert both.stderr.startswith("error: --count: ask for n images or for several styles")
    too_many = invoke("generate", "a cat", "--count", "5")
    assert (too_many.exit_code, too_many.stderr) == (2, "error: --count: must be at most 4.\n")


def _edit_inputs() -> None:
    from tests.conftest import image_bytes

    Path("in.png").write_bytes(image_bytes((256, 256), "PNG"))
    Path("mask.png").write_bytes(image_bytes((256, 256), "PNG"))


def test_edit_count_makes_every_result_and_saves_each() -> None:
    _edit_inputs()
    result = invoke(
        "edit", "erase", "in.png", "--mask", "mask.png", "--count", "2", "-o", "e.png", "--json"
    )
    assert result.exit_code == 0, result.output
    body = json.loads(result.stdout)
    assert len({variant["key"] for variant in body["variants"]}) == 2
    assert len({variant["seed"] for variant in body["variants"]}) == 2
    assert Path("e-1.png").read_bytes().startswith(b"\x89PNG") and Path("e-2.png").exists()


def test_edit_style_enhances_the_prompt_the_service_gets(monkeypatch: pytest.MonkeyPatch) -> None:
    _edit_inputs()
    sent: list[dict[str, Any]] = []
    parse = Pipeline.parse

    def spy(self: Pipeline, fields: dict[str, Any], **kwargs: Any) -> Any:
        sent.append(fields)
        return parse(self, fields, **kwargs)

    monkeypatch.setattr(Pipeline, "parse", spy)
    args = ("edit", "inpaint", "in.png", "--mask", "mask.png", "-p", "a cat", "--json")
    body = json.loads(invoke(*args, "--style", "anime").stdout)
    assert sent[-1]["enhance_prompt"] is True and sent[-1]["enhancement_style"] == "anime"
    assert body["enhancement"]["style"] == "anime"
    assert body["parameters"]["prompt"].startswith("a cat, anime style")
    plain = json.loads(invoke(*args).stdout)
    assert "enhance_prompt" not in sent[-1] and plain["parameters"]["prompt"] == "a cat"


def test_edit_refuses_enhancement_where_the_operation_takes_no_prompt() -> None:
    _edit_inputs()
    result = invoke("edit", "erase", "in.png", "--mask", "mask.png", "--style", "anime")
    assert result.exit_code == 2
    assert result.stderr.startswith(
        "error: --enhance: erase does not take --enhance; it takes --grow-mask, --mask, --count,"
    )
    ignored = invoke(
        "edit",
        "inpaint",
        "in.png",
        "--mask",
        "mask.png",
        "-p",
        "x",
        "--style",
        "anime",
        "--no-enhance",
    )
    assert (ignored.exit_code, ignored.stderr.split(";")[0]) == (
        2,
        "error: --style needs enhancement",
    )
