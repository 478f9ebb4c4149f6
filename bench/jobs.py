"""100 jobs against a Bedrock double that admits R requests a second: locally and through SQS.

The double answers ThrottlingException beyond its quota (a token bucket of two), as
Bedrock's per-account quota does. genpic paces to GENPIC_MODEL_RPS = R and backs off
when throttled, so the target is every job completed, none failed, no image made
twice, and an achieved rate of at least 0.9 R.

- local: ``POST /batches`` on the HTTP app (``genpic serve``'s embedded pool, SQLite
  records, local storage), waiting for every job;
- sqs: the same on the AWS path (moto S3, DynamoDB, SQS): the app enqueues, and
  CONCURRENCY simulated Lambda environments receive real messages (batch size
  BATCH), hand them to the worker as SQS events, and delete what it reports done,
  as the event source mapping does.

Run: python bench/jobs.py [R] [jobs]
"""

from __future__ import annotations

import os
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import boto3
from fastapi.testclient import TestClient
from tests.support.bedrock_double import BedrockDouble
from tests.support.moto_server import MotoServer
from tests.support.records_table import create_records_table
from tests.support.sqs import LambdaContextDouble, create_queues, receive_event

REGION = "us-west-2"
CONCURRENCY = 4
BATCH = 5


def run_batch(client: TestClient, jobs: int, drive: Any = None) -> dict[str, Any]:
    requests = [{"prompt": f"a lighthouse, study {i}", "seed": i + 1} for i in range(jobs)]
    start = time.monotonic()
    submitted = client.post("/batches", json={"requests": requests})
    assert submitted.status_code == 202, submitted.text
    batch_id = submitted.json()["batch_id"]
    stop = threading.Event()
    drivers = [
        threading.Thread(target=drive, args=(stop,)) for _ in range(CONCURRENCY if drive else 0)
    ]
    for thread in drivers:
        thread.start()
    while True:
        counts = client.get(f"/batches/{batch_id}").json()["counts"]
        if counts["succeeded"] + counts["failed"] == jobs:
            break
        time.sleep(0.05)
    elapsed = time.monotonic() - start
    stop.set()
    for thread in drivers:
        thread.join()
    return {"counts": counts, "elapsed": elapsed}


def report(
    path: str, rps: float, jobs: int, outcome: dict[str, Any], double: BedrockDouble, stored: int
) -> str:
    counts, elapsed = outcome["counts"], outcome["elapsed"]
    calls = sum(1 for call in double.requests if call.operation == "InvokeModel")
    rate = counts["succeeded"] / elapsed
    return (
        f"| {path} | {counts['succeeded']}/{jobs} | {counts['failed']} | {elapsed:.1f} s | "
        f"{rate:.2f}/s | {rate / rps:.2f} | {calls} ({calls - stored} throttled) | {stored} |"
    )


def local(rps: float, jobs: int, double: BedrockDouble) -> str:
    from genpic.http.app import create_app

    with tempfile.TemporaryDirectory() as data:
        os.environ.update(
            GENPIC_DATA_DIR=data,
            GENPIC_ENGINE="bedrock",
            GENPIC_ENHANCER="off",
            GENPIC_MODEL_RPS=str(rps),
            AWS_ENDPOINT_URL_BEDROCK_RUNTIME=double.url,
        )
        double.reset()
        double.set_rate_limit(rps)
        with TestClient(create_app()) as client:
            outcome = run_batch(client, jobs)
        stored = len(list(Path(data, "outputs").glob("*.jpeg")))
    return report("local (embedded pool)", rps, jobs, outcome, double, stored)


def on_sqs(rps: float, jobs: int, double: BedrockDouble, moto: MotoServer) -> str:
    from genpic.aws.worker import Worker
    from genpic.http.app import create_app
    from genpic.pipeline import Pipeline

    moto.reset()
    sqs = boto3.client("sqs", region_name=REGION, endpoint_url=moto.url)
    queue_url, _ = create_queues(sqs, max_receives=5)
    s3 = boto3.client("s3", region_name=REGION, endpoint_url=moto.url)
    s3.create_bucket(Bucket="bench-out", CreateBucketConfiguration={"LocationConstraint": REGION})
    create_records_table(
        boto3.client("dynamodb", region_name=REGION, endpoint_url=moto.url), "bench"
    )
    os.environ.update(
        AWS_LAMBDA_FUNCTION_NAME="genpic_worker",
        OUTPUT_BUCKET="bench-out",
        INPUT_BUCKET="bench-in",
        GENPIC_TABLE="bench",
        GENPIC_QUEUE_URL=queue_url,
        GENPIC_ENHANCER="off",
        AWS_ENDPOINT_URL_S3=moto.url,
        AWS_ENDPOINT_URL_DYNAMODB=moto.url,
        AWS_ENDPOINT_URL_SQS=moto.url,
    )
    double.reset()
    double.set_rate_limit(rps)

    def lambda_environment(stop: threading.Event) -> None:
        # One execution environment: its own worker, one invocation at a time.
        worker = Worker(Pipeline.from_env())
        while not stop.is_set():
            event = receive_event(sqs, queue_url, BATCH)
            if event is None:
                time.sleep(0.05)
                continue
            failed = {
                f["itemIdentifier"]
                for f in worker.handle(event, LambdaContextDouble())["batchItemFailures"]
            }
            for record in event["Records"]:
                if record["messageId"] not in failed:
                    sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=record["receiptHandle"])

    with TestClient(create_app()) as client:
        outcome = run_batch(client, jobs, lambda_environment)
    stored = s3.list_objects_v2(Bucket="bench-out").get("KeyCount", 0)
    return report(
        f"AWS (SQS worker x{CONCURRENCY}, batch {BATCH})", rps, jobs, outcome, double, stored
    )


def main() -> None:
    rps = float(sys.argv[1]) if len(sys.argv) > 1 else 5.0
    jobs = int(sys.argv[2]) if len(sys.argv) > 2 else 100
    os.environ.update(
        AWS_ACCESS_KEY_ID="testing",
        AWS_SECRET_ACCESS_KEY="testing",
        AWS_REGION=REGION,
        AWS_DEFAULT_REGION=REGION,
        AWS_CONFIG_FILE="/dev/null",
        AWS_SHARED_CREDENTIALS_FILE="/dev/null",
    )
    import logging

    logging.disable(logging.WARNING)  # the worker logs each throttle; the table says it all
    rows = [f"Quota R = {rps:g} requests/s (GENPIC_MODEL_RPS = R), {jobs} jobs.", ""]
    header = ("path", "completed", "failed", "elapsed", "achieved", "achieved / R")
    header += ("model calls", "images stored")
    rows += ["| " + " | ".join(header) + " |"]
    rows += ["|---|---|---|---|---|---|---|---|"]
    with BedrockDouble() as double, MotoServer() as moto:
        rows.append(local(rps, jobs, double))
        rows.append(on_sqs(rps, jobs, double, moto))
    print("\n".join(rows))


if __name__ == "__main__":
    main()
