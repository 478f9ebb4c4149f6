"""One time budget per request, which every upstream call draws its timeout from.

API Gateway gives up on a request after 29 s (REST API) or 30 s (HTTP API). A
request may read an init image from S3, call a text model (enhancement or
translation), call the image model and store the image, and any of them may be
slow or retried. Static per-call timeouts add up past the limit, so instead each
stage gets::

    timeout = min(its cap, time left - time held back for the stages after it)

Held back (shares of ``GENPIC_REQUEST_TIMEOUT``, 28 s by default)::

    stage   cap                         held back for later stages (at 28 s)
    input   5 s                         text + model + store = 65 % (18.2 s)
    text    GENPIC_ENHANCE_TIMEOUT (6)  model + store        = 50 % (14 s)
    model   GENPIC_MODEL_TIMEOUT (20)   store                = 15 % (4.2 s)
    store   10 s, half of what is left  nothing; a first write never under 7.5 % (2.1 s)

so a slow init image or enhancer cannot starve the model, and a slow model cannot
leave a paid image without the time to store it. A retry is made only when one
more attempt, with its back-off, still fits (``Deadline.may_retry``).

``Pipeline.run`` opens the deadline in a context variable; backends find it
through ``genpic.awssdk.clients``. Work handed to another thread sees it only when
run in a copy of the context (``contextvars.copy_context().run``).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Literal, get_args

from genpic.errors import UpstreamTimeout
from genpic.settings import Settings

Stage = Literal["input", "text", "model", "store"]
STAGES: tuple[Stage, ...] = get_args(Stage)

INPUT_CAP_S = 5.0
STORE_CAP_S = 10.0
#: The share of the budget each stage keeps back from the stages before it.
HELD_BACK: dict[Stage, float] = {"input": 0.0, "text": 0.15, "model": 0.35, "store": 0.15}
#: The store splits its time so that one retry of a failed write always fits.
STORE_ATTEMPTS = 2
#: Shorter than this, a call cannot do useful work; a paid model call is not started.
MIN_ATTEMPT_S = 0.25
#: botocore's standard retry mode waits up to scale x 2**(attempt - 1) before a retry:
#: 1 s after a throttling answer (any answered error, to be safe), 50 ms after a timeout
#: or a dropped connection; up to 5 s more when the service sends x-amz-retry-after.
ANSWERED_BACKOFF_SCALE_S = 1.0
UNANSWERED_BACKOFF_SCALE_S = 0.05
RETRY_AFTER_EXTRA_S = 5.0
_MAX_BACKOFF_S = 20.0

_current: ContextVar[Deadline | None] = ContextVar("genpic_deadline", default=None)


def cap(settings: Settings, stage: Stage) -> float:
    """Return the longest one attempt of ``stage`` may take, whatever the budget."""
    caps: dict[Stage, float] = {
        "input": INPUT_CAP_S,
        "text": settings.enhance_timeout_s,
        "model": settings.model_timeout_s,
        "store": STORE_CAP_S,
    }
    return caps[stage]


def max_backoff(attempts: int, *, answered: bool, retry_after: bool = False) -> float:
    """Return the longest botocore may sleep after ``attempts`` attempts before the next.

    ``answered``: the last attempt got an error answer (not a timeout or a lost
    connection); ``retry_after``: that answer carried ``x-amz-retry-after``.
    """
    scale = ANSWERED_BACKOFF_SCALE_S if answered else UNANSWERED_BACKOFF_SCALE_S
    backoff = min(scale * 2.0 ** (attempts - 1), _MAX_BACKOFF_S)
    return backoff + RETRY_AFTER_EXTRA_S if retry_after else backoff


class Deadline:
    """The time one request has left, shared out between its stages.

    Parameters
    ----------
    budget_s
        Seconds the whole request may take (``GENPIC_REQUEST_TIMEOUT``).
    clock
        Monotonic seconds; replaceable in tests.
    """

    def __init__(self, budget_s: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.budget_s = budget_s
        self._clock = clock
        self._end = clock() + budget_s

    def remaining(self) -> float:
        """Seconds left before the request must have answered."""
        return self._end - self._clock()

    def held_back(self, stage: Stage) -> float:
        """Seconds ``stage`` must leave for the stages after it."""
        later = STAGES[STAGES.index(stage) + 1 :]
        return self.budget_s * sum(HELD_BACK[s] for s in later)

    def available(self, stage: Stage) -> float:
        """Seconds ``stage`` may still spend, attempts and back-off included."""
        return self.remaining() - self.held_back(stage)

    def allot(self, stage: Stage, cap_s: float) -> float:
        """Return the timeout for one attempt of ``stage``, at most ``cap_s``.

        Raises
        ------
        UpstreamTimeout
            Less than ``MIN_ATTEMPT_S`` is left for a stage other than ``store``,
            so it is not started (and a model call is not paid for).
        """
        available = self.available(stage)
        if stage == "store":
            # The image is paid for: its first write gets its share even if the
            # steps before overran, since a late answer beats a lost image.
            floor = self.budget_s * HELD_BACK["store"] / STORE_ATTEMPTS
            return max(min(cap_s, available / STORE_ATTEMPTS), floor, MIN_ATTEMPT_S)
        if available < MIN_ATTEMPT_S:
            raise UpstreamTimeout(
                f"The request used its {self.budget_s:g} s (GENPIC_REQUEST_TIMEOUT) before "
                f"the {stage} step could start. Retry; a smaller init image or "
                "enhance_prompt=false leaves the model more time."
            )
        return min(cap_s, available)

    def may_retry(self, stage: Stage, attempt_s: float, backoff_s: float) -> bool:
        """Tell whether another attempt of ``attempt_s`` after ``backoff_s`` still fits."""
        return backoff_s + attempt_s <= self.available(stage)


def current() -> Deadline | None:
    """Return the running request's deadline, if a request is running in this context."""
    return _current.get()


def allot(stage: Stage, cap_s: float) -> float:
    """Return the running request's timeout for ``stage``; ``cap_s`` outside a request."""
    deadline = _current.get()
    return cap_s if deadline is None else deadline.allot(stage, cap_s)


@contextmanager
def request_deadline(budget_s: float) -> Iterator[Deadline]:
    """Run the enclosed block as one request with ``budget_s`` seconds to answer."""
    deadline = Deadline(budget_s)
    token = _current.set(deadline)
    try:
        yield deadline
    finally:
        _current.reset(token)
