"""User and upstream text is printed literally, whole where it matters, one row per line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.support.cli import invoke, run


@pytest.fixture(autouse=True)
def _cwd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


@pytest.mark.parametrize(
    "prompt", ["a cat [/] on a mat", "a [bold]cat[/bold]", "a [cat:dog:0.5] garden", "[red"]
)
def test_prompts_with_brackets_are_printed_as_typed(prompt: str) -> None:
    result = invoke("generate", prompt)
    assert result.exit_code == 0, result.output
    [row] = [line for line in result.stdout.splitlines() if line.startswith("prompt")]
    assert row.split(None, 1)[1] == prompt


def test_a_model_id_with_brackets_is_refused_literally() -> None:
    result = invoke("generate", "a cat", "--model", "[bold]x[/]")
    assert result.exit_code == 2
    assert "'[bold]x[/]' is not allowed" in result.stderr
    assert "Traceback" not in result.output


def test_an_output_path_with_brackets_is_printed_literally(tmp_path: Path) -> None:
    folder = tmp_path / "[b]a["
    folder.mkdir()
    target = folder / "].png"  # its path reads ".../[b]a[/].png", a closing tag without an opening
    result = invoke("generate", "a cat", "-o", str(target))
    assert result.exit_code == 0, result.output
    assert f"saved       {target}\n" in result.stdout
    assert target.is_file()


def test_a_long_prompt_is_shortened_in_the_summary_but_whole_in_json() -> None:
    prompt = "a" * 9_600
    summary = invoke("generate", prompt)
    assert summary.exit_code == 0, summary.output
    [row] = [line for line in summary.stdout.splitlines() if line.startswith("prompt")]
    assert len(row) < 300
    assert "9,600 characters" in row
    body = json.loads(invoke("generate", prompt, "--json").stdout)
    assert body["parameters"]["prompt"] == prompt


def test_piped_output_never_wraps_so_each_row_is_one_line(tmp_path: Path) -> None:
    deep = tmp_path / ("a-rather-long-folder-name-" * 6)
    result = run("generate", "a cat", env={"GENPIC_DATA_DIR": str(deep), "COLUMNS": "80"})
    assert result.returncode == 0, result.stderr
    rows = dict(line.split(None, 1) for line in result.stdout.splitlines()[1:])
    assert rows["stored"].startswith(f"file://{deep}/outputs/sd35_")
    assert Path(rows["stored"].removeprefix("file://")).is_file()
    assert rows["url"] == rows["stored"]
    assert "\x1b[" not in result.stdout
