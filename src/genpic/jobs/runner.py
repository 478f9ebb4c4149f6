"""Running one job: claim it, keep to the pace, generate, record the outcome, queue its webhook.

Shared by the embedded worker pool (``genpic.jobs.pool``) and the SQS worker
(``genpic.aws.worker``); they differ only in how they come back to a job later.

Which failures are retried: the same rule as idempotent answers
(``genpic.records.base.should_remember``). A 4xx (invalid input, a missing init
image, content filtered) is the answer the same request will always get, so
the job fails at once. Throttling and every 5xx (model or storage unavailable,
timeouts) are transient: the job goes back to ``queued`` and is retried with
exponential backoff, until its ``max_attempts``-th attempt, which records the
failure with its reason.

A finished job's webhook is handed to ``genpic.jobs.delivery.Deliveries``, which
sends it on its own threads: the worker is free for its next job at once.

A job interrupted mid-generation (its worker died) stays ``running`` until its
lease ends; the next claim then runs it again from the start. The model's
answer was never stored, so there is nothing to resume; the image the dead
worker may have written is an orphan object, never a second result.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from genpic import variants
from genpic.errors import GenpicError, as_public_error
from genpic.jobs.base import Job, JobStore
from genpic.logs import logger
from genpic.records.base import should_remember
from genpic.telemetry import JOB_ENTRY, record_error, record_job

if TYPE_CHECKING:
    from genpic.jobs.delivery import Deliveries
    from genpic.jobs.pacing import Pacer
    from genpic.pipeline import Pipeline

#: Jobs are submitted through the plain route's rules (no enhancement unless asked).
ENHANCE_DEFAULT = False
MAX_BACKOFF_S = 300.0


@dataclass(frozen=True)
class Outcome:
    """What became of one run.

    ``done``: the job is finished (now or before); ``retry``: it failed
    transiently, try again in ``delay_s``; ``defer``: the next model-call slot is
    ``delay_s`` away (not a failure: the quota delays, never fails); ``held``:
    another worker holds a live claim on it, which ends in ``delay_s``;
    ``gave_up``: it failed transiently once too often and is now failed for good;
    ``duplicate``: it had finished before (a redelivery: nothing to do);
    ``missing``: no such job.
    """

    kind: Literal["done", "retry", "defer", "held", "gave_up", "duplicate", "missing"]
    delay_s: float = 0.0
    job: Job | None = None


class Runner:
    """Runs jobs from ``store`` through ``pipeline``.

    Parameters
    ----------
    lease_s
        How long a claim holds before the job is presumed abandoned (above the
        longest pipeline run).
    max_attempts
        The attempt that fails the job for good on a transient error.
    max_wait_s
        The longest the runner sleeps for a model-call slot before giving the job back.
    backoff_s
        The first retry's delay; each further retry doubles it (with jitter).
    deliveries
        Where finished jobs with a ``webhook_url`` go to have it called.
    """

    def __init__(
        self,
        store: JobStore,
        pipeline: Pipeline,
        pacer: Pacer,
        *,
        lease_s: float,
        max_attempts: int,
        max_wait_s: float,
        backoff_s: float,
        deliveries: Deliveries,
    ) -> None:
        self.store = store
        self.pipeline = pipeline
        self.pacer = pacer
        self.lease_s = lease_s
        self.max_attempts = max_attempts
        self.max_wait_s = max_wait_s
        self.backoff_s = backoff_s
        self.deliveries = deliveries

    def run(self, job_id: str, *, last_chance: bool = False) -> Outcome:
        """Run job ``job_id`` once; ``last_chance`` (the last SQS receive) fails it on any error.

        Its images, errors and outcome are counted under the entry ``job``
        (``genpic.telemetry``), whichever worker runs it.
        """
        outcome = self._run(job_id, last_chance)
        record_job(outcome.kind, outcome.job.status if outcome.job else None)
        return outcome

    def _run(self, job_id: str, last_chance: bool) -> Outcome:
        job = self.store.claim(job_id, self.lease_s)
        if job is None:
            return self._not_ours(job_id)
        slot = self.pacer.acquire(self.max_wait_s)
        if not slot.granted:
            # Waiting for the quota is not a failed attempt.
            self.store.requeue(job_id, job.attempts, attempted=False)
            return Outcome("defer", slot.wait_s)
        request_id = uuid.uuid4().hex
        logger.append_keys(job_id=job_id)
        try:
            request = self.pipeline.parse(job.request, enhance_default=ENHANCE_DEFAULT)
            made = variants.generate(self.pipeline, request, request_id, entry=JOB_ENTRY)
        except Exception as exc:
            return self._failed(job, as_public_error(exc), request_id, last_chance)
        finally:
            logger.remove_keys(["job_id"])
        return self._end(self.store.finish(job_id, job.attempts, result=made.to_body()))

    def _failed(self, job: Job, error: GenpicError, request_id: str, last_chance: bool) -> Outcome:
        record_error(JOB_ENTRY, error)
        transient = not should_remember(error.status)
        if transient and not last_chance and job.attempts < self.max_attempts:
            self.store.requeue(job.job_id, job.attempts)
            # Jitter spreads retries that failed together, so they do not return together.
            delay = min(MAX_BACKOFF_S, self.backoff_s * 2 ** (job.attempts - 1))
            delay *= random.uniform(0.5, 1.0)
            logger.warning(
                "job will be retried",
                extra={"job_id": job.job_id, "error": error.code, "delay_s": round(delay, 2)},
            )
            return Outcome("retry", delay)
        body = error.to_body(request_id)
        if transient:
            body["message"] = f"{error.message} (gave up after {job.attempts} attempts)"
        logger.warning("job failed", extra={"job_id": job.job_id, "error": error.code})
        finished = self.store.finish(job.job_id, job.attempts, error=body)
        return self._end(finished, "gave_up" if transient else "done")

    def _end(self, job: Job | None, kind: Literal["done", "gave_up"] = "done") -> Outcome:
        # None: our claim was taken over meanwhile (our lease ran out); the holder reports.
        if job is not None and job.webhook_url:
            self.deliveries.submit(job)
        return Outcome(kind, job=job)

    def _not_ours(self, job_id: str) -> Outcome:
        current = self.store.get(job_id)
        if current is None:
            return Outcome("missing")
        if current.finished:
            return Outcome("duplicate", job=current)  # a redelivery: the image exists already
        # Another worker holds a live claim: look again when it would have expired.
        return Outcome("held", max(current.lease_until - self.store.clock(), 1.0))
