"""template.yaml against the code: handlers import, variables match, IAM grants what is used.

The grants each role must hold are derived from genpic itself (the settings the template's
environment produces, the output key prefix, the SDK calls in src/), and compared for
equality: a missing grant and a surplus one both fail.
"""

from __future__ import annotations

import ast
import importlib
import re
from typing import Any

import pytest

from genpic import settings as settings_module
from genpic.keys import OUTPUT_PREFIX
from genpic.records.dynamotable import RECENT_INDEX
from genpic.settings import Settings
from tests.deploy.cfn import ACCOUNT, REGION, ROOT, Evaluator, load

TEMPLATE = load()
FUNCTIONS = {
    name: resource
    for name, resource in TEMPLATE["Resources"].items()
    if resource["Type"] == "AWS::Serverless::Function"
}

# Each SDK call genpic makes, and the IAM action it needs (Converse is authorised as
# InvokeModel; a presigned GET is authorised as the signer's GetObject when it is used).
SDK_ACTIONS = {
    "invoke_model": "bedrock:InvokeModel",
    "converse": "bedrock:InvokeModel",
    "apply_guardrail": "bedrock:ApplyGuardrail",
    "put_object": "s3:PutObject",
    "get_object": "s3:GetObject",
    "generate_presigned_url": "s3:GetObject",
    "head_object": "s3:GetObject",
    # The browser's POST to a presigned upload is authorised as the signer's PutObject.
    "generate_presigned_post": "s3:PutObject",
    "get_item": "dynamodb:GetItem",
    "put_item": "dynamodb:PutItem",
    "update_item": "dynamodb:UpdateItem",
    "delete_item": "dynamodb:DeleteItem",
    "query": "dynamodb:Query",
    "batch_write_item": "dynamodb:BatchWriteItem",
    "batch_get_item": "dynamodb:BatchGetItem",
    "scan": "dynamodb:Scan",
    "send_message": "sqs:SendMessage",
    "send_message_batch": "sqs:SendMessage",
    "change_message_visibility": "sqs:ChangeMessageVisibility",
}
# Only the HTTP app lists images (GET /images), from the records table's "recent" index.
LISTING_CALLS = {"query"}
# Variables genpic reads that the template leaves unset on purpose, and why.
UNSET_ON_PURPOSE = {
    "AWS_LAMBDA_FUNCTION_NAME": "set by Lambda; it switches the defaults to bedrock/bedrock/s3",
    "AWS_REGION": "set by Lambda",
    "AWS_DEFAULT_REGION": "set by Lambda",
    "GENPIC_ENGINE": "bedrock is the default on Lambda",
    "GENPIC_ENHANCER": "bedrock is the default on Lambda",
    "GENPIC_STORAGE": "s3 is the default on Lambda",
    "GENPIC_DATA_DIR": "local storage only",
    "GENPIC_PUBLIC_URL": "local storage only",
    "GENPIC_MODEL_TIMEOUT": "the default (20 s) is what the 29 s function timeout is sized for",
    "GENPIC_ENHANCE_TIMEOUT": "the default (6 s) is what the 29 s function timeout is sized for",
    "GENPIC_MODEL_ATTEMPTS": "the default (3) is what the 29 s function timeout is sized for",
    "GENPIC_LOG_LEVEL": "Powertools' INFO is right on Lambda; set it to DEBUG when investigating",
    "GENPIC_CORS_ORIGINS": "API Gateway answers CORS (the CorsOrigins parameter) before the app",
    "GENPIC_API_KEY": "API Gateway authorises callers (the AuthType parameter)",
    "GENPIC_REQUEST_TIMEOUT": "the default (28 s) ends a request inside the 29 s function timeout",
    "GENPIC_AB_ENHANCE_SHARE": "no A/B experiment runs until a deployer starts one",
    "AWS_ENDPOINT_URL": "boto3's own override, for tests and LocalStack; AWS's endpoints on Lambda",
    "GENPIC_RECORDS": "dynamodb is the default on Lambda",
    "GENPIC_CACHE_TTL_DAYS": "the default (30 days) matches OutputRetentionDays' default",
    "GENPIC_WEBHOOK_ALLOW_PRIVATE": "webhooks never go to private addresses from AWS",
    "GENPIC_BLOCKLIST": "the built-in list ships in the bundle; an operator's own is a file in a layer",
    "GENPIC_BLOCKLIST_DEFAULT": "the built-in blocklist is on unless a deployer turns it off",
}
# The jobs feature's SDK calls (src/genpic/jobs) by the function that makes them. Scan lists
# jobs for `genpic jobs`, an operator's command run with their own credentials: no function.
JOB_CALLS = {
    "ApiFunction": {
        "send_message_batch",
        "batch_write_item",
        "put_item",
        "batch_get_item",
        "get_item",
    },
    "WorkerFunction": {"send_message", "change_message_visibility", "get_item", "put_item"},
}
OPERATOR_ONLY_CALLS = {"scan"}
# What the SQS event source mapping does with the worker's role (not genpic's code).
EVENT_SOURCE_ACTIONS = {"sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"}
# Variables only the functions that submit or run jobs read.
JOB_VARIABLES = {
    "ApiFunction": {"GENPIC_QUEUE_URL"},
    "WorkerFunction": {
        "GENPIC_QUEUE_URL",
        "GENPIC_MODEL_RPS",
        "GENPIC_JOB_MAX_RECEIVES",
        "GENPIC_WEBHOOK_SECRET",
    },
}
# The HTTP app's POST /uploads signs a presigned POST into INPUT_BUCKET/uploads/ (contract).
UPLOAD_PREFIX = "uploads/"


def variables_genpic_reads() -> set[str]:
    """Every environment variable name in settings.py, plus any read directly elsewhere."""
    tree = ast.parse((ROOT / "src/genpic/settings.py").read_text())
    names = {
        node.value.value
        for node in tree.body
        if isinstance(node, ast.Assign)
        and isinstance(node.value, ast.Constant)
        and isinstance(node.value.value, str)
        and re.fullmatch(r"[A-Z][A-Z0-9_]+", node.value.value)
    }
    for path in (ROOT / "src/genpic").rglob("*.py"):
        names |= set(
            re.findall(r"environ(?:\.get)?[(\[]\s*[\"']([A-Z][A-Z0-9_]+)", path.read_text())
        )
    return names


def sdk_calls_in_code(folder: str = "") -> set[str]:
    """Names of the boto3 client methods genpic's source (under ``folder``) calls."""
    calls: set[str] = set()
    for path in (ROOT / "src/genpic" / folder).rglob("*.py"):
        calls |= set(re.findall(r"client\.([a-z_]+)\(", path.read_text()))
    return calls


def environment(evaluator: Evaluator, function: str) -> dict[str, str]:
    merged = {**TEMPLATE["Globals"]["Function"].get("Environment", {}).get("Variables", {})}
    merged.update(FUNCTIONS[function]["Properties"].get("Environment", {}).get("Variables", {}))
    return evaluator.resolve(merged)


def granted(evaluator: Evaluator, function: str) -> set[tuple[str, str]]:
    """(action, resource) pairs the function's role allows."""
    role = TEMPLATE["Resources"][FUNCTIONS[function]["Properties"]["Role"]["Fn::GetAtt"][0]]
    documents = [policy["PolicyDocument"] for policy in role["Properties"].get("Policies", [])]
    documents += [
        TEMPLATE["Resources"][ref["Ref"]]["Properties"]["PolicyDocument"]
        for ref in role["Properties"].get("ManagedPolicyArns", [])
    ]
    pairs = set()
    for document in evaluator.resolve(documents):
        for statement in document["Statement"]:
            assert statement["Effect"] == "Allow"
            actions = statement["Action"]
            resources = statement["Resource"]
            for action in [actions] if isinstance(actions, str) else actions:
                for resource in [resources] if isinstance(resources, str) else resources:
                    pairs.add((action, resource))
    return pairs


def model_arns(model: str) -> set[str]:
    if model.startswith("us."):
        base = model.removeprefix("us.")
        return {f"arn:aws:bedrock:{REGION}:{ACCOUNT}:inference-profile/{model}"} | {
            f"arn:aws:bedrock:{region}::foundation-model/{base}"
            for region in ("us-east-1", "us-east-2", "us-west-2")
        }
    return {f"arn:aws:bedrock:{REGION}::foundation-model/{model}"}


def needed(evaluator: Evaluator, function: str) -> set[tuple[str, str]]:
    """(action, resource) pairs the function's code uses, given the template's settings."""
    env = environment(evaluator, function)
    settings = Settings.from_env({**env, "AWS_LAMBDA_FUNCTION_NAME": "x", "AWS_REGION": REGION})
    name = evaluator.resolve(FUNCTIONS[function]["Properties"]["FunctionName"])
    log_group = f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:/aws/lambda/{name}:*"
    inputs, outputs = (
        f"arn:aws:s3:::{settings.input_bucket}",
        f"arn:aws:s3:::{settings.output_bucket}",
    )
    pairs = {("logs:CreateLogStream", log_group), ("logs:PutLogEvents", log_group)}
    for model in (*settings.allowed_models, settings.text_model):
        pairs |= {("bedrock:InvokeModel", arn) for arn in model_arns(model)}
    pairs |= {("s3:GetObject", f"{inputs}/*"), ("s3:ListBucket", inputs)}
    pairs |= {
        (action, f"{outputs}/{OUTPUT_PREFIX}*") for action in ("s3:PutObject", "s3:GetObject")
    }
    table = f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/{settings.table}"
    records_calls = sdk_calls_in_code("records")
    pairs |= {(SDK_ACTIONS[call], table) for call in records_calls - LISTING_CALLS}
    queue = f"arn:aws:sqs:{REGION}:{ACCOUNT}:jobsqueue"
    for call in JOB_CALLS.get(function, set()):
        action = SDK_ACTIONS[call]
        pairs.add((action, queue if action.startswith("sqs:") else table))
    if function == "WorkerFunction":
        pairs |= {(action, queue) for action in EVENT_SOURCE_ACTIONS}
    if function == "ApiFunction":
        pairs.add(("s3:PutObject", f"{inputs}/{UPLOAD_PREFIX}*"))
        pairs |= {
            (SDK_ACTIONS[call], f"{table}/index/{RECENT_INDEX}")
            for call in records_calls & LISTING_CALLS
        }
    if settings.guardrail_id:
        guardrail = f"arn:aws:bedrock:{REGION}:{ACCOUNT}:guardrail/{settings.guardrail_id}"
        pairs.add(("bedrock:ApplyGuardrail", guardrail))
        profile = evaluator.params["GuardrailProfile"]
        if profile:
            # A Standard-tier guardrail routes through its profile, in each of its regions.
            pairs.add(
                (
                    "bedrock:ApplyGuardrail",
                    f"arn:aws:bedrock:*:{ACCOUNT}:guardrail-profile/{profile}",
                )
            )
    if evaluator.condition("TracingOn"):
        # X-Ray has no resource-level permissions: the one "*" the template may grant.
        pairs |= {("xray:PutTraceSegments", "*"), ("xray:PutTelemetryRecords", "*")}
    return pairs


@pytest.mark.parametrize("function", list(FUNCTIONS))
def test_every_handler_path_imports(function: str) -> None:
    module, attribute = FUNCTIONS[function]["Properties"]["Handler"].rsplit(".", 1)
    assert callable(getattr(importlib.import_module(module), attribute))


def test_functions_keep_the_original_names_and_the_synchronous_limits() -> None:
    evaluator = Evaluator(TEMPLATE)
    names = {
        name: evaluator.resolve(FUNCTIONS[name]["Properties"]["FunctionName"]) for name in FUNCTIONS
    }
    assert names["GenerateFunction"] == "aws_gen_pic"
    assert names["EnhanceFunction"] == "enhance_prompt"
    function_defaults = TEMPLATE["Globals"]["Function"]
    assert function_defaults["Runtime"] == "python3.13"
    assert function_defaults["Architectures"] == ["arm64"]
    assert function_defaults["Timeout"] < 30  # API Gateway's integration limit
    assert Settings().enhance_timeout_s + Settings().model_timeout_s < function_defaults["Timeout"]


def test_every_variable_a_function_needs_is_set_and_nothing_else() -> None:
    reads = variables_genpic_reads()
    evaluator = Evaluator(TEMPLATE)
    all_job_variables = set().union(*JOB_VARIABLES.values())
    for function in FUNCTIONS:
        env = environment(evaluator, function)
        assert set(env) <= reads, f"{function} sets variables genpic never reads"
        wanted = reads - all_job_variables | JOB_VARIABLES.get(function, set())
        assert set(env) | set(UNSET_ON_PURPOSE) == wanted, function
        assert not set(env) & set(UNSET_ON_PURPOSE), function
        assert all(env.values()), f"{function} has an empty variable"


def test_the_variable_scan_sees_settings_names() -> None:
    reads = variables_genpic_reads()
    assert {settings_module.OUTPUT_BUCKET, settings_module.ALLOWED_MODELS} <= reads


def test_every_sdk_call_in_the_code_has_a_known_iam_action() -> None:
    assert sdk_calls_in_code() == set(SDK_ACTIONS)


def test_every_jobs_sdk_call_is_granted_to_the_function_making_it() -> None:
    assert set().union(*JOB_CALLS.values()) | OPERATOR_ONLY_CALLS == sdk_calls_in_code("jobs")


def test_the_jobs_queue_outlives_the_worker_and_reports_partial_failures() -> None:
    evaluator = Evaluator(TEMPLATE)
    resources = TEMPLATE["Resources"]
    queue = resources["JobsQueue"]["Properties"]
    worker = FUNCTIONS["WorkerFunction"]["Properties"]
    assert queue["VisibilityTimeout"] >= 6 * worker["Timeout"]
    redrive = evaluator.resolve(queue["RedrivePolicy"])
    assert redrive["maxReceiveCount"] == evaluator.resolve({"Ref": "JobsMaxReceiveCount"})
    source = evaluator.resolve(worker["Events"]["Jobs"]["Properties"])
    assert source["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert source["BatchSize"] and source["ScalingConfig"]["MaximumConcurrency"]
    alarm = evaluator.resolve(resources["JobsDeadLetterAlarm"]["Properties"])
    assert alarm["MetricName"] == "ApproximateNumberOfMessagesVisible"


@pytest.mark.parametrize(
    "overrides",
    [
        {},
        {"TextModel": "us.amazon.nova-pro-v1:0", "ImageModel4": "amazon.nova-canvas-v1:0"},
        {"ImageModel2": "", "ImageModel3": "", "Tracing": "Active"},
        {"Guardrail": "none"},
        {
            "Guardrail": "abc123def",
            "GuardrailVersion": "2",
            "GuardrailProfile": "us.guardrail.v1:0",
        },
    ],
    ids=["defaults", "inference-profile", "one-model-traced", "no-guardrail", "own-guardrail"],
)
@pytest.mark.parametrize("function", list(FUNCTIONS))
def test_each_role_grants_exactly_what_its_code_uses(
    function: str, overrides: dict[str, str]
) -> None:
    evaluator = Evaluator(TEMPLATE, overrides)
    assert granted(evaluator, function) == needed(evaluator, function)


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({}, {"GENPIC_GUARDRAIL_ID": "contentguardrail", "GENPIC_GUARDRAIL_VERSION": "DRAFT"}),
        (
            {"Guardrail": "abc123def", "GuardrailVersion": "4"},
            {"GENPIC_GUARDRAIL_ID": "abc123def", "GENPIC_GUARDRAIL_VERSION": "4"},
        ),
        ({"Guardrail": "none"}, {}),
    ],
    ids=["created", "existing", "none"],
)
def test_every_function_applies_the_guardrail_the_parameters_choose(
    overrides: dict[str, str], expected: dict[str, str]
) -> None:
    evaluator = Evaluator(TEMPLATE, overrides)
    for function in FUNCTIONS:
        env = environment(evaluator, function)
        chosen = {
            k: v for k, v in env.items() if k in ("GENPIC_GUARDRAIL_ID", "GENPIC_GUARDRAIL_VERSION")
        }
        assert chosen == expected, function
        assert ("GENPIC_GUARDRAIL_IMAGES" in env) == bool(expected)
    assert evaluator.condition("CreateGuardrail") == (overrides == {})


def test_the_created_guardrail_filters_images_only_when_they_are_screened() -> None:
    guardrail = TEMPLATE["Resources"]["ContentGuardrail"]
    assert guardrail["Condition"] == "CreateGuardrail"
    for images, modalities in (("on", ["TEXT", "IMAGE"]), ("off", ["TEXT"])):
        config = Evaluator(TEMPLATE, {"GuardrailImages": images}).resolve(guardrail["Properties"])
        filters = {f["Type"]: f for f in config["ContentPolicyConfig"]["FiltersConfig"]}
        assert filters["SEXUAL"]["OutputModalities"] == modalities
        assert filters["PROMPT_ATTACK"]["OutputStrength"] == "NONE"
        assert config["WordPolicyConfig"]["WordsConfig"]
    standard = Evaluator(TEMPLATE, {"GuardrailProfile": "us.guardrail.v1:0"}).resolve(
        guardrail["Properties"]
    )
    assert standard["ContentPolicyConfig"]["ContentFiltersTierConfig"] == {"TierName": "STANDARD"}
    assert standard["CrossRegionConfig"]["GuardrailProfileArn"].endswith(
        "guardrail-profile/us.guardrail.v1:0"
    )


def test_the_api_routes_the_two_original_endpoints_and_sends_the_rest_to_the_app() -> None:
    routes: dict[str, Any] = {
        resource["Properties"]["RouteKey"]: resource["Properties"]["Target"]["Fn::Sub"]
        for resource in TEMPLATE["Resources"].values()
        if resource["Type"] == "AWS::ApiGatewayV2::Route"
    }
    integrations = {
        name: resource["Properties"]["IntegrationUri"]["Ref"].split(".")[0]
        for name, resource in TEMPLATE["Resources"].items()
        if resource["Type"] == "AWS::ApiGatewayV2::Integration"
    }
    target = {key: integrations[value.split("${")[1].rstrip("}")] for key, value in routes.items()}
    assert target == {
        "POST /generate": "GenerateFunction",
        "POST /generate-enhanced": "EnhanceFunction",
        "$default": "ApiFunction",
    }
