"""The jobs feature as entry points see it: validate and submit jobs and batches, read them back.

``Jobs`` puts together the store (``GENPIC_RECORDS``), where new jobs go to run
(the SQS queue when ``GENPIC_QUEUE_URL`` is set, else the embedded pool) and the
runner. Submission checks everything checkable first (the request fields, the
webhook URL), so bad input is a 400 at once, never a job that fails later.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Protocol

from genpic import variants
from genpic.editing import IMAGE_FIELDS, screened_texts
from genpic.errors import ConfigurationError, ContentFiltered, GenpicError, ValidationError
from genpic.jobs import webhooks
from genpic.jobs.base import Batch, Job, JobStore, new_job_id, queued_job
from genpic.jobs.delivery import Deliveries
from genpic.jobs.pacing import LocalPacer, Pacer, StorePacer, Unpaced
from genpic.jobs.runner import ENHANCE_DEFAULT, Runner
from genpic.request import field_path, within
from genpic.settings import LAMBDA_FUNCTION_NAME, QUEUE_URL, RECORDS, Settings

if TYPE_CHECKING:
    from genpic.jobs.pool import JobPool
    from genpic.pipeline import Pipeline

MAX_BATCH = 100
#: Seconds a claim outlives the longest pipeline run before the job is presumed abandoned.
LEASE_MARGIN_S = 30.0
#: The SQS worker hands a job back rather than sleep longer than this for a slot.
QUEUE_MAX_WAIT_S = 5.0
#: The embedded pool's threads may sleep longer: nothing bills them.
POOL_MAX_WAIT_S = 60.0
#: The embedded pool's threads: jobs in flight at once.
POOL_WORKERS = 4
#: The first retry's delay after a transient failure; each further one doubles it.
BACKOFF_S = 2.0


class Dispatcher(Protocol):
    """Where new jobs go to run: the embedded pool or the SQS queue."""

    def dispatch(self, job_ids: Sequence[str]) -> None:
        """Hand these new jobs over to be run."""
        ...


def create_store(settings: Settings) -> JobStore:
    """Return the job store next to the records (``GENPIC_RECORDS``)."""
    if settings.records == "dynamodb":
        from genpic.jobs.dynamodb import DynamoJobs

        return DynamoJobs(settings)
    if settings.records == "sqlite":
        from genpic.jobs.sqlite import SqliteJobs

        return SqliteJobs(settings)
    raise ConfigurationError(
        f"{RECORDS}={settings.records!r} is not supported; use dynamodb or sqlite."
    )


def create_runner(
    settings: Settings, pipeline: Pipeline, store: JobStore, *, queued: bool
) -> Runner:
    """Return the runner of this deployment: ``queued`` for the SQS worker, else the pool's."""
    pacer: Pacer = Unpaced()
    if settings.model_rps:
        # On AWS many workers share one quota, so the schedule lives in the store.
        pacer = StorePacer(store, settings.model_rps) if queued else LocalPacer(settings.model_rps)
    return Runner(
        store,
        pipeline,
        pacer,
        lease_s=settings.request_timeout_s + LEASE_MARGIN_S,
        max_attempts=settings.job_max_receives,
        max_wait_s=QUEUE_MAX_WAIT_S if queued else POOL_MAX_WAIT_S,
        backoff_s=BACKOFF_S,
        deliveries=Deliveries(store, settings),
    )


class Jobs:
    """Submit and read jobs and batches.

    Parameters
    ----------
    pipeline
        Validates requests (the allowed models) and, in the embedded pool, runs them.
    store
        Where jobs live; by default ``create_store(pipeline.settings)``.
    dispatcher
        Where new jobs go; by default the SQS queue when ``GENPIC_QUEUE_URL`` is set,
        else an embedded ``JobPool`` (``pool``), which the caller starts and stops.
    """

    def __init__(
        self,
        pipeline: Pipeline,
        store: JobStore | None = None,
        dispatcher: Dispatcher | None = None,
    ) -> None:
        settings = pipeline.settings
        self.pipeline = pipeline
        self.store = store or create_store(settings)
        self.pool: JobPool | None = None
        if dispatcher is None:
            if settings.queue_url:
                from genpic.jobs.queue import JobsQueue

                dispatcher = JobsQueue(settings)
            else:
                from genpic.jobs.pool import JobPool

                runner = create_runner(settings, pipeline, self.store, queued=False)
                dispatcher = self.pool = JobPool(runner, workers=POOL_WORKERS)
        self.dispatcher = dispatcher

    def submit(self, payload: Any, client: str | None = None) -> Job:
        """Validate ``payload`` (request fields plus ``webhook_url``), store and dispatch a job.

        With a ``client``, its images are charged to that client's limits when queued.

        Raises
        ------
        ValidationError
            A field is wrong (named in ``field``), as ``POST /generate`` would say.
        RateLimited
            The job asks for more images than the client has left.
        """
        job, images = self._new_job(payload, None)
        self._start([job], None, client, images, "This job")
        return job

    def submit_batch(self, payload: Any, client: str | None = None) -> tuple[Batch, list[Job]]:
        """Validate ``{"requests": [...]}`` (1 to 100) and submit one job per request.

        With a ``client``, every image of the batch is charged at once: a batch larger
        than what the client has left is refused whole (``RateLimited``).
        """
        requests = payload.get("requests") if isinstance(payload, Mapping) else None
        if not isinstance(requests, list) or not 1 <= len(requests) <= MAX_BATCH:
            raise ValidationError(
                f"requests must be a list of 1 to {MAX_BATCH} requests, "
                'e.g. {"requests": [{"prompt": "a cat"}]}.',
                field="requests",
            )
        extra = sorted(set(payload) - {"requests"})
        if extra:
            raise ValidationError(
                f"unknown field {extra[0]!r}; send only requests.", field=extra[0]
            )
        batch_id = new_job_id()
        jobs = []
        images = 0
        for i, request in enumerate(requests):
            try:
                job, wanted = self._new_job(request, batch_id)
            except ValidationError as exc:
                raise within(exc, field_path("requests", i)) from None
            except ContentFiltered as exc:
                raise ContentFiltered(
                    f"requests[{i}]: {exc.message}",
                    screen=exc.screen,
                    field=f"requests[{i}].prompt",
                ) from None
            jobs.append(job)
            images += wanted
        batch = Batch(batch_id, tuple(job.job_id for job in jobs), self.store.clock())
        self._start(jobs, batch, client, images, f"This batch of {len(jobs)} jobs")
        return batch, jobs

    def _new_job(self, payload: Any, batch_id: str | None) -> tuple[Job, int]:
        """Return a new job for ``payload`` and the number of images it asks for."""
        settings = self.pipeline.settings
        if not isinstance(payload, Mapping):
            raise ValidationError(
                'A job is a JSON object such as {"prompt": "a cat"}.', field="body"
            )
        fields = dict(payload)
        webhook_url = fields.pop("webhook_url", None)
        if webhook_url is not None:
            if not isinstance(webhook_url, str):
                raise ValidationError("webhook_url must be an http(s) URL.", field="webhook_url")
            webhooks.check_url(webhook_url, allow_private=settings.webhook_allow_private)
        for name in ("init_image", *IMAGE_FIELDS):
            if fields.get(name) is not None:
                # A job's request is stored (a DynamoDB item holds 400 KB): images by reference.
                raise ValidationError(
                    "jobs take images by reference: upload with POST /uploads and send "
                    f"{name}_s3 instead of {name}.",
                    field=name,
                )
        request = self.pipeline.parse(fields, enhance_default=ENHANCE_DEFAULT)
        # A prompt the blocklist refuses is refused now, never a job that fails later; the
        # guardrail (a paid call) screens when the job runs.
        for field, text in screened_texts(request).items():
            self.pipeline.screens.check_blocklist(text, field=field)
        job = queued_job(fields, self.store.clock(), webhook_url=webhook_url, batch_id=batch_id)
        return job, len(variants.expand(request))

    def _start(
        self, jobs: list[Job], batch: Batch | None, client: str | None, images: int, what: str
    ) -> None:
        if self.pool is not None and os.environ.get(LAMBDA_FUNCTION_NAME):
            # A thread in a Lambda function freezes between invocations: jobs would stall.
            raise ConfigurationError(f"Jobs on Lambda need the SQS queue: set {QUEUE_URL}.")
        limiter = self.pipeline.limiter
        grant = limiter.take(client, images, what=what) if client is not None else None
        try:
            self.store.create(jobs, batch)
        except BaseException:
            if grant is not None:
                limiter.give_back(grant, images)
            raise
        try:
            self.dispatcher.dispatch([job.job_id for job in jobs])
        except GenpicError as exc:
            # Jobs no queue will ever run must not sit "queued" forever: fail them, say why.
            for job in jobs:
                self.store.finish(job.job_id, None, error=exc.to_body(job.job_id))
            if grant is not None:
                limiter.give_back(grant, images)
            raise
