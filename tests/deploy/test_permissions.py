"""Each role allows exactly the AWS calls its function's code makes, on the right resources.

The table of needed grants is built from the code's own calls: each function's handler
runs every path that reaches AWS (``tests.deploy.scenarios``) against moto and the
Bedrock double, with the environment template.yaml gives it, while every call on a
genpic client is recorded and turned into IAM (action, resource) pairs
(``tests.deploy.sdk_calls``). Then, per function:

- every pair a call needs is allowed by the function's role (moto does not enforce IAM;
  this test does), and
- every grant the role holds is needed by some call, or by the Lambda platform itself
  (``platform_grants``): nothing more is granted.

And every AWS call written anywhere in ``src/genpic`` is made by some scenario, so a new
call cannot slip past both checks unexercised.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import boto3
import pytest

from genpic.aws import handlers
from genpic.catalog import EDIT_MODELS, base_model_id
from tests.conftest import REGION
from tests.deploy import scenarios
from tests.deploy.cfn import ACCOUNT, ROOT, Evaluator
from tests.deploy.roles import FUNCTIONS, TEMPLATE, allows, environment, granted
from tests.deploy.sdk_calls import (
    US_PROFILE_REGIONS,
    Call,
    Recording,
    function_calls_in_code,
    grants_needed,
    record,
)
from tests.support.bedrock_double import BedrockDouble, GuardrailRules
from tests.support.moto_server import MotoServer
from tests.support.records_table import create_records_table
from tests.support.sqs import create_queues
from tests.support.webhook_receivers import Receiver

pytestmark = pytest.mark.filterwarnings("ignore:No application metrics to publish")

# Calls no function makes: `genpic jobs` lists jobs with the operator's own credentials.
OPERATOR_ONLY = {"scan"}
# What the SQS event source mapping does with the worker's role (not genpic's code).
EVENT_SOURCE_ACTIONS = ("sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes")
OVERRIDES = {
    "defaults": {},
    "inference-profiles": {
        "ImageModel": "us.stability.sd3-5-large-v1:0",
        "ImageModel3": "",
        "TextModel": "us.amazon.nova-pro-v1:0",
    },
    "one-model-traced": {"ImageModel2": "", "ImageModel3": "", "Tracing": "Active"},
    "no-guardrail": {"Guardrail": "none"},
    "own-guardrail": {
        "Guardrail": "abc123def",
        "GuardrailVersion": "2",
        "GuardrailProfile": "us.guardrail.v1:0",
    },
}
_METHODS: dict[str, set[str]] = {}
EDIT_BASE_IDS = frozenset(base_model_id(m.model_id) for m in EDIT_MODELS)


def platform_grants(evaluator: Evaluator, function: str) -> set[tuple[str, str]]:
    """Grants the Lambda platform uses with the role, not genpic's code."""
    name = evaluator.resolve(FUNCTIONS[function]["Properties"]["FunctionName"])
    log_group = f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:/aws/lambda/{name}:*"
    pairs = {("logs:CreateLogStream", log_group), ("logs:PutLogEvents", log_group)}
    if function == "WorkerFunction":
        queue = evaluator.resolve({"Fn::GetAtt": ["JobsQueue", "Arn"]})
        pairs |= {(action, queue) for action in EVENT_SOURCE_ACTIONS}
    if evaluator.condition("TracingOn"):
        # X-Ray has no resource-level permissions: the one "*" the template may grant.
        pairs |= {("xray:PutTraceSegments", "*"), ("xray:PutTelemetryRecords", "*")}
    return pairs


@contextmanager
def _deployed(
    evaluator: Evaluator,
    function: str,
    moto_server: MotoServer,
    bedrock: BedrockDouble,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[tuple[scenarios.Deployed, Recording, dict[str, str]]]:
    env = environment(evaluator, function)
    s3 = boto3.client("s3", region_name=REGION)
    for bucket in (env["OUTPUT_BUCKET"], env["INPUT_BUCKET"]):
        s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": REGION})
    create_records_table(boto3.client("dynamodb", region_name=REGION), env["GENPIC_TABLE"])
    sqs = boto3.client("sqs", region_name=REGION, endpoint_url=moto_server.url)
    queue_name = evaluator.resolve({"Fn::GetAtt": ["JobsQueue", "QueueName"]})
    queue_url, _ = create_queues(sqs, 5, name=queue_name)
    secrets = boto3.client("secretsmanager", region_name=REGION, endpoint_url=moto_server.url)
    secret_arn = secrets.create_secret(Name="webhooksecret", SecretString="k3y")["ARN"]
    template_secret = evaluator.resolve({"Ref": "WebhookSecret"})
    # What the template names by CloudFormation's values, moto names its own way.
    actual = {
        "GENPIC_QUEUE_URL": queue_url,
        "GENPIC_WEBHOOK_SECRET_ARN": secret_arn,
    }
    for name, value in env.items():
        monkeypatch.setenv(name, str(actual.get(name, value)))
    monkeypatch.setenv("AWS_LAMBDA_FUNCTION_NAME", function)
    monkeypatch.setenv("AWS_ENDPOINT_URL_SQS", moto_server.url)
    monkeypatch.setenv("AWS_ENDPOINT_URL_SECRETS_MANAGER", moto_server.url)
    monkeypatch.setenv("GENPIC_WEBHOOK_ALLOW_PRIVATE", "true")  # the receiver is on loopback
    if "GENPIC_MODEL_RPS" in env:
        monkeypatch.setenv("GENPIC_MODEL_RPS", "1000")  # the scenario slows it when it must
    if "GENPIC_GUARDRAIL_ID" in env:
        bedrock.guardrails = GuardrailRules(known=frozenset({env["GENPIC_GUARDRAIL_ID"]}))
    handlers.reset()
    receiver = Receiver().start()
    with record(monkeypatch) as recording:

        @contextmanager
        def pause() -> Iterator[None]:
            calls = len(recording.calls)
            yield
            del recording.calls[calls:]

        # The text-to-image models; the image services are called by scenarios.edit_paths.
        allowed = env["GENPIC_ALLOWED_MODELS"].split(",")
        models = tuple(m for m in allowed if base_model_id(m) not in EDIT_BASE_IDS)
        deployed = scenarios.Deployed(
            s3, sqs, bedrock, receiver, env["OUTPUT_BUCKET"], env["INPUT_BUCKET"], queue_url,
            models, pause,
        )  # fmt: skip
        try:
            yield deployed, recording, {secret_arn: template_secret}
        finally:
            receiver.stop()
            handlers.reset()


def _run(
    overrides_id: str,
    function: str,
    moto_server: MotoServer,
    bedrock: BedrockDouble,
    monkeypatch: pytest.MonkeyPatch,
) -> set[tuple[str, str]]:
    evaluator = Evaluator(TEMPLATE, OVERRIDES[overrides_id])
    with _deployed(evaluator, function, moto_server, bedrock, monkeypatch) as (
        deployed,
        recording,
        aliases,
    ):
        scenario = scenarios.SCENARIOS[function]
        if function == "WorkerFunction":

            def slow_pace() -> None:
                monkeypatch.setenv("GENPIC_MODEL_RPS", "0.02")
                handlers.reset()

            scenario(deployed, slow_pace)
        else:
            scenario(deployed)
    _METHODS.setdefault(function, set()).update(recording.methods())
    needed = {
        (action, aliases.get(resource, resource))
        for action, resource in grants_needed(recording.calls, ACCOUNT)
    }
    profile = evaluator.params["GuardrailProfile"]
    if profile and any(action == "bedrock:ApplyGuardrail" for action, _ in needed):
        # A Standard-tier guardrail (a property of the guardrail, not of the call) also routes
        # through its profile, checked in the region that serves the call.
        # https://docs.aws.amazon.com/bedrock/latest/userguide/guardrail-profiles-permissions.html
        needed |= {
            (
                "bedrock:ApplyGuardrail",
                f"arn:aws:bedrock:{region}:{ACCOUNT}:guardrail-profile/{profile}",
            )
            for region in US_PROFILE_REGIONS
        }
    return needed


@pytest.mark.parametrize("overrides_id", list(OVERRIDES))
@pytest.mark.parametrize("function", list(FUNCTIONS))
def test_each_role_allows_every_call_its_code_makes_and_nothing_more(
    aws: Any,
    moto_server: MotoServer,
    bedrock: BedrockDouble,
    monkeypatch: pytest.MonkeyPatch,
    function: str,
    overrides_id: str,
) -> None:
    needed = _run(overrides_id, function, moto_server, bedrock, monkeypatch)
    evaluator = Evaluator(TEMPLATE, OVERRIDES[overrides_id])
    grants = granted(evaluator, function)
    platform = platform_grants(evaluator, function)

    denied = {pair for pair in needed if not any(allows(grant, pair) for grant in grants)}
    assert not denied, f"{function}'s role does not allow calls its code makes"
    unused = {
        grant for grant in grants - platform if not any(allows(grant, pair) for pair in needed)
    }
    assert not unused, f"{function}'s role grants what no call of its code needs"
    assert platform <= grants, f"{function}'s role misses what Lambda itself needs"
    assert all(resource != "*" or action.startswith("xray:") for action, resource in grants)


def test_every_aws_call_in_the_code_is_made_by_some_function_or_is_operator_only(
    aws: Any, moto_server: MotoServer, bedrock: BedrockDouble, monkeypatch: pytest.MonkeyPatch
) -> None:
    for function in FUNCTIONS:
        if function not in _METHODS:
            _run("defaults", function, moto_server, bedrock, monkeypatch)
    made = set().union(*_METHODS.values())
    unexercised = function_calls_in_code(ROOT / "src" / "genpic") - made
    assert unexercised == OPERATOR_ONLY, (
        "add a scenario (tests/deploy/scenarios.py) for each call no function makes yet"
    )


def test_the_grant_table_and_the_wildcard_match_on_known_calls() -> None:
    call = Call("s3", "head_object", {"Bucket": "b", "Key": "outputs/k"}, REGION)
    assert grants_needed([call], ACCOUNT) == {
        ("s3:GetObject", "arn:aws:s3:::b/outputs/k"),
        ("s3:ListBucket", "arn:aws:s3:::b"),
    }
    assert allows(
        ("s3:GetObject", "arn:aws:s3:::b/outputs/*"), ("s3:GetObject", "arn:aws:s3:::b/outputs/k")
    )
    assert not allows(
        ("s3:GetObject", "arn:aws:s3:::b/outputs/*"), ("s3:GetObject", "arn:aws:s3:::b/inputs/k")
    )
    with pytest.raises(KeyError):
        grants_needed([Call("s3", "delete_object", {"Bucket": "b", "Key": "k"}, REGION)], ACCOUNT)
