"""Webhook deliveries on threads of their own, so a slow receiver never holds a generation worker.

A worker that finishes a job hands it to ``Deliveries.submit`` and takes its next
job at once. Delivery threads POST the job body (``genpic.jobs.webhooks.deliver``,
at most ``webhooks.BUDGET_S`` each) and record the outcome on the job. The
threads start with the first delivery and are daemons: the embedded pool's
stop, and the SQS worker at the end of each event, wait for what is in flight
with ``drain``.
"""

from __future__ import annotations

import queue
import threading
from typing import TYPE_CHECKING, Any

from genpic.errors import GenpicError
from genpic.jobs import webhooks
from genpic.jobs.signing_key import signing_key
from genpic.logs import logger
from genpic.storage.links import image_path, point_local_images

if TYPE_CHECKING:
    from genpic.jobs.base import Job, JobStore
    from genpic.settings import Settings

#: Deliveries in flight at once; more wait their turn.
DELIVERY_WORKERS = 8


class Deliveries:
    """A queue of finished jobs whose webhooks are due, and the threads that send them.

    Parameters
    ----------
    store
        Where each delivery's outcome is recorded (``JobStore.set_webhook``).
    settings
        The webhook key (``genpic.jobs.signing_key``) and whether private addresses are allowed.
    workers
        Delivery threads.
    """

    def __init__(
        self, store: JobStore, settings: Settings, *, workers: int = DELIVERY_WORKERS
    ) -> None:
        self.store = store
        self.settings = settings
        self.workers = workers
        self._due: queue.SimpleQueue[Job] = queue.SimpleQueue()
        self._pending = 0
        self._idle = threading.Condition()
        self._threads: list[threading.Thread] = []

    def submit(self, job: Job) -> None:
        """Deliver the finished ``job``'s webhook soon; return at once."""
        with self._idle:
            self._pending += 1
            if not self._threads:
                self._threads = [
                    threading.Thread(target=self._work, name=f"genpic-webhook-{i}", daemon=True)
                    for i in range(self.workers)
                ]
                for thread in self._threads:
                    thread.start()
        self._due.put(job)

    def drain(self, timeout_s: float) -> bool:
        """Wait up to ``timeout_s`` for every submitted delivery to end; tell whether they did."""
        with self._idle:
            return self._idle.wait_for(lambda: self._pending == 0, timeout_s)

    def deliver(self, job: Job) -> None:
        """POST ``job``'s body to its webhook now, and record how that went."""
        assert job.webhook_url is not None
        try:
            secret = signing_key(self.settings)
        except GenpicError as error:
            # Never sent unsigned when a key is configured: a receiver would reject it.
            logger.error("webhook signing key unavailable", extra={"error": error.code})
            outcome: dict[str, Any] = {"status": "failed", "attempts": 0, "reason": error.message}
        else:
            outcome = webhooks.deliver(
                job.webhook_url,
                self.public_body(job),
                secret=secret,
                allow_private=self.settings.webhook_allow_private,
            )
        self.store.set_webhook(job.job_id, outcome)

    def public_body(self, job: Job) -> dict[str, Any]:
        """Return the body a webhook carries: the job's, with local images as links.

        A locally stored image is linked as ``GENPIC_PUBLIC_URL`` + ``/images/<key>`` when
        that is set, else as the path ``/images/<key>`` on the server the job was
        submitted to; never as its ``file:`` path.
        """
        body = job.to_body()
        if "result" in body:
            base = self.settings.public_url or ""
            point_local_images(body["result"], lambda key: base + image_path(key))
        return body

    def _work(self) -> None:
        while True:
            job = self._due.get()
            try:
                self.deliver(job)
            except Exception:
                # The store failed to record the outcome: the job itself is finished and kept.
                logger.exception("webhook outcome not recorded", extra={"job_id": job.job_id})
            finally:
                with self._idle:
                    self._pending -= 1
                    self._idle.notify_all()
