"""Schemathesis against a live ``genpic serve``: the OpenAPI document says what the server does.

Every check Schemathesis has (``--checks all``: no 5xx, documented statuses,
headers and bodies, schema-valid requests accepted, schema-invalid ones refused,
``Allow`` on a 405, …) runs against every documented operation, bounded to a few
minutes. The only failures set aside are listed, with the reason, in
``tests/support/schemathesis_hooks.py``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.live_server import LiveServer

ROOT = Path(__file__).resolve().parents[2]
# The whole run within 3 minutes on 2 cores: a time budget, and few examples per operation.
TIME_BUDGET_S = 120
MAX_EXAMPLES = 40


@pytest.mark.slow
def test_the_document_matches_the_server(tmp_path: Path) -> None:
    schemathesis = shutil.which("schemathesis", path=str(Path(sys.executable).parent))
    assert schemathesis, "pip install -e '.[dev]' installs schemathesis"
    env = {
        **os.environ,
        "SCHEMATHESIS_HOOKS": "tests.support.schemathesis_hooks",
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    }
    with LiveServer(tmp_path / "data") as server:
        run = subprocess.run(
            [
                schemathesis,
                "run",
                f"{server.url}/openapi.json",
                "--checks=all",
                f"--max-examples={MAX_EXAMPLES}",
                f"--max-time={TIME_BUDGET_S}",
                "--workers=1",
                "--seed=20261202",
                "--generation-database=none",
                "--no-color",
            ],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=TIME_BUDGET_S + 90,
            check=False,
        )
    assert run.returncode == 0, run.stdout[-25_000:] + run.stderr[-5_000:]
    # Every documented operation was reached (none skipped for a schema it could not read).
    assert "Errored:" not in run.stdout, run.stdout[-25_000:]
