"""A deployment on loopback for ``genpic doctor``: moto (S3, DynamoDB, SQS, CloudFormation)
and the Bedrock double's control plane, configured as the deployer's shell would be.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import boto3
import pytest

from tests.conftest import INPUT_BUCKET, OUTPUT_BUCKET, RECORDS_TABLE, REGION
from tests.support.bedrock_double import BedrockDouble
from tests.support.moto_server import MotoServer
from tests.support.sqs import create_queues

GUARDRAIL = "gr0example1"
BLOCK_ALL = {
    "BlockPublicAcls": True,
    "IgnorePublicAcls": True,
    "BlockPublicPolicy": True,
    "RestrictPublicBuckets": True,
}
# template.yaml's outputs and parameters doctor reads; one real resource, the jobs queue.
STACK_TEMPLATE = {
    "Parameters": {
        name: {"Type": "String", "Default": default}
        for name, default in {
            "ImageModel": "stability.sd3-5-large-v1:0",
            "ImageModel2": "stability.stable-image-core-v1:1",
            "ImageModel3": "",
            "ImageModel4": "",
            "TextModel": "us.amazon.nova-pro-v1:0",
            "Guardrail": GUARDRAIL,
            "GuardrailVersion": "DRAFT",
        }.items()
    },
    "Resources": {"JobsQueue": {"Type": "AWS::SQS::Queue"}},
    "Outputs": {
        "OutputBucketName": {"Value": OUTPUT_BUCKET},
        "InputBucketName": {"Value": INPUT_BUCKET},
        "RecordsTableName": {"Value": RECORDS_TABLE},
        "JobsQueueUrl": {"Value": {"Ref": "JobsQueue"}},
        "GuardrailId": {"Value": {"Ref": "Guardrail"}},
    },
}


@dataclass
class Deployed:
    """The loopback deployment and the clients to change it."""

    s3: Any
    sqs: Any
    cloudformation: Any
    bedrock: BedrockDouble
    queue_url: str

    def create_stack(self, name: str = "imagegen", **parameters: str) -> None:
        self.cloudformation.create_stack(
            StackName=name,
            TemplateBody=json.dumps(STACK_TEMPLATE),
            Parameters=[{"ParameterKey": k, "ParameterValue": v} for k, v in parameters.items()],
        )

    def objects(self, bucket: str = OUTPUT_BUCKET) -> list[str]:
        return [o["Key"] for o in self.s3.list_objects_v2(Bucket=bucket).get("Contents", [])]


@pytest.fixture
def deployed(
    aws: Any, moto_server: MotoServer, bedrock: BedrockDouble, monkeypatch: pytest.MonkeyPatch
) -> Deployed:
    """Everything a healthy deployment has, described by the environment."""
    monkeypatch.delenv("AWS_LAMBDA_FUNCTION_NAME")  # the deployer's shell, not a function
    for service in ("SQS", "CLOUDFORMATION"):
        monkeypatch.setenv(f"AWS_ENDPOINT_URL_{service}", moto_server.url)
    monkeypatch.setenv("AWS_ENDPOINT_URL_BEDROCK", bedrock.url)
    for bucket in (OUTPUT_BUCKET, INPUT_BUCKET):
        aws.put_public_access_block(Bucket=bucket, PublicAccessBlockConfiguration=BLOCK_ALL)
    sqs = boto3.client("sqs", region_name=REGION)
    queue_url, _ = create_queues(sqs, 5)
    monkeypatch.setenv("GENPIC_QUEUE_URL", queue_url)
    monkeypatch.setenv("GENPIC_GUARDRAIL_ID", GUARDRAIL)
    bedrock.control.add_guardrail(GUARDRAIL)
    cloudformation = boto3.client("cloudformation", region_name=REGION)
    return Deployed(aws, sqs, cloudformation, bedrock, queue_url)
