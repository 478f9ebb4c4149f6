"""What a ``genpic batch`` output folder remembers, and what a run (or a resume) must do.

Two JSON-lines files in OUT:

- ``jobs.jsonl``, the ledger: one entry ``{"line", "job_id"}`` per job made, written
  before the job can run. A line's last entry names its current job.
- ``manifest.jsonl``: one entry per finished job, with its images (or its error).

A resume looks each line's current job up in the job store and decides
(``plan``): a job that is queued or running is waited for (reattached), one that
succeeded is recorded (its images fetched from storage, no model call) unless the
manifest has it with every image on disk, and only a line whose job failed, whose
images were lost from storage, or whose text changed gets a new job. So an
interrupted batch never pays twice for a line.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from genpic.jobs.base import Job

LEDGER = "jobs.jsonl"
MANIFEST = "manifest.jsonl"


@dataclass
class Plan:
    """What a run does with each line of the file.

    Attributes
    ----------
    done
        Lines whose current job is recorded in the manifest with every image on disk.
    attach
        Lines whose current job is waited for and recorded (queued, running, or
        succeeded but not yet recorded).
    new
        Lines that need a new job: none yet, the last one failed, its images are
        lost, or the line's request changed.
    stale
        Queued jobs of lines whose request changed: cancelled, never run.
    """

    done: set[int] = field(default_factory=set)
    attach: dict[int, Job] = field(default_factory=dict)
    new: dict[int, dict[str, Any]] = field(default_factory=dict)
    stale: list[Job] = field(default_factory=list)


class Folder:
    """The output folder OUT of one batch file: its ledger and its manifest."""

    def __init__(self, out: Path) -> None:
        self.out = out

    def current_jobs(self) -> dict[int, str]:
        """Return each line's current job id (folders from before the ledger: the manifest's)."""
        ids = {entry["line"]: entry["job_id"] for entry in self._read(MANIFEST)}
        ids.update((entry["line"], entry["job_id"]) for entry in self._read(LEDGER))
        return ids

    def recorded(self) -> dict[str, dict[str, Any]]:
        """Return the manifest's latest entry for each job id."""
        return {entry["job_id"]: entry for entry in self._read(MANIFEST)}

    def add_job(self, line: int, job: Job) -> None:
        """Note ``job`` as line ``line``'s current job."""
        self._append(LEDGER, {"line": line, "job_id": job.job_id})

    def record(self, entry: Mapping[str, Any]) -> None:
        """Append a finished job's manifest entry."""
        self._append(MANIFEST, entry)

    def on_disk(self, entry: Mapping[str, Any]) -> bool:
        """Tell whether every image a manifest entry lists is still in the folder."""
        files = [image["file"] for image in images_of(entry) if "file" in image]
        return bool(files) and all((self.out / name).is_file() for name in files)

    def _read(self, name: str) -> Iterator[dict[str, Any]]:
        path = self.out / name
        if not path.exists():
            return
        for text in path.read_text(encoding="utf-8").splitlines():
            if text.strip():
                yield json.loads(text)

    def _append(self, name: str, entry: Mapping[str, Any]) -> None:
        with (self.out / name).open("a", encoding="utf-8") as file:
            file.write(json.dumps(entry) + "\n")


def images_of(entry: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """Return the images a manifest entry lists (entries from before ``images``: the entry)."""
    images: list[Mapping[str, Any]] = entry.get("images") or [entry]
    return images


def plan(lines: Mapping[int, dict[str, Any]], folder: Folder, jobs: Mapping[str, Job]) -> Plan:
    """Decide each line's fate from its current job (``jobs``: the store's, by id)."""
    current = folder.current_jobs()
    recorded = folder.recorded()
    decided = Plan()
    for line, request in lines.items():
        job = jobs.get(current.get(line, ""))
        if job is None or job.status == "failed":
            decided.new[line] = request
        elif dict(job.request) != request:
            decided.new[line] = request
            if job.status == "queued":
                decided.stale.append(job)
        elif job.status != "succeeded":
            decided.attach[line] = job
        elif (entry := recorded.get(job.job_id)) is None or not folder.on_disk(entry):
            if entry is not None and entry.get("lost"):
                decided.new[line] = request
            else:
                decided.attach[line] = job
        else:
            decided.done.add(line)
    return decided
