"""``genpic batch FILE``: one image per line, at the model's pace, resumable; ``genpic jobs``.

Each line of FILE is a prompt, or a JSON request (``{"prompt": ..., "seed": ...}``);
blank lines and ``#`` comments are skipped. Every line is validated before anything
is generated. The lines run as jobs in the embedded pool (so ``GENPIC_MODEL_RPS``
paces them and throttling only delays them); each finished line appends one JSON
line to ``OUT/manifest.jsonl`` and writes its image to ``OUT/NNNN.<ext>``. Run the
same command again to resume: lines whose manifest entry succeeded and whose image
is on disk are not generated again; failed ones are retried.
"""

from __future__ import annotations

import json
import shutil
import time
import urllib.request
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeRemainingColumn,
)
from rich.table import Table
from rich.text import Text

from genpic.cli.output import Reporter
from genpic.errors import GenpicError, ValidationError
from genpic.jobs.base import Job, JobStore, queued_job
from genpic.jobs.pool import JobPool
from genpic.jobs.service import create_runner, create_store
from genpic.pipeline import Pipeline

MANIFEST = "manifest.jsonl"


def batch(
    file: Annotated[
        Path,
        typer.Argument(help="One prompt or JSON request per line.", exists=True, dir_okay=False),
    ],
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            "-o",
            help="Where images and manifest.jsonl go.",
            show_default="FILE's name without extension",
        ),
    ] = None,
    workers: Annotated[int, typer.Option(min=1, max=32, help="Lines generated at once.")] = 4,
) -> None:
    """Generate one image per line of FILE; resume a half-done run; exit 1 if any line failed."""
    reporter = Reporter(as_json=False)
    out = out or file.with_suffix("")
    pipeline = Pipeline.from_env()
    try:
        lines = read_lines(file, pipeline)
    except GenpicError as exc:
        reporter.failure(exc, "-")
    out.mkdir(parents=True, exist_ok=True)
    done = finished_lines(out)
    todo = {n: request for n, request in lines.items() if n not in done}
    store = create_store(pipeline.settings)
    pool = JobPool(create_runner(pipeline.settings, pipeline, store, queued=False), workers=workers)
    jobs = {n: queued_job(request, store.clock()) for n, request in todo.items()}
    store.create(list(jobs.values()))
    failed = _run(pool, store, jobs, out, skipped=len(lines) - len(todo))
    summary = f"{len(lines) - failed} of {len(lines)} lines done, {failed} failed"
    Console(stderr=True).print(Text(f"{summary}; manifest: {out / MANIFEST}"), highlight=False)
    if failed:
        raise typer.Exit(1)


def read_lines(file: Path, pipeline: Pipeline) -> dict[int, dict[str, Any]]:
    """Return each line's request by line number, every one validated."""
    lines: dict[int, dict[str, Any]] = {}
    for number, text in enumerate(file.read_text(encoding="utf-8").splitlines(), start=1):
        text = text.strip()
        if not text or text.startswith("#"):
            continue
        try:
            request = json.loads(text) if text.startswith("{") else {"prompt": text}
            pipeline.parse(request, enhance_default=False)
        except ValueError as exc:  # JSONDecodeError
            raise ValidationError(
                f"line {number}: not a JSON request ({exc}).", field="FILE"
            ) from None
        except GenpicError as exc:
            raise ValidationError(f"line {number}: {exc.message}", field="FILE") from None
        lines[number] = request
    if not lines:
        raise ValidationError(f"{file} has no prompts.", field="FILE")
    return lines


def finished_lines(out: Path) -> set[int]:
    """Return the lines the manifest says succeeded whose image is still on disk."""
    manifest = out / MANIFEST
    if not manifest.exists():
        return set()
    latest: dict[int, dict[str, Any]] = {}
    for text in manifest.read_text(encoding="utf-8").splitlines():
        if text.strip():
            entry = json.loads(text)
            latest[entry["line"]] = entry
    return {
        n for n, e in latest.items() if e["status"] == "succeeded" and (out / e["file"]).is_file()
    }


def _run(pool: JobPool, store: JobStore, jobs: dict[int, Job], out: Path, skipped: int) -> int:
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("failed {task.fields[failed]}"),
        TextColumn("{task.fields[rate]:.2f}/s"),
        TimeRemainingColumn(),
    )
    failed = 0
    pending = {job.job_id: n for n, job in jobs.items()}
    start = time.monotonic()
    with Progress(*columns, console=Console(stderr=True)) as progress:
        task = progress.add_task(
            "batch", total=len(jobs) + skipped, completed=skipped, failed=0, rate=0.0
        )
        pool.start()
        try:
            pool.dispatch(list(pending))
            while pending:
                time.sleep(0.2)
                for job in store.get_many(list(pending)):
                    if not job.finished:
                        continue
                    line = pending.pop(job.job_id)
                    failed += not _record(job, line, out)
                    made = len(jobs) - len(pending)
                    rate = made / max(time.monotonic() - start, 1e-3)
                    progress.update(task, advance=1, failed=failed, rate=rate)
        finally:
            pool.stop()
    return failed


def _record(job: Job, line: int, out: Path) -> bool:
    entry: dict[str, Any] = {
        "line": line,
        "job_id": job.job_id,
        "status": job.status,
        "request": dict(job.request),
    }
    if job.result is not None:
        result = job.result
        entry["file"] = f"{line:04d}.{result['key'].rsplit('.', 1)[-1]}"
        _fetch(result, out / entry["file"])
        entry.update(key=result["key"], seed=result["seed"], model=result["model"])
    else:
        entry["error"] = dict(job.error or {})
    with (out / MANIFEST).open("a", encoding="utf-8") as manifest:
        manifest.write(json.dumps(entry) + "\n")
    return job.status == "succeeded"


def _fetch(result: Any, path: Path) -> None:
    # Local storage names a file; S3 a presigned https link valid for 15 minutes.
    if str(result["uri"]).startswith("file://"):
        shutil.copyfile(result["uri"].removeprefix("file://"), path)
        return
    with urllib.request.urlopen(result["url"], timeout=60) as response:
        path.write_bytes(response.read())


def jobs(limit: Annotated[int, typer.Option(min=1, max=1000, help="How many.")] = 20) -> None:
    """List recent jobs, newest first."""
    pipeline = Pipeline.from_env()
    table = Table()
    # Ids and times are copied and grepped: never cut or wrapped; the prose column folds.
    for name in ("job_id", "status", "created", "attempts"):
        table.add_column(name, no_wrap=True)
    table.add_column("prompt / outcome", overflow="fold")
    for job in create_store(pipeline.settings).recent(limit):
        body = job.to_body()
        outcome = job.result["key"] if job.result else (job.error or {}).get("message", "")
        # Prompts and messages are the user's and upstream's text: never Rich markup.
        prompt = str(job.request.get("prompt", ""))[:60]
        table.add_row(
            job.job_id,
            job.status,
            body["created_at"],
            str(job.attempts),
            Text(f"{prompt} {outcome}"),
        )
    console = Console(highlight=False)
    if not console.is_terminal:
        console.width = max(console.width, 200)
    console.print(table)
