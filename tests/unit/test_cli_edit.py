"""``genpic edit OPERATION IMAGE``: each option a field, refusals worded with the options."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PIL import Image

from tests.support.cli import invoke


@pytest.fixture
def photo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "photo.png"
    Image.new("RGB", (200, 150), (240, 240, 240)).save(path)
    return path


def test_upscale_saves_the_four_times_larger_image(photo: Path, tmp_path: Path) -> None:
    result = invoke("edit", "upscale_fast", str(photo), "-o", str(tmp_path / "big.png"), "--json")
    assert result.exit_code == 0, result.output
    body = json.loads(result.stdout)
    assert (body["operation"], body["width"], body["height"]) == ("upscale_fast", 800, 600)
    assert Image.open(tmp_path / "big.png").size == (800, 600)


def test_mask_and_margins_are_options(photo: Path, tmp_path: Path) -> None:
    mask = tmp_path / "mask.png"
    Image.new("L", (200, 150), 255).save(mask)
    inpaint = invoke("edit", "inpaint", str(photo), "--mask", str(mask), "-p", "a cat", "--json")
    assert inpaint.exit_code == 0, inpaint.output
    assert json.loads(inpaint.stdout)["parameters"]["grow_mask"] == 5
    outpaint = invoke("edit", "outpaint", str(photo), "--left", "30", "--json")
    assert outpaint.exit_code == 0, outpaint.output
    assert json.loads(outpaint.stdout)["width"] == 230


def test_an_option_the_operation_does_not_take_is_named(photo: Path) -> None:
    result = invoke("edit", "erase", str(photo), "--prompt", "x", "--grow-mask", "3")
    assert result.exit_code == 2
    assert "--prompt: erase does not take --prompt; it takes --grow-mask, --mask," in result.stderr
    assert not Path("genpic-data/outputs").exists()


def test_a_missing_mask_names_the_one_option_that_gives_it(photo: Path) -> None:
    result = invoke("edit", "inpaint", str(photo), "--prompt", "a cat")
    assert result.exit_code == 2
    assert result.stderr.strip() == "error: --mask: inpaint needs --mask."
