"""``genpic batch FILE``: every image a file of requests asks for, at the model's pace, resumable.

FILE is read by ``genpic.cli.batch_file`` (text lines, CSV or TSV) and every line
is checked before anything runs. The lines run as jobs in the embedded pool (so
``GENPIC_MODEL_RPS`` paces them and throttling only delays them). Each finished
line writes its images to ``OUT/NNNN.<ext>`` (``NNNN-K.<ext>`` when it makes
several) and appends an entry to ``OUT/manifest.jsonl``. Running the command
again resumes without paying twice (``genpic.cli.batch_state``).

Ctrl-C stops the run: the jobs in flight get a few seconds to finish, and what
is still queued stays queued, run by nothing until the batch is resumed (or
``genpic serve`` starts, whose pool runs every queued job); ``--cancel`` cancels it.
"""

from __future__ import annotations

import shutil
import time
import urllib.request
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeRemainingColumn,
)
from rich.table import Table
from rich.text import Text

from genpic import variants
from genpic.catalog import image_cost
from genpic.cli.batch_file import BadFile, read_requests
from genpic.cli.batch_state import Folder, Plan, plan
from genpic.cli.errors import BAD_INPUT, FAILED, INTERRUPTED
from genpic.jobs.base import Job, JobStore, queued_job
from genpic.jobs.pool import JobPool
from genpic.jobs.service import create_runner, create_store
from genpic.pipeline import Pipeline

#: How often the run looks at its jobs.
POLL_S = 0.2


def batch(
    file: Annotated[
        Path,
        typer.Argument(
            help="One prompt or JSON request per line, or a .csv / .tsv with a header row "
            "of request fields.",
            exists=True,
            dir_okay=False,
        ),
    ],
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            "-o",
            help="Where images, manifest.jsonl and jobs.jsonl go.",
            show_default="FILE's name without extension",
        ),
    ] = None,
    workers: Annotated[int, typer.Option(min=1, max=32, help="Lines generated at once.")] = 4,
    dry_run: Annotated[
        bool,
        typer.Option("--dry-run", help="Check FILE; print the images and estimated cost; stop."),
    ] = False,
    cancel: Annotated[
        bool, typer.Option("--cancel", help="Cancel this batch's queued jobs; make nothing.")
    ] = False,
) -> None:
    """Generate every image FILE asks for; resume a half-done run; exit 1 if any line failed."""
    err = Console(stderr=True, highlight=False, soft_wrap=True)
    folder = Folder(out or file.with_suffix(""))
    pipeline = Pipeline.from_env()
    store = create_store(pipeline.settings)
    if cancel:
        _cancel(store, folder, file, err)
        return
    try:
        lines = read_requests(file, pipeline)
    except BadFile as exc:
        _refuse(exc, err)
    decided = plan(lines, folder, _current(store, folder))
    if dry_run:
        _estimate(pipeline, lines, decided)
        return
    folder.out.mkdir(parents=True, exist_ok=True)
    for job in decided.stale:
        store.cancel(job.job_id)  # the line changed: its old request must not run
    pending = {job.job_id: line for line, job in decided.attach.items()}
    new = {line: queued_job(request, store.clock()) for line, request in decided.new.items()}
    for line, job in new.items():
        folder.add_job(line, job)
    store.create(list(new.values()))
    pending.update({job.job_id: line for line, job in new.items()})
    pool = JobPool(create_runner(pipeline.settings, pipeline, store, queued=False), workers=workers)
    run = _Run(store, folder, pending, total=len(lines), done=len(decided.done))
    if not run.watch(pool):
        err.print(Text(_interrupted(run, file, folder)))
        raise typer.Exit(INTERRUPTED)
    summary = f"{len(lines) - run.failed} of {len(lines)} lines done, {run.failed} failed"
    err.print(Text(f"{summary}; ${run.cost:.4f}; manifest: {folder.out / 'manifest.jsonl'}"))
    if run.failed:
        raise typer.Exit(FAILED)


def _current(store: JobStore, folder: Folder) -> dict[str, Job]:
    return {job.job_id: job for job in store.get_many(list(folder.current_jobs().values()))}


class _Run:
    """Waits for a batch's jobs and records each as it finishes, with a progress bar on stderr."""

    def __init__(
        self, store: JobStore, folder: Folder, pending: dict[str, int], *, total: int, done: int
    ) -> None:
        self.store = store
        self.folder = folder
        self.pending = pending
        self.total = total
        self.done = done
        self.failed = 0
        self.cost = 0.0

    def watch(self, pool: JobPool) -> bool:
        """Run the pool until every job is recorded; False when Ctrl-C stopped it."""
        columns = (
            TextColumn("batch"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("failed {task.fields[failed]}"),
            TextColumn("cost ${task.fields[cost]:.4f}"),
            TextColumn("ETA"),
            TimeRemainingColumn(),
        )
        with Progress(*columns, console=Console(stderr=True)) as progress:
            task = progress.add_task(
                "batch", total=self.total, completed=self.done, failed=0, cost=0.0
            )
            pool.start()  # it takes up every queued job in the store, ours among them
            try:
                while self.pending:
                    time.sleep(POLL_S)
                    self._collect(progress, task)
            except KeyboardInterrupt:
                pool.stop()
                self._collect(progress, task)  # what finished while stopping
                return False
            pool.stop()
        return True

    def _collect(self, progress: Progress, task: TaskID) -> None:
        for job in self.store.get_many(list(self.pending)):
            if job.finished:
                line = self.pending.pop(job.job_id)
                entry = _record(job, line, self.folder)
                self.failed += entry["status"] != "succeeded"
                self.cost += entry.get("cost_usd", 0.0)
                progress.update(task, advance=1, failed=self.failed, cost=self.cost)


def _record(job: Job, line: int, folder: Folder) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "line": line,
        "job_id": job.job_id,
        "status": job.status,
        "request": dict(job.request),
    }
    if job.result is None:
        entry["error"] = dict(job.error or {})
    else:
        try:
            entry.update(_save_images(job.result, line, folder.out))
        except OSError as exc:
            # The stored image is gone: only a new job can make it again.
            entry.update(
                status="failed",
                lost=True,
                error={
                    "error": "StorageError",
                    "message": f"the stored image is gone ({exc}); run the batch again to "
                    "make it anew.",
                },
            )
    folder.record(entry)
    return entry


def _save_images(result: Mapping[str, Any], line: int, out: Path) -> dict[str, Any]:
    bodies = result.get("variants") or [result]
    images: list[dict[str, Any]] = []
    for k, body in enumerate(bodies, start=1):
        if "key" not in body:
            images.append({"error": dict(body)})  # this variant failed; the others did not
            continue
        suffix = "" if len(bodies) == 1 else f"-{k}"
        name = f"{line:04d}{suffix}.{body['key'].rsplit('.', 1)[-1]}"
        _fetch(body, out / name)
        images.append(
            {"file": name, "key": body["key"], "seed": body["seed"], "model": body["model"]}
        )
    first = next(image for image in images if "file" in image)
    cost = sum(body.get("cost_usd", 0.0) for body in bodies)
    return {**first, "images": images, "cost_usd": round(cost, 6)}


def _fetch(body: Mapping[str, Any], path: Path) -> None:
    # Local storage names a file; S3 a presigned https link valid for 15 minutes.
    if str(body["uri"]).startswith("file://"):
        shutil.copyfile(body["uri"].removeprefix("file://"), path)
        return
    with urllib.request.urlopen(body["url"], timeout=60) as response:
        path.write_bytes(response.read())


def _estimate(pipeline: Pipeline, lines: Mapping[int, dict[str, Any]], decided: Plan) -> None:
    """Print what the run would make and what it would cost; make nothing."""
    to_make = {
        **decided.new,
        **{line: dict(job.request) for line, job in decided.attach.items() if not job.finished},
    }
    requests = [pipeline.parse(request, enhance_default=False) for request in to_make.values()]
    images = sum(len(variants.expand(request)) for request in requests)
    bedrock = sum(image_cost(r.model, len(variants.expand(r))) for r in requests)
    cost = 0.0 if pipeline.engine.preview else bedrock
    console = Console(highlight=False, soft_wrap=True)
    console.print(
        Text(f"lines {len(lines)} ({len(lines) - len(to_make)} done or recorded already)")
    )
    console.print(Text(f"images {images}"))
    note = f" (preview engine; ${bedrock:.4f} on Bedrock)" if pipeline.engine.preview else ""
    console.print(Text(f"cost ${cost:.4f} estimated, image model calls{note}"))


def _cancel(store: JobStore, folder: Folder, file: Path, err: Console) -> None:
    cancelled = [job for job in _current(store, folder).values() if store.cancel(job.job_id)]
    running = [job for job in _current(store, folder).values() if job.status == "running"]
    message = f"cancelled {len(cancelled)} queued job{'s' * (len(cancelled) != 1)}"
    if running:
        message += f"; {len(running)} already running will finish"
    err.print(Text(f"{message}. `genpic batch {file}` makes them anew."))


def _interrupted(run: _Run, file: Path, folder: Folder) -> str:
    left = len(run.pending)
    return (
        f"Interrupted: {run.total - left} of {run.total} lines done; {left} jobs stay queued "
        f"and nothing runs them until you resume. `genpic batch {file}` resumes them without "
        f"paying twice; `genpic batch {file} --cancel` cancels them."
    )


def _refuse(exc: BadFile, err: Console) -> NoReturn:
    # One line per problem, each naming its line and field.
    for problem in exc.problems:
        err.print(Text(f"error: {problem}"))
    err.print(Text(f"{exc}; nothing was generated."))
    raise typer.Exit(BAD_INPUT)


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
