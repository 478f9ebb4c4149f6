"""The job store: asynchronous generation jobs and batches, behind one interface.

A job moves ``queued -> running -> succeeded | failed``; every move is one
conditional write, so that two workers racing on one job cannot both run it:

- ``claim`` is the only way into ``running`` (from ``queued``, or from a
  ``running`` whose lease ran out because its worker died). It bumps
  ``attempts``, which is the claim's fencing token;
- ``finish`` and ``requeue`` only succeed for the holder of the current token,
  so a worker that lost its lease cannot overwrite the job's outcome;
- ``finish`` with no token ends an unfinished job whatever its state (the dead-letter path);
- ``cancel`` ends a ``queued`` job before any worker claims it (it fails with
  error ``Cancelled``); a job already running is left to finish.

A redelivered SQS message therefore finds its job ``running`` (someone holds it)
or finished (nothing to do), never ``queued``: no second image.

The store also keeps the shared model-call schedule (``reserve_slot``, see
``genpic.jobs.pacing``) so that every worker on AWS paces against one clock.
Jobs share the records store's database file (SQLite) or table (DynamoDB).
"""

from __future__ import annotations

import json
import time
import uuid
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from typing import Any, Literal

from genpic.jobs.pacing import Slot

JobStatus = Literal["queued", "running", "succeeded", "failed"]
STATUSES: tuple[JobStatus, ...] = ("queued", "running", "succeeded", "failed")
FINISHED: tuple[JobStatus, ...] = ("succeeded", "failed")
Clock = Callable[[], float]
#: The error code of a job cancelled before it ran.
CANCELLED = "Cancelled"


def new_job_id() -> str:
    """Return a fresh job or batch id (32 lowercase hex characters)."""
    return uuid.uuid4().hex


@dataclass(frozen=True)
class Job:
    """One asynchronous generation.

    Attributes
    ----------
    request
        The request fields as submitted (already validated), without ``webhook_url``.
    attempts
        How many times the job was claimed; the current claim's fencing token.
    lease_until
        While ``running``: epoch seconds after which the claim is presumed dead.
    result, error
        The success body or the error body, once finished.
    webhook
        The webhook delivery's outcome (``status``, ``attempts``, ``reason``?), once tried.
    """

    job_id: str
    status: JobStatus
    request: Mapping[str, Any]
    created_at: float
    updated_at: float
    webhook_url: str | None = None
    batch_id: str | None = None
    attempts: int = 0
    lease_until: float = 0.0
    result: Mapping[str, Any] | None = None
    error: Mapping[str, Any] | None = None
    webhook: Mapping[str, Any] | None = None

    @property
    def finished(self) -> bool:
        """Whether the job has its outcome."""
        return self.status in FINISHED

    def to_body(self) -> dict[str, Any]:
        """Return the public job body (``GET /jobs/{job_id}`` and webhooks)."""
        body: dict[str, Any] = {"job_id": self.job_id, "status": self.status}
        if self.result is not None:
            body["result"] = dict(self.result)
        if self.error is not None:
            body["error"] = dict(self.error)
        if self.batch_id:
            body["batch_id"] = self.batch_id
        body["attempts"] = self.attempts
        body["created_at"] = _iso(self.created_at)
        body["updated_at"] = _iso(self.updated_at)
        if self.webhook is not None:
            body["webhook"] = dict(self.webhook)
        return body


def queued_job(
    request: Mapping[str, Any],
    now: float,
    *,
    webhook_url: str | None = None,
    batch_id: str | None = None,
) -> Job:
    """Return a new ``queued`` job for ``request``."""
    return Job(
        job_id=new_job_id(),
        status="queued",
        request=dict(request),
        created_at=now,
        updated_at=now,
        webhook_url=webhook_url,
        batch_id=batch_id,
    )


@dataclass(frozen=True)
class Batch:
    """A batch: its id and its jobs, in submission order."""

    batch_id: str
    job_ids: tuple[str, ...]
    created_at: float = field(default=0.0)


class JobStore(ABC):
    """Where jobs, batches and the pacing schedule live (SQLite locally, DynamoDB on AWS).

    Parameters
    ----------
    clock
        Epoch seconds now; tests pass a fake to move time.
    """

    name: str

    def __init__(self, *, clock: Clock = time.time) -> None:
        self.clock = clock

    @abstractmethod
    def create(self, jobs: Sequence[Job], batch: Batch | None = None) -> None:
        """Store new jobs (and the batch they form), all or nothing where the backend allows."""

    @abstractmethod
    def get(self, job_id: str) -> Job | None:
        """Return job ``job_id``, or None."""

    @abstractmethod
    def get_many(self, job_ids: Sequence[str]) -> list[Job]:
        """Return the jobs that exist among ``job_ids``, in that order."""

    @abstractmethod
    def get_batch(self, batch_id: str) -> Batch | None:
        """Return batch ``batch_id``, or None."""

    @abstractmethod
    def recent(self, limit: int = 20) -> list[Job]:
        """Return up to ``limit`` jobs, newest first."""

    @abstractmethod
    def unfinished(self) -> list[Job]:
        """Return every ``queued`` or ``running`` job, oldest first (restart recovery)."""

    @abstractmethod
    def _update(
        self, job_id: str, allowed: Callable[[Job], bool], changes: Mapping[str, Any]
    ) -> Job | None:
        """Apply ``changes`` atomically if ``allowed(job)``; return the new job, or None."""

    @abstractmethod
    def reserve_slot(self, interval_s: float, max_wait_s: float) -> Slot:
        """Reserve the next model-call slot on the shared schedule (see ``pacing.reserve``)."""

    def claim(self, job_id: str, lease_s: float) -> Job | None:
        """Move the job to ``running`` for ``lease_s`` seconds; None when someone else holds it.

        A ``queued`` job, or a ``running`` one whose lease has passed, can be claimed.
        """
        now = self.clock()
        current = self.get(job_id)
        if current is None:
            return None
        return self._update(
            job_id,
            lambda job: job.attempts == current.attempts and _claimable(job, now),
            {
                "status": "running",
                "attempts": current.attempts + 1,
                "lease_until": now + lease_s,
                "updated_at": now,
            },
        )

    def finish(
        self,
        job_id: str,
        token: int | None,
        *,
        result: Mapping[str, Any] | None = None,
        error: Mapping[str, Any] | None = None,
    ) -> Job | None:
        """Record the outcome; only the claim ``token`` holder may (None: any unfinished job).

        Returns the finished job, or None when the job was not ours to finish.
        """
        status: JobStatus = "failed" if error is not None else "succeeded"
        return self._update(
            job_id,
            lambda job: not job.finished and (token is None or job.attempts == token),
            {"status": status, "result": result, "error": error, "updated_at": self.clock()},
        )

    def requeue(self, job_id: str, token: int, *, attempted: bool = True) -> Job | None:
        """Put a job we hold back in ``queued``, to be retried.

        ``attempted=False`` gives the claim back unused (it does not count as an attempt).
        """
        changes: dict[str, Any] = {"status": "queued", "lease_until": 0.0}
        if not attempted:
            changes["attempts"] = token - 1
        return self._update(
            job_id,
            lambda job: job.status == "running" and job.attempts == token,
            {**changes, "updated_at": self.clock()},
        )

    def cancel(self, job_id: str) -> Job | None:
        """End a ``queued`` job: it fails with error ``Cancelled`` and is never run.

        Returns the cancelled job, or None when it is not queued (running, finished or
        unknown): a claim and a cancel racing on one job, exactly one of them wins.
        """
        now = self.clock()
        error = {
            "error": CANCELLED,
            "message": "cancelled before it ran; submit it again to have it made.",
            "request_id": job_id,
        }
        return self._update(
            job_id,
            lambda job: job.status == "queued",
            {"status": "failed", "error": error, "lease_until": 0.0, "updated_at": now},
        )

    def set_webhook(self, job_id: str, outcome: Mapping[str, Any]) -> None:
        """Record the webhook delivery's outcome on a finished job."""
        self._update(job_id, lambda job: True, {"webhook": dict(outcome)})


def _claimable(job: Job, now: float) -> bool:
    return job.status == "queued" or (job.status == "running" and job.lease_until <= now)


def apply(job: Job, changes: Mapping[str, Any]) -> Job:
    """Return ``job`` with ``changes`` (field name -> value) applied."""
    return replace(job, **changes)


def job_to_json(job: Job) -> str:
    """Serialise ``job`` for a backend (``job_from_json`` reads it back)."""
    return json.dumps(asdict(job), separators=(",", ":"))


def job_from_json(text: str) -> Job:
    """Return the job ``job_to_json`` wrote."""
    return Job(**json.loads(text))


def _iso(epoch: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(epoch))
