"""SnapStart: init does the heavy work on Lambda only, and restored copies never share state.

A restore is simulated the way Lambda does it: one process runs init (importing the handler
module), then copies of it are forked, as environments restored from one snapshot are, and
each copy runs the registered after-restore hooks before serving a request.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

SOURCE = Path(__file__).resolve().parents[2] / "src"
_RESTORE_PROBE = """
import json, os, random, sys
from genpic.aws import handlers
from snapshot_restore_py import get_after_restore

run_hooks = sys.argv[1] == "hooks"
built_at_init = handlers._pipeline is not None

class Context:
    function_name = "aws_gen_pic"; memory_limit_in_mb = 1024
    invoked_function_arn = "arn:aws:lambda:us-west-2:123456789012:function:aws_gen_pic"
    aws_request_id = "same-in-every-copy"

snapshot = random.getstate()
copies = []
for _ in range(2):
    read_end, write_end = os.pipe()
    if os.fork() == 0:
        os.close(read_end)
        # fork() re-seeds random in the child (os.register_at_fork); a snapshot restore
        # copies memory verbatim and runs no such hook, so put the snapshot's state back.
        random.setstate(snapshot)
        if run_hooks:
            for hook, args, kwargs in get_after_restore():
                hook(*args, **kwargs)
        response = handlers.generate({"prompt": "a cat"}, Context())
        body = json.loads(response["body"])
        out = {"key": body["key"], "seed": body["seed"], "random": random.random()}
        os.write(write_end, json.dumps(out).encode())
        os._exit(0)
    os.close(write_end)
    copies.append(read_end)
results = []
for read_end in copies:
    with os.fdopen(read_end) as pipe:
        results.append(json.loads(pipe.read()))
    os.wait()
print(json.dumps({"built_at_init": built_at_init, "copies": results}))
"""

_IMPORT_PROBE = """
import json, sys
from genpic.aws import handlers
print(json.dumps({"built": handlers._pipeline is not None, "clients": "botocore.client" in sys.modules,
                  "boto3": "boto3" in sys.modules}))
"""


def _run(probe: str, env: dict[str, str], *args: str) -> dict:
    env = {**env, "PYTHONPATH": str(SOURCE)}  # this checkout's genpic, whatever is installed
    completed = subprocess.run(
        [sys.executable, "-c", probe, *args], env=env, capture_output=True, text=True, check=True
    )
    return json.loads(completed.stdout.strip().splitlines()[-1])


@pytest.fixture
def lambda_env(tmp_path) -> dict[str, str]:
    return {
        "AWS_LAMBDA_FUNCTION_NAME": "aws_gen_pic",
        "GENPIC_ENGINE": "preview",
        "GENPIC_ENHANCER": "template",
        "GENPIC_STORAGE": "local",
        "GENPIC_RECORDS": "sqlite",
        "GENPIC_DATA_DIR": str(tmp_path),
        "POWERTOOLS_METRICS_DISABLED": "true",
        "POWERTOOLS_LOG_LEVEL": "CRITICAL",
    }


def test_restored_copies_generate_distinct_keys_seeds_and_random_state(lambda_env) -> None:
    result = _run(_RESTORE_PROBE, lambda_env, "hooks")
    first, second = result["copies"]
    assert result["built_at_init"]
    assert first["key"] != second["key"]
    assert first["seed"] != second["seed"]
    assert first["random"] != second["random"]


def test_without_the_restore_hook_copies_would_share_random_state(lambda_env) -> None:
    # The control: what the hook is for. Forked copies of one snapshot draw the same numbers.
    first, second = _run(_RESTORE_PROBE, lambda_env, "no-hooks")["copies"]
    assert first["random"] == second["random"]
    assert first["key"] != second["key"]  # uuid4 and secrets read the kernel each call


def test_on_lambda_the_bedrock_pipeline_and_botocore_clients_are_built_during_init() -> None:
    env = {
        "AWS_LAMBDA_FUNCTION_NAME": "aws_gen_pic",
        "AWS_REGION": "us-west-2",
        "OUTPUT_BUCKET": "gen-img-out1",
        "GENPIC_TABLE": "genpic-records",
        "POWERTOOLS_LOG_LEVEL": "CRITICAL",
    }
    assert _run(_IMPORT_PROBE, env) == {"built": True, "clients": True, "boto3": False}


def test_a_broken_setting_does_not_crash_init(lambda_env) -> None:
    env = {**lambda_env, "GENPIC_STORAGE": "s3"}  # and no OUTPUT_BUCKET
    assert _run(_IMPORT_PROBE, env) == {"built": False, "clients": False, "boto3": False}


def test_off_lambda_importing_the_handlers_stays_lazy(tmp_path) -> None:
    env = {"GENPIC_DATA_DIR": str(tmp_path), "POWERTOOLS_LOG_LEVEL": "CRITICAL"}
    assert _run(_IMPORT_PROBE, env) == {"built": False, "clients": False, "boto3": False}
