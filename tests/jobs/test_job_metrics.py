"""Jobs print the image, cost and error metrics of any image path, under the entry ``job``.

The same runner serves the SQS worker and the embedded pool, so both are checked.
"""

from __future__ import annotations

import time

import pytest

from genpic.http.app import create_app
from tests.jobs.conftest import JobsOnAws
from tests.support.asgi import LocalClient
from tests.support.bedrock_double import BedrockDouble, Fault
from tests.support.emf import Point, named, printed
from tests.support.sqs import drain


def entries(found: list[Point], name: str) -> list[str]:
    return [p.dimension("Entry") for p in named(found, name)]


def test_a_job_run_by_the_sqs_worker_counts_its_image_and_outcome(
    on_aws: JobsOnAws, bedrock: BedrockDouble, capsys: pytest.CaptureFixture[str]
) -> None:
    batch = on_aws.client.post("/batches", json={"requests": [{"prompt": "a"}, {"prompt": "b"}]})
    jobs = batch.json()["jobs"]
    drain(on_aws.sqs, on_aws.queue_url, lambda: on_aws.finished(*jobs))
    found = printed(capsys)
    assert entries(found, "ImagesGenerated") == ["job", "job"]
    assert entries(found, "EstimatedCostUSD") == ["job", "job"]
    assert sum(p.values[0] for p in named(found, "JobsSucceeded")) == 2


def test_a_failing_job_is_a_server_error_per_attempt_and_a_throttled_one_is_not(
    on_aws: JobsOnAws,
    bedrock: BedrockDouble,
    capsys: pytest.CaptureFixture[str],
) -> None:
    bedrock.inject(*[Fault("ThrottlingException", operation="InvokeModel")] * 3)
    bedrock.inject(Fault("AccessDeniedException", operation="InvokeModel"))
    job_id = on_aws.client.post("/jobs", json={"prompt": "a fox"}).json()["job_id"]
    drain(on_aws.sqs, on_aws.queue_url, lambda: on_aws.finished(job_id))
    assert on_aws.job(job_id)["status"] == "succeeded"
    found = printed(capsys)
    assert [(p.name, p.dimension("ErrorCode")) for p in found if p.name.endswith("Errors")] == [
        ("ClientErrors", "Throttled"),
        ("ServerErrors", "ModelUnavailable"),
    ]
    assert {p.dimension("Entry") for p in found if p.name.endswith("Errors")} == {"job"}
    assert entries(found, "ImagesGenerated") == ["job"]
    assert sum(p.values[0] for p in named(found, "JobsRetried")) == 2


def test_a_filtered_job_counts_a_content_filtered_screen_and_fails(
    on_aws: JobsOnAws, bedrock: BedrockDouble, capsys: pytest.CaptureFixture[str]
) -> None:
    bedrock.set_filter("Filter reason: prompt")
    job_id = on_aws.client.post("/jobs", json={"prompt": "something"}).json()["job_id"]
    drain(on_aws.sqs, on_aws.queue_url, lambda: on_aws.finished(job_id))
    found = printed(capsys)
    [filtered] = named(found, "ContentFiltered")
    assert (filtered.dimension("Entry"), filtered.dimension("Screen")) == ("job", "model")
    assert named(found, "JobsFailed") and not named(found, "ServerErrors")


def test_a_job_in_the_embedded_pool_counts_as_on_aws(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("GENPIC_METRICS", "emf")
    with LocalClient(create_app()) as client:
        job_id = client.post("/jobs", json={"prompt": "a lamp"}).json()["job_id"]
        deadline = time.monotonic() + 15
        while client.get(f"/jobs/{job_id}").json()["status"] != "succeeded":
            assert time.monotonic() < deadline, "the job did not finish"
            time.sleep(0.05)
    found = printed(capsys)
    [made] = named(found, "ImagesGenerated")
    assert made.dimensions == (
        ("Entry", "job"),
        ("Model", "stability.sd3-5-large-v1:0"),
        ("service", "genpic"),
    )
    assert named(found, "EstimatedCostUSD")[0].values == (0.0,)  # the preview engine is free
    assert named(found, "JobsSucceeded")[0].values == (1.0,)


def test_a_local_server_prints_no_metrics_unless_asked(capsys: pytest.CaptureFixture[str]) -> None:
    with LocalClient(create_app()) as client:
        assert client.post("/generate", json={"prompt": "a lamp"}).status_code == 200
    assert printed(capsys) == []
