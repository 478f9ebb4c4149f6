"""The embedded worker pool: jobs run in this process's threads (``genpic serve``, the CLI).

Started with the HTTP app (FastAPI lifespan) and stopped with it. At start it
schedules every job the store holds unfinished: ``queued`` ones at once,
``running`` ones (a server stopped mid-run) when their lease ends, when the
claim becomes free; so nothing submitted is lost across a restart. A stop
waits a moment for the jobs in flight and their webhooks; what it leaves
``queued`` or ``running`` is picked up by the next start (a webhook still being
sent when the process exits is not sent again: the job shows no ``webhook``).
"""

from __future__ import annotations

import heapq
import itertools
import threading
import time
from collections.abc import Sequence

from genpic.jobs.runner import Runner
from genpic.logs import logger

#: How long a stop waits for the jobs in flight (those it leaves are resumed at the next start).
STOP_TIMEOUT_S = 5.0


class JobPool:
    """Threads that run due jobs from a schedule of ``(when, job_id)``.

    Parameters
    ----------
    runner
        Runs one job (claim, pace, generate, record, queue its webhook).
    workers
        Threads, i.e. jobs in flight at once.
    """

    def __init__(self, runner: Runner, *, workers: int = 4) -> None:
        self.runner = runner
        self.workers = workers
        self._due: list[tuple[float, int, str]] = []
        self._order = itertools.count()
        self._wake = threading.Condition()
        self._threads: list[threading.Thread] = []
        self._stopping = False

    @property
    def running(self) -> bool:
        """Whether the pool's threads are started."""
        return bool(self._threads)

    def start(self) -> None:
        """Schedule the store's unfinished jobs and start the threads."""
        if self._threads:
            return
        self._stopping = False
        now = time.time()
        for job in self.runner.store.unfinished():
            self.schedule(job.job_id, max(job.lease_until - now, 0.0))
        self._threads = [
            threading.Thread(target=self._work, name=f"genpic-job-{i}", daemon=True)
            for i in range(self.workers)
        ]
        for thread in self._threads:
            thread.start()

    def stop(self, timeout_s: float | None = None) -> None:
        """Stop taking jobs; wait up to ``timeout_s`` (``STOP_TIMEOUT_S``) for those in flight."""
        with self._wake:
            self._stopping = True
            self._due.clear()
            self._wake.notify_all()
        end = time.monotonic() + (STOP_TIMEOUT_S if timeout_s is None else timeout_s)
        for thread in self._threads:
            thread.join(max(end - time.monotonic(), 0.0))
        self._threads = []
        self.runner.deliveries.drain(max(end - time.monotonic(), 0.0))

    def dispatch(self, job_ids: Sequence[str]) -> None:
        """Run these new jobs as soon as a thread is free."""
        for job_id in job_ids:
            self.schedule(job_id, 0.0)

    def schedule(self, job_id: str, delay_s: float) -> None:
        """Run ``job_id`` in ``delay_s`` seconds."""
        with self._wake:
            heapq.heappush(self._due, (time.monotonic() + delay_s, next(self._order), job_id))
            self._wake.notify()

    def _next(self) -> str | None:
        with self._wake:
            while not self._stopping:
                if self._due and self._due[0][0] <= time.monotonic():
                    return heapq.heappop(self._due)[2]
                timeout = self._due[0][0] - time.monotonic() if self._due else None
                self._wake.wait(timeout)
            return None

    def _work(self) -> None:
        while (job_id := self._next()) is not None:
            try:
                outcome = self.runner.run(job_id)
            except Exception:
                # The store itself failed: the job stays as it was; try it again shortly.
                logger.exception("job run failed", extra={"job_id": job_id})
                self.schedule(job_id, 5.0)
                continue
            if outcome.kind in ("retry", "defer", "held"):
                self.schedule(job_id, outcome.delay_s)
