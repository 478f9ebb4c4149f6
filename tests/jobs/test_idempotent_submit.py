"""Idempotent submissions over HTTP on moto: a repeat queues nothing, writes no second job."""

from __future__ import annotations

from typing import Any

import boto3

from tests.conftest import RECORDS_TABLE, REGION
from tests.jobs.conftest import JobsOnAws


def queued_messages(on_aws: JobsOnAws) -> int:
    attributes = on_aws.sqs.get_queue_attributes(
        QueueUrl=on_aws.queue_url, AttributeNames=["ApproximateNumberOfMessages"]
    )["Attributes"]
    return int(attributes["ApproximateNumberOfMessages"])


def job_items() -> list[dict[str, Any]]:
    dynamodb = boto3.client("dynamodb", region_name=REGION)
    items = dynamodb.scan(TableName=RECORDS_TABLE)["Items"]
    return [item for item in items if item["sk"]["S"] == "JOB" and item["pk"]["S"] != "JOB"]


def test_a_repeated_job_submission_replays_the_first_202(on_aws: JobsOnAws) -> None:
    headers = {"Idempotency-Key": "job-1"}
    first = on_aws.client.post("/jobs", json={"prompt": "a crane"}, headers=headers)
    again = on_aws.client.post("/jobs", json={"prompt": "a crane"}, headers=headers)
    field = on_aws.client.post("/jobs", json={"prompt": "a crane", "idempotency_key": "job-1"})
    assert first.status_code == again.status_code == field.status_code == 202
    assert again.json() == field.json() == first.json()
    assert again.headers["Location"] == first.headers["Location"]
    assert queued_messages(on_aws) == 1
    items = job_items()
    assert [item["pk"]["S"] for item in items] == [f"JOB#{first.json()['job_id']}"]
    assert "idempotency_key" not in items[0]["job"]["S"]


def test_the_same_key_with_another_job_is_a_409(on_aws: JobsOnAws) -> None:
    headers = {"Idempotency-Key": "job-2"}
    assert (
        on_aws.client.post("/jobs", json={"prompt": "a crane"}, headers=headers).status_code == 202
    )
    other = on_aws.client.post("/jobs", json={"prompt": "a stork"}, headers=headers)
    assert other.status_code == 409 and other.json()["error"] == "IdempotencyConflict"
    # The key names one operation: a batch cannot reuse it either.
    batch = on_aws.client.post(
        "/batches", json={"requests": [{"prompt": "a crane"}]}, headers=headers
    )
    assert batch.status_code == 409
    assert queued_messages(on_aws) == 1 and len(job_items()) == 1


def test_a_bad_key_is_a_400_and_queues_nothing(on_aws: JobsOnAws) -> None:
    for payload, headers in [
        ({"prompt": "a crane", "idempotency_key": 7}, {}),
        ({"prompt": "a crane", "idempotency_key": "k" * 129}, {}),
        ({"prompt": "a crane", "idempotency_key": "a"}, {"Idempotency-Key": "b"}),
    ]:
        response = on_aws.client.post("/jobs", json=payload, headers=headers)
        assert response.status_code == 400 and response.json()["field"] == "idempotency_key"
    assert queued_messages(on_aws) == 0 and job_items() == []


def test_a_repeated_batch_replays_the_first_202(on_aws: JobsOnAws) -> None:
    body = {"requests": [{"prompt": "a crane"}, {"prompt": "a stork"}], "idempotency_key": "b-1"}
    first = on_aws.client.post("/batches", json=body)
    again = on_aws.client.post("/batches", json=body, headers={"Idempotency-Key": "b-1"})
    assert first.status_code == again.status_code == 202
    assert again.json() == first.json() and len(first.json()["jobs"]) == 2
    assert queued_messages(on_aws) == 2 and len(job_items()) == 2
