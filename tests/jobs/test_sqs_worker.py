"""Jobs through SQS on moto: the API enqueues, the worker handler receives the real messages."""

from __future__ import annotations

import json
from typing import Any

import pytest

from genpic.jobs.queue import message_body
from tests.jobs.conftest import MAX_RECEIVES, JobsOnAws
from tests.support.bedrock_double import BedrockDouble, Fault
from tests.support.emf import named, printed
from tests.support.sqs import deliver, drain, receive_event


def invocations(bedrock: BedrockDouble) -> int:
    return sum(1 for call in bedrock.requests if call.operation == "InvokeModel")


def outputs(on_aws: JobsOnAws) -> list[str]:
    listed = on_aws.s3.list_objects_v2(Bucket="gen-img-out1", Prefix="outputs/")
    return [obj["Key"] for obj in listed.get("Contents", [])]


def test_a_job_is_queued_at_once_and_the_worker_makes_its_image(
    on_aws: JobsOnAws, bedrock: BedrockDouble
) -> None:
    submitted = on_aws.client.post("/jobs", json={"prompt": "a lighthouse", "seed": 7})

    assert submitted.status_code == 202
    body = submitted.json()
    assert body["status"] == "queued"
    assert body["status_url"].endswith(f"/jobs/{body['job_id']}")
    assert invocations(bedrock) == 0, "submitting must not call the model"
    assert on_aws.job(body["job_id"])["status"] == "queued"

    events = drain(on_aws.sqs, on_aws.queue_url, lambda: on_aws.finished(body["job_id"]))

    assert json.loads(events[0]["Records"][0]["body"]) == {"job_id": body["job_id"]}
    job = on_aws.job(body["job_id"])
    assert job["status"] == "succeeded"
    assert job["attempts"] == 1
    assert job["result"]["seed"] == 7
    assert outputs(on_aws) == [job["result"]["key"]]
    assert invocations(bedrock) == 1
    assert bedrock.requests[-1].body["prompt"] == "a lighthouse"


def test_bad_input_is_refused_at_submit_time_and_nothing_is_queued(on_aws: JobsOnAws) -> None:
    for payload, field in [
        ({"prompt": "x", "seed": -1}, "seed"),
        ({"prompt": ""}, "prompt"),
        ({"prompt": "x", "colour": "red"}, "colour"),
        ({"prompt": "x", "init_image": "aGVsbG8="}, "init_image"),
        ({"prompt": "x", "webhook_url": "ftp://example.com/hook"}, "webhook_url"),
    ]:
        response = on_aws.client.post("/jobs", json=payload)
        assert response.status_code == 400, payload
        assert response.json()["field"] == field
    assert receive_event(on_aws.sqs, on_aws.queue_url) is None


def test_throttling_delays_a_job_and_it_later_succeeds(
    on_aws: JobsOnAws, bedrock: BedrockDouble
) -> None:
    # Three throttles exhaust the SDK's own retries once: the job goes back to the queue.
    bedrock.inject(*[Fault("ThrottlingException", operation="InvokeModel")] * 3)
    job_id = on_aws.client.post("/jobs", json={"prompt": "a fox"}).json()["job_id"]

    events = drain(on_aws.sqs, on_aws.queue_url, lambda: on_aws.finished(job_id))

    job = on_aws.job(job_id)
    assert job["status"] == "succeeded"
    assert job["attempts"] == 2
    receives = [int(e["Records"][0]["attributes"]["ApproximateReceiveCount"]) for e in events]
    assert receives == [1, 2], "the same message came back after its backoff"
    assert invocations(bedrock) == 4
    assert len(outputs(on_aws)) == 1


def test_content_filtered_fails_at_once_without_retry(
    on_aws: JobsOnAws, bedrock: BedrockDouble, capsys: pytest.CaptureFixture[str]
) -> None:
    bedrock.set_filter("Filter reason: prompt")
    job_id = on_aws.client.post("/jobs", json={"prompt": "something"}).json()["job_id"]

    events = drain(on_aws.sqs, on_aws.queue_url, lambda: on_aws.finished(job_id))

    job = on_aws.job(job_id)
    assert job["status"] == "failed"
    assert (job["error"]["error"], job["error"]["screen"]) == ("ContentFiltered", "model")
    # The worker's metrics count the refusal under its screen.
    [refused] = named(printed(capsys), "ContentFiltered")
    assert (refused.dimension("Screen"), refused.dimension("Entry")) == ("model", "job")
    assert len(events) == 1 and invocations(bedrock) == 1
    assert receive_event(on_aws.sqs, on_aws.queue_url) is None, "the message was deleted"


def test_a_job_that_keeps_failing_reaches_the_dead_letter_queue_marked_failed(
    on_aws: JobsOnAws, bedrock: BedrockDouble
) -> None:
    bedrock.inject(*[Fault("AccessDeniedException", operation="InvokeModel")] * MAX_RECEIVES)
    job_id = on_aws.client.post("/jobs", json={"prompt": "a moth"}).json()["job_id"]

    drain(on_aws.sqs, on_aws.queue_url, lambda: on_aws.finished(job_id))

    job = on_aws.job(job_id)
    assert job["status"] == "failed"
    assert job["error"]["error"] == "ModelUnavailable"
    assert f"gave up after {MAX_RECEIVES} attempts" in job["error"]["message"]
    assert receive_event(on_aws.sqs, on_aws.queue_url) is None  # moves it on this receive
    dead = receive_event(on_aws.sqs, on_aws.dlq_url)
    assert dead is not None
    assert json.loads(dead["Records"][0]["body"]) == {"job_id": job_id}
    assert invocations(bedrock) == MAX_RECEIVES


def test_a_poison_message_is_reported_failed_until_it_reaches_the_dead_letter_queue(
    on_aws: JobsOnAws, bedrock: BedrockDouble
) -> None:
    on_aws.sqs.send_message(QueueUrl=on_aws.queue_url, MessageBody="not a job")
    on_aws.sqs.send_message(QueueUrl=on_aws.queue_url, MessageBody=message_body("f" * 32))
    for _ in range(MAX_RECEIVES):
        event = receive_event(on_aws.sqs, on_aws.queue_url)
        assert event is not None and len(event["Records"]) == 2
        assert len(deliver(on_aws.sqs, on_aws.queue_url, event)) == 2
        for record in event["Records"]:  # what the next receive would see after the timeout
            on_aws.sqs.change_message_visibility(
                QueueUrl=on_aws.queue_url,
                ReceiptHandle=record["receiptHandle"],
                VisibilityTimeout=0,
            )

    assert receive_event(on_aws.sqs, on_aws.queue_url) is None
    dead = receive_event(on_aws.sqs, on_aws.dlq_url)
    assert dead is not None
    assert sorted(r["body"] for r in dead["Records"]) == sorted(
        ["not a job", message_body("f" * 32)]
    )
    assert invocations(bedrock) == 0


def test_a_redelivered_message_makes_no_second_image(
    on_aws: JobsOnAws, bedrock: BedrockDouble, capsys: pytest.CaptureFixture[str]
) -> None:
    job_id = on_aws.client.post("/jobs", json={"prompt": "a heron"}).json()["job_id"]
    event = receive_event(on_aws.sqs, on_aws.queue_url)
    assert event is not None
    assert deliver(on_aws.sqs, on_aws.queue_url, event) == []
    first = on_aws.job(job_id)

    # SQS delivers at least once: the same message again, and a duplicate sent meanwhile.
    assert deliver(on_aws.sqs, on_aws.queue_url, event) == []
    on_aws.sqs.send_message(QueueUrl=on_aws.queue_url, MessageBody=message_body(job_id))
    again = receive_event(on_aws.sqs, on_aws.queue_url)
    assert again is not None
    assert deliver(on_aws.sqs, on_aws.queue_url, again) == []

    assert on_aws.job(job_id) == first
    assert invocations(bedrock) == 1
    assert len(outputs(on_aws)) == 1
    emitted = [json.loads(line) for line in capsys.readouterr().out.splitlines() if "_aws" in line]
    counted = [name for blob in emitted for name in blob if name.startswith("Jobs")]
    assert counted == ["JobsSucceeded", "JobsDuplicateMessages", "JobsDuplicateMessages"]


def test_a_batch_runs_through_the_queue_and_counts_by_status(
    on_aws: JobsOnAws, bedrock: BedrockDouble
) -> None:
    submitted = on_aws.client.post(
        "/batches", json={"requests": [{"prompt": f"tile {i}"} for i in range(12)]}
    )
    assert submitted.status_code == 202
    batch = submitted.json()
    assert len(batch["jobs"]) == 12
    status = on_aws.client.get(f"/batches/{batch['batch_id']}").json()
    assert status["counts"] == {"queued": 12, "running": 0, "succeeded": 0, "failed": 0}

    drain(on_aws.sqs, on_aws.queue_url, lambda: on_aws.finished(*batch["jobs"]))

    status = on_aws.client.get(f"/batches/{batch['batch_id']}").json()
    assert status["counts"]["succeeded"] == 12
    assert [j["job_id"] for j in status["jobs"]] == batch["jobs"]
    assert invocations(bedrock) == 12
    assert on_aws.client.get("/batches/nope").status_code == 404
    assert on_aws.client.get("/jobs/nope").json()["error"] == "NotFound"


def test_jobs_the_queue_refused_are_failed_not_left_queued(on_aws: JobsOnAws) -> None:
    on_aws.sqs.delete_queue(QueueUrl=on_aws.queue_url)

    response = on_aws.client.post("/batches", json={"requests": [{"prompt": "a"}, {"prompt": "b"}]})

    assert response.status_code == 500
    assert response.json()["error"] == "ConfigurationError"
    assert "GENPIC_QUEUE_URL" in response.json()["message"]
    listed = on_aws.client.app.state.genpic.jobs.store.recent(5)  # type: ignore[attr-defined]
    assert [job.status for job in listed] == ["failed", "failed"]


def test_the_worker_returns_once_its_jobs_webhooks_are_delivered(
    webhook_env: None, on_aws: JobsOnAws, receiver_factory: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    receiver = receiver_factory([503])  # one retry, a second later: the invocation waits for it
    monkeypatch.setattr("genpic.jobs.webhooks.BACKOFF_S", 1.0)
    job_ids = [
        on_aws.client.post("/jobs", json={"prompt": f"p{i}", "webhook_url": receiver.url}).json()[
            "job_id"
        ]
        for i in range(2)
    ]
    event = receive_event(on_aws.sqs, on_aws.queue_url)
    assert event is not None and len(event["Records"]) == 2

    assert deliver(on_aws.sqs, on_aws.queue_url, event) == []

    assert len(receiver.calls) == 3, "both delivered before the invocation returned"
    outcomes = sorted(on_aws.job(job_id)["webhook"]["attempts"] for job_id in job_ids)
    assert outcomes == [1, 2]
