"""The SQS worker: each message names a job; run it, and tell SQS which messages failed.

The handler reports partial batch failures (``ReportBatchItemFailures``): a message
whose record raises stays on the queue, the others are deleted. (Powertools' batch
processor does the same, but importing it builds the data classes and pydantic models of
every event source it supports, which took a quarter of the whole init.) Per message, by
what the runner says:

- ``done``, ``duplicate`` (a redelivery of a finished job) and ``held`` (a
  duplicate while another worker runs the job; that worker's own message comes
  back if it dies): delete;
- ``retry`` (throttled, upstream failure): make the message visible again after
  the backoff (ChangeMessageVisibility) and report it failed; its receive count
  grows, and on the ``GENPIC_JOB_MAX_RECEIVES``-th receive the runner fails the
  job with the reason (``gave_up``): the message is reported failed once more,
  visible at once, and SQS moves it to the dead-letter queue on its next receive;
- ``defer`` (the next model-call slot is further than the worker waits): send a
  fresh delayed message and delete this one, so waiting for the quota never
  counts towards the dead-letter queue;
- ``missing`` or an unreadable body (a poison message): report it failed until
  it reaches the dead-letter queue, whose alarm calls an operator.

A finished job's webhook goes out on a delivery thread while the next record
runs; the invocation returns once every one is sent or has given up.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from genpic.jobs import webhooks
from genpic.jobs.queue import JobsQueue, job_id_of, received_count
from genpic.jobs.service import create_runner, create_store
from genpic.logs import logger

if TYPE_CHECKING:
    from genpic.jobs.runner import Runner
    from genpic.pipeline import Pipeline


#: What recording a delivery's outcome may take beyond the delivery's own budget.
DRAIN_MARGIN_S = 5.0


class TryAgain(Exception):
    """This record's message goes back to the queue (its visibility was set to the backoff)."""


class Worker:
    """Runs the jobs an SQS event names with the deployment's runner and queue."""

    def __init__(self, pipeline: Pipeline) -> None:
        settings = pipeline.settings
        self.queue = JobsQueue(settings)
        self.runner: Runner = create_runner(settings, pipeline, create_store(settings), queued=True)
        self.max_receives = settings.job_max_receives

    def handle(self, event: Mapping[str, Any]) -> dict[str, Any]:
        """Process an SQS event; return the messages that stay on the queue.

        A batch whose every job is throttled is an answer, not a crash: each message is
        reported, so the event source keeps the visibility each was given instead of
        retrying the whole batch at once.
        """
        failures = []
        for message in event.get("Records", []):
            message_id = message["messageId"]
            try:
                self.record(message)
            except TryAgain as exc:
                logger.info("job message left on the queue", extra={"reason": str(exc)})
                failures.append({"itemIdentifier": message_id})
            except Exception:
                logger.exception("job message failed", extra={"message_id": message_id})
                failures.append({"itemIdentifier": message_id})
        # The event's webhooks went out together while its jobs ran; a frozen Lambda
        # would leave them half-sent, so the invocation ends once they have (each is bounded).
        self.runner.deliveries.drain(webhooks.BUDGET_S + DRAIN_MARGIN_S)
        return {"batchItemFailures": failures}

    def record(self, record: Mapping[str, Any]) -> None:
        """Run the job one message names; raise to leave the message on the queue."""
        job_id = job_id_of(record["body"])
        receives = received_count(record)
        outcome = self.runner.run(job_id, last_chance=receives >= self.max_receives)
        logger.info(
            "job message handled",
            extra={"job_id": job_id, "outcome": outcome.kind, "receives": receives},
        )
        if outcome.kind == "missing":
            raise LookupError(f"no job {job_id}: a message for a job that was never stored")
        if outcome.kind in ("retry", "gave_up"):
            self.queue.delay(record["receiptHandle"], outcome.delay_s)
            raise TryAgain(
                f"job {job_id}: {outcome.kind} (message visible in {outcome.delay_s:.0f} s)"
            )
        if outcome.kind == "defer":
            self.queue.send_later(job_id, outcome.delay_s)
