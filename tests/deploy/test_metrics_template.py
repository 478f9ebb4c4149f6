"""template.yaml's alarms and dashboard select the metrics genpic prints, as it prints them.

CloudWatch matches a metric by namespace, name and the exact set of its dimension
names: an alarm on a name or a dimension set the code never prints stays green
forever. The series the code prints are taken from the EMF records the handlers
actually print here, not from a list kept beside the code.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from genpic.aws import handlers
from genpic.telemetry import record_job
from tests.deploy.cfn import Evaluator, load
from tests.integration.helpers import invoke
from tests.limits.conftest import frozen_now
from tests.support.bedrock_double import BedrockDouble, Fault
from tests.support.emf import printed

TEMPLATE = load()
RESOURCES = TEMPLATE["Resources"]
_SCHEMA = re.compile(r"SELECT \w+\((\w+)\) FROM SCHEMA\(genpic, ([\w, ]+)\)")
_SEARCH = re.compile(r"SEARCH\('\{genpic,([\w,]+)\} MetricName=\"(\w+)\"'")
Series = tuple[str, frozenset[str]]


def strings(value: Any) -> list[str]:
    """Every string in a resolved template value (alarm properties, the dashboard body)."""
    if isinstance(value, str):
        return [value]
    items = value.values() if isinstance(value, dict) else value if isinstance(value, list) else []
    return [text for item in items for text in strings(item)]


def selected(value: Any) -> set[Series]:
    """The genpic series the Metrics Insights queries and SEARCH expressions in ``value`` select."""
    text = "\n".join(strings(value))
    found = {
        (name, frozenset(d.strip() for d in dims.split(",")))
        for name, dims in _SCHEMA.findall(text)
    }
    found |= {(name, frozenset(dims.split(","))) for dims, name in _SEARCH.findall(text)}
    return found


def alarms() -> dict[str, dict[str, Any]]:
    evaluator = Evaluator(TEMPLATE, {"AlarmEmail": "ops@example.com"})
    return {
        name: evaluator.resolve(resource["Properties"])
        for name, resource in RESOURCES.items()
        if resource["Type"] == "AWS::CloudWatch::Alarm"
    }


def dashboard() -> dict[str, Any]:
    body = Evaluator(TEMPLATE).resolve(RESOURCES["Dashboard"]["Properties"]["DashboardBody"])
    parsed: dict[str, Any] = json.loads(body)
    return parsed


def alarm_series() -> dict[str, set[Series]]:
    return {name: selected(props) for name, props in alarms().items()}


def dashboard_series() -> set[Series]:
    return selected(dashboard())


@pytest.fixture
def emitted(
    aws: Any,
    bedrock: BedrockDouble,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> set[Series]:
    """Every series the handlers print: a success, fallbacks, a 5xx, 4xx, refusals, a limit."""
    monkeypatch.setenv("GENPIC_MODEL_ATTEMPTS", "1")
    invoke("enhance", {"prompt": "a cat"})
    bedrock.inject(Fault("AccessDeniedException", operation="Converse"))
    invoke("enhance", {"prompt": "a dog"})
    bedrock.inject(Fault("AccessDeniedException", operation="Converse"))
    invoke("generate", {"prompt": "một con mèo"})
    bedrock.inject(Fault("AccessDeniedException", operation="InvokeModel"))
    invoke("generate", {"prompt": "a cat"})
    invoke("generate", {"prompt": ""})
    bedrock.set_filter("Filter reason: prompt")
    invoke("generate", {"prompt": "something"})
    bedrock.set_filter(None)
    # An image the output screen withholds (made and billed, never stored).
    monkeypatch.setenv("GENPIC_GUARDRAIL_ID", "gr0test1")  # the double's guardrail
    monkeypatch.setenv("GENPIC_GUARDRAIL_IMAGES", "on")
    bedrock.guardrails.block_images = True
    handlers.reset()
    assert invoke("generate", {"prompt": "a lamp"})[0] == 422
    bedrock.guardrails.block_images = False
    # A client over its limit: the second image in a minute is refused (429).
    monkeypatch.setenv("GENPIC_RATE_LIMIT", "1/minute")
    handlers.reset()
    now = frozen_now()
    handlers._shared_pipeline().limiter.clock = lambda: now
    invoke("generate", {"prompt": "a heron"})
    assert invoke("generate", {"prompt": "a crane"})[0] == 429
    # What became of job messages (tests/jobs/test_job_metrics.py runs those through the
    # worker and the pool).
    for kind, status in [("done", "succeeded"), ("gave_up", None), ("retry", None)]:
        record_job(kind, status)
    return {point.series for point in printed(capsys)}


def test_every_genpic_series_the_alarms_and_dashboard_select_is_printed(
    emitted: set[Series],
) -> None:
    referenced = set().union(*alarm_series().values()) | dashboard_series()
    assert ("StoreLatency", frozenset({"Entry", "Model", "service"})) in referenced  # SEARCH
    assert ("ServerErrors", frozenset({"Entry", "ErrorCode", "service"})) in referenced  # SCHEMA
    assert referenced <= emitted, sorted(referenced - emitted)


def test_the_dashboard_shows_images_cost_and_errors_per_entry_and_the_refusals_apart(
    emitted: set[Series],
) -> None:
    queries = json.dumps(dashboard())
    for metric in ("ImagesGenerated", "EstimatedCostUSD", "ServerErrors", "RateLimited"):
        assert re.search(rf"SUM\({metric}\) FROM SCHEMA\([^)]*\) GROUP BY Entry", queries), metric
    assert (
        "SUM(ClientErrors) FROM SCHEMA(genpic, Entry, ErrorCode, service) GROUP BY ErrorCode"
        in queries
    )
    assert (
        "SUM(ContentFiltered) FROM SCHEMA(genpic, Entry, Screen, service) GROUP BY Screen"
        in queries
    )
    assert "SUM(ImagesWithheld) FROM SCHEMA(genpic, service)" in queries


def test_only_5xx_and_crashes_page_never_a_4xx() -> None:
    paging = alarm_series()
    genpic_alarmed = {name for series in paging.values() for name, _ in series}
    assert genpic_alarmed == {"ServerErrors"}
    for quiet in ("ClientErrors", "ContentFiltered", "RateLimited", "Errors"):
        assert quiet not in genpic_alarmed
    worker = alarms()["WorkerErrorsAlarm"]
    assert (worker["Namespace"], worker["MetricName"]) == ("AWS/Lambda", "Errors")
    assert worker["Dimensions"] == [{"Name": "FunctionName", "Value": "workerfunction"}]


def test_the_dashboard_shows_the_dead_letter_queue_and_the_workers_errors_and_duration() -> None:
    plain = [
        tuple(metric)
        for widget in dashboard()["widgets"]
        for metric in widget["properties"]["metrics"]
        if isinstance(metric[0], str)
    ]
    assert (
        "AWS/SQS",
        "ApproximateNumberOfMessagesVisible",
        "QueueName",
        "jobsdeadletterqueue",
    ) in plain
    assert ("AWS/Lambda", "Errors", "FunctionName", "workerfunction") in plain
    assert ("AWS/Lambda", "Duration", "FunctionName", "workerfunction") in plain
    assert "SUM(JobsFailed) FROM SCHEMA(genpic, service)" in json.dumps(dashboard())
