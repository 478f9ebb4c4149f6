"""The EMF records the Lambda handlers print: every metric's name, unit, dimensions and value.

CloudWatch files a metric under its name, unit and dimension set; a changed unit or
dimension silently starts a new series and breaks dashboards and alarms.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from tests.integration.helpers import invoke
from tests.support.bedrock_double import BedrockDouble, Fault
from tests.support.emf import Point, emf_records, named, points, printed

LATENCIES = {
    "EnhanceLatency": "enhance",
    "TranslateLatency": "translate",
    "GenerateLatency": "generate",
    "StoreLatency": "store",
    "TotalLatency": "total",
}
IMAGE_DIMENSIONS = (("Entry", "enhance"), ("Model", "stability.sd3-5-large-v1:0"))


def units(found: list[Point]) -> dict[str, str]:
    return {point.name: point.unit for point in found}


def test_an_enhanced_image_records_each_stage_and_the_cost_under_its_entry(
    aws: Any, bedrock: BedrockDouble, capsys: pytest.CaptureFixture[str]
) -> None:
    status, _, body = invoke("enhance", {"prompt": "a cat", "seed": 3})
    assert status == 200, body
    [record] = emf_records(capsys)
    assert record["_aws"]["CloudWatchMetrics"][0]["Dimensions"] == [["Entry", "Model", "service"]]
    found = points([record])
    assert units(found) == {
        "ImagesGenerated": "Count",
        **{name: "Milliseconds" for name in LATENCIES},
        "EnhancementTime": "Milliseconds",
        "EstimatedCostUSD": "None",
    }
    assert {p.dimensions for p in found} == {(*IMAGE_DIMENSIONS, ("service", "genpic"))}
    values = {p.name: p.values for p in found}
    assert values["ImagesGenerated"] == (1.0,)
    for name, stage in LATENCIES.items():
        assert values[name] == (float(body["timings_ms"][stage]),), name
    assert values["EnhancementTime"] == (float(body["timings_ms"]["enhance"]),)
    assert values["EstimatedCostUSD"] == (body["cost_usd"],)
    assert body["cost_usd"] > 0.08


def test_an_enhancer_fallback_is_counted_and_not_timed_as_an_enhancement(
    aws: Any, bedrock: BedrockDouble, capsys: pytest.CaptureFixture[str]
) -> None:
    bedrock.inject(Fault("AccessDeniedException", operation="Converse"))
    status, _, body = invoke("enhance", {"prompt": "a cat"})
    assert (status, body["enhancement"]["status"]) == (200, "fallback")
    found = units(printed(capsys))
    assert found["EnhancementFallbacks"] == "Count"
    assert "EnhancementTime" not in found


def test_a_plain_generation_records_no_enhancement_metric(
    aws: Any, bedrock: BedrockDouble, capsys: pytest.CaptureFixture[str]
) -> None:
    status, _, _ = invoke("generate", {"prompt": "a cat"})
    assert status == 200
    found = printed(capsys)
    assert {p.dimension("Entry") for p in found} == {"generate"}
    assert "EnhancementTime" not in units(found)
    assert "EnhancementFallbacks" not in units(found)


def test_a_5xx_is_one_server_error_under_its_entry_and_code_and_nothing_else(
    aws: Any,
    bedrock: BedrockDouble,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("GENPIC_MODEL_ATTEMPTS", "1")
    bedrock.inject(Fault("AccessDeniedException", operation="InvokeModel"))
    status, _, body = invoke("generate", {"prompt": "a cat"})
    assert (status, body["error"]) == (502, "ModelUnavailable")
    [point] = printed(capsys)
    assert (point.name, point.unit, point.values) == ("ServerErrors", "Count", (1.0,))
    assert point.dimensions == (
        ("Entry", "generate"),
        ("ErrorCode", "ModelUnavailable"),
        ("service", "genpic"),
    )


@pytest.mark.parametrize(
    ("payload", "fault", "code"),
    [
        ({"prompt": ""}, None, "ValidationError"),
        ({"prompt": "a cat"}, Fault("ThrottlingException", operation="InvokeModel"), "Throttled"),
    ],
)
def test_a_4xx_is_a_client_error_and_never_a_server_error(
    aws: Any,
    bedrock: BedrockDouble,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    payload: dict[str, Any],
    fault: Fault | None,
    code: str,
) -> None:
    monkeypatch.setenv("GENPIC_MODEL_ATTEMPTS", "1")
    if fault:
        bedrock.inject(fault)
    status, _, body = invoke("enhance", payload)
    assert 400 <= status < 500 and body["error"] == code
    [point] = printed(capsys)
    assert (point.name, point.dimension("ErrorCode"), point.dimension("Entry")) == (
        "ClientErrors",
        code,
        "enhance",
    )


def test_a_model_refusal_is_counted_as_content_filtered_by_the_model_screen(
    aws: Any, bedrock: BedrockDouble, capsys: pytest.CaptureFixture[str]
) -> None:
    bedrock.set_filter("Filter reason: prompt")
    status, _, body = invoke("generate", {"prompt": "something"})
    assert (status, body["error"]) == (422, "ContentFiltered")
    found = printed(capsys)
    assert [p.name for p in found] == ["ClientErrors", "ContentFiltered"]
    [filtered] = named(found, "ContentFiltered")
    assert filtered.dimensions == (
        ("Entry", "generate"),
        ("Screen", "model"),
        ("service", "genpic"),
    )
    assert not named(found, "ServerErrors")


def test_a_partly_failed_request_counts_its_images_and_its_failed_variant(
    aws: Any,
    bedrock: BedrockDouble,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("GENPIC_MODEL_ATTEMPTS", "1")
    bedrock.inject(Fault("AccessDeniedException", operation="InvokeModel"))
    status, _, body = invoke("generate", {"prompt": "a cat", "n": 3})
    assert status == 200
    assert [v.get("error") for v in body["variants"]].count("ModelUnavailable") == 1
    found = printed(capsys)
    assert sum(p.values[0] for p in named(found, "ImagesGenerated")) == 2
    [error] = named(found, "ServerErrors")
    assert error.dimension("ErrorCode") == "ModelUnavailable"


def test_concurrent_requests_each_print_their_own_record(
    aws: Any, bedrock: BedrockDouble, capsys: pytest.CaptureFixture[str]
) -> None:
    payloads = [("generate", {"prompt": f"a cat {i}"}) for i in range(4)]
    payloads += [("enhance", {"prompt": f"a dog {i}"}) for i in range(4)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = [s for s, _, _ in pool.map(lambda p: invoke(*p), payloads)]
    assert statuses == [200] * 8
    images = named(printed(capsys), "ImagesGenerated")
    assert sorted(p.dimension("Entry") for p in images) == ["enhance"] * 4 + ["generate"] * 4
    assert all(p.values == (1.0,) for p in images)


def test_metrics_are_printed_on_lambda_or_when_asked_and_never_into_a_local_callers_output(
    aws: Any,
    bedrock: BedrockDouble,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("GENPIC_METRICS", "off")
    assert invoke("generate", {"prompt": "a cat"})[0] == 200
    assert emf_records(capsys) == []
    monkeypatch.delenv("GENPIC_METRICS")
    monkeypatch.delenv("AWS_LAMBDA_FUNCTION_NAME")
    assert invoke("generate", {"prompt": "a cat"})[0] == 200
    assert emf_records(capsys) == []
    monkeypatch.setenv("GENPIC_METRICS", "emf")
    assert invoke("generate", {"prompt": "a cat"})[0] == 200
    assert len(named(printed(capsys), "ImagesGenerated")) == 1
