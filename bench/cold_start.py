"""Print genpic's Lambda cold start next to the seed handler's, and the bundle's size.

Init (issue 13's target: each function at most 1.0x the seed's). A fresh python3.13 per run
imports the handler module, which is what Lambda's runtime does during init, with SnapStart
off: only the code on the path (``-S`` and PYTHONPATH), no bytecode written, and the
environment Lambda and template.yaml give each function (region, credentials, ``_HANDLER``,
buckets, table, queue). genpic therefore builds what it builds on AWS: botocore clients for
Bedrock, S3 and DynamoDB, and the HTTP app (``api``) or the SQS worker (``worker``). The
credentials are fake and a socket connect during init fails the run: init is offline.

- genpic runs from the bundle ``make bundle`` builds (for this machine's architecture);
- the seed (bench/seed_handler.py: boto3, a Bedrock Runtime and an S3 client) runs on stock
  boto3 at the lock's botocore version, compiled by python3.13, as Lambda's runtime ships it.

A last row, ``floor`` (bench/fastapi_floor.py), is ``generate``'s init plus FastAPI and Mangum
imported as genpic's app imports them and an app with one route: the least any ``api``
function on FastAPI can cost, whatever its routes do.

Runs interleave (seed, generate, enhance, api, worker, floor, seed, ...) so that load on the machine
falls on all alike; the figures are medians of wall and CPU time, and each function's ratio
to the seed's in the same run.

Requests: the first and a warm request of each genpic function from the same bundle, on the
offline defaults (preview engine, template enhancer, local files), so they show genpic's own
work (the first request still imports what only requests need), not Bedrock's.

Instructions (``--instructions``): each init once under callgrind, less the probe's own
start; the same count from run to run, where CPU time moves by a tenth with the machine.

Run: python bench/cold_start.py [--runs 7] [--bundle DIR] [--instructions]
"""

from __future__ import annotations

import argparse
import json
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SEED = "seed"
FUNCTIONS = ("generate", "enhance", "api", "worker")
# generate's init plus FastAPI and Mangum with one route (bench/fastapi_floor.py): the least
# an api function on FastAPI can cost, whatever genpic's routes do.
FLOOR = "floor"
INIT_TARGETS = (SEED, *FUNCTIONS, FLOOR)
BUNDLE_LIMIT_MIB = 40
# What only the HTTP app needs: a non-api function that imports any of them pays for nothing.
HTTP_STACK = ("fastapi", "starlette", "mangum", "multipart", "anyio")

_INIT_PROBE = """
import importlib, json, socket, sys, time

def offline(*args, **kwargs):
    raise OSError("a network call during init")

socket.socket.connect = socket.create_connection = offline
wall, cpu = time.perf_counter(), time.process_time()
importlib.import_module(sys.argv[1])
wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
print(json.dumps({"wall": wall, "cpu": cpu,
                  "http": sorted({m.split(".")[0] for m in sys.modules} & set(sys.argv[2:]))}))
"""
_REQUEST_PROBE = """
import json, sys, time
from genpic.aws import handlers

class Context:
    function_name = "bench"; memory_limit_in_mb = 1024
    invoked_function_arn = "arn:aws:lambda:us-west-2:123456789012:function:bench"
    aws_request_id = "bench"

handler = getattr(handlers, sys.argv[1])
event = json.load(open(sys.argv[2]))
t0 = time.perf_counter(); handler(event, Context()); t1 = time.perf_counter()
handler(event, Context()); t2 = time.perf_counter()
print(json.dumps({"first": t1 - t0, "warm": t2 - t1}))
"""
_SQS_EVENT = {
    "Records": [
        {
            "messageId": "bench-1",
            "receiptHandle": "bench",
            "body": json.dumps({"job_id": "job-that-does-not-exist"}),
            "attributes": {"ApproximateReceiveCount": "1"},
            "messageAttributes": {},
            "eventSource": "aws:sqs",
            "eventSourceARN": "arn:aws:sqs:us-west-2:123456789012:genpic-jobs",
            "awsRegion": "us-west-2",
        }
    ]
}
_EVENTS = {
    "generate": "generate.json",
    "enhance": "generate-enhanced.json",
    "api": "api-health.json",
}
# What Lambda sets in every function (fake credentials), and what template.yaml adds.
_LAMBDA_ENV = {
    "AWS_REGION": "us-west-2",
    "AWS_DEFAULT_REGION": "us-west-2",
    "AWS_ACCESS_KEY_ID": "AKIAIOSFODNN7EXAMPLE",
    "AWS_SECRET_ACCESS_KEY": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    "AWS_SESSION_TOKEN": "bench",
    "AWS_EXECUTION_ENV": "AWS_Lambda_python3.13",
    "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "1024",
    "AWS_LAMBDA_INITIALIZATION_TYPE": "on-demand",
    "LANG": "en_US.UTF-8",
    "TZ": ":UTC",
    "PYTHONDONTWRITEBYTECODE": "1",
    "POWERTOOLS_LOG_LEVEL": "ERROR",
}
_TEMPLATE_ENV = {
    "OUTPUT_BUCKET": "genpic-output",
    "INPUT_BUCKET": "genpic-input",
    "GENPIC_TABLE": "genpic-records",
    "GENPIC_QUEUE_URL": "https://sqs.us-west-2.amazonaws.com/123456789012/genpic-jobs",
}


def python313() -> str:
    """Return the python3.13 the Makefile compiles the bundle with (it says how to get one)."""
    return _make("python313").strip()


def build_bundle(folder: Path) -> Path:
    """Build genpic's Lambda bundle for this machine's architecture, as the tests do."""
    _make("bundle", f"BUNDLE={folder}", f"ARCH={platform.machine()}")
    return folder


def build_seed(folder: Path, interpreter: str) -> Path:
    """Install stock boto3 (the lock's botocore version), compile it, add the seed handler."""
    version = _locked_version("botocore")
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
         "--no-compile", "--target", str(folder), f"boto3=={version}"],
        check=True,
    )  # fmt: skip
    subprocess.run([interpreter, "-m", "compileall", "-q", "-j", "0", str(folder)], check=True)
    shutil.copy(ROOT / "bench" / "seed_handler.py", folder / "seed_handler.py")
    return folder


def size_mib(folder: Path) -> float:
    """Return the unzipped size of everything under ``folder``, in MiB."""
    return sum(path.stat().st_size for path in folder.rglob("*") if path.is_file()) / 2**20


def measure_init(interpreter: str, seed: Path, bundle: Path, runs: int) -> dict[str, list[Any]]:
    """Return each target's init results, runs interleaved target by target."""
    results: dict[str, list[Any]] = {target: [] for target in INIT_TARGETS}
    for _ in range(runs):
        for target in results:
            results[target].append(_run(*_init_run(target, interpreter, seed, bundle)))
    return results


def count_instructions(interpreter: str, seed: Path, bundle: Path) -> dict[str, int]:
    """Return the instructions each target's init executes (callgrind, one run each).

    The count is the same from run to run whatever else the machine does, where CPU time
    moves by a tenth. Each is the whole process less a probe that imports nothing new.
    """
    if shutil.which("valgrind") is None:
        raise SystemExit("--instructions needs valgrind (apt-get install valgrind)")
    command, env = _init_run(SEED, interpreter, seed, bundle)
    command[command.index(_INIT_PROBE) + 1] = "json"  # the probe's own imports, nothing more
    baseline = _instructions(command, env)
    return {
        target: _instructions(*_init_run(target, interpreter, seed, bundle)) - baseline
        for target in INIT_TARGETS
    }


def _init_run(
    target: str, interpreter: str, seed: Path, bundle: Path
) -> tuple[list[str], dict[str, str]]:
    if target == SEED:
        path, module, env = seed, "seed_handler", {}
    elif target == FLOOR:
        path, module = bundle, "fastapi_floor"
        env = {**_TEMPLATE_ENV, "_HANDLER": "genpic.aws.handlers.generate"}
        env |= {"PYTHONPATH": f"{bundle}:{ROOT / 'bench'}"}
    else:
        path, module = bundle, "genpic.aws.handlers"
        env = {**_TEMPLATE_ENV, "_HANDLER": f"{module}.{target}"}
    env |= {**_LAMBDA_ENV, "AWS_LAMBDA_FUNCTION_NAME": f"bench-{target}"}
    env = {"PYTHONPATH": str(path), "LAMBDA_TASK_ROOT": str(path), **env}
    return [interpreter, "-S", "-c", _INIT_PROBE, module, *HTTP_STACK], env


def _instructions(command: list[str], env: dict[str, str]) -> int:
    counted = ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", *command]
    completed = subprocess.run(
        counted, env={**env, "PYTHONHASHSEED": "0"}, capture_output=True, text=True
    )
    found = re.search(r"Collected : (\d+)", completed.stderr)
    if completed.returncode != 0 or found is None:
        raise SystemExit(f"callgrind failed:\n{completed.stderr[-3000:]}")
    return int(found.group(1))


def measure_requests(interpreter: str, bundle: Path, runs: int) -> dict[str, list[Any]]:
    """Return the first and warm request times of each function on the offline defaults."""
    results: dict[str, list[Any]] = {name: [] for name in FUNCTIONS}
    with tempfile.TemporaryDirectory() as scratch:
        sqs_event = Path(scratch) / "sqs.json"
        sqs_event.write_text(json.dumps(_SQS_EVENT))
        events = {name: ROOT / "events" / file for name, file in _EVENTS.items()}
        events["worker"] = sqs_event
        for _ in range(runs):
            for name in FUNCTIONS:
                with tempfile.TemporaryDirectory() as data_dir:
                    handler = f"genpic.aws.handlers.{name}"
                    env = {**_LAMBDA_ENV, **_offline_env(data_dir), "_HANDLER": handler}
                    env |= {"AWS_LAMBDA_FUNCTION_NAME": f"bench-{name}"}
                    env |= {
                        "PYTHONPATH": str(bundle),
                        "GENPIC_QUEUE_URL": _TEMPLATE_ENV["GENPIC_QUEUE_URL"],
                    }
                    command = [interpreter, "-S", "-c", _REQUEST_PROBE, name, str(events[name])]
                    results[name].append(_run(command, env))
    return results


def report(
    init: dict[str, list[Any]],
    requests: dict[str, list[Any]],
    runs: int,
    instructions: dict[str, int] | None,
) -> None:
    """Print the medians and each function's ratio to the seed."""
    seed_wall = statistics.median(r["wall"] for r in init[SEED])
    seed_cpu = statistics.median(r["cpu"] for r in init[SEED])
    print(f"init, median of {runs} interleaved runs (SnapStart off), ratio to the seed's:")
    for target, results in init.items():
        wall = statistics.median(r["wall"] for r in results)
        cpu = statistics.median(r["cpu"] for r in results)
        http = ", ".join(results[0]["http"]) or "no HTTP stack"
        print(
            f"  {target:>8}: {wall * 1000:6.0f} ms wall {wall / seed_wall:5.2f}x   "
            f"{cpu * 1000:6.0f} ms cpu {cpu / seed_cpu:5.2f}x   ({http})"
        )
    print(f"requests on the offline defaults, median of {runs}:")
    for name, results in requests.items():
        first = statistics.median(r["first"] for r in results)
        warm = statistics.median(r["warm"] for r in results)
        print(f"  {name:>8}: first {first * 1000:6.1f} ms   warm {warm * 1000:6.1f} ms")
    if instructions is not None:
        print("init instructions (callgrind, PYTHONHASHSEED=0), ratio to the seed's:")
        for target, count in instructions.items():
            print(f"  {target:>8}: {count / 1e6:7.0f} M {count / instructions[SEED]:5.2f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--bundle", type=Path, help="a bundle built already (make bundle)")
    parser.add_argument(
        "--instructions", action="store_true", help="also count each init's instructions"
    )
    args = parser.parse_args()
    interpreter = python313()
    with tempfile.TemporaryDirectory() as scratch:
        bundle = args.bundle or build_bundle(Path(scratch) / "bundle")
        seed = build_seed(Path(scratch) / "seed", interpreter)
        print(f"bundle: {size_mib(bundle):.1f} MiB unzipped (limit {BUNDLE_LIMIT_MIB} MiB)")
        print(f"python: {interpreter}")
        init = measure_init(interpreter, seed, bundle, args.runs)
        requests = measure_requests(interpreter, bundle, args.runs)
        instructions = count_instructions(interpreter, seed, bundle) if args.instructions else None
    report(init, requests, args.runs, instructions)


def _offline_env(data_dir: str) -> dict[str, str]:
    return {
        "GENPIC_ENGINE": "preview",
        "GENPIC_ENHANCER": "template",
        "GENPIC_STORAGE": "local",
        "GENPIC_RECORDS": "sqlite",
        "GENPIC_DATA_DIR": data_dir,
        "POWERTOOLS_METRICS_DISABLED": "true",
    }


def _run(command: list[str], env: dict[str, str]) -> Any:
    completed = subprocess.run(command, env=env, capture_output=True, text=True)
    if completed.returncode != 0:
        raise SystemExit(f"{' '.join(command[:2])} failed:\n{completed.stderr[-3000:]}")
    return json.loads(completed.stdout.strip().splitlines()[-1])


def _make(*arguments: str) -> str:
    completed = subprocess.run(
        ["make", "--no-print-directory", "-s", "-C", str(ROOT), *arguments],
        capture_output=True, text=True,
    )  # fmt: skip
    if completed.returncode != 0:
        raise SystemExit(completed.stderr.strip() or completed.stdout.strip())
    return completed.stdout


def _locked_version(name: str) -> str:
    for line in (ROOT / "requirements-lambda.txt").read_text().splitlines():
        if line.lower().startswith(f"{name}=="):
            return line.split("==", 1)[1]
    raise SystemExit(f"{name} is not in requirements-lambda.txt")


if __name__ == "__main__":
    main()
