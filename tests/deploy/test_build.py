"""The deployment checks CI runs: the linters, checkov, and `sam build` with a working bundle.

Marked slow (sam build resolves wheels for arm64, about 20 s on 2 cores); they still run
in the default `pytest`. No AWS account is involved.
"""

from __future__ import annotations

import json
import os
import platform
import sys
from pathlib import Path

import pytest
from botocore import xform_name

from genpic.awssdk.clients import OPERATIONS
from tests.deploy.cfn import ROOT
from tests.deploy.sdk_calls import PRESIGNERS, function_calls_in_code
from tests.deploy.tools import python313, run, tool

pytestmark = pytest.mark.slow
LAMBDA_UNZIPPED_LIMIT = 250 * 1024 * 1024
BUNDLE_TARGET = 40 * 1024 * 1024  # issue 13: below 40 MiB unzipped
# importlib.util.MAGIC_NUMBER of CPython 3.13: bytecode is specific to one minor version.
PYTHON_313_MAGIC = (3571).to_bytes(2, "little") + b"\r\n"
HANDLERS = {
    "GenerateFunction": ("genpic.aws.handlers.generate", "generate.json"),
    "EnhanceFunction": ("genpic.aws.handlers.enhance", "generate-enhanced.json"),
    "ApiFunction": ("genpic.aws.handlers.api", "api-generate.json"),
}


def _ok(completed) -> str:
    assert completed.returncode == 0, completed.stdout[-4000:] + completed.stderr[-4000:]
    return completed.stdout


def test_cfn_lint_finds_nothing() -> None:
    _ok(run(tool("cfn-lint"), "template.yaml"))


def test_sam_validate_lint_passes() -> None:
    assert "is a valid SAM Template" in _ok(run(tool("sam"), "validate", "--lint"))


def test_checkov_passes_with_every_skip_justified() -> None:
    out = _ok(
        run(
            tool("checkov"), "-f", "template.yaml", "--framework", "cloudformation",
            "--skip-download", "--output", "json",
        )
    )  # fmt: skip
    report = json.loads(out)
    assert report["summary"]["failed"] == 0
    for skipped in report["results"]["skipped_checks"]:
        assert len(skipped["check_result"].get("suppress_comment", "")) > 20, skipped["check_id"]


@pytest.fixture(scope="module")
def sam_build() -> Path:
    _ok(run(tool("sam"), "build"))
    return ROOT / ".aws-sam" / "build"


def _size(folder: Path) -> int:
    return sum(path.stat().st_size for path in folder.rglob("*") if path.is_file())


def test_sam_build_makes_one_lean_package_for_every_function(sam_build: Path) -> None:
    names = ("GenerateFunction", "EnhanceFunction", "ApiFunction", "WorkerFunction")
    bundles = [sam_build / name for name in names]
    listings = [sorted(str(p.relative_to(b)) for p in b.rglob("*")) for b in bundles]
    assert all(listing == listings[0] for listing in listings)
    bundle = bundles[0]
    assert _size(bundle) < BUNDLE_TARGET
    assert (bundle / "genpic" / "aws" / "handlers.py").is_file()
    assert not (bundle / "bin").exists()  # no console scripts
    assert not list(bundle.rglob("tests"))
    assert_compiled_for_313(bundle)
    # The compiled wheels are the Lambda target's, not the build machine's.
    assert list(bundle.glob("pydantic_core/*aarch64-linux-gnu.so"))
    assert list(bundle.glob("PIL/*cpython-313-aarch64-linux-gnu.so"))
    # Each init ran here (on this machine's pydantic-core, left out) to record its dataclasses.
    assert (bundle / "genpic" / "aws" / "dataclass_code.marshal").stat().st_size > 100_000
    # And the app was built once, with python3.13, to ship its Unicode scans.
    assert json.loads((bundle / "genpic" / "scans.json").read_text())["unicode"] == "15.1.0"
    assert not list(sam_build.glob("*.native"))
    if platform.machine() != "aarch64":
        assert not list(bundle.rglob(f"*{platform.machine()}*.so"))


def assert_compiled_for_313(bundle: Path) -> None:
    """genpic ships sources and 3.13 bytecode; its dependencies ship 3.13 bytecode alone."""
    own = bundle / "genpic"
    for source in own.rglob("*.py"):
        compiled = source.parent / "__pycache__" / f"{source.stem}.cpython-313.pyc"
        assert compiled.read_bytes()[:4] == PYTHON_313_MAGIC, compiled
    dependencies = [p for p in bundle.rglob("*.py*") if own not in p.parents]
    assert not [p for p in dependencies if p.suffix == ".py"]
    compiled = [p for p in dependencies if p.suffix == ".pyc"]
    assert {p.read_bytes()[:4] for p in compiled} == {PYTHON_313_MAGIC}
    assert bundle / "botocore" / "client.pyc" in compiled


@pytest.fixture(scope="module")
def host_bundle(tmp_path_factory) -> tuple[Path, str]:
    # The arm64 bundle's compiled wheels cannot load on this x86_64 machine, so the same
    # recipe (Makefile `bundle`, same lock) is built for the host's architecture to run it.
    interpreter = python313()
    if interpreter is None:
        pytest.skip("no Python 3.13 interpreter here to run the Lambda bundle with")
    bundle = tmp_path_factory.mktemp("bundle") / "host"
    _ok(
        run(
            "make",
            "--no-print-directory",
            "bundle",
            f"BUNDLE={bundle}",
            f"ARCH={platform.machine()}",
        )
    )
    return bundle, interpreter


_INVOKE = """
import importlib, json, sys
module, attribute = sys.argv[1].rsplit(".", 1)
handler = getattr(importlib.import_module(module), attribute)

class Context:
    function_name = "aws_gen_pic"; memory_limit_in_mb = 1024
    invoked_function_arn = "arn:aws:lambda:us-west-2:123456789012:function:aws_gen_pic"
    aws_request_id = "sam-build-check"

import genpic
print(json.dumps({"file": genpic.__file__, "version": sys.version_info[:2],
                  "response": handler(json.load(open(sys.argv[2])), Context())}))
"""


def _invoke(bundle: Path, interpreter: str, handler: str, event: str, data_dir: Path) -> dict:
    env = {
        # Only the bundle on the path, as on Lambda: -S below leaves out site-packages.
        "PYTHONPATH": str(bundle),
        "AWS_LAMBDA_FUNCTION_NAME": "aws_gen_pic",
        "_HANDLER": handler,
        "GENPIC_ENGINE": "preview",
        "GENPIC_ENHANCER": "template",
        "GENPIC_STORAGE": "local",
        "GENPIC_RECORDS": "sqlite",
        "GENPIC_DATA_DIR": str(data_dir),
        "GENPIC_QUEUE_URL": "https://sqs.us-west-2.amazonaws.com/123456789012/genpic-jobs",
        "POWERTOOLS_METRICS_DISABLED": "true",
    }
    out = _ok(run(interpreter, "-S", "-c", _INVOKE, handler, str(ROOT / "events" / event), **env))
    result = json.loads(out.strip().splitlines()[-1])
    assert result["version"] == [3, 13]
    assert result["file"].startswith(str(bundle))
    return result["response"]


@pytest.mark.parametrize("function", list(HANDLERS))
def test_the_bundle_imports_each_handler_under_313_and_answers_a_sample_event(
    host_bundle: tuple[Path, str], function: str, tmp_path: Path
) -> None:
    handler, event = HANDLERS[function]
    response = _invoke(*host_bundle, handler, event, tmp_path)
    assert response["statusCode"] == 200, response
    body = json.loads(response["body"])
    assert (tmp_path / body["key"]).is_file()


def test_the_bundle_runs_the_worker_under_313(
    host_bundle: tuple[Path, str], tmp_path: Path
) -> None:
    # A message naming a job nobody submitted is a poison message: reported failed.
    response = _invoke(*host_bundle, "genpic.aws.handlers.worker", "worker-job.json", tmp_path)
    message_id = json.loads((ROOT / "events" / "worker-job.json").read_text())["Records"][0]
    assert response == {"batchItemFailures": [{"itemIdentifier": message_id["messageId"]}]}


def test_the_python_found_is_the_target_version() -> None:
    interpreter = python313()
    if interpreter is None:
        pytest.skip("no Python 3.13 interpreter here")
    assert os.path.basename(interpreter).startswith("python3.13")


# What no Lambda handler imports: the CLI's own (typer, rich), `genpic serve`'s server
# (uvicorn, and click and h11 it pulls in), boto3 and its transfer manager (genpic makes
# botocore clients), pydantic 1 and Powertools' event handlers.
LEFT_OUT = ("typer", "rich", "uvicorn", "click", "h11", "boto3", "s3transfer", "pydantic/v1",
            "aws_lambda_powertools/event_handler")  # fmt: skip


def test_the_bundle_leaves_out_what_lambda_never_imports(host_bundle: tuple[Path, str]) -> None:
    bundle, _ = host_bundle
    assert [name for name in LEFT_OUT if (bundle / name).exists()] == []
    assert not list(bundle.glob("uvicorn-*.dist-info")) + list(bundle.glob("PIL/_avif*.so"))
    assert _size(bundle) < BUNDLE_TARGET
    assert_compiled_for_313(bundle)


_CLIENTS = """
import json
import botocore.session
from botocore.exceptions import UnknownServiceError
from genpic.awssdk.clients import SERVICES

session = botocore.session.Session()
hosts = {}
for service in SERVICES:
    client = session.create_client(service, region_name="us-west-2")
    hosts[service] = client.meta.endpoint_url
try:
    session.create_client("ec2", region_name="us-west-2")
    dropped = False
except UnknownServiceError:
    dropped = True
from botocore.config import Config
s3 = session.create_client("s3", region_name="us-west-2", config=Config(signature_version="s3v4"))
url = s3.generate_presigned_url("get_object", Params={"Bucket": "b", "Key": "k"}, ExpiresIn=60)
print(json.dumps({"hosts": hosts, "dropped": dropped, "url": url,
                  "data": sorted(session.get_available_services())}))
"""


def test_the_trimmed_botocore_data_builds_every_client_genpic_makes(
    host_bundle: tuple[Path, str],
) -> None:
    bundle, interpreter = host_bundle
    env = {"PYTHONPATH": str(bundle), "AWS_ACCESS_KEY_ID": "AKIDEXAMPLE",
           "AWS_SECRET_ACCESS_KEY": "secret", "AWS_CONFIG_FILE": "/dev/null"}  # fmt: skip
    result = json.loads(_ok(run(interpreter, "-S", "-c", _CLIENTS, **env)).strip().splitlines()[-1])
    services = set(result["hosts"])
    assert services >= {"s3", "bedrock-runtime", "dynamodb", "sqs"}
    assert set(result["data"]) == services  # nothing else is left in botocore/data
    assert result["dropped"]
    assert result["hosts"]["bedrock-runtime"] == "https://bedrock-runtime.us-west-2.amazonaws.com"
    assert result["hosts"]["dynamodb"] == "https://dynamodb.us-west-2.amazonaws.com"
    assert "X-Amz-Signature=" in result["url"]


# What botocore makes of each operation genpic calls: the operation as the model states it,
# and every shape its input, output and errors reach, resolved through botocore's own model.
_OPERATION_MODELS = """
import json
import botocore
import botocore.session
from genpic.awssdk.clients import OPERATIONS

def undocumented(node):
    if isinstance(node, dict):
        return {key: undocumented(value) for key, value in node.items() if key != "documentation"}
    return [undocumented(item) for item in node] if isinstance(node, list) else node

def described(shape, path=()):
    if shape is None:
        return None
    if shape.name in path:  # a recursive shape (DynamoDB's AttributeValue)
        return shape.name
    path = (*path, shape.name)
    model = undocumented(shape._shape_model)
    members = {}
    if shape.type_name == "structure":
        members = {name: described(member, path) for name, member in shape.members.items()}
    elif shape.type_name == "list":
        members = {"member": described(shape.member, path)}
    elif shape.type_name == "map":
        members = {"key": described(shape.key, path), "value": described(shape.value, path)}
    return {"name": shape.name, "model": model, "members": members}

session = botocore.session.Session()
services = {}
for service, names in OPERATIONS.items():
    model = session.get_service_model(service)
    services[service] = {
        "operations": sorted(model.operation_names),
        "metadata": model.metadata,
        "described": {
            name: {
                "operation": undocumented(model.operation_model(name)._operation_model),
                "input": described(model.operation_model(name).input_shape),
                "output": described(model.operation_model(name).output_shape),
                "errors": [described(shape) for shape in model.operation_model(name).error_shapes],
            }
            for name in names
        },
    }
print(json.dumps({"botocore": botocore.__version__, "services": services}, default=str))
"""


def _operation_models(interpreter: str, *flags: str, **env: str) -> dict:
    out = _ok(run(interpreter, *flags, "-c", _OPERATION_MODELS, **env))
    return json.loads(out.strip().splitlines()[-1])


def test_the_trimmed_service_models_keep_every_operation_genpic_calls_as_botocore_has_it(
    host_bundle: tuple[Path, str],
) -> None:
    bundle, interpreter = host_bundle
    trimmed = _operation_models(interpreter, "-S", PYTHONPATH=str(bundle))
    full = _operation_models(sys.executable)  # this environment's botocore, with every model
    assert trimmed["botocore"] == full["botocore"]
    for service, names in OPERATIONS.items():
        assert trimmed["services"][service]["operations"] == sorted(names)
        assert len(full["services"][service]["operations"]) > len(names)
        assert trimmed["services"][service]["described"] == full["services"][service]["described"]
        full_metadata = full["services"][service]["metadata"]
        assert trimmed["services"][service]["metadata"] == full_metadata


def test_the_operations_the_bundle_keeps_are_the_calls_in_the_code() -> None:
    called = function_calls_in_code(ROOT / "src" / "genpic") - PRESIGNERS
    declared = {xform_name(name) for names in OPERATIONS.values() for name in names}
    assert called == declared


# Each function's init as on Lambda (template.yaml's environment, fake credentials, offline):
# which dataclasses it makes, and whether each is made from the bytecode the bundle ships.
_DATACLASSES = """
import builtins, dataclasses, json, marshal
import genpic.aws  # on Lambda (_HANDLER), this installs the shipped code
from genpic.aws.dataclass_code import CODE_FILE
installed = dataclasses.exec
_, compiled = marshal.loads(CODE_FILE.read_bytes())
made = []
def spy(source, globals=None, locals=None):
    made.append(source in compiled)
    installed(source, globals, locals)
dataclasses.exec = spy
import genpic.aws.handlers
print(json.dumps({"installed": installed is not builtins.exec, "made": len(made),
                  "precompiled": sum(made)}))
"""
_TEMPLATE_ENV = {
    "AWS_REGION": "us-west-2",
    "AWS_ACCESS_KEY_ID": "AKIDEXAMPLE",
    "AWS_SECRET_ACCESS_KEY": "secret",
    "OUTPUT_BUCKET": "genpic-output",
    "INPUT_BUCKET": "genpic-input",
    "GENPIC_TABLE": "genpic-records",
    "GENPIC_QUEUE_URL": "https://sqs.us-west-2.amazonaws.com/123456789012/genpic-jobs",
    "POWERTOOLS_LOG_LEVEL": "CRITICAL",
}


@pytest.mark.parametrize("handler", ["generate", "enhance", "api", "worker"])
def test_every_dataclass_an_init_makes_is_made_from_shipped_bytecode(
    host_bundle: tuple[Path, str], handler: str
) -> None:
    bundle, interpreter = host_bundle
    env = {**_TEMPLATE_ENV, "PYTHONPATH": str(bundle), "_HANDLER": f"genpic.aws.handlers.{handler}"}
    env["AWS_LAMBDA_FUNCTION_NAME"] = handler
    out = _ok(run(interpreter, "-S", "-c", _DATACLASSES, **env))
    result = json.loads(out.strip().splitlines()[-1])
    assert result["installed"]
    assert result["made"] > 50  # genpic's, pydantic's, annotated-types'
    assert result["precompiled"] == result["made"]


# The OpenAPI document as the bundle builds it under python3.13: from the scans it ships, or
# (the file pointed elsewhere) from scanning every code point, as genpic does without it.
_DOCUMENT = """
import hashlib, json, sys
from pathlib import Path
from genpic import patterns, scans
from genpic.http.app import create_app
if sys.argv[1] == "scan":
    scans.SCANS_FILE = Path("absent.json")
document = json.dumps(create_app(bind_host=None).openapi(), sort_keys=True)
print(json.dumps({"scanned": patterns._every_char.cache_info().currsize,
                  "document": hashlib.sha256(document.encode()).hexdigest()}))
"""


def test_the_bundle_builds_its_first_document_from_the_scans_it_ships(
    host_bundle: tuple[Path, str], tmp_path: Path
) -> None:
    bundle, interpreter = host_bundle
    env = {"PYTHONPATH": str(bundle), "GENPIC_DATA_DIR": str(tmp_path)}
    shipped, scanned = (
        json.loads(_ok(run(interpreter, "-S", "-c", _DOCUMENT, how, **env)).splitlines()[-1])
        for how in ("shipped", "scan")
    )
    assert (shipped["scanned"], scanned["scanned"]) == (0, 1)
    assert shipped["document"] == scanned["document"]
