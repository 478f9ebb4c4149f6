"""Cut the Lambda bundle down to what the handlers load, and compile it (the last build step).

- botocore/data keeps only the services genpic makes clients for
  (``genpic.awssdk.clients.SERVICES``) and the shared files botocore reads for every client
  (endpoints, partitions, retry and default-configuration data). endpoints.json keeps every
  partition and region but only those services' entries: botocore parses the whole file on
  the first client of each process, so its 449 services cost every cold start.
- Pillow's AVIF codec (the largest library in the bundle) goes: genpic reads and writes
  JPEG, PNG and WebP only, and Pillow registers AVIF only when its module imports.
- Powertools keeps the logger, metrics and the utilities the SQS worker's batch processor
  imports; its event handlers and other utilities are for other kinds of functions.
- pydantic's copy of pydantic 1 (``pydantic.v1``) goes: FastAPI imports it only to ask
  whether a route uses pydantic 1 models, and takes its absence as "no".
- Everything is compiled by Python 3.13, Lambda's runtime, so no module is compiled at
  import. genpic keeps its sources (its tracebacks show their lines) with "unchecked-hash"
  bytecode, which ignores source timestamps (zipping rounds them, so timestamped bytecode
  would be judged stale, and Lambda's code folder is read-only). The dependencies ship as
  bytecode alone, which halves their size; their tracebacks name file and line.

Run: python3.13 scripts/slim_bundle.py BUNDLE   (the Makefile's ``bundle`` target does)
"""

from __future__ import annotations

import compileall
import json
import py_compile
import shutil
import sys
from pathlib import Path

TARGET_PYTHON = (3, 13)
# Pillow's own files for the one format genpic never reads or writes.
_UNUSED_CODECS = ("PIL/_avif.*.so", "pillow.libs/libavif-*")
_POWERTOOLS = "aws_lambda_powertools"
_POWERTOOLS_UNUSED = ("event_handler",)
# The batch processor imports data_classes, jmespath_utils and parser; typing is LambdaContext.
_POWERTOOLS_UTILITIES_KEPT = ("batch", "data_classes", "jmespath_utils", "parser", "typing")
_PYDANTIC_V1 = "pydantic/v1"
_OWN_PACKAGE = "genpic"


def kept_services(bundle: Path) -> tuple[str, ...]:
    """Return the services genpic creates clients for, as the bundled genpic declares them."""
    sys.dont_write_bytecode = True  # the bundle's bytecode is compiled once, afterwards
    sys.path.insert(0, str(bundle))
    from genpic.awssdk.clients import SERVICES

    return SERVICES


def trim_botocore_data(data: Path, services: tuple[str, ...]) -> None:
    """Delete every service folder but ``services``; drop the others from endpoints.json."""
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


def main(bundle: Path) -> None:
    services = kept_services(bundle)
    trim_botocore_data(bundle / "botocore" / "data", services)
    drop_unused_codecs(bundle)
    drop_unused_powertools(bundle)
    drop_pydantic_v1(bundle)
    compile_bytecode(bundle)
    print(f"botocore data kept for {', '.join(services)}")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
