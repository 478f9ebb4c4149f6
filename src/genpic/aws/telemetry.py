"""CloudWatch metrics in Embedded Metric Format, through Powertools for AWS Lambda."""

from __future__ import annotations

from typing import TYPE_CHECKING

from aws_lambda_powertools import Metrics
from aws_lambda_powertools.metrics import MetricUnit

from genpic.logs import SERVICE

if TYPE_CHECKING:
    from genpic.pipeline import GenerationResult

NAMESPACE = "genpic"

metrics = Metrics(namespace=NAMESPACE, service=SERVICE)

_STAGE_METRICS = {
    "enhance": "EnhanceLatency",
    "translate": "TranslateLatency",
    "generate": "GenerateLatency",
    "store": "StoreLatency",
    "total": "TotalLatency",
}


def record_success(result: GenerationResult) -> None:
    """Count the image and record how long each stage took and what it cost."""
    metrics.add_dimension("Model", result.request.model)
    metrics.add_metric("ImagesGenerated", MetricUnit.Count, 1)
    for stage, name in _STAGE_METRICS.items():
        metrics.add_metric(name, MetricUnit.Milliseconds, result.timings_ms[stage])
    if result.enhancement.status == "applied":
        metrics.add_metric("EnhancementTime", MetricUnit.Milliseconds, result.timings_ms["enhance"])
    if result.enhancement.status == "fallback":
        metrics.add_metric("EnhancementFallbacks", MetricUnit.Count, 1)
    # Skipped and unavailable translations cost nothing; TranslateLatency covers detection.
    translated = result.translation.status if result.translation else "off"
    if translated == "applied":
        metrics.add_metric("PromptsTranslated", MetricUnit.Count, 1)
        metrics.add_metric(
            "TranslationTime", MetricUnit.Milliseconds, result.timings_ms["translate"]
        )
    if translated == "fallback":
        metrics.add_metric("TranslationFallbacks", MetricUnit.Count, 1)
    metrics.add_metric("EstimatedCostUSD", MetricUnit.NoUnit, result.cost_usd)


def record_failure(code: str) -> None:
    """Count a failed request under its public error code."""
    metrics.add_dimension("ErrorCode", code)
    metrics.add_metric("Errors", MetricUnit.Count, 1)


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
    metrics.add_metric(name, MetricUnit.Count, 1)
