"""``genpic batch``: checks every line first, saves every image, resumes without paying twice."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from genpic.catalog import image_cost
from genpic.cli import app
from genpic.cli.batch_state import Folder
from genpic.engines.base import ImageJob, RenderedImage
from genpic.engines.preview import PreviewEngine
from genpic.errors import ContentFiltered
from genpic.jobs.base import CANCELLED, Job, queued_job
from genpic.jobs.service import create_store
from genpic.settings import Settings
from tests.support.cli import GENPIC, run


def manifest(out: Path) -> dict[int, dict[str, Any]]:
    latest = {}
    for line in (out / "manifest.jsonl").read_text().splitlines():
        entry = json.loads(line)
        latest[entry["line"]] = entry
    return latest


def ledger(out: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in (out / "jobs.jsonl").read_text().splitlines()]


def stored_images() -> list[Path]:
    """Every image local storage wrote (the wire: one file per model call)."""
    outputs = Settings.from_env().data_dir / "outputs"
    return sorted(p for p in outputs.glob("*") if p.suffix != ".json") if outputs.exists() else []


def jobs_of(out: Path) -> list[Job]:
    return create_store(Settings.from_env()).get_many([e["job_id"] for e in ledger(out)])


@pytest.fixture
def rendered(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The prompts the engine rendered, in order; "refuse me" is refused its first time."""
    prompts: list[str] = []
    render = PreviewEngine.render

    def recording(self: PreviewEngine, job: ImageJob) -> RenderedImage:
        prompts.append(job.prompt)
        if job.prompt == "refuse me" and prompts.count("refuse me") == 1:
            raise ContentFiltered("refused by the test")
        return render(self, job)

    monkeypatch.setattr(PreviewEngine, "render", recording)
    return prompts


def batch(*args: str) -> Result:
    return CliRunner().invoke(app, ["batch", *args])


def test_a_half_done_batch_resumes_without_regenerating_what_is_done(
    tmp_path: Path, rendered: list[str]
) -> None:
    file = tmp_path / "prompts.txt"
    file.write_text(
        'a cat\n# skipped\n\n{"prompt": "a dog", "seed": 5, "output_format": "png"}\nrefuse me\n'
    )
    out = tmp_path / "run"

    first = batch(str(file), "--out", str(out))

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

    second = batch(str(file), "--out", str(out))

    assert second.exit_code == 0, second.output
    assert rendered[3:] == ["refuse me"], "only the failed line ran again"
    assert manifest(out)[5]["status"] == "succeeded"
    assert (out / "0005.jpeg").is_file()

    (out / "0001.jpeg").unlink()  # gone from disk, not from storage: fetched, not made again
    third = batch(str(file), "--out", str(out))
    assert third.exit_code == 0
    assert rendered[4:] == []
    assert (out / "0001.jpeg").is_file()

    (out / "0001.jpeg").unlink()
    for image in stored_images():  # gone from storage too: only a new job can make it
        if image.name == Path(manifest(out)[1]["key"]).name:
            image.unlink()
    assert batch(str(file), "--out", str(out)).exit_code == 1, "lost: said so"
    assert batch(str(file), "--out", str(out)).exit_code == 0
    assert rendered[4:] == ["a cat"]
    assert (out / "0001.jpeg").is_file()


def test_every_bad_line_is_reported_at_once_before_any_image(tmp_path: Path) -> None:
    file = tmp_path / "prompts.txt"
    file.write_text(
        "a cat\n"
        '{"prompt": "x", "seed": -1}\n'
        '{"prompt": "x", "colour": "red"}\n'
        "{not json\n"
        '{"prompt": "x", "n": 9, "aspect_ratio": "7:3"}\n'
        "nude children on a beach\n"  # on the built-in blocklist
    )
    result = batch(str(file), "--out", str(tmp_path / "run"))

    assert result.exit_code == 2
    reported = re.findall(r"^error: line (\d+): (\S+):", result.output, re.M)
    assert reported == [
        ("2", "seed"),
        ("3", "colour"),
        ("4", "line"),
        ("5", "aspect_ratio"),
        ("5", "n"),
        ("6", "prompt"),
    ], result.output
    assert "5 bad lines; nothing was generated" in result.output
    assert not (tmp_path / "run").exists()
    assert stored_images() == []


def test_every_image_of_a_line_with_n_is_saved_and_listed(
    tmp_path: Path, rendered: list[str]
) -> None:
    file = tmp_path / "prompts.txt"
    file.write_text('{"prompt": "a dog", "n": 2}\n{"prompt": "a cat", "n": 3, "seed": 9}\n')
    out = tmp_path / "run"

    assert batch(str(file), "--out", str(out)).exit_code == 0

    entries = manifest(out)
    assert [len(entries[n]["images"]) for n in (1, 2)] == [2, 3]
    files = [image["file"] for n in (1, 2) for image in entries[n]["images"]]
    assert files == ["0001-1.jpeg", "0001-2.jpeg", "0002-1.jpeg", "0002-2.jpeg", "0002-3.jpeg"]
    keys = {image["key"] for n in (1, 2) for image in entries[n]["images"]}
    assert len(keys) == 5 and len(stored_images()) == 5 == len(rendered)
    contents = {(out / name).read_bytes() for name in files}
    assert len(contents) == 5, "each file is its own image"
    stored = {image.name for image in stored_images()}
    assert {Path(key).name for key in keys} == stored


@pytest.mark.parametrize(
    ("name", "text"),
    [
        (
            "p.csv",
            'prompt,seed,enhancement_style,enhance_prompt\n"a cat, sitting",7,anime,true\n'
            'a dog,,,\n"say ""hi""",3,,false\n',
        ),
        (
            "p.tsv",
            "prompt\tseed\tenhancement_style\tenhance_prompt\na cat, sitting\t7\tanime\tyes\n"
            'a dog\t\t\t\nsay "hi"\t3\t\tno\n',
        ),
    ],
)
def test_csv_and_tsv_have_a_header_row_of_request_fields(
    tmp_path: Path, rendered: list[str], name: str, text: str
) -> None:
    file = tmp_path / name
    file.write_text(text)
    out = tmp_path / "run"

    result = batch(str(file), "--out", str(out))

    assert result.exit_code == 0, result.output
    entries = manifest(out)
    assert sorted(entries) == [2, 3, 4], "the header row is no prompt"
    assert entries[2]["request"] == {
        "prompt": "a cat, sitting",
        "seed": 7,
        "enhancement_style": "anime",
        "enhance_prompt": True,
    }
    assert entries[3]["request"] == {"prompt": "a dog"}
    assert entries[4]["request"] == {"prompt": 'say "hi"', "seed": 3, "enhance_prompt": False}
    assert entries[2]["seed"] == 7
    assert "a dog" in rendered and 'say "hi"' in rendered
    assert not any("prompt" in prompt for prompt in rendered)


def test_a_csv_header_must_name_request_fields(tmp_path: Path) -> None:
    file = tmp_path / "p.csv"
    file.write_text("prompt,style\na cat,anime\n")
    result = batch(str(file), "--out", str(tmp_path / "run"))
    assert result.exit_code == 2
    assert "error: line 1: style: is not a request field" in result.output
    assert stored_images() == []


def test_dry_run_prints_the_images_and_the_estimated_cost_and_makes_nothing(
    tmp_path: Path, rendered: list[str]
) -> None:
    file = tmp_path / "prompts.txt"
    file.write_text(
        'a cat\n{"prompt": "a dog", "n": 3}\n{"prompt": "x", "model": "stability.sd3-5-large-v1:0"}\n'
    )

    result = batch(str(file), "--out", str(tmp_path / "run"), "--dry-run")

    assert result.exit_code == 0, result.output
    bedrock = image_cost("stability.sd3-5-large-v1:0", 5)
    assert bedrock > 0
    assert "images 5" in result.output
    assert (
        f"cost $0.0000 estimated, image model calls (preview engine; ${bedrock:.4f} on Bedrock)"
        in result.output
    )
    assert rendered == [] and stored_images() == []
    assert not (tmp_path / "run").exists()


def test_the_progress_bar_shows_the_cost_so_far_and_the_eta(tmp_path: Path) -> None:
    file = tmp_path / "prompts.txt"
    file.write_text("a cat\na dog\n")
    result = batch(str(file), "--out", str(tmp_path / "run"))
    assert result.exit_code == 0
    assert re.search(r"2/2 .*failed 0 .*cost \$\d+\.\d{4} .*ETA", result.output), result.output


def test_ctrl_c_leaves_the_queued_jobs_and_a_resume_pays_for_no_line_twice(
    tmp_path: Path,
) -> None:
    """The issue's repro: 20 lines at 0.5 images/s (here 8/s), Ctrl-C after 3, run again."""
    file = tmp_path / "prompts.txt"
    file.write_text("".join(f"prompt {i}\n" for i in range(20)))
    out = tmp_path / "prompts"
    env = {"GENPIC_MODEL_RPS": "8"}
    interrupted = subprocess.Popen(
        [str(GENPIC), "batch", str(file), "--workers", "1"],
        env={**os.environ, **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if (out / "manifest.jsonl").exists() and len(manifest(out)) >= 3:
            break
        time.sleep(0.05)
    interrupted.send_signal(signal.SIGINT)  # what Ctrl-C sends
    _, stderr = interrupted.communicate(timeout=30)

    assert interrupted.returncode == 130, stderr
    assert "Interrupted" in stderr and "stay queued" in stderr and "--cancel" in stderr
    done = len(manifest(out))
    assert 3 <= done < 20
    left = [job.status for job in jobs_of(out) if not job.finished]
    assert left and set(left) <= {"queued", "running"}

    resumed = run("batch", str(file), env=env)

    assert resumed.returncode == 0, resumed.stderr
    assert len(ledger(out)) == 20, "no line got a second job"
    assert len(stored_images()) == 20, "one image per line, none twice"
    assert {e["status"] for e in manifest(out).values()} == {"succeeded"}
    assert len(manifest(out)) == 20


def test_cancel_ends_what_is_queued_and_a_later_run_makes_it_anew(
    tmp_path: Path, rendered: list[str]
) -> None:
    file = tmp_path / "prompts.txt"
    file.write_text("a cat\na dog\n")
    out = tmp_path / "run"
    # A run that stopped before any job ran: the ledger names two queued jobs.
    store = create_store(Settings.from_env())
    out.mkdir()
    queued = [queued_job({"prompt": p}, store.clock()) for p in ("a cat", "a dog")]
    store.create(queued)
    for line, job in enumerate(queued, start=1):
        Folder(out).add_job(line, job)

    cancelled = batch(str(file), "--out", str(out), "--cancel")

    assert cancelled.exit_code == 0, cancelled.output
    assert "cancelled 2 queued jobs" in cancelled.output
    assert [(j.status, (j.error or {}).get("error")) for j in jobs_of(out)] == [
        ("failed", CANCELLED)
    ] * 2
    assert rendered == []

    assert batch(str(file), "--out", str(out)).exit_code == 0
    assert sorted(rendered) == ["a cat", "a dog"]
    assert len(ledger(out)) == 4


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
