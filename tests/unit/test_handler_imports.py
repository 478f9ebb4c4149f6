"""The generate and enhance Lambda handlers never import the HTTP stack (cold start)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

_PROBE = """
import json, sys
from genpic.aws import handlers

class Context:
    function_name = "aws_gen_pic"; memory_limit_in_mb = 1024
    invoked_function_arn = "arn:aws:lambda:us-west-2:123456789012:function:aws_gen_pic"
    aws_request_id = "probe"

for handler in (handlers.generate, handlers.enhance):
    response = handler({"body": json.dumps({"prompt": "a cat", "n": 2})}, Context())
    assert response["statusCode"] == 200, response
heavy = ("fastapi", "starlette", "mangum", "uvicorn", "multipart")
print(json.dumps(sorted(m for m in sys.modules if m.split(".")[0] in heavy)))
"""


def test_generate_and_enhance_do_not_import_fastapi(tmp_path: Path) -> None:
    env = {"GENPIC_DATA_DIR": str(tmp_path), "POWERTOOLS_METRICS_DISABLED": "true", "PATH": ""}
    out = subprocess.run(
        [sys.executable, "-c", _PROBE], env=env, capture_output=True, text=True, check=True
    ).stdout
    assert json.loads(out.strip().splitlines()[-1]) == []
