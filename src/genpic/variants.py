"""Variants: one request that asks for several images (``n``, ``styles``), made in parallel.

A request for ``n`` images becomes ``n`` single-image requests with distinct seeds;
a request with ``styles`` becomes one request per style, all with the same seed.
Each runs through ``Pipeline.run`` on its own thread; a variant that fails does
not fail the others, and the whole request fails only when every variant does.
The Lambda handlers, the HTTP routes and the OpenAI-compatible route all call
``generate`` here, so they share the rule.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from genpic.catalog import MAX_SEED, image_model
from genpic.errors import GenpicError, as_public_error
from genpic.logs import logger
from genpic.telemetry import record_outcomes

if TYPE_CHECKING:
    from genpic.limits.limiter import Allowance
    from genpic.pipeline import GenerationResult, Pipeline
    from genpic.request import GenerationRequest


@dataclass(frozen=True)
class Variants:
    """The outcome of every image one request asked for, in request order.

    Attributes
    ----------
    outcomes
        One ``GenerationResult`` or public ``GenpicError`` per image.
    primary
        Index of the outcome whose body heads the response.
    request_id
        The request's id, repeated in every body.
    """

    outcomes: tuple[GenerationResult | GenpicError, ...]
    primary: int
    request_id: str

    @property
    def results(self) -> list[GenerationResult]:
        """The images that were made, in request order."""
        return [o for o in self.outcomes if not isinstance(o, GenpicError)]

    def to_body(self) -> dict[str, Any]:
        """Return the success body; with several images, the primary's plus ``variants``."""
        head = self.outcomes[self.primary]
        assert not isinstance(head, GenpicError)  # generate() guarantees a successful primary
        body = head.to_body()
        if len(self.outcomes) > 1:
            body["variants"] = [self._body(o) for o in self.outcomes]
        return body

    def _body(self, outcome: GenerationResult | GenpicError) -> dict[str, Any]:
        if isinstance(outcome, GenpicError):
            return outcome.to_body(self.request_id)
        return outcome.to_body()


def generate(
    pipeline: Pipeline,
    request: GenerationRequest,
    request_id: str,
    client: str | None = None,
    *,
    entry: str,
) -> Variants:
    """Make every image ``request`` asks for (in its A/B arm); raise the first error if all fail.

    With a ``client`` (``genpic.limits.identity``), its images are charged to that
    client's limits, all at once, before the first paid call. ``entry`` names the path
    the request came in by, for its metrics (``genpic.telemetry``).
    """
    if pipeline.experiment is not None:
        request = pipeline.experiment.assign(request)
    singles = expand(request)
    allowance = pipeline.limiter.allowance(client, len(singles))
    outcomes = run_all(pipeline, singles, request_id, allowance, entry=entry)
    raise_if_all_failed(outcomes)
    succeeded = [i for i, o in enumerate(outcomes) if not isinstance(o, GenpicError)]
    wanted = _wanted_index(request)
    primary = wanted if wanted in succeeded else succeeded[0]
    return Variants(outcomes=tuple(outcomes), primary=primary, request_id=request_id)


def expand(request: GenerationRequest) -> list[GenerationRequest]:
    """Return one single-image request per image ``request`` asks for."""
    one = {"n": 1, "styles": None}
    if request.styles:
        # Styles differ only in their enhancement, so they share one seed.
        seed = request.seed if len(request.styles) == 1 else (request.seed or random_seed(request))
        return [
            request.model_copy(update={**one, "enhancement_style": style, "seed": seed})
            for style in request.styles
        ]
    seeds = distinct_seeds(request) if request.n > 1 else [request.seed]
    return [request.model_copy(update={**one, "seed": seed}) for seed in seeds]


def run_all(
    pipeline: Pipeline,
    requests: Sequence[GenerationRequest],
    request_id: str,
    allowance: Allowance | None = None,
    *,
    entry: str,
) -> list[GenerationResult | GenpicError]:
    """Run single-image ``requests`` in parallel; each outcome is a result or a public error.

    A lone request is run in the caller's thread and its error raised as it is.
    ``allowance`` is what the client may spend on them all (None: not limited). The
    images made and the variants that failed are counted under ``entry``.
    """
    if len(requests) == 1:
        # One image: its error is the request's, raised with its own traceback.
        outcomes: list[GenerationResult | GenpicError] = [
            pipeline.run(requests[0], request_id, allowance)
        ]
    else:
        # Imported here: a single-image cold start should not pay for the thread pool.
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(max_workers=len(requests), thread_name_prefix="variant") as pool:
            outcomes = list(
                pool.map(lambda r: _run_one(pipeline, r, request_id, allowance), requests)
            )
    record_outcomes(entry, outcomes)
    return outcomes


def raise_if_all_failed(outcomes: Sequence[GenerationResult | GenpicError]) -> None:
    """Raise the first error when no outcome succeeded: the request then fails as a whole."""
    failed = [o for o in outcomes if isinstance(o, GenpicError)]
    if len(failed) == len(outcomes):
        raise failed[0]


def random_seed(request: GenerationRequest) -> int:
    """Return a random non-zero seed in the range ``request.model`` accepts."""
    import secrets

    return secrets.randbelow(_max_seed(request)) + 1


def distinct_seeds(request: GenerationRequest) -> list[int]:
    """Return ``request.n`` distinct seeds, counting up from ``request.seed`` when it is set."""
    top = _max_seed(request)
    start = request.seed or random_seed(request)
    return [(start - 1 + i) % top + 1 for i in range(request.n)]


def _run_one(
    pipeline: Pipeline, request: GenerationRequest, request_id: str, allowance: Allowance | None
) -> GenerationResult | GenpicError:
    try:
        return pipeline.run(request, request_id, allowance)
    except Exception as exc:
        error = as_public_error(exc)
        if error.status >= 500:
            logger.exception("variant failed", extra={"error": error.code})
        return error


def _wanted_index(request: GenerationRequest) -> int:
    styles = request.styles or ()
    return styles.index(request.enhancement_style) if request.enhancement_style in styles else 0


def _max_seed(request: GenerationRequest) -> int:
    model = image_model(request.model)
    return model.max_seed if model else MAX_SEED
