"""Drive the jobs worker the way Lambda's SQS event source does, against a moto queue."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from genpic.aws import handlers


class LambdaContextDouble(LambdaContext):
    """The few context fields the worker's decorators read."""

    def __init__(self, function_name: str = "genpic_worker") -> None:
        self._function_name = function_name
        self._function_version = "$LATEST"
        self._invoked_function_arn = (
            f"arn:aws:lambda:us-west-2:123456789012:function:{function_name}"
        )
        self._memory_limit_in_mb = 1024
        self._aws_request_id = "req-worker"
        self._log_group_name = f"/aws/lambda/{function_name}"
        self._log_stream_name = "stream"


def create_queues(sqs: Any, max_receives: int, name: str = "genpic-jobs") -> tuple[str, str]:
    """Create the jobs queue and its dead-letter queue as template.yaml does; return both URLs."""
    dlq = sqs.create_queue(QueueName=f"{name}-dlq")["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    redrive = {"deadLetterTargetArn": dlq_arn, "maxReceiveCount": str(max_receives)}
    queue = sqs.create_queue(
        QueueName=name,
        Attributes={"VisibilityTimeout": "60", "RedrivePolicy": json.dumps(redrive)},
    )["QueueUrl"]
    return queue, dlq


def receive_event(sqs: Any, queue_url: str, batch: int = 10) -> dict[str, Any] | None:
    """Receive up to ``batch`` messages and shape them as Lambda's SQS event (None: none)."""
    answer = sqs.receive_message(
        QueueUrl=queue_url,
        MaxNumberOfMessages=batch,
        MessageSystemAttributeNames=["All"],
        WaitTimeSeconds=0,
    )
    messages = answer.get("Messages", [])
    if not messages:
        return None
    return {
        "Records": [
            {
                "messageId": m["MessageId"],
                "receiptHandle": m["ReceiptHandle"],
                "body": m["Body"],
                "attributes": m["Attributes"],
                "messageAttributes": {},
                "md5OfBody": m["MD5OfBody"],
                "eventSource": "aws:sqs",
                "eventSourceARN": "arn:aws:sqs:us-west-2:123456789012:genpic-jobs",
                "awsRegion": "us-west-2",
            }
            for m in messages
        ]
    }


def deliver(sqs: Any, queue_url: str, event: dict[str, Any]) -> list[str]:
    """Invoke the worker with ``event``; delete what succeeded, as the event source mapping does.

    Returns the message ids the worker reported failed.
    """
    answer = handlers.worker(event, LambdaContextDouble())
    failed = {item["itemIdentifier"] for item in answer["batchItemFailures"]}
    done = [r for r in event["Records"] if r["messageId"] not in failed]
    for record in done:
        sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=record["receiptHandle"])
    return sorted(failed)


def drain(
    sqs: Any, queue_url: str, until: Callable[[], bool], timeout_s: float = 30.0
) -> list[dict[str, Any]]:
    """Feed the worker every message that becomes visible until ``until()``; return the events."""
    events = []
    deadline = time.monotonic() + timeout_s
    while not until():
        if time.monotonic() > deadline:
            raise TimeoutError("the jobs did not finish through the SQS worker")
        event = receive_event(sqs, queue_url)
        if event is None:
            time.sleep(0.2)
            continue
        events.append(event)
        deliver(sqs, queue_url, event)
    return events
