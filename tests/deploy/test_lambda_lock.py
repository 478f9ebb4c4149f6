"""requirements-lambda.txt (what the bundle installs) agrees with pyproject.toml."""

from __future__ import annotations

import re
import tomllib

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from tests.deploy.cfn import ROOT

LOCK = (ROOT / "requirements-lambda.txt").read_text().splitlines()


def _pins() -> dict[str, str]:
    pins = {}
    for line in LOCK:
        if line and not line.startswith("#"):
            name, version = re.fullmatch(r"([A-Za-z0-9_.-]+)==(\S+)", line).groups()
            pins[canonicalize_name(name)] = version
    return pins


def _cli_only() -> set[str]:
    (line,) = [line for line in LOCK if line.startswith("# cli-only (not bundled):")]
    return {canonicalize_name(name) for name in line.split(":", 1)[1].split()}


def test_every_line_is_an_exact_pin() -> None:
    assert _pins()  # the regex above fails on anything that is not name==version


def test_every_runtime_dependency_is_pinned_within_its_declared_range() -> None:
    dependencies = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    pins, cli_only = _pins(), _cli_only()
    for dependency in map(Requirement, dependencies):
        name = canonicalize_name(dependency.name)
        if name in cli_only:
            assert name not in pins, f"{name} is CLI-only but bundled"
            continue
        assert name in pins, f"{name} is in pyproject.toml but not in the lock: run `make lock`"
        assert dependency.specifier.contains(pins[name]), f"{name}=={pins[name]} !{dependency}"


def test_cli_only_names_are_declared_dependencies() -> None:
    dependencies = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    declared = {canonicalize_name(Requirement(dep).name) for dep in dependencies}
    assert _cli_only() <= declared
