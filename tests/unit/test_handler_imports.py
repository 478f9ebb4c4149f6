"""Each Lambda function imports only what its own handler needs (cold start).

On Lambda, init builds what the function's handler (``_HANDLER``) uses: the ``api``
function's HTTP app is built there, and the other three never import the HTTP stack.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.deploy.cfn import ROOT

_PROBE = """
import gc, json, sys
import genpic.aws
collecting_during_init = gc.isenabled()
from genpic.aws import handlers
collecting = {"during_init": collecting_during_init, "after": gc.isenabled(),
              "frozen": gc.get_freeze_count()}

built_at_init = {"api": handlers._api is not None, "worker": handlers._worker is not None}

class Context:
    function_name = "aws_gen_pic"; memory_limit_in_mb = 1024
    invoked_function_arn = "arn:aws:lambda:us-west-2:123456789012:function:aws_gen_pic"
    aws_request_id = "probe"

handler = getattr(handlers, sys.argv[1])
response = handler(json.load(open(sys.argv[2])), Context())
heavy = ("fastapi", "starlette", "mangum", "uvicorn", "multipart", "anyio")
built = {}
if "fastapi" in sys.modules:  # what the app built that only the OpenAPI document uses
    from fastapi.openapi import models
    from fastapi.routing import APIRoute
    from genpic.http import core, images, jobs, openai_compat, records, schemas
    routers = (core, images, jobs, openai_compat, records)
    routes = [r for m in routers for r in m.router.routes if isinstance(r, APIRoute)]
    built = {"openapi_models": models.Info.__pydantic_complete__,
             "bodies": schemas.SuccessBody.__pydantic_complete__,
             "response_validators": sum(len(r.response_fields) for r in routes),
             "routes": len(routes)}
print(json.dumps({"built_at_init": built_at_init, "response": response, "gc": collecting,
                  "http": sorted(m for m in sys.modules if m.split(".")[0] in heavy),
                  "built": built}))
"""
_EVENTS = {"generate": "generate.json", "enhance": "generate-enhanced.json",
           "worker": "worker-job.json", "api": "api-health.json"}  # fmt: skip


def _run(tmp_path: Path, handler: str) -> dict:
    env = {
        "AWS_LAMBDA_FUNCTION_NAME": f"genpic-{handler}",
        "_HANDLER": f"genpic.aws.handlers.{handler}",
        "GENPIC_ENGINE": "preview",
        "GENPIC_ENHANCER": "template",
        "GENPIC_STORAGE": "local",
        "GENPIC_RECORDS": "sqlite",
        "GENPIC_DATA_DIR": str(tmp_path),
        "GENPIC_QUEUE_URL": "https://sqs.us-west-2.amazonaws.com/123456789012/genpic-jobs",
        "POWERTOOLS_METRICS_DISABLED": "true",
        "POWERTOOLS_LOG_LEVEL": "CRITICAL",
        "PATH": "",
        "PYTHONPATH": str(ROOT / "src"),  # this checkout's genpic, whatever is installed
    }
    event = str(ROOT / "events" / _EVENTS[handler])
    out = subprocess.run(
        [sys.executable, "-c", _PROBE, handler, event],
        env=env, capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    return json.loads(out.strip().splitlines()[-1])


@pytest.mark.parametrize("handler", ["generate", "enhance", "worker"])
def test_the_non_api_functions_never_import_the_http_stack(tmp_path: Path, handler: str) -> None:
    result = _run(tmp_path, handler)
    assert result["http"] == []
    assert result["built_at_init"] == {"api": False, "worker": handler == "worker"}
    assert result["response"].get("statusCode", 200) == 200


def test_the_api_function_builds_its_app_during_init(tmp_path: Path) -> None:
    result = _run(tmp_path, "api")
    assert result["built_at_init"] == {"api": True, "worker": False}
    assert result["response"]["statusCode"] == 200
    assert "fastapi" in result["http"]  # the control: the probe does see the HTTP stack


def test_the_api_init_leaves_what_only_the_openapi_document_uses_unbuilt(tmp_path: Path) -> None:
    built = _run(tmp_path, "api")["built"]
    assert built["routes"] > 10  # the control: the probe sees the app's routes
    assert built["response_validators"] == 0
    assert built["openapi_models"] is False
    assert built["bodies"] is False


@pytest.mark.parametrize("handler", ["generate", "api"])
def test_init_collects_no_garbage_and_requests_do_without_init_objects(
    tmp_path: Path, handler: str
) -> None:
    collecting = _run(tmp_path, handler)["gc"]
    assert collecting["during_init"] is False
    assert collecting["after"] is True
    assert collecting["frozen"] > 10_000  # init's objects: modules, models, the app


def test_off_lambda_importing_genpic_aws_leaves_the_collector_on() -> None:
    probe = "import gc, genpic.aws, genpic.aws.events; print(gc.isenabled())"
    env = {"PYTHONPATH": str(ROOT / "src"), "PATH": ""}
    out = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True)
    assert out.stdout.strip() == "True", out.stderr
