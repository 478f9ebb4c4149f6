"""Handlers write structured logs and CloudWatch EMF metrics carrying the request id."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from tests.integration.helpers import invoke
from tests.support.bedrock_double import BedrockDouble
from tests.support.emf import emf_records


def log_record(caplog: pytest.LogCaptureFixture, message: str) -> logging.LogRecord:
    return next(r for r in caplog.records if r.name == "genpic" and r.getMessage() == message)


def test_success_emits_metrics_per_stage_and_logs_the_request_id(
    aws: Any,
    bedrock: BedrockDouble,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="genpic")
    status, _, body = invoke("enhance", {"prompt": "a cat"})
    assert status == 200

    [metrics] = emf_records(capsys)
    definition = metrics["_aws"]["CloudWatchMetrics"][0]
    assert definition["Namespace"] == "genpic"
    assert {m["Name"] for m in definition["Metrics"]} >= {
        "ImagesGenerated",
        "EnhanceLatency",
        "GenerateLatency",
        "StoreLatency",
        "TotalLatency",
        "EnhancementTime",
        "EstimatedCostUSD",
    }
    assert metrics["ImagesGenerated"] == [1.0]
    assert metrics["GenerateLatency"] == [float(body["timings_ms"]["generate"])]
    assert metrics["Model"] == "stability.sd3-5-large-v1:0"

    record = log_record(caplog, "image generated")
    assert record.request_id == body["request_id"]  # type: ignore[attr-defined]
    assert record.key == body["key"]  # type: ignore[attr-defined]


def test_failure_counts_errors_by_code(
    aws: Any,
    bedrock: BedrockDouble,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    status, _, _ = invoke("generate", {"prompt": "", "seed": 1})
    assert status == 400
    [metrics] = emf_records(capsys)
    assert metrics["ErrorCode"] == "ValidationError"
    assert metrics["ClientErrors"] == [1.0]
    record = log_record(caplog, "request refused")
    assert record.levelno == logging.WARNING
    assert record.error == "ValidationError"  # type: ignore[attr-defined]
