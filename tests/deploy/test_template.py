"""template.yaml against the code: handlers import, variables match, names, state and routes.

What each role grants is checked against the calls the code makes in test_permissions.py.
"""

from __future__ import annotations

import ast
import importlib
import re
from typing import Any
from urllib.parse import urljoin

import pytest

from genpic import settings as settings_module
from genpic.catalog import DEFAULT_ALLOWED_MODELS, RETIRED_MODELS, SD35_LARGE, retirement
from genpic.settings import Settings
from tests.deploy.cfn import ROOT, Evaluator
from tests.deploy.roles import FUNCTIONS, TEMPLATE, environment
from tests.support.documentation import documentation

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
    "GENPIC_CORS_ORIGINS": "set only when the CorsOrigins parameter lists origins (HasCors)",
    "GENPIC_ALLOWED_HOSTS": "any Host on Lambda: API Gateway passes on only its own domains",
    "GENPIC_API_KEY": "API Gateway authorises callers (the AuthType parameter)",
    "GENPIC_REQUEST_TIMEOUT": "the default (28 s) ends a request inside the 29 s function timeout",
    "GENPIC_AB_ENHANCE_SHARE": "no A/B experiment runs until a deployer starts one",
    "AWS_ENDPOINT_URL": "boto3's own override, for tests and LocalStack; AWS's endpoints on Lambda",
    "GENPIC_RECORDS": "dynamodb is the default on Lambda",
    "GENPIC_CACHE_TTL_DAYS": "the default (30 days) matches OutputRetentionDays' default",
    "GENPIC_WEBHOOK_ALLOW_PRIVATE": "webhooks never go to private addresses from AWS",
    "GENPIC_WEBHOOK_SECRET": "local use; on AWS the key stays in Secrets Manager (…_SECRET_ARN)",
    "GENPIC_BLOCKLIST": "the built-in list ships in the bundle; an operator's own is a file in a layer",
    "GENPIC_BLOCKLIST_DEFAULT": "the built-in blocklist is on unless a deployer turns it off",
    "GENPIC_API_KEYS": "API Gateway authorises callers (the AuthType parameter)",
    "GENPIC_RATE_LIMIT": "set only when the RateLimit parameter is (no limit by default)",
    "GENPIC_DAILY_QUOTA": "set only when the DailyQuota parameter is (no quota by default)",
    "GENPIC_METRICS": "EMF metrics are printed by default on Lambda",
}
# Variables only the functions that submit or run jobs read.
JOB_VARIABLES = {
    "ApiFunction": {"GENPIC_QUEUE_URL"},
    "WorkerFunction": {
        "GENPIC_QUEUE_URL",
        "GENPIC_MODEL_RPS",
        "GENPIC_JOB_MAX_RECEIVES",
        "GENPIC_WEBHOOK_SECRET_ARN",
    },
}


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


@pytest.mark.parametrize("function", list(FUNCTIONS))
def test_every_handler_path_imports(function: str) -> None:
    module, attribute = FUNCTIONS[function]["Properties"]["Handler"].rsplit(".", 1)
    assert callable(getattr(importlib.import_module(module), attribute))


def _names(evaluator: Evaluator) -> set[str]:
    """Every function and log group name the stack would create."""
    names = set()
    for function in FUNCTIONS.values():
        names.add(evaluator.resolve(function["Properties"]["FunctionName"]))
    for resource in TEMPLATE["Resources"].values():
        if resource["Type"] == "AWS::Logs::LogGroup" and "LogGroupName" in resource["Properties"]:
            names.add(evaluator.resolve(resource["Properties"]["LogGroupName"]))
    return names


def test_two_stacks_side_by_side_name_nothing_alike() -> None:
    assert not _names(Evaluator(TEMPLATE, stack="genpic")) & _names(
        Evaluator(TEMPLATE, stack="gp2")
    )


def test_the_original_function_names_are_one_parameter_each_away() -> None:
    defaults = Evaluator(TEMPLATE, stack="genpic")
    original = Evaluator(
        TEMPLATE,
        {"GenerateFunctionName": "aws_gen_pic", "EnhanceFunctionName": "enhance_prompt"},
    )

    def name(evaluator: Evaluator, function: str) -> str:
        return str(evaluator.resolve(FUNCTIONS[function]["Properties"]["FunctionName"]))

    assert name(defaults, "GenerateFunction") == "genpic-aws_gen_pic"
    assert name(defaults, "EnhanceFunction") == "genpic-enhance_prompt"
    assert name(original, "GenerateFunction") == "aws_gen_pic"
    assert name(original, "EnhanceFunction") == "enhance_prompt"
    assert {"/aws/lambda/aws_gen_pic", "/aws/lambda/enhance_prompt"} <= _names(original)


def test_the_synchronous_limits() -> None:
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
        "GET /": "ApiFunction",
        "GET /static/{proxy+}": "ApiFunction",
        "OPTIONS /{proxy+}": "ApiFunction",
    }


STATEFUL = ("InputBucket", "OutputBucket", "RecordsTable", "JobsQueue", "JobsDeadLetterQueue")


def test_state_survives_a_replacement_or_a_deleted_stack() -> None:
    resources = TEMPLATE["Resources"]
    for name in STATEFUL:
        assert resources[name].get("DeletionPolicy") == "Retain", name
        assert resources[name].get("UpdateReplacePolicy") == "Retain", name


def test_snapstart_is_on_the_synchronous_functions_only_as_documented() -> None:
    evaluator = Evaluator(TEMPLATE)
    globals_ = evaluator.resolve(TEMPLATE["Globals"]["Function"]["SnapStart"])
    applied = {
        name: evaluator.resolve(function["Properties"].get("SnapStart", globals_))["ApplyOn"]
        for name, function in FUNCTIONS.items()
    }
    assert applied == {
        "GenerateFunction": "PublishedVersions",
        "EnhanceFunction": "PublishedVersions",
        "ApiFunction": "PublishedVersions",
        "WorkerFunction": "None",
    }
    off = Evaluator(TEMPLATE, {"EnableSnapStart": "false"})
    assert off.resolve(TEMPLATE["Globals"]["Function"]["SnapStart"])["ApplyOn"] == "None"
    assert "synchronous functions" in TEMPLATE["Parameters"]["EnableSnapStart"]["Description"]
    readme = documentation()
    [cost] = [line for line in readme.splitlines() if line.startswith("| Lambda SnapStart")]
    assert "for three" in cost  # generate, enhance and the HTTP app; not the worker


def _routes() -> dict[str, dict[str, Any]]:
    return {
        resource["Properties"]["RouteKey"]: resource["Properties"]
        for resource in TEMPLATE["Resources"].values()
        if resource["Type"] == "AWS::ApiGatewayV2::Route"
    }


@pytest.mark.parametrize("auth", ["NONE", "IAM", "JWT"])
def test_the_page_its_files_and_preflights_are_public_and_the_api_is_not(auth: str) -> None:
    evaluator = Evaluator(TEMPLATE, {"AuthType": auth})
    authorization = {
        key: evaluator.resolve(route).get("AuthorizationType") for key, route in _routes().items()
    }
    public = {"GET /", "GET /static/{proxy+}", "OPTIONS /{proxy+}"}
    protected = {"NONE": "NONE", "IAM": "AWS_IAM", "JWT": "JWT"}[auth]
    assert authorization == {key: "NONE" if key in public else protected for key in authorization}
    assert {"POST /generate", "POST /generate-enhanced", "$default"} <= set(authorization)


def test_the_page_is_served_under_the_public_routes() -> None:
    from genpic.http.app import STATIC_DIR

    page = (STATIC_DIR / "index.html").read_text()
    # The page at / links its files relative to itself; each must land under /static/.
    linked = [urljoin("/", path) for path in re.findall(r'(?:href|src)="(?!data:)([^"]+)"', page)]
    assert linked and all(path.startswith("/static/") for path in linked), linked


IMAGE_MODEL_PARAMETERS = ("ImageModel", "ImageModel2", "ImageModel3", "ImageModel4")


@pytest.mark.parametrize("name", IMAGE_MODEL_PARAMETERS)
def test_no_image_model_parameter_defaults_to_or_allows_a_retired_model(name: str) -> None:
    parameter = TEMPLATE["Parameters"][name]
    allowed = re.compile(parameter["AllowedPattern"])
    retired = [m for m in RETIRED_MODELS if retirement(m)]
    assert retired, "the catalog retires Nova Canvas and Titan Image Generator v2"
    for model_id in retired:
        for named in (model_id, f"us.{model_id}", f"eu.{model_id}"):
            assert not allowed.fullmatch(named), named
    assert allowed.fullmatch(parameter["Default"])
    assert retirement(parameter["Default"]) is None
    for usable in (*DEFAULT_ALLOWED_MODELS, f"us.{SD35_LARGE}", ""):
        assert allowed.fullmatch(usable), usable
