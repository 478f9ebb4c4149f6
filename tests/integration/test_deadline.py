"""One request answers inside GENPIC_REQUEST_TIMEOUT however slow S3 and Bedrock are.

S3 goes through a proxy that delays or never answers (in front of moto); Bedrock
is the double with delayed faults. The budget is a few seconds so the tests are quick.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest

from genpic.aws import handlers
from tests.conftest import INPUT_BUCKET, OUTPUT_BUCKET, image_bytes
from tests.integration.helpers import invoke, stored_image
from tests.support.bedrock_double import BedrockDouble, Fault
from tests.support.moto_server import MotoServer
from tests.support.slow_proxy import STALL, SlowProxy

BUDGET_S = 3.0
# Thread start-up, Pillow and the handler's own work on a loaded CI machine.
SLACK_S = 0.6
# Longer than any budget here: the double answers after the client has given up.
BEDROCK_STALL_S = 30.0
INIT_IMAGE = f"s3://{INPUT_BUCKET}/in.png"


@pytest.fixture
def slow_s3(
    aws: Any, moto_server: MotoServer, monkeypatch: pytest.MonkeyPatch
) -> Iterator[SlowProxy]:
    """Route genpic's S3 calls through a proxy the test can slow down; seed an init image."""
    aws.put_object(Bucket=INPUT_BUCKET, Key="in.png", Body=image_bytes((320, 256), "PNG"))
    with SlowProxy(moto_server.url) as proxy:
        monkeypatch.setenv("AWS_ENDPOINT_URL_S3", proxy.url)
        monkeypatch.setenv("GENPIC_REQUEST_TIMEOUT", str(BUDGET_S))
        handlers.reset()
        yield proxy


def timed_invoke(
    handler: str, payload: dict[str, Any]
) -> tuple[float, int, dict[str, str], dict[str, Any]]:
    start = time.monotonic()
    status, headers, body = invoke(handler, payload)
    return time.monotonic() - start, status, headers, body


def calls(bedrock: BedrockDouble, operation: str) -> int:
    return sum(1 for call in bedrock.requests if call.operation == operation)


def stall_bedrock(bedrock: BedrockDouble, *operations: str) -> None:
    bedrock.inject(*[Fault("", delay_seconds=BEDROCK_STALL_S, operation=op) for op in operations])


def test_a_stalled_init_image_read_is_a_504_before_any_model_call(
    aws: Any, bedrock: BedrockDouble, slow_s3: SlowProxy
) -> None:
    slow_s3.delays.update(GET=STALL, PUT=STALL)
    stall_bedrock(bedrock, "Converse", "InvokeModel")
    elapsed, status, _, body = timed_invoke(
        "enhance", {"prompt": "a dragon", "init_image_s3": INIT_IMAGE}
    )
    assert (status, body["error"]) == (504, "UpstreamTimeout"), body
    assert elapsed < BUDGET_S + SLACK_S
    # The read had 5 s cap, 65 % of 3 s held back: one 1 s attempt, no room for a second.
    assert slow_s3.methods() == ["GET"]
    assert bedrock.requests == []


def test_stalled_text_and_image_models_are_a_504_inside_the_budget(
    aws: Any, bedrock: BedrockDouble, slow_s3: SlowProxy
) -> None:
    slow_s3.delays["PUT"] = STALL
    stall_bedrock(bedrock, "Converse", "InvokeModel", "InvokeModel")
    elapsed, status, _, body = timed_invoke(
        "enhance", {"prompt": "a dragon", "init_image_s3": INIT_IMAGE}
    )
    assert (status, body["error"]) == (504, "UpstreamTimeout"), body
    assert elapsed < BUDGET_S + SLACK_S
    # The enhancer gave up in time for the model to be tried once, and never twice.
    assert (calls(bedrock, "Converse"), calls(bedrock, "InvokeModel")) == (1, 1)
    assert slow_s3.methods() == ["GET"]


def test_a_stalled_store_is_retried_while_it_fits_then_a_504(
    aws: Any, bedrock: BedrockDouble, slow_s3: SlowProxy
) -> None:
    slow_s3.delays["PUT"] = STALL
    elapsed, status, _, body = timed_invoke("generate", {"prompt": "a cat", "seed": 7})
    assert (status, body["error"]) == (504, "UpstreamTimeout"), body
    assert elapsed < BUDGET_S + SLACK_S
    assert calls(bedrock, "InvokeModel") == 1
    # Half of the ~2.9 s left per write: a second write fits, a third does not.
    assert slow_s3.methods() == ["PUT", "PUT"]
    assert aws.list_objects_v2(Bucket=OUTPUT_BUCKET)["KeyCount"] == 0


def test_throttling_is_not_retried_past_the_budget(
    aws: Any, bedrock: BedrockDouble, slow_s3: SlowProxy
) -> None:
    bedrock.inject(*[Fault("ThrottlingException", delay_seconds=0.2)] * 5)
    elapsed, status, headers, body = timed_invoke("generate", {"prompt": "a cat"})
    assert (status, body["error"]) == (429, "Throttled"), body
    assert int(headers["Retry-After"]) > 0
    assert elapsed < BUDGET_S
    # A 2.5 s attempt after up to 1 s of back-off does not fit in the 2.35 s left.
    assert calls(bedrock, "InvokeModel") == 1


def test_a_paid_image_is_stored_when_the_model_answers_at_its_last_moment(
    aws: Any, bedrock: BedrockDouble, slow_s3: SlowProxy
) -> None:
    # 3 s budget, 15 % held for the store: a 2.25 s attempt, of which 1.7 s reading.
    bedrock.inject(Fault("", delay_seconds=1.5, operation="InvokeModel"))
    elapsed, status, _, body = timed_invoke("generate", {"prompt": "a cat", "seed": 7})
    assert status == 200, body
    assert elapsed < BUDGET_S + SLACK_S
    stored_image(aws, body)


def test_every_stage_slow_but_in_time_succeeds_inside_the_budget(
    aws: Any, bedrock: BedrockDouble, slow_s3: SlowProxy, monkeypatch: pytest.MonkeyPatch
) -> None:
    # At 6 s the read timeouts are about: init image 1.5 s, enhancer 1.3 s, model 2.25 s,
    # store 0.75 s. Each upstream answers at two thirds of its stage's.
    monkeypatch.setenv("GENPIC_REQUEST_TIMEOUT", "6")
    slow_s3.delays.update(GET=1.0, PUT=0.4)
    bedrock.inject(
        Fault("", delay_seconds=0.9, operation="Converse"),
        Fault("", delay_seconds=1.5, operation="InvokeModel"),
    )
    elapsed, status, _, body = timed_invoke(
        "enhance", {"prompt": "a dragon", "init_image_s3": INIT_IMAGE}
    )
    assert status == 200, body
    assert body["enhancement"]["status"] == "applied"
    assert elapsed < 6.0
    assert elapsed > 1.0 + 0.9 + 1.5 + 0.4
    assert (calls(bedrock, "Converse"), calls(bedrock, "InvokeModel")) == (1, 1)
    assert slow_s3.methods() == ["GET", "PUT"]
    assert stored_image(aws, body).size == (320, 256)
