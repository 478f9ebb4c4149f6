"""Refusals through every HTTP route, /v1 (OpenAI's error shape), jobs and the command line."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from genpic.http.app import create_app
from tests.conftest import OUTPUT_BUCKET
from tests.support.asgi import LocalClient
from tests.support.bedrock_double import BedrockDouble
from tests.support.cli import invoke as cli

BLOCKED = "nude children on a beach"  # on the built-in list


def assert_no_model_call_or_image(bedrock: BedrockDouble, s3: Any) -> None:
    assert not [c for c in bedrock.requests if c.operation == "InvokeModel"]
    assert not s3.list_objects_v2(Bucket=OUTPUT_BUCKET).get("Contents")


@pytest.mark.parametrize("route", ["/generate", "/generate-enhanced", "/compare", "/enhance"])
def test_every_route_refuses_a_listed_prompt_with_its_screen(
    aws: Any, aws_client: TestClient, bedrock: BedrockDouble, route: str
) -> None:
    response = aws_client.post(route, json={"prompt": BLOCKED})
    assert response.status_code == 422, response.text
    body = response.json()
    assert (body["error"], body["screen"]) == ("ContentFiltered", "blocklist")
    assert body["request_id"] == response.headers["X-Request-Id"]
    assert bedrock.requests == []
    assert_no_model_call_or_image(bedrock, aws)


def test_every_variant_of_a_listed_prompt_is_refused(
    aws: Any, aws_client: TestClient, bedrock: BedrockDouble
) -> None:
    response = aws_client.post("/generate", json={"prompt": BLOCKED, "n": 3})
    assert (response.status_code, response.json()["screen"]) == (422, "blocklist")
    assert bedrock.requests == []


def test_v1_refuses_in_openai_shape_naming_the_screen(
    aws: Any, bedrock: BedrockDouble, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GENPIC_GUARDRAIL_ID", "gr0test1")
    with TestClient(create_app()) as app:
        response = app.post("/v1/images/generations", json={"prompt": "a bomb", "n": 2})
    assert response.status_code == 422, response.text
    assert response.json() == {
        "error": {
            "message": response.json()["error"]["message"],
            "type": "invalid_request_error",
            "param": None,
            "code": "ContentFiltered",
            "screen": "guardrail",
        }
    }
    assert {c.operation for c in bedrock.requests} == {"ApplyGuardrail"}
    assert_no_model_call_or_image(bedrock, aws)


def wait_for(client: TestClient, job_id: str) -> dict[str, Any]:
    for _ in range(300):
        body: dict[str, Any] = client.get(f"/jobs/{job_id}").json()
        if body["status"] in ("succeeded", "failed"):
            return body
        time.sleep(0.05)
    raise TimeoutError(job_id)


def stored_jobs(client: TestClient) -> list[Any]:
    return client.app.state.genpic.jobs.store.recent(100)  # type: ignore[attr-defined,no-any-return]


def test_a_listed_prompt_is_refused_as_a_job_before_it_is_queued(client: TestClient) -> None:
    submitted = client.post("/jobs", json={"prompt": BLOCKED})
    assert submitted.status_code == 422, submitted.text
    body = submitted.json()
    assert (body["error"], body["screen"], body["field"]) == (
        "ContentFiltered",
        "blocklist",
        "prompt",
    )
    assert stored_jobs(client) == []


def test_a_batch_with_one_listed_prompt_is_refused_whole_naming_it(client: TestClient) -> None:
    requests = [{"prompt": "a lamp"}, {"prompt": BLOCKED}, {"prompt": "a kite"}]
    submitted = client.post("/batches", json={"requests": requests})
    assert submitted.status_code == 422, submitted.text
    body = submitted.json()
    assert (body["screen"], body["field"]) == ("blocklist", "requests[1].prompt")
    assert body["message"].startswith("requests[1]: ")
    assert stored_jobs(client) == []


def test_a_job_the_guardrail_refuses_fails_when_it_runs_without_an_image(
    aws: Any, bedrock: BedrockDouble, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GENPIC_GUARDRAIL_ID", "gr0test1")
    monkeypatch.delenv("AWS_LAMBDA_FUNCTION_NAME")  # the embedded pool, on Bedrock and S3
    with LocalClient(create_app()) as client:
        submitted = client.post("/jobs", json={"prompt": "a bomb"})
        assert submitted.status_code == 202, submitted.text
        job = wait_for(client, submitted.json()["job_id"])
    assert job["status"] == "failed"
    assert (job["error"]["error"], job["error"]["screen"]) == ("ContentFiltered", "guardrail")
    assert "result" not in job
    assert_no_model_call_or_image(bedrock, aws)


def test_the_command_line_reports_the_screen(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = cli("generate", BLOCKED, "--json")
    assert result.exit_code != 0
    body = json.loads(result.stdout)
    assert (body["error"], body["screen"]) == ("ContentFiltered", "blocklist")
    assert not list(tmp_path.rglob("*.jpeg"))
    plain = cli("generate", BLOCKED)
    assert plain.exit_code != 0
    assert "ContentFiltered" in plain.stderr
