"""Drive the ``genpic`` command line in-process (CliRunner) and as a real program (subprocess)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner, Result

from genpic.cli import app

GENPIC = Path(sys.executable).with_name("genpic")


def invoke(*args: str) -> Result:
    """Run ``genpic ARGS`` in-process; ``result.stdout`` and ``result.stderr`` are separate."""
    return CliRunner().invoke(app, list(args))


def run(
    *args: str, env: dict[str, str] | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the installed ``genpic`` console script with stdout and stderr as pipes."""
    return subprocess.run(
        [str(GENPIC), *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        cwd=cwd,
        timeout=60,
        check=False,
    )
