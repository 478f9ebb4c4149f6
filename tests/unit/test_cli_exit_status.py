"""The exit status of the real ``genpic`` program, and its one-line errors, for every command.

0 done; 1 the work failed; 2 bad input or usage (before any model call); 130 interrupted.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from genpic.pipeline import Pipeline
from tests.support.cli import invoke, run

BOXES = set("╭╮╰╯│─")


@pytest.fixture(autouse=True)
def _cwd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


def one_line(stderr: str) -> str:
    [line] = stderr.splitlines()
    assert not BOXES & set(line), line
    assert "Traceback" not in line
    return line


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (["generate", "a cat", "--seed", "abc"], "error: --seed: must be an integer, got 'abc'"),
        (["generate", "a cat", "--strength", "x"], "error: --strength: must be a number, got 'x'"),
        (["generate", "a cat", "--seed", "-1"], "error: --seed: must be at least 0."),
        (["generate", "a cat", "--colour", "red"], "error: --colour: no such option"),
        (["generate"], "error: PROMPT: missing"),
        (["generate", "a cat", "--strength", "0.5"], "error: --strength: applies only"),
        (["generate", "a cat", "--translate", "yes"], "error: --translate: must be one of"),
        (["edit", "erase"], "error: IMAGE: missing"),
        (["edit", "blur", "in.png"], "error: OPERATION: must be one of inpaint, outpaint"),
        (["batch", "missing.txt"], "error: FILE: file 'missing.txt' does not exist"),
        (["batch", "p.txt", "--workers", "0"], "error: --workers: must be at least 1, got '0'"),
        (["jobs", "--limit", "x"], "error: --limit: must be an integer, got 'x'"),
        (["models", "--bogus"], "error: --bogus: no such option"),
        (["doctor", "--region"], "error: --region: "),
        (["stats", "--days", "7"], "error: --days: no such option"),
        (["serve", "--port", "80808"], "error: --port: must be at most 65535, got '80808'"),
        (["paint", "a cat"], "error: no such command 'paint'"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(args: list[str], line: str, tmp_path: Path) -> None:
    Path("in.png").write_bytes(b"not an image")
    Path("p.txt").write_text("a cat\n")
    result = run(*args, cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert one_line(result.stderr).startswith(line)
    assert not (tmp_path / "genpic-data" / "outputs").exists()


def test_success_is_0_and_a_failed_run_is_1(tmp_path: Path) -> None:
    made = run("generate", "a cat", cwd=tmp_path)
    assert (made.returncode, made.stderr) == (0, "")
    broken = run("generate", "a cat", env={"GENPIC_ENGINE": "gpu"}, cwd=tmp_path)
    assert broken.returncode == 1
    assert one_line(broken.stderr).startswith("error: ConfigurationError: GENPIC_ENGINE='gpu'")


def test_an_interrupt_is_130(monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupted(*_: Any) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(Pipeline, "run", interrupted)
    assert invoke("generate", "a cat").exit_code == 130


@pytest.fixture
def busy_port() -> Iterator[int]:
    """A loopback port something else listens on."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        yield listener.getsockname()[1]


def test_serve_on_a_busy_port_is_one_line_and_exit_1(busy_port: int, tmp_path: Path) -> None:
    result = run("serve", "--port", str(busy_port), cwd=tmp_path)
    assert result.returncode == 1
    assert one_line(result.stderr) == (
        f"error: --port {busy_port}: already in use on 127.0.0.1; stop what listens there, "
        "or choose another --port"
    )
    assert "serving on" not in result.stdout


def test_serve_on_a_host_of_no_interface_is_exit_2(tmp_path: Path) -> None:
    result = run("serve", "--host", "::1x", env={"GENPIC_API_KEY": "k" * 32}, cwd=tmp_path)
    assert result.returncode == 2
    assert one_line(result.stderr).startswith("error: --host ::1x: ")
