"""``genpic batch``: validates first, writes images and a manifest, resumes without regenerating."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from genpic.cli import app
from genpic.engines.base import ImageJob, RenderedImage
from genpic.engines.preview import PreviewEngine
from genpic.errors import ContentFiltered


def manifest(out: Path) -> dict[int, dict[str, Any]]:
    latest = {}
    for line in (out / "manifest.jsonl").read_text().splitlines():
        entry = json.loads(line)
        latest[entry["line"]] = entry
    return latest


def test_a_half_done_batch_resumes_without_regenerating_what_is_done(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    file = tmp_path / "prompts.txt"
    file.write_text(
        'a cat\n# skipped\n\n{"prompt": "a dog", "seed": 5, "output_format": "png"}\nrefuse me\n'
    )
    out = tmp_path / "run"
    rendered: list[str] = []
    render = PreviewEngine.render

    def flaky(self: PreviewEngine, job: ImageJob) -> RenderedImage:
        rendered.append(job.prompt)
        if job.prompt == "refuse me" and len(rendered) <= 3:
            raise ContentFiltered("refused by the test")
        return render(self, job)

    monkeypatch.setattr(PreviewEngine, "render", flaky)
    runner = CliRunner()

    first = runner.invoke(app, ["batch", str(file), "--out", str(out)])

    assert first.exit_code == 1, first.output
    entries = manifest(out)
    assert {n: e["status"] for n, e in entries.items()} == {
        1: "succeeded",
        4: "succeeded",
        5: "failed",
    }
    assert entries[5]["error"]["error"] == "ContentFiltered"
    assert (out / "0001.jpeg").is_file() and (out / "0004.png").is_file()
    assert entries[4]["seed"] == 5
    assert sorted(rendered) == ["a cat", "a dog", "refuse me"]

    second = runner.invoke(app, ["batch", str(file), "--out", str(out)])

    assert second.exit_code == 0, second.output
    assert rendered[3:] == ["refuse me"], "only the failed line ran again"
    assert manifest(out)[5]["status"] == "succeeded"
    assert (out / "0005.jpeg").is_file()

    (out / "0001.jpeg").unlink()  # an image gone from disk is made again
    third = runner.invoke(app, ["batch", str(file), "--out", str(out)])
    assert third.exit_code == 0
    assert rendered[4:] == ["a cat"]


def test_a_bad_line_stops_the_batch_before_any_image(tmp_path: Path) -> None:
    file = tmp_path / "prompts.txt"
    file.write_text('a cat\n{"prompt": "x", "seed": -1}\n')
    result = CliRunner().invoke(app, ["batch", str(file), "--out", str(tmp_path / "run")])
    assert result.exit_code == 1
    assert "line 2" in result.output and "seed" in result.output
    assert not (tmp_path / "run").exists()


def test_jobs_lists_recent_jobs_with_prompts_printed_literally(tmp_path: Path) -> None:
    file = tmp_path / "prompts.txt"
    file.write_text("a [bold]fish[/bold]\n")
    runner = CliRunner()
    assert runner.invoke(app, ["batch", str(file)]).exit_code == 0
    # Piped at 80 columns: every id stays whole on its line, so it can be copied or grepped.
    listed = runner.invoke(app, ["jobs"], env={"COLUMNS": "80"})
    assert listed.exit_code == 0
    assert "succeeded" in listed.output
    assert "[bold]fish[/bold]" in listed.output
    assert re.search(r"│ [0-9a-f]{32} │ succeeded", listed.output), listed.output
