"""Without chromium the browser tests fail, saying how to install it; they never skip."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_a_missing_chromium_fails_and_says_how_to_install_it(tmp_path: Path) -> None:
    env = {**os.environ, "GENPIC_CHROMIUM": str(tmp_path / "no-chromium"), "CI": ""}
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "tests/browser/test_docs_offline.py::test_redoc_renders_every_operation_offline",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 1, run.stdout
    assert "1 error" in run.stdout and "skipped" not in run.stdout
    assert "sudo apt-get install chromium" in run.stdout
    assert "pytest --ignore=tests/browser" in run.stdout
