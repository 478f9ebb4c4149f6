"""CloudWatch metrics in Embedded Metric Format (EMF), through Powertools for AWS Lambda.

Every path that makes an image records the same metrics, with the path as the
``Entry`` dimension: the Lambda handlers (``generate``, ``enhance``), the HTTP
routes (their route template: ``/generate``, ``/compare``, ``/v1/images/edits``, …)
and jobs (``job``, from the SQS worker and the embedded pool alike). Dimension
values come from fixed sets only (entries, model ids, error codes, screens), never
from a request, so the number of series stays small.

Each call prints one EMF record at once. No state is shared between calls, so
concurrent requests and pool threads never mix their dimensions, and nothing
waits for a handler decorator to flush. Records are printed on Lambda, where
CloudWatch reads them from the function's log; elsewhere only with
``GENPIC_METRICS=emf`` (a library or the command line must not print into its
caller's output).

Metrics (namespace ``genpic``; ``service`` is on every record):

=====================================================  ==========================
metric                                                 dimensions
=====================================================  ==========================
ImagesGenerated, EstimatedCostUSD, *Latency, …         Entry, Model
ServerErrors (5xx: pages), ClientErrors (4xx)          Entry, ErrorCode
ContentFiltered (a screen or the model refused)        Entry, Screen
RateLimited (a client over genpic's own limits)        Entry
ImagesWithheld (made, billed, refused by the screen)   (service only)
Jobs* (what became of each job message)                (service only)
=====================================================  ==========================
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.metrics.provider.cloudwatch_emf.cloudwatch import (
    AmazonCloudWatchEMFProvider,
)

from genpic.errors import ContentFiltered, GenpicError, RateLimited
from genpic.logs import SERVICE
from genpic.settings import LAMBDA_FUNCTION_NAME, METRICS

if TYPE_CHECKING:
    from genpic.pipeline import GenerationResult

NAMESPACE = "genpic"
#: The entry of jobs, whichever worker runs them.
JOB_ENTRY = "job"

STAGE_METRICS = {
    "enhance": "EnhanceLatency",
    "translate": "TranslateLatency",
    "generate": "GenerateLatency",
    "store": "StoreLatency",
    "total": "TotalLatency",
}

Values = Mapping[str, tuple[MetricUnit, float]]


def enabled() -> bool:
    """Whether records are printed: ``GENPIC_METRICS`` (emf | off), by default on Lambda only."""
    choice = os.environ.get(METRICS, "").strip().lower()
    if choice in ("emf", "off"):
        return choice == "emf"
    return bool(os.environ.get(LAMBDA_FUNCTION_NAME))


def emit(dimensions: Mapping[str, str], values: Values) -> None:
    """Print one EMF record of ``values`` (name → unit, value) under ``dimensions``."""
    if not enabled():
        return
    record = AmazonCloudWatchEMFProvider(namespace=NAMESPACE, service=SERVICE)
    for name, value in dimensions.items():
        record.add_dimension(name, value)
    for name, (unit, number) in values.items():
        record.add_metric(name, unit, number)
    record.flush_metrics()


def record_image(entry: str, result: GenerationResult) -> None:
    """Count one image made through ``entry``: each stage's latency and what it cost."""
    timings = result.timings_ms
    values: dict[str, tuple[MetricUnit, float]] = {"ImagesGenerated": (MetricUnit.Count, 1)}
    for stage, name in STAGE_METRICS.items():
        values[name] = (MetricUnit.Milliseconds, timings[stage])
    if result.enhancement.status == "applied":
        values["EnhancementTime"] = (MetricUnit.Milliseconds, timings["enhance"])
    if result.enhancement.status == "fallback":
        values["EnhancementFallbacks"] = (MetricUnit.Count, 1)
    # Skipped and unavailable translations cost nothing; TranslateLatency covers detection.
    translated = result.translation.status if result.translation else "off"
    if translated == "applied":
        values["PromptsTranslated"] = (MetricUnit.Count, 1)
        values["TranslationTime"] = (MetricUnit.Milliseconds, timings["translate"])
    if translated == "fallback":
        values["TranslationFallbacks"] = (MetricUnit.Count, 1)
    values["EstimatedCostUSD"] = (MetricUnit.NoUnit, result.cost_usd)
    emit({"Entry": entry, "Model": result.request.model}, values)


def record_error(entry: str, error: GenpicError) -> None:
    """Count one failure answered through ``entry``: 5xx and 4xx apart, refusals by kind.

    Only ``ServerErrors`` pages the operator: a 4xx is the caller's to fix.
    """
    name = "ServerErrors" if error.status >= 500 else "ClientErrors"
    emit({"Entry": entry, "ErrorCode": error.code}, {name: (MetricUnit.Count, 1)})
    if isinstance(error, ContentFiltered):
        emit({"Entry": entry, "Screen": error.screen}, {"ContentFiltered": (MetricUnit.Count, 1)})
    elif isinstance(error, RateLimited):
        emit({"Entry": entry}, {"RateLimited": (MetricUnit.Count, 1)})


def record_outcomes(entry: str, outcomes: Sequence[GenerationResult | GenpicError]) -> None:
    """Count the images of one request and the failures of the variants that failed.

    When none succeeded the request itself fails with the first error, which its
    entry counts as the request's answer; the variants' errors are not counted twice.
    """
    made = [o for o in outcomes if not isinstance(o, GenpicError)]
    for result in made:
        record_image(entry, result)
    if made:
        for error in outcomes:
            if isinstance(error, GenpicError):
                record_error(entry, error)


def record_withheld_image() -> None:
    """Count an image the model made (and billed) that the output screen withheld."""
    emit({}, {"ImagesWithheld": (MetricUnit.Count, 1)})


# What became of each job message (genpic.jobs.runner.Outcome kinds), one counter each.
_JOB_METRICS = {
    "retry": "JobsRetried",
    "defer": "JobsDeferred",
    "held": "JobsDuplicateMessages",
    "duplicate": "JobsDuplicateMessages",
    "gave_up": "JobsFailed",
    "missing": "JobsPoisonMessages",
}


def record_job(kind: str, status: str | None) -> None:
    """Count one job message's outcome (``kind``; ``status`` of the job when it finished)."""
    if kind == "done":
        name = "JobsSucceeded" if status == "succeeded" else "JobsFailed"
    else:
        name = _JOB_METRICS[kind]
    emit({}, {name: (MetricUnit.Count, 1)})
