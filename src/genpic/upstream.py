"""The catalog against what Bedrock says of its models: where their lifecycles disagree.

``ListFoundationModels`` returns one summary per model the region offers, each with
``modelLifecycle`` (``status`` ACTIVE | LEGACY, and for a legacy model its
``endOfLifeTime``); a model past its end of life is no longer listed
(https://docs.aws.amazon.com/bedrock/latest/APIReference/API_ListFoundationModels.html,
https://docs.aws.amazon.com/bedrock/latest/APIReference/API_FoundationModelLifecycle.html).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from genpic.catalog import (
    IMAGE_MODELS,
    RETIRED_MODELS,
    TEXT_MODELS,
    Lifecycle,
    base_model_id,
    today,
)


@dataclass(frozen=True)
class Upstream:
    """What Bedrock says of one model: its lifecycle status and end of life, if listed."""

    status: str
    end_of_life: date | None = None


def upstream_models(summaries: Iterable[Mapping[str, Any]]) -> dict[str, Upstream]:
    """Read ``ListFoundationModels``' ``modelSummaries`` into model id -> ``Upstream``."""
    found = {}
    for summary in summaries:
        lifecycle = summary.get("modelLifecycle") or {}
        found[summary["modelId"]] = Upstream(
            str(lifecycle.get("status", "ACTIVE")), _day(lifecycle.get("endOfLifeTime"))
        )
    return found


def disagreement(
    lifecycle: Lifecycle, upstream: Upstream | None, day: date | None = None
) -> str | None:
    """Say how the catalog's ``lifecycle`` and Bedrock's ``upstream`` differ, or None."""
    status = lifecycle.on(day or today())
    if upstream is None:
        return None if status == "retired" else "not offered in this region"
    if status == "retired":
        return f"retired in the catalog, but Bedrock still lists it as {upstream.status}"
    if upstream.status == "LEGACY" and status == "active":
        return f"LEGACY upstream{_until(upstream.end_of_life)}, active in the catalog"
    if upstream.status == "ACTIVE" and status == "legacy":
        return "legacy in the catalog, ACTIVE upstream"
    if status == "legacy" and upstream.end_of_life not in (None, lifecycle.end_of_life):
        return f"end of life {lifecycle.end_of_life} in the catalog{_until(upstream.end_of_life)}"
    return None


def disagreements(
    summaries: Iterable[Mapping[str, Any]], day: date | None = None
) -> dict[str, str]:
    """Return catalog model id -> how Bedrock disagrees, for every model where it does."""
    listed = upstream_models(summaries)
    catalog: dict[str, Lifecycle] = {m.model_id: m.lifecycle for m in IMAGE_MODELS.values()}
    catalog.update({m.model_id: m.lifecycle for m in TEXT_MODELS.values()})
    catalog.update({m.model_id: m.lifecycle for m in RETIRED_MODELS.values()})
    found = {}
    for model_id, lifecycle in catalog.items():
        problem = disagreement(lifecycle, listed.get(base_model_id(model_id)), day)
        if problem:
            found[model_id] = problem
    return found


def _until(end_of_life: date | None) -> str:
    return f" (end of life {end_of_life} upstream)" if end_of_life else ""


def _day(value: Any) -> date | None:
    # botocore parses the timestamp into a datetime; the raw JSON has epoch seconds.
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, int | float):
        return datetime.fromtimestamp(value, UTC).date()
    return None
