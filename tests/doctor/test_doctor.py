"""``genpic doctor`` against moto and the Bedrock double: one row per check, exit 1 on a failure."""

from __future__ import annotations

import dataclasses
import json
import threading
from collections.abc import Iterator
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from genpic.catalog import IMAGE_MODELS, Lifecycle
from tests.conftest import INPUT_BUCKET, OUTPUT_BUCKET, RECORDS_TABLE, REGION
from tests.deploy.cfn import load
from tests.doctor.conftest import GUARDRAIL, STACK_TEMPLATE, Deployed
from tests.support.cli import invoke
from tests.support.stability_services import SERVICES

# The allowed models by default, in order: the image services (POST /edit) are checked by
# model id, which is how Bedrock lists them (they are invoked through their us. profiles).
MODELS = (
    "stability.sd3-5-large-v1:0",
    "stability.stable-image-core-v1:1",
    "stability.stable-image-ultra-v1:1",
    *SERVICES,
    "amazon.nova-pro-v1:0",
)


def doctor(*args: str) -> tuple[int, dict[str, Any]]:
    result = invoke("doctor", "--json", *args)
    return result.exit_code, json.loads(result.stdout)


def rows(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {row["check"]: row for row in report["checks"]}


def test_a_healthy_deployment_passes_every_check_and_leaves_nothing_behind(
    deployed: Deployed,
) -> None:
    code, report = doctor()
    assert code == 0, report
    assert (report["source"], report["region"], report["ok"]) == ("environment", REGION, True)
    assert [row["check"] for row in report["checks"]] == [
        *(f"model {m}" for m in MODELS),
        *(f"access {m}" for m in MODELS),
        f"output bucket {OUTPUT_BUCKET}",
        f"input bucket {INPUT_BUCKET}",
        "presigned link",
        f"records table {RECORDS_TABLE}",
        "jobs queue genpic-jobs",
        f"guardrail {GUARDRAIL}:DRAFT",
    ]
    assert {row["status"] for row in report["checks"]} == {"ok"}
    assert all(row["fix"] is None for row in report["checks"])
    # At the wire: control-plane reads only, no model call, and the probe object is gone.
    operations = [operation for operation, _ in deployed.bedrock.control.calls]
    assert operations == [
        "ListFoundationModels",
        *["GetFoundationModelAvailability"] * len(MODELS),
        "GetGuardrail",
    ]
    assert deployed.bedrock.requests == []
    assert deployed.objects() == []


def test_the_table_prints_one_row_per_check(deployed: Deployed) -> None:
    result = invoke("doctor")
    assert result.exit_code == 0
    assert "genpic doctor: environment in us-west-2" in result.stdout
    assert result.stdout.count(" ok ") >= 13


def test_a_model_the_region_does_not_offer_fails_with_the_fix(deployed: Deployed) -> None:
    deployed.bedrock.control.withdraw("stability.stable-image-ultra-v1:1")
    code, report = doctor()
    assert code == 1 and report["ok"] is False
    row = rows(report)["model stability.stable-image-ultra-v1:1"]
    assert row["status"] == "fail"
    assert row["detail"] == "us-west-2 does not offer it"
    assert "Deploy in a region that offers" in row["fix"]
    assert rows(report)["access stability.stable-image-ultra-v1:1"]["status"] == "skip"


def test_a_legacy_model_warns_with_its_end_of_life_and_passes(deployed: Deployed) -> None:
    deployed.bedrock.control.set_lifecycle("stability.stable-image-core-v1:1", "LEGACY")
    code, report = doctor()
    assert code == 0
    row = rows(report)["model stability.stable-image-core-v1:1"]
    assert (row["status"], row["detail"]) == (
        "warn",
        "offered in us-west-2, LEGACY, end of life 2027-01-01",
    )


def test_a_stack_still_on_a_model_the_catalog_retired_fails_naming_the_replacement(
    deployed: Deployed,
) -> None:
    # Bedrock may list a model for a while after its end of life; the catalog's date decides.
    deployed.create_stack(ImageModel2="amazon.nova-canvas-v1:0")
    code, report = doctor("--stack", "imagegen", "--region", REGION)
    assert code == 1
    row = rows(report)["model amazon.nova-canvas-v1:0"]
    assert row["status"] == "fail"
    assert "reached its end of life on Bedrock on 2026-09-30" in row["detail"]
    assert "stability.sd3-5-large-v1:0" in row["detail"]
    assert "genpic models" in row["fix"]


def test_a_model_the_catalog_calls_legacy_warns_before_bedrock_does(
    deployed: Deployed, monkeypatch: pytest.MonkeyPatch
) -> None:
    core = "stability.stable-image-core-v1:1"
    legacy = Lifecycle("legacy", date(2099, 1, 1), "stability.sd3-5-large-v1:0")
    monkeypatch.setitem(
        IMAGE_MODELS, core, dataclasses.replace(IMAGE_MODELS[core], lifecycle=legacy)
    )
    code, report = doctor()
    assert code == 0
    row = rows(report)[f"model {core}"]
    assert row["status"] == "warn"
    assert "reaches its end of life on 2099-01-01" in row["detail"]


@pytest.mark.parametrize("fields", [{"entitlement": "NOT_AVAILABLE"}, {"agreement": "PENDING"}])
def test_model_access_not_granted_fails_with_where_to_request_it(
    deployed: Deployed, fields: dict[str, str]
) -> None:
    deployed.bedrock.control.deny("amazon.nova-pro-v1:0", **fields)
    code, report = doctor()
    assert code == 1
    row = rows(report)["access amazon.nova-pro-v1:0"]
    assert row["status"] == "fail"
    assert "Model access" in row["fix"] and "us-west-2" in row["fix"]


def test_credentials_not_authorized_for_a_model_only_warn(deployed: Deployed) -> None:
    deployed.bedrock.control.deny("amazon.nova-pro-v1:0", authorization="NOT_AUTHORIZED")
    code, report = doctor()
    assert code == 0
    assert rows(report)["access amazon.nova-pro-v1:0"]["status"] == "warn"


def test_a_bucket_without_a_public_access_block_fails(deployed: Deployed) -> None:
    deployed.s3.delete_public_access_block(Bucket=INPUT_BUCKET)
    code, report = doctor()
    assert code == 1
    row = rows(report)[f"input bucket {INPUT_BUCKET}"]
    assert (row["status"], row["detail"]) == ("fail", "exists, but blocks no public access")
    assert row["fix"].startswith(f"aws s3api put-public-access-block --bucket {INPUT_BUCKET}")


def test_a_partly_open_bucket_names_the_flags_that_are_off(deployed: Deployed) -> None:
    deployed.s3.put_public_access_block(
        Bucket=OUTPUT_BUCKET,
        PublicAccessBlockConfiguration={
            "BlockPublicAcls": True,
            "IgnorePublicAcls": True,
            "BlockPublicPolicy": False,
            "RestrictPublicBuckets": False,
        },
    )
    _, report = doctor()
    detail = rows(report)[f"output bucket {OUTPUT_BUCKET}"]["detail"]
    assert (
        detail
        == "exists, but public access is allowed (BlockPublicPolicy, RestrictPublicBuckets off)"
    )


def test_a_missing_output_bucket_fails_and_skips_the_link(
    deployed: Deployed, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OUTPUT_BUCKET", "genpic-nowhere")
    code, report = doctor()
    assert code == 1
    assert rows(report)["output bucket genpic-nowhere"]["detail"] == "does not exist"
    assert rows(report)["presigned link"]["status"] == "skip"


class RedirectingS3:
    """Answers as S3's global host does for a new bucket: 307 to a host the signature fails on."""

    def __init__(self) -> None:
        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                if self.path.startswith("/global/"):
                    self.send_response(307)
                    self.send_header("Location", self.path.replace("/global/", "/regional/", 1))
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                body = b"<Error><Code>SignatureDoesNotMatch</Code></Error>"
                self.send_response(403)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *_: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/global/"


@pytest.fixture
def redirecting_s3() -> Iterator[RedirectingS3]:
    server = RedirectingS3()
    yield server
    server.server.shutdown()
    server.server.server_close()


def test_a_link_the_browser_cannot_open_fails_and_the_probe_is_still_deleted(
    deployed: Deployed, redirecting_s3: RedirectingS3, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        "genpic.storage.s3.S3Store._presigned_get",
        lambda self, client, key: redirecting_s3.url + key,
    )
    code, report = doctor()
    assert code == 1
    row = rows(report)["presigned link"]
    assert row["status"] == "fail"
    assert row["detail"].endswith("answered SignatureDoesNotMatch")
    assert "regional host" in row["fix"]
    assert deployed.objects() == []


def test_a_missing_table_queue_and_guardrail_fail(
    deployed: Deployed, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GENPIC_TABLE", "genpic-gone")
    deployed.sqs.delete_queue(QueueUrl=deployed.queue_url)
    monkeypatch.setenv("GENPIC_GUARDRAIL_VERSION", "3")
    code, report = doctor()
    assert code == 1
    found = rows(report)
    assert found["records table genpic-gone"]["detail"] == "does not exist in us-west-2"
    assert found["jobs queue genpic-jobs"]["detail"] == "does not exist"
    assert found[f"guardrail {GUARDRAIL}:3"]["status"] == "fail"


def test_what_is_not_configured_is_skipped_not_failed(
    deployed: Deployed, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("GENPIC_TABLE", "GENPIC_QUEUE_URL", "GENPIC_GUARDRAIL_ID"):
        monkeypatch.delenv(name)
    code, report = doctor()
    assert code == 0
    found = rows(report)
    assert [found[n]["status"] for n in ("records table", "jobs queue", "guardrail")] == [
        "skip"
    ] * 3


def test_a_stack_names_the_resources_and_models_it_deployed(deployed: Deployed) -> None:
    deployed.create_stack()
    code, report = doctor("--stack", "imagegen", "--region", REGION)
    assert code == 0, report
    found = rows(report)
    assert report["source"] == "stack imagegen"
    assert found["stack imagegen"]["detail"] == "CREATE_COMPLETE"
    models = [name for name in found if name.startswith("model ")]
    # ImageModel3/4 left empty; the text model's inference profile is checked as its base model.
    assert models == [
        "model stability.sd3-5-large-v1:0",
        "model stability.stable-image-core-v1:1",
        "model amazon.nova-pro-v1:0",
    ]
    queue = [name for name in found if name.startswith("jobs queue ")]
    assert queue and queue != ["jobs queue genpic-jobs"], "the stack's queue, not the env's"
    assert found[f"guardrail {GUARDRAIL}:DRAFT"]["status"] == "ok"


def test_an_unknown_stack_is_one_failed_row_naming_the_region(deployed: Deployed) -> None:
    code, report = doctor("--stack", "genpic")
    assert code == 1
    [row] = report["checks"]
    assert (row["check"], row["status"]) == ("stack genpic", "fail")
    assert row["detail"] == "no stack genpic in us-west-2"
    assert "--region" in row["fix"]


def test_the_outputs_and_parameters_doctor_reads_are_template_yamls() -> None:
    template = load()
    assert set(STACK_TEMPLATE["Outputs"]) <= set(template["Outputs"])
    assert set(STACK_TEMPLATE["Parameters"]) <= set(template["Parameters"])
