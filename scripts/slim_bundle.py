"""Cut the Lambda bundle down to what the handlers load, and compile it (the last build step).

- botocore/data keeps only the services genpic makes clients for
  (``genpic.awssdk.clients.OPERATIONS``) and the shared files botocore reads for every client
  (endpoints, partitions, retry and default-configuration data). endpoints.json keeps every
  partition and region but only those services' entries: botocore parses the whole file on
  the first client of each process, so its 449 services cost every cold start.
- Each kept service keeps its latest API version (the one botocore loads), and its model
  only the operations genpic calls, the shapes they reach and no documentation: botocore
  parses a client's whole model when it builds the client, and S3's has 116 operations
  for genpic's 3.
- Pillow's AVIF codec (the largest library in the bundle) goes: genpic reads and writes
  JPEG, PNG and WebP only, and Pillow registers AVIF only when its module imports.
- Powertools keeps the logger, metrics and the utilities the SQS worker's batch processor
  imports; its event handlers and other utilities are for other kinds of functions.
- pydantic's copy of pydantic 1 (``pydantic.v1``) goes: FastAPI imports it only to ask
  whether a route uses pydantic 1 models, and takes its absence as "no".
- The methods of the dataclasses each function's init makes are compiled too
  (``genpic.aws.dataclass_code``): each handler's init runs once here, offline and with
  template.yaml's environment, recording the source :mod:`dataclasses` generates. On a
  machine of another architecture than the bundle's, the Makefile gives the host's own
  pydantic-core (``NATIVE``) to run it with; where no init can run here, the bundle ships
  without that file and its dataclasses compile at init as usual.
- Everything is compiled by Python 3.13, Lambda's runtime, so no module is compiled at
  import. genpic keeps its sources (its tracebacks show their lines) with "unchecked-hash"
  bytecode, which ignores source timestamps (zipping rounds them, so timestamped bytecode
  would be judged stale, and Lambda's code folder is read-only). The dependencies ship as
  bytecode alone, which halves their size; their tracebacks name file and line.

Run: python3.13 scripts/slim_bundle.py BUNDLE [NATIVE]   (the Makefile's ``bundle`` target does)
"""

from __future__ import annotations

import compileall
import gzip
import json
import os
import py_compile
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

TARGET_PYTHON = (3, 13)
# Pillow's own files for the one format genpic never reads or writes.
_UNUSED_CODECS = ("PIL/_avif.*.so", "pillow.libs/libavif-*")
_POWERTOOLS = "aws_lambda_powertools"
_POWERTOOLS_UNUSED = ("event_handler",)
# The batch processor imports data_classes, jmespath_utils and parser; typing is LambdaContext.
_POWERTOOLS_UTILITIES_KEPT = ("batch", "data_classes", "jmespath_utils", "parser", "typing")
_PYDANTIC_V1 = "pydantic/v1"
_OWN_PACKAGE = "genpic"
_DOCS = frozenset({"documentation", "documentationUrl"})
_HANDLERS = ("generate", "enhance", "api", "worker")
# What Lambda and template.yaml give each function, with fake credentials: init makes
# its clients and app from these without a network call.
_INIT_ENV = {
    "AWS_REGION": "us-west-2",
    "AWS_ACCESS_KEY_ID": "AKIAIOSFODNN7EXAMPLE",
    "AWS_SECRET_ACCESS_KEY": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    "AWS_SESSION_TOKEN": "build",
    "AWS_EXECUTION_ENV": "AWS_Lambda_python3.13",
    "OUTPUT_BUCKET": "genpic-output",
    "INPUT_BUCKET": "genpic-input",
    "GENPIC_TABLE": "genpic-records",
    "GENPIC_QUEUE_URL": "https://sqs.us-west-2.amazonaws.com/123456789012/genpic-jobs",
    "POWERTOOLS_LOG_LEVEL": "CRITICAL",
    "PYTHONDONTWRITEBYTECODE": "1",
}
_RECORD_INIT = """
import builtins, dataclasses, json
sources = []
def record(source, globals=None, locals=None):
    sources.append(source)
    builtins.exec(source, globals, locals)
dataclasses.exec = record
import genpic.aws.handlers
print(json.dumps(sources))
"""


def kept_operations(bundle: Path) -> Mapping[str, tuple[str, ...]]:
    """Return the operations genpic calls by service, as the bundled genpic declares them."""
    sys.dont_write_bytecode = True  # the bundle's bytecode is compiled once, afterwards
    sys.path.insert(0, str(bundle))
    from genpic.awssdk.clients import OPERATIONS

    return OPERATIONS


def trim_botocore_data(data: Path, operations: Mapping[str, tuple[str, ...]]) -> None:
    """Keep only ``operations``' services, in endpoints.json too, and only those operations."""
    services = tuple(operations)
    missing = [name for name in services if not (data / name).is_dir()]
    if missing:
        raise SystemExit(f"botocore has no data for {', '.join(missing)}")
    for folder in data.iterdir():
        if folder.is_dir() and folder.name not in services:
            shutil.rmtree(folder)
    endpoints_file = data / "endpoints.json"
    endpoints = json.loads(endpoints_file.read_text())
    for partition in endpoints["partitions"]:
        partition["services"] = {
            name: entry for name, entry in partition["services"].items() if name in services
        }
    endpoints_file.write_text(json.dumps(endpoints, separators=(",", ":")))
    for service, names in operations.items():
        # botocore loads a service's latest API version (folders are named by date).
        *older, latest = sorted(folder for folder in (data / service).iterdir() if folder.is_dir())
        for folder in older:
            shutil.rmtree(folder)
        model_file = latest / "service-2.json.gz"
        model = json.loads(gzip.decompress(model_file.read_bytes()))
        trimmed = json.dumps(trim_service_model(model, names), separators=(",", ":"))
        model_file.write_bytes(gzip.compress(trimmed.encode(), mtime=0))


def trim_service_model(model: dict[str, Any], operations: Iterable[str]) -> dict[str, Any]:
    """Return ``model`` with only ``operations``, the shapes they reach and no documentation.

    Raises
    ------
    SystemExit
        The model has no operation of one of these names.
    """
    missing = set(operations) - set(model["operations"])
    if missing:
        raise SystemExit(f"{model['metadata']['serviceId']} has no {', '.join(sorted(missing))}")
    kept = {name: model["operations"][name] for name in operations}
    reached: set[str] = set()
    pending = _shape_names(kept)
    while pending:
        name = pending.pop()
        reached.add(name)
        pending |= _shape_names(model["shapes"][name]) - reached
    shapes = {name: shape for name, shape in model["shapes"].items() if name in reached}
    # Only operations and shapes: botocore requires the documentation of client parameters.
    return {**model, "operations": _undocumented(kept), "shapes": _undocumented(shapes)}


def _shape_names(node: Any) -> set[str]:
    # Every {"shape": NAME} reference in an operation or a shape, at any depth.
    if isinstance(node, list):
        return set().union(*map(_shape_names, node))
    if not isinstance(node, dict):
        return set()
    named = {node["shape"]} if isinstance(node.get("shape"), str) else set()
    return named.union(*map(_shape_names, node.values()))


def _undocumented(node: Any) -> Any:
    # botocore reads the documentation of operations and shapes for docstrings alone.
    if isinstance(node, list):
        return [_undocumented(item) for item in node]
    if isinstance(node, dict):
        return {key: _undocumented(value) for key, value in node.items() if key not in _DOCS}
    return node


def drop_unused_codecs(bundle: Path) -> None:
    """Delete Pillow's AVIF plugin library and the codec it links."""
    for pattern in _UNUSED_CODECS:
        for path in bundle.glob(pattern):
            path.unlink()


def drop_unused_powertools(bundle: Path) -> None:
    """Delete the Powertools features no genpic handler imports."""
    package = bundle / _POWERTOOLS
    for name in _POWERTOOLS_UNUSED:
        shutil.rmtree(package / name)
    for folder in (package / "utilities").iterdir():
        if folder.is_dir() and folder.name not in _POWERTOOLS_UTILITIES_KEPT:
            shutil.rmtree(folder)


def drop_pydantic_v1(bundle: Path) -> None:
    """Delete pydantic 1, which pydantic 2 ships alongside for migrations."""
    shutil.rmtree(bundle / _PYDANTIC_V1)


# The OpenAPI document built once, offline: every scan of Unicode it makes, kept for the bundle.
_RECORD_SCANS = """
from genpic import scans
from genpic.http.app import create_app
create_app(bind_host=None).openapi()
print(scans.write())
"""


def compile_bytecode(bundle: Path) -> None:
    """Compile genpic beside its sources, and every dependency in place of its sources."""
    if sys.version_info[:2] != TARGET_PYTHON:
        raise SystemExit(f"compile the bundle with Python {'.'.join(map(str, TARGET_PYTHON))}")
    unchecked = py_compile.PycInvalidationMode.UNCHECKED_HASH
    compileall.compile_dir(bundle / _OWN_PACKAGE, quiet=1, workers=0, invalidation_mode=unchecked)
    for entry in bundle.iterdir():
        if entry.name == _OWN_PACKAGE or entry.suffix == ".dist-info":
            continue
        if entry.is_dir():
            compileall.compile_dir(entry, quiet=1, legacy=True, workers=0)
        elif entry.suffix == ".py":
            compileall.compile_file(entry, quiet=1, legacy=True)
    for source in bundle.rglob("*.py"):
        # A file that did not compile (none should) keeps its source.
        if source.with_suffix(".pyc").is_file():
            source.unlink()


def compile_dataclass_code(bundle: Path, native: Path | None = None) -> int:
    """Record the dataclass sources each handler's init compiles, and ship them compiled.

    Returns how many; 0 (and no file) when an init cannot run on this machine.
    """
    sys.path.insert(0, str(bundle))
    from genpic.aws.dataclass_code import CODE_FILE, compile_sources  # the bundle's genpic

    CODE_FILE.unlink(missing_ok=True)
    search = _import_path(bundle, native)
    sources: set[str] = set()
    for handler in _HANDLERS:
        env = {**_INIT_ENV, "PYTHONPATH": search, "LAMBDA_TASK_ROOT": str(bundle)}
        env |= {"_HANDLER": f"genpic.aws.handlers.{handler}", "AWS_LAMBDA_FUNCTION_NAME": handler}
        init = subprocess.run(
            [sys.executable, "-S", "-c", _RECORD_INIT], env=env, capture_output=True, text=True
        )
        if init.returncode != 0:
            print(f"dataclasses left to compile at init: {handler} fails here ({_last_line(init)})")
            return 0
        sources.update(json.loads(init.stdout.strip().splitlines()[-1]))
    compile_sources(sources, CODE_FILE)
    return len(sources)


def ship_scans(bundle: Path, native: Path | None = None) -> int:
    """Run the document's scans of every code point once and ship them (``genpic.scans``).

    Returns how many; 0 (and no file) when the app cannot be built on this machine.
    """
    shipped = bundle / _OWN_PACKAGE / "scans.json"
    shipped.unlink(missing_ok=True)
    search = _import_path(bundle, native)
    env = {**_INIT_ENV, "PYTHONPATH": search, "GENPIC_STORAGE": "local", "GENPIC_RECORDS": "sqlite"}
    with tempfile.TemporaryDirectory() as data_dir:
        built = subprocess.run(
            [sys.executable, "-S", "-c", _RECORD_SCANS],
            env={**env, "GENPIC_DATA_DIR": data_dir},
            capture_output=True,
            text=True,
        )
    if built.returncode != 0:
        print(f"scans left to the first document: the app fails here ({_last_line(built)})")
        shipped.unlink(missing_ok=True)
        return 0
    return int(built.stdout.strip().splitlines()[-1])


def _import_path(bundle: Path, native: Path | None) -> str:
    # The bundle, after this machine's compiled wheels when the bundle's are another arch's.
    return os.pathsep.join(str(p) for p in (native, bundle) if p and p.is_dir())


def _last_line(failed: subprocess.CompletedProcess[str]) -> str:
    return (failed.stderr.strip().splitlines() or [""])[-1]


def main(bundle: Path, native: Path | None = None) -> None:
    operations = kept_operations(bundle)
    trim_botocore_data(bundle / "botocore" / "data", operations)
    drop_unused_codecs(bundle)
    drop_unused_powertools(bundle)
    drop_pydantic_v1(bundle)
    compile_bytecode(bundle)
    print(f"botocore data kept for {', '.join(operations)}")
    print(f"dataclasses precompiled: {compile_dataclass_code(bundle, native)}")
    print(f"Unicode scans shipped: {ship_scans(bundle, native)}")


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]) if len(sys.argv) > 2 else None)
