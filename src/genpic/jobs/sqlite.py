"""Jobs in the records' SQLite file (``GENPIC_DATA_DIR/records.sqlite3``), tables ``jobs_*``.

Every conditional move is a read, a check and a write inside one ``BEGIN
IMMEDIATE`` transaction (``genpic.records.sqlitedb``), atomic across threads and
processes.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from genpic.jobs.base import Batch, Clock, Job, JobStore, apply, job_from_json, job_to_json
from genpic.jobs.pacing import Slot, reserve
from genpic.records.sqlitedb import Database, database_path
from genpic.settings import Settings

SCHEMA = """
CREATE TABLE IF NOT EXISTS jobs_jobs (
    job_id TEXT PRIMARY KEY, status TEXT NOT NULL, created_at REAL NOT NULL, job TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS jobs_recent ON jobs_jobs (created_at DESC);
CREATE INDEX IF NOT EXISTS jobs_status ON jobs_jobs (status, created_at);
CREATE TABLE IF NOT EXISTS jobs_batches (
    batch_id TEXT PRIMARY KEY, created_at REAL NOT NULL, job_ids TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS jobs_pacing (name TEXT PRIMARY KEY, next_free REAL NOT NULL)
"""


class SqliteJobs(JobStore):
    """Jobs next to the records in ``GENPIC_DATA_DIR/records.sqlite3``."""

    name = "sqlite"

    def __init__(self, settings: Settings, *, clock: Clock = time.time) -> None:
        super().__init__(clock=clock)
        self.database = Database(database_path(settings))
        self.database.ensure(SCHEMA)

    def create(self, jobs: Sequence[Job], batch: Batch | None = None) -> None:
        """Insert the jobs and the batch in one transaction."""
        with self.database.write() as db:
            db.executemany(
                "INSERT INTO jobs_jobs (job_id, status, created_at, job) VALUES (?, ?, ?, ?)",
                [(job.job_id, job.status, job.created_at, job_to_json(job)) for job in jobs],
            )
            if batch is not None:
                db.execute(
                    "INSERT INTO jobs_batches (batch_id, created_at, job_ids) VALUES (?, ?, ?)",
                    (batch.batch_id, batch.created_at, json.dumps(batch.job_ids)),
                )

    def get(self, job_id: str) -> Job | None:
        """Return the job, or None."""
        found = self.get_many([job_id])
        return found[0] if found else None

    def get_many(self, job_ids: Sequence[str]) -> list[Job]:
        """Return the jobs that exist among ``job_ids``, in that order."""
        marks = ",".join("?" * len(job_ids))
        with self.database.read() as db:
            rows = db.execute(
                f"SELECT job_id, job FROM jobs_jobs WHERE job_id IN ({marks})", tuple(job_ids)
            ).fetchall()
        by_id = {row["job_id"]: job_from_json(row["job"]) for row in rows}
        return [by_id[job_id] for job_id in job_ids if job_id in by_id]

    def get_batch(self, batch_id: str) -> Batch | None:
        """Return the batch, or None."""
        with self.database.read() as db:
            row = db.execute(
                "SELECT created_at, job_ids FROM jobs_batches WHERE batch_id = ?", (batch_id,)
            ).fetchone()
        if row is None:
            return None
        return Batch(batch_id, tuple(json.loads(row["job_ids"])), row["created_at"])

    def recent(self, limit: int = 20) -> list[Job]:
        """Return up to ``limit`` jobs, newest first."""
        return self._select("1 ORDER BY created_at DESC LIMIT ?", (limit,))

    def unfinished(self) -> list[Job]:
        """Return the queued and running jobs, oldest first."""
        return self._select("status IN ('queued', 'running') ORDER BY created_at", ())

    def reserve_slot(self, interval_s: float, max_wait_s: float) -> Slot:
        """Reserve the next model-call slot in one transaction."""
        with self.database.write() as db:
            row = db.execute("SELECT next_free FROM jobs_pacing WHERE name = 'model'").fetchone()
            slot, next_free = reserve(
                row["next_free"] if row else 0.0, self.clock(), interval_s, max_wait_s
            )
            db.execute(
                "INSERT INTO jobs_pacing (name, next_free) VALUES ('model', ?) "
                "ON CONFLICT (name) DO UPDATE SET next_free = excluded.next_free",
                (next_free,),
            )
        return slot

    def _update(
        self, job_id: str, allowed: Callable[[Job], bool], changes: Mapping[str, Any]
    ) -> Job | None:
        with self.database.write() as db:
            row = db.execute("SELECT job FROM jobs_jobs WHERE job_id = ?", (job_id,)).fetchone()
            if row is None or not allowed(current := job_from_json(row["job"])):
                return None
            updated = apply(current, changes)
            db.execute(
                "UPDATE jobs_jobs SET status = ?, job = ? WHERE job_id = ?",
                (updated.status, job_to_json(updated), job_id),
            )
        return updated

    def _select(self, where: str, parameters: tuple[Any, ...]) -> list[Job]:
        with self.database.read() as db:
            rows = db.execute(f"SELECT job FROM jobs_jobs WHERE {where}", parameters).fetchall()
        return [job_from_json(row["job"]) for row in rows]
