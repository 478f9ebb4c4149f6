"""Print what a Lambda cold start costs genpic: init (module import) and first vs warm request.

For each handler, in a fresh interpreter per run, on the offline defaults (preview engine,
template enhancer, local directory), so the figures are genpic's own overhead, not Bedrock's.
"lambda" runs set AWS_LAMBDA_FUNCTION_NAME, so genpic.aws.snapstart builds the pipeline during
init (what a SnapStart snapshot holds); "local" runs build it on the first request.

Run: python bench/cold_start.py [runs]
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile

HANDLERS = ("generate", "enhance", "api")
_PROBE = """
import json, sys, time
t0 = time.perf_counter()
from genpic.aws import handlers
t1 = time.perf_counter()
handler = getattr(handlers, sys.argv[1], None)
if handler is None:
    print(json.dumps(None)); raise SystemExit

class Context:
    function_name = "aws_gen_pic"; memory_limit_in_mb = 1024
    invoked_function_arn = "arn:aws:lambda:us-west-2:123456789012:function:aws_gen_pic"
    aws_request_id = "bench"

event = json.load(open(sys.argv[2]))
t2 = time.perf_counter(); handler(event, Context()); t3 = time.perf_counter()
handler(event, Context()); t4 = time.perf_counter()
print(json.dumps({"init": t1 - t0, "first": t3 - t2, "warm": t4 - t3,
                  "fastapi": "fastapi" in sys.modules}))
"""
EVENTS = {"generate": "events/generate.json", "enhance": "events/generate-enhanced.json",
          "api": "events/api-health.json"}  # fmt: skip


def measure(handler: str, on_lambda: bool, runs: int) -> list[dict[str, float]] | None:
    results = []
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as data_dir:
            env = {
                "GENPIC_DATA_DIR": data_dir,
                "POWERTOOLS_METRICS_DISABLED": "true",
                "POWERTOOLS_LOG_LEVEL": "ERROR",
                "PATH": "",
            }
            if on_lambda:
                env |= {"AWS_LAMBDA_FUNCTION_NAME": f"bench-{handler}", "GENPIC_ENGINE": "preview",
                        "GENPIC_ENHANCER": "template", "GENPIC_STORAGE": "local",
                        "GENPIC_RECORDS": "sqlite"}  # fmt: skip
            out = subprocess.run(
                [sys.executable, "-c", _PROBE, handler, EVENTS[handler]],
                env=env, capture_output=True, text=True, check=True,
            ).stdout  # fmt: skip
            result = json.loads(out.strip().splitlines()[-1])
            if result is None:
                return None
            results.append(result)
    return results


def main(runs: int) -> None:
    for handler in HANDLERS:
        for on_lambda in (False, True):
            label = f"{handler:>8} {'lambda' if on_lambda else 'local':>6}"
            results = measure(handler, on_lambda, runs)
            if results is None:
                print(f"{label}: handler not present on this branch")
                break
            figures = []
            for key in ("init", "first", "warm"):
                values = [r[key] * 1000 for r in results]
                figures.append(f"{key} {statistics.median(values):6.1f} ms")
            fastapi = "fastapi loaded" if results[0]["fastapi"] else "no fastapi"
            print(f"{label}: " + "  ".join(figures) + f"  (median of {runs}; {fastapi})")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5)
