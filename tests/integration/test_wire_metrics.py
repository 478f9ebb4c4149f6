"""The EMF record each invocation prints: every metric's name, unit, dimensions and value.

CloudWatch files a metric under its name, unit and dimension set; a changed unit or
dimension silently starts a new series and breaks dashboards and alarms.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.integration.helpers import invoke
from tests.integration.test_telemetry import emf_records
from tests.support.bedrock_double import BedrockDouble, Fault

LATENCIES = {
    "EnhanceLatency": "enhance",
    "TranslateLatency": "translate",
    "GenerateLatency": "generate",
    "StoreLatency": "store",
    "TotalLatency": "total",
}


def one_record(capsys: pytest.CaptureFixture[str]) -> tuple[dict[str, Any], dict[str, str]]:
    """Return the single EMF record printed, and its metric units by name."""
    [record] = emf_records(capsys)
    [definition] = record["_aws"]["CloudWatchMetrics"]
    assert definition["Namespace"] == "genpic"
    return record, {m["Name"]: m["Unit"] for m in definition["Metrics"]}


def test_an_enhanced_image_records_each_stage_and_the_cost(
    aws: Any, bedrock: BedrockDouble, capsys: pytest.CaptureFixture[str]
) -> None:
    status, _, body = invoke("enhance", {"prompt": "a cat", "seed": 3})
    assert status == 200, body
    record, units = one_record(capsys)
    assert units == {
        "ImagesGenerated": "Count",
        **{name: "Milliseconds" for name in LATENCIES},
        "EnhancementTime": "Milliseconds",
        "EstimatedCostUSD": "None",
    }
    assert record["_aws"]["CloudWatchMetrics"][0]["Dimensions"] == [["Model", "service"]]
    assert (record["Model"], record["service"]) == ("stability.sd3-5-large-v1:0", "genpic")
    assert record["ImagesGenerated"] == [1.0]
    for name, stage in LATENCIES.items():
        assert record[name] == [float(body["timings_ms"][stage])], name
    assert record["EnhancementTime"] == [float(body["timings_ms"]["enhance"])]
    assert record["EstimatedCostUSD"] == [body["cost_usd"]]
    assert body["cost_usd"] > 0.08


def test_an_enhancer_fallback_is_counted_and_not_timed_as_an_enhancement(
    aws: Any, bedrock: BedrockDouble, capsys: pytest.CaptureFixture[str]
) -> None:
    bedrock.inject(Fault("AccessDeniedException", operation="Converse"))
    status, _, body = invoke("enhance", {"prompt": "a cat"})
    assert (status, body["enhancement"]["status"]) == (200, "fallback")
    record, units = one_record(capsys)
    assert units["EnhancementFallbacks"] == "Count"
    assert record["EnhancementFallbacks"] == [1.0]
    assert "EnhancementTime" not in units


def test_a_plain_generation_records_no_enhancement_metric(
    aws: Any, bedrock: BedrockDouble, capsys: pytest.CaptureFixture[str]
) -> None:
    status, _, _ = invoke("generate", {"prompt": "a cat"})
    assert status == 200
    _, units = one_record(capsys)
    assert "EnhancementTime" not in units
    assert "EnhancementFallbacks" not in units


def test_a_failure_is_one_error_count_under_its_code_and_nothing_else(
    aws: Any,
    bedrock: BedrockDouble,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("GENPIC_MODEL_ATTEMPTS", "1")
    bedrock.inject(Fault("ThrottlingException"))
    status, _, _ = invoke("generate", {"prompt": "a cat"})
    assert status == 429
    record, units = one_record(capsys)
    assert units == {"Errors": "Count"}
    assert record["_aws"]["CloudWatchMetrics"][0]["Dimensions"] == [["ErrorCode", "service"]]
    assert (record["ErrorCode"], record["Errors"]) == ("Throttled", [1.0])
