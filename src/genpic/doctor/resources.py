"""Storage checks: the buckets exist and are private, a presigned link round-trips, the
records table and the jobs queue exist.
"""

from __future__ import annotations

import urllib.error
import urllib.parse
import urllib.request
import uuid
from typing import TYPE_CHECKING, Any

from genpic.awssdk.errors import error_code
from genpic.doctor.base import Check, Clients, call_failed
from genpic.keys import OUTPUT_PREFIX
from genpic.storage.s3 import S3Store

if TYPE_CHECKING:
    from genpic.doctor.deployment import Deployment

_BLOCKS = ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets")
_BLOCK_ALL = ",".join(f"{flag}=true" for flag in _BLOCKS)
_LINK_TIMEOUT_S = 15
#: What the round trip writes: tiny, and under the prefix the lifecycle rule expires anyway.
PROBE = b"genpic doctor: presigned link check\n"


def bucket_check(role: str, bucket: str | None, deployment: Deployment, clients: Clients) -> Check:
    """The ``role`` (output, input) bucket exists, in the deployment's region, fully private."""
    name = f"{role} bucket"
    variable = "OUTPUT_BUCKET" if role == "output" else "INPUT_BUCKET"
    if not bucket:
        return Check(
            name,
            "fail",
            f"not configured ({variable})",
            f"Pass --stack NAME, or set {variable} to the stack's {role.title()}BucketName output.",
        )
    name = f"{name} {bucket}"
    s3 = clients.get("s3")
    try:
        head = s3.head_bucket(Bucket=bucket)
    except Exception as exc:
        code = error_code(exc)
        if code in ("404", "NoSuchBucket", "NotFound"):
            return Check(
                name,
                "fail",
                "does not exist",
                "Deploy the stack (sam deploy), or correct the name.",
            )
        if code in ("403", "AccessDenied"):
            return Check(
                name,
                "fail",
                "exists, but your credentials may not use it (another account's name?)",
                "Bucket names are global: deploy with another stack name, or use your own bucket.",
            )
        return call_failed(name, exc, "s3:ListBucket (HeadBucket)", deployment.region)
    located = head.get("BucketRegion")
    if located and located != deployment.region:
        return Check(
            name,
            "fail",
            f"is in {located}, the deployment in {deployment.region}",
            f"Run genpic doctor (and deploy) in {located}, or use a bucket in {deployment.region}.",
        )
    return _private(name, bucket, s3, deployment.region)


def _private(name: str, bucket: str, s3: Any, region: str) -> Check:
    fix = (
        f"aws s3api put-public-access-block --bucket {bucket} "
        f"--public-access-block-configuration {_BLOCK_ALL}"
    )
    try:
        config = s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"]
    except Exception as exc:
        if error_code(exc) == "NoSuchPublicAccessBlockConfiguration":
            return Check(name, "fail", "exists, but blocks no public access", fix)
        return call_failed(name, exc, "s3:GetBucketPublicAccessBlock", region)
    open_flags = [flag for flag in _BLOCKS if not config.get(flag)]
    if open_flags:
        return Check(
            name, "fail", f"exists, but public access is allowed ({', '.join(open_flags)} off)", fix
        )
    return Check(name, "ok", "exists, private (all public access blocked)")


def link_check(deployment: Deployment, clients: Clients) -> Check:
    """A link genpic signs opens: write a probe object, GET its presigned URL, delete it."""
    name = "presigned link"
    settings = deployment.settings
    key = f"{OUTPUT_PREFIX}doctor_{uuid.uuid4().hex}.txt"
    try:
        stored = S3Store(settings).put_if_absent(key, PROBE, "text/plain", {"engine": "doctor"})
    except Exception as exc:
        return Check(
            name,
            "fail",
            f"could not write a probe to {settings.output_bucket}: {getattr(exc, 'message', exc)}",
            "Run genpic doctor as the deployer (s3:PutObject on the output bucket).",
        )
    try:
        return _fetch(name, stored.url)
    finally:
        clients.get("s3").delete_object(Bucket=settings.output_bucket, Key=key)


def _fetch(name: str, url: str) -> Check:
    host = urllib.parse.urlsplit(url).netloc
    try:
        # Redirects are followed, as a browser does: a signature for the wrong host then fails.
        with urllib.request.urlopen(url, timeout=_LINK_TIMEOUT_S) as response:
            body = response.read()
    except urllib.error.HTTPError as exc:
        text = exc.read().decode("utf-8", "replace")
        code = "SignatureDoesNotMatch" if "SignatureDoesNotMatch" in text else f"HTTP {exc.code}"
        return Check(
            name,
            "fail",
            f"GET {host} answered {code}",
            "Links must be signed for the bucket's regional host (BUCKET.s3.REGION.amazonaws.com); "
            "S3 redirects the global host for new buckets outside us-east-1. Update genpic.",
        )
    except OSError as exc:
        return Check(name, "fail", f"GET {host} failed: {exc}", "Check the network path to S3.")
    if body != PROBE:
        return Check(
            name, "fail", f"GET {host} answered other bytes", "Check for a proxy rewriting S3."
        )
    return Check(name, "ok", f"signed, fetched and deleted ({host})")


def table_check(deployment: Deployment, clients: Clients) -> Check:
    """The records table exists and is ACTIVE."""
    table = deployment.settings.table
    if not table:
        return Check("records table", "skip", "not configured (GENPIC_TABLE)")
    name = f"records table {table}"
    try:
        status = clients.get("dynamodb").describe_table(TableName=table)["Table"]["TableStatus"]
    except Exception as exc:
        if error_code(exc) == "ResourceNotFoundException":
            return Check(
                name,
                "fail",
                f"does not exist in {deployment.region}",
                "Deploy the stack, or set GENPIC_TABLE to its RecordsTableName output.",
            )
        return call_failed(name, exc, "dynamodb:DescribeTable", deployment.region)
    if status != "ACTIVE":
        return Check(name, "warn", f"status {status}", "Wait for the stack operation to finish.")
    return Check(name, "ok", "exists, ACTIVE")


def queue_check(deployment: Deployment, clients: Clients) -> Check:
    """The jobs queue exists, with a dead-letter queue."""
    queue_url = deployment.settings.queue_url
    if not queue_url:
        return Check("jobs queue", "skip", "not configured (GENPIC_QUEUE_URL): jobs run in-process")
    name = f"jobs queue {queue_url.rsplit('/', 1)[-1]}"
    try:
        attributes = clients.get("sqs").get_queue_attributes(
            QueueUrl=queue_url, AttributeNames=["QueueArn", "RedrivePolicy"]
        )["Attributes"]
    except Exception as exc:
        if error_code(exc) in ("AWS.SimpleQueueService.NonExistentQueue", "QueueDoesNotExist"):
            return Check(
                name,
                "fail",
                "does not exist",
                "Deploy the stack, or set GENPIC_QUEUE_URL to its JobsQueueUrl output.",
            )
        return call_failed(name, exc, "sqs:GetQueueAttributes", deployment.region)
    if "RedrivePolicy" not in attributes:
        return Check(
            name,
            "warn",
            "exists, without a dead-letter queue",
            "Jobs that keep failing are retried forever: deploy template.yaml's queue.",
        )
    return Check(name, "ok", "exists, with a dead-letter queue")
