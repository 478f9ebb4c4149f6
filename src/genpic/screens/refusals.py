"""One EMF counter per screen that refused a request (CloudWatch namespace ``genpic``)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

from genpic.errors import ContentFiltered, Screen
from genpic.logs import SERVICE
from genpic.settings import LAMBDA_FUNCTION_NAME

NAMESPACE = "genpic"
METRICS: dict[Screen, str] = {
    "blocklist": "RefusedByBlocklist",
    "guardrail": "RefusedByGuardrail",
    "enhancer": "RefusedByEnhancer",
    "model": "RefusedByModel",
}
#: Images the model made (and billed) that the output guardrail withheld and deleted.
IMAGES_WITHHELD = "ImagesWithheld"


@contextmanager
def counted() -> Iterator[None]:
    """Count a ``ContentFiltered`` leaving the block under its screen, and let it go on."""
    try:
        yield
    except ContentFiltered as refusal:
        _add(METRICS[refusal.screen])
        raise


def count_withheld_image() -> None:
    """Count an image that was made (and billed) but withheld by the output screen."""
    _add(IMAGES_WITHHELD)


def _add(name: str) -> None:
    # Powertools shares one metric set between its Metrics instances, so the Lambda
    # handler's log_metrics publishes this with the rest. Elsewhere nothing would publish
    # (or empty) the set, so nothing is added.
    if not os.environ.get(LAMBDA_FUNCTION_NAME):
        return
    from aws_lambda_powertools import Metrics
    from aws_lambda_powertools.metrics import MetricUnit

    Metrics(namespace=NAMESPACE, service=SERVICE).add_metric(name, MetricUnit.Count, 1)
