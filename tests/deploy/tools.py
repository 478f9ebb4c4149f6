"""Find the deployment tools (sam, cfn-lint, checkov) and a Python 3.13 for the checks.

The tools pin versions of boto3 and packaging that clash with genpic's own test
dependencies, so .ci/run installs them in their own virtualenv, .venv-tools.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.deploy.cfn import ROOT

TOOLS_BIN = ROOT / ".venv-tools" / "bin"
INSTALL_HINT = (
    'python3 -m venv .venv-tools && .venv-tools/bin/pip install "aws-sam-cli>=1.130" '
    '"checkov>=3.2" "cfn-lint>=1.20"'
)


def tool(name: str) -> str:
    """Return the path of ``name``; in CI a missing tool fails, elsewhere it skips."""
    found = shutil.which(name, path=f"{TOOLS_BIN}{os.pathsep}{os.environ.get('PATH', '')}")
    if found:
        return found
    message = f"{name} is not installed; {INSTALL_HINT}"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def python313() -> str | None:
    """Return a working Python 3.13 interpreter (on PATH or under pyenv), if there is one."""
    candidates = [shutil.which("python3.13") or ""]
    candidates += sorted(glob.glob(os.path.expanduser("~/.pyenv/versions/3.13*/bin/python3.13")))
    for candidate in filter(None, candidates):
        probe = subprocess.run(
            [candidate, "-c", "import sys; print(sys.version_info[:2] == (3, 13))"],
            capture_output=True,
            text=True,
        )
        if probe.stdout.strip() == "True":
            return candidate
    return None


def run(*command: str, cwd: Path = ROOT, **env: str) -> subprocess.CompletedProcess[str]:
    """Run ``command`` with the tools first on PATH, telemetry off; return it finished."""
    full_env = {
        **os.environ,
        "PATH": f"{TOOLS_BIN}{os.pathsep}{os.environ.get('PATH', '')}",
        "SAM_CLI_TELEMETRY": "0",
        **env,
    }
    return subprocess.run(command, cwd=cwd, env=full_env, capture_output=True, text=True)
