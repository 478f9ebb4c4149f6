"""Logs go to stderr and only when asked for; on Lambda, Powertools' JSON on stdout as before."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

from tests.support.cli import run
from tests.support.documentation import documentation


def test_verbose_json_keeps_stdout_pure_json(tmp_path: Path) -> None:
    result = run("-v", "generate", "a cat", "--json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    body = json.loads(result.stdout)
    [log] = [json.loads(line) for line in result.stderr.splitlines() if line.startswith("{")]
    assert (log["message"], log["request_id"]) == ("image generated", body["request_id"])


def test_quiet_unless_asked(tmp_path: Path) -> None:
    result = run("generate", "a cat", "--json", cwd=tmp_path)
    assert result.returncode == 0
    assert result.stderr == ""
    asked = run("generate", "a cat", cwd=tmp_path, env={"GENPIC_LOG_LEVEL": "info"})
    assert '"message":"image generated"' in asked.stderr
    assert not asked.stdout.startswith("{")


def test_the_readme_library_snippet_prints_only_what_it_prints(tmp_path: Path) -> None:
    [snippet] = re.findall(r"#+ Library\n\n```python\n(.*?)```", documentation(), re.S)
    result = subprocess.run(
        [sys.executable, "-c", snippet], capture_output=True, text=True, cwd=tmp_path, check=True
    )
    assert result.stderr == ""
    [line] = result.stdout.splitlines()
    assert line.startswith("file://")
    assert (tmp_path / "cat.jpeg").stat().st_size > 0


def test_on_lambda_structured_logs_stay_on_stdout(tmp_path: Path) -> None:
    code = "from genpic.logs import logger; logger.info('hello', extra={'k': 1})"
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={"AWS_LAMBDA_FUNCTION_NAME": "aws_gen_pic", "PATH": ""},
        check=True,
    )
    record = json.loads(result.stdout)
    assert (record["message"], record["k"], record["service"]) == ("hello", 1, "genpic")
    assert result.stderr == ""
