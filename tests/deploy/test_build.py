"""The deployment checks CI runs: the linters, checkov, and `sam build` with a working bundle.

Marked slow (sam build resolves wheels for arm64, about 20 s on 2 cores); they still run
in the default `pytest`. No AWS account is involved.
"""

from __future__ import annotations

import json
import os
import platform
from pathlib import Path

import pytest

from tests.deploy.cfn import ROOT
from tests.deploy.tools import python313, run, tool

pytestmark = pytest.mark.slow
LAMBDA_UNZIPPED_LIMIT = 250 * 1024 * 1024
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
    assert _size(bundle) < LAMBDA_UNZIPPED_LIMIT / 2
    assert (bundle / "genpic" / "aws" / "handlers.py").is_file()
    assert not (bundle / "bin").exists()  # no console scripts
    assert not list(bundle.rglob("__pycache__")) and not list(bundle.rglob("tests"))
    # The compiled wheels are the Lambda target's, not the build machine's.
    assert list(bundle.glob("pydantic_core/*aarch64-linux-gnu.so"))
    assert list(bundle.glob("PIL/*cpython-313-aarch64-linux-gnu.so"))


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


@pytest.mark.parametrize("function", list(HANDLERS))
def test_the_bundle_imports_each_handler_under_313_and_answers_a_sample_event(
    host_bundle: tuple[Path, str], function: str, tmp_path: Path
) -> None:
    bundle, interpreter = host_bundle
    handler, event = HANDLERS[function]
    env = {
        # Only the bundle on the path, as on Lambda: -S below leaves out site-packages.
        "PYTHONPATH": str(bundle),
        "AWS_LAMBDA_FUNCTION_NAME": "aws_gen_pic",
        "GENPIC_ENGINE": "preview",
        "GENPIC_ENHANCER": "template",
        "GENPIC_STORAGE": "local",
        "GENPIC_RECORDS": "sqlite",
        "GENPIC_DATA_DIR": str(tmp_path),
        "POWERTOOLS_METRICS_DISABLED": "true",
    }
    out = _ok(run(interpreter, "-S", "-c", _INVOKE, handler, str(ROOT / "events" / event), **env))
    result = json.loads(out.strip().splitlines()[-1])
    assert result["version"] == [3, 13]
    assert result["file"].startswith(str(bundle))
    assert result["response"]["statusCode"] == 200, result["response"]
    body = json.loads(result["response"]["body"])
    assert (tmp_path / body["key"]).is_file()


def test_the_python_found_is_the_target_version() -> None:
    interpreter = python313()
    if interpreter is None:
        pytest.skip("no Python 3.13 interpreter here")
    assert os.path.basename(interpreter).startswith("python3.13")
