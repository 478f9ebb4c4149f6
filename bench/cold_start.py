"""Print what a Lambda cold start costs genpic: module import and first vs warm invocations.

Runs each measurement in a fresh interpreter, on the offline defaults (preview engine,
template enhancer, local directory), so the figures are genpic's own overhead, not Bedrock's.

Run: python bench/cold_start.py [runs]
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile

_PROBE = """
import json, time
t0 = time.perf_counter()
from genpic.aws import handlers
t1 = time.perf_counter()

class Context:
    function_name = "aws_gen_pic"; memory_limit_in_mb = 1024
    invoked_function_arn = "arn:aws:lambda:us-west-2:123456789012:function:aws_gen_pic"
    aws_request_id = "bench"

event = {"body": json.dumps({"prompt": "a cat", "seed": 1})}
t2 = time.perf_counter(); handlers.generate(event, Context()); t3 = time.perf_counter()
handlers.generate(event, Context()); t4 = time.perf_counter()
import sys
print(json.dumps({"import": t1 - t0, "first": t3 - t2, "warm": t4 - t3,
                  "boto3_loaded": "boto3" in sys.modules,
                  "fastapi_loaded": "fastapi" in sys.modules}))
"""


def main(runs: int) -> None:
    results = []
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as data_dir:
            env = {
                "GENPIC_DATA_DIR": data_dir,
                "POWERTOOLS_METRICS_DISABLED": "true",
                "POWERTOOLS_LOG_LEVEL": "ERROR",
                "PATH": "",
            }
            out = subprocess.run(
                [sys.executable, "-c", _PROBE], env=env, capture_output=True, text=True, check=True
            ).stdout
            results.append(json.loads(out.strip().splitlines()[-1]))
    for key in ("import", "first", "warm"):
        values = [r[key] * 1000 for r in results]
        print(
            f"{key:>7}: median {statistics.median(values):7.1f} ms  (min {min(values):.1f}, "
            f"max {max(values):.1f}, {runs} runs)"
        )
    print(f"boto3 imported on the offline defaults: {results[0]['boto3_loaded']}")
    print(f"fastapi imported by the generate handler: {results[0]['fastapi_loaded']}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5)
