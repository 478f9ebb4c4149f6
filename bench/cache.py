"""The result cache on the deployed path: hit latency against a model call, and the cost saved.

The ``aws_gen_pic`` Lambda handler, as deployed, against moto (S3 outputs, the DynamoDB
records table) and the Bedrock double, which holds each InvokeModel for DELAY seconds
(SD3.5 Large takes several seconds on Bedrock; the delay stands in for it). REQUESTS
requests with explicit seeds, of which a share REPEAT repeats an earlier one, in a fixed
shuffled order: the first of each is a miss (a model call), every later one a hit.

Run: python bench/cache.py [requests] [repeat share] [delay s]
"""

from __future__ import annotations

import json
import os
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import boto3
from tests.support.bedrock_double import BedrockDouble, Fault
from tests.support.moto_server import MotoServer
from tests.support.records_table import create_records_table
from tests.support.sqs import LambdaContextDouble

REGION = "us-west-2"
OUTPUT_BUCKET = "bench-out"
TABLE = "bench"


def workload(requests: int, repeat_share: float) -> list[dict[str, Any]]:
    """Return ``requests`` bodies, ``repeat_share`` of them repeats, in a fixed shuffled order."""
    rng = random.Random(8)
    unique = requests - round(requests * repeat_share)
    firsts = [{"prompt": f"a lighthouse at dusk, study {i}", "seed": i + 1} for i in range(unique)]
    bodies = firsts + [dict(rng.choice(firsts)) for _ in range(requests - unique)]
    rng.shuffle(bodies)
    return bodies


def percentile(values: list[float], share: float) -> float:
    """Return the nearest-rank ``share`` percentile of ``values``."""
    ordered = sorted(values)
    return ordered[max(0, round(share * len(ordered) + 0.5) - 1)]


def run(bodies: list[dict[str, Any]], double: BedrockDouble, delay: float) -> dict[str, Any]:
    """Send ``bodies`` through the handler one at a time; return latencies, costs, counts."""
    from genpic.aws import handlers
    from genpic.records.dynamodb import DynamoRecords
    from genpic.settings import Settings

    latency: dict[str, list[float]] = {"hit": [], "miss": []}
    cost = 0.0
    prices: dict[str, float] = {}  # what each distinct request cost when it was made
    invoked = 0
    for body in bodies:
        if invoked == len(double.requests):
            double.inject(Fault("", delay_seconds=delay, operation="InvokeModel"))
        started = time.perf_counter()
        response = handlers.generate({"body": json.dumps(body)}, LambdaContextDouble("aws_gen_pic"))
        elapsed = time.perf_counter() - started
        answer = json.loads(response["body"])
        assert response["statusCode"] == 200, answer
        latency[answer["cache"]].append(elapsed * 1000)
        cost += answer["cost_usd"]
        prices.setdefault(json.dumps(body, sort_keys=True), answer["cost_usd"])
        invoked = sum(1 for r in double.requests if r.operation == "InvokeModel")
    without_cache = sum(prices[json.dumps(b, sort_keys=True)] for b in bodies)
    stats = DynamoRecords(Settings.from_env()).stats()  # what GET /stats reads
    return {
        "latency": latency,
        "cost": cost,
        "without_cache": without_cache,
        "model_calls": invoked,
        "stats": stats,
    }


def main() -> None:
    requests = int(sys.argv[1]) if len(sys.argv) > 1 else 50
    repeat_share = float(sys.argv[2]) if len(sys.argv) > 2 else 0.4
    delay = float(sys.argv[3]) if len(sys.argv) > 3 else 2.0
    import logging

    logging.disable(logging.WARNING)
    with BedrockDouble() as double, MotoServer() as moto:
        os.environ.update(
            AWS_ACCESS_KEY_ID="testing",
            AWS_SECRET_ACCESS_KEY="testing",
            AWS_REGION=REGION,
            AWS_DEFAULT_REGION=REGION,
            AWS_CONFIG_FILE="/dev/null",
            AWS_SHARED_CREDENTIALS_FILE="/dev/null",
            AWS_LAMBDA_FUNCTION_NAME="aws_gen_pic",
            AWS_ENDPOINT_URL_S3=moto.url,
            AWS_ENDPOINT_URL_DYNAMODB=moto.url,
            AWS_ENDPOINT_URL_BEDROCK_RUNTIME=double.url,
            OUTPUT_BUCKET=OUTPUT_BUCKET,
            INPUT_BUCKET="bench-in",
            GENPIC_TABLE=TABLE,
            GENPIC_ENHANCER="off",
            POWERTOOLS_METRICS_DISABLED="true",
        )
        s3 = boto3.client("s3", region_name=REGION, endpoint_url=moto.url)
        s3.create_bucket(
            Bucket=OUTPUT_BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION}
        )
        create_records_table(
            boto3.client("dynamodb", region_name=REGION, endpoint_url=moto.url), TABLE
        )
        bodies = workload(requests, repeat_share)
        outcome = run(bodies, double, delay)
        stored = s3.list_objects_v2(Bucket=OUTPUT_BUCKET).get("KeyCount", 0)

    latency, stats = outcome["latency"], outcome["stats"]
    print(
        f"{requests} requests ({len(latency['hit'])} repeats), model delay {delay:g} s, "
        "Lambda handler on moto (S3 + DynamoDB records) and the Bedrock double.\n"
    )
    print("| answer | requests | median | p95 |")
    print("|---|---|---|---|")
    for status in ("miss", "hit"):
        values = latency[status]
        print(
            f"| {status} | {len(values)} | {statistics.median(values):.1f} ms | "
            f"{percentile(values, 0.95):.1f} ms |"
        )
    saved = outcome["without_cache"] - outcome["cost"]
    print(
        f"\nModel calls {outcome['model_calls']}, images stored {stored}. "
        f"Paid ${outcome['cost']:.2f}; without the cache ${outcome['without_cache']:.2f}; "
        f"saved ${saved:.2f} ({saved / outcome['without_cache']:.0%}). "
        f"GET /stats says: cost ${stats.cost_usd:.2f}, saved ${stats.saved_usd:.2f}, "
        f"hit rate {stats.cache_hit_rate:.0%}."
    )


if __name__ == "__main__":
    main()
